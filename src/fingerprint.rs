//! Fingerprints of findings that survive lines moving: rule, path, the offending text and
//! its occurrence index, never the line number. SARIF's `partialFingerprints` and the
//! baseline file both use them, so a finding is "the same" in both.

use std::collections::HashMap;

use crate::check::Outcome;
use crate::diagnostic::Diagnostic;

/// The fingerprint of each of `outcome`'s findings, in order. The n-th identical finding
/// (same rule, path and text) in a file keeps its fingerprint however far it moves.
pub fn of(outcome: &Outcome) -> Vec<u64> {
    let mut seen: HashMap<(&str, &str, &str), u64> = HashMap::new();
    outcome
        .diagnostics
        .iter()
        .map(|d| {
            let text = offending_text(outcome, d);
            let occurrence = seen.entry((d.rule, d.path.as_str(), text)).or_default();
            let fingerprint = fingerprint(d, text, *occurrence);
            *occurrence += 1;
            fingerprint
        })
        .collect()
}

/// What the finding points at; for an empty span, the line it sits on (trimmed), which is
/// what a reader would call the offending text.
pub fn offending_text<'a>(outcome: &'a Outcome, d: &Diagnostic) -> &'a str {
    let Some(source) = outcome.sources.get(&d.path) else {
        return "";
    };
    let text = source.text.as_str();
    let span = d.span.start.min(text.len())..d.span.end.min(text.len());
    match text.get(span.clone()) {
        Some(s) if !s.is_empty() => s,
        _ => {
            let line = source.line_of(span.start);
            text.get(source.line_start(line)..source.line_start(line + 1))
                .unwrap_or_default()
                .trim()
        }
    }
}

/// Rule, path, offending text and occurrence index, never the line: the fingerprint
/// survives lines being inserted above.
fn fingerprint(d: &Diagnostic, text: &str, occurrence: u64) -> u64 {
    let mut hash = Fnv1a::default();
    for part in [
        d.rule.as_bytes(),
        d.path.as_bytes(),
        text.as_bytes(),
        &occurrence.to_le_bytes(),
    ] {
        hash.write(part);
        // A separator keeps ("ab", "c") and ("a", "bc") apart.
        hash.write(&[0xff]);
    }
    hash.0
}

/// FNV-1a, 64 bits: fixed by its specification, so fingerprints stay the same across Rust
/// versions and platforms (`std::hash` promises neither).
struct Fnv1a(u64);

impl Default for Fnv1a {
    fn default() -> Self {
        Fnv1a(0xcbf2_9ce4_8422_2325)
    }
}

impl Fnv1a {
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0 ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fnv1a_matches_the_reference_values() {
        let hash = |s: &str| {
            let mut h = Fnv1a::default();
            h.write(s.as_bytes());
            h.0
        };
        assert_eq!(hash(""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(hash("a"), 0xaf63_dc4c_8601_ec8c);
        assert_eq!(hash("foobar"), 0x8594_4171_f739_67e8);
    }
}
