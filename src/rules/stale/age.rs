//! `stale/age`: a document whose content has gone unchanged and unreviewed for longer than
//! its threshold, judged from git history (see `crate::stale`).

use crate::config::Level;
use crate::diagnostic::{Diagnostic, Severity};
use crate::document::Document;
use crate::rules::{Context, Meta, Rule};
use crate::sink::Findings;
use crate::stale::Status;

pub const ID: &str = "stale/age";

pub struct Age;

static META: Meta = Meta {
    id: ID,
    default: Level::On(Severity::Warning),
    doc: include_str!("../../../rules/stale/age.md"),
};

impl Rule for Age {
    fn meta(&self) -> &'static Meta {
        &META
    }

    fn check(&self, cx: &Context<'_>, doc: &Document, out: &mut Findings<'_>) {
        let Some(entry) = cx.staleness.and_then(|s| s.get(doc.path())) else {
            return;
        };
        for problem in &entry.problems {
            out.push(Diagnostic::new(
                ID,
                doc.path(),
                problem.span.clone(),
                problem.message.clone(),
            ));
        }
        if entry.status != Status::Stale {
            return;
        }
        let at_least = if entry.at_least { "at least " } else { "" };
        let mut message = format!(
            "not changed or reviewed for {at_least}{} days (threshold {} days)",
            entry.age_days, entry.threshold_days
        );
        if let (Some(c), Some(date)) = (&entry.last_change, entry.last_change_date) {
            let short = c.commit.to_string();
            message.push_str(&format!(
                "; last change {} on {date} by {}",
                &short[..short.len().min(7)],
                c.author
            ));
        }
        if let Some(reviewed) = entry.reviewed {
            message.push_str(&format!("; reviewed {reviewed}"));
        }
        let first_line = 0..doc.text().find(['\n', '\r']).unwrap_or(doc.text().len());
        // The date written the way the document already writes it: a schema may require it.
        let key = &cx.settings.stale.reviewed_key;
        let us_style = doc
            .data()
            .and_then(|d| d.get(key))
            .and_then(|e| e.value.as_str())
            .is_some_and(|v| v.contains('/'));
        let form = if us_style { "MM/DD/YYYY" } else { "YYYY-MM-DD" };
        out.push(Diagnostic::new(ID, doc.path(), first_line, message).with_help(format!(
            "review it: update the content, or once it is confirmed current set `{key}: {form}` (that day) in its front matter"
        )));
    }
}
