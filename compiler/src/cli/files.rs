//! Finding and reading `.charter` files for the subcommands.

use std::path::{Path, PathBuf};

use charter_grammar::ast::FileKind;

use crate::package::{names_policy, SourceFile};

/// A file could not be found or read.
#[derive(Debug)]
pub struct FileError {
    pub path: PathBuf,
    pub error: std::io::Error,
}

impl std::fmt::Display for FileError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "cannot read `{}`: {}", self.path.display(), self.error)
    }
}

/// Every `.charter` file named by `paths`: files as given, directories
/// searched recursively, in sorted order.
pub fn collect(paths: &[PathBuf]) -> Result<Vec<PathBuf>, FileError> {
    let mut out = Vec::new();
    for path in paths {
        let meta = std::fs::metadata(path).map_err(|error| FileError {
            path: path.clone(),
            error,
        })?;
        if meta.is_dir() {
            walk(path, &mut out)?;
        } else {
            out.push(path.clone());
        }
    }
    Ok(out)
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) -> Result<(), FileError> {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(|error| FileError {
            path: dir.to_path_buf(),
            error,
        })?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            walk(&path, out)?;
        } else if path.extension().is_some_and(|e| e == "charter") {
            out.push(path);
        }
    }
    Ok(())
}

pub fn read(path: &Path) -> Result<SourceFile, FileError> {
    let text = std::fs::read_to_string(path).map_err(|error| FileError {
        path: path.to_path_buf(),
        error,
    })?;
    Ok(SourceFile {
        name: path.display().to_string(),
        text,
    })
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
            _ => None,
        })
        .collect();
    let mut extra: Vec<SourceFile> = Vec::new();
    for (path, kind) in paths.iter().zip(&parsed) {
        let wanted = match kind {
            Some(FileKind::Amendment(a)) => &a.policy.value,
            Some(FileKind::History(h)) => &h.policy.value,
            _ => continue,
        };
        if policies.iter().any(|p| names_policy(p, wanted)) {
            continue;
        }
        let Some(dir) = path.parent() else { continue };
        let Ok(siblings) = collect(&[dir.to_path_buf()]) else {
            continue;
        };
        for sibling in siblings {
            if paths.contains(&sibling) || extra.iter().any(|f| f.name == sibling.display().to_string()) {
                continue;
            }
            let Ok(file) = read(&sibling) else { continue };
            let is_policy = matches!(charter_grammar::parse(&file.text).file.map(|f| f.kind), Some(FileKind::Policy(p)) if names_policy(&p, wanted));
            if is_policy {
                extra.push(file);
                break;
            }
        }
    }
    extra
}

/// Reads the `.charter` files of a policy file or directory; on failure,
/// writes why and returns the exit status.
pub fn load_sources(path: &Path, err: &mut dyn std::io::Write) -> Result<Vec<SourceFile>, u8> {
    let paths = match collect(&[path.to_path_buf()]) {
        Ok(paths) if !paths.is_empty() => paths,
        Ok(_) => {
            let _ = writeln!(err, "error: no `.charter` files in `{}`", path.display());
            return Err(super::EXIT_USAGE);
        }
        Err(e) => {
            let _ = writeln!(err, "error: {e}");
            return Err(super::EXIT_USAGE);
        }
    };
    let mut sources = Vec::new();
    for p in &paths {
        match read(p) {
            Ok(s) => sources.push(s),
            Err(e) => {
                let _ = writeln!(err, "error: {e}");
                return Err(super::EXIT_USAGE);
            }
        }
    }
    add_legal_texts(&mut sources);
    Ok(sources)
}

/// Writes the diagnostics of a failed check and returns the exit status:
/// 1 for errors in the policy, 2 when the path holds no single policy.
pub fn report_check_failure(
    path: &Path,
    sources: &[SourceFile],
    result: &crate::CheckResult,
    err: &mut dyn std::io::Write,
    color: bool,
) -> u8 {
    for (source, diagnostics) in sources.iter().zip(&result.diagnostics) {
        let _ = write!(
            err,
            "{}",
            charter_grammar::diagnostic::render_human(diagnostics, &source.name, &source.text, color)
        );
    }
    if result.errors() > 0 {
        return super::EXIT_FINDINGS;
    }
    if result.bundles.is_empty() {
        let _ = writeln!(err, "error: `{}` holds no policy", path.display());
    } else {
        let _ = writeln!(
            err,
            "error: `{}` holds {} policies; name one policy file or its own directory",
            path.display(),
            result.bundles.len()
        );
    }
    super::EXIT_USAGE
}

/// Loads a policy package from a policy file or a directory, checks it and
/// returns its IR; on failure, writes the diagnostics and returns the exit
/// status.
pub fn load_bundle(path: &Path, err: &mut dyn std::io::Write, color: bool) -> Result<charter_runtime::ir::Bundle, u8> {
    let sources = load_sources(path, err)?;
    let result = crate::check(&sources);
    if result.errors() > 0 || result.bundles.len() != 1 {
        return Err(report_check_failure(path, &sources, &result, err, color));
    }
    result.bundles.into_iter().next().ok_or(super::EXIT_FINDINGS)
}

/// Adds the legal source text each policy among `sources` names (its
/// `source` path, relative to the policy file), when that file exists. A
/// missing text is left for the checker to report.
pub fn add_legal_texts(sources: &mut Vec<SourceFile>) {
    let mut extra = Vec::new();
    for file in sources.iter() {
        let Some(header) = charter_grammar::parse_policy_header(&file.text) else {
            continue;
        };
        let named = header.fields.iter().find_map(|f| match f {
            charter_grammar::ast::HeaderField::Source(s) => Some(s.value.clone()),
            _ => None,
        });
        let Some(named) = named else { continue };
        let path = Path::new(&file.name).parent().unwrap_or(Path::new(".")).join(&named);
        if let Ok(text) = std::fs::read_to_string(&path) {
            let name = path.display().to_string();
            if !sources.iter().chain(&extra).any(|f: &SourceFile| f.name == name) {
                extra.push(SourceFile { name, text });
            }
        }
    }
    sources.extend(extra);
}
