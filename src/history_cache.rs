//! The history cache: what a walk over history found (each document's last meaningful
//! change, and the earlier ones a freshness series asks for), kept by the commit the walk
//! started from in a file outside the work tree, so that the next run reads only the commits
//! made since. A cache that cannot be read, or was written under other settings or by
//! another version, is not used: a cache problem costs a full walk and at most a notice,
//! never an error and never a different answer.

use std::collections::HashMap;
use std::ffi::OsString;
use std::path::{Path, PathBuf};

use git2::Oid;
use serde::{Deserialize, Serialize};

use crate::error::Error;
use crate::repo::{Chain, HistoryKey, Ignore, Known, LastChange, Reach, Repo};

/// The file format; a file of another is not read (and is replaced).
const FORMAT: u32 = 1;

/// How many start commits one repository's file keeps, the most recently written first:
/// enough for a branch or two besides the main line, and each beyond the first costs only
/// its own table of chains (paths, commits and people are shared).
const MAX_STARTS: usize = 4;

/// The most bytes a cache file may have (about 200,000 documents' worth): a larger file is
/// not read, and a file that would be larger is not written whole (the oldest start commits
/// go first).
pub const MAX_SIZE: u64 = 64 * 1024 * 1024;

/// The folder below the cache folder that holds one file per repository.
const HISTORY: &str = "history";

/// A history cache in a folder.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HistoryCache {
    dir: PathBuf,
}

impl HistoryCache {
    /// The cache in `dir`, which should be absolute (it is made so against the current
    /// directory).
    pub fn new(dir: PathBuf) -> HistoryCache {
        let dir = std::path::absolute(&dir).unwrap_or(dir);
        HistoryCache { dir }
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The file that holds what is known of the repository `key` names.
    pub fn file(&self, key: &HistoryKey) -> PathBuf {
        self.dir
            .join(HISTORY)
            .join(format!("{}.json", key.file_stem))
    }
}

/// Where the history cache lives: `--cache-dir DIR` (`flag`), else `$DOCSTEWARD_CACHE_DIR`,
/// else `docsteward` in `$XDG_CACHE_HOME` (when absolute, as the XDG specification wants),
/// else in the platform's cache folder (`~/.cache` on Linux and other Unix systems,
/// `~/Library/Caches` on macOS, `%LOCALAPPDATA%` on Windows). `None` with `--no-cache`, or
/// when no folder can be named. `env` reads an environment variable (empty counts as
/// unset).
pub fn location(
    flag: Option<&Path>,
    no_cache: bool,
    env: impl Fn(&str) -> Option<OsString>,
) -> Option<PathBuf> {
    if no_cache {
        return None;
    }
    if let Some(dir) = flag {
        return Some(dir.to_owned());
    }
    let var = |name: &str| env(name).filter(|v| !v.is_empty()).map(PathBuf::from);
    if let Some(dir) = var("DOCSTEWARD_CACHE_DIR") {
        return Some(dir);
    }
    if let Some(dir) = var("XDG_CACHE_HOME").filter(|d| d.is_absolute()) {
        return Some(dir.join("docsteward"));
    }
    let platform = if cfg!(windows) {
        var("LOCALAPPDATA")
    } else if cfg!(target_os = "macos") {
        var("HOME").map(|home| home.join("Library").join("Caches"))
    } else {
        var("HOME").map(|home| home.join(".cache"))
    };
    platform
        .filter(|d| d.is_absolute())
        .map(|d| d.join("docsteward"))
}

/// The last change of each of `documents` in the history of `start`, as
/// [`Repo::last_changes`] finds them, taking what `cache` knows and recording what the walk
/// learned there. What goes wrong with the cache is said in `notices` and costs a full
/// walk; only the walk's own errors are errors.
#[allow(clippy::too_many_arguments)]
pub fn last_changes(
    repo: &Repo,
    cache: Option<&HistoryCache>,
    start: Oid,
    documents: &[String],
    ignore: &Ignore<'_>,
    reach: Reach,
    progress: &mut dyn FnMut(usize),
    notices: &mut Vec<String>,
) -> Result<Vec<Option<LastChange>>, Error> {
    let Some(cache) = cache else {
        return repo.last_changes(start, documents, ignore, reach, progress);
    };
    let key = repo.history_key(ignore);
    let file = cache.file(&key);
    let mut stored = match load(cache, &key) {
        Ok(stored) => stored,
        Err(problem) => {
            notices.push(format!(
                "history cache {} not used ({problem}); reading the whole history",
                file.display()
            ));
            Stored::default()
        }
    };
    let history =
        repo.last_changes_known(start, documents, ignore, reach, &stored.known, progress)?;
    if !history.all_known {
        stored.record(start, documents, &history.changes, reach);
        if let Err(problem) = save(cache, &key, &stored) {
            notices.push(format!(
                "history cache {} not written: {problem}",
                file.display()
            ));
        }
    }
    Ok(history.changes)
}

/// What one repository's cache file holds, in memory.
#[derive(Debug, Default, PartialEq, Eq)]
struct Stored {
    /// The start commits, the most recently written first.
    order: Vec<Oid>,
    known: Known,
}

impl Stored {
    /// Records what a walk from `start` with `reach` found for `documents`. A path already
    /// known from `start` keeps the longer of its two chains: with the same settings both
    /// list the same changes, one further back than the other.
    fn record(
        &mut self,
        start: Oid,
        documents: &[String],
        changes: &[Option<LastChange>],
        reach: Reach,
    ) {
        let entry = self.known.entry(start).or_default();
        for (path, last) in documents.iter().zip(changes) {
            let chain = Chain::found(last.clone(), reach);
            let keep_old = entry.paths.get(path).is_some_and(|old| {
                old.len() > chain.len() || (old.len() == chain.len() && !old.cut)
            });
            if !keep_old {
                entry.paths.insert(path.clone(), chain);
            }
        }
        self.order.retain(|&c| c != start);
        self.order.insert(0, start);
        while self.order.len() > MAX_STARTS {
            if let Some(gone) = self.order.pop() {
                self.known.remove(&gone);
            }
        }
    }
}

/// The file as written: tables of paths, people and commits, and per start commit one row
/// of numbers per path.
#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
struct CacheFile {
    format: u32,
    /// The version that wrote it (`docsteward --version`): another may walk differently.
    docsteward: String,
    repository: String,
    object_format: String,
    /// See [`HistoryKey::settings`].
    settings: String,
    paths: Vec<String>,
    /// Author names and emails, as `.mailmap` made them.
    people: Vec<(String, String)>,
    /// Commit id, committer time, index into `people`.
    commits: Vec<(String, i64, usize)>,
    starts: Vec<StartRows>,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct StartRows {
    commit: String,
    /// `[path, commit, flags, earlier times...]` (indexes into the tables; flags: 1 at the
    /// edge of a shallow clone, 2 created, 4 cut), or `[path]` when the walk found no change.
    chains: Vec<Vec<i64>>,
}

const AT_BOUNDARY: i64 = 1;
const CREATED: i64 = 2;
const CUT: i64 = 4;

/// What the cache file for `key` holds: nothing when there is none yet, or when it was
/// written by another version or under other settings (both expected, and not worth a
/// notice); an error saying what is wrong with a file that cannot be used.
fn load(cache: &HistoryCache, key: &HistoryKey) -> Result<Stored, String> {
    let rel = Path::new(HISTORY).join(format!("{}.json", key.file_stem));
    let bytes = match crate::fs::inside(&cache.dir, &rel)
        .and_then(|path| crate::fs::read_regular(&path, MAX_SIZE))
    {
        Ok(bytes) => bytes,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Stored::default()),
        Err(e) => return Err(e.to_string()),
    };
    let file: CacheFile =
        serde_json::from_slice(&bytes).map_err(|e| format!("not a history cache: {e}"))?;
    if file.format != FORMAT
        || file.docsteward != env!("DOCSTEWARD_VERSION")
        || file.settings != key.settings
    {
        return Ok(Stored::default());
    }
    if file.repository != key.repository || file.object_format != key.object_format {
        return Err("it names another repository".to_owned());
    }
    decode(file).ok_or_else(|| "not a history cache: an entry is malformed".to_owned())
}

/// The file's rows as chains; `None` at the first malformed one.
fn decode(file: CacheFile) -> Option<Stored> {
    let commits = file
        .commits
        .iter()
        .map(|(id, time, person)| Some((Oid::from_str(id).ok()?, *time, file.people.get(*person)?)))
        .collect::<Option<Vec<_>>>()?;
    let index = |n: i64, len: usize| usize::try_from(n).ok().filter(|&i| i < len);
    let mut stored = Stored::default();
    for start in file.starts {
        let oid = Oid::from_str(&start.commit).ok()?;
        let mut paths = HashMap::with_capacity(start.chains.len());
        for row in start.chains {
            let path = file.paths.get(index(*row.first()?, file.paths.len())?)?;
            let chain = match row.get(1..) {
                Some([]) => Chain {
                    last: None,
                    cut: false,
                },
                Some([commit, flags, earlier @ ..]) => {
                    let (commit, time, (author, author_email)) =
                        commits.get(index(*commit, commits.len())?)?;
                    Chain {
                        last: Some(LastChange {
                            commit: *commit,
                            time: *time,
                            author: author.clone(),
                            author_email: author_email.clone(),
                            at_boundary: flags & AT_BOUNDARY != 0,
                            earlier: earlier.to_vec(),
                            created: flags & CREATED != 0,
                        }),
                        cut: flags & CUT != 0,
                    }
                }
                _ => return None,
            };
            paths.insert(path.clone(), chain);
        }
        if stored
            .known
            .insert(oid, crate::repo::KnownStart { paths })
            .is_none()
        {
            stored.order.push(oid);
        }
    }
    Some(stored)
}

/// The file for `stored`, its start commits in order.
fn encode(stored: &Stored, key: &HistoryKey, starts: &[Oid]) -> CacheFile {
    let mut file = CacheFile {
        format: FORMAT,
        docsteward: env!("DOCSTEWARD_VERSION").to_owned(),
        repository: key.repository.clone(),
        object_format: key.object_format.to_owned(),
        settings: key.settings.clone(),
        paths: Vec::new(),
        people: Vec::new(),
        commits: Vec::new(),
        starts: Vec::new(),
    };
    let mut paths: HashMap<&str, i64> = HashMap::new();
    let mut people: HashMap<(&str, &str), usize> = HashMap::new();
    let mut commits: HashMap<Oid, i64> = HashMap::new();
    for start in starts {
        let Some(known) = stored.known.get(start) else {
            continue;
        };
        let mut names: Vec<&String> = known.paths.keys().collect();
        names.sort_unstable();
        let mut chains = Vec::with_capacity(names.len());
        for name in names {
            let chain = &known.paths[name];
            let next = paths.len() as i64;
            let path = *paths.entry(name.as_str()).or_insert_with(|| {
                file.paths.push(name.clone());
                next
            });
            let Some(last) = &chain.last else {
                chains.push(vec![path]);
                continue;
            };
            let next = people.len();
            let person = *people
                .entry((last.author.as_str(), last.author_email.as_str()))
                .or_insert_with(|| {
                    file.people
                        .push((last.author.clone(), last.author_email.clone()));
                    next
                });
            let next = commits.len() as i64;
            let commit = *commits.entry(last.commit).or_insert_with(|| {
                file.commits
                    .push((last.commit.to_string(), last.time, person));
                next
            });
            let flags = i64::from(last.at_boundary) * AT_BOUNDARY
                + i64::from(last.created) * CREATED
                + i64::from(chain.cut) * CUT;
            let mut row = Vec::with_capacity(3 + last.earlier.len());
            row.extend([path, commit, flags]);
            row.extend_from_slice(&last.earlier);
            chains.push(row);
        }
        file.starts.push(StartRows {
            commit: start.to_string(),
            chains,
        });
    }
    file
}

/// Writes `stored` atomically into the cache folder (created when missing), never through
/// a symbolic link below it, dropping the oldest start commits while it is over
/// [`MAX_SIZE`].
fn save(cache: &HistoryCache, key: &HistoryKey, stored: &Stored) -> Result<(), String> {
    let mut starts = stored.order.clone();
    let bytes = loop {
        let bytes = serde_json::to_vec(&encode(stored, key, &starts)).map_err(|e| e.to_string())?;
        if (bytes.len() as u64) <= MAX_SIZE {
            break bytes;
        }
        if starts.len() <= 1 {
            return Err(format!("it would be larger than {MAX_SIZE} bytes"));
        }
        starts.pop();
    };
    std::fs::create_dir_all(&cache.dir).map_err(|e| e.to_string())?;
    crate::fs::write_file(&cache.file(key), Some(&cache.dir), 0o600, &bytes)
        .map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env<'a>(vars: &'a [(&'a str, &'a str)]) -> impl Fn(&str) -> Option<OsString> + 'a {
        move |name| {
            vars.iter()
                .find(|(n, _)| *n == name)
                .map(|(_, v)| OsString::from(v))
        }
    }

    #[test]
    fn the_flag_wins_then_the_variable_then_xdg_then_home() {
        let all = [
            ("DOCSTEWARD_CACHE_DIR", "/env"),
            ("XDG_CACHE_HOME", "/xdg"),
            ("HOME", "/home/u"),
        ];
        let flag = Path::new("/flag");
        assert_eq!(location(Some(flag), false, env(&all)), Some(flag.into()));
        assert_eq!(location(Some(flag), true, env(&all)), None);
        assert_eq!(location(None, false, env(&all)), Some("/env".into()));
        assert_eq!(
            location(None, false, env(&all[1..])),
            Some("/xdg/docsteward".into())
        );
        // A relative XDG_CACHE_HOME is invalid (XDG Base Directory), an empty one unset.
        let relative = [("XDG_CACHE_HOME", "rel"), ("DOCSTEWARD_CACHE_DIR", "")];
        assert_eq!(location(None, false, env(&relative)), None);
        if cfg!(all(unix, not(target_os = "macos"))) {
            assert_eq!(
                location(None, false, env(&all[2..])),
                Some("/home/u/.cache/docsteward".into())
            );
        }
        assert_eq!(location(None, false, env(&[])), None);
    }

    fn change(commit: u8, time: i64, earlier: &[i64], created: bool) -> LastChange {
        LastChange {
            commit: Oid::from_bytes(&[commit; 20]).unwrap(),
            time,
            author: format!("A{commit}"),
            author_email: format!("a{commit}@example.com"),
            at_boundary: commit == 9,
            earlier: earlier.to_vec(),
            created,
        }
    }

    fn key() -> HistoryKey {
        HistoryKey {
            repository: "/r/.git".to_owned(),
            object_format: "sha1",
            file_stem: "0".repeat(40),
            settings: "s".to_owned(),
        }
    }

    #[test]
    fn a_file_reads_back_as_written_and_keeps_the_longer_chain() {
        let docs: Vec<String> = ["a.md", "b.md", "c.md", "d.md"].map(str::to_owned).to_vec();
        let mut stored = Stored::default();
        let s1 = Oid::from_bytes(&[1; 20]).unwrap();
        let s2 = Oid::from_bytes(&[2; 20]).unwrap();
        let series = vec![
            Some(change(3, 300, &[200, 100], false)),
            Some(change(9, 50, &[], true)),
            None,
            Some(change(3, 300, &[], true)),
        ];
        stored.record(s1, &docs, &series, Reach::Since(150));
        // A later walk that went less far back learns nothing that replaces it.
        let last_only = [Some(change(3, 300, &[], false)), None, None, None];
        stored.record(s1, &docs[..1], &last_only[..1], Reach::LastChange);
        stored.record(s2, &docs[..2], &last_only[..2], Reach::LastChange);
        assert_eq!(stored.order, [s2, s1]);
        let a = &stored.known[&s1].paths["a.md"];
        assert_eq!((a.len(), a.cut), (3, true));
        assert!(!stored.known[&s1].paths["b.md"].cut);
        let file = encode(&stored, &key(), &stored.order);
        let json = serde_json::to_vec(&file).unwrap();
        let back = decode(serde_json::from_slice(&json).unwrap()).unwrap();
        assert_eq!(back, stored);
        // Malformed rows are refused, not half read.
        let mut bad = encode(&stored, &key(), &stored.order);
        bad.starts[0].chains[0] = vec![0, 99, 0];
        assert!(decode(bad).is_none());
    }

    #[test]
    fn only_the_newest_start_commits_are_kept() {
        let mut stored = Stored::default();
        for n in 0..(MAX_STARTS as u8 + 2) {
            let start = Oid::from_bytes(&[n + 1; 20]).unwrap();
            stored.record(start, &["a.md".to_owned()], &[None], Reach::LastChange);
        }
        assert_eq!(stored.order.len(), MAX_STARTS);
        assert_eq!(stored.known.len(), MAX_STARTS);
        assert_eq!(
            stored.order[0],
            Oid::from_bytes(&[MAX_STARTS as u8 + 2; 20]).unwrap()
        );
    }
}
