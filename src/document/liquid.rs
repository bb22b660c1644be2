//! Links written in Jekyll's Liquid, which Markdown does not see (or sees as a path named
//! `{{ site.baseurl }}`): the tags `{% link path %}` and `{% post_url name %}`
//! (<https://jekyllrb.com/docs/liquid/tags/#links>), and `{{ site.baseurl }}/path` or
//! `{{ 'path' | relative_url }}` written as a link's destination
//! (<https://jekyllrb.com/docs/liquid/filters/>). They become references of kind
//! [`RefKind::Liquid`]; whether they are checked, and how they resolve, is the site model's
//! business.
//!
//! Jekyll renders Liquid before it reads the Markdown, so a tag in a code block is rendered
//! too (and a missing target fails the build there as well); only `{% raw %}` and
//! `{% comment %}` keep a tag as written.

use std::collections::HashSet;
use std::ops::Range;

use super::markdown::{Markdown, RefKind, Reference};

/// Adds the body's (from `body_start`) Liquid links to `md`'s references. A reference the
/// Markdown parser found whose destination is a Liquid expression is one of them.
pub fn scan(text: &str, body_start: usize, md: &mut Markdown) {
    let mut found = Vec::new();
    let body = &text[body_start..];
    if !body.contains("{%") && !body.contains("{{") {
        return;
    }
    let skipped = verbatim(text, body_start);
    let mut pos = body_start;
    while let Some(i) = text[pos..].find("{%") {
        let start = pos + i;
        // The regions are in order and apart: the last one starting at or before `start`.
        let before = skipped.partition_point(|r| r.start <= start);
        if let Some(r) = before.checked_sub(1).map(|i| &skipped[i]) {
            if r.contains(&start) {
                pos = r.end;
                continue;
            }
        }
        // No `%}` after this `{%`: none after any later one either.
        let Some((name, arg, end)) = tag(text, start) else {
            break;
        };
        pos = end;
        if matches!(name, "link" | "post_url") && !arg.is_empty() && !arg.contains("{{") {
            let end = end + fragment_len(&text[end..]);
            found.push(Reference {
                kind: RefKind::Liquid,
                target: text[start..end].to_owned(),
                span: start..end,
            });
        }
    }
    // `[a]({{ site.baseurl }}/b.md)`: the space keeps it from being a Markdown link.
    let code = if body.contains("]({{") {
        code_lines(text, body_start)
    } else {
        Vec::new()
    };
    let parsed: HashSet<usize> = md.references.iter().map(|r| r.span.start).collect();
    let mut ticks = Backticks::new(body_start);
    let mut pos = body_start;
    while let Some(i) = text[pos..].find("]({{") {
        let start = pos + i + 2;
        pos = start;
        let in_block = code
            .get(code.partition_point(|r| r.start <= start).wrapping_sub(1))
            .is_some_and(|r| r.contains(&start));
        if ticks.odd_before(text, start) || in_block {
            continue;
        }
        let Some(close) = text[start..].find("}}") else {
            break;
        };
        let mut end = start + close + 2;
        end += text[end..]
            .find(|c: char| c.is_whitespace() || c == ')')
            .unwrap_or(text.len() - end);
        if parsed.contains(&start) {
            continue;
        }
        found.push(Reference {
            kind: RefKind::Liquid,
            target: text[start..end].to_owned(),
            span: start..end,
        });
    }
    for r in &mut md.references {
        if r.target.trim_start().starts_with("{{") && !r.kind.is_generator_syntax() {
            r.kind = RefKind::Liquid;
        }
    }
    if !found.is_empty() {
        md.references.extend(found);
        md.references.sort_by_key(|r| r.span.start);
    }
}

/// The tag opening at `start` (`{%` or `{%-`): its name, its argument (trimmed) and where
/// it ends.
fn tag(text: &str, start: usize) -> Option<(&str, &str, usize)> {
    let close = text.get(start + 2..)?.find("%}")? + start + 2;
    let inner = text[start + 2..close].trim_start_matches('-');
    let inner = inner.strip_suffix('-').unwrap_or(inner).trim();
    let (name, arg) = inner.split_once(char::is_whitespace).unwrap_or((inner, ""));
    Some((name, arg.trim(), close + 2))
}

/// The regions Liquid leaves as written: `{% raw %}...{% endraw %}` and
/// `{% comment %}...{% endcomment %}`, each from its opening tag to its closing one.
fn verbatim(text: &str, from: usize) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let mut pos = from;
    while let Some(i) = text[pos..].find("{%") {
        let start = pos + i;
        let Some((name, _, end)) = tag(text, start) else {
            break;
        };
        pos = end;
        let closer = match name {
            "raw" => "endraw",
            "comment" => "endcomment",
            _ => continue,
        };
        let mut at = end;
        let mut stop = text.len();
        while let Some(j) = text[at..].find("{%") {
            let s = at + j;
            match tag(text, s) {
                Some((n, _, e)) if n == closer => {
                    stop = e;
                    break;
                }
                Some((_, _, e)) => at = e,
                None => break,
            }
        }
        out.push(start..stop);
        pos = stop;
    }
    out
}

/// The length of a `#fragment` written right after a tag: `{% link a.md %}#usage`.
fn fragment_len(rest: &str) -> usize {
    if !rest.starts_with('#') {
        return 0;
    }
    rest.find(|c: char| c.is_whitespace() || matches!(c, ')' | '"' | '\'' | '>' | ']'))
        .unwrap_or(rest.len())
}

/// The byte ranges of fenced code blocks (``` or ~~~), which hold no links.
fn code_lines(text: &str, from: usize) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let mut open: Option<(usize, char, usize)> = None;
    let mut at = from;
    for line in text[from..].split_inclusive('\n') {
        let trimmed = line.trim_start();
        let fence = trimmed
            .chars()
            .next()
            .filter(|c| matches!(c, '`' | '~'))
            .map(|c| (c, trimmed.chars().take_while(|&x| x == c).count()))
            .filter(|&(_, n)| n >= 3);
        match (open, fence) {
            (None, Some((c, n))) => open = Some((at, c, n)),
            (Some((s, c, n)), Some((c2, n2))) if c == c2 && n2 >= n => {
                out.push(s..at + line.len());
                open = None;
            }
            _ => {}
        }
        at += line.len();
    }
    if let Some((s, _, _)) = open {
        out.push(s..text.len());
    }
    out
}

/// Counts backticks on the current line as a scan moves forward through the text, so that
/// asking at each of many places on one long line stays linear.
struct Backticks {
    at: usize,
    count: usize,
}

impl Backticks {
    fn new(from: usize) -> Backticks {
        Backticks { at: from, count: 0 }
    }

    /// Whether `to` (at or after the last place asked) is inside a code span on its line:
    /// an odd number of backticks before it.
    fn odd_before(&mut self, text: &str, to: usize) -> bool {
        let gap = &text[self.at..to];
        match gap.rfind('\n') {
            Some(nl) => self.count = gap[nl + 1..].matches('`').count(),
            None => self.count += gap.matches('`').count(),
        }
        self.at = to;
        self.count % 2 == 1
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::markdown;

    fn refs(text: &str) -> Vec<(RefKind, String)> {
        let mut md = markdown::parse(text, 0);
        scan(text, 0, &mut md);
        md.references
            .iter()
            .map(|r| {
                assert_eq!(&text[r.span.clone()], r.target);
                (r.kind, r.target.clone())
            })
            .collect()
    }

    #[test]
    fn link_and_post_url_tags_outside_raw_and_comments() {
        let text = "[a]({% link docs/a.md %}#usage) {%- post_url 2020-01-02-hi -%}\n\n```\n{% link in-code.md %}\n```\n\n{% raw %}{% link raw.md %}{% endraw %} {% comment %}{% post_url x %}{% endcomment %} {% include x.html %} {% link {{ page.x }} %}\n";
        assert_eq!(
            refs(text),
            [
                (RefKind::Liquid, "{% link docs/a.md %}#usage".to_owned()),
                (RefKind::Liquid, "{%- post_url 2020-01-02-hi -%}".to_owned()),
                (RefKind::Liquid, "{% link in-code.md %}".to_owned()),
            ]
        );
    }

    #[test]
    fn baseurl_and_relative_url_as_link_destinations() {
        let text = "[a]({{ site.baseurl }}/b.html#x) [c]({{site.baseurl}}/d/) [e]({{ '/f.png' | relative_url }} \"t\") <a href=\"{{ site.baseurl }}/g/\">g</a>\n\n`[h]({{ site.baseurl }}/h/)`\n\n~~~\n[i]({{ site.baseurl }}/i/)\n~~~\n";
        assert_eq!(
            refs(text),
            [
                (RefKind::Liquid, "{{ site.baseurl }}/b.html#x".to_owned()),
                (RefKind::Liquid, "{{site.baseurl}}/d/".to_owned()),
                (RefKind::Liquid, "{{ '/f.png' | relative_url }}".to_owned()),
                (RefKind::Liquid, "{{ site.baseurl }}/g/".to_owned()),
            ]
        );
    }

    #[test]
    fn unclosed_tags_and_regions_end_quietly() {
        assert!(refs("{% link a.md").is_empty());
        assert!(refs("{%}").is_empty());
        assert!(refs("{% raw %}{% link a.md %}").is_empty());
        assert!(refs("[a]({{ site.baseurl").is_empty());
    }

    /// Many openers without closers, or many destinations on one line, are read in one pass
    /// (a scan per opener would take minutes here).
    #[test]
    fn hostile_input_stays_linear() {
        let mut md = Markdown::default();
        let text = "{%".repeat(200_000) + &"]({{".repeat(200_000);
        scan(&text, 0, &mut md);
        let text = "{% raw %}".repeat(50_000) + &"`]({{ a }}` ".repeat(100_000);
        scan(&text, 0, &mut md);
        assert!(md.references.is_empty());
    }
}
