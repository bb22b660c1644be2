//! Links written as a site generator's shortcodes, which Markdown does not see: Hugo's
//! `{{< ref "path#anchor" >}}` and `{{< relref path="path" >}}`, in both the `{{< >}}` and
//! the `{{% %}}` forms (<https://gohugo.io/shortcodes/ref/>). Whether they are checked, and
//! how they resolve, is the site model's business; outside code they are references of kind
//! [`RefKind::Shortcode`].

use std::ops::Range;

use super::markdown::{Markdown, RefKind, Reference};

/// Adds the `ref`/`relref` shortcodes of the body (from `body_start`) to `md`'s references,
/// code spans and blocks included: Hugo runs shortcodes before it reads the Markdown, so
/// only the escaped form `{{</* ref */>}}` is shown as written. A Markdown link whose
/// destination holds a shortcode is dropped: the shortcode is the link.
pub fn scan(text: &str, body_start: usize, md: &mut Markdown) {
    let mut found = Vec::new();
    let mut pos = body_start;
    while let Some(i) = text[pos..].find("{{") {
        let start = pos + i;
        pos = start + 2;
        let Some(close) = opener(&text[start..]) else {
            continue;
        };
        let Some(len) = text[start..].find(close) else {
            continue;
        };
        let end = start + len + close.len();
        let inner = &text[start + 3..start + len];
        pos = end;
        if let Some(arg) = path_argument(inner) {
            found.push(Reference {
                kind: RefKind::Shortcode,
                target: text[start + 3 + arg.start..start + 3 + arg.end].to_owned(),
                span: start + 3 + arg.start..start + 3 + arg.end,
            });
            let call = start..end;
            md.references
                .retain(|r| r.span.end <= call.start || r.span.start >= call.end);
        }
    }
    if !found.is_empty() {
        md.references.extend(found);
        md.references.sort_by_key(|r| r.span.start);
    }
}

/// The closing delimiter of a shortcode opening at the start of `s`.
fn opener(s: &str) -> Option<&'static str> {
    if s.starts_with("{{<") {
        Some(">}}")
    } else if s.starts_with("{{%") {
        Some("%}}")
    } else {
        None
    }
}

/// The path a `ref`/`relref` call names: its first positional argument or `path=`; the
/// range is the text between the quotes, relative to `inner`.
fn path_argument(inner: &str) -> Option<Range<usize>> {
    let trimmed = inner.trim_start();
    // `{{</* ref */>}}` is an escaped shortcode, shown as written.
    if trimmed.starts_with("/*") {
        return None;
    }
    let lead = inner.len() - trimmed.len();
    let name_len = trimmed
        .find(|c: char| c.is_whitespace() || c == '"' || c == '`')
        .unwrap_or(trimmed.len());
    if !matches!(&trimmed[..name_len], "ref" | "relref") {
        return None;
    }
    let mut i = lead + name_len;
    let bytes = inner.as_bytes();
    let mut path = None;
    loop {
        while i < bytes.len() && bytes[i].is_ascii_whitespace() {
            i += 1;
        }
        if i >= bytes.len() {
            return path.filter(|p: &Range<usize>| !p.is_empty());
        }
        // `name=` before a value.
        let key_start = i;
        while i < bytes.len() && (bytes[i].is_ascii_alphanumeric() || bytes[i] == b'_') {
            i += 1;
        }
        let key = &inner[key_start..i];
        let named = bytes.get(i) == Some(&b'=');
        if named {
            i += 1;
        } else {
            i = key_start;
        }
        let quote = *bytes.get(i)?;
        let (value, next) = if quote == b'"' || quote == b'`' {
            let close = inner[i + 1..].find(quote as char)? + i + 1;
            (i + 1..close, close + 1)
        } else {
            let end = inner[i..]
                .find(|c: char| c.is_whitespace())
                .map_or(inner.len(), |e| i + e);
            (i..end, end)
        };
        match (named, key) {
            // Another language's page: not looked up (docsteward reads the page's own).
            (true, "lang") => return None,
            (false, _) | (true, "path") if path.is_none() => path = Some(value),
            _ => {}
        }
        i = next.max(i + 1);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::markdown;

    fn targets(text: &str) -> Vec<(RefKind, String)> {
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
    fn ref_and_relref_in_both_forms() {
        let text = "See [setup]({{< ref \"setup.md#install\" >}}) and {{% relref path=\"/guides/a\" %}} {{< relref path=\"/c\" lang=\"fr\" >}}.\n\n[x](y.md) `{{< ref \"code\" >}}` {{</* ref \"escaped\" */>}} {{< figure src=\"a.png\" >}} {{< relref outputFormat=\"amp\" path=`b` >}}\n";
        assert_eq!(
            targets(text),
            [
                (RefKind::Shortcode, "setup.md#install".to_owned()),
                (RefKind::Shortcode, "/guides/a".to_owned()),
                (RefKind::Link, "y.md".to_owned()),
                (RefKind::Shortcode, "code".to_owned()),
                (RefKind::Shortcode, "b".to_owned()),
            ]
        );
    }

    #[test]
    fn a_link_whose_destination_is_a_shortcode_is_the_shortcode() {
        let text = "[a]({{<ref\"x\">}}) [b]({{< ref x >}})\n";
        let got = targets(text);
        assert!(got.iter().all(|(k, _)| *k == RefKind::Shortcode), "{got:?}");
        assert_eq!(got.len(), 2);
    }
}
