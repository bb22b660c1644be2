//! Repository-relative paths: always `/`-separated, never starting with `/` or `./`, never
//! escaping the root. Folders are written with a trailing `/` (`""` is the root).

/// The folder holding `path`, with a trailing `/` (or `""` at the root).
pub fn parent(path: &str) -> String {
    match path.rfind('/') {
        Some(i) => path[..=i].to_owned(),
        None => String::new(),
    }
}

/// `dir` with a trailing `/` unless it is the root.
pub fn as_dir(dir: &str) -> String {
    let dir = dir.trim_end_matches('/');
    if dir.is_empty() {
        String::new()
    } else {
        format!("{dir}/")
    }
}

/// Joins `rel` onto the folder `dir` and normalises `.` and `..`. `None` when the result
/// would leave the repository.
pub fn join(dir: &str, rel: &str) -> Option<String> {
    let mut parts: Vec<&str> = dir.split('/').filter(|s| !s.is_empty()).collect();
    for seg in rel.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            s => parts.push(s),
        }
    }
    Some(parts.join("/"))
}

/// The file name without its extension.
pub fn stem(path: &str) -> &str {
    let name = path.rsplit('/').next().unwrap_or(path);
    match name.rfind('.') {
        Some(i) if i > 0 => &name[..i],
        _ => name,
    }
}

/// `to` written relative to the folder `from_dir`, as a link in that folder would be.
pub fn relative(from_dir: &str, to: &str) -> String {
    let from: Vec<&str> = from_dir.split('/').filter(|s| !s.is_empty()).collect();
    let target: Vec<&str> = to.split('/').collect();
    let common = from.iter().zip(&target).take_while(|(a, b)| a == b).count();
    let mut parts: Vec<&str> = vec![".."; from.len() - common];
    parts.extend(&target[common..]);
    parts.join("/")
}

/// A file name as git stores it (bytes), as docsteward shows and keys it: the UTF-8 text
/// itself, else its valid parts with every other byte written `\xNN`, so that the name is
/// readable, distinct from its neighbours and safe in every output format.
pub fn from_bytes(bytes: &[u8]) -> std::borrow::Cow<'_, str> {
    match std::str::from_utf8(bytes) {
        Ok(text) => std::borrow::Cow::Borrowed(text),
        Err(_) => {
            let mut out = String::with_capacity(bytes.len() + 8);
            for chunk in bytes.utf8_chunks() {
                out.push_str(chunk.valid());
                for b in chunk.invalid() {
                    out.push_str(&format!("\\x{b:02X}"));
                }
            }
            std::borrow::Cow::Owned(out)
        }
    }
}

pub fn file_name(path: &str) -> &str {
    path.rsplit('/').next().unwrap_or(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn join_normalises_and_refuses_to_escape() {
        assert_eq!(join("docs/", "../img/a.png").as_deref(), Some("img/a.png"));
        assert_eq!(join("", "./a/./b.md").as_deref(), Some("a/b.md"));
        assert_eq!(join("docs/", "../../x"), None);
        assert_eq!(parent("a/b/c.md"), "a/b/");
        assert_eq!(parent("c.md"), "");
        assert_eq!(stem("a/b.c.md"), "b.c");
        assert_eq!(relative("docs/a/", "docs/b/c.md"), "../b/c.md");
        assert_eq!(relative("", "img/x.png"), "img/x.png");
    }

    #[test]
    fn names_that_are_not_utf8_are_escaped() {
        assert_eq!(from_bytes(b"caf\xc3\xa9.md"), "café.md");
        assert_eq!(from_bytes(b"caf\xe9.md"), "caf\\xE9.md");
        assert_eq!(from_bytes(b"a/\xff\xfe/b.md"), "a/\\xFF\\xFE/b.md");
    }
}
