//! `docsteward init`: infer `docsteward.toml` and one JSON Schema per content type from the
//! documents a repository already has, writing beside every choice the evidence for it.

mod infer;
mod render;
pub mod review;

use std::path::PathBuf;

pub use infer::{infer, Inference};

use crate::error::Error;

/// The files `init` would write, repository-relative, with their contents.
pub struct Plan {
    pub files: Vec<(String, String)>,
}

impl Plan {
    pub fn new(inference: &Inference) -> Plan {
        let mut files = vec![(
            crate::config::FILE_NAME.to_owned(),
            render::config(inference),
        )];
        for t in &inference.types {
            files.push((t.schema_path(), render::schema(t)));
        }
        Plan { files }
    }

    /// Loads the configuration this plan would write, with its schemas, exactly as a check
    /// will: `init` never leaves a configuration that docsteward itself rejects.
    pub fn validate(&self) -> Result<(), Error> {
        let (config_path, config) = self
            .files
            .iter()
            .find(|(p, _)| p == crate::config::FILE_NAME)
            .map(|(p, t)| (p.as_str(), t.as_str()))
            .unwrap_or((crate::config::FILE_NAME, ""));
        // Schema sources live as long as the settings: hand over a copy (a few small files).
        let files = self.files.clone();
        let read = move |wanted: &str| {
            files
                .iter()
                .find(|(p, _)| p == wanted)
                .map(|(_, text)| text.as_bytes().to_vec())
        };
        crate::config::Settings::load(config, config_path, "", &read).map(|_| ()).map_err(|e| {
            e.with_help(
                "docsteward init inferred a configuration it cannot load, which is a bug in init; nothing was written (--dry-run shows the files)",
            )
        })
    }

    /// Writes every file under `root`; refuses to replace an existing one unless `force`.
    /// Each file is written whole or not at all, and never through a symbolic link, nor
    /// into a folder that is one.
    pub fn write(&self, root: &std::path::Path, force: bool) -> Result<Vec<PathBuf>, Error> {
        if !force {
            let exists = |p: &str| std::fs::symlink_metadata(root.join(p)).is_ok();
            if let Some((path, _)) = self.files.iter().find(|(p, _)| exists(p)) {
                return Err(Error::WouldOverwrite { path: path.clone() });
            }
        }
        let mut written = Vec::new();
        for (path, text) in &self.files {
            let full = root.join(path);
            crate::fs::write_file(&full, Some(root), 0o666, text.as_bytes()).map_err(|source| {
                Error::Write {
                    path: full.clone(),
                    source,
                }
            })?;
            written.push(full);
        }
        Ok(written)
    }
}
