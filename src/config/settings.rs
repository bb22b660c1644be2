//! Resolved configuration: what rules read. Built once per run from [`Options`]; every
//! mistake becomes an [`Error::Config`] that points into the file.

use std::collections::HashMap;
use std::ops::Range;
use std::sync::Arc;

use globset::{Glob, GlobBuilder, GlobSet, GlobSetBuilder};
use toml::Spanned;

use super::options::{ContentOptions, Options, Size};
use crate::diagnostic::Severity;
use crate::document;
use crate::error::Error;
use crate::paths;
use crate::rules;
use crate::schema::{Schema, SchemaSource};

/// A rule's configured level.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Level {
    Off,
    On(Severity),
}

impl Level {
    pub fn parse(s: &str) -> Option<Level> {
        Some(match s {
            "off" => Level::Off,
            "info" => Level::On(Severity::Info),
            "warning" => Level::On(Severity::Warning),
            "error" => Level::On(Severity::Error),
            _ => return None,
        })
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Level::Off => "off",
            Level::On(s) => s.as_str(),
        }
    }
}

/// A content type: which documents it covers and what their front matter must satisfy.
#[derive(Debug)]
pub struct ContentType {
    pub name: String,
    paths: GlobSet,
    pub schema: Option<Arc<Schema>>,
    pub stale_after_days: Option<u32>,
}

/// A site URL pattern that maps to a file: `/glossary/{slug}` -> `src/content/glossary/{slug}.md`.
#[derive(Clone, Debug)]
pub struct Route {
    pub url_prefix: String,
    pub url_suffix: String,
    /// Repository-relative file pattern with the same placeholder as the URL.
    pub file: String,
    /// `{path}` (any number of segments) rather than `{slug}` (one).
    pub many: bool,
}

#[derive(Debug)]
pub struct LinkSettings {
    /// Repository-relative folders that root-absolute links resolve against, after the base.
    pub roots: Vec<String>,
    pub front_matter_keys: Vec<String>,
    pub routes: Vec<Route>,
    pub case_sensitive: bool,
    /// Site URLs that belong to other sites on the same host (`/dotnet/**`): not checked.
    pub external: GlobSet,
}

/// `[site]`: the generator that publishes the knowledge base.
#[derive(Debug, Clone)]
pub struct SiteSettings {
    /// `github` (the default), `hugo`, `astro`, `starlight`,
    /// `docfx`.
    pub generator: String,
    /// The folder holding the generator's configuration, relative to the repository root
    /// (`""` or `"website/"`).
    pub root: String,
}

/// The values `[site] generator` accepts.
pub const GENERATORS: &[&str] = &[
    "github",
    "hugo",
    "mkdocs",
    "docusaurus",
    "astro",
    "starlight",
    "docfx",
    "jekyll",
    "obsidian",
    "foam",
    "quartz",
];

#[derive(Debug)]
pub struct TermSettings {
    /// Which documents define terms; `None` means those whose front matter has `term`.
    pub defined_by: Option<GlobSet>,
    pub reference_keys: Vec<String>,
}

/// How staleness is judged.
#[derive(Debug)]
pub struct StaleSettings {
    /// Repository-relative path of the ignore-revs file.
    pub ignore_revs_file: String,
    pub reviewed_key: String,
    pub review_interval_key: String,
    pub owner_key: String,
    pub default_after_days: u32,
    pub due_within_days: u32,
    exempt: GlobSet,
    /// Authors whose commits are not changes and who own nothing (bots), by name or email.
    ignore_authors: GlobSet,
    /// The patterns `ignore_authors` was built from, as written: what the history cache
    /// compares (a glob set cannot be).
    ignore_author_patterns: Vec<String>,
}

/// `[stale] ignore-authors` when the configuration has none: GitHub's bot accounts
/// (`github-actions[bot]`, `dependabot[bot]`, and their noreply addresses) and bots named
/// `*-bot` (`renovate-bot`).
pub const DEFAULT_IGNORE_AUTHORS: &[&str] = &["*[bot]", "*-bot", "*[bot]@users.noreply.github.com"];

impl StaleSettings {
    pub fn is_exempt(&self, relative: &str) -> bool {
        self.exempt.is_match(relative)
    }

    /// Whether a commit by this author is ignored (`[stale] ignore-authors`).
    pub fn ignores_author(&self, name: &str, email: &str) -> bool {
        self.ignore_authors.is_match(name) || self.ignore_authors.is_match(email)
    }

    /// `[stale] ignore-authors` (or its default) as one line of text that changes whenever
    /// the set of ignored authors may.
    pub fn ignored_authors_key(&self) -> String {
        serde_json::to_string(&self.ignore_author_patterns).unwrap_or_default()
    }
}

/// An author pattern: `*` is any text, everything else literal (`[bot]` is not a class),
/// letter case ignored.
fn author_glob(pattern: &str) -> Result<Glob, globset::Error> {
    let text: Vec<String> = pattern.split('*').map(globset::escape).collect();
    GlobBuilder::new(&text.join("*"))
        .case_insensitive(true)
        .build()
}

/// Bounds on what one file may make docsteward do.
#[derive(Debug, Clone, Copy)]
pub struct LimitSettings {
    pub max_file_size: u64,
    pub max_front_matter_size: u64,
    /// Findings of one rule in one file beyond which the rest are only counted.
    pub max_findings_per_file: usize,
}

#[derive(Debug)]
pub struct Settings {
    /// The configuration file, as named to the user, if there is one.
    pub config_path: Option<String>,
    /// The knowledge base's folder relative to the repository root: `""` or `"docs/"`. Globs
    /// match paths relative to it and root-absolute links resolve from it.
    pub base: String,
    include: GlobSet,
    exclude: GlobSet,
    pub content: Vec<ContentType>,
    pub links: LinkSettings,
    pub terms: TermSettings,
    pub stale: StaleSettings,
    pub limits: LimitSettings,
    pub site: SiteSettings,
    levels: HashMap<&'static str, Level>,
}

/// `include` when the configuration has none: every document extension, in any folder.
pub fn default_include() -> Vec<String> {
    document::EXTENSIONS
        .iter()
        .map(|(ext, _)| format!("**/*.{ext}"))
        .collect()
}

impl Settings {
    /// Settings when there is no configuration file.
    pub fn defaults(base: &str) -> Settings {
        Settings::resolve(Options::default(), None, base, &|_| None)
            .unwrap_or_else(|_| unreachable!("defaults are valid"))
    }

    /// Parses and resolves `text`, the file at `config_path` (repository-relative). Schema
    /// files are read through `read`, which sees the same snapshot as the documents.
    /// `base` is the knowledge base folder (repository-relative, `""` for the root): paths
    /// in the file are written relative to it, and `read` reads the repository-relative
    /// paths they lead to, so a configuration in a subfolder can name a schema elsewhere.
    pub fn load(
        text: &str,
        config_path: &str,
        base: &str,
        read: &SchemaSource,
    ) -> Result<Settings, Error> {
        let options: Options = toml::from_str(text).map_err(|e| {
            let message = e.message().trim_end().to_owned();
            let help = if message.contains("unknown field") {
                "see the configuration reference in docsteward's README"
            } else {
                "check the value's type against the configuration reference in docsteward's README"
            };
            Error::config(config_path, text, e.span(), message).with_help(help)
        })?;
        let cx = Cx {
            path: config_path,
            text,
        };
        Settings::resolve(options, Some(&cx), base, read)
    }

    fn resolve(
        options: Options,
        cx: Option<&Cx<'_>>,
        base: &str,
        read: &SchemaSource,
    ) -> Result<Settings, Error> {
        let fallback = Cx { path: "", text: "" };
        let cx = cx.unwrap_or(&fallback);
        let defaults: Vec<Spanned<String>> = default_include()
            .into_iter()
            .map(|s| Spanned::new(0..0, s))
            .collect();
        let include = cx.globs(options.include.as_deref().unwrap_or(&defaults))?;
        let exclude = cx.globs(options.exclude.as_deref().unwrap_or(&[]))?;
        let content = options
            .content
            .unwrap_or_default()
            .into_iter()
            .map(|c| cx.content(c, base, read))
            .collect::<Result<Vec<_>, _>>()?;
        for (i, c) in content.iter().enumerate() {
            if content[..i].iter().any(|o| o.name == c.name) {
                return Err(Error::config(
                    cx.path,
                    cx.text,
                    None,
                    format!("content type `{}` is defined twice", c.name),
                ));
            }
        }
        let links = options.links.unwrap_or_default();
        let roots = links
            .roots
            .unwrap_or_default()
            .iter()
            .map(|r| {
                cx.inside(base, r.get_ref(), r.span())
                    .map(|p| paths::as_dir(&p))
            })
            .collect::<Result<Vec<_>, _>>()?;
        let routes = links
            .routes
            .unwrap_or_default()
            .iter()
            .map(|r| cx.route(base, &r.url, &r.file))
            .collect::<Result<Vec<_>, _>>()?;
        let external = cx.globs(links.external.as_deref().unwrap_or(&[]))?;
        let site_options = options.site.unwrap_or_default();
        let site = SiteSettings {
            generator: match &site_options.generator {
                Some(g) if GENERATORS.contains(&g.get_ref().as_str()) => g.get_ref().clone(),
                Some(g) => {
                    return Err(cx.error(
                        g.span(),
                        format!(
                            "unknown generator `{}`; one of: {}",
                            g.get_ref(),
                            GENERATORS.join(", ")
                        ),
                    ))
                }
                None => "github".to_owned(),
            },
            root: match &site_options.root {
                Some(r) => paths::as_dir(&cx.inside(base, r.get_ref(), r.span())?),
                None => base.to_owned(),
            },
        };
        let terms = options.terms.unwrap_or_default();
        let defined_by = terms.defined_by.map(|g| cx.globs(&g)).transpose()?;
        let stale_options = options.stale.unwrap_or_default();
        let stale = StaleSettings {
            ignore_revs_file: match &stale_options.ignore_revs_file {
                // Relative to the repository's root, as git's blame.ignoreRevsFile is.
                Some(file) if file.get_ref().starts_with('/') => return Err(cx.error(
                    file.span(),
                    "`ignore-revs-file` must be a path inside the repository, relative to its root",
                )),
                Some(file) => cx.inside("", file.get_ref(), file.span())?,
                None => ".git-blame-ignore-revs".to_owned(),
            },
            reviewed_key: stale_options
                .reviewed_key
                .unwrap_or_else(|| "reviewed".to_owned()),
            review_interval_key: stale_options
                .review_interval_key
                .unwrap_or_else(|| "review_interval".to_owned()),
            owner_key: stale_options
                .owner_key
                .unwrap_or_else(|| "owner".to_owned()),
            default_after_days: cx
                .duration(stale_options.default_after.as_ref())?
                .unwrap_or(365),
            due_within_days: cx
                .duration(stale_options.due_within.as_ref())?
                .unwrap_or(30),
            exempt: cx.globs(stale_options.exempt.as_deref().unwrap_or(&[]))?,
            ignore_authors: {
                let mut set = GlobSetBuilder::new();
                match &stale_options.ignore_authors {
                    Some(patterns) => {
                        for p in patterns {
                            set.add(author_glob(p.get_ref()).map_err(|e| {
                                cx.error(p.span(), format!("invalid pattern: {}", e.kind()))
                            })?);
                        }
                    }
                    None => {
                        for p in DEFAULT_IGNORE_AUTHORS {
                            set.add(author_glob(p).map_err(|e| cx.error(0..0, e.to_string()))?);
                        }
                    }
                }
                set.build().map_err(|e| cx.error(0..0, e.to_string()))?
            },
            ignore_author_patterns: match &stale_options.ignore_authors {
                Some(patterns) => patterns.iter().map(|p| p.get_ref().clone()).collect(),
                None => DEFAULT_IGNORE_AUTHORS
                    .iter()
                    .map(|p| (*p).to_owned())
                    .collect(),
            },
        };
        let limit_options = options.limits.unwrap_or_default();
        let limits = LimitSettings {
            max_file_size: cx
                .size(limit_options.max_file_size.as_ref())?
                .unwrap_or(10 * 1024 * 1024),
            max_front_matter_size: cx
                .size(limit_options.max_front_matter_size.as_ref())?
                .unwrap_or(256 * 1024),
            max_findings_per_file: match &limit_options.max_findings_per_file {
                Some(n) if *n.get_ref() == 0 => {
                    return Err(cx
                        .error(
                            n.span(),
                            "max-findings-per-file must be at least 1".to_owned(),
                        )
                        .with_help("turn a rule off under [rules] instead"))
                }
                Some(n) => usize::try_from(*n.get_ref()).unwrap_or(usize::MAX),
                None => 10_000,
            },
        };
        let mut levels = HashMap::new();
        for rule in rules::RULES {
            levels.insert(rule.id(), rule.default_level());
        }
        for (id, level) in options.rules.unwrap_or_default() {
            let Some(rule) = rules::find(id.get_ref()) else {
                let hint =
                    crate::suggest::closest(id.get_ref(), rules::RULES.iter().map(|r| r.id()));
                let err = Error::config(
                    cx.path,
                    cx.text,
                    Some(id.span()),
                    format!("unknown rule `{}`", id.get_ref()),
                );
                return Err(match hint {
                    Some(h) => err.with_help(format!("did you mean `{h}`?")),
                    None => err.with_help("`docsteward rules` lists every rule"),
                });
            };
            let Some(parsed) = Level::parse(level.get_ref()) else {
                return Err(Error::config(
                    cx.path,
                    cx.text,
                    Some(level.span()),
                    format!("unknown level `{}`", level.get_ref()),
                )
                .with_help("use one of: error, warning, info, off"));
            };
            levels.insert(rule.id(), parsed);
        }
        Ok(Settings {
            config_path: (!cx.path.is_empty()).then(|| cx.path.to_owned()),
            base: base.to_owned(),
            include,
            exclude,
            content,
            links: LinkSettings {
                roots,
                front_matter_keys: links.front_matter_keys.unwrap_or_default(),
                routes,
                case_sensitive: links.case_sensitive.unwrap_or(true),
                external,
            },
            terms: TermSettings {
                defined_by,
                reference_keys: terms
                    .reference_keys
                    .unwrap_or_else(|| vec!["relatedTerms".to_owned()]),
            },
            stale,
            limits,
            site,
            levels,
        })
    }

    /// The path relative to the knowledge base, if it lies inside it.
    pub fn relative<'p>(&self, path: &'p str) -> Option<&'p str> {
        path.strip_prefix(self.base.as_str())
    }

    /// Whether a repository path is a document by `include` and `exclude`.
    pub fn is_document(&self, path: &str) -> bool {
        self.relative(path)
            .is_some_and(|p| self.include.is_match(p) && !self.exclude.is_match(p))
    }

    pub fn is_excluded(&self, path: &str) -> bool {
        self.relative(path)
            .is_some_and(|p| self.exclude.is_match(p))
    }

    /// The first content type whose paths match.
    pub fn content_type(&self, path: &str) -> Option<&ContentType> {
        let rel = self.relative(path)?;
        self.content.iter().find(|c| c.paths.is_match(rel))
    }

    /// Whether a document can define a term: it matches `[terms] defined-by`, or, without
    /// that key, any document can (by having a `term` key).
    pub fn may_define_term(&self, path: &str) -> bool {
        match &self.terms.defined_by {
            Some(globs) => self.relative(path).is_some_and(|p| globs.is_match(p)),
            None => true,
        }
    }

    pub fn level(&self, rule: &str) -> Level {
        self.levels.get(rule).copied().unwrap_or(Level::Off)
    }
}

/// The configuration file being resolved, for error positions.
struct Cx<'a> {
    path: &'a str,
    text: &'a str,
}

impl Cx<'_> {
    fn error(&self, span: Range<usize>, message: impl Into<String>) -> Error {
        let span = (!self.text.is_empty()).then_some(span);
        Error::config(self.path, self.text, span, message)
    }

    fn globs(&self, patterns: &[Spanned<String>]) -> Result<GlobSet, Error> {
        let mut set = GlobSetBuilder::new();
        for p in patterns {
            set.add(self.glob(p)?);
        }
        set.build().map_err(|e| self.error(0..0, e.to_string()))
    }

    fn glob(&self, pattern: &Spanned<String>) -> Result<Glob, Error> {
        let text = pattern.get_ref().trim_start_matches("./");
        GlobBuilder::new(text)
            .literal_separator(true)
            .build()
            .map_err(|e| self.error(pattern.span(), format!("invalid glob: {}", e.kind())))
    }

    /// A repository-relative path for `rel`, written relative to the knowledge base.
    fn inside(&self, base: &str, rel: &str, span: Range<usize>) -> Result<String, Error> {
        paths::join(base, rel.trim_start_matches('/'))
            .ok_or_else(|| self.error(span, format!("`{rel}` leads outside the repository")))
    }

    fn content(
        &self,
        c: ContentOptions,
        base: &str,
        read: &SchemaSource,
    ) -> Result<ContentType, Error> {
        if c.paths.get_ref().is_empty() {
            return Err(self.error(
                c.paths.span(),
                "a content type needs at least one path glob",
            ));
        }
        let paths = self.globs(c.paths.get_ref())?;
        let stale_after_days = self.duration(c.stale_after.as_ref())?;
        let schema = match c.schema {
            None => None,
            Some(s) => {
                let path = self.inside(base, s.get_ref(), s.span())?;
                let schema =
                    Schema::load(&path, read).map_err(|message| self.error(s.span(), message))?;
                Some(Arc::new(schema))
            }
        };
        Ok(ContentType {
            name: c.name.into_inner(),
            paths,
            schema,
            stale_after_days,
        })
    }

    fn duration(&self, value: Option<&Spanned<String>>) -> Result<Option<u32>, Error> {
        value
            .map(|s| {
                parse_duration_days(s.get_ref()).ok_or_else(|| {
                    self.error(s.span(), format!("invalid duration `{}`", s.get_ref()))
                        .with_help(
                            "write a number and a unit: 90d, 12w, 6m (30 days), 1y (365 days)",
                        )
                })
            })
            .transpose()
    }

    fn size(&self, value: Option<&Spanned<Size>>) -> Result<Option<u64>, Error> {
        value
            .map(|s| match s.get_ref() {
                Size::Bytes(n) => Ok(*n),
                Size::Text(t) => parse_size(t).ok_or_else(|| {
                    self.error(s.span(), format!("invalid size `{t}`"))
                        .with_help(
                            "write bytes as a number, or a size with a unit: 512KiB, 10MiB, 1GiB",
                        )
                }),
            })
            .transpose()
    }

    fn route(
        &self,
        base: &str,
        url: &Spanned<String>,
        file: &Spanned<String>,
    ) -> Result<Route, Error> {
        let u = url.get_ref();
        let (placeholder, many) = if u.contains("{path}") {
            ("{path}", true)
        } else {
            ("{slug}", false)
        };
        let Some((prefix, suffix)) = u.split_once(placeholder) else {
            return Err(self.error(
                url.span(),
                "a route URL needs a `{slug}` (one segment) or `{path}` (any number) placeholder, like `/glossary/{slug}`",
            ));
        };
        if !u.starts_with('/') || suffix.contains(placeholder) || (many && u.contains("{slug}")) {
            return Err(self.error(
                url.span(),
                "a route URL starts with `/` and has one placeholder, `{slug}` or `{path}`",
            ));
        }
        if !file.get_ref().contains(placeholder) {
            return Err(self.error(
                file.span(),
                format!("a route file needs the URL's `{placeholder}` placeholder, like `glossary/{placeholder}.md`"),
            ));
        }
        let file_path = self.inside(base, file.get_ref(), file.span())?;
        Ok(Route {
            url_prefix: prefix.to_owned(),
            url_suffix: suffix.trim_end_matches('/').to_owned(),
            file: file_path,
            many,
        })
    }
}

/// `512KiB`, `10MiB`, `1GiB`, `10MB` (decimal), or plain bytes.
pub fn parse_size(s: &str) -> Option<u64> {
    let s = s.trim();
    let split = s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len());
    let n: u64 = s[..split].parse().ok()?;
    let factor: u64 = match s[split..].trim() {
        "" | "B" => 1,
        "KiB" => 1 << 10,
        "MiB" => 1 << 20,
        "GiB" => 1 << 30,
        "KB" | "kB" => 1_000,
        "MB" => 1_000_000,
        "GB" => 1_000_000_000,
        _ => return None,
    };
    n.checked_mul(factor)
}

/// `90d`, `12w`, `6m` (30 days), `1y` (365 days).
pub fn parse_duration_days(s: &str) -> Option<u32> {
    let s = s.trim();
    let digits = s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len());
    let n: u32 = s[..digits].parse().ok()?;
    // `90d`, and the spelled-out forms review-cycle keys use: `180-days`, `1 year`.
    let unit = s[digits..]
        .trim_start_matches([' ', '-', '_'])
        .to_lowercase();
    let factor = match unit.as_str() {
        "d" | "day" | "days" => 1,
        "w" | "week" | "weeks" => 7,
        "m" | "month" | "months" => 30,
        "y" | "year" | "years" => 365,
        _ => return None,
    };
    n.checked_mul(factor)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations() {
        assert_eq!(parse_duration_days("180d"), Some(180));
        assert_eq!(parse_duration_days("2w"), Some(14));
        assert_eq!(parse_duration_days("6m"), Some(180));
        assert_eq!(parse_duration_days("1y"), Some(365));
        assert_eq!(parse_duration_days("1x"), None);
        assert_eq!(parse_duration_days("d"), None);
        assert_eq!(parse_duration_days("180-days"), Some(180));
        assert_eq!(parse_duration_days("1 Year"), Some(365));
        assert_eq!(parse_duration_days("6_months"), Some(180));
        assert_eq!(parse_duration_days("-3d"), None);
        assert_eq!(parse_duration_days("3 fortnights"), None);
        assert_eq!(parse_size("10MiB"), Some(10 << 20));
        assert_eq!(parse_size("512 KiB"), Some(512 << 10));
        assert_eq!(parse_size("12"), Some(12));
        assert_eq!(parse_size("12 parsecs"), None);
    }

    #[test]
    fn unknown_key_points_at_its_line() {
        let text = "include = [\"**/*.md\"]\nexclude-paths = []\n";
        let err = Settings::load(text, "docsteward.toml", "", &|_| None).unwrap_err();
        let Error::Config(c) = err else {
            panic!("config error")
        };
        assert_eq!(&text[c.span.unwrap()], "exclude-paths");
    }

    #[test]
    fn rule_levels_and_unknown_rules() {
        let s = Settings::load(
            "[rules]\n\"frontmatter/schema\" = \"warning\"\n",
            "docsteward.toml",
            "",
            &|_| None,
        )
        .unwrap();
        assert_eq!(s.level("frontmatter/schema"), Level::On(Severity::Warning));
        let err = Settings::load(
            "[rules]\n\"frontmatter/shema\" = \"off\"\n",
            "docsteward.toml",
            "",
            &|_| None,
        )
        .unwrap_err();
        assert_eq!(
            err.help().as_deref(),
            Some("did you mean `frontmatter/schema`?")
        );
    }
}
