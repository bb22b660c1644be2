//! Turns a reference as written (`../glossary/a.md#x`, `/covers/b.jpg`, `/glossary/slug`,
//! `<my notes.md>`) into what the snapshot has at that place. One function serves every
//! link rule, the orphan and unused-asset rules, and later the change-scoping of PR runs.

use percent_encoding::percent_decode_str;

use crate::config::Settings;
use crate::document::markdown::RefKind;
use crate::paths;
use crate::repo::{Mode, Snapshot};
use crate::site::{Published, Rewrite, Site};

/// What a reference leads to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// Another scheme or host (`https:`, `mailto:`, `//cdn`): not docsteward's to check.
    External,
    /// Only a `#fragment`: the document itself.
    SameDocument,
    /// A file or folder the snapshot has.
    Found { path: String, is_dir: bool },
    /// A file in the snapshot that git does not track yet.
    Untracked { path: String },
    /// Not in the snapshot, but on disk: git ignores it.
    Ignored { path: String },
    /// Exists only with other letter case.
    CaseMismatch { path: String, actual: String },
    /// Not in the snapshot. `route` names the route pattern that produced the path;
    /// `unstaged` says the file exists in the work tree but not in the staged index.
    Missing {
        path: String,
        route: Option<String>,
        unstaged: bool,
    },
    /// `..` climbs above the repository root.
    Outside,
    /// A site URL (`[site] generator`) at which the site publishes nothing.
    NotPublished {
        url: String,
        generator: &'static str,
    },
}

/// A resolved reference: the outcome and the decoded fragment, if any.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Resolution {
    pub outcome: Outcome,
    pub fragment: Option<String>,
}

/// Resolves `target`, written in the document at `from` (repository-relative). On a page
/// the site publishes, a link is followed the way the site's reader follows it.
pub fn resolve(
    settings: &Settings,
    snapshot: &Snapshot,
    site: &Site<'_>,
    from: &str,
    target: &str,
) -> Resolution {
    resolve_ref(settings, snapshot, site, from, target, None)
}

/// [`resolve`] for a reference written as `kind`: a generator's shortcode (Hugo `ref`) is
/// looked up its way, and not checked where no site model reads it.
pub fn resolve_ref(
    settings: &Settings,
    snapshot: &Snapshot,
    site: &Site<'_>,
    from: &str,
    target: &str,
    kind: Option<RefKind>,
) -> Resolution {
    let shortcode = kind == Some(RefKind::Shortcode);
    if shortcode && site.page(from).is_none() {
        return Resolution {
            outcome: Outcome::External,
            fragment: None,
        };
    }
    let target = target.trim();
    let target = target
        .strip_prefix('<')
        .and_then(|t| t.strip_suffix('>'))
        .unwrap_or(target);
    if is_local_file_url(target) {
        // `file:` URLs and drive paths point at the author's disk, never at the repository.
        return Resolution {
            outcome: Outcome::Outside,
            fragment: None,
        };
    }
    if site.page(from).is_some() {
        if let Some(resolution) = named(site, target) {
            return resolution;
        }
    }
    if is_external(target) {
        return Resolution {
            outcome: Outcome::External,
            fragment: None,
        };
    }
    let (path_part, fragment) = match target.split_once('#') {
        Some((p, f)) => (p, Some(decode(f))),
        None => (target, None),
    };
    let path_part = path_part.split('?').next().unwrap_or("");
    let decoded = decode(path_part);
    if decoded.is_empty() {
        return Resolution {
            outcome: Outcome::SameDocument,
            fragment,
        };
    }
    if decoded.starts_with('/') && settings.links.external.is_match(&decoded) {
        return Resolution {
            outcome: Outcome::External,
            fragment: None,
        };
    }
    if let Some(page) = site.page(from) {
        return on_page(
            settings,
            snapshot,
            site,
            (from, page),
            &decoded,
            fragment,
            kind,
        );
    }
    let outcome = if let Some(rooted) = decoded.strip_prefix('/') {
        root_absolute(settings, snapshot, rooted)
    } else {
        match paths::join(&paths::parent(from), &decoded) {
            Some(path) => locate(settings, snapshot, path, None),
            None => Outcome::Outside,
        }
    };
    Resolution { outcome, fragment }
}

/// `decoded` (a path, no fragment) written on the published page `from`, at URL `page`.
#[allow(clippy::too_many_arguments)]
fn on_page(
    settings: &Settings,
    snapshot: &Snapshot,
    site: &Site<'_>,
    (from, page): (&str, &str),
    decoded: &str,
    fragment: Option<String>,
    kind: Option<RefKind>,
) -> Resolution {
    let model = site.model();
    let image = kind.is_some_and(RefKind::is_image);
    if let Some(rest) = decoded.strip_prefix("~/") {
        // `~/a/b.md`: a source file, from the folder the generator says `~` is.
        if let Some(root) = model.source_root(from) {
            let outcome = match paths::join(&root, rest) {
                Some(file) => source_file(settings, snapshot, site, file),
                None => Outcome::Outside,
            };
            return Resolution { outcome, fragment };
        }
    }
    // The generator's own lookup (Hugo's `ref`, its render hooks) comes first.
    match model.lookups(from, decoded, kind) {
        Some(files) => {
            if let Some(path) = files.into_iter().find(|f| site.publishes(f)) {
                return Resolution {
                    outcome: Outcome::Found {
                        path,
                        is_dir: false,
                    },
                    fragment,
                };
            }
            if kind == Some(RefKind::Shortcode) {
                return Resolution {
                    outcome: Outcome::NotPublished {
                        url: decoded.to_owned(),
                        generator: model.name(),
                    },
                    fragment,
                };
            }
        }
        None if kind == Some(RefKind::Shortcode) => {
            return Resolution {
                outcome: Outcome::External,
                fragment: None,
            }
        }
        None => {}
    }
    let rooted = decoded.strip_prefix('/');
    if rooted.is_none() && image && model.rewrites_image_links() && !model.rewrites_file_links() {
        // `![](../assets/x.png)`: imported from the file's folder; missing, it fails the build.
        let outcome = match paths::join(&paths::parent(from), decoded) {
            Some(file) => locate(settings, snapshot, file, None),
            None => Outcome::Outside,
        };
        return Resolution { outcome, fragment };
    }
    // `../setup.md`: the generator turns a path to a source file into its URL.
    match rooted.map_or_else(|| model.rewrite(snapshot, from, decoded), |_| None) {
        Some(Rewrite::File(file)) => {
            return Resolution {
                outcome: source_file(settings, snapshot, site, file),
                fragment,
            }
        }
        Some(Rewrite::Unbuilt(url)) => {
            return Resolution {
                outcome: Outcome::NotPublished {
                    url,
                    generator: model.name(),
                },
                fragment,
            }
        }
        None => {}
    }
    let url = match rooted {
        Some(_) => decoded.to_owned(),
        None => match Site::join(page, decoded) {
            Some(url) => url,
            None => {
                return Resolution {
                    outcome: Outcome::Outside,
                    fragment,
                }
            }
        },
    };
    if !model.owns(&url) {
        return Resolution {
            outcome: Outcome::External,
            fragment: None,
        };
    }
    match site.lookup(&url) {
        Published::File {
            path,
            fragment: redirected,
        } => Resolution {
            outcome: Outcome::Found {
                is_dir: !snapshot.contains(&path),
                path,
            },
            fragment: redirected.or(fragment),
        },
        Published::External => Resolution {
            outcome: Outcome::External,
            fragment: None,
        },
        Published::Nothing => {
            // `[[links.routes]]` and `[links] roots` stay the escape hatch.
            if let Some(rooted) = rooted {
                let outcome = root_absolute(settings, snapshot, rooted);
                if matches!(outcome, Outcome::Found { .. }) {
                    return Resolution { outcome, fragment };
                }
            }
            Resolution {
                outcome: Outcome::NotPublished {
                    url,
                    generator: model.name(),
                },
                fragment,
            }
        }
    }
}

/// A link to the source file `file` on a page of a generator that rewrites such links to
/// the file's URL: a file it does not publish (outside its content, excluded) has none.
fn source_file(settings: &Settings, snapshot: &Snapshot, site: &Site<'_>, file: String) -> Outcome {
    if snapshot.contains(&file) && !site.publishes(&file) {
        return Outcome::NotPublished {
            url: file,
            generator: site.model().name(),
        };
    }
    locate(settings, snapshot, file, None)
}

/// A link in the generator's naming syntax (`xref:UID`): the document of that name, or
/// another site's when no document here has it.
fn named(site: &Site<'_>, target: &str) -> Option<Resolution> {
    let (name, fragment) = site.model().link_name(target)?;
    let outcome = match site.named(&name) {
        Some(path) if site.publishes(path) => Outcome::Found {
            path: path.to_owned(),
            is_dir: false,
        },
        Some(path) => Outcome::NotPublished {
            url: path.to_owned(),
            generator: site.model().name(),
        },
        None => {
            return Some(Resolution {
                outcome: Outcome::External,
                fragment: None,
            })
        }
    };
    Some(Resolution { outcome, fragment })
}

/// `/x/y`: the file of every route whose URL pattern matches (the first that exists wins),
/// else the knowledge base root, else each configured root. When nothing exists, a route's
/// file is what the finding names.
fn root_absolute(settings: &Settings, snapshot: &Snapshot, rooted: &str) -> Outcome {
    let url = format!("/{rooted}");
    let mut routed: Option<Outcome> = None;
    for route in &settings.links.routes {
        let Some(slug) = route_slug(&route.url_prefix, &route.url_suffix, &url, route.many) else {
            continue;
        };
        let placeholder = if route.many { "{path}" } else { "{slug}" };
        let path = route.file.replace(placeholder, slug);
        let pattern = format!("{}{placeholder}{}", route.url_prefix, route.url_suffix);
        let outcome = locate(settings, snapshot, path, Some(pattern));
        if matches!(outcome, Outcome::Found { .. }) {
            return outcome;
        }
        routed.get_or_insert(outcome);
    }
    if let Some(routed) = routed {
        // No route's file exists: the roots may still have the URL as a path.
        let fallback = plain_root_absolute(settings, snapshot, rooted);
        return if matches!(fallback, Outcome::Found { .. }) {
            fallback
        } else {
            routed
        };
    }
    plain_root_absolute(settings, snapshot, rooted)
}

/// `/x/y` as a path: the knowledge base root, else each configured root.
fn plain_root_absolute(settings: &Settings, snapshot: &Snapshot, rooted: &str) -> Outcome {
    let Some(first) = paths::join(&settings.base, rooted) else {
        return Outcome::Outside;
    };
    let mut candidates = vec![first];
    candidates.extend(
        settings
            .links
            .roots
            .iter()
            .filter_map(|root| paths::join(root, rooted)),
    );
    // What git has, under any root, wins; then a near miss (other letter case, or a file
    // only on disk) so the finding names the right place; else the knowledge base root.
    let exact = candidates
        .iter()
        .position(|c| snapshot.contains(c) || snapshot.is_dir(c));
    let near = || {
        candidates
            .iter()
            .position(|c| !snapshot.case_variants(c).is_empty() || snapshot.on_disk(c))
    };
    let chosen = exact.or_else(near).unwrap_or(0);
    locate(settings, snapshot, candidates.swap_remove(chosen), None)
}

/// `{slug}` when `url` matches the route pattern: one path segment (any number for
/// `{path}`, `many`), trailing slash allowed.
fn route_slug<'u>(prefix: &str, suffix: &str, url: &'u str, many: bool) -> Option<&'u str> {
    let url = url.strip_suffix('/').unwrap_or(url);
    let slug = url.strip_prefix(prefix)?.strip_suffix(suffix)?;
    let segments_ok = many || !slug.contains('/');
    (!slug.is_empty() && segments_ok && !slug.split('/').any(|s| s == ".." || s.is_empty()))
        .then_some(slug)
}

fn locate(
    settings: &Settings,
    snapshot: &Snapshot,
    path: String,
    route: Option<String>,
) -> Outcome {
    // A submodule's files belong to another repository: not docsteward's to judge.
    if snapshot.in_submodule(&path) {
        return Outcome::Found {
            path,
            is_dir: false,
        };
    }
    if snapshot.contains(&path) {
        if snapshot.is_untracked(&path) {
            return Outcome::Untracked { path };
        }
        return Outcome::Found {
            path,
            is_dir: false,
        };
    }
    if snapshot.is_dir(&path) {
        return Outcome::Found { path, is_dir: true };
    }
    if let Some(actual) = snapshot.case_variants(&path).first() {
        let actual = (*actual).to_owned();
        return if settings.links.case_sensitive {
            Outcome::CaseMismatch { path, actual }
        } else {
            let is_dir = !snapshot.contains(&actual);
            Outcome::Found {
                path: actual,
                is_dir,
            }
        };
    }
    let on_disk = snapshot.mode() != Mode::Tree && snapshot.on_disk(&path);
    if on_disk && snapshot.mode() == Mode::Worktree {
        return Outcome::Ignored { path };
    }
    Outcome::Missing {
        path,
        route,
        unstaged: on_disk,
    }
}

/// A `file:` URL, or a Windows drive path (`C:\\notes\\a.md`, `C:/notes/a.md`).
fn is_local_file_url(target: &str) -> bool {
    let b = target.as_bytes();
    target
        .get(..5)
        .is_some_and(|s| s.eq_ignore_ascii_case("file:"))
        || (b.len() >= 3
            && b[0].is_ascii_alphabetic()
            && b[1] == b':'
            && matches!(b[2], b'\\' | b'/'))
}

/// A scheme (`https:`, `mailto:`) or a protocol-relative `//host`.
fn is_external(target: &str) -> bool {
    if target.starts_with("//") {
        return true;
    }
    let Some(colon) = target.find(':') else {
        return false;
    };
    let scheme = &target[..colon];
    !scheme.is_empty()
        && scheme.starts_with(|c: char| c.is_ascii_alphabetic())
        && scheme
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
        && !target[..colon].contains('/')
}

fn decode(s: &str) -> String {
    percent_decode_str(s).decode_utf8_lossy().into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn externals_and_routes() {
        assert!(is_external("https://example.com"));
        assert!(is_external("mailto:a@b.c"));
        assert!(is_external("//cdn.example.com/x.js"));
        assert!(!is_external("../a.md"));
        assert!(!is_external("notes/a:b.md"));
        assert!(is_local_file_url("file:///home/me/notes.md"));
        assert!(is_local_file_url("C:\\Users\\me\\a.md"));
        assert!(is_local_file_url("c:/notes/a.md"));
        assert!(!is_local_file_url("https://example.com"));
        assert_eq!(
            route_slug("/glossary/", "", "/glossary/tacit-knowledge/", false),
            Some("tacit-knowledge")
        );
        assert_eq!(route_slug("/glossary/", "", "/glossary/a/b", false), None);
        assert_eq!(route_slug("/glossary/", "", "/glossary/", false), None);
        assert_eq!(route_slug("/docs/", "", "/docs/a/b/", true), Some("a/b"));
        assert_eq!(route_slug("/docs/", "", "/docs/a/../../x", true), None);
    }
}
