//! Applies the fixes that rules attach to findings. Knows nothing about rules: a fix is
//! edits (byte spans and their replacements) and a safety. Every byte outside an edited span
//! is kept as it was: line endings, a byte order mark, tabs.

use std::collections::BTreeMap;
use std::io;
use std::path::Path;

use crate::check::Outcome;

use crate::diagnostic::{Diagnostic, Edit, Fix, Safety};

/// The fixes of `diagnostics` that `check --fix` would apply (`unsafe_fixes` admits the
/// unsafe ones), by path, in the order of the findings.
pub fn by_path(diagnostics: &[Diagnostic], unsafe_fixes: bool) -> BTreeMap<&str, Vec<&Fix>> {
    let mut out: BTreeMap<&str, Vec<&Fix>> = BTreeMap::new();
    for d in diagnostics {
        if let Some(fix) = d
            .fix
            .as_ref()
            .filter(|f| f.safety == Safety::Safe || unsafe_fixes)
        {
            out.entry(d.path.as_str()).or_default().push(fix);
        }
    }
    out
}

/// `text` with `fixes` applied, and how many of them were. A fix whose edits overlap an
/// earlier fix's, or fall outside the text or inside a character, is left out whole: it is
/// for the next run to judge, against the text this one writes.
pub fn apply(text: &str, fixes: &[&Fix]) -> (String, usize) {
    let mut taken: Vec<&Edit> = Vec::new();
    let mut applied = 0;
    for fix in fixes {
        let fits = fix.edits.iter().enumerate().all(|(i, e)| {
            e.span.start <= e.span.end
                && text.is_char_boundary(e.span.start)
                && text.is_char_boundary(e.span.end)
                && e.span.end <= text.len()
                && !taken
                    .iter()
                    .copied()
                    .chain(fix.edits[..i].iter())
                    .any(|t| overlaps(&t.span, &e.span))
        });
        if fits {
            taken.extend(fix.edits.iter());
            applied += 1;
        }
    }
    taken.sort_by_key(|e| (e.span.start, e.span.end));
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    for e in taken {
        out.push_str(&text[at..e.span.start]);
        out.push_str(&e.replacement);
        at = e.span.end;
    }
    out.push_str(&text[at..]);
    (out, applied)
}

/// One document's fixes, ready to write: its text before and after.
#[derive(Debug)]
pub struct Planned {
    pub path: String,
    pub before: String,
    pub after: String,
    /// How many findings the edits repair.
    pub fixed: usize,
}

/// What `check --fix` would change: for each document with fixes that change its text, the
/// text before (as the check read it) and after.
pub fn plan(outcome: &Outcome, unsafe_fixes: bool) -> Vec<Planned> {
    by_path(&outcome.diagnostics, unsafe_fixes)
        .into_iter()
        .filter_map(|(path, fixes)| {
            let source = outcome.sources.get(path)?;
            let (after, fixed) = apply(&source.text, &fixes);
            (after != source.text).then(|| Planned {
                path: path.to_owned(),
                before: source.text.clone(),
                after,
                fixed,
            })
        })
        .collect()
}

/// Writes a planned fix into the work tree at `root`, atomically and never through a
/// symbolic link; refuses when the file's bytes are no longer the text the check read (it
/// changed meanwhile, or it is not valid UTF-8, whose decoded text is not its bytes).
pub fn write(root: &Path, planned: &Planned) -> io::Result<()> {
    let full = crate::fs::inside(root, Path::new(&planned.path))?;
    let bytes = crate::fs::read_regular(&full, u64::MAX)?;
    if bytes != planned.before.as_bytes() {
        return Err(io::Error::other(
            "the file changed since it was checked (or is not UTF-8); run again",
        ));
    }
    crate::fs::write_file(&full, Some(root), 0o666, planned.after.as_bytes())
}

/// Whether two spans share a byte, or are the same insertion point (two insertions at one
/// place have no order).
fn overlaps(a: &std::ops::Range<usize>, b: &std::ops::Range<usize>) -> bool {
    (a.start < b.end && b.start < a.end) || (a.is_empty() && b.is_empty() && a.start == b.start)
}

/// A unified diff of `path` from `old` to `new` (`--- a/PATH`, `+++ b/PATH`, three lines of
/// context), as `git apply` reads it. Line endings are kept inside the lines.
pub fn unified_diff(path: &str, old: &str, new: &str) -> String {
    similar::TextDiff::from_lines(old, new)
        .unified_diff()
        .context_radius(3)
        .header(&format!("a/{path}"), &format!("b/{path}"))
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fix(span: std::ops::Range<usize>, with: &str) -> Fix {
        Fix::replace(Safety::Safe, span, with)
    }

    #[test]
    fn applies_edits_and_keeps_every_other_byte() {
        let text = "\u{feff}a [x](old.md)\r\n\tb [y](old.md#h)\r\n";
        let first = text.find("old.md").unwrap();
        let second = text.rfind("old.md").unwrap();
        let (out, n) = apply(
            text,
            &[
                &fix(first..first + 6, "new.md"),
                &fix(second..second + 6, "n.md"),
            ],
        );
        assert_eq!(n, 2);
        assert_eq!(out, "\u{feff}a [x](new.md)\r\n\tb [y](n.md#h)\r\n");
    }

    #[test]
    fn overlapping_and_out_of_range_fixes_are_left_out() {
        let text = "abcdef";
        let (out, n) = apply(
            text,
            &[
                &fix(1..3, "X"),
                &fix(2..4, "Y"),
                &fix(5..9, "Z"),
                &fix(4..4, "+"),
            ],
        );
        assert_eq!((out.as_str(), n), ("aXd+ef", 2));
        let e = "é";
        assert_eq!(apply(e, &[&fix(1..2, "x")]), (e.to_owned(), 0));
    }

    #[test]
    fn diff_names_both_sides() {
        let d = unified_diff("docs/a.md", "one\ntwo\n", "one\n2\n");
        assert!(d.starts_with("--- a/docs/a.md\n+++ b/docs/a.md\n@@ -1,2 +1,2 @@\n"));
        assert!(d.contains("-two\n+2\n"));
    }
}
