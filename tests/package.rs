//! The crate as `cargo package` makes it for crates.io: the sources, the build script, and
//! every rule doc under rules/ (the binary embeds them, and `docsteward rule ID` shows
//! them); no tests, fixtures or benchmarks. .ci/run also builds the package and runs
//! `cargo publish --dry-run`.

use std::path::Path;
use std::process::Command;

#[test]
fn the_crate_holds_the_sources_and_every_rule_doc() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let out = Command::new(env!("CARGO"))
        .args([
            "package",
            "--list",
            "--locked",
            "--allow-dirty",
            "--offline",
        ])
        .current_dir(root)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let listed: Vec<String> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(str::to_owned)
        .collect();
    let has = |name: &str| listed.iter().any(|l| l == name);
    for name in [
        "Cargo.toml",
        "Cargo.lock",
        "README.md",
        "build.rs",
        "src/main.rs",
        "src/lib.rs",
    ] {
        assert!(has(name), "the package lacks {name}: {listed:?}");
    }
    let mut docs = Vec::new();
    collect(&root.join("rules"), root, &mut docs);
    assert!(docs.len() > 20, "{docs:?}");
    for doc in &docs {
        assert!(has(doc), "the package lacks {doc}");
    }
    for prefix in [
        "tests/",
        "fixtures/",
        "bench/",
        "fuzz/",
        "python/",
        ".github/",
    ] {
        assert!(
            !listed.iter().any(|l| l.starts_with(prefix)),
            "the package holds {prefix}: {listed:?}"
        );
    }
}

fn collect(dir: &Path, root: &Path, into: &mut Vec<String>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            collect(&path, root, into);
        } else {
            let rel = path.strip_prefix(root).unwrap().to_str().unwrap();
            into.push(rel.replace('\\', "/"));
        }
    }
}
