//! `charter report PATH`: check a policy, evaluate its recorded history
//! under the rules in force, and print everything an auditor needs.

use std::path::PathBuf;

use charter::date;
use charter::report::{self, ReportError};

use super::{files, Format, EXIT_FINDINGS, EXIT_OK, EXIT_USAGE};
use crate::error::CliError;

#[derive(Debug, clap::Args)]
#[command(
    after_help = "Examples:\n  charter report policies/almaty\n  charter report policies/almaty --until 2020-01-01 --format json\n  charter report policies/almaty --deny-violations"
)]
pub struct ReportArgs {
    /// A policy file, or a directory holding a policy with its amendments and history
    pub path: PathBuf,
    /// Output format
    #[arg(long, value_enum, default_value_t)]
    pub format: Format,
    /// The horizon: evaluate up to this day (YYYY-MM-DD; default: today)
    #[arg(long)]
    pub until: Option<String>,
    /// Exit 1 when the report has a finding of severity violation (a
    /// missed obligation, an invalid decision, a host who is not the
    /// chair), for CI
    #[arg(long)]
    pub deny_violations: bool,
    /// Exit 1 when the report has a finding with this code
    /// (`audit::host-not-chair`, or just `host-not-chair`); repeatable
    #[arg(long, value_name = "CODE")]
    pub deny: Vec<String>,
}

/// The finding codes `--deny` names, each as `audit::...`, or the first
/// that names none.
fn denied_codes(deny: &[String]) -> Result<Vec<String>, CliError> {
    let all = report::FindingCode::all();
    deny.iter()
        .map(|code| {
            let full = if code.contains("::") {
                code.clone()
            } else {
                format!("audit::{code}")
            };
            if all.contains(&full) {
                Ok(full)
            } else {
                let near = charter::did_you_mean(&full, all.iter().map(String::as_str));
                Err(CliError::UnknownFindingCode {
                    code: code.clone(),
                    help: match near {
                        Some(near) => format!("did you mean `{near}`? the codes are {}", all.join(", ")),
                        None => format!("the codes are {}", all.join(", ")),
                    },
                })
            }
        })
        .collect()
}

pub fn run(args: &ReportArgs, out: &mut dyn std::io::Write, err: &mut dyn std::io::Write, color: bool) -> u8 {
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
    let denied = match denied_codes(&args.deny) {
        Ok(codes) => codes,
        Err(error) => {
            crate::print_error(err, &error);
            return EXIT_USAGE;
        }
    };
    let program = match files::load_program(&args.path, err, color) {
        Ok(program) => program,
        Err(status) => return status,
    };
    let report = match charter::audit(&program, until, true) {
        Ok(report) => report,
        Err(e) => return report_failed(err, &e),
    };
    let text = match args.format {
        Format::Human => report::render_text(&report),
        Format::Json => serde_json::to_string_pretty(&report).unwrap_or_default(),
    };
    if writeln!(out, "{}", text.trim_end()).is_err() {
        return EXIT_USAGE;
    }
    let denied_found = report.findings.iter().any(|f| denied.contains(&f.code));
    if (args.deny_violations && report.summary.has_violations()) || denied_found {
        EXIT_FINDINGS
    } else {
        EXIT_OK
    }
}

/// Prints why a report could not be made; the exit status (2 for a
/// horizon the command line gave too far, as for any wrong command line).
pub fn report_failed(err: &mut dyn std::io::Write, error: &ReportError) -> u8 {
    let error = match error {
        ReportError::HorizonTooFar { until, years } => {
            crate::print_error(
                err,
                &CliError::HorizonTooFar {
                    until: date::format(*until),
                    years: *years,
                },
            );
            return EXIT_USAGE;
        }
        ReportError::Eval(e) => CliError::Eval {
            what: "history",
            message: e.to_string(),
        },
    };
    crate::print_error(err, &error);
    EXIT_FINDINGS
}
