//! `jekyll`: the site Jekyll builds from its source folder, read the way Jekyll's
//! documentation describes it (and checked against Jekyll 4.3 itself).
//!
//! - Configuration: `_config.yml` (else `_config.yaml`, `_config.toml`): `source`, `baseurl`,
//!   `permalink`, `collections`, `collections_dir`, `defaults`, `exclude`/`include`, `plugins`,
//!   `markdown_ext`, `kramdown`: <https://jekyllrb.com/docs/configuration/options/>,
//!   <https://jekyllrb.com/docs/configuration/front-matter-defaults/>.
//! - What is published: files and folders starting with `_`, `.` or `#` (unless `include`d),
//!   `exclude`d ones and `_drafts/` are not; a file with front matter is a page, rendered; any
//!   other file is copied as it is, a Markdown file too:
//!   <https://jekyllrb.com/docs/pages/>, <https://jekyllrb.com/docs/static-files/>.
//! - URLs: `about.md` at `/about.html`, `index.md` at its folder, the permalink styles and
//!   placeholders, front matter `permalink`, `slug`, `categories`, `published: false`:
//!   <https://jekyllrb.com/docs/permalinks/>; posts `_posts/YYYY-MM-DD-title.md` (in any
//!   folder, whose names are categories): <https://jekyllrb.com/docs/posts/>; collections
//!   with `output: true`: <https://jekyllrb.com/docs/collections/>.
//! - `{% link path %}` (a path from the source folder) and `{% post_url name %}`:
//!   <https://jekyllrb.com/docs/liquid/tags/#links>; a missing target fails the build.
//! - jekyll-relative-links (always on with GitHub Pages): a link whose path names a published
//!   file, from the page's folder (or the source folder for `/x.md`), becomes that file's URL:
//!   <https://github.com/benbalter/jekyll-relative-links>. jekyll-optional-front-matter (GitHub
//!   Pages) renders Markdown without front matter too, and leaves the file in place.
//!   jekyll-redirect-from (when listed): `redirect_from`.
//! - Heading ids: kramdown's, with `input: GFM` (Jekyll's default) the GFM parser's:
//!   lower-cased, what is not a letter, mark, digit, `_`, `-` or space dropped, spaces to `-`,
//!   repeats numbered `-1`, `-2`; `auto_ids: false`, `auto_id_prefix`:
//!   <https://kramdown.gettalong.org/parser/gfm.html>, <https://jekyllrb.com/docs/configuration/markdown/>.

use std::collections::{HashMap, HashSet};

use globset::{Glob, GlobMatcher};
use serde_json::{Map, Value as Json};
use unicode_general_category::{get_general_category, GeneralCategory as Gc};

use super::{Detection, Model};
use crate::document::markdown::{Heading, RefKind};
use crate::document::Node;
use crate::error::Error;
use crate::paths;
use crate::repo::Snapshot;

/// Configuration files, in the order Jekyll prefers them.
const CONFIGS: &[&str] = &["_config.yml", "_config.yaml", "_config.toml"];

/// Jekyll 4's default `exclude`, to which a configured list is added.
const DEFAULT_EXCLUDES: &[&str] = &[
    ".sass-cache",
    ".jekyll-cache",
    "gemfiles",
    "Gemfile",
    "Gemfile.lock",
    "node_modules",
    "vendor/bundle/",
    "vendor/cache/",
    "vendor/gems/",
    "vendor/ruby/",
];

/// How kramdown gives headings ids.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Ids {
    /// The GFM parser (`input: GFM`, Jekyll's default).
    Gfm,
    /// kramdown's own parser: ASCII letters, digits, `-`; `section` when none.
    Kramdown,
    /// `auto_ids: false`.
    None,
}

#[derive(Clone, Debug)]
struct Collection {
    output: bool,
    permalink: Option<String>,
}

/// A `defaults` entry: values for the files under `path` of `kind`.
#[derive(Clone, Debug)]
struct Default {
    path: String,
    kind: Option<String>,
    values: Map<String, Json>,
}

pub struct Jekyll {
    /// The site source folder, repository-relative, `""` or with a trailing `/`.
    src: String,
    /// `baseurl` without a trailing `/` (`/docs`), or `""`.
    base: String,
    /// The `permalink` setting as written (`date`, `pretty`, or a template).
    style: String,
    /// The collections folder inside the source, `""` or with a trailing `/`.
    collections_dir: String,
    collections: HashMap<String, Collection>,
    defaults: Vec<Default>,
    exclude: Vec<String>,
    include: Vec<String>,
    globs: Vec<(String, GlobMatcher)>,
    markdown_ext: Vec<String>,
    relative_links: bool,
    relative_links_in_collections: bool,
    optional_front_matter: bool,
    redirect_from: bool,
    ids: Ids,
    id_prefix: String,
    /// Files that open with a YAML front matter block (`---`): Jekyll renders those.
    headed: HashSet<String>,
    /// Post files, for `post_url`.
    posts: Vec<String>,
}

/// What Jekyll makes of a file.
#[derive(Debug, PartialEq, Eq)]
enum Entry<'p> {
    /// A page, rendered (its path relative to the source).
    Page(&'p str),
    /// A document of a collection (`posts` among them): label and path inside its folder.
    Doc(String, &'p str),
    /// Copied as it is, at this URL path (no base).
    Static(String),
}

impl Jekyll {
    /// Reads the configuration under `root` (`""` or `website/`) from `snapshot`.
    pub fn load(root: &str, snapshot: &Snapshot) -> Result<Jekyll, Error> {
        let (_, config) = read_config(root, snapshot)?.unwrap_or_default();
        let mut jekyll = Jekyll::from_config(root, &config, gemfile_names(root, snapshot));
        for path in snapshot.files() {
            // Front matter only changes the URL of Markdown and HTML files: any other page
            // is published at its path, as a static file would be.
            let text = jekyll.is_markdown(path)
                || ext(path).is_some_and(|e| matches!(e, "html" | "htm" | "xhtml"));
            if !text || jekyll.candidate(path).is_none() {
                continue;
            }
            let headed = snapshot
                .read_limited(path, 64 * 1024 * 1024)
                .is_ok_and(|b| yaml_header(&b));
            if headed {
                jekyll.headed.insert(path.clone());
            }
        }
        let posts: Vec<String> = snapshot
            .files()
            .iter()
            .filter(|p| matches!(jekyll.entry(p), Some(Entry::Doc(l, _)) if l == "posts"))
            .cloned()
            .collect();
        jekyll.posts = posts;
        Ok(jekyll)
    }

    fn from_config(root: &str, c: &Map<String, Json>, gems: GemfileNames) -> Jekyll {
        let s = |k: &str| c.get(k).and_then(Json::as_str).map(str::trim);
        let src = paths::as_dir(&format!(
            "{root}{}",
            s("source")
                .unwrap_or(".")
                .trim_start_matches("./")
                .trim_matches('.')
        ));
        let list = |k: &str| -> Vec<String> {
            match c.get(k) {
                Some(Json::Array(a)) => a
                    .iter()
                    .filter_map(Json::as_str)
                    .map(|x| x.trim().trim_start_matches('/').to_owned())
                    .collect(),
                Some(Json::String(x)) => vec![x.trim().to_owned()],
                _ => Vec::new(),
            }
        };
        let mut exclude = list("exclude");
        exclude.extend(DEFAULT_EXCLUDES.iter().map(|x| (*x).to_owned()));
        let include = {
            let mut i = list("include");
            if !i.iter().any(|x| x == ".htaccess") {
                i.push(".htaccess".to_owned());
            }
            i
        };
        let globs = exclude
            .iter()
            .filter(|p| p.contains(['*', '?', '[']))
            .filter_map(|p| Glob::new(p).ok().map(|g| (p.clone(), g.compile_matcher())))
            .collect();
        let mut plugins = list("plugins");
        plugins.extend(list("gems"));
        let github_pages = gems.github_pages;
        let has = |name: &str| plugins.iter().any(|p| p == name) || gems.names.contains(name);
        let relative = c.get("relative_links");
        let relative_links = (github_pages || has("jekyll-relative-links"))
            && relative
                .and_then(|r| r.get("enabled"))
                .and_then(Json::as_bool)
                != Some(false);
        let relative_links_in_collections = relative
            .and_then(|r| r.get("collections"))
            .and_then(Json::as_bool)
            == Some(true);
        let mut collections = HashMap::new();
        match c.get("collections") {
            Some(Json::Object(m)) => {
                for (label, meta) in m {
                    collections.insert(
                        label.clone(),
                        Collection {
                            output: meta.get("output").and_then(Json::as_bool) == Some(true),
                            permalink: meta
                                .get("permalink")
                                .and_then(Json::as_str)
                                .map(str::to_owned),
                        },
                    );
                }
            }
            Some(Json::Array(a)) => {
                for label in a.iter().filter_map(Json::as_str) {
                    collections.insert(
                        label.to_owned(),
                        Collection {
                            output: false,
                            permalink: None,
                        },
                    );
                }
            }
            _ => {}
        }
        let style = s("permalink").unwrap_or("date").to_owned();
        let posts = collections.entry("posts".to_owned()).or_insert(Collection {
            output: true,
            permalink: None,
        });
        posts.output = true;
        if posts.permalink.is_none() {
            posts.permalink = Some(style_template(&style));
        }
        let defaults = match c.get("defaults") {
            Some(Json::Array(a)) => a
                .iter()
                .filter_map(|d| {
                    let scope = d.get("scope");
                    let values = d.get("values")?.as_object()?.clone();
                    Some(Default {
                        path: scope
                            .and_then(|s| s.get("path"))
                            .and_then(Json::as_str)
                            .unwrap_or("")
                            .trim_start_matches("./")
                            .trim_matches('/')
                            .to_owned(),
                        kind: scope
                            .and_then(|s| s.get("type"))
                            .and_then(Json::as_str)
                            .map(str::to_owned),
                        values,
                    })
                })
                .collect(),
            _ => Vec::new(),
        };
        let kramdown = c.get("kramdown");
        let k = |key: &str| kramdown.and_then(|m| m.get(key));
        let input = k("input")
            .and_then(Json::as_str)
            .unwrap_or("GFM")
            .to_lowercase();
        let ids = if k("auto_ids").and_then(Json::as_bool) == Some(false) {
            Ids::None
        } else if input == "gfm" {
            Ids::Gfm
        } else {
            Ids::Kramdown
        };
        let markdown_ext = s("markdown_ext")
            .unwrap_or("markdown,mkdown,mkdn,mkd,md")
            .split(',')
            .map(|e| e.trim().to_lowercase())
            .collect();
        Jekyll {
            src,
            base: url_path(s("baseurl").unwrap_or("")),
            style,
            collections_dir: paths::as_dir(
                s("collections_dir")
                    .unwrap_or("")
                    .trim_start_matches("./")
                    .trim_matches('/'),
            ),
            collections,
            defaults,
            exclude,
            include,
            globs,
            markdown_ext,
            relative_links,
            relative_links_in_collections,
            optional_front_matter: github_pages || has("jekyll-optional-front-matter"),
            // GitHub Pages allows jekyll-redirect-from but runs it only when listed.
            redirect_from: has("jekyll-redirect-from"),
            ids,
            id_prefix: k("auto_id_prefix")
                .and_then(Json::as_str)
                .unwrap_or("")
                .to_owned(),
            headed: HashSet::new(),
            posts: Vec::new(),
        }
    }

    /// The path of `path` relative to the source folder, when Jekyll reads it at all.
    fn candidate<'p>(&self, path: &'p str) -> Option<&'p str> {
        let rel = path.strip_prefix(self.src.as_str())?;
        let segments: Vec<&str> = rel.split('/').collect();
        let mut so_far = String::new();
        for (i, seg) in segments.iter().enumerate() {
            if i > 0 {
                so_far.push('/');
            }
            so_far.push_str(seg);
            if self.excluded(&so_far) {
                return None;
            }
        }
        Some(rel)
    }

    /// Jekyll's `EntryFilter`: `exclude` entries match a path or a prefix of it (or as a
    /// glob), `include` wins over them.
    fn excluded(&self, rel: &str) -> bool {
        let listed = |list: &[String]| {
            list.iter().any(|p| {
                let p = p.trim_end_matches('/');
                !p.is_empty() && (rel == p || rel.starts_with(p))
            }) || self
                .globs
                .iter()
                .any(|(p, g)| list.contains(p) && g.is_match(rel))
        };
        let name = paths::file_name(rel);
        let included = listed(&self.include) || self.include.iter().any(|i| i == name);
        !included && listed(&self.exclude)
    }

    /// What Jekyll makes of `path`, if anything.
    fn entry<'p>(&self, path: &'p str) -> Option<Entry<'p>> {
        let rel = self.candidate(path)?;
        let segments: Vec<&str> = rel.split('/').collect();
        // Collections live in `collections_dir`; posts (and drafts) in any folder's `_posts`.
        if let Some(inner) = rel.strip_prefix(self.collections_dir.as_str()) {
            if let Some((dir, rest)) = inner.split_once('/') {
                if let Some(label) = dir.strip_prefix('_') {
                    if label != "posts" && label != "drafts" && self.collections.contains_key(label)
                    {
                        return self
                            .visible(rest)
                            .then(|| Entry::Doc(label.to_owned(), rest));
                    }
                }
            }
        }
        if let Some(i) = segments.iter().position(|s| *s == "_posts") {
            if self.visible(&segments[..i].join("/")) {
                let start = segments[..=i].iter().map(|s| s.len() + 1).sum::<usize>();
                let rest = rel.get(start..).unwrap_or("");
                return (!rest.is_empty() && self.visible(rest))
                    .then(|| Entry::Doc("posts".to_owned(), rest));
            }
            return None;
        }
        if !self.visible(rel) {
            return None;
        }
        if self.is_page(path) {
            Some(Entry::Page(rel))
        } else {
            Some(Entry::Static(format!("/{rel}")))
        }
    }

    /// Whether no segment of `rel` is one Jekyll skips (`_x`, `.x`, `#x`, `x~`) without an
    /// `include` naming it. (True when Jekyll reads it: the name says what it is not.)
    fn visible(&self, rel: &str) -> bool {
        rel.split('/').filter(|s| !s.is_empty()).all(|seg| {
            let special = seg.starts_with(['_', '.', '#']) || seg.ends_with('~');
            !special || self.include.iter().any(|i| i == seg)
        })
    }

    fn is_markdown(&self, path: &str) -> bool {
        ext(path).is_some_and(|e| self.markdown_ext.contains(&e.to_lowercase()))
    }

    fn is_page(&self, path: &str) -> bool {
        self.headed.contains(path) || (self.optional_front_matter && self.is_markdown(path))
    }

    /// The output extension of a rendered file.
    fn output_ext(&self, path: &str) -> String {
        match ext(path).map(str::to_lowercase) {
            Some(e) if self.markdown_ext.contains(&e) => ".html".to_owned(),
            Some(e) if e == "scss" || e == "sass" => ".css".to_owned(),
            Some(e) => format!(".{e}"),
            None => String::new(),
        }
    }

    /// Front matter merged over the `defaults` that apply to `rel` of `kind`, more specific
    /// scopes winning.
    fn data(&self, rel: &str, kind: &str, front: Option<&Node>) -> Map<String, Json> {
        let mut scoped: Vec<&Default> = self
            .defaults
            .iter()
            .filter(|d| d.kind.as_deref().is_none_or(|k| k == kind))
            .filter(|d| {
                d.path.is_empty() || rel == d.path || rel.starts_with(&format!("{}/", d.path))
            })
            .collect();
        scoped.sort_by_key(|d| (d.path.len(), d.kind.is_some()));
        let mut data = Map::new();
        for d in scoped {
            for (k, v) in &d.values {
                data.insert(k.clone(), v.clone());
            }
        }
        if let Some(Json::Object(front)) = front.map(Node::to_json) {
            for (k, v) in front {
                data.insert(k, v);
            }
        }
        data
    }

    /// The URL (without base) of a rendered page or document, `None` when it is not written.
    fn url_of(&self, path: &str, front: Option<&Node>) -> Option<String> {
        let entry = self.entry(path)?;
        let rel = &path[self.src.len()..];
        match entry {
            Entry::Static(url) => Some(url),
            Entry::Page(rel) => {
                // A page reads `published` from its own front matter only: Jekyll 4 fetches it
                // past the defaults (which do apply to posts and documents).
                let own = front
                    .and_then(|f| f.get("published"))
                    .map(|e| e.value.to_json());
                if own == Some(Json::Bool(false)) {
                    return None;
                }
                let data = self.data(rel, "pages", front);
                let dir = paths::parent(rel);
                let name = paths::file_name(rel);
                let basename = match name.rfind('.') {
                    Some(i) if i > 0 => &name[..i],
                    _ => name,
                }
                .trim_end_matches('.');
                let output_ext = self.output_ext(path);
                let html = matches!(output_ext.as_str(), ".html" | ".htm" | ".xhtml");
                let template = match data.get("permalink").and_then(Json::as_str) {
                    Some(p) => p.to_owned(),
                    None if !html => "/:path/:basename:output_ext".to_owned(),
                    None if basename == "index" => "/:path/".to_owned(),
                    None => permalink_suffix("/:path/:basename", &self.style),
                };
                let values = |token: &str| match token {
                    "path" => Some(format!("/{}", dir.trim_end_matches('/'))),
                    "basename" => Some(basename.to_owned()),
                    "output_ext" => Some(output_ext.clone()),
                    _ => None,
                };
                Some(fill(&template, &values))
            }
            Entry::Doc(label, inner) => {
                let collection = self.collections.get(&label)?;
                if !collection.output {
                    return None;
                }
                let kind = label.as_str();
                let data = self.data(rel, kind, front);
                if data.get("published") == Some(&Json::Bool(false)) {
                    return None;
                }
                if label != "posts" && !self.is_page(path) {
                    // A file without front matter in a collection is copied as it is; a
                    // post is rendered all the same.
                    return Some(format!("/{label}/{inner}"));
                }
                let name = paths::file_name(inner);
                let stem = name.rsplit_once('.').map_or(name, |(s, _)| s);
                let (file_date, file_slug) = if label == "posts" {
                    let (d, s) = post_name(stem)?;
                    (Some(d), Some(s))
                } else {
                    (None, None)
                };
                let date = data
                    .get("date")
                    .and_then(Json::as_str)
                    .and_then(|d| d.get(..10))
                    .filter(|d| parse_date(d).is_some())
                    .map(str::to_owned)
                    .or(file_date.map(str::to_owned));
                let slug_source = data
                    .get("slug")
                    .and_then(Json::as_str)
                    .map(str::to_owned)
                    .or(file_slug.map(str::to_owned))
                    .unwrap_or_else(|| stem.to_owned());
                let mut categories: Vec<String> = Vec::new();
                for key in ["categories", "category"] {
                    match data.get(key) {
                        Some(Json::String(s)) => {
                            categories.extend(s.split_whitespace().map(str::to_owned))
                        }
                        Some(Json::Array(a)) => categories.extend(a.iter().map(|v| match v {
                            Json::String(s) => s.clone(),
                            other => other.to_string(),
                        })),
                        _ => {}
                    }
                }
                if label == "posts" {
                    // The folders above `_posts` are categories too.
                    let above = rel.split("/_posts/").next().unwrap_or("");
                    if rel.contains("/_posts/") {
                        categories.extend(above.split('/').map(str::to_owned));
                    }
                }
                let mut seen = HashSet::new();
                let categories: Vec<String> = categories
                    .into_iter()
                    .map(|c| c.to_lowercase())
                    .filter(|c| !c.is_empty() && seen.insert(c.clone()))
                    .collect();
                let template = data
                    .get("permalink")
                    .and_then(Json::as_str)
                    .map(str::to_owned)
                    .or_else(|| collection.permalink.clone())
                    .unwrap_or_else(|| "/:collection/:path:output_ext".to_owned());
                let template = style_template(&template);
                let output_ext = self.output_ext(path);
                let ymd = date.as_deref().and_then(parse_date);
                let path_in = format!("/{}", &inner[..inner.len() - (name.len() - stem.len())]);
                let values = |token: &str| -> Option<String> {
                    let (y, m, d) = ymd.unwrap_or((1970, 1, 1));
                    Some(match token {
                        "collection" => label.clone(),
                        "path" => path_in.trim_end_matches('.').to_owned(),
                        "name" => slugify(stem, false),
                        "title" => slugify(&slug_source, true),
                        "slug" => slugify(&slug_source, false),
                        "categories" => categories.join("/"),
                        "output_ext" => output_ext.clone(),
                        "year" => format!("{y:04}"),
                        "short_year" => format!("{:02}", y % 100),
                        "month" => format!("{m:02}"),
                        "i_month" => m.to_string(),
                        "day" => format!("{d:02}"),
                        "i_day" => d.to_string(),
                        "y_day" => format!("{:03}", day_of_year(y, m, d)),
                        "week" => format!("{:02}", iso_week(y, m, d)),
                        "short_day" => ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
                            [weekday(y, m, d)]
                        .to_owned(),
                        _ => return None,
                    })
                };
                Some(fill(&template, &values))
            }
        }
    }

    /// The file a `{% link path %}` names: a path from the source folder.
    fn link_tag(&self, arg: &str) -> Vec<String> {
        let arg = arg.trim().trim_start_matches('/');
        vec![format!("{}{arg}", self.src)]
    }

    /// The posts a `{% post_url [dir/]YYYY-MM-DD-title %}` names.
    fn post_url(&self, arg: &str) -> Vec<String> {
        let arg = arg.trim().trim_start_matches('/');
        let (dir, name) = match arg.rsplit_once('/') {
            Some((d, n)) => (format!("{d}/"), n),
            None => (String::new(), arg),
        };
        self.posts
            .iter()
            .filter(|p| {
                let rel = &p[self.src.len()..];
                let stem_ok = |file: &str| {
                    file.rsplit_once('.')
                        .is_some_and(|(s, e)| s == name && !e.is_empty() && !e.contains('.'))
                };
                // `_posts/DIR/NAME.ext` or `DIR/_posts/NAME.ext`.
                [format!("_posts/{dir}"), format!("{dir}_posts/")]
                    .iter()
                    .any(|prefix| rel.strip_prefix(prefix.as_str()).is_some_and(stem_ok))
            })
            .cloned()
            .collect()
    }

    fn redirect_targets(front: Option<&Node>, key: &str) -> Vec<String> {
        match front.map(Node::to_json).as_ref().and_then(|f| f.get(key)) {
            Some(Json::String(s)) => vec![s.trim().to_owned()],
            Some(Json::Array(a)) => a
                .iter()
                .filter_map(Json::as_str)
                .map(|s| s.trim().to_owned())
                .collect(),
            _ => Vec::new(),
        }
    }
}

impl Model for Jekyll {
    fn name(&self) -> &'static str {
        "jekyll"
    }

    fn urls(&self, path: &str, front: Option<&Node>) -> Vec<String> {
        let mut urls: Vec<String> = self
            .url_of(path, front)
            .map(|u| format!("{}{u}", self.base))
            .into_iter()
            .collect();
        if let (Some(Entry::Page(rel)), false) = (self.entry(path), self.headed.contains(path)) {
            // jekyll-optional-front-matter renders the file and leaves the original in place.
            urls.push(format!("{}/{rel}", self.base));
        }
        urls
    }

    fn renders(&self, path: &str) -> bool {
        match self.entry(path) {
            Some(Entry::Page(_)) => true,
            Some(Entry::Doc(label, _)) => label == "posts" || self.is_page(path),
            _ => false,
        }
    }

    fn redirects(&self, path: &str, front: Option<&Node>) -> Vec<(String, String)> {
        if !self.redirect_from {
            return Vec::new();
        }
        let Some(url) = self.url_of(path, front) else {
            return Vec::new();
        };
        Jekyll::redirect_targets(front, "redirect_from")
            .into_iter()
            .map(|from| {
                (
                    format!("{}/{}", self.base, from.trim_start_matches('/')),
                    format!("{}{url}", self.base),
                )
            })
            .collect()
    }

    fn front_matter_keys(&self) -> &'static [&'static str] {
        &[
            "permalink",
            "published",
            "slug",
            "categories",
            "category",
            "date",
            "redirect_from",
        ]
    }

    fn heading_ids(&self, headings: &[Heading]) -> Vec<Option<String>> {
        heading_ids(headings, &self.ids, &self.id_prefix)
    }

    fn lookups(&self, from: &str, target: &str, kind: Option<RefKind>) -> Option<Vec<String>> {
        match kind {
            Some(RefKind::Liquid) => {
                let inner = target.trim().strip_prefix("{%")?;
                let inner = inner.split("%}").next()?.trim_matches('-').trim();
                let (name, arg) = inner.split_once(char::is_whitespace)?;
                match name {
                    "link" => Some(self.link_tag(arg)),
                    "post_url" => Some(self.post_url(arg)),
                    _ => None,
                }
            }
            Some(RefKind::Link | RefKind::Definition | RefKind::Image) if self.relative_links => {
                let in_collection = matches!(self.entry(from), Some(Entry::Doc(..)));
                if !self.is_markdown(from) || (in_collection && !self.relative_links_in_collections)
                {
                    return None;
                }
                // The plugin takes a path from the page's folder, or from the source folder
                // when it starts with `/`, and keeps the link when no published file is there.
                let file = match target.strip_prefix('/') {
                    Some(rooted) => paths::join(&self.src, rooted),
                    None => paths::join(&paths::parent(from), target),
                }?;
                file.starts_with(self.src.as_str()).then(|| vec![file])
            }
            _ => None,
        }
    }

    fn expand(&self, target: &str) -> Option<String> {
        let rest = target.trim().strip_prefix("{{")?;
        let (expr, after) = rest.split_once("}}")?;
        let expr = expr.trim_matches('-').trim();
        if expr == "site.baseurl" {
            return Some(format!("{}{after}", self.base));
        }
        // `'path' | relative_url`: the base, then the path with a leading `/`.
        let (quoted, filter) = expr.split_once('|')?;
        if filter.trim() != "relative_url" {
            return None;
        }
        let quoted = quoted.trim();
        let path = quoted
            .strip_prefix('\'')
            .and_then(|q| q.strip_suffix('\''))
            .or_else(|| quoted.strip_prefix('"').and_then(|q| q.strip_suffix('"')))?;
        Some(format!(
            "{}/{}{after}",
            self.base,
            path.trim_start_matches('/')
        ))
    }
}

/// The template a `permalink` style names; a template is itself.
fn style_template(style: &str) -> String {
    match style {
        "date" => "/:categories/:year/:month/:day/:title:output_ext",
        "pretty" => "/:categories/:year/:month/:day/:title/",
        "ordinal" => "/:categories/:year/:y_day/:title:output_ext",
        "weekdate" => "/:categories/:year/W:week/:short_day/:title:output_ext",
        "none" => "/:categories/:title:output_ext",
        other => other,
    }
    .to_owned()
}

/// Jekyll's `add_permalink_suffix`: a page's template ends as the site's style does.
fn permalink_suffix(template: &str, style: &str) -> String {
    let mut t = template.to_owned();
    match style {
        "pretty" => t.push('/'),
        "date" | "ordinal" | "none" => t.push_str(":output_ext"),
        other => {
            if other.ends_with('/') {
                t.push('/');
            }
            if other.ends_with(":output_ext") {
                t.push_str(":output_ext");
            }
        }
    }
    t
}

/// Replaces each `:token` of `template` that `values` knows, then collapses `//`.
fn fill(template: &str, values: &dyn Fn(&str) -> Option<String>) -> String {
    let mut out = String::new();
    let mut rest = template;
    while let Some(i) = rest.find(':') {
        out.push_str(&rest[..i]);
        let len = rest[i + 1..]
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .unwrap_or(rest.len() - i - 1);
        // The longest known token (`:output_ext` is not `:output` then `_ext`).
        let token = &rest[i + 1..i + 1 + len];
        match values(token) {
            Some(v) => out.push_str(&v),
            None => {
                out.push(':');
                out.push_str(token);
            }
        }
        rest = &rest[i + 1 + len..];
    }
    out.push_str(rest);
    let mut clean = String::with_capacity(out.len() + 1);
    for c in format!("/{out}").chars() {
        if c == '/' && clean.ends_with('/') {
            continue;
        }
        clean.push(c);
    }
    clean
}

/// `2020-01-02-hello` -> (`2020-01-02`, `hello`).
fn post_name(stem: &str) -> Option<(&str, &str)> {
    let date = stem.get(..10)?;
    parse_date(date)?;
    let slug = stem.get(10..)?.strip_prefix('-')?;
    (!slug.is_empty()).then_some((date, slug))
}

fn parse_date(d: &str) -> Option<(i32, u32, u32)> {
    let mut it = d.split('-');
    let y = it.next()?.parse().ok()?;
    let m = it.next()?.parse().ok()?;
    let day = it.next()?.parse().ok()?;
    ((0..=9999).contains(&y) && (1..=12).contains(&m) && (1..=31).contains(&day))
        .then_some((y, m, day))
}

fn leap(y: i32) -> bool {
    (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
}

fn day_of_year(y: i32, m: u32, d: u32) -> u32 {
    const DAYS: [u32; 12] = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
    DAYS[..(m as usize - 1)].iter().sum::<u32>() + d + u32::from(m > 2 && leap(y))
}

/// 0 for Monday.
fn weekday(y: i32, m: u32, d: u32) -> usize {
    // Sakamoto's method gives 0 for Sunday.
    const T: [i32; 12] = [0, 3, 2, 5, 0, 3, 5, 1, 4, 6, 2, 4];
    let y = if m < 3 { y - 1 } else { y };
    let w = (y + y / 4 - y / 100 + y / 400 + T[m as usize - 1] + d as i32).rem_euclid(7);
    ((w + 6) % 7) as usize
}

/// `strftime("%V")`, Jekyll's `:week`: the ISO 8601 week number.
fn iso_week(y: i32, m: u32, d: u32) -> u32 {
    let weeks_in = |y: i32| {
        // A year has 53 weeks when it starts on a Thursday, or on a Wednesday in a leap year.
        let jan1 = weekday(y, 1, 1);
        if jan1 == 3 || (jan1 == 2 && leap(y)) {
            53
        } else {
            52
        }
    };
    let week = (day_of_year(y, m, d) as i32 - (weekday(y, m, d) as i32 + 1) + 10) / 7;
    if week < 1 {
        weeks_in(y - 1)
    } else if week > weeks_in(y) as i32 {
        1
    } else {
        week as u32
    }
}

/// Jekyll's `slugify`: `pretty` mode (`:title`) keeps case and `._~!$&'()+,;=@`; the default
/// (`:slug`, `:name`) keeps letters and digits, lower-cased; each run of anything else is one
/// `-`, none at either end.
fn slugify(s: &str, pretty: bool) -> String {
    let keep = |c: char| c.is_alphanumeric() || (pretty && "._~!$&'()+,;=@".contains(c));
    let mut out = String::new();
    let mut dash = false;
    for c in s.chars() {
        if keep(c) {
            if dash && !out.is_empty() {
                out.push('-');
            }
            dash = false;
            out.push(c);
        } else {
            dash = true;
        }
    }
    if pretty {
        out
    } else {
        out.to_lowercase()
    }
}

/// Whether a file opens with a YAML front matter block, as Jekyll tests it (`---`, then
/// blanks, then a line end).
fn yaml_header(bytes: &[u8]) -> bool {
    let Some(rest) = bytes.strip_prefix(b"---") else {
        return false;
    };
    let blank = rest
        .iter()
        .position(|b| !matches!(b, b' ' | b'\t' | b'\r'))
        .unwrap_or(rest.len());
    rest.get(blank) == Some(&b'\n')
}

fn ext(path: &str) -> Option<&str> {
    let name = paths::file_name(path);
    name.rsplit_once('.')
        .filter(|(s, _)| !s.is_empty())
        .map(|(_, e)| e)
}

/// The path of `baseurl` without its trailing `/`: `/docs/` -> `/docs`.
fn url_path(url: &str) -> String {
    let rest = url.trim().trim_end_matches('/');
    if rest.is_empty() || rest.starts_with('/') {
        rest.to_owned()
    } else {
        format!("/{rest}")
    }
}

/// The ids kramdown gives `headings`: explicit `{#id}`s kept.
fn heading_ids(headings: &[Heading], ids: &Ids, prefix: &str) -> Vec<Option<String>> {
    let mut counts: HashMap<String, usize> = HashMap::new();
    headings
        .iter()
        .map(|h| {
            if h.custom {
                return None;
            }
            let id = match ids {
                Ids::None => return Some(String::new()),
                Ids::Gfm => {
                    // The GFM parser numbers repeats of the text's id, explicit ids aside; an
                    // empty id is no id at all.
                    let base = gfm_id(&h.text);
                    let n = counts.entry(base.clone()).or_insert(0);
                    let id = if *n == 0 { base } else { format!("{base}-{n}") };
                    *n += 1;
                    if id.is_empty() {
                        return Some(String::new());
                    }
                    id
                }
                Ids::Kramdown => {
                    let mut base = kramdown_id(&h.text);
                    if base.is_empty() {
                        base = "section".to_owned();
                    }
                    let n = counts.entry(base.clone()).or_insert(0);
                    let id = if *n == 0 { base } else { format!("{base}-{n}") };
                    *n += 1;
                    id
                }
            };
            Some(format!("{prefix}{id}"))
        })
        .collect()
}

/// kramdown-parser-gfm's `generate_gfm_header_id`: the text after kramdown's typographic
/// replacements (`--`, `...` and the like become dashes and ellipses, then dropped),
/// lower-cased; what is not a letter, mark, decimal digit, `_`, `-`, space or tab dropped;
/// spaces and tabs to `-`.
fn gfm_id(text: &str) -> String {
    let text = text
        .replace("---", "")
        .replace("--", "")
        .replace("...", "")
        .replace("<<", "")
        .replace(">>", "");
    let mut out = String::new();
    for c in text.chars() {
        match c {
            ' ' | '\t' | '-' => out.push('-'),
            c if is_word(c) => out.extend(c.to_lowercase()),
            _ => {}
        }
    }
    out
}

/// Ruby's `\p{Word}`: letters, marks, decimal digits, connector punctuation.
fn is_word(c: char) -> bool {
    matches!(
        get_general_category(c),
        Gc::UppercaseLetter
            | Gc::LowercaseLetter
            | Gc::TitlecaseLetter
            | Gc::ModifierLetter
            | Gc::OtherLetter
            | Gc::NonspacingMark
            | Gc::SpacingMark
            | Gc::EnclosingMark
            | Gc::DecimalNumber
            | Gc::LetterNumber
            | Gc::ConnectorPunctuation
    )
}

/// kramdown's `basic_generate_id`: leading non-letters dropped, then all but ASCII letters,
/// digits, spaces and `-`; spaces to `-`, lower-cased.
fn kramdown_id(text: &str) -> String {
    text.trim_start_matches(|c: char| !c.is_ascii_alphabetic())
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == ' ' || *c == '-')
        .map(|c| {
            if c == ' ' {
                '-'
            } else {
                c.to_ascii_lowercase()
            }
        })
        .collect()
}

/// What the Gemfile next to the configuration names.
#[derive(Default)]
struct GemfileNames {
    github_pages: bool,
    jekyll: bool,
    names: HashSet<String>,
}

fn gemfile_names(root: &str, snapshot: &Snapshot) -> GemfileNames {
    let mut out = GemfileNames::default();
    let Ok(bytes) = snapshot.read(&format!("{root}Gemfile")) else {
        return out;
    };
    let text = String::from_utf8_lossy(&bytes);
    for line in text.lines() {
        let line = line.trim();
        let Some(rest) = line.strip_prefix("gem ") else {
            continue;
        };
        let name = rest
            .trim()
            .trim_start_matches(['"', '\''])
            .split(['"', '\''])
            .next()
            .unwrap_or("")
            .to_owned();
        out.github_pages |= name == "github-pages";
        out.jekyll |= name == "jekyll" || name == "github-pages";
        out.names.insert(name);
    }
    out
}

/// A configuration file's path and its keys.
type Config = (String, Map<String, Json>);

/// Reads the first configuration file under `root`; `None` when there is none.
fn read_config(root: &str, snapshot: &Snapshot) -> Result<Option<Config>, Error> {
    let Some(file) = CONFIGS
        .iter()
        .map(|name| format!("{root}{name}"))
        .find(|f| snapshot.contains(f))
    else {
        return Ok(None);
    };
    let fail = |message: String| Error::SiteConfig {
        file: file.clone(),
        message,
    };
    let bytes = snapshot.read(&file).map_err(|e| fail(e.to_string()))?;
    let text = String::from_utf8_lossy(&bytes);
    let value = if file.ends_with(".toml") {
        let table: toml::Table = toml::from_str(&text).map_err(|e| fail(e.to_string()))?;
        serde_json::to_value(table).map_err(|e| fail(e.to_string()))?
    } else {
        crate::document::yaml::parse_value(&text)
            .map_err(|e| fail(e.message))?
            .to_json()
    };
    match value {
        Json::Object(map) => Ok(Some((file, map))),
        Json::Null => Ok(Some((file, Map::new()))),
        _ => Err(fail("the configuration must be a table of keys".to_owned())),
    }
}

/// Recognises a Jekyll site: a `_config.yml` (or `.yaml`, `.toml`) beside a Gemfile naming
/// `jekyll` or `github-pages`, a `_posts/` or `_layouts/` folder, or a configuration naming
/// Jekyll plugins; at the root or in a top-level folder (`docs/`, as GitHub Pages allows).
pub fn detect(snapshot: &Snapshot) -> Option<Detection> {
    super::roots(snapshot)
        .into_iter()
        .find_map(|root| detect_at(&root, snapshot))
}

fn detect_at(root: &str, snapshot: &Snapshot) -> Option<Detection> {
    let (file, config) = read_config(root, snapshot).ok()??;
    let gems = gemfile_names(root, snapshot);
    let plugins = config
        .get("plugins")
        .or_else(|| config.get("gems"))
        .is_some_and(|p| p.to_string().contains("jekyll"));
    let folders = ["_posts", "_layouts", "_includes"]
        .iter()
        .find(|d| snapshot.is_dir(&format!("{root}{d}")));
    let why = if gems.jekyll {
        format!(
            "{root}Gemfile names {}",
            if gems.github_pages {
                "github-pages"
            } else {
                "jekyll"
            }
        )
    } else if let Some(d) = folders {
        format!("{root}{d}/ exists")
    } else if plugins {
        "it names Jekyll plugins".to_owned()
    } else {
        return None;
    };
    let jekyll = Jekyll::from_config(root, &config, gems);
    let mut evidence = format!(
        "Jekyll: read {file} ({why}); baseurl `{}`, permalink `{}`",
        if jekyll.base.is_empty() {
            "/"
        } else {
            &jekyll.base
        },
        jekyll.style
    );
    if !jekyll.src.is_empty() && jekyll.src != root {
        evidence.push_str(&format!(", source `{}`", jekyll.src.trim_end_matches('/')));
    }
    let mut out: Vec<&String> = jekyll
        .collections
        .iter()
        .filter(|(l, c)| c.output && *l != "posts")
        .map(|(l, _)| l)
        .collect();
    out.sort();
    if !out.is_empty() {
        let out: Vec<&str> = out.iter().map(|s| s.as_str()).collect();
        evidence.push_str(&format!(", collections {}", out.join(", ")));
    }
    let mut plugins = Vec::new();
    if jekyll.relative_links {
        plugins.push("jekyll-relative-links");
    }
    if jekyll.redirect_from {
        plugins.push("jekyll-redirect-from");
    }
    if jekyll.optional_front_matter {
        plugins.push("jekyll-optional-front-matter");
    }
    if !plugins.is_empty() {
        evidence.push_str(&format!(", plugins {}", plugins.join(", ")));
    }
    Some(Detection {
        generator: "jekyll",
        root: root.to_owned(),
        evidence,
        unread: Vec::new(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn heading(text: &str) -> Heading {
        Heading::plain(text)
    }

    /// What Jekyll 4.3.1 (kramdown 2.4, kramdown-parser-gfm 1.1) renders for these headings.
    #[test]
    fn gfm_ids_match_jekyll() {
        let mut custom = heading("Explicit");
        custom.custom = true;
        custom.anchor = "custom".into();
        let hs = [
            heading("Hello World"),
            heading("Hello World"),
            heading("Ünïcode Çafé & co_x  2 ½ ٣"),
            heading("সংজ্ঞা"),
            heading("A -- B... 'q'"),
            heading("!!!"),
            heading("!!!"),
            custom,
            heading("code em"),
            heading("123 go"),
        ];
        let ids = heading_ids(&hs, &Ids::Gfm, "");
        let got: Vec<&str> = ids.iter().map(|i| i.as_deref().unwrap_or("=")).collect();
        assert_eq!(
            got,
            [
                "hello-world",
                "hello-world-1",
                "ünïcode-çafé--co_x--2--٣",
                "সংজ্ঞা",
                "a--b-q",
                "",
                "-1",
                "=",
                "code-em",
                "123-go"
            ]
        );
        let ids = heading_ids(&hs[..2], &Ids::Kramdown, "x-");
        assert_eq!(
            ids,
            [Some("x-hello-world".into()), Some("x-hello-world-1".into())]
        );
        assert_eq!(kramdown_id("123 go"), "go");
    }

    #[test]
    fn permalink_templates_fill() {
        let v = |t: &str| match t {
            "path" => Some("/a".to_owned()),
            "basename" => Some("b".to_owned()),
            "output_ext" => Some(".html".to_owned()),
            _ => None,
        };
        assert_eq!(fill("/:path/:basename:output_ext", &v), "/a/b.html");
        assert_eq!(fill("/:path/", &|_| Some(String::new())), "/");
        assert_eq!(
            permalink_suffix("/:path/:basename", "pretty"),
            "/:path/:basename/"
        );
        assert_eq!(
            permalink_suffix("/:path/:basename", "/:year/:title:output_ext"),
            "/:path/:basename:output_ext"
        );
        assert_eq!(
            post_name("2020-01-02-hello-world"),
            Some(("2020-01-02", "hello-world"))
        );
        assert_eq!(post_name("2020-13-02-x"), None);
        assert_eq!(post_name("99999999-01-01-x"), None);
        assert_eq!(parse_date("2147483647-01-01"), None);
        assert_eq!(day_of_year(2024, 3, 1), 61);
        assert_eq!(weekday(2026, 12, 1), 1);
        assert_eq!(iso_week(2021, 1, 1), 53);
        assert_eq!(iso_week(2020, 7, 21), 30);
        // What `Jekyll::Utils.slugify` gives.
        assert_eq!(slugify("Hello, World!", true), "Hello,-World!");
        assert_eq!(slugify("Hello, World!", false), "hello-world");
        assert!(yaml_header(b"---\r\ntitle: x\n---\n"));
        assert!(!yaml_header(b"----\n"));
        assert!(!yaml_header(b"# x\n"));
    }
}
