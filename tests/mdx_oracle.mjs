// The MDX compiler's own reading of .mdx files, for tests/mdx.rs to compare docsteward's
// with: `node tests/mdx_oracle.mjs CACHE FILE...`, where CACHE is the folder that
// `npm install --prefix CACHE @mdx-js/mdx@3` installed into. Prints one JSON object per file:
// the destinations of links, images and definitions, the string `href`/`src` props of JSX
// elements (each with its exact byte span and decoded value), JSX `id` anchors, and the
// headings, or the error that made the compiler refuse the file.
//
// Before parsing, YAML front matter and a trailing `{#custom-id}` on a heading line are
// blanked with spaces (offsets stay the same): Docusaurus strips both before MDX sees the
// text, and plain MDX would read `{#id}` as a broken expression.

import {readFileSync} from 'node:fs'
import {join} from 'node:path'
import {pathToFileURL} from 'node:url'

const [cache, ...files] = process.argv.slice(2)
const load = (module, file) =>
  import(pathToFileURL(join(cache, 'node_modules', module, file)).href)
const {createProcessor} = await load('@mdx-js/mdx', 'index.js')
const {parse, postprocess, preprocess} = await load('micromark', 'index.js')
const {mdxjs} = await load('micromark-extension-mdxjs', 'index.js')

const blank = (s) => s.replace(/[^\r\n]/g, ' ')

function prepare(text) {
  const ids = new Map()
  text = text.replace(/^---\r?\n[\s\S]*?\r?\n---(?=\r?\n|$)/, blank)
  text = text.replace(
    /^((?:[ \t]*>)*[ \t]*#{1,6}[ \t][^\n]*?)(\{#([^}\s]+)\})([ \t]*)$/gm,
    (all, head, brace, id, tail, offset) => {
      ids.set(offset + head.length, id)
      return head + blank(brace) + tail
    }
  )
  return {text, ids}
}

// UTF-8 byte offsets by JavaScript string offset (UTF-16 code units), which unist positions
// count in.
function byteOffsets(text) {
  const out = new Array(text.length + 1)
  let bytes = 0
  for (let i = 0; i < text.length; i++) {
    out[i] = bytes
    const c = text.charCodeAt(i)
    bytes += c < 0x80 ? 1 : c < 0x800 ? 2 : c >= 0xd800 && c < 0xdc00 ? 4 : c >= 0xdc00 && c < 0xe000 ? 0 : 3
  }
  out[text.length] = bytes
  return out
}

// Exact spans from micromark's events: destinations (`<...>` included) and JSX prop values
// (quotes excluded), keyed by where the link, definition or prop starts.
function spans(text) {
  const events = postprocess(
    parse({extensions: [mdxjs()]}).document().write(preprocess()(text, 'utf8', true))
  )
  const out = new Map()
  const open = []
  let prop
  for (const [kind, token] of events) {
    const type = token.type
    if (kind === 'enter') {
      if (type === 'link' || type === 'image' || type === 'definition') open.push(token)
      if (
        (type === 'resourceDestination' || type === 'definitionDestination') &&
        open.length > 0
      ) {
        out.set(open[open.length - 1].start.offset, [token.start.offset, token.end.offset])
      }
      if (type === 'mdxJsxFlowTagAttribute' || type === 'mdxJsxTextTagAttribute') {
        prop = {start: token.start.offset}
      }
      if (prop && type.endsWith('TagAttributeValueLiteralValue')) {
        prop.from ??= token.start.offset
        prop.to = token.end.offset
      }
    } else {
      if (type === 'link' || type === 'image' || type === 'definition') open.pop()
      if (type === 'mdxJsxFlowTagAttribute' || type === 'mdxJsxTextTagAttribute') {
        if (prop.from !== undefined) out.set(prop.start, [prop.from, prop.to])
        prop = undefined
      }
    }
  }
  return out
}

function headingText(node) {
  if (node.type === 'text' || node.type === 'inlineCode') return node.value
  if (node.type === 'image') return node.alt ?? ''
  if (node.type === 'mdxTextExpression' || node.type === 'mdxFlowExpression') return ''
  return (node.children ?? []).map(headingText).join('')
}

const processor = createProcessor({format: 'mdx'})
for (const file of files) {
  const {text, ids} = prepare(readFileSync(file, 'utf8'))
  let tree
  try {
    tree = processor.parse(text)
  } catch (error) {
    console.log(JSON.stringify({file, error: String(error)}))
    continue
  }
  const at = spans(text)
  const bytes = byteOffsets(text)
  const refs = []
  const anchors = []
  const headings = []
  const visit = (node) => {
    const start = node.position?.start.offset
    if (node.type === 'link' || node.type === 'image' || node.type === 'definition') {
      const span = at.get(start)
      if (span) refs.push({kind: node.type, target: node.url, span: span.map((o) => bytes[o])})
    }
    if (node.type === 'mdxJsxFlowElement' || node.type === 'mdxJsxTextElement') {
      for (const prop of node.attributes) {
        if (prop.type !== 'mdxJsxAttribute' || typeof prop.value !== 'string') continue
        if (prop.name === 'href' || prop.name === 'src') {
          const span = at.get(prop.position.start.offset).map((o) => bytes[o])
          refs.push({kind: prop.name, target: prop.value, span})
        }
        if (prop.name === 'id' || (node.name === 'a' && prop.name === 'name')) {
          anchors.push(prop.value)
        }
      }
    }
    if (node.type === 'heading') {
      const id = [...ids].find(([offset]) => offset >= start && offset < node.position.end.offset)
      headings.push({depth: node.depth, text: headingText(node).trim(), id: id ? id[1] : null})
    }
    for (const child of node.children ?? []) visit(child)
  }
  visit(tree)
  refs.sort((a, b) => a.span[0] - b.span[0])
  console.log(JSON.stringify({file, refs, anchors, headings}))
}
