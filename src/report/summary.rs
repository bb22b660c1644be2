//! The Markdown job summary for GitHub Actions (appended to `$GITHUB_STEP_SUMMARY`): counts by
//! rule and a table of every finding, each linking to its line on GitHub. Annotations stop at
//! ten errors and ten warnings per step; the summary does not.
//!
//! Messages quote documents, front matter and file names, so every cell is escaped: nothing
//! from a repository can end a cell, start a row, open a code span or write HTML.

use std::collections::BTreeMap;
use std::io::{self, Write};

use crate::check::Outcome;

/// Where findings can be seen on GitHub: `SERVER/REPOSITORY/blob/SHA/PATH#LLINE`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Links {
    pub server: String,
    pub repository: String,
    pub sha: String,
}

impl Links {
    /// From the values of `GITHUB_SERVER_URL`, `GITHUB_REPOSITORY` and `GITHUB_SHA`; `None`
    /// unless the repository and the commit are known.
    pub fn new(
        server: Option<String>,
        repository: Option<String>,
        sha: Option<String>,
    ) -> Option<Links> {
        let known = |v: Option<String>| v.filter(|v| !v.is_empty());
        let server = known(server).unwrap_or_else(|| "https://github.com".to_owned());
        Some(Links {
            server: server.trim_end_matches('/').to_owned(),
            repository: known(repository)?,
            sha: known(sha)?,
        })
    }

    fn url(&self, path: &str, line: usize) -> String {
        format!(
            "{}/{}/blob/{}/{}#L{line}",
            self.server,
            super::uri_path(&self.repository),
            super::uri_path(&self.sha),
            super::uri_path(path)
        )
    }
}

pub fn write(outcome: &Outcome, links: Option<&Links>, out: &mut dyn Write) -> io::Result<()> {
    writeln!(out, "## docsteward\n")?;
    writeln!(out, "{}\n", super::summary_line(outcome))?;
    for line in super::notice_lines(outcome) {
        writeln!(out, "> {}\n", cell(&line))?;
    }
    if outcome.diagnostics.is_empty() {
        return Ok(());
    }
    let mut by_rule: BTreeMap<&str, usize> = BTreeMap::new();
    for d in &outcome.diagnostics {
        *by_rule.entry(d.rule).or_default() += 1;
    }
    writeln!(out, "| Rule | Findings |\n| --- | ---: |")?;
    for (rule, n) in by_rule {
        writeln!(out, "| {} | {n} |", cell(rule))?;
    }
    writeln!(
        out,
        "\n| Location | Severity | Rule | Message |\n| --- | --- | --- | --- |"
    )?;
    for d in &outcome.diagnostics {
        let (start, _) = super::range(outcome, d);
        let text = cell(&format!("{}:{}", d.path, start.line));
        let location = match links {
            Some(links) => format!("[{text}]({})", links.url(&d.path, start.line)),
            None => text,
        };
        let mut message = cell(&d.message);
        if let Some(help) = super::help(d) {
            message.push_str("<br>help: ");
            message.push_str(&cell(&help));
        }
        writeln!(
            out,
            "| {location} | {} | {} | {message} |",
            d.severity,
            cell(d.rule)
        )?;
    }
    writeln!(out)
}

/// Text made safe for a table cell. Characters that Markdown or HTML would read become
/// character references (inline parsing turns them back into the characters, after the
/// row has been split into cells); line breaks become `<br>`, the one tag we write.
fn cell(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '|' | '`' | '\\' | '[' | ']' | '*' | '_' | '~' | '!' => {
                out.push_str(&format!("&#{};", u32::from(c)))
            }
            '\r' if chars.peek() == Some(&'\n') => {}
            '\r' | '\n' => out.push_str("<br>"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_cannot_break_the_table_or_write_html() {
        assert_eq!(
            cell("a|b\r\n<img src=x>`c`"),
            "a&#124;b<br>&lt;img src=x&gt;&#96;c&#96;"
        );
    }

    #[test]
    fn links_need_repository_and_commit() {
        assert_eq!(Links::new(None, Some("o/r".into()), None), None);
        let links = Links::new(None, Some("o/r".into()), Some("abc".into())).unwrap();
        assert_eq!(
            links.url("docs/a b.md", 3),
            "https://github.com/o/r/blob/abc/docs/a%20b.md#L3"
        );
    }
}
