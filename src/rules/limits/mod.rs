//! Rules about bounds on what one file may make docsteward do.

pub mod file_too_large;
pub mod too_many_findings;
