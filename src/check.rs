//! `docsteward check`: settings -> snapshot -> parse every document in parallel -> index ->
//! rules per document in parallel -> sink -> sorted findings. [`Session`] is the shared
//! front half, also used by `docsteward stale`.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use jiff::civil::Date;
use rayon::prelude::*;

use crate::sink::Findings;

use crate::baseline::{self, Applied, Baseline};
use crate::config::{Level, Settings, FILE_NAME};
use crate::diagnostic::{Diagnostic, Severity};
use crate::document::{Document, Limits, Skipped, Syntax};
use crate::error::Error;
use crate::history_cache::HistoryCache;
use crate::index::{resolve_reference, Index};
use crate::parse_cache::{Key, ParseCache};
use crate::paths;
use crate::repo::{
    Changes, Content, CorruptObject, Ignore, LastChange, Reach, Renames, Repo, Snapshot, Source,
};
use crate::resolve::Outcome as Resolved;
use crate::rules::{Context, RULES};
use crate::run_cache::{self, RunCache};
use crate::scope::{self, Breaks};
use crate::site::{self, Model, Site};
use crate::source::SourceFile;
use crate::stale::codeowners::CodeOwners;
use crate::stale::{self, Entry};

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
    /// The day staleness is judged on (`--as-of`); today when `None`.
    pub as_of: Option<Date>,
    /// Report ages at a shallow clone's boundary as lower bounds instead of refusing.
    pub allow_shallow: bool,
    /// On a shallow clone without `allow_shallow`, refuse (what `baseline` needs: every
    /// finding) instead of skipping `stale/age` with a notice.
    pub refuse_shallow: bool,
    /// Which baseline absorbs known findings.
    pub baseline: BaselineChoice,
    /// How far back history is searched for the repairs findings offer.
    pub repair_history: RepairHistory,
    /// The history cache's folder (`--cache-dir`, `$DOCSTEWARD_CACHE_DIR`, ...); `None`
    /// walks the whole history every time and writes nothing (`--no-cache`).
    pub history_cache: Option<PathBuf>,
    /// The process ends once this run's answer is written: what the run built (documents,
    /// index, findings) is left for the operating system to reclaim at exit instead of being
    /// freed piece by piece, which on a large knowledge base costs a tenth of a second of CPU
    /// that competes with storing the findings and writing the report. Off for a caller that
    /// runs again (a language server, `--fix`, a test).
    pub last_in_process: bool,
}

/// How far back a check searches the first-parent history for the repairs it offers (where
/// a missing file went, what a heading was called). Each commit costs a few tree reads
/// whether or not it holds an answer, and a link to a file that never existed has none:
/// a plain `check` looks at the recent commits only, `--fix` and `--diff` at all of them,
/// and `check --staged` (the pre-commit hook, which must answer in a fraction of a second)
/// at none.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum RepairHistory {
    /// No history: repairs that need it are not offered.
    Off,
    /// The last [`RECENT_COMMITS`] commits.
    #[default]
    Recent,
    /// The whole history (for headings, the last [`HEADING_COMMITS`] commits).
    Whole,
}

/// How many first-parent commits a plain `check` searches for repairs.
pub const RECENT_COMMITS: usize = 100;
/// How many first-parent commits `--fix` searches for a heading's earlier text.
pub const HEADING_COMMITS: usize = 2000;

impl RepairHistory {
    fn renames(self) -> Option<usize> {
        match self {
            RepairHistory::Off => Some(0),
            RepairHistory::Recent => Some(RECENT_COMMITS),
            RepairHistory::Whole => None,
        }
    }

    fn headings(self) -> usize {
        match self {
            RepairHistory::Off => 0,
            RepairHistory::Recent => RECENT_COMMITS,
            RepairHistory::Whole => HEADING_COMMITS,
        }
    }
}

/// Where a check's baseline comes from.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum BaselineChoice {
    /// `.docsteward-baseline.json` at the repository root, when it exists.
    #[default]
    Auto,
    /// `--baseline FILE`, relative to the working directory.
    File(PathBuf),
    /// No baseline: every finding (`docsteward baseline` itself runs this way).
    Off,
}

/// The findings of a run and the files they point into.
#[derive(Debug, Default)]
pub struct Outcome {
    /// Sorted by path, line, column, rule.
    pub diagnostics: Vec<Diagnostic>,
    pub sources: HashMap<String, Arc<SourceFile>>,
    /// How many documents were checked.
    pub documents: usize,
    /// What the baseline absorbed, when there is one.
    pub baseline: Option<Applied>,
    /// What the reader should know besides the findings: a rule that could not run.
    pub notices: Vec<Notice>,
    /// What went wrong with the history cache (a file that could not be read or written):
    /// for standard error, not the report, which is the same with or without the cache.
    pub cache_notices: Vec<String>,
}

/// Something a report says once, not about any document: a rule that was skipped, and why.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Notice {
    /// The rule it concerns.
    pub rule: &'static str,
    pub message: String,
    pub help: Option<String>,
}

impl Notice {
    /// `rule` did not run because of `reason`, an error it would otherwise have stopped at.
    fn skipped(rule: &'static str, reason: &Error) -> Notice {
        Notice {
            rule,
            message: format!("skipped: {reason}"),
            help: reason.help(),
        }
    }
}

impl Outcome {
    pub fn count(&self, severity: Severity) -> usize {
        self.diagnostics
            .iter()
            .filter(|d| d.severity == severity)
            .count()
    }
}

/// A repository opened for one run: its snapshot, settings, and every document parsed.
pub struct Session {
    pub repo: Repo,
    pub snapshot: Arc<Snapshot>,
    pub settings: Settings,
    /// Repository-relative forms of the command-line paths.
    pub targets: Vec<String>,
    /// Every document of the knowledge base plus any named outside it, parsed once.
    pub documents: Vec<Document>,
    /// The documents the command-line paths select (all when none are given).
    pub selected: HashSet<String>,
    /// The knowledge base's documents by `include` and `exclude`.
    pub(crate) known: HashSet<String>,
    /// The site generator's model (`[site]`), its configuration read.
    pub model: Box<dyn Model>,
    /// Where history walks are cached, if anywhere.
    pub history_cache: Option<HistoryCache>,
    /// What went wrong with the history or parse cache so far (see
    /// [`Outcome::cache_notices`]).
    pub cache_notices: std::sync::Mutex<Vec<String>>,
    /// Earlier parses, by content, when caching is on: opened when first needed (a check
    /// answered from the run cache parses nothing), from the folder, repository stem and
    /// parse settings in `parse_cache_at`.
    parse_cache: std::sync::OnceLock<Option<ParseCache>>,
    parse_cache_at: Option<(PathBuf, String, String)>,
    /// The configuration file's name and text, as the settings were built from them (empty
    /// for the defaults); `None` when the settings were given, or read files outside the
    /// repository, which no key of the run cache covers.
    config_text: Option<String>,
    /// What this session's parses took from the parse cache and added to it: written back
    /// once all are done (see [`Session::save_parses`]).
    parses: std::sync::Mutex<CacheUse>,
}

/// See [`Session::parse_saver`].
struct ParseSaver<'s> {
    cache: Option<&'s ParseCache>,
    parses: &'s std::sync::Mutex<CacheUse>,
    documents: usize,
    notices: &'s std::sync::Mutex<Vec<String>>,
}

impl ParseSaver<'_> {
    fn save(self) {
        let Some(cache) = self.cache else {
            return;
        };
        let parses = std::mem::take(&mut *self.parses.lock().unwrap_or_else(|e| e.into_inner()));
        if let Err(problem) = cache.save(&parses.used, &parses.fresh, self.documents) {
            self.notices
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .push(cache.not_written(&problem));
        }
    }
}

/// What a document's parse has to do with the parse cache.
enum Cached {
    /// Taken from it.
    Used(Key),
    /// Made anew, and what the cache would keep of it.
    Fresh(Key, Vec<u8>),
}

/// The parse cache's entries a session used, and those it made.
#[derive(Default)]
struct CacheUse {
    used: HashSet<Key>,
    fresh: Vec<(Key, Vec<u8>)>,
}

/// Documents larger than this (bytes) are parsed one at a time.
const LARGE_DOCUMENT: usize = 1024 * 1024;
static LARGE_PARSE: std::sync::Mutex<()> = std::sync::Mutex::new(());

/// How much of a document to parse.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Depth {
    Full,
    FrontMatter,
    /// The front matter, and the body only when the front matter names no title: what a
    /// staleness report shows.
    Title,
}

impl Session {
    pub fn open(options: &CheckOptions) -> Result<Session, Error> {
        Session::open_with(options, None)
    }

    /// [`Session::open`] with `settings` instead of the configuration file, when given.
    pub fn open_with(options: &CheckOptions, settings: Option<Settings>) -> Result<Session, Error> {
        let mut session = Session::load(options, settings)?;
        session.parse(None)?;
        Ok(session)
    }

    /// Opens the repository, its snapshot and settings, and selects documents, without
    /// reading any of them yet (see [`Session::parse`]).
    pub fn load(options: &CheckOptions, settings: Option<Settings>) -> Result<Session, Error> {
        let mut repo = Repo::discover(&options.cwd)?;
        if let Some(dir) = &options.history_cache {
            repo.remember_checks_in(dir);
        }
        let snapshot = Arc::new(repo.snapshot(&options.source)?);
        let object_notices = repo.take_cache_notices();
        let targets = options
            .paths
            .iter()
            .map(|p| repo.relative(&options.cwd, p))
            .collect::<Result<Vec<_>, _>>()?;
        let start = match targets.first() {
            Some(t) if snapshot.is_dir(t) => paths::as_dir(t),
            Some(t) => paths::parent(t),
            None => paths::as_dir(
                &repo
                    .relative(&options.cwd, Path::new("."))
                    .unwrap_or_default(),
            ),
        };
        let (settings, config_text) = match settings {
            Some(settings) => (settings, None),
            None => load_settings(&repo, &snapshot, options, &start)?,
        };
        let known: Vec<&str> = snapshot
            .files()
            .iter()
            .map(String::as_str)
            .filter(|f| settings.is_document(f))
            .collect();
        let selected: HashSet<String> = if targets.is_empty() {
            // A sparse checkout's missing folders are not what the user works on: their
            // documents inform the others (anchors, terms) but are reported only when named.
            known
                .iter()
                .filter(|p| !snapshot.is_sparse(p))
                .map(|p| (*p).to_owned())
                .collect()
        } else {
            // A pre-commit hook names every staged file it was given: only the knowledge
            // base's documents among them are for `--staged` to report.
            let only_documents = options.source == Source::Index && options.changed_since.is_none();
            select(&repo, &snapshot, &settings, &targets, only_documents)?
        };
        let known: HashSet<String> = known.into_iter().map(str::to_owned).collect();
        let model = site::load(&settings, &snapshot)?;
        let history_cache = options.history_cache.clone().map(HistoryCache::new);
        // What a parse depends on besides the bytes and the name: the front matter limit.
        let parse_settings = format!(
            "max-front-matter-size={}",
            settings.limits.max_front_matter_size
        );
        let parse_cache_at = history_cache
            .as_ref()
            .map(|c| (c.dir().to_owned(), repo.cache_stem(), parse_settings));
        Ok(Session {
            repo,
            snapshot,
            settings,
            targets,
            documents: Vec::new(),
            selected,
            known,
            model,
            history_cache,
            cache_notices: std::sync::Mutex::new(object_notices),
            parse_cache: std::sync::OnceLock::new(),
            parse_cache_at,
            parses: std::sync::Mutex::new(CacheUse::default()),
            config_text,
        })
    }

    /// The history cache's notices so far, taken.
    pub fn take_cache_notices(&self) -> Vec<String> {
        std::mem::take(&mut *self.cache_notices.lock().unwrap_or_else(|e| e.into_inner()))
    }

    /// Parses the documents: every one in full (`full` is `None`), or only `full` and the
    /// documents they link to in full and the rest to their front matter, which is all
    /// that term definitions need. A run scoped to a few documents thus reads the others'
    /// front matter only.
    pub fn parse(&mut self, full: Option<&HashSet<String>>) -> Result<(), Error> {
        self.documents = self.parsed(full)?;
        self.save_parses();
        Ok(())
    }

    /// What [`Session::parse`] keeps, returned; the parses made anew are not yet written to
    /// the parse cache (see [`Session::save_parses`]).
    fn parsed(&self, full: Option<&HashSet<String>>) -> Result<Vec<Document>, Error> {
        let (settings, snapshot, known) = (&self.settings, &*self.snapshot, &self.known);
        // A scoped run reads, besides its own documents, only those that may define terms,
        // and every document's front matter when the site's URLs depend on it.
        let urls_from_front_matter = !self.model.front_matter_keys().is_empty();
        let mut to_parse: Vec<&str> = self
            .known
            .iter()
            .map(String::as_str)
            .filter(|p| {
                urls_from_front_matter
                    || full.is_none_or(|full| full.contains(*p) || settings.may_define_term(p))
            })
            .collect();
        to_parse.extend(
            self.selected
                .iter()
                .map(String::as_str)
                .filter(|p| !self.known.contains(*p)),
        );
        to_parse.sort_unstable();
        let depth = |path: &str| match full {
            None => Depth::Full,
            Some(full) if full.contains(path) => Depth::Full,
            Some(_) => Depth::FrontMatter,
        };
        let mut documents = self.read_and_parse(&to_parse, &depth)?;
        if let Some(full) = full {
            let site = Site::new(&*self.model, snapshot, &documents);
            let site = &site;
            // The documents that the fully parsed ones link to need their anchors.
            let targets: HashSet<String> = documents
                .iter()
                .filter(|d| full.contains(d.path()))
                .flat_map(|d| {
                    d.markdown.references.iter().map(move |r| {
                        let (kind, target) = (r.kind, &r.target);
                        resolve_reference(settings, snapshot, site, d.path(), kind, target).0
                    })
                })
                .filter_map(|r| match r.outcome {
                    Resolved::Found {
                        path,
                        is_dir: false,
                    } if known.contains(&path) && !full.contains(&path) => Some(path),
                    _ => None,
                })
                .collect();
            if !targets.is_empty() {
                let paths: Vec<&str> = targets.iter().map(String::as_str).collect();
                let reparsed = self.read_and_parse(&paths, &|_| Depth::Full)?;
                documents.retain(|d| !targets.contains(d.path()));
                documents.extend(reparsed);
            }
        }
        Ok(documents)
    }

    /// The parse cache, opened on first use; a file that cannot be used is a notice.
    fn parse_cache(&self) -> Option<&ParseCache> {
        self.parse_cache
            .get_or_init(|| {
                let (dir, stem, settings) = self.parse_cache_at.as_ref()?;
                let mut notices = Vec::new();
                let cache = ParseCache::open(dir, stem, settings.clone(), &mut notices);
                self.cache_notices
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .extend(notices);
                Some(cache)
            })
            .as_ref()
    }

    /// Writes what this session parsed anew into the parse cache (a problem is a notice).
    fn save_parses(&self) {
        self.parse_saver().save();
    }

    /// What [`Session::save_parses`] needs of the session: unlike the session (whose
    /// repository handle is not), it can be shared with another thread.
    fn parse_saver(&self) -> ParseSaver<'_> {
        ParseSaver {
            cache: self.parse_cache.get().and_then(Option::as_ref),
            parses: &self.parses,
            documents: self.known.len().max(self.selected.len()),
            notices: &self.cache_notices,
        }
    }

    pub(crate) fn limits(&self) -> Limits {
        Limits {
            max_front_matter: usize::try_from(self.settings.limits.max_front_matter_size)
                .unwrap_or(usize::MAX),
        }
    }

    /// The documents among `changes.before` as they were before the change: what their
    /// headings and term definitions were. One whose old version cannot be read is skipped.
    fn previous(&self, changes: &Changes) -> Vec<Document> {
        let limits = self.limits();
        let max_file = self.settings.limits.max_file_size;
        let read: Vec<(&str, Result<_, Error>)> = changes
            .before
            .iter()
            .filter(|(path, _)| self.settings.is_document(path))
            .map(|(path, oid)| (path.as_str(), self.repo.blob(*oid, max_file)))
            .collect();
        read.into_par_iter()
            .map(|(path, bytes)| match bytes {
                Ok(Some(bytes)) => Document::parse_with(path, &bytes, &limits),
                Ok(None) => Document::skipped(
                    path,
                    Skipped::Unreadable(format!("larger than {max_file} bytes")),
                ),
                Err(e) => Document::skipped(path, Skipped::Unreadable(e.to_string())),
            })
            .collect()
    }

    fn read_and_parse(
        &self,
        to_parse: &[&str],
        depth: &(dyn Fn(&str) -> Depth + Sync),
    ) -> Result<Vec<Document>, Error> {
        let settings = &self.settings;
        let snapshot = &self.snapshot;
        let limits = self.limits();
        let max_file = settings.limits.max_file_size;
        // What the index reads from a document it only needs for others: term definitions
        // (`term`, `slug`), term references and links kept in front matter.
        let keys: Vec<&str> = ["term", "slug"]
            .into_iter()
            .chain(self.model.front_matter_keys().iter().copied())
            .chain(settings.terms.reference_keys.iter().map(String::as_str))
            .chain(settings.links.front_matter_keys.iter().map(String::as_str))
            .collect();
        let cache = self.parse_cache();
        let parsed = to_parse
            .par_iter()
            .map(|path| {
                // An oversized file is never loaded.
                let (bytes, id) = match snapshot.content(path, max_file) {
                    Ok(Content::Read { bytes, id }) => (bytes, id),
                    Ok(Content::TooLarge(size)) => {
                        let skip = Skipped::TooLarge {
                            size,
                            limit: max_file,
                        };
                        return Ok((Document::skipped(path, skip), None));
                    }
                    Err(e) => {
                        return match e
                            .get_ref()
                            .and_then(|inner| inner.downcast_ref::<CorruptObject>())
                        {
                            Some(c) => Err(Error::CorruptObject {
                                path: (*path).to_owned(),
                                oid: c.oid.to_string(),
                                message: c.message.clone(),
                            }),
                            None => Ok((
                                Document::skipped(path, Skipped::Unreadable(e.to_string())),
                                None,
                            )),
                        }
                    }
                };
                // A parse of the same bytes made earlier serves any depth.
                let key = cache.and_then(|_| match id {
                    Some(id) => Key::new(path, id.as_bytes()).or_else(|| Key::of(path, &bytes)),
                    None => Key::of(path, &bytes),
                });
                if let Some((cache, key)) = cache.zip(key) {
                    if let Some(doc) = cache.get(&key, path, &bytes) {
                        return Ok((doc, Some(Cached::Used(key))));
                    }
                }
                // Parsing costs pulldown-cmark up to 60 bytes of memory per byte of a dense
                // document (a 7 MB file of a million links takes 420 MB): large documents
                // are parsed one at a time, so two of them never add up.
                let _one_at_a_time = (bytes.len() > LARGE_DOCUMENT)
                    .then(|| LARGE_PARSE.lock().unwrap_or_else(|e| e.into_inner()));
                let full = |bytes: &[u8]| {
                    let doc = Document::parse_with(path, bytes, &limits);
                    let fresh =
                        key.and_then(|key| Some(Cached::Fresh(key, ParseCache::entry(&doc)?)));
                    (doc, fresh)
                };
                Ok(match depth(path) {
                    Depth::Full => full(&bytes),
                    Depth::FrontMatter => (
                        Document::parse_front_matter(path, &bytes, &limits, Some(&keys)),
                        None,
                    ),
                    Depth::Title => {
                        let doc = Document::parse_front_matter(path, &bytes, &limits, None);
                        match crate::stale::front_matter_title(&doc) {
                            Some(_) => (doc, None),
                            None => full(&bytes),
                        }
                    }
                })
            })
            .collect::<Result<Vec<_>, Error>>()?;
        let mut documents = Vec::with_capacity(parsed.len());
        let mut parses = self.parses.lock().unwrap_or_else(|e| e.into_inner());
        for (doc, cached) in parsed {
            match cached {
                Some(Cached::Used(key)) => {
                    parses.used.insert(key);
                }
                Some(Cached::Fresh(key, entry)) => parses.fresh.push((key, entry)),
                None => {}
            }
            documents.push(doc);
        }
        Ok(documents)
    }

    /// Staleness of the selected documents as of `as_of`, from one walk over history (back
    /// as far as `reach`), with their titles. Documents with uncommitted changes are as fresh
    /// as `as_of`.
    pub fn staleness(
        &mut self,
        options: &CheckOptions,
        reach: Reach,
        progress: &mut dyn FnMut(usize),
    ) -> Result<HashMap<String, Entry>, Error> {
        let mut to_parse: Vec<&str> = self.selected.iter().map(String::as_str).collect();
        to_parse.sort_unstable();
        let paths: HashSet<&str> = to_parse.iter().copied().collect();
        // History is walked on a handle of its own on the repository, while the documents'
        // titles are read: the walk leaves a core idle while it orders commits and moves
        // documents along them. What to walk for is found first, while the thread pool is
        // free: it stats the documents on it.
        let plan = walk_plan(&self.repo, &self.snapshot, &self.settings, options, &paths)?;
        let walker = self.repo.reopen()?;
        let walked = std::sync::atomic::AtomicUsize::new(0);
        let session = &*self;
        let (documents, walk) = std::thread::scope(|scope| {
            let parts = session.history_parts();
            let walk = spawn_walk(scope, walker, Ok(plan), parts, reach, &walked);
            let documents = session.read_and_parse(&to_parse, &|_| Depth::Title);
            (documents, finish_walk(walk, &walked, progress))
        });
        let documents = documents?;
        let (plan, history) = walk?;
        self.documents = documents;
        self.save_parses();
        let paths: HashSet<&str> = self.selected.iter().map(String::as_str).collect();
        Ok(self.assess(&plan, &history, &paths))
    }

    /// Each of `paths` judged, from what the walk of `plan` found (`history`, in the order
    /// of `plan.committed`).
    fn assess(
        &self,
        plan: &Plan,
        history: &[Option<LastChange>],
        paths: &HashSet<&str>,
    ) -> HashMap<String, Entry> {
        let owners = CodeOwners::read(&self.snapshot);
        let by_path: HashMap<&str, _> = plan
            .committed
            .iter()
            .map(String::as_str)
            .zip(history.iter())
            .collect();
        let settings = &self.settings;
        self.documents
            .par_iter()
            .filter(|d| paths.contains(d.path()))
            .map(|d| {
                let last = by_path.get(d.path()).and_then(|c| c.as_ref());
                (
                    d.path().to_owned(),
                    stale::assess(settings, &owners, d, last, plan.as_of),
                )
            })
            .collect()
    }

    /// The last meaningful change of each of `paths` in the history from `start`, as
    /// `[stale]` judges meaningful: ignored revisions and authors skipped, `.mailmap` applied.
    /// Through the history cache, when there is one.
    pub fn last_changes(
        &self,
        start: git2::Oid,
        paths: &[String],
        reach: Reach,
        progress: &mut dyn FnMut(usize),
    ) -> Result<Vec<Option<LastChange>>, Error> {
        last_changes(
            &self.repo,
            &self.history_parts(),
            start,
            paths,
            reach,
            progress,
        )
    }

    /// What a history walk needs of the session besides the repository.
    fn history_parts(&self) -> HistoryParts<'_> {
        HistoryParts {
            settings: &self.settings,
            snapshot: &self.snapshot,
            cache: self.history_cache.as_ref(),
            notices: &self.cache_notices,
        }
    }
}

/// What a staleness judgement of `paths` asks of history: the commit to walk from, and which
/// of them are committed as they are (the others are as fresh as `as_of`). Known before the
/// walk, and made on the thread that walks, beside the parsing.
fn walk_plan(
    repo: &Repo,
    snapshot: &Snapshot,
    settings: &Settings,
    options: &CheckOptions,
    paths: &HashSet<&str>,
) -> Result<Plan, Error> {
    if repo.is_shallow() && !options.allow_shallow {
        return Err(Error::Shallow);
    }
    let as_of = options.as_of.unwrap_or_else(stale::dates::today);
    let rev = match &options.source {
        Source::Rev(rev) => Some(rev.as_str()),
        _ => None,
    };
    let start = repo.start_commit(rev)?;
    let uncommitted: HashSet<String> = match (&options.source, start) {
        (_, None) => paths.iter().map(|p| (*p).to_owned()).collect(),
        (Source::Rev(_), Some(_)) => HashSet::new(),
        (Source::Worktree, Some(_)) => {
            let paths: Vec<&str> = paths.iter().copied().collect();
            repo.uncommitted(snapshot, &paths, settings.limits.max_file_size)?
        }
        (source, Some(_)) => repo.changes("HEAD", source)?.changed,
    };
    let committed: Vec<String> = paths
        .iter()
        .filter(|p| !uncommitted.contains(**p))
        .map(|p| (*p).to_owned())
        .collect();
    Ok(Plan {
        as_of,
        start,
        committed,
    })
}

/// What [`walk_plan`] found.
struct Plan {
    as_of: jiff::civil::Date,
    start: Option<git2::Oid>,
    committed: Vec<String>,
}

/// The parts of a [`Session`] a history walk reads: all of them can be shared with the thread
/// that walks while the documents are parsed.
struct HistoryParts<'a> {
    settings: &'a Settings,
    snapshot: &'a Snapshot,
    cache: Option<&'a HistoryCache>,
    notices: &'a std::sync::Mutex<Vec<String>>,
}

/// History walked for `plan` on `walker` (a handle of its own on the repository) on a
/// thread of `scope`, while the caller parses: the walk leaves a core idle while it orders
/// commits and moves documents along them. `walked` counts the commits read, for
/// [`finish_walk`] to show.
fn spawn_walk<'scope, 'env>(
    scope: &'scope std::thread::Scope<'scope, 'env>,
    walker: Repo,
    plan: Result<Plan, Error>,
    parts: HistoryParts<'env>,
    reach: Reach,
    walked: &'env std::sync::atomic::AtomicUsize,
) -> std::thread::ScopedJoinHandle<'scope, Result<Walked, Error>> {
    scope.spawn(move || {
        let plan = plan?;
        let history = match plan.start {
            Some(start) if !plan.committed.is_empty() => {
                last_changes(&walker, &parts, start, &plan.committed, reach, &mut |n| {
                    walked.store(n, std::sync::atomic::Ordering::Relaxed)
                })?
            }
            _ => Vec::new(),
        };
        Ok((plan, history))
    })
}

/// The walk [`spawn_walk`] started, once it ends, showing its progress meanwhile.
fn finish_walk(
    walk: std::thread::ScopedJoinHandle<'_, Result<Walked, Error>>,
    walked: &std::sync::atomic::AtomicUsize,
    progress: &mut dyn FnMut(usize),
) -> Result<Walked, Error> {
    while !walk.is_finished() {
        progress(walked.load(std::sync::atomic::Ordering::Relaxed));
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    walk.join()
        .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
}

/// [`Session::last_changes`], on `repo` (a handle of its own when on another thread).
fn last_changes(
    repo: &Repo,
    parts: &HistoryParts<'_>,
    start: git2::Oid,
    paths: &[String],
    reach: Reach,
    progress: &mut dyn FnMut(usize),
) -> Result<Vec<Option<LastChange>>, Error> {
    let stale_settings = &parts.settings.stale;
    let snapshot = parts.snapshot;
    let ignored_author = |name: &str, email: &str| stale_settings.ignores_author(name, email);
    let ignore = Ignore {
        revs: snapshot
            .read(&stale_settings.ignore_revs_file)
            .map(|b| Repo::parse_ignore_revs(&String::from_utf8_lossy(&b)))
            .unwrap_or_default(),
        author: Some(&ignored_author),
        author_key: stale_settings.ignored_authors_key(),
        mailmap: snapshot
            .contains(".mailmap")
            .then(|| snapshot.read_limited(".mailmap", crate::fs::MAX_AUXILIARY))
            .and_then(Result::ok)
            .map(|b| String::from_utf8_lossy(&b).into_owned()),
    };
    let mut notices = Vec::new();
    let changes = crate::history_cache::last_changes(
        repo,
        parts.cache,
        start,
        paths,
        &ignore,
        reach,
        progress,
        &mut notices,
    );
    if !notices.is_empty() {
        parts
            .notices
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .extend(notices);
    }
    changes
}

/// The findings of all documents in one vector, grown from the largest document's: a file
/// with a million findings is not copied (the caller sorts).
fn concat(mut per_document: Vec<Vec<Diagnostic>>) -> Vec<Diagnostic> {
    let largest = (0..per_document.len()).max_by_key(|&i| per_document[i].len());
    let mut all = match largest {
        Some(i) => per_document.swap_remove(i),
        None => return Vec::new(),
    };
    all.reserve(per_document.iter().map(Vec::len).sum());
    for found in per_document {
        all.extend(found);
    }
    all
}

pub fn check(options: &CheckOptions) -> Result<Outcome, Error> {
    check_with_progress(options, &mut |_| {})
}

/// [`check`], reporting history-walk progress (commits read) to `progress`.
pub fn check_with_progress(
    options: &CheckOptions,
    progress: &mut dyn FnMut(usize),
) -> Result<Outcome, Error> {
    let mut session = Session::load(options, None)?;
    // Nothing changed since the last check: its findings, as they were.
    let run_cache = run_key(&session, options);
    if let Some((cache, key, _)) = &run_cache {
        let mut notices = Vec::new();
        let stored = cache.get(key, &mut notices);
        session
            .cache_notices
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .extend(notices);
        if let Some(mut outcome) = stored.and_then(|run| cached_outcome(&session, run)) {
            outcome.cache_notices = session.take_cache_notices();
            let selected = &session.selected;
            let whole = session.targets.is_empty()
                || (!session.known.is_empty()
                    && session.known.iter().all(|p| selected.contains(p)));
            apply_baseline(&session, options, &mut outcome, |p| {
                whole || selected.contains(p)
            })?;
            return Ok(outcome);
        }
    }
    // A staged check looks at what the commit would change; so does --changed-since.
    let changes: Option<Changes> = match (&options.changed_since, &options.source) {
        (Some(base), source) => Some(session.repo.changes(base, source)?),
        (None, Source::Index) => session.repo.staged_changes()?,
        _ => None,
    };
    // With `--staged` alone, paths (a hook's file names) are reported as well as what the
    // change broke; with `--changed-since` they narrow the change.
    let staged_paths = options.changed_since.is_none() && !session.targets.is_empty();
    let direct: HashSet<String> = match &changes {
        Some(changes) if !staged_paths => session
            .selected
            .intersection(&changes.changed)
            .cloned()
            .collect(),
        _ => session.selected.clone(),
    };
    // Parsed in full: the documents reported and those the change modified (to compare their
    // headings with what they were); the others' front matter only, unless graph/orphan
    // needs every document's links, or the change removed a file that any of them may
    // link to.
    let full: Option<HashSet<String>> = match &changes {
        _ if session.settings.level(crate::rules::graph::orphan::ID) != Level::Off => None,
        Some(changes) if !changes.removed.is_empty() => None,
        Some(changes) => Some(
            direct
                .iter()
                .chain(changes.changed.intersection(&session.known))
                .cloned()
                .collect(),
        ),
        None if !session.targets.is_empty() => Some(direct.clone()),
        None => None,
    };
    let before = changes
        .as_ref()
        .map(|c| session.previous(c))
        .unwrap_or_default();
    let mut notices = Vec::new();
    // Age is judged for what the change added or modified (everything, without a change): a
    // document reported because the change broke a reference in it is no staler for it, and
    // judging it would walk history on every renaming commit.
    let judged: HashSet<&str> = direct.iter().map(String::as_str).collect();
    let judge = if session.settings.level(crate::rules::stale::age::ID) == Level::Off {
        false
    } else if session.repo.is_shallow() && !options.allow_shallow && !options.refuse_shallow {
        // Every other rule can still run; the report says what was left out, and how to
        // have it.
        notices.push(Notice::skipped(
            crate::rules::stale::age::ID,
            &Error::Shallow,
        ));
        false
    } else {
        true
    };
    // The history walk runs beside the parsing, on a handle of its own on the repository.
    // Which documents are committed as they are is found first, while the thread pool is
    // free (it stats them on it): then the walk need not wait for the parsing to order the
    // commits. Its error, if any, is the walk's.
    let walker = if judge {
        let plan = walk_plan(
            &session.repo,
            &session.snapshot,
            &session.settings,
            options,
            &judged,
        );
        Some((session.repo.reopen()?, plan))
    } else {
        None
    };
    let walked = std::sync::atomic::AtomicUsize::new(0);
    let (breaks, history) = std::thread::scope(|scope| {
        let parts = HistoryParts {
            settings: &session.settings,
            snapshot: &session.snapshot,
            cache: session.history_cache.as_ref(),
            notices: &session.cache_notices,
        };
        let walk = walker
            .map(|(repo, plan)| spawn_walk(scope, repo, plan, parts, Reach::LastChange, &walked));
        let parsed = session.parsed(full.as_ref()).map(|documents| {
            session.documents = documents;
            match &changes {
                Some(changes) => Breaks::new(
                    &session.settings,
                    &session.snapshot,
                    &*session.model,
                    &session.documents,
                    changes,
                    &before,
                ),
                None => Breaks::default(),
            }
        });
        // What the change took away may be referenced from any document.
        let parsed = match parsed {
            Ok(breaks) if full.is_some() && !breaks.is_empty() => {
                session.parsed(None).map(|documents| {
                    session.documents = documents;
                    breaks
                })
            }
            other => other,
        };
        let history = walk.map(|walk| finish_walk(walk, &walked, progress));
        (parsed, history)
    });
    let breaks = breaks?;
    drop(before);
    // The parses made anew are written to the parse cache while the documents are judged.
    let outcome = std::thread::scope(|background| {
        let saver = session.parse_saver();
        let saving = background.spawn(move || saver.save());
        let gathered = Gathered {
            change: changes.is_some(),
            direct: &direct,
            judged: &judged,
            breaks,
            history,
            notices,
            run_cache,
        };
        judge_documents(&session, options, gathered, || {
            saving
                .join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        })
    });
    // Freeing every parsed document takes a tenth of a second: the answer need not wait, and
    // a process about to end need not do it at all.
    if options.last_in_process {
        std::mem::forget(session);
    } else {
        std::thread::spawn(move || drop(session));
    }
    outcome
}

/// The staleness plan, and what the history walk found for its documents.
type Walked = (Plan, Vec<Option<LastChange>>);

/// What [`check_with_progress`] has found before the documents are judged (see
/// [`judge_documents`]).
struct Gathered<'g> {
    /// Whether the run looks at a change (`--staged`, `--changed-since`).
    change: bool,
    /// The documents reported for themselves.
    direct: &'g HashSet<String>,
    /// The documents whose age is judged.
    judged: &'g HashSet<&'g str>,
    /// What the change broke.
    breaks: Breaks,
    /// The staleness plan and the history walk's answers, when age is judged.
    history: Option<Result<Walked, Error>>,
    notices: Vec<Notice>,
    /// Where and under which key the findings are stored, when they are.
    run_cache: Option<(RunCache, run_cache::Key, Option<git2::Oid>)>,
}

/// The documents of `session` judged: the index built, the reported documents' findings
/// found (the repairs searched for beside the rules), stored in the run cache and filtered by
/// the baseline. `saved` waits for the parse cache to be written, before its notices are
/// taken.
fn judge_documents(
    session: &Session,
    options: &CheckOptions,
    gathered: Gathered<'_>,
    saved: impl FnOnce(),
) -> Result<Outcome, Error> {
    let Gathered {
        change,
        direct,
        judged,
        breaks,
        history,
        notices,
        run_cache,
    } = gathered;
    let settings = &session.settings;
    let site = Site::new(&*session.model, &session.snapshot, &session.documents);
    let index = Index::new(&session.documents, settings, &session.snapshot, &site);
    let pool = if options.changed_since.is_none() {
        &session.known
    } else {
        &session.selected
    };
    let mut reported: HashSet<&str> = direct.iter().map(String::as_str).collect();
    reported.extend(scope::broken_by(
        &index,
        settings,
        pool.iter().map(String::as_str),
        &breaks,
    ));
    // Every document of the knowledge base: what applies to the whole snapshot (files that
    // are not documents, a baseline's every entry) can be judged too.
    let whole = (session.targets.is_empty() && !change)
        || (!session.known.is_empty()
            && session.known.iter().all(|p| reported.contains(p.as_str())));
    let staleness = history
        .transpose()?
        .map(|(plan, history)| session.assess(&plan, &history, judged));
    // The search of history for repairs runs on its own handle on the repository while the
    // rules judge every document that cannot ask for one; the others are judged after it.
    let wanted = RepairsWanted::new(session, options, &index, &reported);
    let other = if wanted.any() {
        Some(session.repo.reopen()?)
    } else {
        None
    };
    // Which documents may ask for a repair is worked out while the search begins.
    let searched: Option<HashSet<&str>> = wanted
        .any()
        .then(|| wanted.versions.iter().copied().collect());
    let cx = |renames, earlier| Context {
        settings,
        snapshot: &session.snapshot,
        index: &index,
        staleness: staleness.as_ref(),
        site: &site,
        renames,
        earlier,
    };
    let (mut diagnostics, (renames, earlier), askers) = std::thread::scope(|scope| {
        let search = other.map(|repo| {
            let index = &index;
            scope.spawn(move || repairs_of(&repo, settings, options, index, wanted))
        });
        let askers = match &searched {
            Some(searched) => askers(settings, &index, &reported, searched),
            None => HashSet::new(),
        };
        let rest: HashSet<&str> = reported.difference(&askers).copied().collect();
        let first = run_rules(&cx(None, None), &session.documents, &rest, false);
        let found = search
            .map(|s| {
                s.join()
                    .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
            })
            .unwrap_or_default();
        (first, found, askers)
    });
    diagnostics.extend(run_rules(
        &cx(renames.as_ref(), earlier.as_ref()),
        &session.documents,
        &askers,
        whole,
    ));
    sort_diagnostics(&mut diagnostics);
    let with_findings: HashSet<&str> = diagnostics.iter().map(|d| d.path.as_str()).collect();
    let sources = session
        .documents
        .iter()
        .filter(|d| with_findings.contains(d.path()))
        .map(|d| (d.path().to_owned(), Arc::clone(&d.source)))
        .collect();
    saved();
    let mut outcome = Outcome {
        diagnostics,
        sources,
        documents: reported.len(),
        baseline: None,
        notices,
        cache_notices: session.take_cache_notices(),
    };
    std::thread::scope(|scope| {
        // Freeing the index of a large knowledge base takes as long as storing its findings:
        // the two run at once, unless the process is about to end anyway.
        if options.last_in_process {
            std::mem::forget((index, site));
        } else {
            scope.spawn(move || drop((index, site)));
        }
        if let Some((cache, key, head)) = run_cache {
            save_run(session, &cache, &key, head, &mut outcome);
        }
        apply_baseline(session, options, &mut outcome, |p| {
            whole || reported.contains(p)
        })
    })?;
    Ok(outcome)
}

/// Every rule that is on, over the documents of `reported` (and, when `whole`, over the
/// snapshot's other files), the findings sorted by path, offset and rule. `docsteward check`
/// and the language server both judge documents through it.
pub fn run_rules(
    cx: &Context<'_>,
    documents: &[Document],
    reported: &HashSet<&str>,
    whole: bool,
) -> Vec<Diagnostic> {
    let settings = cx.settings;
    let rules: Vec<_> = RULES
        .iter()
        .filter(|r| settings.level(r.id()) != Level::Off)
        .collect();

    let per_document: Vec<Vec<Diagnostic>> = documents
        .par_iter()
        .filter(|d| reported.contains(d.path()))
        .map(|doc| {
            let mut found = Findings::for_document(settings, doc);
            for rule in &rules {
                rule.check(cx, doc, &mut found);
            }
            found.finish()
        })
        .collect();
    let mut diagnostics = concat(per_document);
    // Files that are not documents (images, say) are judged only when the whole knowledge
    // base is checked; a run scoped to some paths should not report on the rest.
    if whole {
        let mut found = Findings::for_snapshot(settings);
        for rule in &rules {
            rule.check_snapshot(cx, &mut found);
        }
        diagnostics.extend(found.finish());
    }
    sort_diagnostics(&mut diagnostics);
    diagnostics
}

/// Findings in report order: by path, offset and rule.
fn sort_diagnostics(diagnostics: &mut [Diagnostic]) {
    // Unstable, so no second buffer: findings that compare equal are equal.
    diagnostics.sort_unstable_by(|a, b| {
        (
            a.path.as_str(),
            a.span.start,
            a.rule,
            &a.message,
            a.span.end,
            &a.help,
        )
            .cmp(&(
                b.path.as_str(),
                b.span.start,
                b.rule,
                &b.message,
                b.span.end,
                &b.help,
            ))
    });
}

/// What history tells about the reported documents' broken references, for the fixes
/// their findings offer: where the files they lead nowhere to went (see [`renamed_wanted`])
/// and the earlier versions of the documents whose headings their fragments miss (see
/// [`versions_wanted`]). The two searches walk the same commits and share nothing else:
/// when both have work, they run at once, the second on its own handle on the repository.
/// When history cannot be read, findings simply carry no such fix.
pub(crate) fn repairs(
    session: &Session,
    options: &CheckOptions,
    index: &Index<'_>,
    reported: &HashSet<&str>,
) -> (Option<Renames>, Option<HashMap<String, Vec<Document>>>) {
    let wanted = RepairsWanted::new(session, options, index, reported);
    repairs_of(&session.repo, &session.settings, options, index, wanted)
}

/// What [`repairs`] searches history for, and from where.
struct RepairsWanted<'i> {
    renamed: HashSet<String>,
    versions: Vec<&'i str>,
    start: Option<git2::Oid>,
}

impl<'i> RepairsWanted<'i> {
    fn new(
        session: &Session,
        options: &CheckOptions,
        index: &'i Index<'_>,
        reported: &HashSet<&'i str>,
    ) -> Self {
        if options.repair_history == RepairHistory::Off {
            return RepairsWanted {
                renamed: HashSet::new(),
                versions: Vec::new(),
                start: None,
            };
        }
        let renamed = renamed_wanted(session, index, reported);
        let versions = versions_wanted(session, index, reported);
        let start = if renamed.is_empty() && versions.is_empty() {
            None
        } else {
            history_start(session, options)
        };
        RepairsWanted {
            renamed,
            versions,
            start,
        }
    }

    /// Whether there is anything to search for.
    fn any(&self) -> bool {
        self.start.is_some()
    }
}

/// Which of the `reported` documents a repair may be asked for: those with a reference
/// that leads nowhere, a `#fragment` into a document whose earlier versions are searched,
/// or an unknown term. Their rules wait for the search; the others' need not.
/// `searched` holds the documents whose earlier versions the search reads.
fn askers<'r>(
    settings: &Settings,
    index: &Index<'_>,
    reported: &HashSet<&'r str>,
    searched: &HashSet<&str>,
) -> HashSet<&'r str> {
    reported
        .par_iter()
        .copied()
        .filter(|path| {
            let broken = index.links(path).iter().any(|link| {
                matches!(link.resolution.outcome, Resolved::Missing { .. })
                    || link
                        .fragment_target(path)
                        .is_some_and(|(_, target)| searched.contains(target))
            });
            broken
                || index.document(path).is_some_and(|doc| {
                    crate::index::term_references(settings, doc)
                        .iter()
                        .any(|r| index.term(&r.slug).is_empty())
                })
        })
        .collect()
}

/// [`repairs`] for `wanted`, on `repo`.
fn repairs_of(
    repo: &Repo,
    settings: &Settings,
    options: &CheckOptions,
    index: &Index<'_>,
    wanted: RepairsWanted<'_>,
) -> (Option<Renames>, Option<HashMap<String, Vec<Document>>>) {
    let RepairsWanted {
        renamed,
        versions,
        start,
    } = wanted;
    let Some(start) = start else {
        return (None, None);
    };
    let find_renames = |repo: &Repo| {
        (!renamed.is_empty())
            .then(|| {
                repo.renames(start, &renamed, options.repair_history.renames())
                    .ok()
            })
            .flatten()
    };
    let max = settings.limits.max_file_size;
    let find_versions = |repo: &Repo| {
        (!versions.is_empty())
            .then(|| {
                repo.earlier_versions(
                    start,
                    &versions,
                    EARLIER_VERSIONS,
                    options.repair_history.headings(),
                    max,
                )
                .ok()
            })
            .flatten()
    };
    let other = if renamed.is_empty() || versions.is_empty() {
        None
    } else {
        repo.reopen().ok()
    };
    let (renames, found) = match other {
        Some(other) => std::thread::scope(|s| {
            let versions = s.spawn(move || find_versions(&other));
            let renames = find_renames(repo);
            (renames, versions.join().ok().flatten())
        }),
        None => (find_renames(repo), find_versions(repo)),
    };
    let limits = Limits {
        max_front_matter: usize::try_from(settings.limits.max_front_matter_size)
            .unwrap_or(usize::MAX),
    };
    (
        renames,
        found.map(|found| earlier_documents(&limits, index, found)),
    )
}

/// The paths that the reported documents' references lead nowhere to (and the term files
/// their unknown term slugs may have named): where history may show they went, which is
/// what `links/missing-file` and `terms/unknown` fix.
fn renamed_wanted(
    session: &Session,
    index: &Index<'_>,
    reported: &HashSet<&str>,
) -> HashSet<String> {
    let settings = &session.settings;
    let files = settings.level(crate::rules::links::missing_file::ID) != Level::Off;
    let terms = settings.level(crate::rules::terms::unknown::ID) != Level::Off;
    // Each thread gathers into a set of its own (a document of a million broken links to one
    // file holds one copy, not a million), and the sets are merged.
    reported
        .par_iter()
        .fold(HashSet::new, |mut wanted: HashSet<String>, path| {
            if files {
                for link in index.links(path) {
                    if let Resolved::Missing {
                        path,
                        route: None,
                        unstaged: false,
                    } = &link.resolution.outcome
                    {
                        if !wanted.contains(path) {
                            wanted.insert(path.clone());
                        }
                    }
                }
            }
            if let Some(doc) = index.document(path).filter(|_| terms) {
                for r in crate::index::term_references(settings, doc) {
                    if index.term(&r.slug).is_empty() {
                        wanted.extend(crate::rules::terms::unknown::renamed_term_candidates(
                            index, &r.slug,
                        ));
                    }
                }
            }
            wanted
        })
        .reduce(HashSet::new, |a, b| {
            let (mut large, small) = if a.len() < b.len() { (b, a) } else { (a, b) };
            large.extend(small);
            large
        })
}

/// The commit whose history the snapshot has: `--rev`'s, else `HEAD`; `None` before the
/// first commit or when it cannot be read (the fixes that need history are then left out).
pub(crate) fn history_start(session: &Session, options: &CheckOptions) -> Option<git2::Oid> {
    let rev = match &options.source {
        Source::Rev(rev) => Some(rev.as_str()),
        _ => None,
    };
    session.repo.start_commit(rev).ok()?
}

/// How many earlier versions of a document are searched for a heading's old id.
const EARLIER_VERSIONS: usize = 10;

/// The documents that the reported documents' `#fragment`s lead into without a match, sorted:
/// their earlier versions are what `links/missing-anchor` needs to tell a renamed heading.
fn versions_wanted<'i>(
    session: &Session,
    index: &'i Index<'_>,
    reported: &HashSet<&'i str>,
) -> Vec<&'i str> {
    if session
        .settings
        .level(crate::rules::links::missing_anchor::ID)
        == Level::Off
    {
        return Vec::new();
    }
    let wanted: HashSet<&str> = reported
        .par_iter()
        .flat_map_iter(|path| {
            index.links(path).iter().filter_map(|link| {
                let (fragment, target) = link.fragment_target(path)?;
                index
                    .anchors(target)
                    .is_some_and(|a| !a.contains(fragment) && fragment != "top")
                    .then_some(target)
            })
        })
        .collect();
    let mut wanted: Vec<&str> = wanted.into_iter().collect();
    wanted.sort_unstable();
    wanted
}

/// The earlier versions history holds of documents (newest first), parsed, without those
/// that read as the document does today.
fn earlier_documents(
    limits: &Limits,
    index: &Index<'_>,
    versions: HashMap<String, Vec<Vec<u8>>>,
) -> HashMap<String, Vec<Document>> {
    versions
        .into_iter()
        .filter_map(|(path, versions)| {
            let today = index.document(&path)?.text().as_bytes();
            let docs: Vec<Document> = versions
                .iter()
                .filter(|v| v.as_slice() != today)
                .map(|v| Document::parse_with(&path, v, limits))
                .collect();
            (!docs.is_empty()).then_some((path, docs))
        })
        .collect()
}

/// The baseline file a check uses, as named to the user and on disk.
/// The baseline, when there is one, applied to `outcome`: entries can only be judged stale
/// for what the run `looked_at`.
fn apply_baseline(
    session: &Session,
    options: &CheckOptions,
    outcome: &mut Outcome,
    looked_at: impl Fn(&str) -> bool,
) -> Result<(), Error> {
    let Some((file, path)) = baseline_location(session, options) else {
        return Ok(());
    };
    let text = crate::fs::read_regular(&path, baseline::MAX_SIZE)
        .map(|bytes| String::from_utf8_lossy(&bytes).into_owned())
        .map_err(|source| Error::Io {
            path: path.clone(),
            source,
        })?;
    let baseline = Baseline::parse(&text).map_err(|message| Error::Baseline {
        file: file.clone(),
        message,
    })?;
    outcome.baseline = Some(baseline.apply(&file, &path, outcome, looked_at));
    Ok(())
}

/// The run cache of this check and its key (see [`crate::run_cache`]), when it may have
/// one: a check of the work tree, not `--changed-since`, with caching on, settings read
/// from the repository, in a repository that is not a shallow clone (a fetch deepens its
/// history without moving `HEAD`), and no file changed within the last moments (see
/// [`Snapshot::fingerprint`]). Also the commit `HEAD` named.
fn run_key(
    session: &Session,
    options: &CheckOptions,
) -> Option<(RunCache, run_cache::Key, Option<git2::Oid>)> {
    let dir = options.history_cache.as_ref()?;
    if options.source != Source::Worktree
        || options.changed_since.is_some()
        || session.repo.is_shallow()
    {
        return None;
    }
    let config = session.config_text.as_ref()?;
    let head = session.repo.start_commit(None).ok()?;
    let fingerprint = session.snapshot.fingerprint()?;
    let as_of = options.as_of.unwrap_or_else(stale::dates::today);
    let mut material = format!(
        "docsteward check\0{}\0{:?}\0{:?}\0{:?}\0{as_of}\0{}\0{}\0{:?}\0{head:?}\0{}\0{config}\0",
        env!("DOCSTEWARD_VERSION"),
        options.cwd,
        options.config,
        options.paths,
        options.allow_shallow,
        options.refuse_shallow,
        options.repair_history,
        session.repo.root().display(),
    )
    .into_bytes();
    material.extend_from_slice(&fingerprint);
    let key = run_cache::Key::of(&material)?;
    let cache = RunCache::new(dir, &session.repo.cache_stem(), &session.repo.root());
    Some((cache, key, head))
}

/// The outcome of the run `run` stored, if what it looked at outside the snapshot is still
/// as it was and the documents it shows text of read back as they were.
fn cached_outcome(session: &Session, run: run_cache::Run) -> Option<Outcome> {
    let snapshot = &session.snapshot;
    if run
        .disk
        .iter()
        .any(|(path, answer)| snapshot.on_disk(path) != *answer)
    {
        return None;
    }
    let max_file = session.settings.limits.max_file_size;
    let sources = run
        .sources
        .par_iter()
        .map(|source| {
            // A document that was not parsed (binary, too large) shows no text.
            let text = if source.len == 0 {
                String::new()
            } else {
                match snapshot.content(&source.path, max_file).ok()? {
                    Content::Read { bytes, .. } => crate::document::decode(&bytes).0,
                    Content::TooLarge(_) => return None,
                }
            };
            (run_cache::Source::of(&source.path, &text) == *source).then(|| {
                let file = SourceFile::new(&source.path, text);
                (source.path.clone(), Arc::new(file))
            })
        })
        .collect::<Option<HashMap<_, _>>>()?;
    Some(Outcome {
        diagnostics: run.diagnostics,
        sources,
        documents: run.documents,
        baseline: None,
        notices: run.notices,
        cache_notices: Vec::new(),
    })
}

/// Keeps `outcome` (before any baseline) in the run cache under `key`, unless `HEAD` moved
/// away from `head` during the run or it asked too much of the disk; a failure is a notice.
fn save_run(
    session: &Session,
    cache: &RunCache,
    key: &run_cache::Key,
    head: Option<git2::Oid>,
    outcome: &mut Outcome,
) {
    let Some(disk) = session.snapshot.disk_answers() else {
        return;
    };
    if session.repo.start_commit(None).ok() != Some(head) {
        return;
    }
    let sources: Vec<run_cache::Source> = outcome
        .sources
        .iter()
        .map(|(path, source)| run_cache::Source::of(path, &source.text))
        .collect();
    let run = run_cache::RunRef {
        disk: &disk,
        documents: outcome.documents,
        diagnostics: &outcome.diagnostics,
        sources: &sources,
        notices: &outcome.notices,
    };
    if let Err(problem) = cache.save(key, run) {
        outcome.cache_notices.push(cache.not_written(&problem));
    }
}

fn baseline_location(session: &Session, options: &CheckOptions) -> Option<(String, PathBuf)> {
    match &options.baseline {
        BaselineChoice::Off => None,
        BaselineChoice::File(file) => Some((file.display().to_string(), options.cwd.join(file))),
        BaselineChoice::Auto => {
            // Whatever is there is used, and a symbolic link or a FIFO is refused when read
            // rather than silently taken for no baseline.
            let path = session.repo.root().join(baseline::FILE_NAME);
            std::fs::symlink_metadata(&path)
                .is_ok()
                .then(|| (baseline::FILE_NAME.to_owned(), path))
        }
    }
}

/// `--config FILE`, else the nearest `docsteward.toml` from `start` up to the root, else
/// the defaults; and the file's name and text (see [`Session::config_text`]).
fn load_settings(
    repo: &Repo,
    snapshot: &Arc<Snapshot>,
    options: &CheckOptions,
    start: &str,
) -> Result<(Settings, Option<String>), Error> {
    let read_from = |name: &str, text: &str| Some(format!("{name}\0{text}"));
    if let Some(config) = &options.config {
        let full = options.cwd.join(config);
        let text = crate::fs::read_regular(&full, crate::fs::MAX_AUXILIARY)
            .map(|bytes| String::from_utf8_lossy(&bytes).into_owned())
            .map_err(|source| Error::Io {
                path: full.clone(),
                source,
            })?;
        return match repo.relative(&options.cwd, config) {
            Ok(rel) => {
                let base = paths::parent(&rel);
                let settings = Settings::load(&text, &rel, &base, &in_snapshot(snapshot))?;
                Ok((settings, read_from(&rel, &text)))
            }
            Err(_) => {
                // A configuration kept outside the repository reads its schemas beside itself.
                let dir = full.parent().map(Path::to_path_buf).unwrap_or_default();
                let read = move |p: &str| {
                    crate::fs::inside(&dir, Path::new(p))
                        .and_then(|full| crate::fs::read_regular(&full, crate::fs::MAX_AUXILIARY))
                        .ok()
                };
                let settings = Settings::load(&text, &config.display().to_string(), "", &read)?;
                Ok((settings, None))
            }
        };
    }
    let mut dir = start.to_owned();
    loop {
        let candidate = format!("{dir}{FILE_NAME}");
        if snapshot.contains(&candidate) {
            let bytes = snapshot.read(&candidate).map_err(|source| Error::Io {
                path: candidate.clone().into(),
                source,
            })?;
            let text = String::from_utf8_lossy(&bytes);
            let settings = Settings::load(&text, &candidate, &dir, &in_snapshot(snapshot))?;
            return Ok((settings, read_from(&candidate, &text)));
        }
        if dir.is_empty() {
            return Ok((Settings::defaults(""), Some(String::new())));
        }
        dir = paths::parent(dir.trim_end_matches('/'));
    }
}

/// Reads repository-relative files from the snapshot, through its gate.
fn in_snapshot(
    snapshot: &Arc<Snapshot>,
) -> impl Fn(&str) -> Option<Vec<u8>> + Send + Sync + 'static {
    let snapshot = Arc::clone(snapshot);
    move |p: &str| snapshot.read(p).ok()
}

/// The documents that command-line paths name: a file as given (when it is a document of
/// the knowledge base, with `only_documents`), a folder's documents.
fn select(
    repo: &Repo,
    snapshot: &Snapshot,
    settings: &Settings,
    targets: &[String],
    only_documents: bool,
) -> Result<HashSet<String>, Error> {
    let mut selected = HashSet::new();
    for target in targets {
        if snapshot.contains(target) {
            if !only_documents || settings.is_document(target) {
                selected.insert(target.clone());
            }
        } else if snapshot.is_dir(target) {
            let prefix = paths::as_dir(target);
            selected.extend(
                snapshot
                    .files()
                    .iter()
                    // A folder on the command line replaces `include`: its Markdown and MDX
                    // files, less what `exclude` names.
                    .filter(|f| {
                        f.starts_with(&prefix)
                            && Syntax::of(f).is_some()
                            && !settings.is_excluded(f)
                    })
                    .cloned(),
            );
        } else {
            return Err(Error::NotInSnapshot {
                path: target.clone(),
                ignored: repo.is_ignored(target),
            });
        }
    }
    Ok(selected)
}
