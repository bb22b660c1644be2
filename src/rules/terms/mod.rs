//! Rules about glossary terms and the references to them.

pub mod duplicate;
pub mod one_way;
pub mod unknown;
