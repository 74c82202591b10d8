//! `charter fmt PATH...`: lays out policy, amendment and history files the
//! one canonical way (`charter::format`), in place, or checks
//! that they already are (`--check`, for CI), or prints the result
//! (`--stdout`, for editors). A file that does not parse is left as it is
//! and named on stderr (`charter check` says what is wrong with it).

use std::path::PathBuf;

use charter::{format, FormatError};

use super::{files, EXIT_FINDINGS, EXIT_OK, EXIT_USAGE};

#[derive(Debug, clap::Args)]
#[command(
    after_help = "Examples:\n  charter fmt policies\n  charter fmt --check policies\n  charter fmt --diff policies/almaty\n  charter fmt - < draft.charter"
)]
pub struct FmtArgs {
    /// Files, or directories searched for `*.charter` (`-`: standard input, formatted to standard output)
    #[arg(required = true)]
    pub paths: Vec<PathBuf>,
    /// Change nothing; list the files that are not formatted and exit 1 if there are any
    #[arg(long, conflicts_with = "stdout")]
    pub check: bool,
    /// Print the formatted text instead of writing it
    #[arg(long, conflicts_with = "diff")]
    pub stdout: bool,
    /// Change nothing; print what formatting would change as a unified diff and exit 1 if anything would
    #[arg(long, conflicts_with = "check")]
    pub diff: bool,
}

pub fn run(args: &FmtArgs, out: &mut dyn std::io::Write, err: &mut dyn std::io::Write, _color: bool) -> u8 {
    let paths = match files::collect(&args.paths) {
        Ok(paths) => paths,
        Err(error) => {
            crate::print_error(err, &error);
            return EXIT_USAGE;
        }
    };
    if paths.is_empty() {
        crate::print_error(
            err,
            &files::FileError::NoFiles {
                paths: args.paths.clone(),
            },
        );
        return EXIT_USAGE;
    }
    let mut unformatted = Vec::new();
    let mut failed = false;
    for path in &paths {
        let source = match files::read(path) {
            Ok(source) => source,
            Err(error) => {
                crate::print_error(err, &error);
                return EXIT_FINDINGS;
            }
        };
        let formatted = match format(&source.text) {
            Ok(formatted) => formatted,
            Err(FormatError::DoesNotParse) => {
                let _ = writeln!(
                    err,
                    "{}: skipped: the file does not parse (`charter check` shows why)",
                    path.display()
                );
                if args.stdout || (files::is_stdin(path) && !args.check && !args.diff) {
                    let _ = write!(out, "{}", source.text);
                }
                // `--check` cannot say the file is formatted (issue 29: it
                // exited 0).
                failed |= args.check;
                continue;
            }
            Err(error @ FormatError::ChangesMeaning) => {
                let _ = writeln!(err, "{}: {error}", path.display());
                failed = true;
                continue;
            }
        };
        // Standard input has nowhere to be written back: it is formatted
        // to standard output (or checked, or diffed).
        let to_stdout = args.stdout || (files::is_stdin(path) && !args.check && !args.diff);
        if to_stdout {
            if write!(out, "{formatted}").is_err() {
                return EXIT_USAGE;
            }
        } else if formatted != source.text {
            if args.diff {
                let name = source.name.clone();
                let diff = similar::TextDiff::from_lines(&source.text, &formatted);
                let shown = diff.unified_diff().context_radius(3).header(&name, &name).to_string();
                if write!(out, "{shown}").is_err() {
                    return EXIT_USAGE;
                }
            } else if args.check {
                let _ = writeln!(out, "{}", source.name);
            } else if let Err(error) = files::write_output(path, formatted.as_bytes(), &[]) {
                crate::print_error(err, &error);
                return EXIT_FINDINGS;
            }
            unformatted.push(path);
        }
    }
    if (args.check || args.diff) && !unformatted.is_empty() {
        let _ = writeln!(
            err,
            "{} file{} not formatted: run `charter fmt` on {}",
            unformatted.len(),
            if unformatted.len() == 1 { " is" } else { "s are" },
            if unformatted.len() == 1 { "it" } else { "them" }
        );
        return EXIT_FINDINGS;
    }
    if failed {
        EXIT_FINDINGS
    } else {
        EXIT_OK
    }
}
