//! `charter test PATH`: run every `test` block of a policy package.

use std::path::PathBuf;

use charter_runtime::Interpreter;

use super::{files, EXIT_FINDINGS, EXIT_OK, EXIT_USAGE};

#[derive(Debug, clap::Args)]
pub struct TestArgs {
    /// A policy file, or a directory holding a policy with its amendments and history
    pub path: PathBuf,
    /// Evaluator: the reference interpreter (`interp`, the default) or native code compiled with cranelift (`jit`)
    #[arg(long, value_enum, default_value_t)]
    pub backend: super::Backend,
}

pub fn run(args: &TestArgs, out: &mut dyn std::io::Write, err: &mut dyn std::io::Write, color: bool) -> u8 {
    let bundle = match files::load_bundle(&args.path, err, color) {
        Ok((bundle, _)) => bundle,
        Err(status) => return status,
    };
    let interpreter = Interpreter::new(&bundle);
    let outcomes = match args.backend {
        super::Backend::Interp => interpreter.run_tests(),
        super::Backend::Jit => match charter_compiler::codegen::run_tests(&bundle, interpreter.tables()) {
            Ok(native) => {
                if let Some(why) = native.interpreted.first() {
                    let _ = writeln!(
                        err,
                        "note: {} test step(s) ran on the interpreter ({why})",
                        native.interpreted.len()
                    );
                }
                native.outcomes
            }
            Err(e) => {
                let _ = writeln!(err, "note: using the interpreter: {e}");
                interpreter.run_tests()
            }
        },
    };
    let mut text = String::new();
    let (mut passed, mut failed) = (0, 0);
    for outcome in &outcomes {
        if outcome.failures.is_empty() {
            passed += 1;
            text.push_str(&format!("ok     {}\n", outcome.name));
        } else {
            failed += 1;
            text.push_str(&format!("FAILED {}\n", outcome.name));
            for failure in &outcome.failures {
                text.push_str(&format!("  {failure}\n"));
            }
        }
    }
    text.push_str(&format!("{passed} passed, {failed} failed\n"));
    if write!(out, "{text}").is_err() {
        return EXIT_USAGE;
    }
    if failed > 0 {
        EXIT_FINDINGS
    } else {
        EXIT_OK
    }
}
