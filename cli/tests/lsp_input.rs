//! `charter lsp` under hostile input, driven as a subprocess with raw
//! bytes: a well-framed body that is no JSON-RPC message gets an error
//! response and the session goes on (a later request is still answered);
//! broken framing ends the session with status 1 and no panic; a length
//! far past the limit allocates nothing; a document's folder is searched
//! within bounds and never above the workspace the client named.

#![allow(
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "a test stops at the first thing that is not as it should be"
)]

use std::io::{BufRead as _, BufReader, Read as _, Write as _};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{Receiver, RecvTimeoutError};
use std::time::{Duration, Instant};

use serde_json::{json, Value as Json};

/// Long enough for a debug build on a loaded machine; a hang fails.
const PATIENCE: Duration = Duration::from_secs(60);

struct Session {
    child: Child,
    stdin: Option<ChildStdin>,
    messages: Receiver<Json>,
    stderr: std::thread::JoinHandle<String>,
}

fn frame(body: &[u8]) -> Vec<u8> {
    let mut out = format!("Content-Length: {}\r\n\r\n", body.len()).into_bytes();
    out.extend_from_slice(body);
    out
}

impl Session {
    fn start() -> Session {
        let mut child = Command::new(env!("CARGO_BIN_EXE_charter"))
            .arg("lsp")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("charter lsp starts");
        let stdout = child.stdout.take().expect("stdout");
        let mut stderr = child.stderr.take().expect("stderr");
        let (tx, messages) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let mut reader = BufReader::new(stdout);
            loop {
                let mut length = None;
                loop {
                    let mut line = String::new();
                    if reader.read_line(&mut line).unwrap_or(0) == 0 {
                        return;
                    }
                    let line = line.trim_end();
                    if line.is_empty() {
                        break;
                    }
                    if let Some(n) = line.strip_prefix("Content-Length: ") {
                        length = n.parse::<usize>().ok();
                    }
                }
                let mut body = vec![0; length.expect("the server frames its messages")];
                reader.read_exact(&mut body).expect("a whole body");
                let message: Json = serde_json::from_slice(&body).expect("the server writes JSON");
                if tx.send(message).is_err() {
                    return;
                }
            }
        });
        let stderr = std::thread::spawn(move || {
            let mut text = String::new();
            let _ = stderr.read_to_string(&mut text);
            text
        });
        let stdin = child.stdin.take();
        Session {
            child,
            stdin,
            messages,
            stderr,
        }
    }

    fn send_bytes(&mut self, bytes: &[u8]) {
        let stdin = self.stdin.as_mut().expect("stdin open");
        // The server may already have ended (broken framing): a failed
        // write is then expected, and the exit status says the rest.
        let _ = stdin.write_all(bytes).and_then(|()| stdin.flush());
    }

    fn send(&mut self, message: &Json) {
        self.send_bytes(&frame(message.to_string().as_bytes()));
    }

    fn request(&mut self, id: i64, method: &str, params: Json) {
        self.send(&json!({ "jsonrpc": "2.0", "id": id, "method": method, "params": params }));
    }

    fn notify(&mut self, method: &str, params: Json) {
        self.send(&json!({ "jsonrpc": "2.0", "method": method, "params": params }));
    }

    /// Every message up to and including the response with `id`.
    fn until_response(&mut self, id: &Json) -> Vec<Json> {
        let deadline = Instant::now() + PATIENCE;
        let mut seen = Vec::new();
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.messages.recv_timeout(left) {
                Ok(message) => {
                    let done = message.get("id") == Some(id) && message.get("method").is_none();
                    seen.push(message);
                    if done {
                        return seen;
                    }
                }
                Err(RecvTimeoutError::Timeout) => panic!("no response {id} in time; got {seen:?}"),
                Err(RecvTimeoutError::Disconnected) => panic!("the server ended before response {id}: {seen:?}"),
            }
        }
    }

    fn initialize(&mut self, params: Json) {
        self.request(1, "initialize", params);
        let response = self.until_response(&json!(1)).pop().expect("a response");
        assert!(response["result"]["capabilities"].is_object(), "{response}");
        self.notify("initialized", json!({}));
    }

    /// A valid request still gets its answer.
    fn still_answers(&mut self, id: i64) {
        self.request(
            id,
            "textDocument/formatting",
            json!({ "textDocument": { "uri": "file:///nowhere.charter" } }),
        );
        let response = self.until_response(&json!(id)).pop().expect("a response");
        assert!(response.get("error").is_none(), "{response}");
    }

    /// Closes the input and waits: the exit status and what it wrote on stderr.
    fn end(mut self) -> (Option<i32>, String) {
        drop(self.stdin.take());
        let deadline = Instant::now() + PATIENCE;
        let status = loop {
            if let Some(status) = self.child.try_wait().expect("wait") {
                break status;
            }
            if Instant::now() > deadline {
                let _ = self.child.kill();
                panic!("the server did not end");
            }
            std::thread::sleep(Duration::from_millis(20));
        };
        let stderr = self.stderr.join().unwrap_or_default();
        assert!(!stderr.contains("panicked"), "{stderr}");
        (status.code(), stderr)
    }

    fn shutdown(mut self) -> (Option<i32>, String) {
        self.request(999, "shutdown", Json::Null);
        self.until_response(&json!(999));
        self.notify("exit", Json::Null);
        self.end()
    }
}

#[test]
fn a_body_that_is_no_json_rpc_message_gets_an_error_and_the_session_goes_on() {
    let mut session = Session::start();
    session.initialize(json!({ "capabilities": {} }));
    let bodies: Vec<(&[u8], i64, Json)> = vec![
        (b"", -32700, Json::Null),
        (b"\xff\xfe\x00garbage", -32700, Json::Null),
        (b"{ not json", -32700, Json::Null),
        (b"[]", -32600, Json::Null),
        (b"[{\"id\": 1, \"method\": \"shutdown\"}]", -32600, Json::Null),
        (b"42", -32600, Json::Null),
        (b"\"text\"", -32600, Json::Null),
        (b"null", -32600, Json::Null),
        (b"{}", -32600, Json::Null),
        (b"{\"id\": 7}", -32600, json!(7)),
        (b"{\"id\": 8, \"method\": 5}", -32600, json!(8)),
        (
            b"{\"id\": 3000000000, \"method\": \"textDocument/hover\"}",
            -32600,
            json!(3_000_000_000_u64),
        ),
        (b"{\"id\": [1], \"method\": \"textDocument/hover\"}", -32600, Json::Null),
    ];
    for (n, (body, code, id)) in bodies.into_iter().enumerate() {
        session.send_bytes(&frame(body));
        let seen = session.until_response(&id);
        let response = seen.last().expect("a response");
        assert_eq!(
            response["error"]["code"],
            json!(code),
            "{:?}: {response}",
            String::from_utf8_lossy(body)
        );
        assert_eq!(response["jsonrpc"], json!("2.0"), "{response}");
        session.still_answers(100 + n as i64);
    }
    // A request before `initialize`'s answer is not the only order a
    // client may get wrong: a second `initialize` is an error, not the end.
    session.request(50, "initialize", json!({}));
    let response = session.until_response(&json!(50)).pop().expect("a response");
    assert_eq!(response["error"]["code"], json!(-32600), "{response}");
    session.still_answers(51);
    let (status, stderr) = session.shutdown();
    assert_eq!(status, Some(0), "{stderr}");
}

#[test]
fn a_request_before_initialize_is_an_error_and_the_session_goes_on() {
    let mut session = Session::start();
    session.request(5, "textDocument/hover", json!({}));
    let response = session.until_response(&json!(5)).pop().expect("a response");
    assert_eq!(response["error"]["code"], json!(-32002), "{response}");
    session.initialize(json!({}));
    session.still_answers(6);
    let (status, stderr) = session.shutdown();
    assert_eq!(status, Some(0), "{stderr}");
}

#[test]
fn broken_framing_ends_the_session_with_status_1_and_no_panic() {
    let breaks: Vec<(&str, &[u8])> = vec![
        ("a length past 64 GiB", b"Content-Length: 68719476736\r\n\r\n{}"),
        (
            "the largest 64-bit length",
            b"Content-Length: 18446744073709551615\r\n\r\n{}",
        ),
        (
            "a length past 64 bits",
            b"Content-Length: 99999999999999999999999\r\n\r\n{}",
        ),
        ("a gigabyte", b"Content-Length: 1000000000\r\n\r\n{}"),
        ("a negative length", b"Content-Length: -1\r\n\r\n{}"),
        ("no number", b"Content-Length: ten\r\n\r\n{}"),
        ("no Content-Length", b"Content-Type: application/json\r\n\r\n{}"),
        ("a header that is no header", b"hello\r\n\r\n"),
        ("a header line that never ends", &[b'x'; 4096]),
        (
            "the input ends inside the body",
            b"Content-Length: 100\r\n\r\n{\"id\": 2",
        ),
        ("the input ends inside the headers", b"Content-Length: 2\r\n"),
    ];
    for (what, bytes) in breaks {
        let started = Instant::now();
        let mut session = Session::start();
        session.initialize(json!({}));
        session.send_bytes(bytes);
        let (status, stderr) = session.end();
        assert_eq!(status, Some(1), "{what}: {stderr}");
        assert!(stderr.contains("error[charter::lsp]"), "{what}: {stderr}");
        assert!(started.elapsed() < PATIENCE, "{what}: too slow");
    }
}

/// The limit is on the body, not the session: a message of 3 MiB (the
/// text of a large document) is read and answered.
#[test]
fn a_large_message_under_the_limit_is_answered() {
    let mut session = Session::start();
    session.initialize(json!({}));
    let text = format!("charter \"T\"\n  adopted 2013-06-05\n// {}\n", "x".repeat(3 << 20));
    session.request(
        2,
        "textDocument/formatting",
        json!({ "textDocument": { "uri": "file:///nowhere/big.charter", "text": text } }),
    );
    session.until_response(&json!(2));
    let (status, stderr) = session.shutdown();
    assert_eq!(status, Some(0), "{stderr}");
}

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("charter-lsp-input-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("scratch");
    dir.canonicalize().expect("canonical")
}

fn uri(path: &Path) -> String {
    format!("file://{}", path.display())
}

const POLICY: &str = "charter \"Walk\"\n  adopted 2013-06-05\n\nstate KAZ \"Kazakhstan\"\n";
const HISTORY: &str = "history for \"Walk\"\n";

fn write(path: &Path, text: &str) {
    std::fs::create_dir_all(path.parent().expect("parent")).expect("dir");
    std::fs::write(path, text).expect("write");
}

impl Session {
    /// Opens `doc`: the URIs diagnostics were published for and the log
    /// messages, up to the answer to a later request.
    fn open_logged(&mut self, doc: &Path, text: &str, id: i64) -> (Vec<String>, Vec<String>) {
        self.notify(
            "textDocument/didOpen",
            json!({ "textDocument": { "uri": uri(doc), "languageId": "charter", "version": 1, "text": text } }),
        );
        self.request(
            id,
            "textDocument/formatting",
            json!({ "textDocument": { "uri": "file:///nowhere.charter" } }),
        );
        let seen = self.until_response(&json!(id));
        let uris = seen
            .iter()
            .filter(|m| m["method"] == "textDocument/publishDiagnostics")
            .filter_map(|m| m["params"]["uri"].as_str().map(str::to_string))
            .collect();
        let logs = seen
            .iter()
            .filter(|m| m["method"] == "window/logMessage")
            .filter_map(|m| m["params"]["message"].as_str().map(str::to_string))
            .collect();
        (uris, logs)
    }

    fn open(&mut self, doc: &Path, text: &str, id: i64) -> Vec<String> {
        self.open_logged(doc, text, id).0
    }
}

#[test]
fn a_document_outside_the_workspace_is_checked_with_its_policy_folder_or_alone() {
    let dir = scratch("outside");
    let workspace = dir.join("workspace");
    std::fs::create_dir_all(&workspace).expect("workspace");
    // A policy folder outside the workspace: its files beside the policy
    // are checked with it, nothing in folders below.
    let policy = dir.join("policy/rules.charter");
    write(&policy, POLICY);
    write(&dir.join("policy/history.charter"), HISTORY);
    write(&dir.join("policy/old/stray.charter"), POLICY);
    // A folder with no policy: a document there is checked alone.
    let loose = dir.join("loose/notes.charter");
    write(&loose, HISTORY);
    write(&dir.join("loose/other.charter"), HISTORY);
    let mut session = Session::start();
    session.initialize(json!({ "rootUri": uri(&workspace), "capabilities": {} }));
    let mut uris = session.open(&policy, POLICY, 2);
    uris.sort();
    assert_eq!(uris, vec![uri(&dir.join("policy/history.charter")), uri(&policy)]);
    assert_eq!(session.open(&loose, HISTORY, 3), vec![uri(&loose)]);
    // A document under `/proc`, outside the workspace, is checked alone
    // at once (no walk of `/proc`).
    let started = Instant::now();
    let proc_doc = Path::new("/proc/charter-none.charter");
    assert_eq!(session.open(proc_doc, HISTORY, 4), vec![uri(proc_doc)]);
    assert!(started.elapsed() < Duration::from_secs(10), "{:?}", started.elapsed());
    let (status, stderr) = session.shutdown();
    assert_eq!(status, Some(0), "{stderr}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_folder_in_the_workspace_is_searched_within_bounds() {
    let dir = scratch("inside");
    let policy = dir.join("p/rules.charter");
    write(&policy, POLICY);
    write(&dir.join("p/sub/history.charter"), HISTORY);
    // Five folders down: past the depth searched.
    write(&dir.join("p/a/b/c/d/e/deep.charter"), HISTORY);
    // A symlinked folder that leads out of the workspace is not searched.
    let outside = scratch("inside-escape");
    write(&outside.join("escaped.charter"), HISTORY);
    std::os::unix::fs::symlink(&outside, dir.join("p/escape")).expect("symlink");
    let mut session = Session::start();
    session.initialize(json!({ "workspaceFolders": [{ "uri": uri(&dir), "name": "w" }], "capabilities": {} }));
    let mut uris = session.open(&policy, POLICY, 2);
    uris.sort();
    assert_eq!(uris, vec![uri(&policy), uri(&dir.join("p/sub/history.charter"))]);
    // A folder of more files than the search takes: it stops, and says so.
    let crowd = dir.join("crowd");
    for n in 0..300 {
        write(&crowd.join(format!("h{n:03}.charter")), HISTORY);
    }
    let doc = crowd.join("rules.charter");
    write(&doc, POLICY);
    let (uris, logs) = session.open_logged(&doc, POLICY, 3);
    assert!(uris.len() <= 257, "{}", uris.len());
    assert!(uris.contains(&uri(&doc)), "the document itself is checked");
    assert!(logs.iter().any(|l| l.contains("stopped at more than 256")), "{logs:?}");
    // The whole file system as the workspace: a document in `/proc` is
    // answered within the search's time bound, not after a walk of it.
    let mut session_root = Session::start();
    session_root.initialize(json!({ "rootUri": "file:///", "capabilities": {} }));
    let started = Instant::now();
    let proc_doc = Path::new("/proc/charter-none.charter");
    let uris = session_root.open(proc_doc, HISTORY, 4);
    assert!(uris.contains(&uri(proc_doc)), "{uris:?}");
    assert!(started.elapsed() < Duration::from_secs(15), "{:?}", started.elapsed());
    for session in [session, session_root] {
        let (status, stderr) = session.shutdown();
        assert_eq!(status, Some(0), "{stderr}");
    }
    let _ = std::fs::remove_dir_all(&dir);
    let _ = std::fs::remove_dir_all(&outside);
}

/// A request about a document that is not open reads it from disk only
/// if it is a regular file of at most 16 MiB: `/dev/zero` is answered at
/// once, not read without end.
#[test]
fn a_request_about_a_device_reads_nothing_of_it() {
    let mut session = Session::start();
    session.initialize(json!({}));
    for (id, device) in [(2, "file:///dev/zero"), (3, "file:///dev/urandom")] {
        let position = json!({ "line": 0, "character": 0 });
        session.request(
            id,
            "textDocument/hover",
            json!({ "textDocument": { "uri": device }, "position": position }),
        );
        let response = session.until_response(&json!(id)).pop().expect("a response");
        assert_eq!(response["result"], Json::Null, "{response}");
    }
    let (status, stderr) = session.shutdown();
    assert_eq!(status, Some(0), "{stderr}");
}

/// The language server reads legal texts as `charter check` does: a
/// source outside the policy's folder is refused, and nothing of it is
/// published.
#[test]
fn a_source_outside_the_policy_folder_is_refused_in_the_editor_too() {
    let dir = scratch("source");
    write(
        &dir.join("secret/token.txt"),
        "3. Rules\nThe chair is API_TOKEN=hunter2 for two years.\n",
    );
    let text = "charter \"Leak\"\n  adopted 2013-06-05\n  source \"../secret/token.txt\"\n\nstate KAZ \"Kazakhstan\"\n\n§ 3 quote \"The chair is API_TOKEN for two years.\" {\n  members KAZ from 2013-06-05\n}\n";
    let policy = dir.join("policy/rules.charter");
    write(&policy, text);
    let mut session = Session::start();
    session.initialize(json!({ "rootUri": uri(&dir), "capabilities": {} }));
    session.notify(
        "textDocument/didOpen",
        json!({ "textDocument": { "uri": uri(&policy), "languageId": "charter", "version": 1, "text": text } }),
    );
    session.request(
        2,
        "textDocument/formatting",
        json!({ "textDocument": { "uri": uri(&policy) } }),
    );
    let seen = session.until_response(&json!(2));
    let all = serde_json::to_string(&seen).expect("JSON");
    assert!(all.contains("charter::source-outside-policy"), "{all}");
    assert!(!all.contains("hunter2"), "{all}");
    let (status, stderr) = session.shutdown();
    assert_eq!(status, Some(0), "{stderr}");
    let _ = std::fs::remove_dir_all(&dir);
}

/// The protocol: `exit` before `shutdown` ends the server with exit status
/// 1 (and a coded error); after `shutdown`, with 0.
#[test]
fn exit_before_shutdown_is_exit_status_1() {
    let mut session = Session::start();
    session.initialize(json!({ "capabilities": {} }));
    session.notify("exit", Json::Null);
    let (status, stderr) = session.end();
    assert_eq!(status, Some(1), "{stderr}");
    assert!(
        stderr.contains("charter::lsp") && stderr.contains("before `shutdown`"),
        "{stderr}"
    );
}
