//! The docsteward binary: parse arguments, run the library, map the result to an exit code
//! (0 clean, 1 findings, 2 error). A closed output pipe is not an error.

#![deny(clippy::unwrap_used, clippy::expect_used)]

use std::io::{self, IsTerminal, Write};
use std::process::ExitCode;

use std::time::{Duration, Instant};

use clap::Parser;
use docsteward::cli::Cli;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// mimalloc: see Cargo.toml for why.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let cli = Cli::parse();
    // SAFETY: no thread has been started and no repository opened yet.
    if let Err(e) = unsafe { docsteward::repo::configure_process() } {
        let _ = writeln!(io::stderr(), "error: {e}");
        return ExitCode::from(2);
    }
    let color =
        io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());
    // Not locked for the whole run: `docsteward lsp` writes to standard output from the
    // protocol's own writer thread.
    let mut stdout = io::BufWriter::new(io::stdout());
    let mut stderr = io::stderr();
    let mut progress = HistoryProgress::new();
    let result = docsteward::run(cli, &mut stdout, &mut stderr, color, &mut |n| {
        progress.update(n)
    })
    .and_then(|status| stdout.flush().map(|()| status));
    progress.finish();
    match result {
        Ok(status) => ExitCode::from(status.code()),
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(e) => {
            let _ = writeln!(stderr, "error: {e}");
            ExitCode::from(2)
        }
    }
}

/// A spinner on standard error while history is read, shown only on a terminal and only
/// once the walk has taken more than a moment.
struct HistoryProgress {
    started: Instant,
    bar: Option<ProgressBar>,
    enabled: bool,
}

impl HistoryProgress {
    fn new() -> Self {
        HistoryProgress {
            started: Instant::now(),
            bar: None,
            enabled: io::stderr().is_terminal(),
        }
    }

    fn update(&mut self, commits: usize) {
        if !self.enabled || self.started.elapsed() < Duration::from_millis(400) {
            return;
        }
        let bar = self.bar.get_or_insert_with(|| {
            let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
            bar.set_style(
                ProgressStyle::with_template("{spinner} reading history: {pos} commits")
                    .unwrap_or_else(|_| ProgressStyle::default_spinner()),
            );
            bar
        });
        bar.set_position(commits as u64);
        bar.tick();
    }

    fn finish(&mut self) {
        if let Some(bar) = self.bar.take() {
            bar.finish_and_clear();
        }
    }
}
