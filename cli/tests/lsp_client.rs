//! `charter lsp` driven by a real LSP client: the pytest-lsp suite in
//! editors/tests, run against this build's `charter`. It needs `python3`
//! with `venv`; the client's packages (editors/tests/requirements.txt) are
//! installed once into target/lsp-venv from PyPI.

#![allow(
    clippy::expect_used,
    clippy::panic,
    reason = "a test stops at the first thing that is not as it should be"
)]

use std::path::Path;
use std::process::Command;

fn run(program: &Path, args: &[&str], what: &str) -> String {
    let output = Command::new(program)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("{what}: cannot run {}: {e}", program.display()));
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(output.status.success(), "{what} failed:\n{text}");
    text
}

#[test]
fn a_real_lsp_client_drives_the_server() {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let tests = repo.join("editors/tests");
    let requirements = std::fs::read_to_string(tests.join("requirements.txt")).expect("requirements.txt");
    let venv = repo.join("target/lsp-venv");
    let stamp = venv.join("requirements.txt");
    let python = venv.join("bin/python");
    if std::fs::read_to_string(&stamp).ok().as_deref() != Some(requirements.as_str()) {
        let _ = std::fs::remove_dir_all(&venv);
        run(
            Path::new("python3"),
            &["-m", "venv", &venv.display().to_string()],
            "python3 (with venv) must be installed to test the language server with a real client",
        );
        run(
            &python,
            &[
                "-m",
                "pip",
                "install",
                "-q",
                "-r",
                &tests.join("requirements.txt").display().to_string(),
            ],
            "installing the LSP client (pytest-lsp) from PyPI",
        );
        std::fs::write(&stamp, &requirements).expect("stamp");
    }
    let output = Command::new(&python)
        .args([
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            &tests.display().to_string(),
        ])
        .current_dir(&tests)
        .env("CHARTER", env!("CARGO_BIN_EXE_charter"))
        .output()
        .expect("pytest runs");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(output.status.success(), "the LSP client test failed:\n{text}");
    assert!(text.contains(" passed"), "{text}");
}
