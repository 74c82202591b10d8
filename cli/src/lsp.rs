//! `charter lsp`: a language server over stdio (messages of the
//! `lsp-server` crate, framed by [`transport`], which bounds what it reads:
//! at most [`MAX_MESSAGE_BYTES`] a message). A policy file is checked with
//! the files of its folder — its amendments, its history and the legal text
//! it names — with the editor's unsaved text in place of what is on disk,
//! by the same checker as `charter check`. The folder is searched within
//! bounds ([`WALK`]) and never above the workspace the client names: a
//! document outside every workspace folder is checked with the `.charter`
//! files beside it when they hold a policy, else alone. It offers
//! diagnostics (on open and on every change, for every file of the
//! folder), hover (a party's names and status today; a quote's sentence
//! and clause; a built-in query's or a rule's signature and meaning), go to
//! definition (parties, rules, meeting kinds, decision kinds, groups,
//! recorded meetings and decisions, and from a `§` citation or a quote
//! into the legal text), completion, document symbols, formatting
//! (`charter fmt`) and quick fixes for the diagnostics that suggest one
//! ("did you mean ...?").

use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};

use charter::{date, SourceFile, SourceKind};
use lsp_server::{Connection, ErrorCode, Message, Notification, Request, Response};
use serde_json::{json, Value as Json};

use super::{files, EXIT_FINDINGS, EXIT_OK};

pub mod transport;

pub use transport::MAX_MESSAGE_BYTES;

/// How far the server searches a document's folder for the files checked
/// with it: four folders down, 256 `.charter` files, 20,000 directory
/// entries, one second. A walk cut short is said in a `window/logMessage`.
/// Outside every workspace folder the search is of the document's own
/// folder alone (depth 0).
pub const WALK: files::WalkLimits = files::WalkLimits {
    depth: 4,
    files: 256,
    entries: 20_000,
    time: std::time::Duration::from_secs(1),
};

#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:\n  charter lsp --stdio   (started by an editor, not by hand)")]
pub struct LspArgs {
    /// Speak the protocol on standard input and output (the only
    /// transport; accepted because editors pass it)
    #[arg(long)]
    pub stdio: bool,
}

/// docs/semantics.md: what hover says a built-in query means.
const SEMANTICS: &str = include_str!("../../docs/semantics.md");

pub fn run(_args: &LspArgs, _out: &mut dyn std::io::Write, err: &mut dyn std::io::Write, _color: bool) -> u8 {
    let ended = transport::stdio().and_then(|(connection, transport)| {
        let served = serve(&connection);
        drop(connection);
        // The server stopped on `exit` or at the end of the input, so both
        // threads end; after a failure to write, the reader may still be
        // waiting on the input: the process ends without it.
        served?;
        transport.join()
    });
    match ended {
        Ok(()) => EXIT_OK,
        Err(message) => {
            crate::print_error(err, &crate::error::CliError::Lsp(message));
            EXIT_FINDINGS
        }
    }
}

/// The folders the client names as its workspace in `initialize`
/// (`workspaceFolders`, else `rootUri`, else `rootPath`), resolved.
fn workspace_roots(params: &Json) -> Vec<PathBuf> {
    let mut roots: Vec<PathBuf> = params
        .get("workspaceFolders")
        .and_then(Json::as_array)
        .into_iter()
        .flatten()
        .filter_map(|folder| folder.get("uri").and_then(Json::as_str).and_then(path_of))
        .collect();
    if roots.is_empty() {
        roots.extend(
            params
                .get("rootUri")
                .and_then(Json::as_str)
                .and_then(path_of)
                .or_else(|| params.get("rootPath").and_then(Json::as_str).map(PathBuf::from)),
        );
    }
    roots
        .into_iter()
        .filter_map(|root| std::fs::canonicalize(root).ok())
        .collect()
}

/// Answers messages until `exit` or the end of the input: `initialize`
/// first (any other request before it is an error), `shutdown` then only
/// `exit`; an `exit` without `shutdown` after `initialize` is an error (the
/// protocol's exit status 1).
fn serve(connection: &Connection) -> Result<(), String> {
    let send = |message: Message| connection.sender.send(message).map_err(|e| e.to_string());
    let mut server = Server::default();
    let (mut initialized, mut shut_down) = (false, false);
    for message in &connection.receiver {
        match message {
            Message::Request(request) => {
                let response = match (initialized, shut_down, request.method.as_str()) {
                    (false, _, "initialize") => {
                        initialized = true;
                        server.roots = workspace_roots(&request.params);
                        Response::new_ok(request.id, json!({ "capabilities": capabilities() }))
                    }
                    (false, _, _) => Response::new_err(
                        request.id,
                        ErrorCode::ServerNotInitialized as i32,
                        "the server is not initialized: send `initialize` first".to_string(),
                    ),
                    (true, true, _) => Response::new_err(
                        request.id,
                        ErrorCode::InvalidRequest as i32,
                        "the server is shut down: only `exit` is expected".to_string(),
                    ),
                    (true, false, "initialize") => Response::new_err(
                        request.id,
                        ErrorCode::InvalidRequest as i32,
                        "the server is already initialized".to_string(),
                    ),
                    (true, false, "shutdown") => {
                        shut_down = true;
                        Response::new_ok(request.id, Json::Null)
                    }
                    (true, false, _) => server.request(request),
                };
                send(Message::Response(response))?;
            }
            Message::Notification(notification) => {
                // The protocol: `exit` before `shutdown` ends the server
                // with exit status 1.
                if notification.method == "exit" {
                    return if shut_down || !initialized {
                        Ok(())
                    } else {
                        Err("the client sent `exit` before `shutdown`".to_string())
                    };
                }
                if initialized && !shut_down {
                    for out in server.notify(notification) {
                        send(Message::Notification(out))?;
                    }
                }
            }
            Message::Response(_) => {}
        }
    }
    Ok(())
}

fn capabilities() -> Json {
    json!({
        "textDocumentSync": { "openClose": true, "change": 1 },
        "hoverProvider": true,
        "definitionProvider": true,
        "completionProvider": { "triggerCharacters": ["§"] },
        "documentSymbolProvider": true,
        "documentFormattingProvider": true,
        "referencesProvider": true,
        "documentHighlightProvider": true,
        "renameProvider": true,
        "signatureHelpProvider": { "triggerCharacters": ["(", ","] },
        "inlayHintProvider": true,
        "semanticTokensProvider": {
            "legend": { "tokenTypes": TOKEN_TYPES, "tokenModifiers": [] },
            "full": true
        },
        "codeActionProvider": { "codeActionKinds": ["quickfix"] },
    })
}

/// The path a `file://` URI names (percent-escapes decoded).
fn path_of(uri: &str) -> Option<PathBuf> {
    let rest = uri.strip_prefix("file://")?;
    let bytes = rest.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        if b == b'%' {
            let hex = rest.get(i + 1..i + 3)?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(b);
            i += 1;
        }
    }
    String::from_utf8(out).ok().map(PathBuf::from)
}

/// The `file://` URI of a path, escaping what a URI may not hold.
fn uri_of(path: &Path) -> String {
    let mut out = String::from("file://");
    for b in path.to_string_lossy().bytes() {
        if b.is_ascii_alphanumeric() || b"/-_.~".contains(&b) {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// A byte offset as an LSP position (UTF-16 columns).
fn position(text: &str, offset: usize) -> Json {
    let offset = offset.min(text.len());
    let before = text.get(..offset).unwrap_or_default();
    let line = before.matches('\n').count();
    let start = before.rfind('\n').map_or(0, |i| i + 1);
    let character: usize = before
        .get(start..)
        .unwrap_or_default()
        .chars()
        .map(char::len_utf16)
        .sum();
    json!({ "line": line, "character": character })
}

fn range(text: &str, span: charter::Span) -> Json {
    json!({ "start": position(text, span.start), "end": position(text, span.end) })
}

/// An LSP position as a byte offset.
fn offset(text: &str, position: &Json) -> Option<usize> {
    let line = usize::try_from(position.get("line")?.as_u64()?).ok()?;
    let character = usize::try_from(position.get("character")?.as_u64()?).ok()?;
    let mut start = 0;
    for _ in 0..line {
        start += text.get(start..)?.find('\n')? + 1;
    }
    let mut units = 0;
    for (i, c) in text.get(start..)?.char_indices() {
        if units >= character || c == '\n' {
            return Some(start + i);
        }
        units += c.len_utf16();
    }
    Some(text.len())
}

/// The identifier (or clause number) at a byte offset, with its span.
fn word_at(text: &str, at: usize) -> Option<(String, charter::Span)> {
    let (start, end) = run_at(text, at, |c| c.is_alphanumeric() || c == '_' || c == '.')?;
    let word = text.get(start..end)?.trim_end_matches('.').to_string();
    (!word.is_empty()).then_some((word.clone(), charter::Span::new(start, start + word.len())))
}

/// The run of characters `is_word` holds for around a byte offset, as
/// byte bounds.
fn run_at(text: &str, at: usize, is_word: impl Fn(char) -> bool) -> Option<(usize, usize)> {
    let start = text
        .get(..at)?
        .char_indices()
        .rev()
        .take_while(|(_, c)| is_word(*c))
        .last()
        .map_or(at, |(i, _)| i);
    let end = text
        .get(at..)?
        .char_indices()
        .find(|(_, c)| !is_word(*c))
        .map_or(text.len(), |(i, _)| at + i);
    Some((start, end))
}

/// The semantic token types, in the legend's order.
const TOKEN_TYPES: [&str; 9] = [
    "keyword",
    "enumMember",
    "function",
    "variable",
    "type",
    "string",
    "number",
    "comment",
    "namespace",
];
const TOKEN_KEYWORD: usize = 0;
/// A party.
const TOKEN_PARTY: usize = 1;
/// A rule or a built-in query.
const TOKEN_FUNCTION: usize = 2;
/// A recorded meeting or decision.
const TOKEN_VARIABLE: usize = 3;
/// A meeting or decision kind, a group.
const TOKEN_TYPE: usize = 4;
const TOKEN_STRING: usize = 5;
/// A date, a month, a number.
const TOKEN_NUMBER: usize = 6;
const TOKEN_COMMENT: usize = 7;
/// A clause citation (`§ 3.ii`).
const TOKEN_CLAUSE: usize = 8;

/// What a stretch of Charter text is, for semantic tokens: a word to look
/// up, or a kind known from the text alone.
enum Lexed {
    Word,
    Kind(usize),
}

/// The words, strings, numbers, comments and clause citations of Charter
/// text, in order (a word not after a `.`: fields are not names).
fn lexed(text: &str) -> Vec<(charter::Span, Lexed)> {
    let mut out = Vec::new();
    let mut chars = text.char_indices().peekable();
    let mut previous = ' ';
    let mut after_section = false;
    while let Some((i, c)) = chars.next() {
        if c == '"' {
            let mut end = i + 1;
            let mut escaped = false;
            for (j, n) in chars.by_ref() {
                end = j + n.len_utf8();
                if escaped {
                    escaped = false;
                } else if n == '\\' {
                    escaped = true;
                } else if n == '"' {
                    break;
                }
            }
            out.push((charter::Span::new(i, end), Lexed::Kind(TOKEN_STRING)));
        } else if c == '/' && chars.peek().is_some_and(|(_, n)| *n == '/') {
            let mut end = i;
            while let Some((j, n)) = chars.peek().copied() {
                if n == '\n' {
                    break;
                }
                end = j + n.len_utf8();
                chars.next();
            }
            out.push((charter::Span::new(i, end.max(i + 2)), Lexed::Kind(TOKEN_COMMENT)));
        } else if c == '§' {
            after_section = true;
            out.push((charter::Span::new(i, i + c.len_utf8()), Lexed::Kind(TOKEN_KEYWORD)));
            previous = c;
            continue;
        } else if c.is_alphanumeric() || c == '_' {
            let mut end = i + c.len_utf8();
            while let Some((j, n)) = chars.peek().copied() {
                let joins = n.is_alphanumeric() || n == '_' || ((n == '-' || n == '.') && c.is_ascii_digit());
                if !joins {
                    break;
                }
                end = j + n.len_utf8();
                chars.next();
            }
            let span = charter::Span::new(i, end);
            let kind = if after_section {
                Lexed::Kind(TOKEN_CLAUSE)
            } else if c.is_ascii_digit() {
                Lexed::Kind(TOKEN_NUMBER)
            } else if previous == '.' {
                previous = 'a';
                continue;
            } else {
                Lexed::Word
            };
            // `clause 3.ii` cites as `§ 3.ii` does.
            let cites = matches!(kind, Lexed::Word) && text.get(i..end) == Some("clause");
            out.push((span, kind));
            previous = 'a';
            after_section = cites;
            continue;
        }
        if !c.is_whitespace() {
            after_section = false;
        }
        previous = c;
    }
    out
}

/// The `(` of the call the offset is inside (within the 4,000 bytes
/// before it, outside strings on its line), and which argument it is at
/// (the commas before it at that depth).
fn open_call(text: &str, at: usize) -> Option<(usize, usize)> {
    let before = text.get(..at)?;
    let (mut depth, mut commas) = (0usize, 0usize);
    let mut in_string = false;
    for (i, c) in before.char_indices().rev().take(4000) {
        match c {
            '"' => in_string = !in_string,
            '\n' => in_string = false,
            _ if in_string => {}
            ')' | '}' => depth += 1,
            '(' if depth == 0 => return Some((i, commas)),
            // Inside braces (a block, a record, a set), not a call.
            '{' if depth == 0 => return None,
            '(' | '{' => depth -= 1,
            ',' if depth == 0 => commas += 1,
            _ => {}
        }
    }
    None
}

/// The identifier (letters, digits, `_`; no dot) around a byte offset.
fn ident_at(text: &str, at: usize) -> Option<(String, charter::Span)> {
    let (start, end) = run_at(text, at, |c| c.is_alphanumeric() || c == '_')?;
    let word = text.get(start..end)?;
    (!word.is_empty()).then(|| (word.to_string(), charter::Span::new(start, end)))
}

/// Where `word` stands as a whole identifier in Charter text: outside
/// strings and comments, not after a `.` (a field), as [`lexed`] reads it.
fn ident_spans(text: &str, word: &str) -> Vec<charter::Span> {
    lexed(text)
        .into_iter()
        .filter(|(span, kind)| matches!(kind, Lexed::Word) && text.get(span.start..span.end) == Some(word))
        .map(|(span, _)| span)
        .collect()
}

/// The string literal around a byte offset on its line, if any.
fn string_at(text: &str, at: usize) -> Option<String> {
    let line_start = text.get(..at)?.rfind('\n').map_or(0, |i| i + 1);
    let line_end = text.get(at..)?.find('\n').map_or(text.len(), |i| at + i);
    let line = text.get(line_start..line_end)?;
    let (mut open, mut escaped) = (None, false);
    for (i, c) in line.char_indices() {
        let here = line_start + i;
        match (open, c) {
            (Some(_), '\\') if !escaped => {
                escaped = true;
                continue;
            }
            (Some(from), '"') if !escaped => {
                if from <= at && at <= here {
                    return text.get(from + 1..here).map(|s| s.replace("\\\"", "\""));
                }
                open = None;
            }
            (None, '"') => open = Some(here),
            (Some(_), _) | (None, _) => {}
        }
        escaped = false;
    }
    None
}

/// `did you mean `X`?` in a help text: X.
fn suggestion(help: &str) -> Option<String> {
    let rest = help.split("did you mean `").nth(1)?;
    rest.split('`').next().map(str::to_string)
}

/// Whitespace folded, to find a quote in a legal text.
fn folded_with_offsets(text: &str) -> (String, Vec<usize>) {
    let (mut folded, mut offsets) = (String::new(), Vec::new());
    let mut space = false;
    for (i, c) in text.char_indices() {
        if c.is_whitespace() {
            space = !folded.is_empty();
            continue;
        }
        if space {
            folded.push(' ');
            offsets.push(i);
            space = false;
        }
        folded.push(c);
        offsets.extend(std::iter::repeat_n(i, c.len_utf8()));
    }
    (folded, offsets)
}

/// One policy folder, analysed once per change: every name that resolves
/// is answered from it, errors elsewhere or not.
struct Folder {
    analysis: charter::Analysis,
    /// The checked program, when the folder has no error.
    program: Option<charter::Program>,
    uris: Vec<String>,
    /// The limit of [`WALK`] that cut the search of the folder short.
    cut: Option<String>,
}

impl Folder {
    fn new(sources: Vec<charter::SourceFile>, cut: Option<String>) -> Folder {
        let uris = sources.iter().map(|s| uri_of(Path::new(&s.name))).collect();
        let analysis = charter::Analysis::new(sources);
        let program = analysis.program();
        Folder {
            analysis,
            program,
            uris,
            cut,
        }
    }

    /// The file `uri` is among the folder's.
    fn file(&self, uri: &str) -> Option<usize> {
        self.uris.iter().position(|u| u == uri)
    }
}

#[derive(Default)]
struct Server {
    /// The text of each open document, by URI.
    docs: HashMap<String, String>,
    /// The analysis of the folder of each document asked about, by URI,
    /// kept until a document of the folder changes.
    folders: HashMap<PathBuf, Folder>,
    /// The workspace folders the client named (resolved): no search for a
    /// document's files goes above them.
    roots: Vec<PathBuf>,
    /// How many times a folder was checked: once per change, not per
    /// request (a test reads it).
    checks: usize,
}

impl Server {
    /// The folder of `uri`, checked with the open documents' text: the
    /// kept analysis, or a new one.
    fn folder(&mut self, uri: &str) -> Option<&Folder> {
        let path = path_of(uri)?;
        let dir = path.parent().map(Path::to_path_buf).unwrap_or_default();
        if !self.folders.contains_key(&dir) {
            self.checks += 1;
            let folder = self.analyze(&dir, &path);
            self.folders.insert(dir.clone(), folder);
        }
        self.folders.get(&dir)
    }

    /// The `.charter` files checked with a document in `dir`, and the
    /// limit that cut their search short: within a workspace folder, the
    /// files under `dir` (searched within [`WALK`]); outside every one, the
    /// files beside the document if one of them is a policy, else none.
    fn folder_files(&self, dir: &Path) -> (Vec<PathBuf>, Option<String>) {
        let in_workspace =
            std::fs::canonicalize(dir).is_ok_and(|real| self.roots.iter().any(|root| real.starts_with(root)));
        if in_workspace {
            return files::collect_bounded(dir, WALK);
        }
        let (beside, cut) = files::collect_bounded(dir, files::WalkLimits { depth: 0, ..WALK });
        let policy_folder = beside.iter().any(|p| match self.docs.get(&uri_of(p)) {
            Some(text) => files::is_policy(text),
            None => files::read(p).is_ok_and(|source| files::is_policy(&source.text)),
        });
        if policy_folder {
            (beside, cut)
        } else {
            (Vec::new(), None)
        }
    }

    fn analyze(&self, dir: &Path, path: &Path) -> Folder {
        let (mut paths, cut) = self.folder_files(dir);
        if !paths.iter().any(|p| p == path) {
            paths.push(path.to_path_buf());
        }
        let mut sources = Vec::new();
        for p in &paths {
            let text = match self.docs.get(&uri_of(p)) {
                Some(text) => text.clone(),
                None => match files::read(p) {
                    Ok(source) => source.text,
                    Err(_) => continue,
                },
            };
            sources.push(SourceFile::charter(p.display().to_string(), text));
        }
        files::add_legal_texts(&mut sources);
        Folder::new(sources, cut)
    }

    /// Forgets the analysis of the folder of `uri` (a document changed).
    fn changed(&mut self, uri: &str) {
        if let Some(dir) = path_of(uri).and_then(|p| p.parent().map(Path::to_path_buf)) {
            self.folders.remove(&dir);
        }
    }

    fn notify(&mut self, notification: Notification) -> Vec<Notification> {
        let params = &notification.params;
        let uri = params
            .pointer("/textDocument/uri")
            .and_then(Json::as_str)
            .unwrap_or_default()
            .to_string();
        match notification.method.as_str() {
            "textDocument/didOpen" => {
                let text = params
                    .pointer("/textDocument/text")
                    .and_then(Json::as_str)
                    .unwrap_or_default()
                    .to_string();
                self.docs.insert(uri.clone(), text);
            }
            "textDocument/didChange" => {
                // Full synchronisation: the last change is the whole text.
                if let Some(text) = params
                    .get("contentChanges")
                    .and_then(Json::as_array)
                    .and_then(|c| c.last())
                    .and_then(|c| c.get("text"))
                    .and_then(Json::as_str)
                {
                    self.docs.insert(uri.clone(), text.to_string());
                }
            }
            "textDocument/didClose" => {
                self.docs.remove(&uri);
                self.changed(&uri);
                return Vec::new();
            }
            _ => return Vec::new(),
        }
        self.changed(&uri);
        self.diagnostics(&uri)
    }

    /// `publishDiagnostics` for every Charter file of the folder.
    fn diagnostics(&mut self, uri: &str) -> Vec<Notification> {
        let Some(folder) = self.folder(uri) else {
            return Vec::new();
        };
        let mut out = Vec::new();
        if let Some(cut) = &folder.cut {
            out.push(Notification::new(
                "window/logMessage".to_string(),
                json!({
                    "type": 2,
                    "message": format!("charter: the search of the document's folder stopped at {cut}; files past it are not checked"),
                }),
            ));
        }
        let analysis = &folder.analysis;
        for (i, (source, diagnostics)) in analysis.files().iter().zip(analysis.diagnostics()).enumerate() {
            if source.kind != SourceKind::Charter {
                continue;
            }
            let Some(file_uri) = folder.uris.get(i) else { continue };
            let items: Vec<Json> = diagnostics
                .iter()
                .map(|d| {
                    let primary = d.labels.first().map_or(charter::Span::new(0, 0), |l| l.span);
                    let related: Vec<Json> = d
                        .labels
                        .iter()
                        .skip(1)
                        .map(|l| {
                            json!({
                                "location": { "uri": file_uri, "range": range(&source.text, l.span) },
                                "message": if l.text.is_empty() { d.message.clone() } else { l.text.clone() },
                            })
                        })
                        .collect();
                    let mut message = d.message.clone();
                    if let Some(help) = &d.help {
                        message.push_str(&format!("\nhelp: {help}"));
                    }
                    // A warning the policy expects: a hint, with the reason.
                    if let Some(reason) = &d.expected {
                        message.push_str(&format!("\nexpected by the policy: {reason}"));
                    }
                    let severity = match (d.is_error(), &d.expected) {
                        (true, _) => 1,
                        (false, None) => 2,
                        (false, Some(_)) => 4,
                    };
                    let mut item = json!({
                        "range": range(&source.text, primary),
                        "severity": severity,
                        "code": d.code,
                        "source": "charter",
                        "message": message,
                        "relatedInformation": related,
                    });
                    if let (Some(replacement), Some(map)) =
                        (d.help.as_deref().and_then(suggestion), item.as_object_mut())
                    {
                        map.insert("data".to_string(), json!({ "replacement": replacement }));
                    }
                    item
                })
                .collect();
            out.push(Notification::new(
                "textDocument/publishDiagnostics".to_string(),
                json!({ "uri": file_uri, "diagnostics": items }),
            ));
        }
        out
    }

    fn request(&mut self, request: Request) -> Response {
        let params = &request.params;
        let uri = params
            .pointer("/textDocument/uri")
            .and_then(Json::as_str)
            .unwrap_or_default()
            .to_string();
        let result = match request.method.as_str() {
            "textDocument/hover" => self.hover(&uri, params.get("position").unwrap_or(&Json::Null)),
            "textDocument/definition" => self.definition(&uri, params.get("position").unwrap_or(&Json::Null)),
            "textDocument/completion" => self.completion(&uri),
            "textDocument/documentSymbol" => self.symbols(&uri),
            "textDocument/formatting" => self.formatting(&uri),
            "textDocument/codeAction" => code_actions(&uri, params),
            "textDocument/references" => {
                let with_declaration = params
                    .pointer("/context/includeDeclaration")
                    .and_then(Json::as_bool)
                    .unwrap_or(true);
                self.references(&uri, params.get("position").unwrap_or(&Json::Null), with_declaration)
            }
            "textDocument/semanticTokens/full" => self.semantic_tokens(&uri),
            "textDocument/inlayHint" => self.inlay_hints(&uri),
            "textDocument/signatureHelp" => self.signature_help(&uri, params.get("position").unwrap_or(&Json::Null)),
            "textDocument/documentHighlight" => self.highlights(&uri, params.get("position").unwrap_or(&Json::Null)),
            "textDocument/rename" => {
                let new_name = params.get("newName").and_then(Json::as_str).unwrap_or_default();
                match self.rename(&uri, params.get("position").unwrap_or(&Json::Null), new_name) {
                    Ok(edit) => edit,
                    Err(message) => {
                        return Response::new_err(request.id, lsp_server::ErrorCode::InvalidParams as i32, message)
                    }
                }
            }
            _ => {
                return Response::new_err(
                    request.id,
                    lsp_server::ErrorCode::MethodNotFound as i32,
                    format!("charter lsp does not handle `{}`", request.method),
                )
            }
        };
        Response::new_ok(request.id, result)
    }

    fn text(&self, uri: &str) -> Option<String> {
        self.docs
            .get(uri)
            .cloned()
            .or_else(|| files::read_text(&path_of(uri)?).ok())
    }

    fn hover(&mut self, uri: &str, position: &Json) -> Json {
        let Some(text) = self.text(uri) else {
            return Json::Null;
        };
        let Some(folder) = self.folder(uri) else {
            return Json::Null;
        };
        let Some(at) = offset(&text, position) else {
            return Json::Null;
        };
        let analysis = &folder.analysis;
        let file = folder.file(uri).unwrap_or(usize::MAX);
        let markdown = |value: String| json!({ "contents": { "kind": "markdown", "value": value } });
        // A quote: its sentence of the legal text, and the clause.
        let line_start = text.get(..at).and_then(|b| b.rfind('\n')).map_or(0, |i| i + 1);
        let line = text.get(line_start..).unwrap_or_default().trim_start();
        if line.starts_with("quote") {
            if let Some(quote) = string_at(&text, at) {
                let wanted = charter::citations::fold(&quote);
                let found = analysis.coverage().iter().flat_map(|c| c.sentences.iter()).find(|s| {
                    let sentence = charter::citations::fold(&s.text);
                    sentence.contains(&wanted) || wanted.contains(&sentence)
                });
                return match found {
                    Some(s) => markdown(format!("**§ {}** of the source text\n\n> {}", s.clause, s.text)),
                    None => markdown(format!("quoted from the source text:\n\n> {quote}")),
                };
            }
        }
        let Some((word, _)) = word_at(&text, at) else {
            return Json::Null;
        };
        let today = date::from_date(jiff::Zoned::now().date());
        // Names come from the folder's name table, which is built even
        // where other parts of the folder have errors.
        if let Some(party) = analysis.party(file, &word) {
            let names: Vec<String> = party
                .names
                .iter()
                .map(|(official, sort, from)| {
                    let since = from.map(|d| format!(" (from {})", date::format(d))).unwrap_or_default();
                    format!("- {official} — sorted as “{sort}”{since}")
                })
                .collect();
            let status = match folder.program.as_ref().and_then(|p| p.party(&word).map(|id| (p, id))) {
                Some((program, id)) => format!("**{}**", program.interpreter().status(id, today).name()),
                None => format!(
                    "not known while the folder has errors ({})",
                    plural(analysis.errors(), "error")
                ),
            };
            let kind = party.kind.map(|k| format!(" — {}", k.describe())).unwrap_or_default();
            let mut value = format!(
                "**{word}**{kind}\n\n{}\n\nstatus today ({}): {status}",
                names.join("\n"),
                date::format(today),
            );
            // What the text and the history say of it, from the tree (or,
            // under errors, from the parts that resolved).
            if let Some(facts) = analysis.party_facts(file, &word) {
                if !facts.text.is_empty() {
                    value.push_str("\n\nthe text:");
                    for (line, clause) in &facts.text {
                        value.push_str(&format!("\n- {line} (§ {clause})"));
                    }
                }
                if !facts.recorded.is_empty() {
                    value.push_str("\n\nrecorded:");
                    for (line, sources) in &facts.recorded {
                        let cited = sources.first().map(|s| format!(" — {s}")).unwrap_or_default();
                        value.push_str(&format!("\n- {line}{cited}"));
                    }
                }
                if facts.unresolved > 0 {
                    value.push_str(&format!(
                        "\n\n(statements or records that do not resolve while the folder has errors: {}; not shown)",
                        facts.unresolved
                    ));
                }
            }
            return markdown(value);
        }
        if let Some(m) = analysis.meeting(file, &word) {
            let mut value = format!(
                "**{}** — recorded `{}` meeting, {}",
                m.name,
                m.kind,
                m.precision.describe(m.date)
            );
            if let Some(last) = m.last_day {
                value.push_str(&format!(" until {}", date::format(last)));
            }
            if let Some(place) = &m.place {
                value.push_str(&format!(", at {place}"));
            }
            if let Some(host) = &m.host {
                value.push_str(&format!(", host {host}"));
            }
            value.push_str(&match &m.present {
                Some(present) => format!("\n\npresent: {}", present.join(", ")),
                None => "\n\nattendance not recorded".to_string(),
            });
            if !m.decisions.is_empty() {
                value.push_str(&format!("\n\ndecisions: {}", m.decisions.join(", ")));
            }
            for source in &m.sources {
                value.push_str(&format!("\n\n> {source}"));
            }
            return markdown(value);
        }
        if analysis
            .lookup(file, &word)
            .is_some_and(|n| n.kind == charter::NameKind::Rule)
        {
            let mut value = match folder.program.as_ref().and_then(|p| {
                let bundle = p.bundle();
                bundle
                    .rules
                    .iter()
                    .enumerate()
                    .find(|(_, r)| r.name == word)
                    .map(|r| (p, r))
            }) {
                Some((program, (index, rule))) => {
                    let params: Vec<String> = rule
                        .params
                        .iter()
                        .zip(&rule.param_types)
                        .map(|(p, t)| format!("{p}: {}", type_text(t)))
                        .collect();
                    let mut value = format!(
                        "```charter\nrule {}({}): {}\n```",
                        rule.name,
                        params.join(", "),
                        type_text(&rule.returns)
                    );
                    if rule.params.is_empty() {
                        let call = charter::ir::Expr::Rule(index as u32, Vec::new());
                        match program.interpreter().eval(&call, &mut Vec::new()) {
                            Ok(v) => value.push_str(&format!("\n\nvalue today: `{}`", v.to_json(program.bundle()))),
                            Err(charter::EvalError::Unknown(unknown)) => {
                                value.push_str(&format!("\n\nvalue today: unknown ({})", unknown.because.join("; ")))
                            }
                            Err(e) => value.push_str(&format!("\n\ncannot be evaluated: {e}")),
                        }
                    }
                    value
                }
                None => format!(
                    "```charter\nrule {word}\n```\n\n(its type and value are not known while the folder has errors)"
                ),
            };
            // What it encodes: the clause and quotes of its block.
            if let Some((clause, quotes)) = analysis.rule_clause(file, &word) {
                value.push_str(&format!("\n\nencodes § {clause}"));
                for quote in quotes {
                    value.push_str(&format!("\n\n> {quote}"));
                }
            }
            return markdown(value);
        }
        if let Some(signature) = charter::builtin_signature(&word) {
            return markdown(format!("```charter\n{signature}\n```\n\n{}", meaning(&word)));
        }
        Json::Null
    }

    fn definition(&mut self, uri: &str, position: &Json) -> Json {
        let Some(text) = self.text(uri) else {
            return Json::Null;
        };
        let Some(folder) = self.folder(uri) else {
            return Json::Null;
        };
        let Some(at) = offset(&text, position) else {
            return Json::Null;
        };
        let sources = folder.analysis.files();
        let legal = sources
            .iter()
            .enumerate()
            .find(|(_, s)| s.kind == SourceKind::LegalText);
        let location = |file: usize, span: charter::Span| -> Option<Json> {
            let source = sources.get(file)?;
            Some(json!({ "uri": folder.uris.get(file)?, "range": range(&source.text, span) }))
        };
        // From a quote into the legal text.
        let line_start = text.get(..at).and_then(|b| b.rfind('\n')).map_or(0, |i| i + 1);
        let line = text.get(line_start..).unwrap_or_default().trim_start();
        if let (true, Some(quote), Some((file, source))) = (line.starts_with("quote"), string_at(&text, at), legal) {
            let (folded, offsets) = folded_with_offsets(&source.text);
            let wanted = charter::citations::fold(&quote);
            if let Some(i) = folded.find(&wanted) {
                let start = offsets.get(i).copied().unwrap_or_default();
                let end = offsets.get(i + wanted.len() - 1).map_or(start, |e| e + 1);
                return location(file, charter::Span::new(start, end)).map_or(Json::Null, |l| json!([l]));
            }
        }
        let Some((word, _)) = word_at(&text, at) else {
            return Json::Null;
        };
        // From a `§ N` citation to the clause's heading in the legal text.
        let before = text.get(line_start..at).unwrap_or_default();
        if before.contains('§') && word.starts_with(|c: char| c.is_ascii_digit()) {
            if let Some((file, source)) = legal {
                if let Some(span) = clause_heading(&source.text, &word) {
                    return location(file, span).map_or(Json::Null, |l| json!([l]));
                }
            }
        }
        let file = folder.file(uri).unwrap_or(usize::MAX);
        folder
            .analysis
            .lookup(file, &word)
            .and_then(|name| location(name.file?, name.span?))
            .map_or(Json::Null, |l| json!([l]))
    }

    /// Every place in the folder's Charter files where the name at
    /// `position` names the same thing: its definition (with
    /// `with_declaration`) and every use, as (file, span). `None` where
    /// the position is on no name the folder defines.
    fn occurrences(
        &mut self,
        uri: &str,
        position: &Json,
        with_declaration: bool,
    ) -> Option<(String, Vec<(usize, charter::Span)>)> {
        let text = self.text(uri)?;
        let folder = self.folder(uri)?;
        let at = offset(&text, position)?;
        let (word, _) = ident_at(&text, at)?;
        let file = folder.file(uri).unwrap_or(usize::MAX);
        let target = folder.analysis.lookup(file, &word)?;
        let (def_file, def_span) = (target.file?, target.span?);
        let mut found = Vec::new();
        for (i, source) in folder.analysis.files().iter().enumerate() {
            if source.kind == SourceKind::LegalText {
                continue;
            }
            for span in ident_spans(&source.text, &word) {
                let same = folder
                    .analysis
                    .lookup(i, &word)
                    .is_some_and(|n| n.file == Some(def_file) && n.span == Some(def_span));
                let is_declaration = i == def_file && span.start >= def_span.start && span.end <= def_span.end;
                if same && (with_declaration || !is_declaration) {
                    found.push((i, span));
                }
            }
        }
        Some((word, found))
    }

    /// Hints where they help, from the checked program (none while the
    /// folder has errors): after a recorded meeting's `date`, the chair
    /// the rules derive that day; after a rule of no argument, its value,
    /// and after a rule of one date, its value on the day of adoption.
    fn inlay_hints(&mut self, uri: &str) -> Json {
        let Some(text) = self.text(uri) else {
            return json!([]);
        };
        let Some(program) = self.folder(uri).and_then(|f| f.program.clone()) else {
            return json!([]);
        };
        let bundle = program.bundle();
        let answer =
            |name: &str, args: &[charter::Value]| program.call(name, args).ok().map(|a| a.value.to_text(bundle));
        let mut hints = Vec::new();
        let mut start = 0;
        for line in text.split_inclusive('\n') {
            let trimmed = line.trim_start();
            let at = start + (line.len() - trimmed.len());
            start += line.len();
            if let Some(rest) = trimmed.strip_prefix("date ") {
                let Some(token) = rest.split_whitespace().next() else {
                    continue;
                };
                if let Some(chair) = date::parse(token).and_then(|d| answer("chair", &[charter::Value::Date(d)])) {
                    let end = at + "date ".len() + token.len();
                    hints.push(json!({
                        "position": position(&text, end),
                        "label": format!("chair {chair}"),
                        "paddingLeft": true,
                        "kind": 1,
                    }));
                }
            } else if let Some(rest) = trimmed.strip_prefix("rule ") {
                let name: String = rest.chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect();
                let Some(rule) = bundle.rules.iter().find(|r| r.name == name) else {
                    continue;
                };
                let value = match rule.param_types.as_slice() {
                    [] => answer(&name, &[]),
                    [charter::ir::Type::Date] => answer(&name, &[charter::Value::Date(bundle.adopted)])
                        .map(|v| format!("{v} on {}", date::format(bundle.adopted))),
                    _ => None,
                };
                if let Some(value) = value {
                    let end = at + trimmed.trim_end().len();
                    hints.push(json!({
                        "position": position(&text, end),
                        "label": format!("= {value}"),
                        "paddingLeft": true,
                        "kind": 1,
                    }));
                }
            }
        }
        json!(hints)
    }

    /// The document's tokens by kind (the legend's order, [`TOKEN_TYPES`]),
    /// encoded as the protocol asks: each relative to the one before.
    fn semantic_tokens(&mut self, uri: &str) -> Json {
        let Some(text) = self.text(uri) else {
            return Json::Null;
        };
        let folder = self.folder(uri);
        let file = folder.as_ref().and_then(|f| f.file(uri)).unwrap_or(usize::MAX);
        let builtins = charter::builtin_names();
        let kind_of_word = |word: &str, called: bool| -> Option<usize> {
            // `chair(d)` is the query; `chair { ... }` the statement.
            if called && builtins.contains(&word) {
                return Some(TOKEN_FUNCTION);
            }
            if charter::KEYWORDS.contains(&word) {
                return Some(TOKEN_KEYWORD);
            }
            if builtins.contains(&word) {
                return Some(TOKEN_FUNCTION);
            }
            let name = folder.as_ref()?.analysis.lookup(file, word)?;
            Some(match name.kind {
                charter::NameKind::Party => TOKEN_PARTY,
                charter::NameKind::Rule => TOKEN_FUNCTION,
                charter::NameKind::Meeting | charter::NameKind::Decision => TOKEN_VARIABLE,
                charter::NameKind::MeetingKind | charter::NameKind::DecisionKind | charter::NameKind::Group => {
                    TOKEN_TYPE
                }
            })
        };
        let mut data: Vec<u64> = Vec::new();
        let (mut last_line, mut last_start) = (0u64, 0u64);
        for (span, kind) in lexed(&text) {
            let kind = match kind {
                Lexed::Word => match kind_of_word(
                    text.get(span.start..span.end).unwrap_or_default(),
                    text.get(span.end..)
                        .is_some_and(|rest| rest.trim_start().starts_with('(')),
                ) {
                    Some(kind) => kind,
                    None => continue,
                },
                Lexed::Kind(kind) => kind,
            };
            let start = position(&text, span.start);
            let (Some(line), Some(character)) = (
                start.get("line").and_then(Json::as_u64),
                start.get("character").and_then(Json::as_u64),
            ) else {
                continue;
            };
            let length: u64 = text
                .get(span.start..span.end)
                .unwrap_or_default()
                .chars()
                .take_while(|c| *c != '\n')
                .map(|c| c.len_utf16() as u64)
                .sum();
            let delta_start = if line == last_line {
                character - last_start
            } else {
                character
            };
            data.extend([line - last_line, delta_start, length, kind as u64, 0]);
            (last_line, last_start) = (line, character);
        }
        json!({ "data": data })
    }

    /// The signature of the built-in or rule whose call the position is
    /// in, with the argument it is at.
    fn signature_help(&mut self, uri: &str, position: &Json) -> Json {
        let Some(text) = self.text(uri) else {
            return Json::Null;
        };
        let Some(at) = offset(&text, position) else {
            return Json::Null;
        };
        let Some((open, argument)) = open_call(&text, at) else {
            return Json::Null;
        };
        let Some((name, _)) = ident_at(&text, open) else {
            return Json::Null;
        };
        let signature = match charter::builtin_signature(&name) {
            Some(signature) => Some(signature),
            None => self.folder(uri).and_then(|folder| {
                let program = folder.program.as_ref()?;
                let rule = program.bundle().rules.iter().find(|r| r.name == name)?;
                let params: Vec<String> = rule
                    .params
                    .iter()
                    .zip(&rule.param_types)
                    .map(|(p, t)| format!("{p}: {}", type_text(t)))
                    .collect();
                Some(format!(
                    "{}({}): {}",
                    rule.name,
                    params.join(", "),
                    type_text(&rule.returns)
                ))
            }),
        };
        let Some(label) = signature else {
            return Json::Null;
        };
        let inside = label
            .split_once('(')
            .and_then(|(_, rest)| rest.rsplit_once(')'))
            .map_or("", |(params, _)| params);
        let parameters: Vec<Json> = inside
            .split(", ")
            .filter(|p| !p.is_empty())
            .map(|p| json!({ "label": p }))
            .collect();
        let documentation = meaning(&name);
        let mut signature = json!({ "label": label, "parameters": parameters });
        if let (false, Some(map)) = (documentation.is_empty(), signature.as_object_mut()) {
            map.insert(
                "documentation".to_string(),
                json!({ "kind": "markdown", "value": documentation }),
            );
        }
        json!({ "signatures": [signature], "activeSignature": 0, "activeParameter": argument })
    }

    fn references(&mut self, uri: &str, position: &Json, with_declaration: bool) -> Json {
        let Some((_, found)) = self.occurrences(uri, position, with_declaration) else {
            return Json::Null;
        };
        let Some(folder) = self.folder(uri) else {
            return Json::Null;
        };
        let sources = folder.analysis.files();
        let locations: Vec<Json> = found
            .iter()
            .filter_map(|(file, span)| {
                let source = sources.get(*file)?;
                Some(json!({ "uri": folder.uris.get(*file)?, "range": range(&source.text, *span) }))
            })
            .collect();
        json!(locations)
    }

    fn highlights(&mut self, uri: &str, position: &Json) -> Json {
        let Some((_, found)) = self.occurrences(uri, position, true) else {
            return Json::Null;
        };
        let Some(folder) = self.folder(uri) else {
            return Json::Null;
        };
        let here = folder.file(uri);
        let sources = folder.analysis.files();
        let items: Vec<Json> = found
            .iter()
            .filter(|(file, _)| Some(*file) == here)
            .filter_map(|(file, span)| {
                let source = sources.get(*file)?;
                Some(json!({ "range": range(&source.text, *span), "kind": 1 }))
            })
            .collect();
        json!(items)
    }

    /// The edits that rename the name at `position` everywhere in the
    /// folder, or why not: the new name is not an identifier, is a
    /// keyword, or is already defined.
    fn rename(&mut self, uri: &str, position: &Json, new_name: &str) -> Result<Json, String> {
        let identifier = new_name.chars().next().is_some_and(|c| c.is_alphabetic() || c == '_')
            && new_name.chars().all(|c| c.is_alphanumeric() || c == '_');
        if !identifier {
            return Err(format!(
                "`{new_name}` is not a name: a letter or `_`, then letters, digits or `_`"
            ));
        }
        if charter::KEYWORDS.contains(&new_name) {
            return Err(format!("`{new_name}` is a keyword of the language"));
        }
        let Some((word, found)) = self.occurrences(uri, position, true) else {
            return Err("there is no name the folder defines here".to_string());
        };
        let Some(folder) = self.folder(uri) else {
            return Err("the document's folder could not be read".to_string());
        };
        let file = folder.file(uri).unwrap_or(usize::MAX);
        if new_name != word && folder.analysis.lookup(file, new_name).is_some() {
            return Err(format!(
                "`{new_name}` is already defined: renaming `{word}` to it would merge two names"
            ));
        }
        let sources = folder.analysis.files();
        let mut changes: std::collections::BTreeMap<String, Vec<Json>> = std::collections::BTreeMap::new();
        for (file, span) in &found {
            if let (Some(source), Some(file_uri)) = (sources.get(*file), folder.uris.get(*file)) {
                changes
                    .entry(file_uri.clone())
                    .or_default()
                    .push(json!({ "range": range(&source.text, *span), "newText": new_name }));
            }
        }
        Ok(json!({ "changes": changes }))
    }

    fn completion(&mut self, uri: &str) -> Json {
        let Some(folder) = self.folder(uri) else {
            return json!([]);
        };
        let file = folder.file(uri).unwrap_or(usize::MAX);
        let mut items: Vec<Json> = Vec::new();
        let mut seen = BTreeSet::new();
        let mut push = |label: String, kind: u32, detail: String| {
            if seen.insert(label.clone()) {
                items.push(json!({ "label": label, "kind": kind, "detail": detail }));
            }
        };
        for name in folder.analysis.names(file) {
            let (kind, detail) = match name.kind {
                charter::NameKind::Party => (
                    21,
                    folder
                        .analysis
                        .party(file, &name.name)
                        .and_then(|p| p.names.last().map(|(official, _, _)| official.clone()))
                        .unwrap_or_default(),
                ),
                charter::NameKind::MeetingKind => (20, "meeting kind".to_string()),
                charter::NameKind::DecisionKind => (20, "decision kind".to_string()),
                charter::NameKind::Group => (20, "group".to_string()),
                charter::NameKind::Rule => (3, "rule".to_string()),
                charter::NameKind::Meeting => (23, "recorded meeting".to_string()),
                charter::NameKind::Decision => (23, "recorded decision".to_string()),
            };
            push(name.name, kind, detail);
        }
        for coverage in folder.analysis.coverage() {
            for sentence in &coverage.sentences {
                push(
                    sentence.clause.clone(),
                    17,
                    format!("§ {} of the source text", sentence.clause),
                );
            }
        }
        for name in charter::builtin_names() {
            push(
                name.to_string(),
                3,
                charter::builtin_signature(name).unwrap_or_default(),
            );
        }
        for keyword in charter::KEYWORDS {
            push((*keyword).to_string(), 14, "keyword".to_string());
        }
        Json::Array(items)
    }

    fn symbols(&mut self, uri: &str) -> Json {
        let Some(text) = self.text(uri) else {
            return json!([]);
        };
        let Some(folder) = self.folder(uri) else {
            return json!([]);
        };
        let Some(file) = folder.file(uri) else {
            return json!([]);
        };
        fn symbol(text: &str, s: &charter::Symbol) -> Json {
            let kind = match s.kind {
                charter::SymbolKind::Clause => 2,
                charter::SymbolKind::Party => 14,
                charter::SymbolKind::Rule | charter::SymbolKind::Test => 12,
                charter::SymbolKind::MeetingKind | charter::SymbolKind::Meeting => 24,
            };
            json!({
                "name": s.name,
                "kind": kind,
                "range": range(text, s.span),
                "selectionRange": range(text, s.span),
                "children": s.children.iter().map(|c| symbol(text, c)).collect::<Vec<_>>(),
            })
        }
        Json::Array(folder.analysis.outline(file).iter().map(|s| symbol(&text, s)).collect())
    }

    fn formatting(&self, uri: &str) -> Json {
        let Some(text) = self.text(uri) else {
            return Json::Null;
        };
        match charter::format(&text) {
            Ok(formatted) if formatted != text => json!([{
                "range": range(&text, charter::Span::new(0, text.len())),
                "newText": formatted,
            }]),
            Ok(_) | Err(_) => json!([]),
        }
    }
}

/// `n things`, or `1 thing`.
fn plural(n: usize, thing: &str) -> String {
    if n == 1 {
        format!("1 {thing}")
    } else {
        format!("{n} {thing}s")
    }
}

/// Quick fixes: each diagnostic the request names that suggests a replacement.
fn code_actions(uri: &str, params: &Json) -> Json {
    let actions: Vec<Json> = params
        .pointer("/context/diagnostics")
        .and_then(Json::as_array)
        .into_iter()
        .flatten()
        .filter_map(|d| {
            let replacement = d.pointer("/data/replacement").and_then(Json::as_str)?;
            let range = d.get("range")?;
            Some(json!({
                "title": format!("Replace with `{replacement}`"),
                "kind": "quickfix",
                "diagnostics": [d],
                "isPreferred": true,
                "edit": { "changes": { uri: [{ "range": range, "newText": replacement }] } },
            }))
        })
        .collect();
    Json::Array(actions)
}

/// The heading line of clause `clause` (`3.ii`) in a legal text: the line
/// that starts with its last part (`ii.`), after the one that starts with
/// its first (`3.`).
fn clause_heading(text: &str, clause: &str) -> Option<charter::Span> {
    let parts: Vec<&str> = clause.split('.').collect();
    let mut from = 0;
    let mut found = None;
    for part in &parts {
        let mut offset = 0;
        found = None;
        for line in text.lines() {
            let trimmed = line.trim_start();
            let lead = line.len() - trimmed.len();
            if offset >= from && (trimmed.starts_with(&format!("{part}.")) || trimmed.starts_with(&format!("{part})")))
            {
                found = Some(charter::Span::new(offset + lead, offset + line.len()));
                break;
            }
            offset += line.len() + 1;
        }
        from = found?.start;
    }
    found
}

fn type_text(ty: &charter::ir::Type) -> String {
    use charter::ir::Type;
    match ty {
        Type::Bool => "bool".to_string(),
        Type::Int => "int".to_string(),
        Type::Date => "date".to_string(),
        Type::Duration => "duration".to_string(),
        Type::Party => "party".to_string(),
        Type::Status => "status".to_string(),
        Type::MeetingKind => "meeting_kind".to_string(),
        Type::DecisionKind => "decision_kind".to_string(),
        Type::Group => "group".to_string(),
        Type::Meeting => "meeting".to_string(),
        Type::Decision => "decision".to_string(),
        Type::Violation => "violation".to_string(),
        Type::Set(inner) => format!("set<{}>", type_text(inner)),
        Type::None => "none".to_string(),
    }
}

/// What docs/semantics.md says of a built-in query: the first sentence of
/// the section whose heading names it, and where to read the rest.
fn meaning(name: &str) -> String {
    let call = format!("`{name}(");
    let mut lines = SEMANTICS
        .lines()
        .skip_while(|l| !(l.starts_with("## ") && l.contains(&call)));
    let heading = lines.next().unwrap_or_default();
    let paragraph: Vec<&str> = lines
        .skip_while(|l| l.trim().is_empty())
        .take_while(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .collect();
    if paragraph.is_empty() {
        return String::new();
    }
    let text = paragraph.join(" ");
    // The first sentence: up to a full stop before a capital letter.
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let end = chars
        .windows(3)
        .find(|w| matches!(w, [(_, '.'), (_, ' '), (_, next)] if next.is_uppercase()))
        .and_then(|w| w.first().map(|(i, _)| i + 1))
        .unwrap_or(text.len());
    let sentence = text.get(..end).unwrap_or(&text);
    let title = heading.trim_start_matches("## ");
    format!("{title}\n\n{sentence}\n\n(the rest in docs/semantics.md, “{title}”)")
}

#[cfg(test)]
#[expect(
    clippy::expect_used,
    reason = "a test stops at the first thing that is not as it should be"
)]
mod tests {
    use super::*;

    /// Requests read the folder's kept check: hover, definition,
    /// references, semantic tokens and symbols after an open check the
    /// folder once; an edit checks it again, once, for every request after.
    #[test]
    fn requests_reuse_the_check_until_a_document_changes() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../policies/almaty");
        let path = dir
            .join("modalities-2013.charter")
            .canonicalize()
            .expect("the Almaty policy");
        let uri = uri_of(&path);
        let text = std::fs::read_to_string(&path).expect("read");
        let mut server = Server::default();
        let open = json!({ "textDocument": { "uri": uri, "languageId": "charter", "version": 1, "text": text } });
        server.notify(Notification::new("textDocument/didOpen".to_string(), open));
        assert_eq!(server.checks, 1);
        let line = text.lines().position(|l| l.contains("state KGZ")).expect("KGZ") as u32;
        let at = json!({ "textDocument": { "uri": uri }, "position": { "line": line, "character": 9 }, "context": { "includeDeclaration": true } });
        for (i, method) in [
            "textDocument/hover",
            "textDocument/definition",
            "textDocument/references",
            "textDocument/semanticTokens/full",
            "textDocument/documentSymbol",
            "textDocument/hover",
        ]
        .into_iter()
        .enumerate()
        {
            let response = server.request(Request::new((i as i32).into(), method.to_string(), at.clone()));
            assert!(response.error.is_none(), "{method}: {:?}", response.error);
        }
        assert_eq!(server.checks, 1, "no request checked the folder again");
        let edited = json!({ "textDocument": { "uri": uri, "version": 2 }, "contentChanges": [{ "text": format!("{text}\n// edited\n") }] });
        server.notify(Notification::new("textDocument/didChange".to_string(), edited));
        assert_eq!(server.checks, 2, "an edit checks the folder again");
        let response = server.request(Request::new(9.into(), "textDocument/hover".to_string(), at));
        assert!(
            response.result.is_some_and(|r| !r.is_null()),
            "hover on KGZ after the edit"
        );
        assert_eq!(server.checks, 2);
    }
}
