//! Errors that stop a run (exit 2). Findings in documents are [`crate::Diagnostic`]s instead.

use std::ops::Range;
use std::path::PathBuf;

/// A mistake in a configuration or schema file, pointing into that file.
#[derive(Debug)]
pub struct ConfigError {
    /// The file as the user names it.
    pub path: String,
    pub text: String,
    pub span: Option<Range<usize>>,
    pub message: String,
    pub help: Option<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{} is not inside a git repository", path.display())]
    NotARepository { path: PathBuf },
    #[error("the repository at {} belongs to another user", path.display())]
    NotOwned { path: PathBuf },
    #[error("{} is a bare repository, which has no work tree to check", path.display())]
    BareRepository { path: PathBuf },
    #[error("{}: {}", .0.path, .0.message)]
    Config(Box<ConfigError>),
    #[error("git: {0}")]
    Git(#[from] git2::Error),
    #[error("cannot read {}: {source}", path.display())]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("cannot write {}: {source}", path.display())]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{} is outside the repository at {}", path.display(), root.display())]
    OutsideRepository { path: PathBuf, root: PathBuf },
    #[error("{path} cannot be reviewed: {reason}")]
    NotReviewable { path: String, reason: String },
    #[error("{path} is not in the repository snapshot")]
    NotInSnapshot { path: String, ignored: bool },
    #[error("cannot resolve revision `{rev}`: {message}")]
    Revision { rev: String, message: String },
    #[error("cannot read {path}: object {oid} is missing or corrupt ({message})")]
    CorruptObject {
        path: String,
        oid: String,
        message: String,
    },
    #[error(transparent)]
    Damaged(#[from] Damage),
    #[error("cannot read the history at commit {commit}: {message}")]
    History { commit: String, message: String },
    #[error("--fix and --diff change the work tree; they cannot be used with {snapshot}")]
    FixOutsideWorktree { snapshot: &'static str },
    #[error("{path} exists already")]
    WouldOverwrite { path: String },
    #[error("baseline {file} cannot be read: {message}")]
    Baseline { file: String, message: String },
    #[error("this is a shallow clone: docsteward cannot know how old documents are")]
    Shallow,
    #[error("{file}: {message}")]
    SiteConfig { file: String, message: String },
    #[error("unknown rule `{id}`")]
    UnknownRule {
        id: String,
        suggestion: Option<String>,
    },
    #[error("{} was not installed by docsteward", path.display())]
    ForeignHook { path: PathBuf },
}

/// Damage to the object database, found before libgit2 reads it (see `repo::objects`).
#[derive(Clone, Debug, thiserror::Error)]
pub enum Damage {
    #[error("object {oid} is damaged: {problem} ({})", file.display())]
    Object {
        oid: String,
        file: PathBuf,
        problem: String,
    },
    #[error("pack {} is damaged: {problem}", pack.display())]
    Pack { pack: PathBuf, problem: String },
}

impl Error {
    /// What the user can do about it.
    pub fn help(&self) -> Option<String> {
        match self {
            Error::NotARepository { .. } => Some(
                "run docsteward inside a git repository, pass -C DIR, or create one with `git init` and add the documents"
                    .to_owned(),
            ),
            Error::NotOwned { path } => Some(format!(
                "git refuses repositories owned by someone else (safe.directory); if you trust it: git config --global --add safe.directory {}",
                path.display()
            )),
            Error::BareRepository { .. } => Some("check a revision's tree instead: --rev HEAD".to_owned()),
            Error::Revision { .. } => Some(
                "name a branch, tag or commit that exists here; in CI, fetch the history first (actions/checkout with fetch-depth: 0)"
                    .to_owned(),
            ),
            Error::Config(c) => c.help.clone(),
            Error::Damaged(_) | Error::History { .. } => Some(
                "the repository is damaged: `git fsck` lists what is broken; restore it from another copy \
                 (a fresh clone, or `git fetch` from a remote that has the objects)"
                    .to_owned(),
            ),
            Error::CorruptObject { .. } => Some(
                "the repository is damaged: run `git fsck`, or fetch the object again (a fresh clone, or `git fetch` from a remote that has it)"
                    .to_owned(),
            ),
            Error::WouldOverwrite { .. } => Some(
                "docsteward init does not replace files: pass --force to overwrite, or --dry-run to see what it would write"
                    .to_owned(),
            ),
            Error::Baseline { .. } => Some(
                "write it again with `docsteward baseline`, or pass --no-baseline".to_owned(),
            ),
            Error::Shallow => Some(
                "fetch the whole history (git fetch --unshallow, or fetch-depth: 0 in actions/checkout), \
                 or pass --allow-shallow to report ages at the clone's edge as \"at least N days\", \
                 or turn stale/age off in [rules]"
                    .to_owned(),
            ),
            Error::Write { source, .. } if source.kind() == std::io::ErrorKind::PermissionDenied => Some(
                "docsteward writes only regular files and never through a symbolic link: remove the link, or name another file"
                    .to_owned(),
            ),
            Error::OutsideRepository { .. } => Some("name files and folders inside the repository".to_owned()),
            Error::NotInSnapshot { path, ignored: true } => {
                Some(format!("{path} is ignored by git; documents are the files git tracks or would track"))
            }
            Error::NotInSnapshot { .. } => Some("check the spelling; paths are relative to the current directory".to_owned()),
            Error::UnknownRule { suggestion: Some(s), .. } => Some(format!("did you mean `{s}`? `docsteward rules` lists them all")),
            Error::UnknownRule { .. } => Some("`docsteward rules` lists every rule".to_owned()),
            Error::ForeignHook { .. } => Some(
                "docsteward leaves hooks it did not write alone: `docsteward hook install --force` replaces it, or call `docsteward check --staged` from it"
                    .to_owned(),
            ),
            _ => None,
        }
    }

    pub fn config(
        path: &str,
        text: &str,
        span: Option<Range<usize>>,
        message: impl Into<String>,
    ) -> Error {
        Error::Config(Box::new(ConfigError {
            path: path.to_owned(),
            text: text.to_owned(),
            span,
            message: message.into(),
            help: None,
        }))
    }

    pub fn with_help(mut self, help: impl Into<String>) -> Error {
        if let Error::Config(c) = &mut self {
            c.help = Some(help.into());
        }
        self
    }
}
