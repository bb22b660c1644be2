//! Configuration in two stages: [`options`] is the file as written, [`settings`] is what
//! rules read, resolved once (globs compiled, schemas loaded, severities decided).

pub mod options;
pub mod settings;

pub use settings::{ContentType, Level, Settings};

/// The file docsteward looks for.
pub const FILE_NAME: &str = "docsteward.toml";
