//! Rules about the front matter block.

pub mod schema;
pub mod syntax;
