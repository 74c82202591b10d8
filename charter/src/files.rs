//! Paths -> source files: finding, reading and writing the files the
//! subcommands use. Directory walks follow no symlink loop and read only
//! regular files; every file is read with a size limit; a file named
//! explicitly is checked whatever its extension; outputs are written
//! atomically and never over an input.

use std::collections::HashSet;
use std::io::{Read as _, Write as _};
use std::path::{Path, PathBuf};

use charter_compiler::names_policy;
use charter_compiler::SourceFile;
use charter_grammar::ast::FileKind;

/// The largest file Charter reads (policy, history, legal text or facts):
/// 16 MiB. A larger one is `charter::file-too-large`.
pub const MAX_FILE_BYTES: u64 = 16 * 1024 * 1024;

/// A file could not be found, read or written.
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
pub enum FileError {
    #[error("cannot read `{}`: {error}", path.display())]
    #[diagnostic(code("charter::io"))]
    Read {
        path: PathBuf,
        #[source]
        error: std::io::Error,
    },
    #[error("cannot write `{}`: {error}", path.display())]
    #[diagnostic(code("charter::io"))]
    Write {
        path: PathBuf,
        #[source]
        error: std::io::Error,
    },
    #[error("`{}` is neither a regular file nor a directory", path.display())]
    #[diagnostic(
        code("charter::not-a-file"),
        help("name a policy file, or a directory that holds `.charter` files")
    )]
    NotAFile { path: PathBuf },
    #[error("`{}` is larger than {MAX_FILE_BYTES} bytes", path.display())]
    #[diagnostic(code("charter::file-too-large"), help("Charter reads files of at most 16 MiB"))]
    TooLarge { path: PathBuf },
    #[error("`{}` is not UTF-8 text", path.display())]
    #[diagnostic(code("charter::not-utf8"), help("save the file as UTF-8"))]
    NotUtf8 { path: PathBuf },
    #[error("no `.charter` files in {}", shown(paths))]
    #[diagnostic(code("charter::no-files"))]
    NoFiles { paths: Vec<PathBuf> },
    #[error("`{}` is an input or another output of this command; it will not be overwritten", path.display())]
    #[diagnostic(code("charter::output-is-input"), help("write the output to another path"))]
    OutputIsInput { path: PathBuf },
}

/// Paths as a message shows them: each in backticks, comma-separated.
fn shown(paths: &[PathBuf]) -> String {
    paths
        .iter()
        .map(|p| format!("`{}`", p.display()))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Every file named by `paths`: files as given (whatever their extension),
/// directories searched recursively for `*.charter`, each file once, in
/// sorted order within a directory. A directory's symlinks are followed,
/// but no directory is searched twice, so a symlink loop ends the walk; in
/// a directory, anything but a regular file or directory is skipped.
pub fn collect(paths: &[PathBuf]) -> Result<Vec<PathBuf>, FileError> {
    let mut out = Vec::new();
    let mut seen_files = HashSet::new();
    let mut seen_dirs = HashSet::new();
    for path in paths {
        let meta = std::fs::metadata(path).map_err(|error| FileError::Read {
            path: path.clone(),
            error,
        })?;
        if meta.is_dir() {
            let mut found = Vec::new();
            walk(path, &mut seen_dirs, &mut found)?;
            found.sort();
            for file in found {
                if seen_files.insert(identity(&file)) {
                    out.push(file);
                }
            }
        } else if meta.is_file() {
            if seen_files.insert(identity(path)) {
                out.push(path.clone());
            }
        } else {
            return Err(FileError::NotAFile { path: path.clone() });
        }
    }
    Ok(out)
}

/// The `.charter` files under `root`, found without recursion (a deep tree
/// cannot overflow the stack) and without visiting a directory twice.
fn walk(root: &Path, seen_dirs: &mut HashSet<PathBuf>, out: &mut Vec<PathBuf>) -> Result<(), FileError> {
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        if !seen_dirs.insert(identity(&dir)) {
            continue;
        }
        let entries = std::fs::read_dir(&dir).map_err(|error| FileError::Read {
            path: dir.clone(),
            error,
        })?;
        for entry in entries.filter_map(Result::ok) {
            let path = entry.path();
            // `metadata` follows a symlink; a broken one is skipped.
            let Ok(meta) = std::fs::metadata(&path) else { continue };
            if meta.is_dir() {
                stack.push(path);
            } else if meta.is_file() && path.extension().is_some_and(|e| e == "charter") {
                out.push(path);
            }
        }
    }
    Ok(())
}

/// What makes two paths the same file: the canonical path when there is
/// one, else the path itself.
fn identity(path: &Path) -> PathBuf {
    std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf())
}

/// Reads a regular file of at most [`MAX_FILE_BYTES`] as UTF-8 text. A
/// device, FIFO or socket is refused before it is opened, so reading
/// neither blocks nor runs without bound.
pub fn read_text(path: &Path) -> Result<String, FileError> {
    let meta = std::fs::metadata(path).map_err(|error| FileError::Read {
        path: path.to_path_buf(),
        error,
    })?;
    if !meta.is_file() {
        return Err(FileError::NotAFile {
            path: path.to_path_buf(),
        });
    }
    if meta.len() > MAX_FILE_BYTES {
        return Err(FileError::TooLarge {
            path: path.to_path_buf(),
        });
    }
    let file = std::fs::File::open(path).map_err(|error| FileError::Read {
        path: path.to_path_buf(),
        error,
    })?;
    let mut bytes = Vec::new();
    file.take(MAX_FILE_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|error| FileError::Read {
            path: path.to_path_buf(),
            error,
        })?;
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(FileError::TooLarge {
            path: path.to_path_buf(),
        });
    }
    String::from_utf8(bytes).map_err(|_| FileError::NotUtf8 {
        path: path.to_path_buf(),
    })
}

/// Reads a Charter file (policy, amendment or history).
pub fn read(path: &Path) -> Result<SourceFile, FileError> {
    Ok(SourceFile::charter(path.display().to_string(), read_text(path)?))
}

/// For amendment and history files whose policy is not among `files`, finds
/// the policy among the `.charter` files of the same directory. Returns the
/// extra files to load as context (their own diagnostics are not reported).
pub fn context_for(paths: &[PathBuf], files: &[SourceFile]) -> Vec<SourceFile> {
    let parsed: Vec<Option<FileKind>> = files
        .iter()
        .map(|f| charter_grammar::parse(&f.text).file.map(|f| f.kind))
        .collect();
    let policies: Vec<&charter_grammar::ast::PolicyFile> = parsed
        .iter()
        .filter_map(|k| match k {
            Some(FileKind::Policy(p)) => Some(p),
            Some(FileKind::Amendment(_) | FileKind::History(_)) | None => None,
        })
        .collect();
    let mut extra: Vec<SourceFile> = Vec::new();
    for (path, kind) in paths.iter().zip(&parsed) {
        let wanted = match kind {
            Some(FileKind::Amendment(a)) => &a.policy.value,
            Some(FileKind::History(h)) => &h.policy.value,
            Some(FileKind::Policy(_)) | None => continue,
        };
        if policies.iter().any(|p| names_policy(&p.header, wanted)) {
            continue;
        }
        let Some(dir) = path.parent() else { continue };
        let dir = if dir.as_os_str().is_empty() {
            Path::new(".")
        } else {
            dir
        };
        let Ok(siblings) = collect(&[dir.to_path_buf()]) else {
            continue;
        };
        for sibling in siblings {
            if paths.contains(&sibling) || extra.iter().any(|f| f.name == sibling.display().to_string()) {
                continue;
            }
            let Ok(file) = read(&sibling) else { continue };
            // Only the header is needed to know whether this is the policy.
            let is_policy =
                charter_grammar::parse_policy_header(&file.text).is_some_and(|header| names_policy(&header, wanted));
            if is_policy {
                extra.push(file);
                break;
            }
        }
    }
    extra
}

/// Reads the `.charter` files of a policy file or directory, with the legal
/// texts their policies name.
pub fn policy_sources(path: &Path) -> Result<Vec<SourceFile>, FileError> {
    let paths = collect(&[path.to_path_buf()])?;
    if paths.is_empty() {
        return Err(FileError::NoFiles {
            paths: vec![path.to_path_buf()],
        });
    }
    let mut sources = paths.iter().map(|p| read(p)).collect::<Result<Vec<_>, _>>()?;
    add_legal_texts(&mut sources);
    Ok(sources)
}

/// The legal text a policy's header names (its `source`, as written:
/// relative to the policy file), if the text is a policy that names one.
pub fn source_named(text: &str) -> Option<String> {
    let header = charter_grammar::parse_policy_header(text)?;
    header.fields.iter().find_map(|f| match f {
        charter_grammar::ast::HeaderField::Source(s) => Some(s.value.clone()),
        charter_grammar::ast::HeaderField::Ref(_)
        | charter_grammar::ast::HeaderField::Adopted(_)
        | charter_grammar::ast::HeaderField::Headings(_)
        | charter_grammar::ast::HeaderField::Covers(_) => None,
    })
}

/// The path of the legal text a policy file names (its `source`, relative
/// to the policy file's own folder), if it is a policy that names one
/// inside that folder. A path that leaves the folder (absolute, or a `..`
/// out of it) names nothing to read: the checker reports it
/// (`charter::source-outside-policy`).
pub fn named_legal_text(file: &SourceFile) -> Option<String> {
    let named = source_named(&file.text)?;
    let relative = charter_compiler::citations::confined(&named).ok()?;
    Some(charter_compiler::citations::legal_text_name(&file.name, &relative))
}

/// Adds the legal source text each policy among `sources` names (its
/// `source` path, relative to the policy file's folder), when that file
/// exists and resolves inside the policy's folder. A text that resolves
/// outside it (a symlink out) is added unread
/// ([`SourceFile::outside_folder`]), so the checker reports
/// `charter::source-outside-policy` and nothing of it is ever shown; a
/// missing or unreadable text is left for the checker to report.
pub fn add_legal_texts(sources: &mut Vec<SourceFile>) {
    let mut extra: Vec<SourceFile> = Vec::new();
    for file in sources.iter().filter(|f| !f.is_legal_text()) {
        let Some(name) = named_legal_text(file) else { continue };
        if sources.iter().chain(&extra).any(|f| f.name == name) {
            continue;
        }
        let folder = match Path::new(&file.name).parent() {
            Some(folder) if !folder.as_os_str().is_empty() => folder,
            Some(_) | None => Path::new("."),
        };
        match resolves_inside(folder, Path::new(&name)) {
            Some(true) => {
                if let Ok(text) = read_text(Path::new(&name)) {
                    extra.push(SourceFile::legal_text(name, text));
                }
            }
            Some(false) => extra.push(SourceFile::outside_folder(name)),
            None => {}
        }
    }
    sources.extend(extra);
}

/// Writes `contents` to `path` atomically: into a temporary file beside it,
/// then renamed over it, so a reader never sees half a file and a failed
/// write leaves the old file as it was. Refuses to write over any of
/// `inputs` (the files the command read).
pub fn write_atomically(path: &Path, contents: &[u8], inputs: &[PathBuf]) -> Result<(), FileError> {
    let target = identity(path);
    if inputs.iter().any(|input| identity(input) == target) {
        return Err(FileError::OutputIsInput {
            path: path.to_path_buf(),
        });
    }
    let write_error = |error| FileError::Write {
        path: path.to_path_buf(),
        error,
    };
    let dir = match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        Some(_) | None => Path::new("."),
    };
    let Some(name) = path.file_name().map(|n| n.to_string_lossy().into_owned()) else {
        return Err(write_error(std::io::Error::new(
            std::io::ErrorKind::InvalidInput,
            "the path names no file",
        )));
    };
    let temp = dir.join(format!(".{name}.{}.tmp", std::process::id()));
    let written = std::fs::File::create(&temp)
        .and_then(|mut file| file.write_all(contents).and_then(|()| file.sync_all()))
        .and_then(|()| std::fs::rename(&temp, path));
    if let Err(error) = written {
        let _ = std::fs::remove_file(&temp);
        return Err(write_error(error));
    }
    Ok(())
}
