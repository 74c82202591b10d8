//! Bytes on standard input and output -> the language server's messages:
//! the LSP base protocol's framing (`Content-Length: N\r\n\r\n` and N bytes
//! of JSON-RPC), read and written by two threads that feed an
//! `lsp_server::Connection`, bounded so that no input can crash the server
//! or make it allocate without limit.
//!
//! A message body is at most [`MAX_MESSAGE_BYTES`] (64 MiB), read as it
//! arrives (a length alone allocates nothing). A well-framed body that is
//! not a JSON-RPC message (not UTF-8, not JSON, empty, `[]`, `42`, an
//! object with no method, a request whose id is neither an integer nor a
//! string) gets an error response (-32700 parse error, -32600 invalid
//! request; id null unless the message's own id could be read) and the
//! session goes on. Broken framing (a header line that is not
//! `Name: value`, no or a bad `Content-Length`, a length over the limit,
//! input ending inside a message) ends the session: the reader stops and
//! says why, and `charter lsp` exits with status 1.

use std::io::{BufRead, Read as _, Write};
use std::thread::JoinHandle;

use crossbeam_channel::{Receiver, Sender};
use lsp_server::{Connection, Message, Notification, Request, RequestId, Response};
use serde_json::{json, Value as Json};

/// The largest message body the server reads: 64 MiB. A longer one is
/// broken framing (the session ends).
pub const MAX_MESSAGE_BYTES: u64 = 64 * 1024 * 1024;

/// The longest header line (`Content-Length: ...`, `Content-Type: ...`).
const MAX_HEADER_LINE: u64 = 1024;

/// The most header lines one message may have.
const MAX_HEADERS: usize = 16;

/// Messages read ahead of the server: the reader waits beyond this.
const READ_AHEAD: usize = 16;

/// JSON-RPC: the body is not JSON.
const PARSE_ERROR: i32 = -32700;
/// JSON-RPC: the body is JSON but not a request, response or notification.
const INVALID_REQUEST: i32 = -32600;

/// Why the framing broke: the session cannot go on.
#[derive(Debug)]
pub enum Broken {
    /// Input ended inside a message's headers or body.
    Ended(&'static str),
    /// A header line that is too long, not `Name: value`, or too many.
    Header(String),
    /// No `Content-Length`, or one that is not a number.
    Length(String),
    /// A `Content-Length` over [`MAX_MESSAGE_BYTES`].
    TooLarge(u64),
    /// Reading failed.
    Io(std::io::Error),
}

impl std::fmt::Display for Broken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Broken::Ended(inside) => write!(f, "the input ended inside a message's {inside}"),
            Broken::Header(line) => write!(f, "a message header that is not `Name: value`: {line}"),
            Broken::Length(why) => write!(f, "a message without a valid `Content-Length`: {why}"),
            Broken::TooLarge(n) => write!(
                f,
                "a message of {n} bytes, over the limit of {MAX_MESSAGE_BYTES} bytes (64 MiB)"
            ),
            Broken::Io(error) => write!(f, "cannot read the input: {error}"),
        }
    }
}

/// The reader and writer threads of a connection.
pub struct Transport {
    reader: JoinHandle<Result<(), Broken>>,
    writer: JoinHandle<std::io::Result<()>>,
}

impl Transport {
    /// Waits for both threads (the server has dropped its connection):
    /// why the input's framing broke, or why output failed.
    pub fn join(self) -> Result<(), String> {
        let read = match self.reader.join() {
            Ok(read) => read.map_err(|broken| broken.to_string()),
            Err(_) => Err("the reader thread stopped".to_string()),
        };
        let written = match self.writer.join() {
            Ok(written) => written.map_err(|e| format!("cannot write the output: {e}")),
            Err(_) => Err("the writer thread stopped".to_string()),
        };
        read.and(written)
    }
}

/// A connection over standard input and output.
pub fn stdio() -> Result<(Connection, Transport), String> {
    over(std::io::BufReader::new(std::io::stdin()), std::io::stdout())
}

/// A connection over any input and output (tests drive it with bytes).
pub fn over<R, W>(input: R, output: W) -> Result<(Connection, Transport), String>
where
    R: BufRead + Send + 'static,
    W: Write + Send + 'static,
{
    let (to_server, from_client) = crossbeam_channel::bounded::<Message>(READ_AHEAD);
    let (to_client, from_server) = crossbeam_channel::unbounded::<Message>();
    let (errors, error_out) = crossbeam_channel::unbounded::<Json>();
    let writer = std::thread::Builder::new()
        .name("lsp-writer".to_string())
        .spawn(move || write_all(output, &from_server, &error_out))
        .map_err(|e| format!("cannot start the writer thread: {e}"))?;
    let reader = std::thread::Builder::new()
        .name("lsp-reader".to_string())
        .spawn(move || read_all(input, &to_server, &errors))
        .map_err(|e| format!("cannot start the reader thread: {e}"))?;
    Ok((
        Connection {
            sender: to_client,
            receiver: from_client,
        },
        Transport { reader, writer },
    ))
}

/// Reads messages until the input ends, the framing breaks, the server
/// stops listening or the client sends `exit`.
fn read_all(mut input: impl BufRead, to_server: &Sender<Message>, errors: &Sender<Json>) -> Result<(), Broken> {
    while let Some(body) = read_body(&mut input)? {
        match decode(&body) {
            Ok(message) => {
                let exit = matches!(&message, Message::Notification(n) if n.method == "exit");
                if to_server.send(message).is_err() || exit {
                    return Ok(());
                }
            }
            Err(error) => {
                if errors.send(error).is_err() {
                    return Ok(());
                }
            }
        }
    }
    Ok(())
}

/// One message's body: `None` where the input ends between messages.
pub fn read_body(input: &mut impl BufRead) -> Result<Option<Vec<u8>>, Broken> {
    let mut length: Option<u64> = None;
    let mut headers = 0;
    loop {
        let mut line = Vec::new();
        input
            .by_ref()
            .take(MAX_HEADER_LINE)
            .read_until(b'\n', &mut line)
            .map_err(Broken::Io)?;
        if line.is_empty() {
            return if headers == 0 && length.is_none() {
                Ok(None)
            } else {
                Err(Broken::Ended("headers"))
            };
        }
        let shown = || String::from_utf8_lossy(&line).chars().take(80).collect::<String>();
        let Some(text) = line.strip_suffix(b"\n") else {
            return if line.len() as u64 >= MAX_HEADER_LINE {
                Err(Broken::Header(format!(
                    "a line longer than {MAX_HEADER_LINE} bytes: {:?}",
                    shown()
                )))
            } else {
                Err(Broken::Ended("headers"))
            };
        };
        let text = text.strip_suffix(b"\r").unwrap_or(text);
        if text.is_empty() {
            if headers == 0 {
                // A blank line between messages.
                continue;
            }
            break;
        }
        headers += 1;
        if headers > MAX_HEADERS {
            return Err(Broken::Header(format!("more than {MAX_HEADERS} header lines")));
        }
        let text = std::str::from_utf8(text).map_err(|_| Broken::Header(format!("{:?}", shown())))?;
        let Some((name, value)) = text.split_once(':') else {
            return Err(Broken::Header(format!("{text:?}")));
        };
        if name.trim().eq_ignore_ascii_case("content-length") {
            let value = value.trim();
            if value.is_empty() || !value.bytes().all(|b| b.is_ascii_digit()) {
                return Err(Broken::Length(format!("`{value}` is not a number")));
            }
            let n = match value.parse::<u64>() {
                Ok(n) if n <= MAX_MESSAGE_BYTES => n,
                Ok(n) => return Err(Broken::TooLarge(n)),
                Err(_) => return Err(Broken::Length(format!("`{value}` is too large a number"))),
            };
            if length.is_some_and(|l| l != n) {
                return Err(Broken::Length("two different lengths".to_string()));
            }
            length = Some(n);
        }
    }
    let Some(length) = length else {
        return Err(Broken::Length("no `Content-Length` header".to_string()));
    };
    // Read as the bytes arrive: a length alone allocates nothing.
    let mut body = Vec::new();
    input.by_ref().take(length).read_to_end(&mut body).map_err(Broken::Io)?;
    if (body.len() as u64) < length {
        return Err(Broken::Ended("body"));
    }
    Ok(Some(body))
}

/// A body as a message, or the error response it gets.
pub fn decode(body: &[u8]) -> Result<Message, Json> {
    let error = |code: i32, id: Json, message: String| json!({ "jsonrpc": "2.0", "id": id, "error": { "code": code, "message": message } });
    let Ok(text) = std::str::from_utf8(body) else {
        return Err(error(PARSE_ERROR, Json::Null, "the message is not UTF-8".to_string()));
    };
    let value: Json = match serde_json::from_str(text) {
        Ok(value) => value,
        Err(e) => return Err(error(PARSE_ERROR, Json::Null, format!("the message is not JSON: {e}"))),
    };
    let Json::Object(mut object) = value else {
        return Err(error(
            INVALID_REQUEST,
            Json::Null,
            "a message is a JSON object (batches are not supported)".to_string(),
        ));
    };
    // The message's own id, where it has one a response can carry.
    let raw_id = object.get("id").cloned();
    let id = match &raw_id {
        Some(Json::Number(n)) => n.as_i64().and_then(|n| i32::try_from(n).ok()).map(RequestId::from),
        Some(Json::String(s)) => Some(RequestId::from(s.clone())),
        Some(Json::Null | Json::Bool(_) | Json::Array(_) | Json::Object(_)) | None => None,
    };
    let echoed = match &raw_id {
        Some(id @ (Json::Number(_) | Json::String(_))) => id.clone(),
        Some(Json::Null | Json::Bool(_) | Json::Array(_) | Json::Object(_)) | None => Json::Null,
    };
    let params = object.remove("params").unwrap_or(Json::Null);
    match (object.remove("method"), raw_id.is_some()) {
        (Some(Json::String(method)), false) => Ok(Message::Notification(Notification { method, params })),
        (Some(Json::String(method)), true) => match id {
            Some(id) => Ok(Message::Request(Request { id, method, params })),
            None => Err(error(
                INVALID_REQUEST,
                echoed,
                "a request's id is an integer (32 bits) or a string".to_string(),
            )),
        },
        (Some(_), _) => Err(error(INVALID_REQUEST, echoed, "`method` is not a string".to_string())),
        (None, _) if object.contains_key("result") || object.contains_key("error") => match id {
            Some(id) => {
                // An `error` that is no `{code, message}` is refused, not
                // dropped: the response would be left with neither.
                let error = match object.remove("error") {
                    None => None,
                    Some(e) => match serde_json::from_value(e) {
                        Ok(e) => Some(e),
                        Err(_) => {
                            return Err(error(
                                INVALID_REQUEST,
                                echoed,
                                "a response's `error` is an object with an integer `code` and a string `message`"
                                    .to_string(),
                            ))
                        }
                    },
                };
                Ok(Message::Response(Response {
                    id,
                    result: object.remove("result"),
                    error,
                }))
            }
            None => Err(error(
                INVALID_REQUEST,
                echoed,
                "a response without a valid id".to_string(),
            )),
        },
        (None, _) => Err(error(
            INVALID_REQUEST,
            echoed,
            "not a JSON-RPC request, response or notification (no `method`)".to_string(),
        )),
    }
}

/// Writes every message the server sends and every error response the
/// reader gives, until both have stopped.
fn write_all(mut output: impl Write, from_server: &Receiver<Message>, errors: &Receiver<Json>) -> std::io::Result<()> {
    let (mut server_open, mut errors_open) = (true, true);
    while server_open || errors_open {
        let mut select = crossbeam_channel::Select::new();
        let server = server_open.then(|| select.recv(from_server));
        let error = errors_open.then(|| select.recv(errors));
        let ready = select.select();
        let index = ready.index();
        if Some(index) == server {
            match ready.recv(from_server) {
                Ok(message) => message.write(&mut output)?,
                Err(_) => server_open = false,
            }
        } else if Some(index) == error {
            match ready.recv(errors) {
                Ok(response) => {
                    let text = response.to_string();
                    write!(output, "Content-Length: {}\r\n\r\n{text}", text.len())?;
                    output.flush()?;
                }
                Err(_) => errors_open = false,
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn body(bytes: &[u8]) -> Result<Option<Vec<u8>>, Broken> {
        read_body(&mut std::io::Cursor::new(bytes.to_vec()))
    }

    #[test]
    fn framing_is_read_within_its_bounds() {
        assert!(matches!(body(b""), Ok(None)));
        assert!(matches!(body(b"Content-Length: 2\r\n\r\n{}"), Ok(Some(b)) if b == b"{}"));
        assert!(matches!(body(b"content-length:2\n\n{}"), Ok(Some(b)) if b == b"{}"));
        assert!(matches!(body(b"Content-Length: 0\r\n\r\n"), Ok(Some(b)) if b.is_empty()));
        assert!(matches!(
            body(b"Content-Length: 68719476736\r\n\r\n{}"),
            Err(Broken::TooLarge(68_719_476_736))
        ));
        assert!(matches!(
            body(b"Content-Length: 18446744073709551615\r\n\r\n{}"),
            Err(Broken::TooLarge(_))
        ));
        assert!(matches!(
            body(b"Content-Length: 99999999999999999999999\r\n\r\n{}"),
            Err(Broken::Length(_))
        ));
        assert!(matches!(body(b"Content-Length: -1\r\n\r\n{}"), Err(Broken::Length(_))));
        assert!(matches!(
            body(b"Content-Length: 10\r\n\r\n{}"),
            Err(Broken::Ended("body"))
        ));
        assert!(matches!(body(b"Content-Length: 10\r\n"), Err(Broken::Ended("headers"))));
        assert!(matches!(body(b"Content-Type: x\r\n\r\n{}"), Err(Broken::Length(_))));
        assert!(matches!(body(b"garbage\r\n\r\n"), Err(Broken::Header(_))));
        let long = format!("X-Long: {}\r\n", "a".repeat(2000));
        assert!(matches!(body(long.as_bytes()), Err(Broken::Header(_))));
    }

    #[test]
    fn a_bad_body_gets_an_error_response() {
        let code = |bytes: &[u8]| match decode(bytes) {
            Err(response) => (
                response.pointer("/error/code").and_then(Json::as_i64),
                response.get("id").cloned().unwrap_or_default(),
            ),
            Ok(_) => (None, Json::Null),
        };
        assert_eq!(code(b""), (Some(-32700), Json::Null));
        assert_eq!(code(b"\xff\xfe"), (Some(-32700), Json::Null));
        assert_eq!(code(b"{garbage"), (Some(-32700), Json::Null));
        assert_eq!(code(b"[]"), (Some(-32600), Json::Null));
        assert_eq!(code(b"42"), (Some(-32600), Json::Null));
        assert_eq!(code(b"{}"), (Some(-32600), Json::Null));
        assert_eq!(code(br#"{"id": 7}"#), (Some(-32600), json!(7)));
        assert_eq!(
            code(br#"{"id": 3000000000, "method": "x"}"#),
            (Some(-32600), json!(3_000_000_000_u64))
        );
        assert_eq!(code(br#"{"id": 1, "method": 5}"#), (Some(-32600), json!(1)));
        assert!(matches!(
            decode(br#"{"id": 1, "method": "x"}"#),
            Ok(Message::Request(_))
        ));
        assert!(matches!(decode(br#"{"method": "x"}"#), Ok(Message::Notification(_))));
        assert!(matches!(
            decode(br#"{"id": "a", "result": null}"#),
            Ok(Message::Response(_))
        ));
    }
}
