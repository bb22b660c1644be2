//! `docsteward review`: a steward confirms a document is current by setting its review-date
//! key (`[stale] reviewed-key`) to a day. Only that value changes: every other byte of the
//! file (line endings, comments, key order, quoting, the body) stays as it was.

use jiff::civil::Date;

use super::dates;

/// Why a document's front matter cannot take a review date.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Refusal {
    /// A JSON object opens the file: review writes YAML and TOML front matter only.
    Json,
    /// The opening `---` or `+++` is never closed.
    Unclosed,
}

impl std::fmt::Display for Refusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Refusal::Json => "its front matter is JSON; review writes YAML and TOML front matter",
            Refusal::Unclosed => "its front matter block is never closed",
        })
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Syntax {
    Yaml,
    Toml,
}

/// `text` with `key` set to `date`: the value replaced in place when the key is there (in
/// the form it was written: `MM/DD/YYYY` stays `MM/DD/YYYY`, a timestamp keeps its time),
/// else a line added at the end of the block, else a YAML block added at the top.
pub fn set_reviewed(text: &str, key: &str, date: Date) -> Result<String, Refusal> {
    let start = if text.starts_with('\u{feff}') {
        '\u{feff}'.len_utf8()
    } else {
        0
    };
    let first_end = line_end(text, start);
    let first = &text[start..first_end];
    let newline = if first.ends_with("\r\n") {
        "\r\n"
    } else {
        "\n"
    };
    let (syntax, closers): (Syntax, &[&str]) = match first.trim_end() {
        "---" => (Syntax::Yaml, &["---", "..."]),
        "+++" => (Syntax::Toml, &["+++"]),
        f if f.starts_with('{') => return Err(Refusal::Json),
        _ => {
            let mut out = String::with_capacity(text.len() + key.len() + 24);
            out.push_str(&text[..start]);
            out.push_str(&format!(
                "---{newline}{}: {date}{newline}---{newline}",
                yaml_key(key)
            ));
            out.push_str(&text[start..]);
            return Ok(out);
        }
    };
    // Top-level keys of a TOML block end at its first table header: a new key goes before it.
    let mut insert_at = None;
    let mut line = first_end;
    loop {
        if line >= text.len() {
            return Err(Refusal::Unclosed);
        }
        let end = line_end(text, line);
        let content = text[line..end].trim_end_matches(['\r', '\n']);
        if closers.contains(&content.trim_end()) {
            insert_at.get_or_insert(line);
            break;
        }
        if syntax == Syntax::Toml && content.trim_start().starts_with('[') {
            insert_at.get_or_insert(line);
        }
        if insert_at.is_none() {
            if let Some(value) = value_span(content, key, syntax) {
                let (from, to) = (line + value.0, line + value.1);
                let old = &text[from..to];
                return Ok(format!(
                    "{}{}{}",
                    &text[..from],
                    rewrite(old, date),
                    &text[to..]
                ));
            }
        }
        line = end;
    }
    let at = insert_at.unwrap_or(text.len());
    let added = match syntax {
        Syntax::Yaml => format!("{}: {date}{newline}", yaml_key(key)),
        // A TOML local date, as Hugo's `lastmod` is written.
        Syntax::Toml => format!("{} = {date}{newline}", toml_key(key)),
    };
    Ok(format!("{}{added}{}", &text[..at], &text[at..]))
}

/// The end of the line starting at `from`, past its line break.
fn line_end(text: &str, from: usize) -> usize {
    text[from..].find('\n').map_or(text.len(), |i| from + i + 1)
}

/// Where the value of `key` sits in `line` (without quotes or a trailing comment), when the
/// line sets that top-level key.
fn value_span(line: &str, key: &str, syntax: Syntax) -> Option<(usize, usize)> {
    if line.starts_with([' ', '\t']) {
        return None;
    }
    let rest = [format!("\"{key}\""), format!("'{key}'"), key.to_owned()]
        .iter()
        .find_map(|k| line.strip_prefix(k.as_str()))?;
    let separator = match syntax {
        Syntax::Yaml => ':',
        Syntax::Toml => '=',
    };
    let after = rest
        .trim_start_matches([' ', '\t'])
        .strip_prefix(separator)?;
    let mut from = line.len() - after.len();
    from += after.len() - after.trim_start_matches([' ', '\t']).len();
    let value = &line[from..];
    let to = match value.chars().next() {
        Some(q @ ('"' | '\'')) => {
            from += 1;
            from + value[1..].find(q)?
        }
        _ => {
            let comment = value.find(" #").or_else(|| value.find("\t#"));
            from + value[..comment.unwrap_or(value.len())].trim_end().len()
        }
    };
    Some((from, to))
}

/// `date` in the form `old` was written in.
fn rewrite(old: &str, date: Date) -> String {
    let old = old.trim();
    if old.contains('/') && dates::parse(old).is_some() {
        let padded = old.len() == 10;
        return if padded {
            date.strftime("%m/%d/%Y").to_string()
        } else {
            date.strftime("%-m/%-d/%Y").to_string()
        };
    }
    // A timestamp keeps its time of day and zone: only the day is the steward's.
    if old.len() > 10 && old.is_char_boundary(10) && old[..10].parse::<Date>().is_ok() {
        return format!("{date}{}", &old[10..]);
    }
    date.to_string()
}

fn plain_key(key: &str) -> bool {
    !key.is_empty()
        && key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-'))
}

fn yaml_key(key: &str) -> String {
    if plain_key(key)
        || key
            .chars()
            .all(|c| c.is_alphanumeric() || "_-.".contains(c))
    {
        key.to_owned()
    } else {
        format!("\"{}\"", key.replace('\\', "\\\\").replace('"', "\\\""))
    }
}

/// A dotted TOML key names a table: `ms.date` must be quoted to stay one key.
fn toml_key(key: &str) -> String {
    if plain_key(key) {
        key.to_owned()
    } else {
        format!("\"{}\"", key.replace('\\', "\\\\").replace('"', "\\\""))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set(text: &str, key: &str) -> String {
        set_reviewed(text, key, jiff::civil::date(2026, 3, 4)).unwrap()
    }

    #[test]
    fn replaces_only_the_value() {
        assert_eq!(
            set(
                "---\r\ntitle: A\r\nreviewed: 2020-01-01 # kept\r\nz: 1\r\n---\r\nBody\r\n",
                "reviewed"
            ),
            "---\r\ntitle: A\r\nreviewed: 2026-03-04 # kept\r\nz: 1\r\n---\r\nBody\r\n"
        );
        assert_eq!(
            set("---\nreviewed: \"2020-01-01\"\n---\n", "reviewed"),
            "---\nreviewed: \"2026-03-04\"\n---\n"
        );
        assert_eq!(
            set(
                "+++\ntitle = \"A\"\nreviewed = 2020-01-01\n[extra]\nreviewed = 1\n+++\n",
                "reviewed"
            ),
            "+++\ntitle = \"A\"\nreviewed = 2026-03-04\n[extra]\nreviewed = 1\n+++\n"
        );
    }

    #[test]
    fn keeps_the_documents_date_form() {
        assert_eq!(
            set("---\nms.date: 01/05/2024\n---\n", "ms.date"),
            "---\nms.date: 03/04/2026\n---\n"
        );
        assert_eq!(
            set("---\nms.date: 1/5/2024\n---\n", "ms.date"),
            "---\nms.date: 3/4/2026\n---\n"
        );
        assert_eq!(
            set("---\nreviewed: 2024-01-05T10:00:00Z\n---\n", "reviewed"),
            "---\nreviewed: 2026-03-04T10:00:00Z\n---\n"
        );
    }

    #[test]
    fn adds_the_key_or_the_block() {
        assert_eq!(
            set("---\ntitle: A\n---\nB\n", "reviewed"),
            "---\ntitle: A\nreviewed: 2026-03-04\n---\nB\n"
        );
        assert_eq!(
            set("---\n  reviewed: x\n...\n", "reviewed"),
            "---\n  reviewed: x\nreviewed: 2026-03-04\n...\n"
        );
        assert_eq!(
            set("+++\ntitle = \"A\"\n[params]\nx = 1\n+++\n", "ms.date"),
            "+++\ntitle = \"A\"\n\"ms.date\" = 2026-03-04\n[params]\nx = 1\n+++\n"
        );
        assert_eq!(
            set("# A\r\n", "reviewed"),
            "---\r\nreviewed: 2026-03-04\r\n---\r\n# A\r\n"
        );
        assert_eq!(
            set("\u{feff}# A\n", "reviewed"),
            "\u{feff}---\nreviewed: 2026-03-04\n---\n# A\n"
        );
        assert_eq!(set("", "reviewed"), "---\nreviewed: 2026-03-04\n---\n");
        assert_eq!(
            set_reviewed("---\na: 1\n", "r", jiff::civil::date(2026, 1, 1)),
            Err(Refusal::Unclosed)
        );
        assert_eq!(
            set_reviewed("{\"a\": 1}\n", "r", jiff::civil::date(2026, 1, 1)),
            Err(Refusal::Json)
        );
    }
}
