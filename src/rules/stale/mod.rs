//! Rules about how old documents are.

pub mod age;
