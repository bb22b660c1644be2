//! `starlight`: an Astro Starlight documentation site (<https://starlight.astro.build/>).
//!
//! Pages are the `docs` content collection, `src/content/docs/**/*.{md,mdx,...}` except
//! files whose name starts with `_` (Starlight's `docsLoader()` globs
//! `**/[^_]*.{markdown,mdown,mkdn,mkd,mdwn,md,mdx}`). A page's URL is its entry's id: the
//! path without extension, each segment slugified by github-slugger (`Install Guide.md` is
//! `install-guide`, `v1.2.md` is `v12`), `/index` dropped; a `slug` front matter key replaces
//! it (<https://starlight.astro.build/reference/frontmatter/#slug>). `draft: true` pages are
//! not built for production (<https://starlight.astro.build/reference/frontmatter/#draft>).
//!
//! Translations live in `src/content/docs/<locale>/`, the `root` locale at the top
//! (<https://starlight.astro.build/guides/i18n/>). A page of the default locale that a locale
//! does not translate is built at that locale's URL with the default locale's content
//! (<https://starlight.astro.build/guides/i18n/#fallback-content>), so `/es/guide/` works
//! while only `guide.md` exists.
//!
//! Starlight leaves links as written: `[x](./other.md)` on the page `/guide/` leads to
//! `/guide/other.md`. Everything else (base, redirects, `public/`, heading ids, Markdown
//! images) is Astro's: see [`super::astro`].

use std::collections::HashSet;

use super::astro::{self, AstroConfig, Js};
use super::{Detection, Model};
use crate::document::markdown::Heading;
use crate::document::{Document, Limits, Node, Value};
use crate::error::Error;
use crate::repo::Snapshot;

/// The extensions of the `docs` collection's entries.
const EXTENSIONS: &[&str] = &["markdown", "mdown", "mkdn", "mkd", "mdwn", "md", "mdx"];

/// The module whose default export is the integration.
const MODULE: &str = "@astrojs/starlight";

pub struct Starlight {
    config: AstroConfig,
    /// `src/content/docs/`, repository-relative.
    docs: String,
    /// Locale folders other than the default's (`es`; `""` for `root`).
    other_locales: Vec<String>,
    /// The default locale's folder (`""` for `root`, or `en`), when the site is multilingual.
    default_locale: Option<String>,
    /// The routes of every published page, to know which translations are missing.
    routes: HashSet<String>,
}

/// Starlight's locales, as `(folder, is default)`: read from the integration's `locales` and
/// `defaultLocale`. Empty when the site has one language.
fn locales(options: &Js, unread: &mut Vec<String>) -> Vec<(String, bool)> {
    let entries = match options.get("locales") {
        None => return Vec::new(),
        Some(Js::Object(entries)) => entries,
        Some(_) => {
            unread.push("starlight locales".to_owned());
            return Vec::new();
        }
    };
    let default = match options.get("defaultLocale") {
        None => "root".to_owned(),
        Some(Js::Str(s)) => s.clone(),
        Some(_) => {
            unread.push("starlight defaultLocale".to_owned());
            "root".to_owned()
        }
    };
    // One locale is not multilingual: no fallback pages.
    if entries.len() < 2 {
        return Vec::new();
    }
    entries
        .iter()
        .map(|(key, _)| {
            let folder = if key == "root" { "" } else { key.as_str() };
            (folder.to_owned(), *key == default)
        })
        .collect()
}

impl Starlight {
    pub fn load(root: &str, snapshot: &Snapshot) -> Result<Starlight, Error> {
        let file = AstroConfig::find(snapshot, root).ok_or_else(|| Error::SiteConfig {
            file: format!("{root}astro.config.mjs"),
            message: "no astro.config.{mjs,js,ts,mts,cjs,cts} in the site's root".to_owned(),
        })?;
        let config = AstroConfig::read(snapshot, &file)?;
        Ok(Starlight::new(config, snapshot))
    }

    fn new(mut config: AstroConfig, snapshot: &Snapshot) -> Starlight {
        let options = config.integration(MODULE).unwrap_or(Js::Object(Vec::new()));
        let locales = locales(&options, &mut config.unread);
        let docs = format!("{}content/docs/", config.src_dir);
        let mut site = Starlight {
            default_locale: locales.iter().find(|l| l.1).map(|l| l.0.clone()),
            other_locales: locales
                .iter()
                .filter(|l| !l.1)
                .map(|l| l.0.clone())
                .collect(),
            config,
            docs,
            routes: HashSet::new(),
        };
        if site.default_locale.is_some() {
            // Which pages exist decides which fallbacks are built: read each page's `slug`
            // and `draft` now, once.
            let limits = Limits::default();
            for path in snapshot.files() {
                if site.entry(path).is_none() {
                    continue;
                }
                let bytes = snapshot.read(path).unwrap_or_default();
                let doc =
                    Document::parse_front_matter(path, &bytes, &limits, Some(&["slug", "draft"]));
                if let Some(route) = site.route(path, doc.data()) {
                    site.routes.insert(route);
                }
            }
        }
        site
    }

    /// The entry's path inside the collection without extension, if `path` is an entry.
    fn entry<'p>(&self, path: &'p str) -> Option<&'p str> {
        let rel = path.strip_prefix(&self.docs)?;
        let (stem, ext) = rel.rsplit_once('.')?;
        let name = stem.rsplit('/').next().unwrap_or(stem);
        (EXTENSIONS.contains(&ext) && !name.starts_with('_') && !name.is_empty()).then_some(stem)
    }

    /// The page's route (`guides/install-guide`, `""` for the home page), unless it is not
    /// built (a draft).
    fn route(&self, path: &str, front: Option<&Node>) -> Option<String> {
        let stem = self.entry(path)?;
        let field = |key: &str| front.and_then(|f| f.get(key)).map(|e| &e.value.value);
        if matches!(field("draft"), Some(Value::Bool(true))) {
            return None;
        }
        let id = match field("slug") {
            Some(Value::String(slug)) if !slug.is_empty() => slug.to_string(),
            _ => {
                let slug: Vec<String> = stem.split('/').map(astro::github_slug).collect();
                let slug = slug.join("/");
                match slug.strip_suffix("/index") {
                    Some(s) => s.to_owned(),
                    None => slug,
                }
            }
        };
        Some(if id == "index" { String::new() } else { id })
    }

    /// The locale folder a route is in (`""` for root), among the configured ones.
    fn locale_of<'r>(&self, route: &'r str) -> (&'r str, &'r str) {
        let first = route.split('/').next().unwrap_or("");
        let known = |l: &String| !l.is_empty() && l == first;
        if self.other_locales.iter().any(known) || self.default_locale.as_ref().is_some_and(known) {
            let rest = route[first.len()..].trim_start_matches('/');
            (first, rest)
        } else {
            ("", route)
        }
    }
}

fn join(locale: &str, rest: &str) -> String {
    match (locale.is_empty(), rest.is_empty()) {
        (true, _) => rest.to_owned(),
        (false, true) => locale.to_owned(),
        (false, false) => format!("{locale}/{rest}"),
    }
}

impl Model for Starlight {
    fn name(&self) -> &'static str {
        "starlight"
    }

    fn urls(&self, path: &str, front: Option<&Node>) -> Vec<String> {
        if let Some(url) = self.config.public_url(path) {
            return vec![url];
        }
        let Some(route) = self.route(path, front) else {
            return Vec::new();
        };
        let mut urls = self.config.page_urls(&route);
        if let Some(default) = &self.default_locale {
            let (locale, rest) = self.locale_of(&route);
            if locale == default {
                for other in &self.other_locales {
                    let fallback = join(other, rest);
                    if !self.routes.contains(&fallback) {
                        urls.extend(self.config.page_urls(&fallback));
                    }
                }
            }
        }
        urls
    }

    fn site_redirects(&self) -> Vec<(String, String)> {
        self.config.redirects.clone()
    }

    fn rewrites_image_links(&self) -> bool {
        true
    }

    fn front_matter_keys(&self) -> &'static [&'static str] {
        &["slug", "draft"]
    }

    fn heading_ids(&self, headings: &[Heading]) -> Vec<Option<String>> {
        astro::heading_ids(headings)
    }
}

/// An `astro.config.*` that imports `@astrojs/starlight`.
pub fn detect(snapshot: &Snapshot) -> Option<Detection> {
    let (file, config) = astro::find_config(snapshot)?;
    if !config.imports(MODULE) {
        return None;
    }
    let site = Starlight::new(config, snapshot);
    let mut read = vec![format!("pages under {}", site.docs)];
    if let Some(default) = &site.default_locale {
        let name = |l: &str| {
            if l.is_empty() {
                "root".to_owned()
            } else {
                l.to_owned()
            }
        };
        let mut all = vec![name(default)];
        all.extend(site.other_locales.iter().map(|l| name(l)));
        read.push(format!(
            "locales {} (default {})",
            all.join(", "),
            name(default)
        ));
    }
    let astro = site.config.evidence();
    if !astro.is_empty() {
        read.push(astro);
    }
    Some(Detection {
        generator: "starlight",
        root: site.config.root.clone(),
        evidence: format!("{file}: the {MODULE} integration; {}", read.join("; ")),
        unread: site.config.unread,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn site(config: &str, default: Option<&str>, others: &[&str]) -> Starlight {
        Starlight {
            config: AstroConfig::parse("astro.config.mjs", config),
            docs: "src/content/docs/".to_owned(),
            other_locales: others.iter().map(|s| (*s).to_owned()).collect(),
            default_locale: default.map(str::to_owned),
            routes: ["es/guide".to_owned()].into_iter().collect(),
        }
    }

    #[test]
    fn pages_are_slugified_paths() {
        let s = site("export default {}", None, &[]);
        assert_eq!(
            s.urls("src/content/docs/guides/Install Guide.md", None),
            ["/guides/install-guide/"]
        );
        assert_eq!(s.urls("src/content/docs/index.mdx", None), ["/"]);
        assert_eq!(s.urls("src/content/docs/es/index.md", None), ["/es/"]);
        assert_eq!(s.urls("src/content/docs/a/index.md", None), ["/a/"]);
        assert_eq!(
            s.urls("src/content/docs/_shared.md", None),
            Vec::<String>::new()
        );
        assert_eq!(
            s.urls("src/content/docs/a.json", None),
            Vec::<String>::new()
        );
        assert_eq!(s.urls("public/img/x.png", None), ["/img/x.png"]);
        assert_eq!(s.urls("src/assets/x.png", None), Vec::<String>::new());
    }

    #[test]
    fn a_base_and_the_file_format_change_urls() {
        let s = site(
            "export default { base: '/docs', build: { format: 'file' } }",
            None,
            &[],
        );
        assert_eq!(
            s.urls("src/content/docs/guides/a.md", None),
            ["/docs/guides/a", "/docs/guides/a.html"]
        );
        assert_eq!(s.urls("public/x.png", None), ["/docs/x.png"]);
    }

    #[test]
    fn untranslated_pages_fall_back_to_the_default_locale() {
        let s = site("export default {}", Some(""), &["es", "fr"]);
        assert_eq!(
            s.urls("src/content/docs/guide.md", None),
            ["/guide/", "/fr/guide/"],
            "es/guide is translated, fr/guide is not"
        );
        assert_eq!(s.urls("src/content/docs/es/guide.md", None), ["/es/guide/"]);
        let s = site("export default {}", Some("en"), &["es"]);
        assert_eq!(
            s.urls("src/content/docs/en/intro.md", None),
            ["/en/intro/", "/es/intro/"]
        );
    }
}
