// How @portaljs/remark-wiki-link (the Obsidian wikilink parser and "shortest path" resolver
// of the Flowershow/PortalJS publishers) reads a vault, for tests/vault.rs to compare
// docsteward's reading with: `node tests/vault_oracle.mjs CACHE VAULT FILE...`, where CACHE
// is the folder that `npm install --prefix CACHE` installed it (with unified and
// remark-parse) into. Prints one JSON object per file: each wikilink and embed with its
// line, column (of the `[[` or `![[`), target as written, and whether the plugin found a
// file of that name in the vault (`pathFormat: "obsidian-short"`, every file of the vault
// as a permalink, notes without `.md`).
//
// YAML front matter is blanked first (offsets stay the same): Obsidian does not read it as
// Markdown, and remark-parse alone would.

import {readFileSync} from 'node:fs'
import {join} from 'node:path'
import {pathToFileURL} from 'node:url'

const [cache, vault, ...files] = process.argv.slice(2)
const load = (module, file) =>
  import(pathToFileURL(join(cache, 'node_modules', module, file)).href)
const {unified} = await load('unified', 'index.js')
const {default: remarkParse} = await load('remark-parse', 'index.js')
const {remarkWikiLink, getPermalinks} = await load(
  '@portaljs/remark-wiki-link',
  'dist/index.js',
)

const blank = (s) => s.replace(/[^\r\n]/g, ' ')
// Notes keep their name without `.md`; attachments keep their extension.
const permalinks = getPermalinks(vault, [/\/\.[^/]+\//], (file, root) =>
  file.slice(root.length).replace(/\.md$/, ''),
)

const processor = unified()
  .use(remarkParse)
  .use(remarkWikiLink, {pathFormat: 'obsidian-short', permalinks})

function walk(node, out) {
  if (node.type === 'wikiLink') {
    out.push({
      line: node.position.start.line,
      column: node.position.start.column,
      target: node.data.target,
      embed: node.data.isEmbed,
      exists: node.data.exists,
    })
  }
  for (const child of node.children || []) walk(child, out)
}

for (const file of files) {
  const text = readFileSync(file, 'utf8').replace(/^---\r?\n[\s\S]*?\r?\n---(?=\r?\n|$)/, blank)
  const links = []
  walk(processor.runSync(processor.parse(text)), links)
  console.log(JSON.stringify({file, links}))
}
