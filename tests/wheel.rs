//! The Python wheel (python/pyproject.toml, built by maturin in .ci/run): installed into a
//! fresh virtual environment with pip and no index, its `docsteward` runs the README's demo
//! and reports exactly what the binary under test reports.

mod common;

use std::path::Path;
use std::process::Command;

use common::{wheelhouse, TestRepo};

#[test]
fn the_wheel_installs_the_cli_and_runs_the_demo() {
    let Some((dir, wheel)) = wheelhouse() else {
        return;
    };
    let size = std::fs::metadata(&wheel).unwrap().len();
    eprintln!("{}: {size} bytes", wheel.display());
    // A stripped binary: a wheel ten times larger would mean debug symbols shipped.
    assert!(size < 12 << 20, "{}: {size} bytes", wheel.display());

    let env = tempfile::tempdir().unwrap();
    let venv = env.path().join("venv");
    let ok = |out: std::process::Output| {
        assert!(
            out.status.success(),
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    ok(Command::new("python3")
        .args(["-m", "venv"])
        .arg(&venv)
        .output()
        .unwrap());
    ok(Command::new(venv.join("bin/python"))
        .args([
            "-m",
            "pip",
            "install",
            "--quiet",
            "--no-index",
            "--find-links",
        ])
        .arg(&dir)
        .arg(format!("docsteward=={}", env!("CARGO_PKG_VERSION")))
        .output()
        .unwrap());
    let installed = venv.join("bin/docsteward");
    assert!(
        installed.is_file(),
        "pip put no docsteward in the environment"
    );

    let version = ok(Command::new(&installed).arg("--version").output().unwrap());
    assert!(
        version.starts_with(&format!("docsteward {} ", env!("CARGO_PKG_VERSION")))
            || version == format!("docsteward {}\n", env!("CARGO_PKG_VERSION")),
        "{version}"
    );

    // The README's demo, in a repository of its own, from both binaries.
    let repo = TestRepo::new();
    repo.copy_tree(&Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/handbook"));
    repo.commit("the handbook");
    let from_wheel = common::docsteward_at(&installed, repo.root(), &["check", "--format", "json"])
        .output()
        .unwrap();
    assert_eq!(from_wheel.status.code(), Some(1), "the demo has findings");
    let expected = repo.check_json(&[]);
    let report: serde_json::Value = serde_json::from_slice(&from_wheel.stdout).unwrap();
    assert_eq!(report, expected.json());
    assert_eq!(report["summary"]["errors"], 12, "{report}");
}
