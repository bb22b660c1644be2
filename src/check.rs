//! `docsteward check`: settings -> snapshot -> parse every document in parallel -> index ->
//! rules per document in parallel -> sink -> sorted findings.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rayon::prelude::*;

use crate::config::{Settings, FILE_NAME};
use crate::diagnostic::{Diagnostic, Severity};
use crate::document::Document;
use crate::error::Error;
use crate::index::Index;
use crate::paths;
use crate::repo::{Repo, Snapshot, Source};
use crate::scope;
use crate::rules::{Context, RULES};
use crate::source::SourceFile;

/// What to check.
#[derive(Debug, Clone, Default)]
pub struct CheckOptions {
    /// The directory the command runs in (`-C`).
    pub cwd: PathBuf,
    /// `--config FILE`, relative to `cwd`.
    pub config: Option<PathBuf>,
    /// Files or folders to report on, relative to `cwd`; empty means every document.
    pub paths: Vec<PathBuf>,
    /// Which snapshot: the work tree, the staged index, or a revision.
    pub source: Source,
    /// `--changed-since BASE`: report only on what changed since the merge base, and on
    /// unchanged documents whose references the change broke.
    pub changed_since: Option<String>,
}

/// The findings of a run and the files they point into.
#[derive(Debug, Default)]
pub struct Outcome {
    /// Sorted by path, line, column, rule.
    pub diagnostics: Vec<Diagnostic>,
    pub sources: HashMap<String, Arc<SourceFile>>,
    /// How many documents were checked.
    pub documents: usize,
}

impl Outcome {
    pub fn count(&self, severity: Severity) -> usize {
        self.diagnostics.iter().filter(|d| d.severity == severity).count()
    }
}

pub fn check(options: &CheckOptions) -> Result<Outcome, Error> {
    let repo = Repo::discover(&options.cwd)?;
    let snapshot = Arc::new(repo.snapshot(&options.source)?);
    let targets =
        options.paths.iter().map(|p| repo.relative(&options.cwd, p)).collect::<Result<Vec<_>, _>>()?;
    let start = match targets.first() {
        Some(t) if snapshot.is_dir(t) => paths::as_dir(t),
        Some(t) => paths::parent(t),
        None => paths::as_dir(&repo.relative(&options.cwd, Path::new("."))?),
    };
    let settings = load_settings(&repo, &snapshot, options, &start)?;

    let known: Vec<&str> = snapshot.files().iter().map(String::as_str).filter(|f| settings.is_document(f)).collect();
    let selected: HashSet<&str> = if targets.is_empty() {
        known.iter().copied().collect()
    } else {
        select(&repo, &snapshot, &settings, &targets)?
    };
    // A staged check looks at what the commit would change; so does --changed-since.
    let changes = match (&options.changed_since, &options.source) {
        (Some(base), source) => Some(repo.changes(base, source)?),
        (None, Source::Index) if targets.is_empty() => repo.staged_changes()?,
        _ => None,
    };
    let mut to_parse: Vec<&str> = known.clone();
    to_parse.extend(selected.iter().copied().filter(|p| !settings.is_document(p)));

    let documents: Vec<Document> = to_parse
        .par_iter()
        .map(|path| match snapshot.read(path) {
            Ok(bytes) => Document::parse(path, &bytes),
            Err(e) => Document::unreadable(path, e.to_string()),
        })
        .collect();
    let index = Index::new(&documents, &settings, &snapshot);
    let reported: HashSet<&str> = match &changes {
        None => selected,
        Some(changes) => scope::in_scope(&index, &settings, &selected, changes),
    };
    let cx = Context { settings: &settings, snapshot: &snapshot, index: &index };
    let rules: Vec<_> = RULES.iter().filter(|r| settings.level(r.id()) != crate::config::Level::Off).collect();

    let mut diagnostics: Vec<Diagnostic> = documents
        .par_iter()
        .filter(|d| reported.contains(d.path()))
        .flat_map_iter(|doc| {
            let mut found = Vec::new();
            for rule in &rules {
                rule.check(&cx, doc, &mut found);
            }
            crate::sink::apply(&settings, doc, found)
        })
        .collect();
    // Files that are not documents (images, say) are judged only when the whole knowledge
    // base is checked; a run scoped to some paths should not report on the rest.
    if targets.is_empty() && changes.is_none() {
        let mut found = Vec::new();
        for rule in &rules {
            rule.check_snapshot(&cx, &mut found);
        }
        diagnostics.extend(crate::sink::apply_levels(&settings, found));
    }
    diagnostics.sort_by(|a, b| {
        (a.path.as_str(), a.span.start, a.rule, &a.message).cmp(&(b.path.as_str(), b.span.start, b.rule, &b.message))
    });
    let with_findings: HashSet<&str> = diagnostics.iter().map(|d| d.path.as_str()).collect();
    let sources = documents
        .iter()
        .filter(|d| with_findings.contains(d.path()))
        .map(|d| (d.path().to_owned(), Arc::clone(&d.source)))
        .collect();
    Ok(Outcome { diagnostics, sources, documents: reported.len() })
}

/// `--config FILE`, else the nearest `docsteward.toml` from `start` up to the root, else
/// the defaults.
fn load_settings(repo: &Repo, snapshot: &Arc<Snapshot>, options: &CheckOptions, start: &str) -> Result<Settings, Error> {
    if let Some(config) = &options.config {
        let full = options.cwd.join(config);
        let text = std::fs::read_to_string(&full).map_err(|source| Error::Io { path: full.clone(), source })?;
        return match repo.relative(&options.cwd, config) {
            Ok(rel) => {
                let base = paths::parent(&rel);
                Settings::load(&text, &rel, &base, &in_snapshot(snapshot, &base))
            }
            Err(_) => {
                // A configuration kept outside the repository reads its schemas beside itself.
                let dir = full.parent().map(Path::to_path_buf).unwrap_or_default();
                let read = move |p: &str| std::fs::read(dir.join(p)).ok();
                Settings::load(&text, &config.display().to_string(), "", &read)
            }
        };
    }
    let mut dir = start.to_owned();
    loop {
        let candidate = format!("{dir}{FILE_NAME}");
        if snapshot.contains(&candidate) {
            let bytes = snapshot.read(&candidate).map_err(|source| Error::Io { path: candidate.clone().into(), source })?;
            let text = String::from_utf8_lossy(&bytes);
            return Settings::load(&text, &candidate, &dir, &in_snapshot(snapshot, &dir));
        }
        if dir.is_empty() {
            return Ok(Settings::defaults(""));
        }
        dir = paths::parent(dir.trim_end_matches('/'));
    }
}

/// Reads files relative to the folder `base` from the snapshot.
fn in_snapshot(snapshot: &Arc<Snapshot>, base: &str) -> impl Fn(&str) -> Option<Vec<u8>> + Send + Sync + 'static {
    let snapshot = Arc::clone(snapshot);
    let base = base.to_owned();
    move |p: &str| snapshot.read(&format!("{base}{p}")).ok()
}

/// The documents that command-line paths name: a file as given, a folder's documents.
fn select<'s>(repo: &Repo, snapshot: &'s Snapshot, settings: &Settings, targets: &[String]) -> Result<HashSet<&'s str>, Error> {
    let mut selected = HashSet::new();
    for target in targets {
        if let Some(file) = snapshot.files().iter().find(|f| *f == target) {
            selected.insert(file.as_str());
        } else if snapshot.is_dir(target) {
            let prefix = paths::as_dir(target);
            selected.extend(snapshot.files().iter().map(String::as_str).filter(|f| {
                f.starts_with(&prefix)
                    && match settings.relative(f) {
                        Some(_) => settings.is_document(f),
                        None => is_markdown(f),
                    }
            }));
        } else {
            return Err(Error::NotInSnapshot { path: target.clone(), ignored: repo.is_ignored(target) });
        }
    }
    Ok(selected)
}

fn is_markdown(path: &str) -> bool {
    path.ends_with(".md") || path.ends_with(".markdown")
}
