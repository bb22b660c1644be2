//! Property: for random documents (random text, tabs, line endings, a byte order mark) with
//! random links that history or the index can repair, `check --fix` writes exactly the
//! document with those links repaired, and a check afterwards finds none of them.

mod common;

use common::TestRepo;
use proptest::prelude::*;

/// A link the document may hold: what it is written as, and what the fix must make it.
const LINKS: &[(&str, &str)] = &[
    // Unchanged: the file is where the link says.
    ("../docs/stay.md", "../docs/stay.md"),
    // Renamed once.
    ("../docs/alpha.md", "../docs/a2.md"),
    ("./../docs/alpha.md", "./../docs/a2.md"),
    // Renamed into another folder, then renamed again.
    ("../guide/gamma.md", "../other/g2.md"),
    ("/guide/gamma.md", "/other/g2.md"),
    // Letter case differs from what git has.
    ("../docs/Beta.md", "../docs/beta.md"),
    // An image moved to another folder.
    ("../img/pic.png", "../media/pic.png"),
];

#[derive(Clone, Debug)]
enum Piece {
    Text(String),
    Link {
        which: usize,
        fragment: bool,
        image: bool,
    },
    Break,
}

fn piece() -> impl Strategy<Value = Piece> {
    prop_oneof![
        "[a-zA-Z0-9 \t.,;:é]{1,12}".prop_map(Piece::Text),
        (0..LINKS.len(), any::<bool>(), any::<bool>()).prop_map(|(which, fragment, image)| {
            Piece::Link {
                which,
                fragment,
                image,
            }
        }),
        Just(Piece::Break),
    ]
}

/// The document with each link written as `LINKS[i].0` (`fixed` false) or `.1`.
fn render(pieces: &[Piece], bom: bool, eol: &str, fixed: bool) -> String {
    let mut out = String::new();
    if bom {
        out.push('\u{feff}');
    }
    // Every line starts with a word: text never becomes an indented code block.
    out.push_str("w ");
    for p in pieces {
        match p {
            Piece::Text(t) => out.push_str(t),
            Piece::Link {
                which,
                fragment,
                image,
            } => {
                let (before, after) = LINKS[*which];
                let target = if fixed { after } else { before };
                let is_png = target.ends_with(".png");
                let bang = if *image || is_png { "!" } else { "" };
                let fragment = if *fragment && !is_png { "#part" } else { "" };
                out.push_str(&format!(" {bang}[t]({target}{fragment}) "));
            }
            Piece::Break => {
                out.push_str(eol);
                out.push_str("w ");
            }
        }
    }
    out.push_str(eol);
    out
}

fn history(repo: &TestRepo) {
    for (path, text) in [
        ("docs/stay.md", "# Stay\n\n## Part\n\nstays where it is\n"),
        (
            "docs/alpha.md",
            "# Alpha\n\n## Part\n\nalpha text, renamed once\n",
        ),
        (
            "docs/Beta.md",
            "# Beta\n\n## Part\n\nbeta text, case changes\n",
        ),
        (
            "guide/gamma.md",
            "# Gamma\n\n## Part\n\ngamma moves twice\n",
        ),
    ] {
        repo.write(path, text);
    }
    repo.write("img/pic.png", b"\x89PNG\r\n\x1a\n a picture");
    repo.commit("first");
    for (from, to) in [
        ("docs/alpha.md", "docs/a2.md"),
        ("guide/gamma.md", "guide/g1.md"),
        ("docs/Beta.md", "docs/beta.md"),
        ("img/pic.png", "media/pic.png"),
    ] {
        let to = repo.path(to);
        std::fs::create_dir_all(to.parent().unwrap()).unwrap();
        std::fs::rename(repo.path(from), to).unwrap();
    }
    repo.commit("renames");
    std::fs::create_dir_all(repo.path("other")).unwrap();
    std::fs::rename(repo.path("guide/g1.md"), repo.path("other/g2.md")).unwrap();
    repo.commit("moved again");
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    #[test]
    fn fixing_repairs_exactly_the_fixable_links(
        pieces in prop::collection::vec(piece(), 0..24),
        bom in any::<bool>(),
        crlf in any::<bool>(),
    ) {
        let eol = if crlf { "\r\n" } else { "\n" };
        let repo = TestRepo::new();
        history(&repo);
        let broken = render(&pieces, bom, eol, false);
        repo.write("notes/page.md", &broken);
        repo.commit("the page");

        let out = repo.run(&["check", "--fix"]);
        prop_assert!(out.code == 0, "{}\n{}", out.stdout, out.stderr);
        let written = std::fs::read(repo.path("notes/page.md")).unwrap();
        prop_assert_eq!(String::from_utf8(written).unwrap(), render(&pieces, bom, eol, true));

        let after = repo.check_json(&[]).json();
        prop_assert!(common::diagnostics(&after).is_empty(), "{:#}", after);
    }
}
