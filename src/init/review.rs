//! `init` reviews what its own configuration finds: when one rule and one message shape
//! account for most findings, that is more often a configuration that does not fit the
//! repository than a repository that is mostly broken, and `init` says which, and what to
//! change, rather than leaving a wall of findings.

use std::collections::HashMap;

use crate::diagnostic::Diagnostic;

/// One rule behind most findings, and its most common message shape.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dominant {
    pub rule: &'static str,
    /// The message with its quoted values and numbers written `…`.
    pub shape: String,
    pub count: usize,
    pub total: usize,
    /// What it likely means and what to change.
    pub advice: String,
}

/// Findings below this many are read one by one, not as a pattern.
const MIN_FINDINGS: usize = 10;

/// The shape behind more than half of `diagnostics`, if there is one.
pub fn dominant(diagnostics: &[Diagnostic]) -> Option<Dominant> {
    if diagnostics.len() < MIN_FINDINGS {
        return None;
    }
    // By rule first: one rule's messages may differ in unquoted parts (an author, a date).
    let mut by_rule: HashMap<&'static str, usize> = HashMap::new();
    for d in diagnostics {
        *by_rule.entry(d.rule).or_default() += 1;
    }
    let (rule, count) = by_rule
        .into_iter()
        .max_by(|a, b| a.1.cmp(&b.1).then_with(|| b.0.cmp(a.0)))?;
    if count * 2 <= diagnostics.len() {
        return None;
    }
    // Its most common shape stands for it.
    let mut shapes: HashMap<String, usize> = HashMap::new();
    for d in diagnostics.iter().filter(|d| d.rule == rule) {
        *shapes.entry(shape(&d.message)).or_default() += 1;
    }
    let (shape, _) = shapes
        .into_iter()
        .max_by(|a, b| a.1.cmp(&b.1).then_with(|| b.0.cmp(&a.0)))?;
    Some(Dominant {
        rule,
        advice: advice(rule),
        shape,
        count,
        total: diagnostics.len(),
    })
}

/// `message` with every `` `quoted` `` value and every number replaced by `…`.
fn shape(message: &str) -> String {
    let mut out = String::with_capacity(message.len());
    let mut quoted = false;
    let mut in_number = false;
    for c in message.chars() {
        if c == '`' {
            if !quoted {
                out.push_str("`…`");
            }
            quoted = !quoted;
            continue;
        }
        if quoted {
            continue;
        }
        if c.is_ascii_digit() {
            if !in_number {
                out.push('…');
            }
            in_number = true;
            continue;
        }
        in_number = false;
        out.push(c);
    }
    out
}

/// What a rule dominating the findings usually means, and why init leaves it as it is.
fn advice(rule: &str) -> String {
    match rule {
        "stale/age" => "not adjusted: most documents are older than their threshold. If that is your review cycle, raise `[stale] default-after` (or `stale-after` per content type); if the documents carry review dates or cycles under other keys, name them in `[stale] reviewed-key` / `review-interval-key`; otherwise these are what stale/age exists to report".to_owned(),
        "links/missing-file" => "not adjusted: links that lead nowhere are usually site URLs. Set `[site] generator` if a site generator publishes the repository, list other sites on the same host in `[links] external`, or map URLs with `[[links.routes]]`".to_owned(),
        "links/missing-anchor" => "not adjusted: fragments that match no heading are usually heading ids made by another renderer. Set `[site] generator` so ids are made the way the site makes them".to_owned(),
        "terms/unknown" => "not adjusted: init proposed term keys only from values that resolve; check `[terms] defined-by`".to_owned(),
        "frontmatter/schema" => "not adjusted: the schemas admit every value init saw, so these documents differ from the ones it learned from; read a few with `docsteward check`".to_owned(),
        _ => "not adjusted: read a few with `docsteward check` before accepting them with `docsteward baseline`".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(rule: &'static str, message: &str) -> Diagnostic {
        Diagnostic::new(rule, "a.md", 0..1, message)
    }

    #[test]
    fn one_shape_behind_most_findings_is_named() {
        let mut all: Vec<Diagnostic> = (0..8)
            .map(|n| {
                d(
                    "links/missing-file",
                    &format!("link target `/dotnet/api/{n}` does not exist"),
                )
            })
            .collect();
        all.push(d("stale/age", "last changed 400 days ago"));
        all.push(d("images/missing-alt", "image `a.png` has no alt text"));
        all.push(d(
            "links/missing-file",
            "link `x` leads to `/y/`, where the hugo site publishes nothing",
        ));
        let found = dominant(&all).unwrap();
        assert_eq!(found.rule, "links/missing-file");
        assert_eq!(found.shape, "link target `…` does not exist");
        assert_eq!((found.count, found.total), (9, 11));
        assert!(
            found.advice.contains("[links] external"),
            "{}",
            found.advice
        );
    }

    #[test]
    fn a_rule_whose_messages_differ_in_unquoted_parts_still_dominates() {
        let all: Vec<Diagnostic> = (0..12)
            .map(|n| {
                d(
                    "stale/age",
                    &format!(
                        "last change abc{n} by Person {n}; reviewed 2020-01-0{}",
                        n % 9
                    ),
                )
            })
            .collect();
        let found = dominant(&all).unwrap();
        assert_eq!(found.rule, "stale/age");
        assert_eq!(found.count, 12);
        assert!(found.advice.contains("default-after"), "{}", found.advice);
    }

    #[test]
    fn no_shape_is_named_when_none_has_a_majority_or_findings_are_few() {
        let mixed: Vec<Diagnostic> = (0..12)
            .map(|n| {
                d(
                    if n % 2 == 0 {
                        "stale/age"
                    } else {
                        "terms/unknown"
                    },
                    "x",
                )
            })
            .collect();
        assert_eq!(dominant(&mixed), None);
        let few: Vec<Diagnostic> = (0..5).map(|_| d("stale/age", "x")).collect();
        assert_eq!(dominant(&few), None);
        assert_eq!(
            shape("age 400 days, `a` and `b`"),
            "age … days, `…` and `…`"
        );
    }
}
