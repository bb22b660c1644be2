//! `astro`: a plain Astro site, and the reading of `astro.config.*` that `starlight` shares.
//!
//! The configuration file is JavaScript or TypeScript; docsteward never runs it. It reads the
//! `export default defineConfig({...})` object as written: string, number and boolean
//! literals, objects, arrays and calls (`starlight({...})`). A value computed by code (a
//! variable, `process.env.X`, a template with `${}`) is not read: detection lists it.
//!
//! What Astro publishes (<https://docs.astro.build/en/guides/routing/>): each `.md`, `.mdx`,
//! `.astro` and `.html` file under `src/pages/` at its path without extension (`index` is
//! its folder's URL), except files and folders whose name starts with `_`; a dynamic route
//! (`[slug].astro`) publishes URLs only code knows, so content collections are reached through
//! `[[links.routes]]`. Files in `public/` are served as they are at `/`
//! (<https://docs.astro.build/en/basics/project-structure/#public>). `base`, `trailingSlash`,
//! `build.format`, `redirects`, `srcDir` and `publicDir` are read
//! (<https://docs.astro.build/en/reference/configuration-reference/>). Links are not
//! rewritten: a relative link on a page resolves against the page's URL. A relative image in
//! Markdown (`![](./x.png)`) is imported from the file's folder
//! (<https://docs.astro.build/en/guides/images/#images-in-markdown-files>).
//!
//! Heading ids are github-slugger's, made by Astro's `rehypeHeadingIds`: one slugger per
//! page, repeats numbered, and a trailing `-` dropped; Astro has no `{#id}` syntax, so
//! `## Options {#opts}` gets `options-opts`.

use std::collections::HashSet;

use unicode_general_category::{get_general_category, GeneralCategory};

use super::{Detection, Model};
use crate::document::markdown::Heading;
use crate::document::Node;
use crate::error::Error;
use crate::paths;
use crate::repo::Snapshot;

/// The names Astro looks for its configuration under, in its order.
pub(super) const CONFIG_FILES: &[&str] = &[
    "astro.config.mjs",
    "astro.config.js",
    "astro.config.ts",
    "astro.config.mts",
    "astro.config.cjs",
    "astro.config.cts",
];

/// A JavaScript value as written.
#[derive(Clone, Debug, PartialEq)]
pub(super) enum Js {
    Str(String),
    Num(String),
    Bool(bool),
    Object(Vec<(String, Js)>),
    Array(Vec<Js>),
    /// `name(args)`; `name` may be dotted (`a.b`).
    Call(String, Vec<Js>),
    /// Anything computed: an identifier, an operator expression, a template with `${}`.
    Code(String),
}

impl Js {
    pub(super) fn get(&self, key: &str) -> Option<&Js> {
        match self {
            Js::Object(entries) => entries.iter().rev().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    pub(super) fn as_str(&self) -> Option<&str> {
        match self {
            Js::Str(s) => Some(s),
            _ => None,
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
enum Tok {
    Str(String),
    /// A template literal with a `${}` substitution.
    Template,
    Word(String),
    Punct(char),
}

fn tokenize(src: &str) -> Vec<Tok> {
    let chars: Vec<char> = src.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c.is_whitespace() {
            i += 1;
        } else if c == '/' && chars.get(i + 1) == Some(&'/') {
            while i < chars.len() && chars[i] != '\n' {
                i += 1;
            }
        } else if c == '/' && chars.get(i + 1) == Some(&'*') {
            i += 2;
            while i < chars.len() && !(chars[i] == '*' && chars.get(i + 1) == Some(&'/')) {
                i += 1;
            }
            i += 2;
        } else if c == '\'' || c == '"' {
            let mut s = String::new();
            i += 1;
            while i < chars.len() && chars[i] != c && chars[i] != '\n' {
                if chars[i] == '\\' && i + 1 < chars.len() {
                    i += 1;
                    s.push(unescape(chars[i]));
                } else {
                    s.push(chars[i]);
                }
                i += 1;
            }
            i += 1;
            out.push(Tok::Str(s));
        } else if c == '`' {
            let mut s = String::new();
            let mut substituted = false;
            let mut depth = 0usize;
            i += 1;
            while i < chars.len() {
                let d = chars[i];
                if depth == 0 && d == '`' {
                    break;
                }
                if d == '\\' && i + 1 < chars.len() {
                    i += 1;
                    s.push(unescape(chars[i]));
                } else if d == '$' && chars.get(i + 1) == Some(&'{') {
                    substituted = true;
                    depth += 1;
                    i += 1;
                } else if depth > 0 && d == '{' {
                    depth += 1;
                } else if depth > 0 && d == '}' {
                    depth -= 1;
                } else if depth == 0 {
                    s.push(d);
                }
                i += 1;
            }
            i += 1;
            out.push(if substituted {
                Tok::Template
            } else {
                Tok::Str(s)
            });
        } else if c.is_alphanumeric() || c == '_' || c == '$' {
            let start = i;
            while i < chars.len()
                && (chars[i].is_alphanumeric() || matches!(chars[i], '_' | '$' | '.'))
            {
                i += 1;
            }
            out.push(Tok::Word(chars[start..i].iter().collect()));
        } else {
            out.push(Tok::Punct(c));
            i += 1;
        }
    }
    out
}

fn unescape(c: char) -> char {
    match c {
        'n' => '\n',
        't' => '\t',
        other => other,
    }
}

struct Parser {
    toks: Vec<Tok>,
    pos: usize,
}

impl Parser {
    fn peek(&self) -> Option<&Tok> {
        self.toks.get(self.pos)
    }

    fn at_punct(&self, c: char) -> bool {
        self.peek() == Some(&Tok::Punct(c))
    }

    /// One value; stops before the `,` or closing bracket that ends it.
    fn value(&mut self) -> Js {
        let start = self.pos;
        let value = match self.peek().cloned() {
            Some(Tok::Punct('{')) => {
                self.pos += 1;
                self.object()
            }
            Some(Tok::Punct('[')) => {
                self.pos += 1;
                Js::Array(self.list(']'))
            }
            Some(Tok::Str(s)) => {
                self.pos += 1;
                Js::Str(s)
            }
            Some(Tok::Word(w)) if w == "true" || w == "false" => {
                self.pos += 1;
                Js::Bool(w == "true")
            }
            Some(Tok::Word(w)) if w.starts_with(|c: char| c.is_ascii_digit()) => {
                self.pos += 1;
                Js::Num(w)
            }
            Some(Tok::Word(w)) if self.toks.get(self.pos + 1) == Some(&Tok::Punct('(')) => {
                self.pos += 2;
                Js::Call(w, self.list(')'))
            }
            _ => Js::Code(String::new()),
        };
        // `as const`, `satisfies T` keep the value; anything else makes it code.
        let mut value = value;
        while let Some(tok) = self.peek() {
            match tok {
                Tok::Punct(',' | '}' | ']' | ')' | ';') => break,
                Tok::Word(w)
                    if (w == "as" || w == "satisfies") && value != Js::Code(String::new()) =>
                {
                    self.skip_expression();
                    break;
                }
                _ => {
                    value = Js::Code(String::new());
                    self.skip_one();
                }
            }
        }
        if let Js::Code(text) = &mut value {
            *text = self.toks[start..self.pos]
                .iter()
                .map(|t| match t {
                    Tok::Str(s) => format!("'{s}'"),
                    Tok::Template => "`...`".to_owned(),
                    Tok::Word(w) => w.clone(),
                    Tok::Punct(c) => c.to_string(),
                })
                .collect::<Vec<_>>()
                .join(" ");
        }
        value
    }

    /// Skips to the `,` or closing bracket that ends the current expression.
    fn skip_expression(&mut self) {
        while let Some(tok) = self.peek() {
            if matches!(tok, Tok::Punct(',' | '}' | ']' | ')' | ';')) {
                break;
            }
            self.skip_one();
        }
    }

    /// Skips one token, or a whole bracketed group.
    fn skip_one(&mut self) {
        let mut depth = 0usize;
        while let Some(tok) = self.peek().cloned() {
            self.pos += 1;
            match tok {
                Tok::Punct('{' | '[' | '(') => depth += 1,
                Tok::Punct('}' | ']' | ')') => depth = depth.saturating_sub(1),
                _ => {}
            }
            if depth == 0 {
                break;
            }
        }
    }

    /// Values up to `close`, consumed.
    fn list(&mut self, close: char) -> Vec<Js> {
        let mut out = Vec::new();
        loop {
            match self.peek() {
                None => break,
                Some(Tok::Punct(c)) if *c == close => {
                    self.pos += 1;
                    break;
                }
                Some(Tok::Punct(',')) => self.pos += 1,
                Some(Tok::Punct('}' | ']' | ')')) => {
                    self.pos += 1;
                    break;
                }
                Some(_) => {
                    let before = self.pos;
                    out.push(self.value());
                    if self.pos == before {
                        self.pos += 1;
                    }
                }
            }
        }
        out
    }

    /// An object's entries up to `}`, consumed. Spreads and shorthand properties are code.
    fn object(&mut self) -> Js {
        let mut entries = Vec::new();
        loop {
            let key = match self.peek().cloned() {
                None => break,
                Some(Tok::Punct('}')) => {
                    self.pos += 1;
                    break;
                }
                Some(Tok::Punct(',')) => {
                    self.pos += 1;
                    continue;
                }
                Some(Tok::Str(s)) => s,
                Some(Tok::Word(w)) if !w.contains('.') => w,
                Some(_) => {
                    self.skip_expression();
                    if !self.at_punct(',') && !self.at_punct('}') {
                        self.pos += 1;
                    }
                    continue;
                }
            };
            self.pos += 1;
            if self.at_punct(':') {
                self.pos += 1;
                entries.push((key, self.value()));
            } else if self.at_punct('(') {
                // A method: code.
                self.skip_one();
                self.skip_expression();
                entries.push((key.clone(), Js::Code(format!("{key}() {{...}}"))));
            } else {
                // Shorthand `{ base }`: a variable.
                entries.push((key.clone(), Js::Code(key)));
            }
        }
        Js::Object(entries)
    }
}

/// The object `export default` names (through `defineConfig(...)`), and the local name of
/// each module's default import (`import starlight from '@astrojs/starlight'`).
fn read_module(src: &str) -> (Option<Js>, Vec<(String, String)>) {
    let toks = tokenize(src);
    let mut imports = Vec::new();
    let mut config = None;
    let mut i = 0;
    while i < toks.len() {
        match (&toks[i], toks.get(i + 1), toks.get(i + 2), toks.get(i + 3)) {
            (
                Tok::Word(kw),
                Some(Tok::Word(name)),
                Some(Tok::Word(from)),
                Some(Tok::Str(module)),
            ) if kw == "import" && from == "from" => {
                imports.push((name.clone(), module.clone()));
            }
            (Tok::Word(kw), Some(Tok::Word(default)), ..)
                if kw == "export" && default == "default" =>
            {
                let mut parser = Parser {
                    toks: toks.clone(),
                    pos: i + 2,
                };
                let value = match parser.value() {
                    // `export default config`: the variable's value.
                    Js::Code(name) if is_identifier(&name) => variable(&toks, &name),
                    other => other,
                };
                config = Some(match value {
                    Js::Call(_, mut args) if !args.is_empty() => args.swap_remove(0),
                    other => other,
                });
            }
            (Tok::Word(w), Some(Tok::Punct('=')), ..) if w == "module.exports" => {
                let mut parser = Parser {
                    toks: toks.clone(),
                    pos: i + 2,
                };
                config = Some(match parser.value() {
                    Js::Call(_, mut args) if !args.is_empty() => args.swap_remove(0),
                    other => other,
                });
            }
            _ => {}
        }
        i += 1;
    }
    (config, imports)
}

fn is_identifier(text: &str) -> bool {
    !text.is_empty()
        && text
            .chars()
            .all(|c| c.is_alphanumeric() || c == '_' || c == '$')
}

/// The value `const name = ...` (or `let`, `var`) gives `name`.
fn variable(toks: &[Tok], name: &str) -> Js {
    for i in 0..toks.len() {
        if let (Tok::Word(kw), Some(Tok::Word(n)), Some(Tok::Punct('='))) =
            (&toks[i], toks.get(i + 1), toks.get(i + 2))
        {
            if matches!(kw.as_str(), "const" | "let" | "var") && n == name {
                let mut parser = Parser {
                    toks: toks.to_vec(),
                    pos: i + 3,
                };
                return parser.value();
            }
        }
    }
    Js::Code(name.to_owned())
}

/// `build.format`: where a page's HTML file goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Format {
    /// `/guides/x/index.html`, at `/guides/x/` (the default).
    Directory,
    /// `/guides/x.html`, at `/guides/x`.
    File,
}

/// What docsteward read from `astro.config.*`.
#[derive(Clone, Debug)]
pub(super) struct AstroConfig {
    /// The folder it is in (`""` or `"docs/"`).
    pub root: String,
    /// The configuration object, when one was found.
    pub object: Js,
    /// The local names of default imports, with their modules.
    pub imports: Vec<(String, String)>,
    /// `base`, without a trailing `/` (`""` or `"/docs"`).
    pub base: String,
    pub trailing_never: bool,
    pub format: Format,
    /// `srcDir`, repository-relative with a trailing `/`.
    pub src_dir: String,
    /// `publicDir`, repository-relative with a trailing `/`.
    pub public_dir: String,
    /// `redirects`: `(from, to)`, site-absolute (with `base`).
    pub redirects: Vec<(String, String)>,
    /// What was set by code, not read.
    pub unread: Vec<String>,
}

impl AstroConfig {
    /// The configuration in the folder `root` (`""` or `"docs/"`), if there is one.
    pub fn find(snapshot: &Snapshot, root: &str) -> Option<String> {
        CONFIG_FILES
            .iter()
            .map(|name| format!("{root}{name}"))
            .find(|path| snapshot.contains(path))
    }

    /// Reads the configuration file `file`.
    pub fn read(snapshot: &Snapshot, file: &str) -> Result<AstroConfig, Error> {
        let bytes = snapshot.read(file).map_err(|e| Error::SiteConfig {
            file: file.to_owned(),
            message: e.to_string(),
        })?;
        let text = String::from_utf8_lossy(&bytes);
        Ok(AstroConfig::parse(file, &text))
    }

    pub fn parse(file: &str, text: &str) -> AstroConfig {
        let root = paths::parent(file);
        let (object, imports) = read_module(text);
        let mut unread = Vec::new();
        let object = match object {
            Some(Js::Object(entries)) => Js::Object(entries),
            Some(_) => {
                unread.push("the exported configuration (not an object literal)".to_owned());
                Js::Object(Vec::new())
            }
            None => {
                unread.push("the exported configuration (no `export default`)".to_owned());
                Js::Object(Vec::new())
            }
        };
        let mut string = |key: &str, value: Option<&Js>| -> Option<String> {
            match value {
                None => None,
                Some(Js::Str(s)) => Some(s.clone()),
                Some(other) => {
                    unread.push(format!("{key} = {}", describe(other)));
                    None
                }
            }
        };
        let base = string("base", object.get("base"))
            .map(|b| {
                let b = b.trim_matches('/');
                if b.is_empty() {
                    String::new()
                } else {
                    format!("/{b}")
                }
            })
            .unwrap_or_default();
        let trailing_never =
            string("trailingSlash", object.get("trailingSlash")).as_deref() == Some("never");
        let format = match string(
            "build.format",
            object.get("build").and_then(|b| b.get("format")),
        )
        .as_deref()
        {
            Some("file") | Some("preserve") => Format::File,
            _ => Format::Directory,
        };
        let dir = |value: Option<String>, default: &str| {
            let value = value.unwrap_or_else(|| default.to_owned());
            let value = value.trim_start_matches("./");
            paths::as_dir(&paths::join(&root, value).unwrap_or_else(|| root.clone()))
        };
        let src_dir = dir(string("srcDir", object.get("srcDir")), "src");
        let public_dir = dir(string("publicDir", object.get("publicDir")), "public");
        let mut redirects = Vec::new();
        match object.get("redirects") {
            None => {}
            Some(Js::Object(entries)) => {
                for (from, to) in entries {
                    let to = match to {
                        Js::Str(s) => Some(s.clone()),
                        Js::Object(_) => to
                            .get("destination")
                            .and_then(Js::as_str)
                            .map(str::to_owned),
                        _ => None,
                    };
                    match to {
                        // A dynamic route (`/blog/[...slug]`) is code's to expand.
                        Some(to) if !from.contains('[') => {
                            let from = format!("{base}/{}", from.trim_start_matches('/'));
                            redirects.push((from, to));
                        }
                        _ => unread.push(format!("redirects[{from:?}]")),
                    }
                }
            }
            Some(other) => unread.push(format!("redirects = {}", describe(other))),
        }
        AstroConfig {
            root,
            object,
            imports,
            base,
            trailing_never,
            format,
            src_dir,
            public_dir,
            redirects,
            unread,
        }
    }

    /// The call in `integrations` to the default export of `module`
    /// (`starlight({...})` for `@astrojs/starlight`), and its first argument.
    pub fn integration(&self, module: &str) -> Option<Js> {
        let name = self
            .imports
            .iter()
            .find(|(_, m)| m == module)
            .map(|(n, _)| n.as_str())?;
        let Some(Js::Array(items)) = self.object.get("integrations") else {
            return None;
        };
        items.iter().find_map(|item| match item {
            Js::Call(callee, args) if callee == name => {
                Some(args.first().cloned().unwrap_or(Js::Object(Vec::new())))
            }
            _ => None,
        })
    }

    /// Whether the module is imported at all (a computed `integrations` list still says
    /// which integrations the site uses).
    pub fn imports(&self, module: &str) -> bool {
        self.imports.iter().any(|(_, m)| m == module)
    }

    /// The URL of the page whose route is `route` (`""` for the home page, `guides/x`).
    pub fn page_url(&self, route: &str) -> String {
        if route.is_empty() {
            return format!("{}/", self.base);
        }
        match (self.format, self.trailing_never) {
            (Format::Directory, false) => format!("{}/{route}/", self.base),
            _ => format!("{}/{route}", self.base),
        }
    }

    /// A page's URLs: where it is read, then its HTML file's own name.
    pub fn page_urls(&self, route: &str) -> Vec<String> {
        let mut urls = vec![self.page_url(route)];
        if self.format == Format::File && !route.is_empty() {
            urls.push(format!("{}/{route}.html", self.base));
        }
        urls
    }

    /// The URL of a file in `publicDir`, if `path` is one.
    pub fn public_url(&self, path: &str) -> Option<String> {
        let rel = path.strip_prefix(&self.public_dir)?;
        Some(format!("{}/{rel}", self.base))
    }

    /// One line of what was read, for `init`.
    pub fn evidence(&self) -> String {
        let mut parts = Vec::new();
        if !self.base.is_empty() {
            parts.push(format!("base {}", self.base));
        }
        if self.format == Format::File {
            parts.push("build.format file".to_owned());
        }
        if self.trailing_never {
            parts.push("trailingSlash never".to_owned());
        }
        if !self.redirects.is_empty() {
            parts.push(format!("{} redirects", self.redirects.len()));
        }
        parts.join(", ")
    }
}

/// A short rendering of a computed value.
fn describe(value: &Js) -> String {
    match value {
        Js::Code(text) if !text.is_empty() => format!("`{text}`"),
        Js::Call(name, _) => format!("`{name}(...)`"),
        _ => "a computed value".to_owned(),
    }
}

/// github-slugger's `slug()` (<https://github.com/Flet/github-slugger>): lower-cased; every
/// character that is not a letter, mark, number, connector punctuation (`_`), `-` or a space
/// removed; spaces to `-`. Astro slugifies each segment of a content entry's path with it.
/// This is github-slugger 2.x, which Astro depends on; Docusaurus pins 1.5, whose classes
/// differ (`docusaurus::GithubSlugger`), and GitHub's own renderer differs from both
/// (`document::markdown::Slugger`): each is tested against its own program's output.
pub(super) fn github_slug(text: &str) -> String {
    text.to_lowercase()
        .chars()
        .filter_map(|c| match c {
            ' ' => Some('-'),
            '-' => Some('-'),
            c => {
                use GeneralCategory::*;
                match get_general_category(c) {
                    UppercaseLetter | LowercaseLetter | TitlecaseLetter | ModifierLetter
                    | OtherLetter | NonspacingMark | SpacingMark | EnclosingMark
                    | DecimalNumber | LetterNumber | OtherNumber | ConnectorPunctuation => Some(c),
                    _ => None,
                }
            }
        })
        .collect()
}

/// Astro's heading ids (`rehypeHeadingIds` in `@astrojs/markdown-remark`): github-slugger's
/// `Slugger` over the page's headings, then a trailing `-` dropped (the slugger remembers the
/// undropped form). Astro has no `{#id}` syntax: the braces are text, and go.
pub(super) fn heading_ids(headings: &[Heading]) -> Vec<Option<String>> {
    let mut occurrences: HashSet<String> = HashSet::new();
    let mut counts: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    headings
        .iter()
        .map(|h| {
            let text = if h.custom {
                format!("{} {{#{}}}", h.text, h.anchor)
            } else {
                h.text.clone()
            };
            let original = github_slug(&text);
            let mut result = original.clone();
            while occurrences.contains(&result) {
                let n = counts.entry(original.clone()).or_insert(0);
                *n += 1;
                result = format!("{original}-{n}");
            }
            occurrences.insert(result.clone());
            Some(result.strip_suffix('-').unwrap_or(&result).to_owned())
        })
        .collect()
}

/// A plain Astro site: pages under `src/pages/`.
pub struct Astro {
    config: AstroConfig,
}

/// Page files Astro renders from `src/pages/`.
const PAGE_EXTENSIONS: &[&str] = &["md", "mdx", "markdown", "astro", "html"];

impl Astro {
    pub fn load(root: &str, snapshot: &Snapshot) -> Result<Astro, Error> {
        let file = AstroConfig::find(snapshot, root).ok_or_else(|| Error::SiteConfig {
            file: format!("{root}astro.config.mjs"),
            message: "no astro.config.{mjs,js,ts,mts,cjs,cts} in the site's root".to_owned(),
        })?;
        Ok(Astro {
            config: AstroConfig::read(snapshot, &file)?,
        })
    }
}

impl Model for Astro {
    fn name(&self) -> &'static str {
        "astro"
    }

    fn urls(&self, path: &str, _front: Option<&Node>) -> Vec<String> {
        if let Some(url) = self.config.public_url(path) {
            return vec![url];
        }
        let pages = format!("{}pages/", self.config.src_dir);
        let Some(rel) = path.strip_prefix(&pages) else {
            return Vec::new();
        };
        let Some((route, ext)) = rel.rsplit_once('.') else {
            return Vec::new();
        };
        // `_`-prefixed files and folders are not routes; `[param]` routes are code's.
        if !PAGE_EXTENSIONS.contains(&ext)
            || rel
                .split('/')
                .any(|s| s.starts_with('_') || s.contains('['))
        {
            return Vec::new();
        }
        let route = if route == "index" {
            ""
        } else {
            route.strip_suffix("/index").unwrap_or(route)
        };
        self.config.page_urls(route)
    }

    fn site_redirects(&self) -> Vec<(String, String)> {
        self.config.redirects.clone()
    }

    fn rewrites_image_links(&self) -> bool {
        true
    }

    fn heading_ids(&self, headings: &[Heading]) -> Vec<Option<String>> {
        heading_ids(headings)
    }
}

/// An `astro.config.*` at the root or in a top-level folder; `starlight` claims it first
/// when the Starlight integration is imported.
pub fn detect(snapshot: &Snapshot) -> Option<Detection> {
    let (file, config) = find_config(snapshot)?;
    if config.imports("@astrojs/starlight") {
        return None;
    }
    let read = config.evidence();
    Some(Detection {
        generator: "astro",
        root: config.root.clone(),
        evidence: format!(
            "{file}: an Astro site; pages under {}pages/{}{read}",
            config.src_dir,
            if read.is_empty() { "" } else { "; " }
        ),
        unread: config.unread,
    })
}

/// The shallowest Astro configuration: at the root, else in a top-level folder.
pub(super) fn find_config(snapshot: &Snapshot) -> Option<(String, AstroConfig)> {
    let file = AstroConfig::find(snapshot, "").or_else(|| {
        snapshot
            .files()
            .iter()
            .filter(|p| {
                let mut parts = p.split('/');
                let (Some(dir), Some(name), None) = (parts.next(), parts.next(), parts.next())
                else {
                    return false;
                };
                dir != "node_modules" && CONFIG_FILES.contains(&name)
            })
            .min()
            .cloned()
    })?;
    let config = AstroConfig::read(snapshot, &file).ok()?;
    Some((file, config))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn heading(text: &str) -> Heading {
        Heading::plain(text)
    }

    /// Ids from a real Astro 5.18 build (`@astrojs/markdown-remark`, github-slugger 2.0).
    #[test]
    fn heading_ids_are_astros() {
        let mut custom = heading("Options");
        custom.custom = true;
        custom.anchor = "opts".to_owned();
        let headings = [
            heading("Install"),
            heading("Install"),
            heading("Configuración rápida"),
            heading("সংজ্ঞা"),
            heading("What's new? –"),
            custom,
            heading("trailingSlash"),
            heading("C++ & Rust"),
        ];
        let ids: Vec<String> = heading_ids(&headings).into_iter().flatten().collect();
        assert_eq!(
            ids,
            [
                "install",
                "install-1",
                "configuración-rápida",
                "সংজ্ঞা",
                "whats-new",
                "options-opts",
                "trailingslash",
                "c--rust"
            ]
        );
    }

    #[test]
    fn path_segments_are_slugified_like_github_slugger() {
        assert_eq!(github_slug("Install Guide"), "install-guide");
        assert_eq!(github_slug("v1.2-notes"), "v12-notes");
        assert_eq!(github_slug("snake_case"), "snake_case");
        assert_eq!(github_slug("Ünïcödé"), "ünïcödé");
        assert_eq!(github_slug("emoji 🎉 ok"), "emoji--ok");
    }

    #[test]
    fn the_configuration_is_read_without_running_it() {
        let config = AstroConfig::parse(
            "docs/astro.config.ts",
            r#"
import { defineConfig } from 'astro/config';
import sl from "@astrojs/starlight";
const site = process.env.SITE;
// base: '/wrong'
export default defineConfig({
  site,
  base: '/guide/',
  trailingSlash: `never`,
  build: { format: 'file' },
  srcDir: './source',
  redirects: {
    '/old': '/new/',
    "/gone": { status: 301, destination: 'https://example.com/' },
    '/blog/[...slug]': '/articles/[...slug]',
  },
  integrations: [sl({ title: 'T', locales: { root: { label: 'English', lang: 'en' }, fr: { label: 'Français' } } } as const), other()],
  vite: { plugins: [x()] },
  outDir: process.env.OUT ?? 'dist',
}) satisfies AstroUserConfig;
"#,
        );
        assert_eq!(config.base, "/guide");
        assert!(config.trailing_never);
        assert_eq!(config.format, Format::File);
        assert_eq!(config.src_dir, "docs/source/");
        assert_eq!(config.public_dir, "docs/public/");
        assert_eq!(
            config.redirects,
            [
                ("/guide/old".to_owned(), "/new/".to_owned()),
                ("/guide/gone".to_owned(), "https://example.com/".to_owned())
            ]
        );
        assert_eq!(config.unread, ["redirects[\"/blog/[...slug]\"]"]);
        let starlight = config.integration("@astrojs/starlight").unwrap();
        assert_eq!(starlight.get("title"), Some(&Js::Str("T".to_owned())));
        let Some(Js::Object(locales)) = starlight.get("locales") else {
            panic!("locales: {starlight:?}");
        };
        assert_eq!(locales.len(), 2);
        assert_eq!(config.page_url("a/b"), "/guide/a/b");
        assert_eq!(config.page_url(""), "/guide/");
    }

    #[test]
    fn plain_astro_publishes_src_pages_and_public() {
        let site = Astro {
            config: AstroConfig::parse("astro.config.mjs", "export default defineConfig({});"),
        };
        assert_eq!(site.urls("src/pages/index.astro", None), ["/"]);
        assert_eq!(
            site.urls("src/pages/blog/First Post.md", None),
            ["/blog/First Post/"]
        );
        assert_eq!(site.urls("src/pages/docs/index.mdx", None), ["/docs/"]);
        assert!(site.urls("src/pages/_draft.md", None).is_empty());
        assert!(site.urls("src/pages/_parts/x.md", None).is_empty());
        assert!(site.urls("src/pages/blog/[slug].astro", None).is_empty());
        assert!(site.urls("src/content/blog/a.md", None).is_empty());
        assert_eq!(site.urls("public/favicon.svg", None), ["/favicon.svg"]);
    }

    #[test]
    fn computed_values_are_listed_not_guessed() {
        let config = AstroConfig::parse(
            "astro.config.mjs",
            "const config = defineConfig({ base: process.env.BASE, redirects: makeRedirects() });\nexport default config;\n",
        );
        assert_eq!(config.base, "");
        assert_eq!(
            config.unread,
            [
                "base = `process.env.BASE`",
                "redirects = `makeRedirects(...)`"
            ]
        );
    }
}
