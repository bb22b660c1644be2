//! Baselines for adopting docsteward on a repository with old debt: `docsteward baseline`
//! records today's findings; later checks report only findings not recorded, count the ones
//! the baseline absorbed, and name entries that no longer match anything, so debt can only
//! shrink. Findings are matched by fingerprint (rule, path, offending text, occurrence),
//! which survives lines moving.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use crate::check::Outcome;
use crate::fingerprint;

/// Where `docsteward baseline` writes and `check` looks, at the repository root.
pub const FILE_NAME: &str = ".docsteward-baseline.json";

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Baseline {
    pub version: u32,
    /// Sorted by path, rule, fingerprint: stable for diffs.
    pub findings: Vec<Entry>,
}

#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Entry {
    pub path: String,
    pub rule: String,
    pub fingerprint: String,
    /// For the reader of the file; not used for matching.
    pub message: String,
}

/// The most bytes of baseline docsteward reads: a million findings' worth.
pub const MAX_SIZE: u64 = 256 * 1024 * 1024;

/// What a baseline did to a run.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Applied {
    /// The baseline file, as named to the user.
    pub file: String,
    /// Where it is on disk.
    pub path: std::path::PathBuf,
    /// Findings the baseline absorbed.
    pub suppressed: usize,
    /// Entries that matched no finding in the documents checked.
    pub stale: Vec<Entry>,
    /// The baseline as read.
    pub recorded: Baseline,
}

impl Baseline {
    /// Today's findings of `outcome`.
    pub fn from_outcome(outcome: &Outcome) -> Baseline {
        let mut findings: Vec<Entry> = outcome
            .diagnostics
            .iter()
            .zip(fingerprint::of(outcome))
            .map(|(d, fp)| Entry {
                path: d.path.clone(),
                rule: d.rule.to_owned(),
                fingerprint: format!("{fp:016x}"),
                message: d.message.clone(),
            })
            .collect();
        findings.sort();
        Baseline {
            version: 1,
            findings,
        }
    }

    pub fn parse(text: &str) -> Result<Baseline, String> {
        let baseline: Baseline = serde_json::from_str(text).map_err(|e| e.to_string())?;
        if baseline.version != 1 {
            return Err(format!("unsupported baseline version {}", baseline.version));
        }
        Ok(baseline)
    }

    pub fn to_json(&self) -> String {
        let mut text = serde_json::to_string_pretty(self).unwrap_or_default();
        text.push('\n');
        text
    }

    /// Removes from `outcome` the findings this baseline records. Entries for documents
    /// that `checked` says were checked and that matched nothing are stale.
    pub fn apply(
        &self,
        file: &str,
        path: &std::path::Path,
        outcome: &mut Outcome,
        checked: impl Fn(&str) -> bool,
    ) -> Applied {
        let key =
            |path: &str, rule: &str, fp: &str| (path.to_owned(), rule.to_owned(), fp.to_owned());
        let mut remaining: HashMap<(String, String, String), usize> = HashMap::new();
        for e in &self.findings {
            *remaining
                .entry(key(&e.path, &e.rule, &e.fingerprint))
                .or_default() += 1;
        }
        let fingerprints: Vec<String> = fingerprint::of(outcome)
            .iter()
            .map(|fp| format!("{fp:016x}"))
            .collect();
        let mut keep = Vec::with_capacity(outcome.diagnostics.len());
        let mut suppressed = 0;
        for (d, fp) in outcome.diagnostics.iter().zip(&fingerprints) {
            match remaining.get_mut(&key(&d.path, d.rule, fp)) {
                Some(n) if *n > 0 => {
                    *n -= 1;
                    suppressed += 1;
                    keep.push(false);
                }
                _ => keep.push(true),
            }
        }
        let mut keep = keep.into_iter();
        outcome.diagnostics.retain(|_| keep.next().unwrap_or(true));
        // Each entry left over is stale, as many times as it is left over.
        let mut stale = Vec::new();
        for e in &self.findings {
            if let Some(n) = remaining.get_mut(&key(&e.path, &e.rule, &e.fingerprint)) {
                if *n > 0 && checked(&e.path) {
                    *n -= 1;
                    stale.push(e.clone());
                }
            }
        }
        Applied {
            file: file.to_owned(),
            path: path.to_owned(),
            suppressed,
            stale,
            recorded: self.clone(),
        }
    }

    /// This baseline without `stale`'s entries.
    pub fn pruned(&self, stale: &[Entry]) -> Baseline {
        let mut drop: HashMap<&Entry, usize> = HashMap::new();
        for e in stale {
            *drop.entry(e).or_default() += 1;
        }
        let findings = self
            .findings
            .iter()
            .filter(|e| match drop.get_mut(e) {
                Some(n) if *n > 0 => {
                    *n -= 1;
                    false
                }
                _ => true,
            })
            .cloned()
            .collect();
        Baseline {
            version: 1,
            findings,
        }
    }
}

impl Applied {
    /// Rewrites the baseline file without its stale entries (`--prune-baseline`), in place
    /// and never through a symbolic link (`root`: the repository).
    pub fn prune(&self, root: &std::path::Path) -> Result<(), crate::Error> {
        let json = self.recorded.pruned(&self.stale).to_json();
        crate::fs::write_file(&self.path, Some(root), 0o666, json.as_bytes()).map_err(|source| {
            crate::Error::Write {
                path: self.path.clone(),
                source,
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(path: &str, fp: &str) -> Entry {
        Entry {
            path: path.into(),
            rule: "links/missing-file".into(),
            fingerprint: fp.into(),
            message: String::new(),
        }
    }

    #[test]
    fn pruning_removes_each_stale_entry_once() {
        let baseline = Baseline {
            version: 1,
            findings: vec![entry("a.md", "1"), entry("a.md", "1"), entry("b.md", "2")],
        };
        let pruned = baseline.pruned(&[entry("a.md", "1")]);
        assert_eq!(
            pruned.findings,
            vec![entry("a.md", "1"), entry("b.md", "2")]
        );
    }
}
