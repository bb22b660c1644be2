//! Rules about references to other files and anchors.

pub mod ambiguous;
pub mod case_mismatch;
pub mod missing_anchor;
pub mod missing_file;
pub mod outside_repo;
pub mod untracked;
