//! `charter serve PATH...`: answer compliance questions over HTTP
//! (docs/server.md); the server itself is the `charter-server` crate.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use super::{EXIT_FINDINGS, EXIT_OK, EXIT_USAGE};
use crate::error::CliError;

#[derive(Debug, clap::Args)]
#[command(
    after_help = "Examples:\n  charter serve policies/almaty\n  charter serve policies/almaty policies/puebla --addr 0.0.0.0:8181 --token-file token\n  curl -s localhost:8181/v1/policies/almaty/queries/chair -d '{\"args\": [\"2017-09-01\"]}'"
)]
pub struct ServeArgs {
    /// Policy files or directories, each served under its folder's name (or its file's stem)
    #[arg(required = true)]
    pub paths: Vec<PathBuf>,
    /// The address to listen on (loopback unless told otherwise)
    #[arg(long, default_value = "127.0.0.1:8181")]
    pub addr: SocketAddr,
    /// A file holding the bearer token every request must carry
    #[arg(long, value_name = "FILE")]
    pub token_file: Option<PathBuf>,
    /// The largest request body read, in bytes (larger: 413)
    #[arg(long, value_name = "BYTES", default_value_t = 1024 * 1024)]
    pub max_body: usize,
    /// The longest a request may take once its head is read, in milliseconds (then 503)
    #[arg(long, value_name = "MS", default_value_t = 10_000)]
    pub timeout_ms: u64,
    /// Requests answered at once; more wait within their time limit
    #[arg(long, value_name = "N", default_value_t = 256)]
    pub max_concurrency: usize,
    /// Connections open at once; more are closed as they arrive
    #[arg(long, value_name = "N", default_value_t = 10_000)]
    pub max_connections: usize,
    /// Do not watch the policies' folders for edits
    #[arg(long)]
    pub no_watch: bool,
    /// Which evaluator answers: native code, compiled once per version before it is served
    /// (the default; the interpreter answers what native code declines), or the interpreter alone
    #[arg(long, value_enum, default_value = "jit")]
    pub backend: super::Backend,
    /// Logs on stderr as JSON lines (`CHARTER_LOG` filters them: `debug` logs every request)
    #[arg(long)]
    pub log_json: bool,
}

pub fn run(args: &ServeArgs, out: &mut dyn std::io::Write, err: &mut dyn std::io::Write) -> u8 {
    let token = match &args.token_file {
        None => None,
        Some(path) => match super::files::read_text(path) {
            Ok(text) if !text.trim().is_empty() => Some(text.trim().to_string()),
            Ok(_) => {
                crate::print_error(
                    err,
                    &CliError::Usage {
                        message: format!("the token file `{}` is empty", path.display()),
                        help: "write the bearer token clients will send into the file".to_string(),
                    },
                );
                return EXIT_USAGE;
            }
            Err(e) => {
                crate::print_error(err, &e);
                return EXIT_USAGE;
            }
        },
    };
    let mut config = charter_server::Config::new(args.paths.clone());
    config.max_body = args.max_body;
    config.timeout = Duration::from_millis(args.timeout_ms.max(1));
    config.max_concurrency = args.max_concurrency.max(1);
    config.max_connections = args.max_connections.max(1);
    config.watch = !args.no_watch;
    config.token = token;
    config.backend = match args.backend {
        super::Backend::Jit => charter::Backend::Native,
        super::Backend::Interp => charter::Backend::Interpreter,
    };
    charter_server::init_logs(args.log_json);
    let served = charter_server::serve_until_signal(config, args.addr, |addr| {
        let _ = writeln!(out, "listening on http://{addr}");
        let _ = out.flush();
    });
    match served {
        Ok(()) => EXIT_OK,
        Err(charter_server::StartError::Policy { name, errors }) => {
            for e in &errors {
                let field = |key: &str| e.get(key).and_then(serde_json::Value::as_str).unwrap_or_default();
                let place = match (e.get("file"), e.get("line"), e.get("column")) {
                    (Some(file), Some(line), Some(column)) => {
                        format!("{}:{}:{}: ", file.as_str().unwrap_or_default(), line, column)
                    }
                    _ => String::new(),
                };
                let _ = writeln!(err, "error[{}]: {place}{}", field("code"), field("message"));
            }
            let _ = writeln!(
                err,
                "error[charter::policy-does-not-check]: the policy `{name}` does not check; nothing is served"
            );
            // A file that cannot be read, or no policy there: the command
            // could not start, as for every subcommand.
            let unreadable = errors.iter().any(|e| {
                e.get("code").and_then(serde_json::Value::as_str).is_some_and(|code| {
                    [
                        "charter::io",
                        "charter::not-a-file",
                        "charter::file-too-large",
                        "charter::not-utf8",
                        "charter::no-files",
                        "charter::no-policy",
                        "charter::many-policies",
                    ]
                    .contains(&code)
                })
            });
            if unreadable {
                EXIT_USAGE
            } else {
                EXIT_FINDINGS
            }
        }
        Err(e) => {
            crate::print_error(err, &e);
            EXIT_USAGE
        }
    }
}
