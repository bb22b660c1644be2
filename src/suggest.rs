//! "Did you mean" suggestions, shared by every message that names a close alternative.

/// The candidate closest to `input` by edit distance, if it is close enough to be a likely typo.
pub fn closest<'a>(input: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let input_lower = input.to_lowercase();
    let input_len = input_lower.chars().count();
    let limit = (input.chars().count() / 3).max(2);
    candidates
        .into_iter()
        .filter(|c| *c != input)
        // Lengths further apart than the limit cannot be within it: skip the O(n*m) distance.
        .filter_map(|c| {
            let lower = c.to_lowercase();
            (lower.chars().count().abs_diff(input_len) <= limit)
                .then(|| (distance(&input_lower, &lower), c))
        })
        .filter(|(d, _)| *d <= limit)
        .min_by(|a, b| a.0.cmp(&b.0).then_with(|| a.1.cmp(b.1)))
        .map(|(_, c)| c)
}

/// Edit distance counting a swap of two neighbours as one edit (optimal string alignment).
/// Paths that differ in a few characters share long beginnings and ends (`glossary/term-`,
/// `.md`): those are set aside first, which leaves the distance as it is and the table
/// small.
fn distance(a: &str, b: &str) -> usize {
    let prefix: usize = a
        .chars()
        .zip(b.chars())
        .take_while(|(x, y)| x == y)
        .map(|(x, _)| x.len_utf8())
        .sum();
    let (a, b) = (&a[prefix..], &b[prefix..]);
    let suffix: usize = a
        .chars()
        .rev()
        .zip(b.chars().rev())
        .take_while(|(x, y)| x == y)
        .map(|(x, _)| x.len_utf8())
        .sum();
    strsim::osa_distance(&a[..a.len() - suffix], &b[..b.len() - suffix])
}

#[cfg(test)]
mod tests {
    #[test]
    fn trimming_shared_ends_keeps_the_distance() {
        let mut seed = 0x2545_f491_4f6c_dd1du64;
        let mut next = |n: u64| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed % n
        };
        let alphabet: Vec<char> = "abcé/.".chars().collect();
        for _ in 0..20_000 {
            let mut word = |len: u64| -> String {
                (0..next(len)).map(|_| alphabet[next(6) as usize]).collect()
            };
            let (a, b) = (word(9), word(9));
            let (x, y) = (format!("glossary/{a}.md"), format!("glossary/{b}.md"));
            assert_eq!(
                super::distance(&x, &y),
                strsim::osa_distance(&x, &y),
                "{x} {y}"
            );
            assert_eq!(
                super::distance(&a, &b),
                strsim::osa_distance(&a, &b),
                "{a} {b}"
            );
        }
    }

    #[test]
    fn finds_typos_only() {
        let options = ["practice", "concept", "pattern"];
        assert_eq!(super::closest("pratice", options), Some("practice"));
        assert_eq!(super::closest("zebra", options), None);
    }
}
