//! Command line -> exit status: the `charter` program, one module per
//! subcommand. This crate is the only one that reads files and prints; each
//! subcommand is a function tests can call directly. It reaches a policy
//! through the facade crate `charter`.

// Every match on an enum names its variants, so a new variant makes the
// compiler point at each place that must handle it.

pub mod build;
pub mod check;
pub mod diff;
pub mod doc;
pub mod error;
pub mod eval;
pub mod files;
pub mod fmt;
pub mod ir;
pub mod json_errors;
pub mod lsp;
pub mod report;
pub mod serve;
pub mod test;

use clap::{Parser, Subcommand, ValueEnum};

/// Exit status: no error.
pub const EXIT_OK: u8 = 0;
/// Exit status: what the command read has errors (or warnings, under
/// `--deny-warnings`), its answer could not be given, or an output cannot
/// be written.
pub const EXIT_FINDINGS: u8 = 1;
/// Exit status: the command could not start on its inputs: the command
/// line is wrong, an input cannot be read as text, or the path holds no
/// single policy. The same for every subcommand.
pub const EXIT_USAGE: u8 = 2;

#[derive(Debug, Parser)]
#[command(
    name = "charter",
    version,
    about = "Check the operating rules of intergovernmental bodies and evaluate them"
)]
pub struct Cli {
    /// When to colour what is printed for people: `auto` colours a
    /// terminal unless NO_COLOR is set
    #[arg(long, global = true, value_enum, default_value_t)]
    pub color: ColorChoice,
    #[command(subcommand)]
    pub command: Command,
}

/// `--color`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, ValueEnum)]
pub enum ColorChoice {
    /// Colour a terminal, unless the NO_COLOR environment variable is set
    #[default]
    Auto,
    /// Always colour
    Always,
    /// Never colour
    Never,
}

impl ColorChoice {
    /// Whether to colour, writing to a terminal or not.
    pub fn colors(self, terminal: bool) -> bool {
        match self {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => terminal && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()),
        }
    }
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check policy, amendment and history files for errors
    Check(check::CheckArgs),
    /// Check a policy and audit its recorded history against it
    Report(report::ReportArgs),
    /// Answer one compliance question about a policy
    Eval(eval::EvalArgs),
    /// Compile a policy to an object file and C header
    Build(build::BuildArgs),
    /// Print the IR a policy lowers to (a stable text dump, or JSON)
    Ir(ir::IrArgs),
    /// Run every `test` block of a policy
    Test(test::TestArgs),
    /// Say what an amendment changes: the text, the procedure, and every answer
    Diff(diff::DiffArgs),
    /// Lay out policy, amendment and history files the one canonical way
    Fmt(fmt::FmtArgs),
    /// A language server for editors, over standard input and output
    Lsp(lsp::LspArgs),
    /// Write a policy's page: the text beside its encoding, timelines, findings
    Doc(doc::DocArgs),
    /// Answer compliance questions over HTTP, following the policies' edits
    Serve(serve::ServeArgs),
    /// Print a shell's completion script for charter (bash, zsh, fish, elvish, powershell)
    Completions(CompletionsArgs),
    /// Print charter's man page (roff), made from the same definitions as `--help`
    #[command(after_help = "Examples:\n  charter man > charter.1 && man ./charter.1")]
    Man,
}

#[derive(Debug, clap::Args)]
#[command(
    after_help = "Examples:\n  charter completions bash > ~/.local/share/bash-completion/completions/charter\n  charter completions zsh > \"${fpath[1]}/_charter\""
)]
pub struct CompletionsArgs {
    /// The shell
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

/// Which evaluator answers queries. A one-shot command answers a handful
/// of queries, so by default it does not pay for compiling native code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, ValueEnum)]
pub enum Backend {
    /// Native code compiled with cranelift: the query, or the tests, and every rule
    Jit,
    /// The reference interpreter alone (the default)
    #[default]
    Interp,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, ValueEnum)]
pub enum Format {
    /// Rendered reports for people
    #[default]
    Human,
    /// One JSON document for tools
    Json,
}

/// A command line clap refused: `--help` and `--version` print to stdout
/// and exit 0; anything else is `error[charter::usage]` with clap's words
/// and the usage line, exit status 2 (as every subcommand's usage errors).
pub fn usage_error(e: &clap::Error, out: &mut dyn std::io::Write, err: &mut dyn std::io::Write) -> u8 {
    use clap::error::ErrorKind;
    let kind = e.kind();
    if kind == ErrorKind::DisplayHelp || kind == ErrorKind::DisplayVersion {
        let _ = write!(out, "{}", e.render());
        return 0;
    }
    if kind == ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand {
        let _ = write!(out, "{}", e.render());
        return 2;
    }
    let rendered = e.render().to_string();
    let mut lines = rendered.lines().filter(|l| !l.trim().is_empty());
    let message = lines
        .next()
        .unwrap_or("the command line is not valid")
        .trim_start_matches("error: ")
        .to_string();
    let rest: Vec<&str> = lines.map(str::trim).collect();
    let help = if rest.is_empty() {
        "`charter --help` lists the commands and their options".to_string()
    } else {
        rest.join("; ")
    };
    print_error(err, &error::CliError::Usage { message, help });
    2
}

/// Writes an error for people: `error[code]: message`, then its help.
pub fn print_error(err: &mut dyn std::io::Write, error: &dyn miette::Diagnostic) {
    let code = error
        .code()
        .map_or_else(|| "charter::error".to_string(), |c| c.to_string());
    json_errors::error(error);
    // Nothing more can be done if stderr itself is gone.
    let _ = writeln!(err, "error[{code}]: {error}");
    if let Some(help) = error.help() {
        let _ = writeln!(err, "  help: {help}");
    }
}

/// Runs a parsed command line, writing to the given streams; returns the exit status.
pub fn run(cli: Cli, out: &mut dyn std::io::Write, err: &mut dyn std::io::Write, color: bool) -> u8 {
    // Every command but the language server checks once and exits: one
    // thread is faster there (see `charter::set_parallel`).
    charter::set_parallel(matches!(cli.command, Command::Lsp(_) | Command::Serve(_)));
    // Under `--format json`, a command that fails says why on stdout too.
    let json = |format: Format| format == Format::Json;
    let with_json_errors = |on: bool,
                            as_array: bool,
                            out: &mut dyn std::io::Write,
                            command: &mut dyn FnMut(&mut dyn std::io::Write) -> u8| {
        let (status, gathered) = json_errors::gather(on, || command(out));
        if status != EXIT_OK && !gathered.is_empty() {
            json_errors::print(out, gathered, as_array);
        }
        status
    };
    match cli.command {
        Command::Check(args) => with_json_errors(args.format == check::CheckFormat::Json, true, out, &mut |out| {
            check::run(&args, out, err, color)
        }),
        Command::Test(args) => with_json_errors(json(args.format), false, out, &mut |out| {
            test::run(&args, out, err, color)
        }),
        Command::Eval(args) => with_json_errors(json(args.format), false, out, &mut |out| {
            eval::run(&args, out, err, color)
        }),
        Command::Report(args) => with_json_errors(json(args.format), false, out, &mut |out| {
            report::run(&args, out, err, color)
        }),
        Command::Ir(args) => with_json_errors(json(args.format), false, out, &mut |out| {
            ir::run(&args, out, err, color)
        }),
        Command::Build(args) => build::run(&args, out, err, color),
        Command::Diff(args) => with_json_errors(args.format == diff::DiffFormat::Json, false, out, &mut |out| {
            diff::run(&args, out, err, color)
        }),
        Command::Fmt(args) => fmt::run(&args, out, err, color),
        Command::Lsp(args) => lsp::run(&args, out, err, color),
        Command::Doc(args) => doc::run(&args, out, err, color),
        Command::Serve(args) => serve::run(&args, out, err),
        Command::Man => {
            use clap::CommandFactory as _;
            let mut page = Vec::new();
            match clap_mangen::Man::new(Cli::command()).render(&mut page) {
                Ok(()) if out.write_all(&page).is_ok() => EXIT_OK,
                Ok(()) | Err(_) => EXIT_USAGE,
            }
        }
        Command::Completions(args) => {
            use clap::CommandFactory as _;
            // Into memory first: clap_complete panics on a write error (a
            // closed pipe), which Charter reports instead.
            let mut script = Vec::new();
            clap_complete::generate(args.shell, &mut Cli::command(), "charter", &mut script);
            match out.write_all(&script) {
                Ok(()) => EXIT_OK,
                Err(_) => EXIT_USAGE,
            }
        }
    }
}
