//! docsteward: a Git-native linter for Markdown knowledge bases. The library never prints:
//! every reporter writes to the `Write` it is handed, and errors are values.

// Nothing from a document, a configuration or a repository may panic docsteward.
#![cfg_attr(
    not(test),
    deny(clippy::unwrap_used, clippy::expect_used, clippy::panic)
)]
#![deny(clippy::print_stdout, clippy::print_stderr)]

pub mod baseline;
pub mod check;
pub mod cli;
pub mod config;
pub mod diagnostic;
pub mod document;
pub mod error;
pub mod fingerprint;
pub mod fix;
pub mod fs;
pub mod history_cache;
pub mod hook;
pub mod index;
pub mod init;
pub mod lsp;
pub mod parse_cache;
pub mod paths;
pub mod repo;
pub mod report;
pub mod resolve;
pub mod rules;
pub mod run_cache;
pub mod schema;
pub mod scope;
pub mod sink;
pub mod site;
pub mod source;
pub mod stale;
pub mod suggest;

mod app;

pub use app::{run, ExitStatus};
pub use check::{check, CheckOptions, Outcome};
pub use diagnostic::{Diagnostic, Severity};
pub use error::Error;

/// A hash map with a fast, per-process seeded hasher, for the maps keyed by path that every
/// reference is looked up in.
pub type FastMap<K, V> = std::collections::HashMap<K, V, foldhash::fast::RandomState>;
/// A hash set with the hasher of [`FastMap`].
pub type FastSet<T> = std::collections::HashSet<T, foldhash::fast::RandomState>;

/// What the unit tests share.
#[cfg(test)]
pub(crate) mod testing {
    /// A xorshift generator from `seed`: each call gives a number below its argument, the
    /// same sequence on every run.
    pub fn random(mut seed: u64) -> impl FnMut(usize) -> usize {
        move |n: usize| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            (seed % n as u64) as usize
        }
    }
}
