//! Configuration in two stages: [`options`] is the file as written, [`settings`] is what
//! rules read, resolved once (globs compiled, schemas loaded, severities decided).

pub mod options;
pub mod settings;

pub use settings::{parse_duration_days, ContentType, Level, Settings, StaleSettings};

/// The file docsteward looks for.
pub const FILE_NAME: &str = "docsteward.toml";
