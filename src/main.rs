//! The docsteward binary: parse arguments, run the library, map the result to an exit code
//! (0 clean, 1 findings, 2 error). A closed output pipe is not an error.

use std::io::{self, IsTerminal, Write};
use std::process::ExitCode;

use clap::Parser;
use docsteward::cli::Cli;

fn main() -> ExitCode {
    let cli = Cli::parse();
    let color = io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());
    let stdout = io::stdout();
    let mut stdout = io::BufWriter::new(stdout.lock());
    let mut stderr = io::stderr();
    let result = docsteward::run(cli, &mut stdout, &mut stderr, color).and_then(|status| stdout.flush().map(|()| status));
    match result {
        Ok(status) => ExitCode::from(status.code()),
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(e) => {
            let _ = writeln!(stderr, "error: {e}");
            ExitCode::from(2)
        }
    }
}
