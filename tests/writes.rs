//! Safe writes: every command that writes (`build -o`, `--header`,
//! `--manifest`; `doc`'s page; `fmt`) writes only to a regular file or a
//! new path. A character device, block device, FIFO or socket is refused
//! with `charter::output-not-regular-file` and left as it was; a read-only
//! file is `charter::output-read-only` and left as it was; a symlink is
//! written through (the link stays a link); a file with two names (a hard
//! link) is rewritten in place, so both names still name it.

use std::os::unix::fs::{FileTypeExt as _, MetadataExt as _, PermissionsExt as _};
use std::path::{Path, PathBuf};

use charter_tests::cases_dir;

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("charter-writes-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("scratch dir");
    dir
}

/// The kinds of file that are no regular file.
#[derive(Debug, Clone, Copy)]
enum Special {
    CharDevice,
    BlockDevice,
    Fifo,
    Socket,
}

const SPECIALS: [Special; 4] = [
    Special::CharDevice,
    Special::BlockDevice,
    Special::Fifo,
    Special::Socket,
];

/// Makes a special file at `path` (device nodes with `mknod`, which needs
/// root; elsewhere a character device is a symlink to `/dev/null`, and a
/// block device is `None`).
fn make(special: Special, path: &Path) -> Option<std::os::unix::net::UnixListener> {
    let run = |program: &str, args: &[&str]| {
        std::process::Command::new(program)
            .arg(path)
            .args(args)
            .status()
            .is_ok_and(|s| s.success())
    };
    match special {
        Special::CharDevice => {
            if !run("mknod", &["c", "1", "3"]) {
                std::os::unix::fs::symlink("/dev/null", path).expect("symlink to /dev/null");
            }
            None
        }
        Special::BlockDevice => {
            // Loop device 0 (never opened: the write is refused first).
            let _ = run("mknod", &["b", "7", "0"]);
            None
        }
        Special::Fifo => {
            assert!(run("mkfifo", &[]), "mkfifo");
            None
        }
        Special::Socket => Some(std::os::unix::net::UnixListener::bind(path).expect("socket")),
    }
}

/// Whether `path` is still the special file it was made as.
fn still(special: Special, path: &Path) -> bool {
    let Ok(meta) = std::fs::metadata(path) else {
        return false;
    };
    let kind = meta.file_type();
    match special {
        Special::CharDevice => kind.is_char_device(),
        Special::BlockDevice => kind.is_block_device(),
        Special::Fifo => kind.is_fifo(),
        Special::Socket => kind.is_socket(),
    }
}

/// A small policy that checks and builds.
fn policy() -> String {
    cases_dir().join("check/fixed-order.charter").display().to_string()
}

/// The command lines that write `output` (as each of its outputs in turn),
/// with every other output a new path in `dir`.
fn writers(dir: &Path, output: &Path) -> Vec<Vec<String>> {
    let o = output.display().to_string();
    let fresh = |name: &str| dir.join(format!("fresh-{name}")).display().to_string();
    let policy = policy();
    let build = |object: &str, header: &str, manifest: &str| -> Vec<String> {
        [
            "build",
            &policy,
            "-o",
            object,
            "--header",
            header,
            "--manifest",
            manifest,
        ]
        .iter()
        .map(ToString::to_string)
        .collect()
    };
    vec![
        build(&o, &fresh("h"), &fresh("json")),
        build(&fresh("o"), &o, &fresh("json")),
        build(&fresh("o"), &fresh("h"), &o),
    ]
}

/// Runs a command line given as owned words.
fn charter(args: &[String]) -> (u8, String, String) {
    let words: Vec<&str> = args.iter().map(String::as_str).collect();
    crate::charter(&words)
}

#[test]
fn outputs_that_are_no_regular_file_are_refused_and_left_as_they_were() {
    let dir = scratch("special");
    for special in SPECIALS {
        let output = dir.join(format!("{special:?}"));
        let _socket = make(special, &output);
        if !output.exists() && std::fs::symlink_metadata(&output).is_err() {
            eprintln!("skipped {special:?}: cannot make one here (needs root)");
            continue;
        }
        // Through a symlink too: the link's target is what counts.
        let link = dir.join(format!("link-to-{special:?}"));
        std::os::unix::fs::symlink(&output, &link).expect("symlink");
        for target in [&output, &link] {
            for args in writers(&dir, target) {
                let (status, out, err) = charter(&args);
                assert_eq!(status, 1, "{args:?}: {out}{err}");
                assert!(
                    err.contains("error[charter::output-not-regular-file]"),
                    "{args:?}: {err}"
                );
                assert!(still(special, &output), "{args:?} replaced the {special:?}");
                assert!(
                    std::fs::symlink_metadata(&link).is_ok_and(|m| m.file_type().is_symlink()),
                    "{args:?} replaced the link"
                );
                // Every output is checked before any is written.
                for fresh in ["fresh-o", "fresh-h", "fresh-json"] {
                    assert!(!dir.join(fresh).exists(), "{args:?} wrote {fresh}");
                }
            }
            // `charter doc` writes DIR/index.html.
            let site = dir.join(format!("site-{special:?}"));
            std::fs::create_dir_all(&site).expect("site");
            let page = site.join("index.html");
            let _ = std::fs::remove_file(&page);
            std::os::unix::fs::symlink(target, &page).expect("symlink the page");
            let (status, _, err) = crate::charter(&["doc", &policy(), "-o", &site.display().to_string()]);
            assert_eq!(status, 1, "doc: {err}");
            assert!(err.contains("error[charter::output-not-regular-file]"), "doc: {err}");
            assert!(still(special, &output), "doc replaced the {special:?}");
            // `charter fmt` reads the file first: it is no file to format.
            let (status, _, err) = crate::charter(&["fmt", &target.display().to_string()]);
            assert_ne!(status, 0, "fmt: {err}");
            assert!(err.contains("error[charter::not-a-file]"), "fmt: {err}");
            assert!(still(special, &output), "fmt replaced the {special:?}");
        }
    }
    // A symlink to nothing is no new path either.
    let dangling = dir.join("dangling");
    std::os::unix::fs::symlink(dir.join("nowhere"), &dangling).expect("symlink");
    for args in writers(&dir, &dangling) {
        let (status, _, err) = charter(&args);
        assert_eq!(status, 1, "{args:?}: {err}");
        assert!(
            err.contains("error[charter::output-not-regular-file]"),
            "{args:?}: {err}"
        );
        assert!(!dir.join("nowhere").exists(), "{args:?} wrote through a dangling link");
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_read_only_output_is_refused_and_left_as_it_was() {
    let dir = scratch("read-only");
    let output = dir.join("read-only");
    let read_only = |path: &Path| {
        std::fs::write(path, "keep me").expect("write");
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o444)).expect("chmod");
    };
    read_only(&output);
    for args in writers(&dir, &output) {
        let (status, _, err) = charter(&args);
        assert_eq!(status, 1, "{args:?}: {err}");
        assert!(err.contains("error[charter::output-read-only]"), "{args:?}: {err}");
        assert_eq!(std::fs::read_to_string(&output).expect("read"), "keep me");
    }
    let site = dir.join("site");
    std::fs::create_dir_all(&site).expect("site");
    read_only(&site.join("index.html"));
    let (status, _, err) = crate::charter(&["doc", &policy(), "-o", &site.display().to_string()]);
    assert_eq!(status, 1, "doc: {err}");
    assert!(err.contains("error[charter::output-read-only]"), "doc: {err}");
    // `charter fmt` leaves a read-only file unformatted, even in a folder
    // it could replace the file in.
    let messy = "charter  \"T\"\n      adopted 2013-06-05\n";
    let file = dir.join("messy.charter");
    std::fs::write(&file, messy).expect("write");
    std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o444)).expect("chmod");
    let (status, _, err) = crate::charter(&["fmt", &file.display().to_string()]);
    assert_eq!(status, 1, "fmt: {err}");
    assert!(err.contains("error[charter::output-read-only]"), "fmt: {err}");
    assert_eq!(std::fs::read_to_string(&file).expect("read"), messy);
    assert_eq!(
        std::fs::metadata(&file).expect("meta").permissions().mode() & 0o777,
        0o444
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_symlink_is_written_through_and_stays_a_link() {
    let dir = scratch("symlink");
    let target = dir.join("target");
    let link = dir.join("link");
    std::os::unix::fs::symlink("target", &link).expect("symlink");
    for (i, args) in writers(&dir, &link).into_iter().enumerate() {
        std::fs::write(&target, "old").expect("write");
        let (status, _, err) = charter(&args);
        assert_eq!(status, 0, "{args:?}: {err}");
        assert!(std::fs::symlink_metadata(&link).expect("link").file_type().is_symlink());
        let written = std::fs::read(&target).expect("target");
        assert!(
            written != b"old" && !written.is_empty(),
            "output {i} did not reach the target"
        );
        for fresh in ["fresh-o", "fresh-h", "fresh-json"] {
            let _ = std::fs::remove_file(dir.join(fresh));
        }
    }
    let site = dir.join("site");
    std::fs::create_dir_all(&site).expect("site");
    std::fs::write(&target, "old").expect("write");
    std::os::unix::fs::symlink(&target, site.join("index.html")).expect("symlink");
    let (status, _, err) = crate::charter(&["doc", &policy(), "-o", &site.display().to_string()]);
    assert_eq!(status, 0, "doc: {err}");
    assert!(std::fs::read_to_string(&target).expect("page").contains("<html"));
    assert!(std::fs::symlink_metadata(site.join("index.html"))
        .expect("link")
        .file_type()
        .is_symlink());
    // `charter fmt` through a link formats the target.
    let messy = "charter  \"T\"\n      adopted 2013-06-05\n";
    let clean = "charter \"T\"\n  adopted 2013-06-05\n";
    std::fs::write(dir.join("real.charter"), messy).expect("write");
    let linked = dir.join("linked.charter");
    std::os::unix::fs::symlink("real.charter", &linked).expect("symlink");
    let (status, _, err) = crate::charter(&["fmt", &linked.display().to_string()]);
    assert_eq!(status, 0, "fmt: {err}");
    assert!(std::fs::symlink_metadata(&linked)
        .expect("link")
        .file_type()
        .is_symlink());
    assert_eq!(std::fs::read_to_string(dir.join("real.charter")).expect("read"), clean);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_hard_linked_file_keeps_its_other_names() {
    let dir = scratch("hard-link");
    let file = dir.join("file");
    let other = dir.join("other-name");
    std::fs::write(&file, "old").expect("write");
    std::fs::hard_link(&file, &other).expect("hard link");
    let inode = std::fs::metadata(&file).expect("meta").ino();
    for args in writers(&dir, &file) {
        std::fs::write(&file, "old").expect("write");
        let (status, _, err) = charter(&args);
        assert_eq!(status, 0, "{args:?}: {err}");
        assert_eq!(std::fs::metadata(&file).expect("meta").ino(), inode, "{args:?}");
        assert_eq!(std::fs::metadata(&file).expect("meta").nlink(), 2, "{args:?}");
        let written = std::fs::read(&other).expect("other name");
        assert!(
            written != b"old" && !written.is_empty(),
            "{args:?}: the other name kept the old text"
        );
        for fresh in ["fresh-o", "fresh-h", "fresh-json"] {
            let _ = std::fs::remove_file(dir.join(fresh));
        }
    }
    let site = dir.join("site");
    std::fs::create_dir_all(&site).expect("site");
    std::fs::hard_link(&file, site.join("index.html")).expect("hard link");
    let (status, _, err) = crate::charter(&["doc", &policy(), "-o", &site.display().to_string()]);
    assert_eq!(status, 0, "doc: {err}");
    assert!(std::fs::read_to_string(&other).expect("page").contains("<html"));
    // `charter fmt` rewrites the file both names name, and keeps its mode.
    let messy = "charter  \"T\"\n      adopted 2013-06-05\n";
    let clean = "charter \"T\"\n  adopted 2013-06-05\n";
    let (a, b) = (dir.join("a.charter"), dir.join("b-name"));
    std::fs::write(&a, messy).expect("write");
    std::fs::set_permissions(&a, std::fs::Permissions::from_mode(0o640)).expect("chmod");
    std::fs::hard_link(&a, &b).expect("hard link");
    let (status, _, err) = crate::charter(&["fmt", &a.display().to_string()]);
    assert_eq!(status, 0, "fmt: {err}");
    assert_eq!(std::fs::read_to_string(&b).expect("read"), clean);
    assert_eq!(std::fs::metadata(&a).expect("meta").nlink(), 2);
    assert_eq!(std::fs::metadata(&a).expect("meta").permissions().mode() & 0o777, 0o640);
    let _ = std::fs::remove_dir_all(&dir);
}

/// A file with one name is replaced atomically but keeps its permissions.
#[test]
fn a_rewritten_file_keeps_its_mode() {
    let dir = scratch("mode");
    let file = dir.join("a.charter");
    std::fs::write(&file, "charter  \"T\"\n      adopted 2013-06-05\n").expect("write");
    std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o600)).expect("chmod");
    let (status, _, err) = crate::charter(&["fmt", &file.display().to_string()]);
    assert_eq!(status, 0, "fmt: {err}");
    assert_eq!(
        std::fs::metadata(&file).expect("meta").permissions().mode() & 0o777,
        0o600
    );
    let leftovers: Vec<_> = std::fs::read_dir(&dir)
        .expect("dir")
        .filter_map(Result::ok)
        .filter(|e| e.file_name().to_string_lossy().ends_with(".tmp"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
    let _ = std::fs::remove_dir_all(&dir);
}
