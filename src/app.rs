//! Runs a parsed command line and decides the exit status. Output goes to the writers given.

use std::io::{self, Write};

use clap::CommandFactory;
use std::path::PathBuf;

use std::path::Path;

use crate::baseline::{self, Baseline};
use crate::check::{check_with_progress, BaselineChoice, CheckOptions, RepairHistory, Session};
use crate::cli::{
    BaselineArgs, CheckArgs, Cli, Command, HookAction, InitArgs, ReviewArgs, StaleArgs,
};
use crate::config::Settings;
use crate::diagnostic::Severity;
use crate::error::Error;
use crate::fix;
use crate::hook;
use crate::init;
use crate::repo::Source;
use crate::repo::{Reach, Repo};
use crate::report;
use crate::rules::{self, RULES};
use crate::stale;

/// What the process should exit with.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExitStatus {
    /// No error-level findings (0).
    Clean,
    /// Error-level findings, or warnings under `--deny-warnings` (1).
    Findings,
    /// Usage, configuration or repository error (2).
    Failure,
}

impl ExitStatus {
    pub fn code(self) -> u8 {
        match self {
            ExitStatus::Clean => 0,
            ExitStatus::Findings => 1,
            ExitStatus::Failure => 2,
        }
    }
}

/// Runs `cli`. `color` says whether standard output is a terminal that wants colour;
/// `progress` hears how many commits a history walk has read. Meant for a process that ends
/// when it returns: `check` leaves what it built for the operating system to reclaim at exit
/// (see [`CheckOptions::last_in_process`]).
pub fn run(
    cli: Cli,
    stdout: &mut dyn Write,
    stderr: &mut dyn Write,
    color: bool,
    progress: &mut dyn FnMut(usize),
) -> io::Result<ExitStatus> {
    let result = match cli.command {
        Command::Check(args) => run_check(
            cli.directory,
            cli.config,
            args,
            stdout,
            stderr,
            color,
            progress,
        )?,
        Command::Stale(args) => {
            run_stale(cli.directory, cli.config, args, stdout, stderr, progress)?
        }
        Command::Review(args) => run_review(cli.directory, cli.config, args, stdout)?,
        Command::Baseline(args) => {
            run_baseline(cli.directory, cli.config, args, stdout, stderr, progress)?
        }
        Command::Init(args) => run_init(cli.directory, args, stdout, stderr, progress)?,
        Command::Rules => {
            list_rules(stdout)?;
            Ok(ExitStatus::Clean)
        }
        Command::Rule { id } => show_rule(&id, stdout)?,
        Command::Hook { action } => run_hook(cli.directory, action, stdout)?,
        Command::Completions { shell } => {
            // Generated into memory: clap_complete panics on a failed write (a closed pipe).
            let mut script = Vec::new();
            clap_complete::generate(shell, &mut Cli::command(), "docsteward", &mut script);
            stdout.write_all(&script)?;
            Ok(ExitStatus::Clean)
        }
        Command::Lsp => {
            let cwd = working_directory(cli.directory)?;
            crate::lsp::run_stdio(cwd, cli.config)?;
            Ok(ExitStatus::Clean)
        }
        Command::Man => {
            clap_mangen::Man::new(Cli::command()).render(stdout)?;
            Ok(ExitStatus::Clean)
        }
    };
    match result {
        Ok(status) => Ok(status),
        Err(error) => {
            write!(
                stderr,
                "{}",
                report::human::render_error(
                    &error,
                    color && std::env::var_os("NO_COLOR").is_none()
                )
            )?;
            Ok(ExitStatus::Failure)
        }
    }
}

fn run_check(
    directory: Option<PathBuf>,
    config: Option<PathBuf>,
    args: CheckArgs,
    stdout: &mut dyn Write,
    stderr: &mut dyn Write,
    color: bool,
    progress: &mut dyn FnMut(usize),
) -> io::Result<Result<ExitStatus, Error>> {
    let cwd = working_directory(directory)?;
    // Fixes are written into the work tree: a snapshot of the index or of a revision has no
    // file to write them to.
    if args.fix || args.diff {
        let snapshot = match (args.staged, &args.rev) {
            (true, _) => Some("--staged"),
            (false, Some(_)) => Some("--rev"),
            (false, None) => None,
        };
        if let Some(snapshot) = snapshot {
            return Ok(Err(Error::FixOutsideWorktree { snapshot }));
        }
    }
    let source = match (args.staged, args.rev) {
        (true, _) => Source::Index,
        (false, Some(rev)) => Source::Rev(rev),
        (false, None) => Source::Worktree,
    };
    let options = CheckOptions {
        cwd,
        config,
        paths: args.paths,
        source,
        changed_since: args.changed_since,
        as_of: as_of(args.history.as_of),
        allow_shallow: args.history.allow_shallow,
        refuse_shallow: false,
        history_cache: history_cache(&args.history.cache),
        // `--fix` checks again after each round of edits.
        last_in_process: !args.fix,
        baseline: match (args.no_baseline, args.baseline) {
            (true, _) => BaselineChoice::Off,
            (false, Some(file)) => BaselineChoice::File(file),
            (false, None) => BaselineChoice::Auto,
        },
        repair_history: if args.fix || args.diff {
            RepairHistory::Whole
        } else if args.staged {
            // The pre-commit hook: its time budget has no room for a walk.
            RepairHistory::Off
        } else {
            RepairHistory::Recent
        },
    };
    let mut outcome = match check_with_progress(&options, progress) {
        Ok(outcome) => outcome,
        Err(e) => {
            report::write_error(args.format, &e, stdout)?;
            return Ok(Err(e));
        }
    };
    write_cache_notices(&outcome.cache_notices, stderr)?;
    if args.diff {
        let planned = fix::plan(&outcome, args.unsafe_fixes);
        for p in &planned {
            write!(
                stdout,
                "{}",
                fix::unified_diff(&p.path, &p.before, &p.after)
            )?;
        }
        let fixed: usize = planned.iter().map(|p| p.fixed).sum();
        writeln!(
            stderr,
            "{fixed} finding{} in {} file{} would be fixed",
            plural(fixed),
            planned.len(),
            plural(planned.len())
        )?;
        return Ok(Ok(if planned.is_empty() {
            status(&outcome, args.deny_warnings)
        } else {
            ExitStatus::Findings
        }));
    }
    if args.fix {
        let planned = fix::plan(&outcome, args.unsafe_fixes);
        let root = match Repo::discover(&options.cwd) {
            Ok(repo) => repo.root(),
            Err(e) => return Ok(Err(e)),
        };
        let mut written = 0;
        for p in &planned {
            match fix::write(&root, p) {
                Ok(()) => {
                    written += 1;
                    writeln!(
                        stderr,
                        "fixed {} finding{} in {}",
                        p.fixed,
                        plural(p.fixed),
                        p.path
                    )?;
                }
                Err(e) => writeln!(stderr, "not fixed: {}: {e}", p.path)?,
            }
        }
        // What remains is what a fresh check of the files as written finds.
        if written > 0 {
            outcome = match check_with_progress(&options, progress) {
                Ok(outcome) => outcome,
                Err(e) => {
                    report::write_error(args.format, &e, stdout)?;
                    return Ok(Err(e));
                }
            };
            write_cache_notices(&outcome.cache_notices, stderr)?;
        }
        let left = fix::by_path(&outcome.diagnostics, true)
            .values()
            .map(Vec::len)
            .sum::<usize>();
        writeln!(
            stderr,
            "{} finding{} remain{}{}",
            outcome.diagnostics.len(),
            plural(outcome.diagnostics.len()),
            if outcome.diagnostics.len() == 1 {
                "s"
            } else {
                ""
            },
            match left {
                0 => String::new(),
                n if args.unsafe_fixes => format!(" ({n} with a fix that could not be applied)"),
                n => format!(" ({n} fixable with --unsafe-fixes)"),
            }
        )?;
    }
    if args.prune_baseline {
        if let Some(applied) = outcome.baseline.as_ref().filter(|a| !a.stale.is_empty()) {
            if let Err(e) =
                Repo::discover(&options.cwd).and_then(|repo| applied.prune(&repo.root()))
            {
                return Ok(Err(e));
            }
        }
    }
    let job_summary = job_summary_file().is_some();
    if let Err(e) = write_to(
        args.output.as_deref(),
        &options.cwd,
        stdout,
        |out, to_terminal| {
            report::write(
                args.format,
                &outcome,
                out,
                color && to_terminal,
                job_summary,
            )
        },
    )? {
        return Ok(Err(e));
    }
    append_job_summary(&outcome)?;
    let status = status(&outcome, args.deny_warnings);
    // Freeing the findings and the texts they point into need not hold up the exit, and
    // need not be done at all when the process ends next.
    if options.last_in_process {
        std::mem::forget(outcome);
    } else {
        std::thread::spawn(move || drop(outcome));
    }
    Ok(Ok(status))
}

/// 1 for error-level findings (and warnings, with `--deny-warnings`), else 0.
fn status(outcome: &crate::check::Outcome, deny_warnings: bool) -> ExitStatus {
    let errors = outcome.count(Severity::Error);
    let warnings = outcome.count(Severity::Warning);
    if errors > 0 || (deny_warnings && warnings > 0) {
        ExitStatus::Findings
    } else {
        ExitStatus::Clean
    }
}

fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

fn run_stale(
    directory: Option<PathBuf>,
    config: Option<PathBuf>,
    args: StaleArgs,
    stdout: &mut dyn Write,
    stderr: &mut dyn Write,
    progress: &mut dyn FnMut(usize),
) -> io::Result<Result<ExitStatus, Error>> {
    let options = CheckOptions {
        source: args.rev.map_or(Source::Worktree, Source::Rev),
        ..history_options(directory, config, args.paths, &args.history)?
    };
    let mut cache_notices = Vec::new();
    let report = match Session::load(&options, None).and_then(|mut session| {
        let as_of = options.as_of.unwrap_or_else(stale::dates::today);
        let days = stale::trend::days(as_of, args.months);
        let depth = stale::trend::walk_since(&days).map_or(Reach::LastChange, Reach::Since);
        let entries = session.staleness(&options, depth, progress);
        cache_notices = session.take_cache_notices();
        let entries = entries?;
        Ok(stale::report::Report::new(
            entries.into_values().collect(),
            as_of,
            stale::report::Filter {
                owners: args.owner.clone(),
                statuses: args.status.clone(),
            },
            &days,
        ))
    }) {
        Ok(report) => report,
        Err(e) => return Ok(Err(e)),
    };
    write_cache_notices(&cache_notices, stderr)?;
    if let Err(e) = write_to(args.output.as_deref(), &options.cwd, stdout, |out, _| {
        stale::report::write(args.format, &report, out)
    })? {
        return Ok(Err(e));
    }
    Ok(Ok(ExitStatus::Clean))
}

fn run_review(
    directory: Option<PathBuf>,
    config: Option<PathBuf>,
    args: ReviewArgs,
    stdout: &mut dyn Write,
) -> io::Result<Result<ExitStatus, Error>> {
    let options = CheckOptions {
        cwd: working_directory(directory)?,
        config,
        paths: args.paths,
        baseline: BaselineChoice::Off,
        ..CheckOptions::default()
    };
    let day = as_of(args.as_of).unwrap_or_else(stale::dates::today);
    let session = match Session::load(&options, None) {
        Ok(session) => session,
        Err(e) => return Ok(Err(e)),
    };
    // A file named on the command line must be a document; a folder gives its documents.
    for target in &session.targets {
        if !session.snapshot.is_dir(target) && crate::document::Syntax::of(target).is_none() {
            return Ok(Err(Error::NotReviewable {
                path: target.clone(),
                reason: "it is not a Markdown document".to_owned(),
            }));
        }
    }
    let root = session.repo.root();
    let key = &session.settings.stale.reviewed_key;
    let mut paths: Vec<&String> = session.selected.iter().collect();
    paths.sort();
    for path in paths {
        if let Err(e) = review_one(&root, path, key, day) {
            return Ok(Err(e));
        }
        writeln!(stdout, "{path}: {key} set to {day}")?;
    }
    Ok(Ok(ExitStatus::Clean))
}

/// Sets `key` to `day` in the front matter of the document at `path`, through the write gate.
fn review_one(root: &Path, path: &str, key: &str, day: jiff::civil::Date) -> Result<(), Error> {
    let full = crate::fs::inside(root, Path::new(path)).map_err(|source| Error::Io {
        path: root.join(path),
        source,
    })?;
    let bytes =
        crate::fs::read_regular(&full, crate::fs::MAX_AUXILIARY).map_err(|source| Error::Io {
            path: full.clone(),
            source,
        })?;
    let refuse = |reason: String| Error::NotReviewable {
        path: path.to_owned(),
        reason,
    };
    let text = String::from_utf8(bytes).map_err(|_| refuse("it is not UTF-8 text".to_owned()))?;
    let updated =
        stale::review::set_reviewed(&text, key, day).map_err(|r| refuse(r.to_string()))?;
    if updated != text {
        crate::fs::write_file(&full, Some(root), 0o666, updated.as_bytes())
            .map_err(|source| Error::Write { path: full, source })?;
    }
    Ok(())
}

/// Options for the commands that read history (`stale`, `baseline`): the work tree, no
/// baseline applied.
fn history_options(
    directory: Option<PathBuf>,
    config: Option<PathBuf>,
    paths: Vec<PathBuf>,
    history: &crate::cli::HistoryArgs,
) -> io::Result<CheckOptions> {
    Ok(CheckOptions {
        cwd: working_directory(directory)?,
        config,
        paths,
        as_of: as_of(history.as_of),
        allow_shallow: history.allow_shallow,
        baseline: BaselineChoice::Off,
        history_cache: history_cache(&history.cache),
        ..CheckOptions::default()
    })
}

/// The history cache's folder for this run, from `--cache-dir`, `--no-cache` and the
/// environment (see [`crate::history_cache::location`]).
fn history_cache(args: &crate::cli::CacheArgs) -> Option<PathBuf> {
    crate::history_cache::location(args.cache_dir.as_deref(), args.no_cache, |name| {
        std::env::var_os(name)
    })
}

/// Says on standard error what went wrong with the history cache: the run went on without
/// it, and its report is what it would have been.
fn write_cache_notices(notices: &[String], stderr: &mut dyn Write) -> io::Result<()> {
    for notice in notices {
        writeln!(stderr, "note: {notice}")?;
    }
    Ok(())
}

/// `--as-of`, else the day of `SOURCE_DATE_EPOCH` (the reproducible-builds convention for
/// "now"), else `None` for today.
fn as_of(explicit: Option<jiff::civil::Date>) -> Option<jiff::civil::Date> {
    explicit.or_else(|| {
        let epoch = std::env::var("SOURCE_DATE_EPOCH").ok()?;
        stale::dates::from_seconds(epoch.trim().parse().ok()?)
    })
}

fn run_baseline(
    directory: Option<PathBuf>,
    config: Option<PathBuf>,
    args: BaselineArgs,
    stdout: &mut dyn Write,
    stderr: &mut dyn Write,
    progress: &mut dyn FnMut(usize),
) -> io::Result<Result<ExitStatus, Error>> {
    // A baseline records every finding: in a shallow clone it cannot skip stale/age.
    let options = CheckOptions {
        refuse_shallow: true,
        ..history_options(directory, config, args.paths, &args.history)?
    };
    let (outcome, root) = match check_with_progress(&options, progress)
        .and_then(|outcome| Ok((outcome, Repo::discover(&options.cwd)?.root())))
    {
        Ok(found) => found,
        Err(e) => return Ok(Err(e)),
    };
    write_cache_notices(&outcome.cache_notices, stderr)?;
    let file = match &args.output {
        Some(file) => options.cwd.join(file),
        None => root.join(baseline::FILE_NAME),
    };
    let recorded = Baseline::from_outcome(&outcome);
    if let Err(source) =
        crate::fs::write_file(&file, Some(&root), 0o666, recorded.to_json().as_bytes())
    {
        return Ok(Err(Error::Write { path: file, source }));
    }
    writeln!(
        stdout,
        "Recorded {} finding{} in {}; `docsteward check` now reports only new ones.",
        recorded.findings.len(),
        if recorded.findings.len() == 1 {
            ""
        } else {
            "s"
        },
        file.display()
    )?;
    Ok(Ok(ExitStatus::Clean))
}

fn run_init(
    directory: Option<PathBuf>,
    args: InitArgs,
    stdout: &mut dyn Write,
    stderr: &mut dyn Write,
    progress: &mut dyn FnMut(usize),
) -> io::Result<Result<ExitStatus, Error>> {
    let cwd = working_directory(directory)?;
    let options = CheckOptions {
        cwd,
        baseline: BaselineChoice::Off,
        ..CheckOptions::default()
    };
    // Inference reads the documents as they are, not through a configuration it may replace.
    let session = match Session::open_with(&options, Some(Settings::defaults(""))) {
        Ok(session) => session,
        Err(e) => return Ok(Err(e)),
    };
    let inference = init::infer(&session.documents, &session.snapshot);
    let plan = init::Plan::new(&inference);
    if let Err(e) = plan.validate() {
        return Ok(Err(e));
    }
    if args.dry_run {
        for (path, text) in &plan.files {
            writeln!(stdout, "==> {path} <==\n{text}")?;
        }
        return Ok(Ok(ExitStatus::Clean));
    }
    let root = session.repo.root();
    if let Err(e) = plan.write(&root, args.force) {
        return Ok(Err(e));
    }
    for (path, _) in &plan.files {
        writeln!(stdout, "wrote {path}")?;
    }
    for t in &inference.types {
        for p in &t.properties {
            for (value, like) in &p.outliers {
                writeln!(
                    stdout,
                    "{}: `{}: {value}` looks like a typo of `{like}`; the schema leaves it out, so check reports it",
                    t.name, p.key
                )?;
            }
        }
    }
    let check_options = CheckOptions {
        cwd: root,
        baseline: BaselineChoice::Off,
        as_of: as_of(None),
        history_cache: history_cache(&args.cache),
        ..CheckOptions::default()
    };
    let outcome = match check_with_progress(&check_options, progress) {
        Ok(outcome) => outcome,
        Err(e) => return Ok(Err(e)),
    };
    write_cache_notices(&outcome.cache_notices, stderr)?;
    let mut by_rule: std::collections::BTreeMap<&str, usize> = std::collections::BTreeMap::new();
    for d in &outcome.diagnostics {
        *by_rule.entry(d.rule).or_default() += 1;
    }
    writeln!(
        stdout,
        "\n`docsteward check` with this configuration finds:"
    )?;
    if by_rule.is_empty() {
        writeln!(stdout, "  nothing")?;
    }
    for (rule, n) in &by_rule {
        writeln!(stdout, "  {n:>5}  {rule}")?;
    }
    writeln!(stdout, "{}", report::summary_line(&outcome))?;
    if let Some(d) = init::review::dominant(&outcome.diagnostics) {
        writeln!(
            stdout,
            "{} of {} findings have one shape, {}: {}\n  {}",
            d.count,
            d.total,
            d.rule,
            report::printable(&d.shape),
            d.advice
        )?;
    }
    writeln!(stdout, "Run `docsteward check` for the details, or `docsteward baseline` to accept today's findings.")?;
    Ok(Ok(ExitStatus::Clean))
}

/// `-C DIR`, else the current directory.
fn working_directory(directory: Option<PathBuf>) -> io::Result<PathBuf> {
    match directory {
        Some(dir) => Ok(dir),
        None => std::env::current_dir(),
    }
}

/// Runs `render` on `--output FILE` when given (written whole or not at all, never through
/// a symbolic link), else on standard output; `render` learns whether it writes to standard
/// output (where colour may apply). `cwd` is where the command runs: when it is in a
/// repository and the file inside it, no folder on the way to the file may be a symbolic
/// link either. Errors on standard output (a closed pipe) are the outer error.
fn write_to(
    output: Option<&Path>,
    cwd: &Path,
    stdout: &mut dyn Write,
    render: impl FnOnce(&mut dyn Write, bool) -> io::Result<()>,
) -> io::Result<Result<(), Error>> {
    let Some(path) = output else {
        return render(stdout, true).map(Ok);
    };
    let root = Repo::discover(cwd).ok().map(|repo| repo.root());
    Ok(
        crate::fs::write_atomic(path, root.as_deref(), 0o666, |out| render(out, false)).map_err(
            |source| Error::Write {
                path: path.to_owned(),
                source,
            },
        ),
    )
}

/// In GitHub Actions (`GITHUB_STEP_SUMMARY` set and not empty), appends the Markdown job
/// summary, whatever the format: annotations stop at ten per step, the summary does not. Set
/// it empty to write none (the action does, for its second, SARIF, run).
fn append_job_summary(outcome: &crate::check::Outcome) -> io::Result<()> {
    let Some(path) = job_summary_file() else {
        return Ok(());
    };
    let var = |name: &str| std::env::var(name).ok();
    let links = report::summary::Links::new(
        var("GITHUB_SERVER_URL"),
        var("GITHUB_REPOSITORY"),
        var("GITHUB_SHA"),
    );
    let file = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(&path)
        .map_err(|e| io::Error::new(e.kind(), format!("{}: {e}", Path::new(&path).display())))?;
    let mut file = io::BufWriter::new(file);
    report::summary::write(outcome, links.as_ref(), &mut file)?;
    file.flush()
}

/// `GITHUB_STEP_SUMMARY`, when set and not empty.
fn job_summary_file() -> Option<std::ffi::OsString> {
    std::env::var_os("GITHUB_STEP_SUMMARY").filter(|p| !p.is_empty())
}

fn run_hook(
    directory: Option<PathBuf>,
    action: HookAction,
    stdout: &mut dyn Write,
) -> io::Result<Result<ExitStatus, Error>> {
    let cwd = working_directory(directory)?;
    let change = match action {
        HookAction::Install { force } => hook::install(&cwd, force),
        HookAction::Uninstall => hook::uninstall(&cwd),
    };
    match change {
        Ok(change) => {
            match change {
                hook::Change::Installed(path) => writeln!(
                    stdout,
                    "Installed the pre-commit hook at {}.",
                    path.display()
                )?,
                hook::Change::Replaced(path) => writeln!(
                    stdout,
                    "Replaced the pre-commit hook at {}.",
                    path.display()
                )?,
                hook::Change::Removed(path) => {
                    writeln!(stdout, "Removed the pre-commit hook at {}.", path.display())?
                }
                hook::Change::Absent(path) => writeln!(
                    stdout,
                    "No pre-commit hook at {}; nothing to remove.",
                    path.display()
                )?,
            }
            Ok(Ok(ExitStatus::Clean))
        }
        Err(e) => Ok(Err(e)),
    }
}

fn list_rules(out: &mut dyn Write) -> io::Result<()> {
    let width = RULES.iter().map(|r| r.id().len()).max().unwrap_or(0);
    for rule in RULES {
        writeln!(
            out,
            "{:width$}  {:7}  {}",
            rule.id(),
            rule.default_level().as_str(),
            rules::summary(*rule)
        )?;
    }
    Ok(())
}

fn show_rule(id: &str, out: &mut dyn Write) -> io::Result<Result<ExitStatus, Error>> {
    match rules::find(id) {
        Some(rule) => {
            out.write_all(rule.meta().doc.as_bytes())?;
            Ok(Ok(ExitStatus::Clean))
        }
        None => {
            let suggestion =
                crate::suggest::closest(id, RULES.iter().map(|r| r.id())).map(str::to_owned);
            Ok(Err(Error::UnknownRule {
                id: id.to_owned(),
                suggestion,
            }))
        }
    }
}
