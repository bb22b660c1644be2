//! `--format concise`: `path:line:column: severity[rule] message`, one line per finding.

use std::io::{self, Write};

use crate::check::Outcome;

pub fn write(outcome: &Outcome, out: &mut dyn Write) -> io::Result<()> {
    for d in &outcome.diagnostics {
        let (start, _) = super::range(outcome, d);
        // One finding, one line: line breaks and other control characters are escaped.
        writeln!(
            out,
            "{}:{}:{}: {}[{}] {}",
            super::printable(&d.path),
            start.line,
            start.column,
            d.severity,
            d.rule,
            super::printable(&d.message)
        )?;
    }
    for line in super::baseline_lines(outcome)
        .into_iter()
        .chain(super::notice_lines(outcome))
    {
        writeln!(out, "{}", super::printable(&line))?;
    }
    writeln!(out, "{}", super::summary_line(outcome))
}
