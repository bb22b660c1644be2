//! "Did you mean" suggestions, shared by every message that names a close alternative.
//!
//! A run asks many times against the same candidates (the headings of one document, the
//! files of one folder, the defined terms), so the candidates are indexed once: by length,
//! and by the letters and letter pairs they hold. The counts a lookup shares with each
//! candidate give a lower bound on their edit distance; candidates are tried best bound
//! first, and the search stops when no bound can beat the closest found. A typo is thus
//! checked against about one candidate, not all of them.

use crate::FastMap as HashMap;
use std::sync::atomic::{AtomicU64, Ordering};

/// How many suggestions one file may ask for: past them a finding has no "did you mean". A
/// suggestion for something close to nothing cannot be pruned by much, so this is what
/// bounds their cost in a hostile file.
pub const PER_FILE: usize = 100;

/// Edit distances computed in this process.
static DISTANCES: AtomicU64 = AtomicU64::new(0);

/// How many edit distances suggestions have computed in this process: what tests and the
/// benchmark bound, rather than time.
pub fn distances_computed() -> u64 {
    DISTANCES.load(Ordering::Relaxed)
}

/// The candidate closest to `input` by edit distance, if it is close enough to be a likely
/// typo: for one lookup; index a set asked repeatedly with [`Candidates`].
pub fn closest<'a>(input: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let candidates: Vec<&'a str> = candidates.into_iter().collect();
    let index = Candidates::new(candidates.iter().copied());
    index.closest_entry(input).0.map(|e| candidates[e.id])
}

/// Whether `chosen` (a suggestion for `input`) is strictly closer to it, ignoring case, than
/// every other candidate, found by measuring every one: the reference
/// [`Candidates::is_only_closest`] is tested against.
#[cfg(test)]
pub fn only_closest<'a>(
    input: &str,
    chosen: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> bool {
    let input = input.to_lowercase();
    let length = input.chars().count();
    let best = strsim::osa_distance(&input, &chosen.to_lowercase());
    candidates.into_iter().filter(|c| *c != chosen).all(|c| {
        let c = c.to_lowercase();
        // Lengths further apart than `best` are further than `best` (each edit changes
        // the length by at most one): no distance to compute for most of a folder.
        c.chars().count().abs_diff(length) > best || strsim::osa_distance(&input, &c) > best
    })
}

/// What [`Candidates::closest`] must answer, found by computing the distance to every
/// candidate: the reference its tests and fuzzing compare it with.
pub fn closest_trying_each<'a>(input: &str, candidates: &[&'a str]) -> Option<&'a str> {
    let input_lower = input.to_lowercase();
    let input_len = input_lower.chars().count();
    let limit = (input.chars().count() / 3).max(2);
    candidates
        .iter()
        .copied()
        .filter(|c| *c != input)
        .filter_map(|c| {
            let lower = c.to_lowercase();
            (lower.chars().count().abs_diff(input_len) <= limit)
                .then(|| (strsim::osa_distance(&input_lower, &lower), c))
        })
        .filter(|(d, _)| *d <= limit)
        .min_by(|a, b| a.0.cmp(&b.0).then_with(|| a.1.cmp(b.1)))
        .map(|(_, c)| c)
}

/// A set of candidates indexed for repeated lookups.
#[derive(Debug)]
pub struct Candidates {
    /// Sorted by length, so the lengths near an input's are one range.
    entries: Vec<Entry>,
    /// Per letter and per pair of letters: the entries holding it, in entry order, and how
    /// many times.
    letters: HashMap<char, Vec<(u32, u32)>>,
    pairs: HashMap<(char, char), Vec<(u32, u32)>>,
}

#[derive(Debug)]
struct Entry {
    text: Box<str>,
    /// `text` lower-cased: what distances compare.
    lower: Box<str>,
    /// Characters of `lower`.
    len: usize,
    /// Position among the candidates as given.
    id: usize,
}

impl Candidates {
    pub fn new<'a>(candidates: impl IntoIterator<Item = &'a str>) -> Candidates {
        let mut entries: Vec<Entry> = candidates
            .into_iter()
            .enumerate()
            .map(|(id, text)| {
                let lower = text.to_lowercase();
                Entry {
                    text: text.into(),
                    len: lower.chars().count(),
                    lower: lower.into(),
                    id,
                }
            })
            .collect();
        entries.sort_by_key(|e| e.len);
        let mut letters: HashMap<char, Vec<(u32, u32)>> = HashMap::default();
        let mut pairs: HashMap<(char, char), Vec<(u32, u32)>> = HashMap::default();
        for (i, e) in entries.iter().enumerate() {
            let i = u32::try_from(i).unwrap_or(u32::MAX);
            let (l, p) = grams(&e.lower);
            for (c, n) in l {
                letters.entry(c).or_default().push((i, n));
            }
            for (c, n) in p {
                pairs.entry(c).or_default().push((i, n));
            }
        }
        Candidates {
            entries,
            letters,
            pairs,
        }
    }

    /// The candidate closest to `input` by edit distance (ignoring case), within a third of
    /// its length (at least 2), and not `input` itself; the first in string order among
    /// equally close ones.
    pub fn closest(&self, input: &str) -> Option<&str> {
        self.closest_entry(input).0.map(|e| &*e.text)
    }

    /// [`Candidates::closest`], and how many edit distances it computed.
    fn closest_entry(&self, input: &str) -> (Option<&Entry>, u64) {
        let lower = input.to_lowercase();
        let n = lower.chars().count();
        let limit = (input.chars().count() / 3).max(2);
        let order = self.within(&lower, n, limit);
        if order.is_empty() {
            return (None, 0);
        }
        let pattern = Pattern::new(&lower);
        let mut best: Option<(usize, &Entry)> = None;
        let mut computed = 0;
        for (bound, i) in order {
            let within = best.map_or(limit, |(d, _)| d);
            if bound > within {
                break;
            }
            let e = &self.entries[i];
            if &*e.text == input {
                continue;
            }
            computed += 1;
            let d = pattern.distance(&lower, &e.lower);
            let better = match best {
                None => d <= limit,
                Some((bd, be)) => d < bd || (d == bd && e.text < be.text),
            };
            if better {
                best = Some((d, e));
            }
        }
        DISTANCES.fetch_add(computed, Ordering::Relaxed);
        (best.map(|(_, e)| e), computed)
    }

    /// Whether `chosen` (a suggestion for `input`) is strictly closer to it, ignoring case,
    /// than every other candidate: a "did you mean" with a single candidate, which an unsafe
    /// fix may apply. Only the candidates whose bound is within `chosen`'s distance are
    /// measured.
    pub fn is_only_closest(&self, input: &str, chosen: &str) -> bool {
        let lower = input.to_lowercase();
        let n = lower.chars().count();
        let best = strsim::osa_distance(&lower, &chosen.to_lowercase());
        let pattern = Pattern::new(&lower);
        let mut computed = 0;
        let only = self.within(&lower, n, best).into_iter().all(|(_, i)| {
            let e = &self.entries[i];
            if &*e.text == chosen {
                return true;
            }
            computed += 1;
            pattern.distance(&lower, &e.lower) > best
        });
        DISTANCES.fetch_add(computed, Ordering::Relaxed);
        only
    }

    /// The entries that may be within `radius` edits of `lower` (`n` characters), best
    /// lower bound first, as (bound, entry) pairs: each edit changes the length by at most
    /// one, removes at most one letter and at most three letter pairs (a swap of two
    /// neighbours touches three) that the two strings share.
    fn within(&self, lower: &str, n: usize, radius: usize) -> Vec<(usize, usize)> {
        // Lengths further apart than the radius cannot be within it.
        let lo = self.entries.partition_point(|e| e.len + radius < n);
        let hi = self.entries.partition_point(|e| e.len <= n + radius);
        if lo >= hi {
            return Vec::new();
        }
        let (letters, pairs) = grams(lower);
        let shared_letters = shared(&self.letters, &letters, lo, hi);
        let shared_pairs = shared(&self.pairs, &pairs, lo, hi);
        let mut order: Vec<(usize, usize)> = (lo..hi)
            .map(|i| {
                let longest = n.max(self.entries[i].len);
                let by_length = n.abs_diff(self.entries[i].len);
                let by_letters = longest.saturating_sub(shared_letters[i - lo]);
                let by_pairs = longest
                    .saturating_sub(1)
                    .saturating_sub(shared_pairs[i - lo])
                    .div_ceil(3);
                (by_length.max(by_letters).max(by_pairs), i)
            })
            .filter(|&(bound, _)| bound <= radius)
            .collect();
        order.sort_unstable();
        order
    }
}

/// How many times each letter occurs in a text, and each pair of neighbouring letters.
type Grams = (HashMap<char, u32>, HashMap<(char, char), u32>);

fn grams(text: &str) -> Grams {
    let mut letters = HashMap::default();
    let mut pairs = HashMap::default();
    let mut previous = None;
    for c in text.chars() {
        *letters.entry(c).or_insert(0) += 1;
        if let Some(p) = previous {
            *pairs.entry((p, c)).or_insert(0) += 1;
        }
        previous = Some(c);
    }
    (letters, pairs)
}

/// For entries `lo..hi`: how many of `query`'s grams each one holds too (as multisets).
fn shared<K: std::hash::Hash + Eq>(
    postings: &HashMap<K, Vec<(u32, u32)>>,
    query: &HashMap<K, u32>,
    lo: usize,
    hi: usize,
) -> Vec<usize> {
    let mut counts = vec![0; hi - lo];
    for (gram, &wanted) in query {
        let Some(list) = postings.get(gram) else {
            continue;
        };
        // Postings are in entry order: the range's are one slice of them.
        let from = list.partition_point(|&(i, _)| (i as usize) < lo);
        for &(i, n) in &list[from..] {
            let i = i as usize;
            if i >= hi {
                break;
            }
            counts[i - lo] += wanted.min(n) as usize;
        }
    }
    counts
}

/// An input prepared for distances to many candidates: for inputs of up to 128 characters,
/// where each of its letters occurs, as bits, for Hyyrö's bit-parallel algorithm.
struct Pattern {
    masks: Option<(Masks, usize)>,
}

/// Where each character occurs in a pattern, as bits: ASCII in a table, the rest in a map.
struct Masks {
    ascii: [u128; 128],
    other: HashMap<char, u128>,
}

impl Masks {
    fn get(&self, c: char) -> u128 {
        match usize::try_from(u32::from(c)) {
            Ok(i) if i < 128 => self.ascii[i],
            _ => self.other.get(&c).copied().unwrap_or(0),
        }
    }
}

impl Pattern {
    fn new(lower: &str) -> Pattern {
        let len = lower.chars().count();
        let masks = (1..=128).contains(&len).then(|| {
            let mut masks = Masks {
                ascii: [0; 128],
                other: HashMap::default(),
            };
            for (i, c) in lower.chars().enumerate() {
                match usize::try_from(u32::from(c)) {
                    Ok(a) if a < 128 => masks.ascii[a] |= 1 << i,
                    _ => *masks.other.entry(c).or_insert(0) |= 1 << i,
                }
            }
            (masks, len)
        });
        Pattern { masks }
    }

    /// The optimal string alignment distance between the pattern's text, `a`, and `b`.
    fn distance(&self, a: &str, b: &str) -> usize {
        match &self.masks {
            Some((masks, len)) => osa_bits(masks, *len, b),
            None => distance(a, b),
        }
    }
}

/// Optimal string alignment distance between a pattern of `len` characters (1 to 128), given
/// by where each character occurs, and `text`: Hyyrö's bit-vector algorithm ("A bit-vector
/// algorithm for computing Levenshtein and Damerau edit distances", 2003), one column of the
/// table per character of `text` in a few word operations.
fn osa_bits(masks: &Masks, len: usize, text: &str) -> usize {
    let last = 1u128 << (len - 1);
    let (mut vp, mut vn, mut d0, mut previous) = (!0u128, 0u128, 0u128, 0u128);
    let mut distance = len;
    for c in text.chars() {
        let pm = masks.get(c);
        let transposed = ((!d0 & pm) << 1) & previous;
        d0 = ((((pm & vp).wrapping_add(vp)) ^ vp) | pm | vn) | transposed;
        let hp = vn | !(d0 | vp);
        let hn = d0 & vp;
        if hp & last != 0 {
            distance += 1;
        }
        if hn & last != 0 {
            distance -= 1;
        }
        let hp = (hp << 1) | 1;
        let hn = hn << 1;
        vp = hn | !(d0 | hp);
        vn = hp & d0;
        previous = pm;
    }
    distance
}

/// Edit distance counting a swap of two neighbours as one edit (optimal string alignment),
/// for inputs too long for [`osa_bits`]. Paths that differ in a few characters share long
/// beginnings and ends (`glossary/term-`, `.md`): those are set aside first, which leaves the
/// distance as it is and the table small.
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
    use super::*;

    /// Xorshift: the same cases on every run.
    struct Rng(u64);

    impl Rng {
        fn below(&mut self, n: usize) -> usize {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            (self.0 % n as u64) as usize
        }

        fn word(&mut self, alphabet: &[char], max: usize) -> String {
            let len = self.below(max + 1);
            (0..len)
                .map(|_| alphabet[self.below(alphabet.len())])
                .collect()
        }

        /// `word` with up to `edits` random edits (substitute, insert, delete, swap).
        fn edit(&mut self, word: &str, alphabet: &[char], edits: usize) -> String {
            let mut chars: Vec<char> = word.chars().collect();
            for _ in 0..self.below(edits + 1) {
                let at = self.below(chars.len() + 1);
                let c = alphabet[self.below(alphabet.len())];
                match self.below(4) {
                    0 if at < chars.len() => chars[at] = c,
                    1 => chars.insert(at, c),
                    2 if at < chars.len() => {
                        chars.remove(at);
                    }
                    _ if at + 1 < chars.len() => chars.swap(at, at + 1),
                    _ => {}
                }
            }
            chars.into_iter().collect()
        }
    }

    const ALPHABETS: &[&str] = &["ab", "abc-", "abcdefghijklmnopqrstuvwxyz", "aAbBéÉßİ/."];

    #[test]
    fn the_index_answers_as_trying_every_candidate_does() {
        let mut rng = Rng(0x2545_f491_4f6c_dd1d);
        for case in 0..2_000 {
            let alphabet: Vec<char> = ALPHABETS[case % ALPHABETS.len()].chars().collect();
            let max = [4, 12, 40, 140][rng.below(4)];
            let base: Vec<String> = (0..1 + rng.below(6))
                .map(|_| rng.word(&alphabet, max))
                .collect();
            // Candidates near a few bases, so that there are ties and near misses.
            let candidates: Vec<String> = (0..rng.below(30))
                .map(|_| {
                    let b = &base[rng.below(base.len())];
                    rng.edit(b, &alphabet, 1 + max / 4)
                })
                .collect();
            let refs: Vec<&str> = candidates.iter().map(String::as_str).collect();
            let index = Candidates::new(refs.iter().copied());
            for _ in 0..5 {
                let b = &base[rng.below(base.len())];
                let input = rng.edit(b, &alphabet, 1 + max / 3);
                assert_eq!(
                    index.closest(&input),
                    closest_trying_each(&input, &refs),
                    "case {case}: {input:?} among {refs:?}"
                );
                assert_eq!(
                    closest(&input, refs.iter().copied()),
                    closest_trying_each(&input, &refs)
                );
            }
        }
    }

    #[test]
    fn the_index_tells_a_single_closest_candidate_as_trying_every_one_does() {
        let mut rng = Rng(0x1234_5678_9abc_def1);
        for case in 0..2_000 {
            let alphabet: Vec<char> = ALPHABETS[case % ALPHABETS.len()].chars().collect();
            let max = [4, 12, 40][rng.below(3)];
            let base: Vec<String> = (0..1 + rng.below(4))
                .map(|_| rng.word(&alphabet, max))
                .collect();
            let mut candidates: Vec<String> = (0..1 + rng.below(20))
                .map(|_| {
                    let b = &base[rng.below(base.len())];
                    rng.edit(b, &alphabet, 1 + max / 4)
                })
                .collect();
            candidates.sort();
            candidates.dedup();
            let refs: Vec<&str> = candidates.iter().map(String::as_str).collect();
            let index = Candidates::new(refs.iter().copied());
            for _ in 0..5 {
                let b = &base[rng.below(base.len())];
                let input = rng.edit(b, &alphabet, 1 + max / 3);
                // Any candidate as the one chosen, not only the closest: both must agree.
                let chosen = refs[rng.below(refs.len())];
                assert_eq!(
                    index.is_only_closest(&input, chosen),
                    only_closest(&input, chosen, refs.iter().copied()),
                    "case {case}: {input:?}, {chosen:?} among {refs:?}"
                );
                if let Some(near) = index.closest(&input) {
                    assert_eq!(
                        index.is_only_closest(&input, near),
                        only_closest(&input, near, refs.iter().copied()),
                        "case {case}: {input:?}, {near:?} among {refs:?}"
                    );
                }
            }
        }
    }

    #[test]
    fn the_bit_parallel_distance_is_the_tables() {
        let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
        for case in 0..20_000 {
            let alphabet: Vec<char> = ALPHABETS[case % ALPHABETS.len()].chars().collect();
            let a = rng.word(&alphabet, [3, 10, 64, 128][case % 4]);
            let b = if rng.below(2) == 0 {
                rng.edit(&a, &alphabet, 6)
            } else {
                rng.word(&alphabet, 130)
            };
            let pattern = Pattern::new(&a);
            assert_eq!(
                pattern.distance(&a, &b),
                strsim::osa_distance(&a, &b),
                "{a:?} {b:?}"
            );
        }
    }

    #[test]
    fn trimming_shared_ends_keeps_the_distance() {
        let mut rng = Rng(0x2545_f491_4f6c_dd1d);
        let alphabet: Vec<char> = "abcé/.".chars().collect();
        for _ in 0..20_000 {
            let (a, b) = (rng.word(&alphabet, 8), rng.word(&alphabet, 8));
            let (x, y) = (format!("glossary/{a}.md"), format!("glossary/{b}.md"));
            assert_eq!(distance(&x, &y), strsim::osa_distance(&x, &y), "{x} {y}");
            assert_eq!(distance(&a, &b), strsim::osa_distance(&a, &b), "{a} {b}");
        }
    }

    #[test]
    fn finds_typos_only() {
        let options = ["practice", "concept", "pattern"];
        assert_eq!(closest("pratice", options), Some("practice"));
        assert_eq!(closest("zebra", options), None);
    }

    /// 1,000 lookups of 100-letter typos against 1,000 100-letter candidates: about one
    /// distance each, where trying every candidate is a million.
    #[test]
    fn a_typo_is_checked_against_about_one_candidate() {
        let mut rng = Rng(0x5eed);
        let alphabet: Vec<char> = ('a'..='z').collect();
        let words: Vec<String> = (0..1_000)
            .map(|_| (0..100).map(|_| alphabet[rng.below(26)]).collect())
            .collect();
        let index = Candidates::new(words.iter().map(String::as_str));
        let mut computed = 0;
        for w in &words {
            let typo = rng.edit(w, &alphabet, 3);
            if typo == *w {
                continue;
            }
            let (found, n) = index.closest_entry(&typo);
            computed += n;
            assert_eq!(found.map(|e| &*e.text), Some(w.as_str()));
        }
        assert!(computed <= 1_100, "{computed} distances");
    }
}
