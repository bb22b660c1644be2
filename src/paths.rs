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
}
