//! Rules about bounds on what one file may make docsteward do.

pub mod file_too_large;
