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
                .then(|| (strsim::damerau_levenshtein(&input_lower, &lower), c))
        })
        .filter(|(d, _)| *d <= limit)
        .min_by(|a, b| a.0.cmp(&b.0).then_with(|| a.1.cmp(b.1)))
        .map(|(_, c)| c)
}

#[cfg(test)]
mod tests {
    #[test]
    fn finds_typos_only() {
        let options = ["practice", "concept", "pattern"];
        assert_eq!(super::closest("pratice", options), Some("practice"));
        assert_eq!(super::closest("zebra", options), None);
    }
}
