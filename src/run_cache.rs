//! The run cache: the findings of the last check of a work tree, kept with a key made of
//! everything they were found from, so that a check of a repository where nothing changed
//! since the last one answers without parsing, resolving or walking history.
//!
//! The key (see [`Key`]) is the SHA-1 of: docsteward's version; the options that change the
//! findings (paths, `--config`, `--as-of` or today's date, shallow handling, how far back
//! repairs are searched); the configuration's text; the commit `HEAD` names; and the work
//! tree's [`Snapshot::fingerprint`](crate::repo::Snapshot::fingerprint): every file with
//! its blob id or, for a file the index does not vouch for, its stat data. A file changed
//! after it was listed has other stat data at the next listing (its inode change time moves
//! with every write), so an entry is never served for files that differ from those it was
//! found in. What a run looked at outside the snapshot (a link's target that is on the disk
//! but git-ignored) is kept with the findings and asked again before they are used.
//!
//! Only one entry is kept per work tree: the last whole check's. As with the other caches,
//! a cache that cannot be used costs the full run and at most a notice, never a different
//! answer.

use std::ops::Range;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::check::Notice;
use crate::diagnostic::{Diagnostic, Fix, Label, Severity};

/// The file format; a file of another is not read (and is replaced).
const FORMAT: u32 = 1;

/// What every cache file starts with, before the checksum of the rest.
const MAGIC: &[u8; 8] = b"dsruns\n\0";

/// A larger file is neither read nor written: a run of that many findings is parsed again.
pub const MAX_SIZE: u64 = 64 * 1024 * 1024;

/// The folder below the cache folder that holds one file per work tree.
const RUNS: &str = "runs";

/// What a run's findings depend on, hashed (see the module's documentation).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Key([u8; 20]);

impl Key {
    /// The key of everything in `material`, hashed.
    pub fn of(material: &[u8]) -> Option<Key> {
        crate::repo::blob_id(material).map(Key)
    }
}

/// One work tree's run cache.
#[derive(Debug)]
pub struct RunCache {
    /// The cache folder, and the file below it.
    dir: PathBuf,
    rel: PathBuf,
}

/// A finding as the cache keeps it.
#[derive(Serialize, Deserialize)]
struct StoredDiagnostic {
    rule: String,
    severity: Severity,
    path: String,
    span: Range<usize>,
    message: String,
    help: Option<String>,
    labels: Vec<Label>,
    fix: Option<Fix>,
}

/// A notice as the cache keeps it.
#[derive(Serialize, Deserialize)]
struct StoredNotice {
    rule: String,
    message: String,
    help: Option<String>,
}

/// The file, after [`MAGIC`] and the checksum.
#[derive(Serialize, Deserialize)]
struct CacheFile {
    format: u32,
    docsteward: String,
    key: [u8; 20],
    disk: Vec<(String, bool)>,
    documents: usize,
    diagnostics: Vec<StoredDiagnostic>,
    sources: Vec<Source>,
    notices: Vec<StoredNotice>,
}

/// [`CacheFile`] as [`RunCache::save`] writes it: the same encoding, borrowed from the
/// findings rather than copied (a run of ten thousand findings would copy each twice).
#[derive(Serialize)]
struct CacheFileRef<'a, D, N> {
    format: u32,
    docsteward: &'a str,
    key: [u8; 20],
    disk: &'a [(String, bool)],
    documents: usize,
    diagnostics: D,
    sources: &'a [Source],
    notices: N,
}

/// [`StoredDiagnostic`], borrowed.
#[derive(Serialize)]
struct DiagnosticRef<'a> {
    rule: &'a str,
    severity: Severity,
    path: &'a str,
    span: &'a Range<usize>,
    message: &'a str,
    help: Option<&'a str>,
    labels: &'a [Label],
    fix: Option<&'a Fix>,
}

/// [`StoredNotice`], borrowed.
#[derive(Serialize)]
struct NoticeRef<'a> {
    rule: &'a str,
    message: &'a str,
    help: Option<&'a str>,
}

/// A slice written as the sequence of what `.1` makes of each of its items.
struct Seq<'a, T, F>(&'a [T], F);

/// [`Seq`], with `each`'s argument typed.
fn seq<'a, T, F, R>(items: &'a [T], each: F) -> Seq<'a, T, F>
where
    F: Fn(&'a T) -> R,
{
    Seq(items, each)
}

impl<'a, T, F, R> Serialize for Seq<'a, T, F>
where
    F: Fn(&'a T) -> R,
    R: Serialize,
{
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.0.iter().map(&self.1))
    }
}

/// A document the findings are in: what its text was (its length in bytes and CRC-32), so
/// that the text read again for the report is known to be the same.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Source {
    pub path: String,
    pub len: u64,
    pub crc: u32,
}

impl Source {
    pub fn of(path: &str, text: &str) -> Source {
        Source {
            path: path.to_owned(),
            len: text.len() as u64,
            crc: crc32fast::hash(text.as_bytes()),
        }
    }
}

/// A run's findings, as stored.
#[derive(Debug)]
pub struct Run {
    /// What [`crate::repo::Snapshot::on_disk`] answered during the run.
    pub disk: Vec<(String, bool)>,
    /// How many documents were checked.
    pub documents: usize,
    pub diagnostics: Vec<Diagnostic>,
    /// The documents the report shows text of.
    pub sources: Vec<Source>,
    pub notices: Vec<Notice>,
}

/// A run's findings as [`RunCache::save`] takes them: borrowed.
#[derive(Clone, Copy, Debug)]
pub struct RunRef<'a> {
    pub disk: &'a [(String, bool)],
    pub documents: usize,
    pub diagnostics: &'a [Diagnostic],
    pub sources: &'a [Source],
    pub notices: &'a [Notice],
}

#[cfg(test)]
impl Run {
    /// The run, borrowed, as [`RunCache::save`] takes it.
    pub fn view(&self) -> RunRef<'_> {
        RunRef {
            disk: &self.disk,
            documents: self.documents,
            diagnostics: &self.diagnostics,
            sources: &self.sources,
            notices: &self.notices,
        }
    }
}

/// The rule id docsteward knows by `id`, as the findings carry it.
fn rule_id(id: &str) -> Option<&'static str> {
    crate::rules::RULES
        .iter()
        .map(|rule| rule.id())
        .find(|known| *known == id)
}

impl RunCache {
    /// The cache, in the cache folder `dir`, of the repository `stem` names checked in the
    /// work tree `root`.
    pub fn new(dir: &Path, stem: &str, root: &Path) -> RunCache {
        let tree: String = crate::repo::blob_id(root.as_os_str().as_encoded_bytes())
            .map(|id| id.iter().take(6).map(|b| format!("{b:02x}")).collect())
            .unwrap_or_default();
        RunCache {
            dir: dir.to_owned(),
            rel: Path::new(RUNS).join(format!("{stem}-{tree}.bin")),
        }
    }

    fn problem(&self, what: &str) -> String {
        format!("run cache {} {what}", self.dir.join(&self.rel).display())
    }

    /// The run stored under `key`, if that is the one the file holds. A file that cannot be
    /// used is said in `notices`; one of another key or version is silently not used.
    pub fn get(&self, key: &Key, notices: &mut Vec<String>) -> Option<Run> {
        let bytes = match crate::fs::inside(&self.dir, &self.rel)
            .and_then(|path| crate::fs::read_regular(&path, MAX_SIZE))
        {
            Ok(bytes) => bytes,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return None,
            Err(e) => {
                notices.push(self.problem(&format!("not used ({e})")));
                return None;
            }
        };
        let file: CacheFile = match crate::fs::framed_body(&bytes, MAGIC)
            .ok_or_else(|| "its checksum does not match".to_owned())
            .and_then(|body| postcard::from_bytes(body).map_err(|e| e.to_string()))
        {
            Ok(file) => file,
            Err(problem) => {
                notices.push(self.problem(&format!("not used (not a run cache: {problem})")));
                return None;
            }
        };
        if file.format != FORMAT
            || file.docsteward != env!("DOCSTEWARD_VERSION")
            || file.key != key.0
        {
            return None;
        }
        let diagnostics = file
            .diagnostics
            .into_iter()
            .map(|d| {
                Some(Diagnostic {
                    rule: rule_id(&d.rule)?,
                    severity: d.severity,
                    path: d.path,
                    span: d.span,
                    message: d.message,
                    help: d.help,
                    labels: d.labels,
                    fix: d.fix,
                })
            })
            .collect::<Option<Vec<_>>>()?;
        let notices = file
            .notices
            .into_iter()
            .map(|n| {
                Some(Notice {
                    rule: rule_id(&n.rule)?,
                    message: n.message,
                    help: n.help,
                })
            })
            .collect::<Option<Vec<_>>>()?;
        Some(Run {
            disk: file.disk,
            documents: file.documents,
            diagnostics,
            sources: file.sources,
            notices,
        })
    }

    /// Stores `run` under `key`, replacing what the file held; atomically, never through a
    /// symbolic link.
    pub fn save(&self, key: &Key, run: RunRef<'_>) -> Result<(), String> {
        let file = CacheFileRef {
            format: FORMAT,
            docsteward: env!("DOCSTEWARD_VERSION"),
            key: key.0,
            disk: run.disk,
            documents: run.documents,
            diagnostics: seq(run.diagnostics, |d| DiagnosticRef {
                rule: d.rule,
                severity: d.severity,
                path: &d.path,
                span: &d.span,
                message: &d.message,
                help: d.help.as_deref(),
                labels: &d.labels,
                fix: d.fix.as_ref(),
            }),
            sources: run.sources,
            notices: seq(run.notices, |n| NoticeRef {
                rule: n.rule,
                message: &n.message,
                help: n.help.as_deref(),
            }),
        };
        let body = postcard::to_allocvec(&file).map_err(|e| e.to_string())?;
        if body.len() as u64 > MAX_SIZE - 1024 {
            return Err(format!("{} bytes of findings is too many", body.len()));
        }
        crate::fs::write_framed(&self.dir, &self.rel, MAGIC, &body)
    }

    /// Says why [`RunCache::save`] failed.
    pub fn not_written(&self, problem: &str) -> String {
        self.problem(&format!("not written: {problem}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run() -> Run {
        Run {
            disk: vec![("build/out.html".into(), true)],
            documents: 2,
            diagnostics: vec![Diagnostic {
                rule: "links/missing-file",
                severity: Severity::Error,
                path: "a.md".into(),
                span: 3..9,
                message: "no such file".into(),
                help: Some("did you mean b.md?".into()),
                labels: vec![Label {
                    span: 3..4,
                    message: "here".into(),
                }],
                fix: Some(Fix::replace(
                    crate::diagnostic::Safety::Unsafe,
                    3..9,
                    "b.md",
                )),
            }],
            sources: vec![Source::of("a.md", "see [x](c.md)\n")],
            notices: vec![Notice {
                rule: "stale/age",
                message: "skipped".into(),
                help: None,
            }],
        }
    }

    #[test]
    fn a_run_is_read_back_under_its_key_only() {
        let dir = tempfile::tempdir().unwrap();
        let cache = RunCache::new(dir.path(), "repo", Path::new("/work/tree"));
        let key = Key::of(b"one").unwrap();
        let mut notices = Vec::new();
        assert!(cache.get(&key, &mut notices).is_none());
        cache.save(&key, run().view()).unwrap();
        let back = cache.get(&key, &mut notices).unwrap();
        assert_eq!(back.diagnostics, run().diagnostics);
        assert_eq!(back.notices, run().notices);
        assert_eq!(back.sources, run().sources);
        assert_eq!(back.disk, run().disk);
        assert_eq!(back.documents, 2);
        assert!(cache.get(&Key::of(b"two").unwrap(), &mut notices).is_none());
        assert!(notices.is_empty(), "{notices:?}");
        // Another work tree of the same repository keeps its own file.
        let other = RunCache::new(dir.path(), "repo", Path::new("/work/other"));
        assert!(other.get(&key, &mut notices).is_none());
    }

    #[test]
    fn a_damaged_file_is_a_notice_and_an_unknown_rule_a_miss() {
        let dir = tempfile::tempdir().unwrap();
        let cache = RunCache::new(dir.path(), "repo", Path::new("/w"));
        let key = Key::of(b"k").unwrap();
        let mut unknown = run();
        unknown.diagnostics[0].rule = "links/no-such-rule";
        cache.save(&key, unknown.view()).unwrap();
        let mut notices = Vec::new();
        assert!(cache.get(&key, &mut notices).is_none());
        assert!(notices.is_empty());
        let path = dir.path().join(&cache.rel);
        let mut bytes = std::fs::read(&path).unwrap();
        let last = bytes.len() - 1;
        bytes[last] ^= 0xFF;
        std::fs::write(&path, bytes).unwrap();
        assert!(cache.get(&key, &mut notices).is_none());
        assert!(notices[0].contains("checksum"), "{notices:?}");
    }
}
