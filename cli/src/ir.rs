//! `charter ir PATH`: print the IR a policy lowers to, as its stable text
//! dump (or as JSON, the serialized bundle an embedding program can load).

use std::path::PathBuf;

use super::{files, Format, EXIT_OK, EXIT_USAGE};

#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:\n  charter ir policies/almaty\n  charter ir policies/almaty --format json")]
pub struct IrArgs {
    /// A policy file, or a directory holding a policy with its amendments and history
    pub path: PathBuf,
    /// `human` for the text dump, `json` for the serialized bundle
    #[arg(long, value_enum, default_value_t)]
    pub format: Format,
}

pub fn run(args: &IrArgs, out: &mut dyn std::io::Write, err: &mut dyn std::io::Write, color: bool) -> u8 {
    let program = match files::load_program(&args.path, err, color) {
        Ok(program) => program,
        Err(status) => return status,
    };
    let text = match args.format {
        Format::Human => charter::dump_ir(program.bundle()),
        Format::Json => serde_json::to_string_pretty(program.bundle()).unwrap_or_default(),
    };
    match writeln!(out, "{}", text.trim_end()) {
        Ok(()) => EXIT_OK,
        Err(_) => EXIT_USAGE,
    }
}
