//! Rules about footnotes.

pub mod undefined;
pub mod unused;
