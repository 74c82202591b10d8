//! `charter build PATH -o OUT.o --header OUT.h`: compile a policy ahead of
//! time to a relocatable object for the generic x86-64 target and a C header
//! for its entry points.

use std::path::PathBuf;

use super::{files, EXIT_FINDINGS, EXIT_OK};
use charter_compiler::codegen::{fold, object};

#[derive(Debug, clap::Args)]
pub struct BuildArgs {
    /// A policy file, or a directory holding a policy with its amendments and history
    pub path: PathBuf,
    /// The object file to write
    #[arg(short = 'o', long = "output")]
    pub output: PathBuf,
    /// The C header to write
    #[arg(long)]
    pub header: PathBuf,
}

pub fn run(args: &BuildArgs, out: &mut dyn std::io::Write, err: &mut dyn std::io::Write, color: bool) -> u8 {
    let (bundle, sources) = match files::load_bundle(&args.path, err, color) {
        Ok(loaded) => loaded,
        Err(status) => return status,
    };
    let folded = match fold(&bundle, &charter_runtime::Tables::build(&bundle)) {
        Ok(folded) => folded,
        Err(e) => {
            crate::print_error(err, &crate::error::CliError::Codegen(e.to_string()));
            return EXIT_FINDINGS;
        }
    };
    let bytes = match object::object(&folded) {
        Ok(bytes) => bytes,
        Err(e) => {
            crate::print_error(err, &crate::error::CliError::Codegen(e.to_string()));
            return EXIT_FINDINGS;
        }
    };
    // No output may replace a file the policy was read from, nor the
    // other output.
    let inputs: Vec<PathBuf> = sources.iter().map(|s| PathBuf::from(&s.name)).collect();
    for (path, contents, others) in [
        (&args.output, bytes, vec![args.header.clone()]),
        (
            &args.header,
            object::header(&bundle).into_bytes(),
            vec![args.output.clone()],
        ),
    ] {
        let forbidden: Vec<PathBuf> = inputs.iter().cloned().chain(others).collect();
        if let Err(e) = files::write_atomically(path, &contents, &forbidden) {
            crate::print_error(err, &e);
            return EXIT_FINDINGS;
        }
    }
    let _ = writeln!(
        out,
        "wrote {} and {} for `{}`",
        args.output.display(),
        args.header.display(),
        bundle.title
    );
    EXIT_OK
}
