//! `docsteward init`: infer `docsteward.toml` and one JSON Schema per content type from the
//! documents a repository already has, writing beside every choice the evidence for it.

mod infer;
mod render;

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
