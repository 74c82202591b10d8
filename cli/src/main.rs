//! The `charter` program. It only dispatches: each subcommand lives in
//! `charter_cli`.

use std::io::IsTerminal;
use std::process::ExitCode;

use clap::Parser as _;

fn main() -> ExitCode {
    let cli = match charter_cli::Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            return ExitCode::from(charter_cli::usage_error(
                &e,
                &mut std::io::stdout(),
                &mut std::io::stderr(),
            ))
        }
    };
    let color = cli.color.colors(std::io::stderr().is_terminal());
    // The language server's own threads write to stdout: nothing here may
    // hold its lock meanwhile.
    if let charter_cli::Command::Lsp(args) = &cli.command {
        return ExitCode::from(charter_cli::lsp::run(
            args,
            &mut std::io::sink(),
            &mut std::io::stderr(),
            color,
        ));
    }
    // The server logs from many threads to stderr: nothing may hold its
    // lock for the server's life.
    if let charter_cli::Command::Serve(_) = &cli.command {
        return ExitCode::from(charter_cli::run(
            cli,
            &mut std::io::stdout(),
            &mut std::io::stderr(),
            color,
        ));
    }
    let code = charter_cli::run(cli, &mut std::io::stdout().lock(), &mut std::io::stderr().lock(), color);
    ExitCode::from(code)
}
