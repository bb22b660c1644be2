//! Candidates and inputs -> `suggest::Candidates`: the index must answer exactly what
//! computing the distance to every candidate answers. The bytes are split at NUL into an
//! input and up to 300 candidates; each candidate is also tried as an input.
#![no_main]

use docsteward::suggest::{closest_trying_each, Candidates};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let mut parts = text.split('\0');
    let input = parts.next().unwrap_or_default();
    let candidates: Vec<&str> = parts.take(300).collect();
    let index = Candidates::new(candidates.iter().copied());
    for probe in std::iter::once(input).chain(candidates.iter().copied().take(8)) {
        assert_eq!(
            index.closest(probe),
            closest_trying_each(probe, &candidates),
            "{probe:?} among {candidates:?}"
        );
    }
});
