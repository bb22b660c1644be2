//! Rules about reading files at all.

pub mod unreadable;
