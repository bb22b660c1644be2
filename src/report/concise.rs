//! `--format concise`: `path:line:column: severity[rule] message`, one line per finding.

use std::io::{self, Write};

use crate::check::Outcome;

pub fn write(outcome: &Outcome, out: &mut dyn Write) -> io::Result<()> {
    for d in &outcome.diagnostics {
        let (start, _) = super::range(outcome, d);
        // A message never spans lines here: one finding, one line.
        let message = d.message.replace(['\n', '\r'], " ");
        writeln!(
            out,
            "{}:{}:{}: {}[{}] {}",
            d.path, start.line, start.column, d.severity, d.rule, message
        )?;
    }
    writeln!(out, "{}", super::summary_line(outcome))
}
