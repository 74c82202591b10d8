//! `charter doc PATH -o DIR`: writes `DIR/index.html`, the policy's page
//! for a committee (`charter::page`): the legal text beside the
//! encoding, the chair and membership timelines, the audit's findings.

use std::path::PathBuf;

use charter::date;

use super::{files, EXIT_FINDINGS, EXIT_OK, EXIT_USAGE};
use crate::error::CliError;

#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:\n  charter doc policies/almaty -o site")]
pub struct DocArgs {
    /// A policy file, or a directory holding a policy with its amendments and history
    pub path: PathBuf,
    /// The directory to write `index.html` into (made if missing)
    #[arg(short, long)]
    pub output: PathBuf,
    /// The horizon of the timelines and the audit (YYYY-MM-DD; default: today)
    #[arg(long)]
    pub until: Option<String>,
}

pub fn run(args: &DocArgs, out: &mut dyn std::io::Write, err: &mut dyn std::io::Write, color: bool) -> u8 {
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
    let program = match files::load_program(&args.path, err, color) {
        Ok(program) => program,
        Err(status) => return status,
    };
    let report = match charter::audit(&program, until, false) {
        Ok(report) => report,
        Err(e) => return crate::report::report_failed(err, &e),
    };
    let page = charter::page(&program, &report);
    if let Err(error) = std::fs::create_dir_all(&args.output) {
        crate::print_error(
            err,
            &files::FileError::Write {
                path: args.output.clone(),
                error,
            },
        );
        return EXIT_FINDINGS;
    }
    let target = args.output.join("index.html");
    let inputs: Vec<PathBuf> = program
        .analysis()
        .files()
        .iter()
        .map(|s| PathBuf::from(&s.name))
        .collect();
    if let Err(error) = files::write_output(&target, page.as_bytes(), &inputs) {
        crate::print_error(err, &error);
        return EXIT_FINDINGS;
    }
    if writeln!(out, "wrote {}", target.display()).is_err() {
        return EXIT_USAGE;
    }
    EXIT_OK
}
