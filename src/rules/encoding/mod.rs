//! Rules about how a file is encoded.

pub mod invalid_utf8;
pub mod mojibake;
pub mod not_text;
