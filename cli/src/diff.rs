//! `charter diff OLD NEW` and `charter diff PATH --base REV`: what an
//! amendment changes, for a reviewer and for CI. The comparison itself is
//! `charter::diff`; this module reads the two sides (from files, or
//! the base side from a git revision without touching the work tree) and
//! picks the output and the exit status.

use std::path::{Path, PathBuf};
use std::process::Command;

use charter::diff::{self, render, Input};
use charter::{date, SourceFile};

use super::{files, EXIT_FINDINGS, EXIT_OK, EXIT_USAGE};
use crate::error::CliError;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum DiffFormat {
    /// For people
    #[default]
    Text,
    /// One JSON document (docs/diff.md gives its schema)
    Json,
    /// A summary for a pull-request comment
    Markdown,
    /// SARIF 2.1.0, for code scanning
    Sarif,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum FailOn {
    /// Exit 1 when any answer changes (text-only changes pass)
    Changes,
    /// Exit 1 when the audit of the recorded history has a violation the old text did not give
    Violations,
}

#[derive(Debug, clap::Args)]
#[command(
    after_help = "Examples:\n  charter diff --base origin/main policies/almaty\n  charter diff old/ new/ --format markdown"
)]
pub struct DiffArgs {
    /// The old policy: a file, or a directory with its amendments and
    /// history (with `--base`: the policy in the work tree, compared with
    /// itself at that revision)
    pub old: PathBuf,
    /// The new policy: a file or directory
    #[arg(required_unless_present = "base", conflicts_with = "base")]
    pub new: Option<PathBuf>,
    /// Compare the policy at PATH with the same path at this git revision
    #[arg(long, value_name = "REV")]
    pub base: Option<String>,
    /// Output format
    #[arg(long, value_enum, default_value_t)]
    pub format: DiffFormat,
    /// The horizon of the chair timeline and the audit (YYYY-MM-DD; default: today)
    #[arg(long)]
    pub until: Option<String>,
    /// Exit 1 on semantic changes, or on new audit violations (errors always exit 1)
    #[arg(long, value_enum, value_name = "WHAT")]
    pub fail_on: Option<FailOn>,
}

pub fn run(args: &DiffArgs, out: &mut dyn std::io::Write, err: &mut dyn std::io::Write, _color: bool) -> u8 {
    let until = match &args.until {
        Some(text) => match date::parse(text) {
            Some(day) => day,
            None => {
                crate::print_error(err, &CliError::InvalidUntil(text.clone()));
                return EXIT_USAGE;
            }
        },
        None => date::from_date(jiff::Zoned::now().date()),
    };
    let sides = match (&args.new, &args.base) {
        (Some(new), _) => read_side(&args.old).and_then(|old| {
            let new_sources = read_side(new)?;
            Ok((
                (args.old.display().to_string(), old),
                (new.display().to_string(), new_sources),
            ))
        }),
        (None, Some(rev)) => sources_at(rev, &args.old).and_then(|old| {
            let new_sources = read_side(&args.old)?;
            Ok((
                (format!("{rev}:{}", args.old.display()), old),
                (args.old.display().to_string(), new_sources),
            ))
        }),
        (None, None) => Err(CliError::NoPolicy(args.old.display().to_string())),
    };
    let ((old_label, old_sources), (new_label, new_sources)) = match sides {
        Ok(sides) => sides,
        Err(error) => {
            crate::print_error(err, &error);
            return EXIT_USAGE;
        }
    };
    let (old_analysis, new_analysis) = (charter::Analysis::new(old_sources), charter::Analysis::new(new_sources));
    // The horizon is bounded as `charter report` bounds it: past it, the
    // audit of a side could not be made and would drop out of the diff.
    for analysis in [&old_analysis, &new_analysis] {
        if let [bundle] = analysis.result().bundles.as_slice() {
            if until > charter::report::max_horizon(bundle) {
                let error = CliError::HorizonTooFar {
                    until: date::format(until),
                    years: charter::report::MAX_HORIZON_YEARS,
                };
                crate::print_error(err, &error);
                return EXIT_USAGE;
            }
        }
    }
    let old = Input {
        label: old_label,
        analysis: &old_analysis,
    };
    let new = Input {
        label: new_label,
        analysis: &new_analysis,
    };
    let diff = diff::diff(&old, &new, until);
    let text = match args.format {
        DiffFormat::Text => render::text(&diff),
        DiffFormat::Json => serde_json::to_string_pretty(&diff).unwrap_or_default(),
        DiffFormat::Markdown => render::markdown(&diff),
        DiffFormat::Sarif => serde_json::to_string_pretty(&render::sarif(&diff)).unwrap_or_default(),
    };
    if writeln!(out, "{}", text.trim_end()).is_err() {
        return EXIT_USAGE;
    }
    let s = &diff.summary;
    let failed = s.errors > 0
        || match args.fail_on {
            Some(FailOn::Changes) => s.semantic,
            Some(FailOn::Violations) => s.new_violations > 0,
            None => false,
        };
    if failed {
        EXIT_FINDINGS
    } else {
        EXIT_OK
    }
}

fn read_side(path: &Path) -> Result<Vec<SourceFile>, CliError> {
    Ok(files::policy_sources(path)?)
}

/// Runs git in `dir`; its standard output, or what it said went wrong.
fn git(dir: &Path, args: &[&str]) -> Result<Vec<u8>, CliError> {
    let output = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(args)
        .output()
        .map_err(|e| CliError::Git {
            message: format!("cannot run git: {e}"),
        })?;
    if !output.status.success() {
        return Err(CliError::Git {
            message: format!(
                "`git {}` failed: {}",
                args.join(" "),
                String::from_utf8_lossy(&output.stderr).trim()
            ),
        });
    }
    Ok(output.stdout)
}

/// The text of one file at a revision (`REV:path`, path from the top of the
/// repository), within the size limit.
fn show(top: &Path, rev: &str, path: &str) -> Result<String, CliError> {
    let bytes = git(top, &["show", &format!("{rev}:{path}")])?;
    files::text_of(&PathBuf::from(format!("{rev}:{path}")), bytes).map_err(CliError::File)
}

/// The `.charter` files under `path` at revision `rev`, and the legal texts
/// their policies name, read through git (the work tree is not touched).
/// Each is named `REV:path-in-repository`.
fn sources_at(rev: &str, path: &Path) -> Result<Vec<SourceFile>, CliError> {
    let absolute = path.canonicalize().map_err(|error| {
        CliError::File(files::FileError::Read {
            path: path.to_path_buf(),
            error,
        })
    })?;
    let dir = if absolute.is_dir() {
        absolute.clone()
    } else {
        absolute.parent().map(Path::to_path_buf).unwrap_or_default()
    };
    let top = String::from_utf8_lossy(&git(&dir, &["rev-parse", "--show-toplevel"])?)
        .trim()
        .to_string();
    let top = PathBuf::from(top).canonicalize().map_err(|error| {
        CliError::File(files::FileError::Read {
            path: path.to_path_buf(),
            error,
        })
    })?;
    let relative = absolute
        .strip_prefix(&top)
        .map(|p| p.to_string_lossy().replace('\\', "/"))
        .map_err(|_| CliError::Git {
            message: format!("`{}` is outside the repository at `{}`", path.display(), top.display()),
        })?;
    // Check the revision exists before listing, so a typo is an error, not
    // an empty policy.
    git(
        &top,
        &["rev-parse", "--verify", "--quiet", &format!("{rev}^{{commit}}")],
    )?;
    let spec = if relative.is_empty() {
        ".".to_string()
    } else {
        relative.clone()
    };
    let listed = String::from_utf8_lossy(&git(&top, &["ls-tree", "-r", "--name-only", "-z", rev, "--", &spec])?)
        .split('\0')
        .filter(|name| !name.is_empty())
        .map(str::to_string)
        .collect::<Vec<_>>();
    let named_file = !absolute.is_dir();
    // The folder's `.charterignore` at that revision, as a walk of the
    // folder would read it.
    let ignore_name = if relative.is_empty() {
        charter::files::IGNORE_FILE.to_string()
    } else {
        format!("{relative}/{}", charter::files::IGNORE_FILE)
    };
    let ignored = if !named_file && listed.contains(&ignore_name) {
        charter::files::Ignored::parse(
            Path::new(&format!("{rev}:{ignore_name}")),
            &show(&top, rev, &ignore_name)?,
        )
        .map_err(|e| CliError::Git { message: e.to_string() })?
    } else {
        charter::files::Ignored::default()
    };
    let mut names: Vec<String> = listed
        .into_iter()
        .filter(|name| named_file || name.ends_with(".charter"))
        .filter(|name| {
            let inside = Path::new(name).strip_prefix(&relative).unwrap_or(Path::new(name));
            named_file || !ignored.leaves_out(inside, false)
        })
        .collect();
    names.sort();
    if names.is_empty() {
        return Err(CliError::Git {
            message: format!("no `.charter` files under `{spec}` at `{rev}`"),
        });
    }
    let mut sources = Vec::new();
    for name in &names {
        sources.push(SourceFile::charter(format!("{rev}:{name}"), show(&top, rev, name)?));
    }
    // The legal texts the policies name, beside each policy file.
    let mut legal = Vec::new();
    for (source, name) in sources.iter().zip(&names) {
        // A path out of the policy's folder is never read (the checker
        // reports `charter::source-outside-policy`).
        if let Some(relative) =
            files::source_named(&source.text).and_then(|named| charter::citations::confined(&named).ok())
        {
            let parent = Path::new(name).parent().unwrap_or(Path::new(""));
            let joined = normalize(&parent.join(relative));
            // A policy whose legal text is missing at that revision is
            // reported by the checker (`charter::missing-source`).
            if let Ok(text) = show(&top, rev, &joined) {
                legal.push(SourceFile::legal_text(format!("{rev}:{joined}"), text));
            }
        }
    }
    sources.extend(legal);
    Ok(sources)
}

/// `a/./b/../c` as `a/c`, with forward slashes (a path inside a repository).
fn normalize(path: &Path) -> String {
    let mut parts: Vec<String> = Vec::new();
    for part in path.components() {
        match part {
            std::path::Component::ParentDir => {
                parts.pop();
            }
            std::path::Component::Normal(p) => parts.push(p.to_string_lossy().into_owned()),
            std::path::Component::CurDir | std::path::Component::RootDir | std::path::Component::Prefix(_) => {}
        }
    }
    parts.join("/")
}
