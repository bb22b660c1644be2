//! Rules about how documents link together.

pub mod orphan;
