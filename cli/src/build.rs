//! `charter build PATH -o OUT.o --header OUT.h`: compile a policy ahead of
//! time to a relocatable object for the generic x86-64 target and a C header
//! for its entry points.

use std::path::PathBuf;

use super::{files, EXIT_FINDINGS, EXIT_OK};

#[derive(Debug, clap::Args)]
#[command(
    after_help = "Examples:\n  charter build policies/almaty -o almaty.o --header almaty.h\n  cc app.c almaty.o -o app"
)]
pub struct BuildArgs {
    /// A policy file, or a directory holding a policy with its amendments and history
    pub path: PathBuf,
    /// The object file to write
    #[arg(short = 'o', long = "output")]
    pub output: PathBuf,
    /// The C header to write
    #[arg(long)]
    pub header: PathBuf,
    /// A JSON manifest of the exported symbols and their types to write
    #[arg(long)]
    pub manifest: Option<PathBuf>,
}

pub fn run(args: &BuildArgs, out: &mut dyn std::io::Write, err: &mut dyn std::io::Write, color: bool) -> u8 {
    let program = match files::load_program(&args.path, err, color) {
        Ok(program) => program,
        Err(status) => return status,
    };
    let (bundle, sources) = (program.bundle(), program.analysis().files());
    let built = match program.object_files() {
        Ok(built) => built,
        Err(e) => {
            crate::print_error(err, &crate::error::CliError::Codegen(e));
            return EXIT_FINDINGS;
        }
    };
    // No output may replace a file the policy was read from, nor the
    // other output.
    let inputs: Vec<PathBuf> = sources.iter().map(|s| PathBuf::from(&s.name)).collect();
    let mut writes = vec![(&args.output, built.object), (&args.header, built.header.into_bytes())];
    if let Some(manifest) = &args.manifest {
        let text = serde_json::to_string_pretty(&built.manifest).unwrap_or_default() + "\n";
        writes.push((manifest, text.into_bytes()));
    }
    // Each output may replace neither an input nor another output; every
    // output is checked before any is written.
    let outputs: Vec<PathBuf> = writes.iter().map(|(path, _)| (*path).clone()).collect();
    let mut prepared = Vec::new();
    for (i, (path, contents)) in writes.into_iter().enumerate() {
        let others = outputs
            .iter()
            .enumerate()
            .filter(|(j, _)| *j != i)
            .map(|(_, o)| o.clone());
        let forbidden: Vec<PathBuf> = inputs.iter().cloned().chain(others).collect();
        match files::Output::prepare(path, &forbidden) {
            Ok(output) => prepared.push((output, contents)),
            Err(e) => {
                crate::print_error(err, &e);
                return EXIT_FINDINGS;
            }
        }
    }
    for (output, contents) in prepared {
        if let Err(e) = output.write(&contents) {
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
