//! Runs a parsed command line and decides the exit status. Output goes to the writers given.

use std::io::{self, Write};
use std::path::PathBuf;

use crate::check::{check, CheckOptions};
use crate::cli::{CheckArgs, Cli, Command};
use crate::diagnostic::Severity;
use crate::error::Error;
use crate::repo::Source;
use crate::report;
use crate::rules::{self, RULES};

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

/// Runs `cli`. `color` says whether standard output is a terminal that wants colour.
pub fn run(cli: Cli, stdout: &mut dyn Write, stderr: &mut dyn Write, color: bool) -> io::Result<ExitStatus> {
    let result = match cli.command {
        Command::Check(args) => run_check(cli.directory, cli.config, args, stdout, color)?,
        Command::Rules => {
            list_rules(stdout)?;
            Ok(ExitStatus::Clean)
        }
        Command::Rule { id } => show_rule(&id, stdout)?,
    };
    match result {
        Ok(status) => Ok(status),
        Err(error) => {
            write!(stderr, "{}", report::human::render_error(&error, color && std::env::var_os("NO_COLOR").is_none()))?;
            Ok(ExitStatus::Failure)
        }
    }
}

fn run_check(
    directory: Option<PathBuf>,
    config: Option<PathBuf>,
    args: CheckArgs,
    stdout: &mut dyn Write,
    color: bool,
) -> io::Result<Result<ExitStatus, Error>> {
    let cwd = match directory {
        Some(dir) => dir,
        None => std::env::current_dir()?,
    };
    let source = match (args.staged, args.rev) {
        (true, _) => Source::Index,
        (false, Some(rev)) => Source::Rev(rev),
        (false, None) => Source::Worktree,
    };
    let options = CheckOptions { cwd, config, paths: args.paths, source, changed_since: args.changed_since };
    let outcome = match check(&options) {
        Ok(outcome) => outcome,
        Err(e) => return Ok(Err(e)),
    };
    match &args.output {
        Some(path) => {
            let file = std::fs::File::create(path).map_err(|e| io::Error::new(e.kind(), format!("{}: {e}", path.display())))?;
            let mut file = io::BufWriter::new(file);
            report::write(args.format, &outcome, &mut file, false)?;
            file.flush()?;
        }
        None => report::write(args.format, &outcome, stdout, color)?,
    }
    let errors = outcome.count(Severity::Error);
    let warnings = outcome.count(Severity::Warning);
    Ok(Ok(if errors > 0 || (args.deny_warnings && warnings > 0) { ExitStatus::Findings } else { ExitStatus::Clean }))
}

fn list_rules(out: &mut dyn Write) -> io::Result<()> {
    let width = RULES.iter().map(|r| r.id().len()).max().unwrap_or(0);
    for rule in RULES {
        writeln!(out, "{:width$}  {:7}  {}", rule.id(), rule.default_level().as_str(), rules::summary(*rule))?;
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
            let suggestion = crate::suggest::closest(id, RULES.iter().map(|r| r.id())).map(str::to_owned);
            Ok(Err(Error::UnknownRule { id: id.to_owned(), suggestion }))
        }
    }
}

