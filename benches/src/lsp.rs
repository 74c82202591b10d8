//! W7: the language server as an editor meets it. The `charter` binary
//! built beside this one is started as `charter lsp` and driven over stdio
//! with the protocol's framing: the Almaty policy opened, then edited
//! (each edit a full change, as editors send), with the time from sending
//! the change to the diagnostics of the edited file arriving; and hover on
//! a party, with the time to its answer. Its answers are checked first.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};
use std::time::Instant;

use serde_json::{json, Value as Json};

use crate::ensure;

/// How many edits and hovers are timed.
const EDITS: usize = 40;
const HOVERS: usize = 200;

struct Server {
    child: Child,
    stdin: ChildStdin,
    stdout: BufReader<ChildStdout>,
    next_id: i64,
}

impl Server {
    fn start(exe: &std::path::Path) -> Result<Server, String> {
        let mut child = Command::new(exe)
            .arg("lsp")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|e| format!("cannot start {}: {e}", exe.display()))?;
        let stdin = child.stdin.take().ok_or("no stdin")?;
        let stdout = BufReader::new(child.stdout.take().ok_or("no stdout")?);
        Ok(Server {
            child,
            stdin,
            stdout,
            next_id: 1,
        })
    }

    fn send(&mut self, message: &Json) -> Result<(), String> {
        let body = message.to_string();
        write!(self.stdin, "Content-Length: {}\r\n\r\n{body}", body.len()).map_err(|e| e.to_string())?;
        self.stdin.flush().map_err(|e| e.to_string())
    }

    fn receive(&mut self) -> Result<Json, String> {
        let mut length = None;
        loop {
            let mut line = String::new();
            if self.stdout.read_line(&mut line).map_err(|e| e.to_string())? == 0 {
                return Err("the server closed its output".to_string());
            }
            let line = line.trim_end();
            if line.is_empty() {
                break;
            }
            if let Some(n) = line.strip_prefix("Content-Length:") {
                length = n.trim().parse::<usize>().ok();
            }
        }
        let mut body = vec![0u8; length.ok_or("a message without Content-Length")?];
        self.stdout.read_exact(&mut body).map_err(|e| e.to_string())?;
        serde_json::from_slice(&body).map_err(|e| e.to_string())
    }

    fn request(&mut self, method: &str, params: Json) -> Result<Json, String> {
        let id = self.next_id;
        self.next_id += 1;
        self.send(&json!({ "jsonrpc": "2.0", "id": id, "method": method, "params": params }))?;
        loop {
            let message = self.receive()?;
            if message.get("id") == Some(&json!(id)) {
                return Ok(message.get("result").cloned().unwrap_or(Json::Null));
            }
        }
    }

    fn notify(&mut self, method: &str, params: Json) -> Result<(), String> {
        self.send(&json!({ "jsonrpc": "2.0", "method": method, "params": params }))
    }

    /// Waits for the diagnostics of `uri`, returning them.
    fn diagnostics_of(&mut self, uri: &str) -> Result<Vec<Json>, String> {
        loop {
            let message = self.receive()?;
            if message.get("method").and_then(Json::as_str) == Some("textDocument/publishDiagnostics")
                && message.pointer("/params/uri").and_then(Json::as_str) == Some(uri)
            {
                return Ok(message
                    .pointer("/params/diagnostics")
                    .and_then(Json::as_array)
                    .cloned()
                    .unwrap_or_default());
            }
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The line and UTF-16 column of a byte offset (the policy is ASCII where
/// it is used).
fn position(text: &str, offset: usize) -> Json {
    let before = text.get(..offset).unwrap_or_default();
    let line = before.matches('\n').count();
    let column = offset - before.rfind('\n').map_or(0, |i| i + 1);
    json!({ "line": line, "character": column })
}

/// W7 on the `charter` binary beside this one; `None` (with why on stderr)
/// when it is not built.
pub fn run(verify: bool) -> Result<Option<BTreeMap<&'static str, f64>>, String> {
    let exe = std::env::current_exe()
        .map_err(|e| e.to_string())?
        .with_file_name("charter");
    if !exe.exists() {
        eprintln!(
            "W7 skipped: {} is not built (cargo build -p charter-cli, in this profile)",
            exe.display()
        );
        return Ok(None);
    }
    let path = crate::policy_dir()
        .join("modalities-2013.charter")
        .canonicalize()
        .map_err(|e| e.to_string())?;
    let uri = format!("file://{}", path.display());
    let text = std::fs::read_to_string(&path).map_err(|e| e.to_string())?;
    let mut server = Server::start(&exe)?;
    server.request("initialize", json!({ "capabilities": {} }))?;
    server.notify("initialized", json!({}))?;
    server.notify(
        "textDocument/didOpen",
        json!({ "textDocument": { "uri": uri, "languageId": "charter", "version": 1, "text": text } }),
    )?;
    let opened = server.diagnostics_of(&uri)?;
    let errors = |list: &[Json]| list.iter().filter(|d| d.get("severity") == Some(&json!(1))).count();
    ensure(errors(&opened) == 0, || format!("W7: errors on open: {opened:?}"))?;
    // Each edit changes a comment (a change a drafter makes all the time);
    // every other one also mistypes a party, so half the edits have an error.
    let broken = text.replacen("members KAZ, KGZ, TJK,", "members KAZ, KZG, TJK,", 1);
    ensure(broken != text, || "W7: the edit's anchor".to_string())?;
    let mut edit_ns = Vec::new();
    for k in 0..EDITS {
        let base = if k % 2 == 0 { &broken } else { &text };
        let edited = format!("{base}\n// edit {k}\n");
        let start = Instant::now();
        server.notify(
            "textDocument/didChange",
            json!({
                "textDocument": { "uri": uri, "version": k + 2 },
                "contentChanges": [{ "text": edited }],
            }),
        )?;
        let diagnostics = server.diagnostics_of(&uri)?;
        edit_ns.push(start.elapsed().as_nanos() as f64);
        let want = usize::from(k % 2 == 0);
        ensure(errors(&diagnostics) == want, || {
            format!("W7: edit {k} gave {} errors, not {want}", errors(&diagnostics))
        })?;
    }
    // Hover on KGZ's declaration, the folder with an error in it (the last
    // edit, odd, has none: break it once more).
    let edited = format!("{broken}\n// hover\n");
    server.notify(
        "textDocument/didChange",
        json!({ "textDocument": { "uri": uri, "version": EDITS + 2 }, "contentChanges": [{ "text": edited }] }),
    )?;
    server.diagnostics_of(&uri)?;
    let at = edited.find("state KGZ \"").ok_or("W7: KGZ's declaration")? + "state ".len() + 1;
    let mut hover_ns = Vec::new();
    for _ in 0..HOVERS {
        let start = Instant::now();
        let hover = server.request(
            "textDocument/hover",
            json!({ "textDocument": { "uri": uri }, "position": position(&edited, at) }),
        )?;
        hover_ns.push(start.elapsed().as_nanos() as f64);
        let shown = hover
            .pointer("/contents/value")
            .and_then(Json::as_str)
            .unwrap_or_default();
        ensure(shown.contains("Kyrgyz Republic"), || format!("W7: hover gave {hover}"))?;
    }
    let _ = server.request("shutdown", Json::Null);
    let _ = server.notify("exit", Json::Null);
    let mut out = BTreeMap::new();
    if verify {
        return Ok(Some(out));
    }
    let median = |mut v: Vec<f64>| {
        v.sort_by(f64::total_cmp);
        v.get(v.len() / 2).copied().unwrap_or_default()
    };
    out.insert("diagnostics_after_edit", median(edit_ns));
    out.insert("hover", median(hover_ns));
    Ok(Some(out))
}
