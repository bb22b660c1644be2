//! GitHub's `CODEOWNERS`: who owns a document when its front matter names nobody. GitHub
//! reads the first of `.github/CODEOWNERS`, `CODEOWNERS` and `docs/CODEOWNERS`; the last
//! pattern that matches a path wins, and a pattern without owners leaves the path unowned.
//! Patterns follow gitignore's rules, except that `!` negation and `[ ]` ranges are not
//! supported (GitHub ignores such lines); `#` starts a comment, `\#` is a literal `#`.
//! <https://docs.github.com/en/repositories/managing-your-repositorys-settings-and-features/customizing-your-repository/about-code-owners>

use globset::{GlobBuilder, GlobMatcher};

use crate::repo::Snapshot;

/// Where GitHub looks, in order; the first that exists is used.
pub const LOCATIONS: &[&str] = &[".github/CODEOWNERS", "CODEOWNERS", "docs/CODEOWNERS"];

/// The rules of one `CODEOWNERS` file, in file order.
#[derive(Debug, Default)]
pub struct CodeOwners {
    /// The file they were read from.
    pub file: Option<String>,
    rules: Vec<(Vec<GlobMatcher>, Vec<String>)>,
}

impl CodeOwners {
    /// The `CODEOWNERS` file GitHub would use in `snapshot`, if there is one.
    pub fn read(snapshot: &Snapshot) -> CodeOwners {
        for &location in LOCATIONS {
            if !snapshot.contains(location) {
                continue;
            }
            if let Ok(bytes) = snapshot.read_limited(location, crate::fs::MAX_AUXILIARY) {
                let mut owners = CodeOwners::parse(&String::from_utf8_lossy(&bytes));
                owners.file = Some(location.to_owned());
                return owners;
            }
        }
        CodeOwners::default()
    }

    pub fn parse(text: &str) -> CodeOwners {
        let mut rules = Vec::new();
        for line in text.lines() {
            let line = strip_comment(line);
            let mut words = line.split_whitespace();
            let Some(pattern) = words.next() else {
                continue;
            };
            // GitHub skips lines it cannot read; so does docsteward.
            if pattern.starts_with('!') || pattern.contains('[') {
                continue;
            }
            let owners: Vec<String> = words.map(str::to_owned).collect();
            let globs: Vec<GlobMatcher> = globs(&pattern.replace("\\#", "#"))
                .iter()
                .filter_map(|g| {
                    GlobBuilder::new(g)
                        .literal_separator(true)
                        .build()
                        .ok()
                        .map(|g| g.compile_matcher())
                })
                .collect();
            if !globs.is_empty() {
                rules.push((globs, owners));
            }
        }
        CodeOwners { file: None, rules }
    }

    /// The owners of `path` (repository-relative): the last matching rule's; empty when
    /// none matches or that rule names nobody.
    pub fn owners(&self, path: &str) -> &[String] {
        self.rules
            .iter()
            .rev()
            .find(|(globs, _)| globs.iter().any(|g| g.is_match(path)))
            .map_or(&[], |(_, owners)| owners.as_slice())
    }
}

/// The line without its comment: `#` at the start or after a space, unless escaped.
fn strip_comment(line: &str) -> &str {
    let bytes = line.as_bytes();
    for (i, &b) in bytes.iter().enumerate() {
        if b == b'#' && (i == 0 || bytes[i - 1] != b'\\') {
            return &line[..i];
        }
    }
    line
}

/// The globs a gitignore-style pattern stands for: anchored at the root when it has a `/`
/// before its end, else at any depth; a name without wildcards that matches a folder covers
/// everything in it, while `docs/*` covers the folder's files only (GitHub's example).
fn globs(pattern: &str) -> Vec<String> {
    let dir_only = pattern.ends_with('/');
    let body = pattern.trim_end_matches('/');
    if body.is_empty() {
        return Vec::new();
    }
    let anchored = body.contains('/');
    let body = body.trim_start_matches('/');
    let base = if anchored || body.starts_with("**") {
        body.to_owned()
    } else {
        format!("**/{body}")
    };
    let under = format!("{base}/**");
    let last = base.rsplit('/').next().unwrap_or("");
    if dir_only {
        vec![under]
    } else if last.contains('*') || last.contains('?') {
        vec![base]
    } else {
        vec![base, under]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_last_matching_pattern_wins() {
        let owners = CodeOwners::parse(
            "# Default owners\n\
             *       @docs-team\n\
             *.md    @writers # prose\n\
             /glossary/  @lexicographers\n\
             apps/   @app-team\n\
             /docs/generated/\n\
             /build/logs/ @doctocat\n\
             docs/*  docs@example.com\n\
             \\#notes.md @hash\n",
        );
        let o = |p: &str| owners.owners(p).join(" ");
        assert_eq!(o("README.md"), "@writers");
        assert_eq!(o("src/main.rs"), "@docs-team");
        assert_eq!(o("glossary/tacit.md"), "@lexicographers");
        assert_eq!(o("glossary/deep/a.md"), "@lexicographers");
        // Not anchored: `apps/` anywhere.
        assert_eq!(o("web/apps/guide.md"), "@app-team");
        // A pattern without owners leaves the path unowned.
        assert_eq!(o("docs/generated/api.md"), "");
        // `docs/*` covers the folder's files, not deeper ones (gitignore: `*` stops at `/`)
        // ... but an earlier, deeper match still applies.
        assert_eq!(o("docs/intro.md"), "docs@example.com");
        assert_eq!(o("docs/deep/intro.md"), "@writers");
        assert_eq!(o("#notes.md"), "@hash");
    }

    #[test]
    fn lines_github_cannot_read_are_skipped() {
        let owners = CodeOwners::parse("*.md @a\n!skip.md @b\n[ab].md @c\n");
        assert_eq!(owners.owners("skip.md"), ["@a"]);
        assert_eq!(owners.owners("a.md"), ["@a"]);
    }
}
