//! Paths -> source files: finding, reading and writing the files the
//! subcommands use. Directory walks follow no symlink loop and read only
//! regular files; every file is read with a size limit; a file named
//! explicitly is checked whatever its extension; outputs are written
//! only to regular files or new paths, never over an input (see
//! [`write_output`]).

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
    #[error("`{}` is not UTF-8 text: byte {byte} (0x{value:02x}, line {line}, column {column}) is not UTF-8", path.display())]
    #[diagnostic(code("charter::not-utf8"), help("save the file as UTF-8"))]
    NotUtf8 {
        path: PathBuf,
        /// The offset of the first byte that is not UTF-8, and its value.
        byte: usize,
        value: u8,
        /// Where it is: its line, and the column of the characters before it.
        line: usize,
        column: usize,
    },
    #[error("no `.charter` files in {}", shown(paths))]
    #[diagnostic(code("charter::no-files"))]
    NoFiles { paths: Vec<PathBuf> },
    #[error("`{}` is {what}, not a regular file; it will not be written", path.display())]
    #[diagnostic(
        code("charter::output-not-regular-file"),
        help("Charter writes only to regular files or new paths: name another output")
    )]
    OutputNotRegular { path: PathBuf, what: &'static str },
    #[error("`{}` is read-only; it will not be rewritten", path.display())]
    #[diagnostic(
        code("charter::output-read-only"),
        help("make the file writable (`chmod u+w`) if it should change, or write the output elsewhere")
    )]
    OutputReadOnly { path: PathBuf },
    #[error("`{}` line {line}: {message}", path.display())]
    #[diagnostic(
        code("charter::bad-ignore-file"),
        help("a `.charterignore` line is a gitignore pattern (`drafts/`, `*.draft.charter`; `!` keeps a path back) or a `#` comment")
    )]
    BadIgnoreFile {
        path: PathBuf,
        line: usize,
        message: String,
    },
    #[error("`{}` is an input or another output of this command; it will not be overwritten", path.display())]
    #[diagnostic(code("charter::output-is-input"), help("write the output to another path"))]
    OutputIsInput { path: PathBuf },
}

/// The path that names standard input wherever a file is read (a policy,
/// facts, a query, a file to format).
pub const STDIN: &str = "-";

/// Whether `path` names standard input (`-`).
pub fn is_stdin(path: &Path) -> bool {
    path == Path::new(STDIN)
}

/// The name standard input goes by in messages and diagnostics.
pub const STDIN_NAME: &str = "<stdin>";

/// The file in a policy folder that leaves paths out of it.
pub const IGNORE_FILE: &str = ".charterignore";

/// What a folder's `.charterignore` leaves out: gitignore patterns, each
/// relative to the folder (`drafts/`, `repro-*.charter`, `!keep.charter`).
/// A path left out is never read; a folder left out is not searched.
#[derive(Debug, Clone)]
pub struct Ignored(ignore::gitignore::Gitignore);

impl Default for Ignored {
    fn default() -> Self {
        Ignored(ignore::gitignore::Gitignore::empty())
    }
}

impl Ignored {
    /// The patterns of `text`, the ignore file at `path` (named in errors).
    pub fn parse(path: &Path, text: &str) -> Result<Ignored, FileError> {
        let mut builder = ignore::gitignore::GitignoreBuilder::new("");
        for (index, line) in text.lines().enumerate() {
            builder.add_line(None, line).map_err(|error| FileError::BadIgnoreFile {
                path: path.to_path_buf(),
                line: index + 1,
                message: error.to_string(),
            })?;
        }
        builder.build().map(Ignored).map_err(|error| FileError::BadIgnoreFile {
            path: path.to_path_buf(),
            line: 0,
            message: error.to_string(),
        })
    }

    /// The `.charterignore` of `folder`, or nothing where it has none.
    pub fn of_folder(folder: &Path) -> Result<Ignored, FileError> {
        let path = folder.join(IGNORE_FILE);
        match std::fs::metadata(&path) {
            Ok(meta) if meta.is_file() => Ignored::parse(&path, &read_text(&path)?),
            Ok(_) => Err(FileError::NotAFile { path }),
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => Ok(Ignored::default()),
            Err(error) => Err(FileError::Read { path, error }),
        }
    }

    /// Whether `relative` (a path inside the folder) or a folder above it
    /// is left out.
    pub fn leaves_out(&self, relative: &Path, is_dir: bool) -> bool {
        let above = relative
            .ancestors()
            .skip(1)
            .filter(|a| !a.as_os_str().is_empty())
            .any(|a| self.0.matched(a, true).is_ignore());
        above || self.0.matched(relative, is_dir).is_ignore()
    }
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
/// a directory, a `*.charter` entry that is not a regular file (a FIFO, a
/// symlink to nothing) is an error, and anything else but a regular file or
/// directory is skipped.
pub fn collect(paths: &[PathBuf]) -> Result<Vec<PathBuf>, FileError> {
    let mut out = Vec::new();
    let mut seen_files = HashSet::new();
    let mut seen_dirs = HashSet::new();
    for path in paths {
        if is_stdin(path) {
            if seen_files.insert(path.clone()) {
                out.push(path.clone());
            }
            continue;
        }
        let meta = std::fs::metadata(path).map_err(|error| FileError::Read {
            path: path.clone(),
            error,
        })?;
        if meta.is_dir() {
            let mut found = Vec::new();
            let ignored = Ignored::of_folder(path)?;
            walk(path, &ignored, &mut seen_dirs, &mut found)?;
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

/// The `.charter` files under `root` but those `ignored` leaves out, found
/// without recursion (a deep tree cannot overflow the stack) and without
/// visiting a directory twice.
fn walk(
    root: &Path,
    ignored: &Ignored,
    seen_dirs: &mut HashSet<PathBuf>,
    out: &mut Vec<PathBuf>,
) -> Result<(), FileError> {
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
            let charter = path.extension().is_some_and(|e| e == "charter");
            let relative = path.strip_prefix(root).unwrap_or(&path);
            let is_dir = entry.file_type().is_ok_and(|t| t.is_dir()) || path.is_dir();
            if ignored.leaves_out(relative, is_dir) {
                continue;
            }
            // `metadata` follows a symlink. A `.charter` entry that is no
            // file to read (a symlink to nothing or to a loop, a FIFO, a
            // device) is an error: a policy file left out silently would
            // change every answer. Anything else that is not a directory
            // is skipped.
            let meta = match std::fs::metadata(&path) {
                Ok(meta) => meta,
                Err(error) if charter => return Err(FileError::Read { path, error }),
                Err(_) => continue,
            };
            if meta.is_dir() {
                stack.push(path);
            } else if charter && meta.is_file() {
                out.push(path);
            } else if charter {
                return Err(FileError::NotAFile { path });
            }
        }
    }
    Ok(())
}

/// How far a bounded walk ([`collect_bounded`]) may go.
#[derive(Debug, Clone, Copy)]
pub struct WalkLimits {
    /// Folders below the start that are searched (0: the start alone).
    pub depth: usize,
    /// `.charter` files found.
    pub files: usize,
    /// Directory entries looked at.
    pub entries: usize,
    /// Time spent.
    pub time: std::time::Duration,
}

/// The `.charter` files under `root` (sorted), found without leaving it —
/// a symlinked folder or file counts only if it resolves inside `root` —
/// within `limits`; and the limit that cut the walk short, if one did.
/// For callers that name no folder themselves (the language server).
pub fn collect_bounded(root: &Path, limits: WalkLimits) -> (Vec<PathBuf>, Option<String>) {
    let started = std::time::Instant::now();
    let Ok(top) = std::fs::canonicalize(root) else {
        return (Vec::new(), None);
    };
    // A `.charterignore` that does not parse leaves nothing out here: the
    // commands that read the folder report it.
    let ignored = Ignored::of_folder(root).unwrap_or_default();
    let mut out = Vec::new();
    let mut seen = HashSet::new();
    let mut entries = 0;
    let mut stack = vec![(root.to_path_buf(), 0)];
    let mut cut = None;
    'walk: while let Some((dir, depth)) = stack.pop() {
        let Ok(real) = std::fs::canonicalize(&dir) else {
            continue;
        };
        if !real.starts_with(&top) || !seen.insert(real) {
            continue;
        }
        let Ok(listing) = std::fs::read_dir(&dir) else { continue };
        for entry in listing.filter_map(Result::ok) {
            entries += 1;
            if entries > limits.entries {
                cut = Some(format!("more than {} entries", limits.entries));
                break 'walk;
            }
            if started.elapsed() > limits.time {
                cut = Some(format!("more than {} ms", limits.time.as_millis()));
                break 'walk;
            }
            let path = entry.path();
            let Ok(meta) = std::fs::metadata(&path) else { continue };
            if ignored.leaves_out(path.strip_prefix(root).unwrap_or(&path), meta.is_dir()) {
                continue;
            }
            if meta.is_dir() {
                if depth < limits.depth {
                    stack.push((path, depth + 1));
                }
            } else if meta.is_file()
                && path.extension().is_some_and(|e| e == "charter")
                && std::fs::canonicalize(&path).is_ok_and(|real| real.starts_with(&top))
            {
                if out.len() >= limits.files {
                    cut = Some(format!("more than {} `.charter` files", limits.files));
                    break 'walk;
                }
                out.push(path);
            }
        }
    }
    out.sort();
    (out, cut)
}

/// What makes two paths the same file: the canonical path when there is
/// one, else the path itself.
fn identity(path: &Path) -> PathBuf {
    std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf())
}

/// Reads a regular file of at most [`MAX_FILE_BYTES`] as UTF-8 text, or
/// standard input (`-`, to its end, within the same bound). A device,
/// FIFO or socket is refused before it is opened, so reading neither
/// blocks on a pipe nobody writes nor runs without bound.
pub fn read_text(path: &Path) -> Result<String, FileError> {
    if is_stdin(path) {
        let mut bytes = Vec::new();
        let name = Path::new(STDIN_NAME);
        std::io::stdin()
            .lock()
            .take(MAX_FILE_BYTES + 1)
            .read_to_end(&mut bytes)
            .map_err(|error| FileError::Read {
                path: name.to_path_buf(),
                error,
            })?;
        return text_of(name, bytes);
    }
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
    text_of(path, bytes)
}

/// A file's bytes (read from `path`, or through git) as text: at most
/// [`MAX_FILE_BYTES`], and UTF-8 (else where the first byte that is not).
pub fn text_of(path: &Path, bytes: Vec<u8>) -> Result<String, FileError> {
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(FileError::TooLarge {
            path: path.to_path_buf(),
        });
    }
    String::from_utf8(bytes).map_err(|e| {
        // Where the first byte that is not UTF-8 is: the valid text before
        // it gives its line and column.
        let at = e.utf8_error().valid_up_to();
        let before = e.as_bytes().get(..at).map(String::from_utf8_lossy).unwrap_or_default();
        let line = before.matches('\n').count() + 1;
        let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
        FileError::NotUtf8 {
            path: path.to_path_buf(),
            byte: at,
            value: e.as_bytes().get(at).copied().unwrap_or_default(),
            line,
            column,
        }
    })
}

/// Reads a Charter file (policy, amendment or history).
pub fn read(path: &Path) -> Result<SourceFile, FileError> {
    let name = if is_stdin(path) {
        STDIN_NAME.to_string()
    } else {
        path.display().to_string()
    };
    Ok(SourceFile::charter(name, read_text(path)?))
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

/// Whether a text is a policy (its header parses as one).
pub fn is_policy(text: &str) -> bool {
    charter_grammar::parse_policy_header(text).is_some()
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
        | charter_grammar::ast::HeaderField::Covers(_)
        | charter_grammar::ast::HeaderField::Expect { .. } => None,
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

/// Whether `path` resolves (every symlink followed) to a file inside
/// `folder` (resolved too); `None` when either does not resolve (a missing
/// file, a dangling or looping symlink).
pub fn resolves_inside(folder: &Path, path: &Path) -> Option<bool> {
    let folder = std::fs::canonicalize(folder).ok()?;
    let path = std::fs::canonicalize(path).ok()?;
    Some(path.starts_with(&folder))
}

/// Writes `contents` to `path`, which must be a new path or a regular
/// file (`charter build`'s outputs, `charter doc`'s page, `charter fmt`'s
/// rewrites). Refuses to write over any of `inputs` (the files the command
/// read), over anything but a regular file (a device, a FIFO, a socket, a
/// directory, a symlink to nothing: `charter::output-not-regular-file`) and
/// over a read-only file (`charter::output-read-only`).
///
/// A symlink is written through: its target changes and the link stays a
/// link. A new path, or a file with one name, is written atomically (into
/// a temporary file beside it, with the old file's permissions, then
/// renamed over it), so a reader never sees half a file and a failed write
/// leaves the old file as it was. A file with several names (hard links) is
/// rewritten in place, so that every name still names it.
pub fn write_output(path: &Path, contents: &[u8], inputs: &[PathBuf]) -> Result<(), FileError> {
    Output::prepare(path, inputs)?.write(contents)
}

/// An output path checked for writing ([`write_output`]): a command with
/// several outputs checks them all before it writes any.
#[derive(Debug)]
pub struct Output {
    /// The path as given (errors name it).
    path: PathBuf,
    /// The file written: the path, or a symlink's target.
    target: PathBuf,
    how: How,
}

/// How an output is written.
#[derive(Debug)]
enum How {
    /// A new file, renamed into place.
    New,
    /// A new file with the old one's permissions, renamed over it.
    Replace(std::fs::Permissions),
    /// The file itself, truncated and written (it has other names).
    InPlace,
}

impl Output {
    /// Checks that `path` may be written: not one of `inputs`, a new path
    /// or a regular file (through a symlink, its target), not read-only.
    /// Nothing is changed.
    pub fn prepare(path: &Path, inputs: &[PathBuf]) -> Result<Output, FileError> {
        let same = identity(path);
        if inputs.iter().any(|input| identity(input) == same) {
            return Err(FileError::OutputIsInput {
                path: path.to_path_buf(),
            });
        }
        let write_error = |error| FileError::Write {
            path: path.to_path_buf(),
            error,
        };
        let target = match std::fs::symlink_metadata(path) {
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
                return Ok(Output {
                    path: path.to_path_buf(),
                    target: path.to_path_buf(),
                    how: How::New,
                })
            }
            Err(error) => return Err(write_error(error)),
            Ok(meta) if meta.file_type().is_symlink() => {
                std::fs::canonicalize(path).map_err(|_| FileError::OutputNotRegular {
                    path: path.to_path_buf(),
                    what: "a symlink to nothing (or to a loop)",
                })?
            }
            Ok(_) => path.to_path_buf(),
        };
        let meta = std::fs::metadata(&target).map_err(write_error)?;
        if let Some(what) = not_regular(&meta.file_type()) {
            return Err(FileError::OutputNotRegular {
                path: path.to_path_buf(),
                what,
            });
        }
        let read_only = || FileError::OutputReadOnly {
            path: path.to_path_buf(),
        };
        // No write permission for anyone: refused even where the folder
        // would let the file be replaced (and even for root).
        if meta.permissions().readonly() {
            return Err(read_only());
        }
        // Opened for writing, and closed (nothing changes): a file this
        // user may not write is refused before anything is touched.
        std::fs::OpenOptions::new().write(true).open(&target).map_err(|error| {
            if error.kind() == std::io::ErrorKind::PermissionDenied {
                read_only()
            } else {
                write_error(error)
            }
        })?;
        let how = if links(&meta) > 1 {
            How::InPlace
        } else {
            How::Replace(meta.permissions())
        };
        Ok(Output {
            path: path.to_path_buf(),
            target,
            how,
        })
    }

    /// Writes `contents` as [`write_output`] says.
    pub fn write(self, contents: &[u8]) -> Result<(), FileError> {
        let written = match self.how {
            How::New => replace(&self.target, contents, None),
            How::Replace(permissions) => replace(&self.target, contents, Some(permissions)),
            // Every name of the file keeps naming it: the same file is
            // truncated and written.
            How::InPlace => std::fs::OpenOptions::new()
                .write(true)
                .open(&self.target)
                .and_then(|mut file| {
                    file.set_len(0)?;
                    file.write_all(contents)?;
                    file.sync_all()
                }),
        };
        written.map_err(|error| FileError::Write { path: self.path, error })
    }
}

/// Writes `contents` into a new temporary file beside `path` (with
/// `permissions`, when given), then renames it over `path`.
fn replace(path: &Path, contents: &[u8], permissions: Option<std::fs::Permissions>) -> std::io::Result<()> {
    let dir = match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        Some(_) | None => Path::new("."),
    };
    let Some(name) = path.file_name().map(|n| n.to_string_lossy().into_owned()) else {
        return Err(std::io::Error::new(
            std::io::ErrorKind::InvalidInput,
            "the path names no file",
        ));
    };
    let temp = dir.join(format!(".{name}.{}.tmp", std::process::id()));
    // A leftover of this name (even a symlink planted there) is removed,
    // and the temporary file is created new: it never writes through a link.
    let _ = std::fs::remove_file(&temp);
    let written = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&temp)
        .and_then(|mut file| {
            file.write_all(contents)?;
            if let Some(permissions) = permissions {
                file.set_permissions(permissions)?;
            }
            file.sync_all()
        })
        .and_then(|()| std::fs::rename(&temp, path));
    if written.is_err() {
        let _ = std::fs::remove_file(&temp);
    }
    written
}

/// What a file that is not a regular file is, for a message; `None` for a
/// regular file.
fn not_regular(kind: &std::fs::FileType) -> Option<&'static str> {
    if kind.is_file() {
        return None;
    }
    if kind.is_dir() {
        return Some("a directory");
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt as _;
        if kind.is_char_device() {
            return Some("a character device");
        }
        if kind.is_block_device() {
            return Some("a block device");
        }
        if kind.is_fifo() {
            return Some("a FIFO");
        }
        if kind.is_socket() {
            return Some("a socket");
        }
    }
    Some("a special file")
}

/// How many names (hard links) a file has.
#[cfg(unix)]
fn links(meta: &std::fs::Metadata) -> u64 {
    use std::os::unix::fs::MetadataExt as _;
    meta.nlink()
}

/// How many names (hard links) a file has: one, where the platform does
/// not say.
#[cfg(not(unix))]
fn links(_meta: &std::fs::Metadata) -> u64 {
    1
}
