//! Rules about files that documents use.

pub mod unused;
