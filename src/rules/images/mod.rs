//! Rules about images.

pub mod missing_alt;
