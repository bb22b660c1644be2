//! Rules about references to other files and anchors.

pub mod case_mismatch;
pub mod missing_anchor;
pub mod missing_file;
pub mod outside_repo;
pub mod untracked;
