//! The command line, as clap derives it.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

use crate::report::Format;
use crate::stale::report::StaleFormat;

#[derive(Debug, Parser)]
#[command(
    name = "docsteward",
    // The package version and, when built from git, the commit (see build.rs).
    version = env!("DOCSTEWARD_VERSION"),
    about = "Lint a Markdown knowledge base against what git actually has."
)]
pub struct Cli {
    /// Run as if started in DIR.
    #[arg(short = 'C', value_name = "DIR", global = true)]
    pub directory: Option<PathBuf>,
    /// Use this configuration file instead of the nearest docsteward.toml.
    #[arg(long, value_name = "FILE", global = true)]
    pub config: Option<PathBuf>,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check documents: front matter, references, and more.
    Check(CheckArgs),
    /// Infer docsteward.toml and a JSON Schema per content type from the documents.
    Init(InitArgs),
    /// Record today's findings in `.docsteward-baseline.json`, so that checks report only new
    /// ones.
    Baseline(BaselineArgs),
    /// Report how stale each document is, from git history.
    Stale(StaleArgs),
    /// Record that documents were reviewed: set the review-date key (`[stale] reviewed-key`)
    /// in their front matter to today, changing nothing else.
    Review(ReviewArgs),
    /// List every rule with its default level and summary.
    Rules,
    /// Show a rule's documentation.
    Rule {
        /// The rule id, for example frontmatter/schema.
        id: String,
    },
    /// Install or remove a git pre-commit hook that runs `check --staged`.
    Hook {
        #[command(subcommand)]
        action: HookAction,
    },
    /// Print a completion script for a shell, e.g. `docsteward completions bash`.
    Completions {
        /// The shell to complete in.
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the manual page (roff), e.g. `docsteward man > docsteward.1`.
    Man,
    /// Serve the Language Server Protocol on standard input and output, for editors:
    /// diagnostics as you type, quick fixes, completion, hover, definition, references and
    /// rename.
    Lsp,
}

#[derive(Debug, Subcommand)]
pub enum HookAction {
    /// Write the pre-commit hook (into core.hooksPath when set).
    Install {
        /// Replace an existing pre-commit hook that docsteward did not write.
        #[arg(long)]
        force: bool,
    },
    /// Remove the pre-commit hook, if docsteward wrote it.
    Uninstall,
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Files or folders to report on (default: every document the configuration includes).
    pub paths: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
    /// Write the report to FILE instead of standard output.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Exit with 1 when there are warnings, not only errors.
    #[arg(long)]
    pub deny_warnings: bool,
    /// Check the staged index instead of the work tree (for pre-commit hooks). Reports on
    /// documents the commit would change, unless paths are given.
    #[arg(long, conflicts_with = "rev")]
    pub staged: bool,
    /// Check a revision's tree (works in a bare repository).
    #[arg(long, value_name = "REV")]
    pub rev: Option<String>,
    /// Report only on documents changed since the merge base with BASE, plus unchanged
    /// documents whose references the change broke.
    #[arg(long, value_name = "BASE")]
    pub changed_since: Option<String>,
    #[command(flatten)]
    pub history: HistoryArgs,
    /// Absorb the findings recorded in FILE instead of `.docsteward-baseline.json`.
    #[arg(long, value_name = "FILE", conflicts_with = "no_baseline")]
    pub baseline: Option<PathBuf>,
    /// Ignore any baseline: report every finding.
    #[arg(long)]
    pub no_baseline: bool,
    /// Rewrite the baseline without the entries that no longer match anything.
    #[arg(long, conflicts_with = "no_baseline")]
    pub prune_baseline: bool,
    /// Apply the safe fixes to the work tree, then report what remains.
    #[arg(long, conflicts_with = "diff")]
    pub fix: bool,
    /// Print the fixes as a unified diff instead of writing them (exit 1 when there are any).
    #[arg(long)]
    pub diff: bool,
    /// With --fix or --diff, also apply the unsafe fixes ("did you mean" with one candidate).
    #[arg(long)]
    pub unsafe_fixes: bool,
}

#[derive(Debug, Args)]
pub struct BaselineArgs {
    /// Files or folders to record (default: every document).
    pub paths: Vec<PathBuf>,
    /// Write the baseline to FILE instead of `.docsteward-baseline.json` at the root.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,
    #[command(flatten)]
    pub history: HistoryArgs,
}

#[derive(Debug, Args)]
pub struct InitArgs {
    /// Print what would be written instead of writing it.
    #[arg(long)]
    pub dry_run: bool,
    /// Overwrite docsteward.toml and schema files that already exist.
    #[arg(long)]
    pub force: bool,
    #[command(flatten)]
    pub cache: CacheArgs,
}

/// Where the history walk keeps what it found, for the next run to read only new commits.
#[derive(Debug, Default, Args)]
pub struct CacheArgs {
    /// Keep the history cache in DIR (default: $DOCSTEWARD_CACHE_DIR, else
    /// $XDG_CACHE_HOME/docsteward, else ~/.cache/docsteward).
    #[arg(long, value_name = "DIR")]
    pub cache_dir: Option<PathBuf>,
    /// Neither read nor write the history cache: walk the whole history.
    #[arg(long, conflicts_with = "cache_dir")]
    pub no_cache: bool,
}

/// Options for judging documents' age from history.
#[derive(Debug, Args)]
pub struct HistoryArgs {
    /// Judge staleness as of this day (YYYY-MM-DD) instead of today.
    #[arg(long, value_name = "DATE", value_parser = parse_date)]
    pub as_of: Option<jiff::civil::Date>,
    /// On a shallow clone, report ages at the clone's edge as "at least N days" instead of
    /// refusing.
    #[arg(long)]
    pub allow_shallow: bool,
    #[command(flatten)]
    pub cache: CacheArgs,
}

#[derive(Debug, Args)]
pub struct StaleArgs {
    /// Files or folders to report on (default: every document).
    pub paths: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = StaleFormat::Table)]
    pub format: StaleFormat,
    /// Write the report to FILE instead of standard output.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Judge a revision's history instead of HEAD's.
    #[arg(long, value_name = "REV")]
    pub rev: Option<String>,
    /// Only documents NAME owns: the whole owner, or one of a CODEOWNERS line's owners
    /// (letter case and a leading `@` ignored; `(none)` for documents without an owner).
    /// Repeat it or separate names with commas.
    #[arg(long, value_name = "NAME", value_delimiter = ',')]
    pub owner: Vec<String>,
    /// Only documents with one of these statuses (for example `stale,due`).
    #[arg(long, value_name = "STATUS", value_delimiter = ',', value_enum)]
    pub status: Vec<crate::stale::Status>,
    /// How many months the freshness series covers: the end of each month before this one,
    /// then the report's day (0: no series, and history is read only to each document's
    /// last change). At most 600.
    #[arg(long, value_name = "N", default_value_t = crate::stale::trend::DEFAULT_MONTHS,
          value_parser = clap::value_parser!(u32).range(0..=600))]
    pub months: u32,
    #[command(flatten)]
    pub history: HistoryArgs,
}

#[derive(Debug, Args)]
pub struct ReviewArgs {
    /// Documents, or folders of documents, to mark as reviewed.
    #[arg(required = true)]
    pub paths: Vec<PathBuf>,
    /// Record this day (YYYY-MM-DD) instead of today.
    #[arg(long, value_name = "DATE", value_parser = parse_date)]
    pub as_of: Option<jiff::civil::Date>,
}

fn parse_date(s: &str) -> Result<jiff::civil::Date, String> {
    crate::stale::dates::parse(s).ok_or_else(|| format!("`{s}` is not a date; write YYYY-MM-DD"))
}
