//! Bytes -> `Document::parse`, as Markdown and as MDX -> everything rules read from a
//! document: front matter as JSON, references, headings and anchors, footnotes,
//! suppressions, and the line/column of every span (the reporters' position math).
#![no_main]

use docsteward::document::{Document, Limits};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    // The default limits, and a tiny front matter limit so the "too large" path runs too.
    for limits in [
        Limits::default(),
        Limits {
            max_front_matter: 16,
        },
    ] {
        for path in ["fuzz.md", "fuzz.mdx"] {
            let doc = Document::parse_with(path, data, &limits);
            exercise(&doc);
        }
    }
});

fn exercise(doc: &Document) {
    let source = &doc.source;
    let text = source.text.as_str();
    let mut spans = Vec::new();
    if let Some(fm) = &doc.front_matter {
        spans.push(fm.open.clone());
        if let Some(data) = &fm.data {
            let _ = data.to_json();
            let _ = data.describe();
            collect_node(data, &mut spans);
        }
    }
    for e in &doc.front_matter_errors {
        spans.push(e.span.clone());
        spans.extend(e.labels.iter().map(|l| l.span.clone()));
    }
    let md = &doc.markdown;
    for r in &md.references {
        spans.push(r.span.clone());
        let _ = r.kind.is_image();
    }
    for h in &md.headings {
        spans.push(h.span.clone());
    }
    let _ = md.anchors().count();
    let _ = md.title();
    spans.extend(md.footnote_refs.iter().map(|f| f.span.clone()));
    spans.extend(md.footnote_defs.iter().map(|f| f.span.clone()));
    spans.extend(md.suppressions.iter().map(|s| s.span.clone()));
    spans.extend(md.empty_alt.iter().cloned());
    if let Some(bad) = doc.invalid_utf8 {
        spans.push(bad.offset..bad.offset + char::REPLACEMENT_CHARACTER.len_utf8());
    }
    for span in spans {
        // Every span a rule can report must lie inside the text, in order.
        assert!(span.start <= span.end, "reversed span {span:?}");
        assert!(
            span.end <= text.len(),
            "span {span:?} past the end ({})",
            text.len()
        );
        let start = source.position(span.start);
        let end = source.position(span.end);
        assert!(start <= end, "positions out of order for {span:?}");
        assert!(start.line >= 1 && start.column >= 1);
        assert!(end.line <= source.line_count());
    }
}

fn collect_node(node: &docsteward::document::Node, spans: &mut Vec<std::ops::Range<usize>>) {
    use docsteward::document::Value;
    spans.push(node.span.clone());
    match &node.value {
        Value::Seq(items) => items.iter().for_each(|i| collect_node(i, spans)),
        Value::Map(entries) => entries.iter().for_each(|e| {
            spans.push(e.key_span.clone());
            collect_node(&e.value, spans);
        }),
        _ => {}
    }
}
