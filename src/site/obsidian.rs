//! Vaults: `obsidian`, `foam` and `quartz`. A vault publishes no URLs of its own; its notes
//! link by name (`[[Community of Practice]]`, `![[ladder.png|300]]`), resolved anywhere in
//! the vault, and Markdown links that are not relative paths ("shortest path when possible",
//! absolute in vault) resolve the same way. [`Vaults`] is built once per snapshot: each
//! vault's files by lower-cased file name, so a name is a hash lookup.
//!
//! Resolution follows Obsidian's `getFirstLinkpathDest`: the name as written, else with
//! `.md`; letter case ignored; a file at that path from the linking note's folder first,
//! then from the vault root, then any file whose path ends with the name, the shortest
//! path winning (<https://help.obsidian.md/links>, "Internal links").

use std::collections::HashMap;

use super::{Detection, Model};
use crate::document::markdown::Heading;
use crate::document::{Node, Value};
use crate::paths;
use crate::repo::Snapshot;

/// The vault tools docsteward models, with the folder that marks a vault's root.
pub const KINDS: &[(&str, &str)] = &[("obsidian", ".obsidian/"), ("foam", ".foam/")];

pub struct Vault {
    name: &'static str,
    vaults: Vaults,
}

impl Vault {
    /// The vaults of `snapshot`: each folder holding `.obsidian/` (or `.foam/`), else the
    /// configured `root` as the one vault.
    pub fn load(name: &'static str, snapshot: &Snapshot, root: &str) -> Vault {
        let mut vaults = Vaults::new(snapshot.files(), root);
        // Quartz publishes a redirect page at each alias (its AliasRedirects emitter) and
        // counts the alias among the names a link may resolve to; Obsidian and Foam only
        // offer aliases in their link suggestions.
        vaults.aliases_resolve = name == "quartz";
        Vault { name, vaults }
    }
}

impl Model for Vault {
    fn name(&self) -> &'static str {
        self.name
    }

    fn urls(&self, _path: &str, _front: Option<&Node>) -> Vec<String> {
        Vec::new()
    }

    fn vaults(&self) -> Option<&Vaults> {
        Some(&self.vaults)
    }
}

/// Every vault of a snapshot and its files by name.
#[derive(Debug, Default)]
pub struct Vaults {
    /// Vault roots (`""`, `"en/"`), longest first so that the first prefix match is the
    /// innermost vault.
    roots: Vec<String>,
    /// Per root: lower-cased file name -> vault files of that name, in path order.
    names: HashMap<String, HashMap<String, Vec<String>>>,
    /// Whether a link by a note's alias opens that note (Quartz), or is unresolved
    /// (Obsidian, Foam).
    aliases_resolve: bool,
}

/// Where a vault name leads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Found {
    /// The file the tool opens; `others` are the other files the name matches when it is a
    /// bare name shared by several (the tie-break chose `path`).
    File { path: String, others: Vec<String> },
    /// No file: `path` is where the tool would create the note on a click.
    Missing { path: String },
}

impl Vaults {
    pub fn new(files: &[String], root: &str) -> Vaults {
        let mut roots: Vec<String> = files
            .iter()
            .filter_map(|f| KINDS.iter().find_map(|(_, marker)| marker_root(f, marker)))
            .collect();
        roots.sort();
        roots.dedup();
        if roots.is_empty() {
            roots.push(paths::as_dir(root));
        }
        roots.sort_by_key(|r| std::cmp::Reverse(r.len()));
        let mut names: HashMap<String, HashMap<String, Vec<String>>> = HashMap::new();
        for f in files {
            let Some(root) = roots.iter().find(|r| f.starts_with(r.as_str())) else {
                continue;
            };
            // Tool settings and hidden folders are not notes.
            if f[root.len()..].split('/').any(|s| s.starts_with('.')) {
                continue;
            }
            names
                .entry(root.clone())
                .or_default()
                .entry(paths::file_name(f).to_lowercase())
                .or_default()
                .push(f.clone());
        }
        for by_name in names.values_mut() {
            by_name.values_mut().for_each(|v| v.sort());
        }
        Vaults {
            roots,
            names,
            aliases_resolve: false,
        }
    }

    /// Whether a link by a note's alias opens that note.
    pub fn aliases_resolve(&self) -> bool {
        self.aliases_resolve
    }

    /// The root of the vault holding `path`, if any.
    pub fn root_of(&self, path: &str) -> Option<&str> {
        self.roots
            .iter()
            .find(|r| path.starts_with(r.as_str()))
            .map(String::as_str)
    }

    /// The file `name` (decoded, no `#subpath`) names when written in `from`; `None` when
    /// `from` is in no vault.
    pub fn find(&self, from: &str, name: &str) -> Option<Found> {
        let root = self.root_of(from)?;
        let by_name = self.names.get(root);
        let lookup = |name: &str| by_name.and_then(|m| pick(m, root, from, name));
        if let Some(found) = lookup(name) {
            return Some(found);
        }
        let has_md = name.to_ascii_lowercase().ends_with(".md");
        if !has_md {
            if let Some(found) = lookup(&format!("{name}.md")) {
                return Some(found);
            }
        }
        // Obsidian creates a missing note where its name says, from the vault root.
        let rel = name.trim_start_matches('/');
        let with_ext = match has_extension(rel) {
            true => rel.to_owned(),
            false => format!("{rel}.md"),
        };
        let path = paths::join(root, &with_ext).unwrap_or(with_ext);
        Some(Found::Missing { path })
    }
}

/// A note's aliases as the vault tools read its front matter: `aliases`, else the older
/// `alias`; a list of names, or one string of comma-separated names (Obsidian's
/// `parseFrontMatterAliases`, Quartz's `coerceToArray`). Empty names are dropped.
pub fn aliases(front: Option<&Node>) -> Vec<String> {
    let Some(front) = front else {
        return Vec::new();
    };
    // An empty `aliases:` (null) gives way to `alias`, as in Quartz's `coalesceAliases`.
    let present = |k: &&str| front.get(k).filter(|e| e.value.value != Value::Null);
    let Some(entry) = ["aliases", "alias"].iter().find_map(present) else {
        return Vec::new();
    };
    let names: Vec<String> = match &entry.value.value {
        Value::String(s) => s.split(',').map(str::to_owned).collect(),
        Value::Seq(items) => items
            .iter()
            .filter_map(|n| n.as_str().map(str::to_owned))
            .collect(),
        _ => Vec::new(),
    };
    names
        .into_iter()
        .map(|n| n.trim().to_owned())
        .filter(|n| !n.is_empty())
        .collect()
}

/// Notes by alias, per vault: built from the documents' front matter once the snapshot is
/// parsed.
#[derive(Debug, Default)]
pub struct Aliases {
    /// (vault root, lower-cased alias) -> notes with that alias, in path order.
    notes: HashMap<(String, String), Vec<String>>,
}

impl Aliases {
    /// The aliases of `notes` (path, front matter) that lie in a vault of `vaults`.
    pub fn new<'n>(
        vaults: &Vaults,
        notes: impl IntoIterator<Item = (&'n str, Option<&'n Node>)>,
    ) -> Aliases {
        let mut by_alias: HashMap<(String, String), Vec<String>> = HashMap::new();
        for (path, front) in notes {
            let Some(root) = vaults.root_of(path) else {
                continue;
            };
            for alias in aliases(front) {
                by_alias
                    .entry((root.to_owned(), alias.to_lowercase()))
                    .or_default()
                    .push(path.to_owned());
            }
        }
        for v in by_alias.values_mut() {
            v.sort();
            v.dedup();
        }
        Aliases { notes: by_alias }
    }

    /// The note whose alias is `name` (a bare name: aliases hold no folder) in the vault
    /// holding `from`; the first in path order when several share it.
    pub fn find(&self, vaults: &Vaults, from: &str, name: &str) -> Option<&str> {
        let root = vaults.root_of(from)?;
        self.notes
            .get(&(root.to_owned(), name.trim().to_lowercase()))
            .and_then(|v| v.first())
            .map(String::as_str)
    }
}

/// `f`'s vault root when `f` is inside a marker folder (`notes/.obsidian/app.json`).
fn marker_root(f: &str, marker: &str) -> Option<String> {
    if f.starts_with(marker) {
        return Some(String::new());
    }
    f.find(&format!("/{marker}")).map(|i| f[..=i].to_owned())
}

/// Whether the last segment of `name` has an attachment's extension (`ladder.png`), as
/// opposed to a note name with a dot in it (`Meeting 2026.11.30`).
fn has_extension(name: &str) -> bool {
    let file = paths::file_name(name);
    file.rsplit_once('.').is_some_and(|(stem, ext)| {
        !stem.is_empty()
            && (1..=5).contains(&ext.len())
            && ext.chars().all(|c| c.is_ascii_alphanumeric())
            && !ext.chars().all(|c| c.is_ascii_digit())
    })
}

/// The file `name` picks among `by_name` (the vault's files by lower-cased file name).
fn pick(
    by_name: &HashMap<String, Vec<String>>,
    root: &str,
    from: &str,
    name: &str,
) -> Option<Found> {
    let lower = name.to_lowercase();
    let candidates = by_name.get(paths::file_name(&lower))?;
    let is = |c: &String, path: &str| c.to_lowercase() == path.to_lowercase();
    // From the note's folder (`./x`, `../x`, or a bare name beside it), then from the root.
    let relative = paths::join(&paths::parent(from), name);
    let absolute = paths::join(root, name.trim_start_matches('/'));
    let explicit = name.starts_with("./") || name.starts_with("../");
    let direct = [relative, (!explicit).then_some(absolute).flatten()]
        .into_iter()
        .flatten()
        .find_map(|p| candidates.iter().find(|c| is(c, &p)));
    let bare = !name.contains('/');
    let suffix: Vec<&String> = if explicit {
        Vec::new()
    } else {
        let tail = format!("/{}", lower.trim_start_matches('/'));
        candidates
            .iter()
            .filter(|c| format!("/{}", c[root.len()..].to_lowercase()).ends_with(&tail))
            .collect()
    };
    let chosen = direct.or_else(|| suffix.iter().copied().min_by_key(|c| c.len()))?;
    let others = match bare && suffix.len() > 1 {
        true => suffix
            .iter()
            .filter(|c| **c != chosen)
            .map(|c| (*c).clone())
            .collect(),
        false => Vec::new(),
    };
    Some(Found::File {
        path: chosen.clone(),
        others,
    })
}

/// The form Obsidian compares heading text in: the characters a link cannot hold
/// (`# | ^ : [ ] \`) dropped, runs of spaces made one, letter case ignored.
pub fn heading_key(text: &str) -> String {
    let kept: String = text
        .chars()
        .filter(|c| !matches!(c, '#' | '|' | '^' | ':' | '[' | ']' | '\\'))
        .collect();
    kept.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

/// The anchor of the heading that the subpath `A#B` (heading text, outermost first) names
/// in `headings`: the last heading whose text is `B` and which sits under one whose text
/// is `A`; `None` when there is none.
pub fn heading_anchor<'h>(headings: &'h [Heading], subpath: &str) -> Option<&'h str> {
    let parts: Vec<String> = subpath
        .split('#')
        .map(heading_key)
        .filter(|p| !p.is_empty())
        .collect();
    let (last, outer) = parts.split_last()?;
    headings
        .iter()
        .enumerate()
        .filter(|(_, h)| heading_key(&h.text) == *last)
        .find(|(i, h)| {
            // Walk up the enclosing headings, matching the outer parts innermost first.
            let mut want = outer.iter().rev().peekable();
            let mut level = h.level;
            for above in headings[..*i].iter().rev() {
                if above.level < level {
                    level = above.level;
                    if want.peek().is_some_and(|w| heading_key(&above.text) == **w) {
                        want.next();
                    }
                }
            }
            want.peek().is_none()
        })
        .map(|(_, h)| h.anchor.as_str())
}

/// A vault in the snapshot: `.obsidian/` or `.foam/` folders, or Quartz's configuration
/// (whose notes live in `content/` beside it).
pub fn detect(snapshot: &Snapshot) -> Option<Detection> {
    let files = snapshot.files();
    for (generator, marker) in KINDS {
        let mut roots: Vec<String> = files
            .iter()
            .filter_map(|f| marker_root(f, marker))
            .collect();
        roots.sort();
        roots.dedup();
        let Some(first) = roots.first() else {
            continue;
        };
        let shown = |r: &String| match r.is_empty() {
            true => "the repository root".to_owned(),
            false => format!("`{r}`"),
        };
        let evidence = match roots.len() {
            1 => format!("{generator} vault: `{marker}` in {}", shown(first)),
            n => format!(
                "{n} {generator} vaults (`{marker}` in {}): links resolve within each",
                roots.iter().map(shown).collect::<Vec<_>>().join(", ")
            ),
        };
        // With several vaults each is found by its marker; the root is the outermost.
        let root = match roots.len() {
            1 => first.clone(),
            _ => String::new(),
        };
        return Some(Detection {
            generator,
            root,
            evidence,
            unread: Vec::new(),
        });
    }
    let config = files
        .iter()
        .find(|f| paths::file_name(f) == "quartz.config.ts")?;
    let root = format!("{}content/", paths::parent(config));
    Some(Detection {
        generator: "quartz",
        evidence: format!("a Quartz site: `{config}`, notes in `{root}`"),
        root,
        unread: Vec::new(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vaults(files: &[&str]) -> Vaults {
        let files: Vec<String> = files.iter().map(|f| (*f).to_owned()).collect();
        Vaults::new(&files, "")
    }

    fn found(v: &Vaults, from: &str, name: &str) -> String {
        match v.find(from, name).unwrap() {
            Found::File { path, others } if others.is_empty() => path,
            Found::File { path, others } => format!("{path} (also {})", others.join(", ")),
            Found::Missing { path } => format!("missing {path}"),
        }
    }

    #[test]
    fn names_resolve_anywhere_ignoring_case() {
        let v = vaults(&[
            "v/.obsidian/app.json",
            "v/Glossary/Steward.md",
            "v/Meetings/Steward.md",
            "v/Steward.md",
            "v/img/ladder.png",
            "v/Decks/Kickoff.md",
            "v/Decks/Notes.md",
            "v/Notes.md",
            "other.md",
        ]);
        assert_eq!(
            found(&v, "v/Decks/Kickoff.md", "ladder.png"),
            "v/img/ladder.png"
        );
        assert_eq!(
            found(&v, "v/Decks/Kickoff.md", "KICKOFF"),
            "v/Decks/Kickoff.md"
        );
        // A bare name shared by several: the note beside the link, else the shortest path.
        assert_eq!(
            found(&v, "v/Decks/Kickoff.md", "Notes"),
            "v/Decks/Notes.md (also v/Notes.md)"
        );
        assert_eq!(
            found(&v, "v/Glossary/Steward.md", "Notes"),
            "v/Notes.md (also v/Decks/Notes.md)"
        );
        assert_eq!(
            found(&v, "v/Decks/Kickoff.md", "meetings/steward"),
            "v/Meetings/Steward.md"
        );
        assert_eq!(
            found(&v, "v/Decks/Kickoff.md", "Old name"),
            "missing v/Old name.md"
        );
        assert_eq!(
            found(&v, "v/Decks/Kickoff.md", "gone.png"),
            "missing v/gone.png"
        );
        assert!(v.find("other.md", "Notes").is_none());
    }

    #[test]
    fn aliases_are_a_list_or_comma_separated_and_alias_is_the_older_key() {
        let of = |text: &str| {
            let doc = crate::document::Document::parse("n.md", text.as_bytes());
            aliases(doc.data())
        };
        assert_eq!(
            of("---\naliases: [CoP, \" Practice \"]\n---\n"),
            ["CoP", "Practice"]
        );
        assert_eq!(
            of("---\naliases: CoP, Practice,\n---\n"),
            ["CoP", "Practice"]
        );
        assert_eq!(of("---\nalias:\n  - Keeper\n---\n"), ["Keeper"]);
        // `aliases` wins over `alias`; values that are not names are ignored.
        assert_eq!(of("---\naliases: [A]\nalias: B\n---\n"), ["A"]);
        assert_eq!(of("---\naliases: [1, {x: y}, Z]\n---\n"), ["Z"]);
        assert!(of("---\naliases:\n---\n").is_empty());
        assert_eq!(of("---\naliases:\nalias: B\n---\n"), ["B"]);
        assert!(of("# No front matter\n").is_empty());
    }

    #[test]
    fn attachments_and_dotted_names() {
        assert!(has_extension("ladder.png"));
        assert!(!has_extension("Meeting 2026.11.30"));
        assert!(!has_extension("v1.2"));
    }

    #[test]
    fn headings_match_by_text_and_nesting() {
        let h = |level, text: &str, anchor: &str| Heading {
            level,
            text: text.to_owned(),
            span: 0..0,
            anchor: anchor.to_owned(),
            custom: false,
        };
        let headings = [
            h(1, "Onboarding", "onboarding"),
            h(2, "First week", "first-week"),
            h(3, "Tools", "tools"),
            h(2, "Second week", "second-week"),
            h(3, "Tools", "tools-1"),
        ];
        assert_eq!(heading_anchor(&headings, "first  WEEK"), Some("first-week"));
        assert_eq!(
            heading_anchor(&headings, "Second week#Tools"),
            Some("tools-1")
        );
        assert_eq!(
            heading_anchor(&headings, "Onboarding#First week#Tools"),
            Some("tools")
        );
        assert_eq!(heading_anchor(&headings, "Second week#First week"), None);
        assert_eq!(heading_anchor(&headings, "first-week"), None);
    }
}
