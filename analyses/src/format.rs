//! `charter fmt`: one canonical layout for policy, amendment and history
//! files. Whitespace outside strings and comments carries no meaning in
//! Charter, so the formatter only changes whitespace, line by line:
//!
//! - each line is indented two spaces per open `{` (a line starting with
//!   `}` one level less), plus two for a continuation: a line inside an
//!   open `(`, a line after one that ends with an operator, `=`, `,`,
//!   `then` or `else`, and the lines that continue a header or a record
//!   (`ref`, `adopted`, `quote`, `renamed`, `headings`, `covers`; and at
//!   the top level `source` and `inferred`);
//! - between tokens, one space or none, the canonical way: one after `,`
//!   and `:` and around operators; none inside parentheses or a set's
//!   braces (`{KAZ, KGZ}`), before `,`, `:` and `)`, around `.`, in a
//!   ratio (`2/3`) or a type (`set<party>`), after a minus that negates,
//!   or between a rule's name and its `(`; one inside a record's or
//!   block's braces (`meeting { kind: ministerial }`); a comment keeps its
//!   text, one space after the code before it;
//! - a line whose code (indentation included, its comment not) is wider
//!   than [`WIDTH`] characters is wrapped, one item per line: after each
//!   of its shallowest break points (a `,`, `and`, `or`, `implies`, or a
//!   definition's `=`, at the least depth of parentheses and braces on the
//!   line), again while a piece is too wide and can break; a comment goes
//!   with the last piece. A line with no break point (a long string) is
//!   left as it is;
//! - trailing whitespace goes, runs of blank lines become one, and the
//!   file ends with one newline.
//!
//! Comments and strings (even those spanning lines) are kept as written,
//! and line breaks are added only to wrap, never removed, so the result
//! parses to the same tree: [`format`] checks that it does before it
//! returns, and refuses a file that does not parse.

use charter_grammar::ast::File;

/// Why a file was not formatted.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FormatError {
    /// The file does not parse: `charter check` says why.
    #[error("the file does not parse; `charter check` shows why")]
    DoesNotParse,
    /// The formatted text would parse differently: a bug in the formatter,
    /// so nothing is written.
    #[error("formatting would change what the file says (a bug in `charter fmt`); the file is left as it is")]
    ChangesMeaning,
}

/// The widest a line's code may be (indentation included, a trailing
/// comment not) before it is wrapped.
pub const WIDTH: usize = 100;

/// Words that continue the header or record above them, wherever they are.
const CONTINUATIONS: [&str; 7] = ["ref", "adopted", "quote", "renamed", "headings", "covers", "expect"];
/// Words that continue a record at the top level (inside a meeting's
/// braces they are fields of their own).
const TOP_CONTINUATIONS: [&str; 2] = ["source", "inferred"];
/// Tokens that, ending a line, say the next line continues it.
const TRAILING: [&str; 20] = [
    "=", ",", "and", "or", "implies", "then", "else", "|", "+", "-", "*", "/", "==", "!=", "<", "<=", ">", ">=", "in",
    "not",
];

/// One line split into its code and its comment, with the lexer's state
/// at its end.
struct Line {
    /// The line as written, when it starts inside a string (kept verbatim).
    verbatim: bool,
    /// The code with runs of whitespace outside strings collapsed.
    code: String,
    comment: Option<String>,
}

/// Splits a line (the lexer `in_string` at its start), collapsing
/// whitespace outside strings; updates `in_string`, `braces` and `parens`.
fn split(line: &str, in_string: &mut bool, braces: &mut i64, parens: &mut i64) -> Line {
    let verbatim = *in_string;
    let mut code = String::new();
    let mut comment = None;
    let mut chars = line.char_indices().peekable();
    let mut escaped = false;
    let mut pending_space = false;
    while let Some((i, c)) = chars.next() {
        if *in_string {
            code.push(c);
            if escaped {
                escaped = false;
            } else if c == '\\' {
                escaped = true;
            } else if c == '"' {
                *in_string = false;
            }
            continue;
        }
        match c {
            ' ' | '\t' | '\r' => pending_space = !code.is_empty(),
            '/' if chars.peek().map(|(_, n)| *n) == Some('/') => {
                comment = Some(line.get(i..).unwrap_or_default().trim_end().to_string());
                break;
            }
            c => {
                if pending_space {
                    code.push(' ');
                    pending_space = false;
                }
                code.push(c);
                match c {
                    '"' => *in_string = true,
                    '{' => *braces += 1,
                    '}' => *braces -= 1,
                    '(' | '[' => *parens += 1,
                    ')' | ']' => *parens -= 1,
                    _ => {}
                }
            }
        }
    }
    Line {
        verbatim,
        code,
        comment,
    }
}

/// One token of a line's code, for spacing.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Token {
    /// A word: an identifier, keyword, number, date (`2013-06-05`), month
    /// (`2016-11`), clause (`3.ii`) or field access (`m.kind`) written
    /// without spaces.
    Word(String),
    /// A string, as written (to the line's end where it continues).
    Str(String),
    /// An operator or punctuation mark.
    Punct(&'static str),
    /// Any other character, kept as it is.
    Other(char),
}

const PUNCTS: [&str; 21] = [
    "==", "!=", "<=", ">=", "<", ">", "=", "+", "-", "*", "/", "|", ",", ":", "(", ")", "{", "}", ".", "§", ";",
];

fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// The tokens of a line's code (outside comments).
fn tokens(code: &str) -> Vec<Token> {
    let chars: Vec<char> = code.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while let Some(&c) = chars.get(i) {
        if c.is_whitespace() {
            i += 1;
        } else if c == '"' {
            let mut text = String::from('"');
            i += 1;
            let mut escaped = false;
            while let Some(&c) = chars.get(i) {
                text.push(c);
                i += 1;
                if escaped {
                    escaped = false;
                } else if c == '\\' {
                    escaped = true;
                } else if c == '"' {
                    break;
                }
            }
            out.push(Token::Str(text));
        } else if is_word_char(c) {
            let mut text = String::new();
            while let Some(&c) = chars.get(i) {
                let next = chars.get(i + 1).copied();
                let joins = match c {
                    c if is_word_char(c) => true,
                    // `3.ii`, `m.kind`: a dot between word characters.
                    '.' => next.is_some_and(is_word_char),
                    // `2013-06-05`, `2016-11`: a hyphen after digits only,
                    // before a digit.
                    '-' => {
                        !text.is_empty()
                            && text.chars().all(|c| c.is_ascii_digit() || c == '-')
                            && next.is_some_and(|n| n.is_ascii_digit())
                    }
                    _ => false,
                };
                if !joins {
                    break;
                }
                text.push(c);
                i += 1;
            }
            out.push(Token::Word(text));
        } else {
            let rest: String = chars.get(i..i + 2).map(|s| s.iter().collect()).unwrap_or_default();
            let punct = PUNCTS
                .iter()
                .find(|p| p.chars().count() == 2 && rest == **p)
                .or_else(|| PUNCTS.iter().find(|p| p.chars().count() == 1 && p.starts_with(c)));
            match punct {
                Some(p) => {
                    i += p.chars().count();
                    out.push(Token::Punct(p));
                }
                None => {
                    i += 1;
                    out.push(Token::Other(c));
                }
            }
        }
    }
    out
}

/// Words that join expressions: a `(` after one opens a parenthesised
/// expression (not a call's arguments), a `-` after one negates, and a `{`
/// after one opens a set.
const OPERATOR_WORDS: [&str; 17] = [
    "and", "or", "not", "implies", "in", "if", "then", "else", "all", "any", "where", "from", "until", "of", "by",
    "on", "is",
];

/// Whether a space goes between `tokens[i - 1]` and `tokens[i]`: none
/// inside parentheses or a set's braces (`{KAZ, KGZ}`), before `,`, `:` or
/// `)`, around `.`, in a ratio (`2/3`) or a type (`set<party>`), after a
/// minus that negates, or between a rule's or built-in's name and its `(`;
/// one after `,` and `:`, around operators, inside a record's or block's
/// braces, and between words.
fn spaced(tokens: &[Token], i: usize, set_braces: &[bool]) -> bool {
    let at = |k: Option<usize>| k.and_then(|k| tokens.get(k));
    let (Some(prev), Some(next)) = (at(i.checked_sub(1)), tokens.get(i)) else {
        return false;
    };
    let before = at(i.checked_sub(2));
    let is = |t: Option<&Token>, p: &str| matches!(t, Some(Token::Punct(q)) if *q == p);
    let word = |t: Option<&Token>, w: &str| matches!(t, Some(Token::Word(x)) if x == w);
    let number = |t: Option<&Token>| matches!(t, Some(Token::Word(x)) if x.chars().all(|c| c.is_ascii_digit()));
    let operand_end = |t: Option<&Token>| match t {
        Some(Token::Word(w)) => !OPERATOR_WORDS.contains(&w.as_str()),
        Some(Token::Str(_)) => true,
        Some(Token::Punct(p)) => *p == ")" || *p == "}",
        Some(Token::Other(_)) | None => false,
    };
    let (prev, next) = (Some(prev), Some(next));
    // A minus with no operand before it negates.
    let negates = is(prev, "-") && !operand_end(before);
    if negates || is(prev, "(") || is(prev, ".") || is(next, ".") {
        return false;
    }
    if is(next, ",") || is(next, ")") || is(next, ":") || is(next, ";") {
        return false;
    }
    // `2/3`, `1/2`: a ratio.
    if (is(next, "/") && number(prev) && number(at(i.checked_add(1))))
        || (is(prev, "/") && number(before) && number(next))
    {
        return false;
    }
    // `set<party>`.
    if (is(next, "<") && word(prev, "set"))
        || (is(prev, "<") && word(before, "set"))
        || (is(next, ">") && is(at(i.checked_sub(2)), "<") && word(at(i.checked_sub(3)), "set"))
    {
        return false;
    }
    if is(prev, "{") && is(next, "}") {
        return false;
    }
    // Inside a set's braces, no space after `{` or before `}`.
    if (is(prev, "{") && set_braces.get(i - 1).copied().unwrap_or(false))
        || (is(next, "}") && set_braces.get(i).copied().unwrap_or(false))
    {
        return false;
    }
    if is(next, "(") {
        return match prev {
            Some(Token::Word(w)) => OPERATOR_WORDS.contains(&w.as_str()),
            Some(Token::Punct(_) | Token::Str(_) | Token::Other(_)) | None => true,
        };
    }
    true
}

/// What the lines above leave open for the next line's spacing: whether
/// each brace still open is a set's, and the last token.
#[derive(Default)]
struct Carry {
    open: Vec<bool>,
    last: Option<Token>,
}

/// For each token, whether it is a brace of a set (`{KAZ, KGZ}`, `{p in S
/// | ...}`): a `{` after an operator or an operator word, and the `}`
/// that closes it, on this line or a later one (`carry` holds what the
/// lines above left open). A `{` after a word (`meeting {`) or alone opens
/// a record or a block.
fn set_braces(tokens: &[Token], carry: &mut Carry) -> Vec<bool> {
    let mut marks = vec![false; tokens.len()];
    for (i, token) in tokens.iter().enumerate() {
        match token {
            Token::Punct("{") => {
                let before = match i.checked_sub(1) {
                    Some(p) => tokens.get(p),
                    None => carry.last.as_ref(),
                };
                let set = match before {
                    Some(Token::Word(w)) => OPERATOR_WORDS.contains(&w.as_str()),
                    Some(Token::Punct(p)) => *p != ")",
                    Some(Token::Str(_) | Token::Other(_)) | None => false,
                };
                carry.open.push(set);
                if let Some(mark) = marks.get_mut(i) {
                    *mark = set;
                }
            }
            Token::Punct("}") => {
                if let (Some(set), Some(mark)) = (carry.open.pop(), marks.get_mut(i)) {
                    *mark = set;
                }
            }
            Token::Word(_) | Token::Str(_) | Token::Punct(_) | Token::Other(_) => {}
        }
    }
    if let Some(last) = tokens.last() {
        carry.last = Some(last.clone());
    }
    marks
}

/// The code of a line with canonical spaces between its tokens.
fn respace(code: &str, carry: &mut Carry) -> String {
    let tokens = tokens(code);
    let sets = set_braces(&tokens, carry);
    let mut out = String::with_capacity(code.len());
    for (i, token) in tokens.iter().enumerate() {
        if i > 0 && spaced(&tokens, i, &sets) {
            out.push(' ');
        }
        match token {
            Token::Word(text) | Token::Str(text) => out.push_str(text),
            Token::Punct(p) => out.push_str(p),
            Token::Other(c) => out.push(*c),
        }
    }
    out
}

fn first_word(code: &str) -> &str {
    code.split(|c: char| !(c.is_alphanumeric() || c == '_'))
        .next()
        .unwrap_or_default()
}

fn ends_with_continuation(code: &str) -> bool {
    let code = code.trim_end();
    TRAILING.iter().any(|t| {
        code.strip_suffix(t).is_some_and(|before| {
            // A word must stand alone (`band` does not end with `and`).
            let word = t.chars().all(|c| c.is_alphabetic());
            !word || before.is_empty() || before.ends_with(|c: char| !(c.is_alphanumeric() || c == '_'))
        })
    })
}

/// A line of output before comments are indented.
enum Out {
    Blank,
    /// A line inside a string that spans lines, as written.
    Verbatim(String),
    /// A comment alone on its line, at least this indented.
    Comment(usize, String),
    Code(usize, String),
}

/// The text laid out canonically, without checking that it parses the same:
/// indented and spaced, then wrapped until no line is too wide or none that
/// is can break (each pass splits every such line at least once, so a few
/// passes do: a piece is nested one level deeper than the line it came from).
pub fn layout(text: &str) -> String {
    const PASSES: usize = 32;
    let mut out = layout_once(text);
    for _ in 0..PASSES {
        let wrapped = wrap(&out);
        if wrapped == out {
            break;
        }
        out = layout_once(&wrapped);
    }
    out
}

/// A place a line may break, after a token.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Break {
    /// After a `,`, or an `and`, `or`, `implies` joining expressions.
    Item,
    /// After a definition's `=` (`==` is another token): used only on a
    /// line with no other break point.
    Definition,
}

/// Whether the line may break after `tokens[i]`. An `and` joins
/// expressions except in `between D and D`, `and others` and `members and
/// observers present`.
fn break_after(tokens: &[Token], i: usize) -> Option<Break> {
    let word = |at: Option<usize>, w: &str| at.and_then(|at| tokens.get(at)) == Some(&Token::Word(w.to_string()));
    match tokens.get(i)? {
        Token::Punct(",") => Some(Break::Item),
        Token::Punct("=") => Some(Break::Definition),
        Token::Word(w) if w == "and" => {
            let prose =
                word(i.checked_sub(2), "between") || word(Some(i + 1), "others") || word(Some(i + 1), "observers");
            (!prose).then_some(Break::Item)
        }
        Token::Word(w) if w == "or" || w == "implies" => Some(Break::Item),
        Token::Word(_) | Token::Str(_) | Token::Punct(_) | Token::Other(_) => None,
    }
}

/// The lines of `text` (laid out) with every line too wide split after its
/// shallowest break points, each piece on a line of its own (indented by
/// the next [`layout_once`]); a trailing comment goes with the last piece.
fn wrap(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 8);
    let (mut in_string, mut braces, mut parens) = (false, 0i64, 0i64);
    for raw in text.strip_suffix('\n').unwrap_or(text).split('\n') {
        let line = split(raw, &mut in_string, &mut braces, &mut parens);
        let indent = raw.len() - raw.trim_start().len();
        let too_wide = indent + line.code.chars().count() > WIDTH;
        // A line that starts or ends inside a string spanning lines is kept.
        let pieces = if too_wide && !line.verbatim && !in_string {
            pieces(&line.code)
        } else {
            Vec::new()
        };
        if pieces.len() < 2 {
            out.push_str(raw);
            out.push('\n');
            continue;
        }
        let last = pieces.len() - 1;
        for (i, piece) in pieces.iter().enumerate() {
            if i == 0 {
                out.push_str(&" ".repeat(indent));
            }
            out.push_str(piece);
            if let (true, Some(comment)) = (i == last, &line.comment) {
                out.push(' ');
                out.push_str(comment);
            }
            out.push('\n');
        }
    }
    out
}

/// A line's code cut after each of its shallowest break points, each piece
/// spaced as on the line (the next [`layout_once`] spaces it anew); one
/// piece when it has none, or when those break points are in more than one
/// list (`f(a, b) | g(c, d)`: cutting both calls would not make a list).
fn pieces(code: &str) -> Vec<String> {
    let tokens = tokens(code);
    let sets = set_braces(&tokens, &mut Carry::default());
    // The depth of parentheses and braces before each token, relative to
    // the line's start (negative after one closed that opened above), and
    // the opening bracket on this line it is inside, if any.
    let mut depth = 0i64;
    let mut opened: Vec<usize> = Vec::new();
    let mut depths = Vec::with_capacity(tokens.len());
    let mut groups = Vec::with_capacity(tokens.len());
    for (i, token) in tokens.iter().enumerate() {
        if let Token::Punct(")" | "}") = token {
            depth -= 1;
            opened.pop();
        }
        depths.push(depth);
        groups.push(opened.last().copied());
        if let Token::Punct("(" | "{") = token {
            depth += 1;
            opened.push(i);
        }
    }
    let last = tokens.len().saturating_sub(1);
    let breaks: Vec<Option<Break>> = (0..tokens.len())
        .map(|i| break_after(&tokens, i).filter(|_| i < last))
        .collect();
    // Items first; a definition's `=` only where nothing else can break.
    let kind = if breaks.contains(&Some(Break::Item)) {
        Break::Item
    } else {
        Break::Definition
    };
    let chosen = |i: usize| breaks.get(i).copied().flatten() == Some(kind);
    let Some(shallowest) = (0..tokens.len())
        .filter(|i| chosen(*i))
        .filter_map(|i| depths.get(i))
        .min()
        .copied()
    else {
        return vec![code.to_string()];
    };
    let mut lists = (0..tokens.len())
        .filter(|i| chosen(*i) && depths.get(*i) == Some(&shallowest))
        .map(|i| groups.get(i));
    let first = lists.next();
    if lists.any(|g| Some(g) != first) {
        return vec![code.to_string()];
    }
    let mut pieces = vec![String::new()];
    for (i, token) in tokens.iter().enumerate() {
        let Some(piece) = pieces.last_mut() else { break };
        if !piece.is_empty() && spaced(&tokens, i, &sets) {
            piece.push(' ');
        }
        match token {
            Token::Word(text) | Token::Str(text) => piece.push_str(text),
            Token::Punct(p) => piece.push_str(p),
            Token::Other(c) => piece.push(*c),
        }
        if chosen(i) && depths.get(i) == Some(&shallowest) {
            pieces.push(String::new());
        }
    }
    pieces
}

/// One pass of indentation and spacing, line by line.
fn layout_once(text: &str) -> String {
    let mut lines = Vec::new();
    let mut carry = Carry::default();
    let (mut in_string, mut braces, mut parens) = (false, 0i64, 0i64);
    let mut previous_code: Option<String> = None;
    // Lines end at '\n' alone: a '\r' inside a string is the string's.
    for raw in text.strip_suffix('\n').unwrap_or(text).split('\n') {
        let (depth, paren_depth) = (braces.max(0), parens.max(0));
        let mut line = split(raw, &mut in_string, &mut braces, &mut parens);
        if !line.verbatim {
            line.code = respace(&line.code, &mut carry);
        }
        if line.verbatim {
            // Inside a string that goes on, every character is the
            // string's, trailing spaces too; after it closes, trailing
            // spaces are not.
            lines.push(Out::Verbatim(if in_string {
                raw.to_string()
            } else {
                raw.trim_end_matches([' ', '\t', '\r']).to_string()
            }));
            continue;
        }
        let Some(first) = line.code.chars().next() else {
            match line.comment {
                Some(comment) => lines.push(Out::Comment(2 * depth as usize, comment)),
                None => lines.push(Out::Blank),
            }
            continue;
        };
        let level = if first == '}' { depth - 1 } else { depth };
        let word = first_word(&line.code);
        let continues = first != '{'
            && first != '}'
            && (paren_depth > 0
                || previous_code.as_deref().is_some_and(ends_with_continuation)
                || CONTINUATIONS.contains(&word)
                || (depth == 0 && TOP_CONTINUATIONS.contains(&word)));
        let indent = 2 * level.max(0) as usize + if continues { 2 } else { 0 };
        let mut code = line.code.clone();
        if let Some(comment) = &line.comment {
            code.push(' ');
            code.push_str(comment);
        }
        lines.push(Out::Code(indent, code));
        previous_code = Some(line.code);
    }
    // A comment alone on its line is indented like the code it precedes
    // (a header's continuation), or deeper where it closes a block.
    let mut next_indent = 0;
    for line in lines.iter_mut().rev() {
        match line {
            Out::Code(indent, _) => next_indent = *indent,
            Out::Comment(indent, _) => *indent = (*indent).max(next_indent),
            Out::Verbatim(_) => next_indent = 0,
            Out::Blank => {}
        }
    }
    let mut out = String::with_capacity(text.len());
    let mut blank = false;
    for line in lines {
        let (indent, text) = match line {
            Out::Blank => {
                blank = true;
                continue;
            }
            Out::Verbatim(text) => (0, text),
            Out::Comment(indent, text) | Out::Code(indent, text) => (indent, text),
        };
        if blank && !out.is_empty() {
            out.push('\n');
        }
        blank = false;
        out.push_str(&" ".repeat(indent));
        out.push_str(&text);
        out.push('\n');
    }
    out
}

/// The tree of a file without positions: what formatting must keep.
fn meaning(file: &File) -> serde_json::Value {
    crate::diff::normalized(&file.kind)
}

/// Formats a Charter file: its canonical layout, checked to parse to the
/// same tree as `text`.
pub fn format(text: &str) -> Result<String, FormatError> {
    let before = charter_grammar::parse(text).file.ok_or(FormatError::DoesNotParse)?;
    let formatted = layout(text);
    let after = charter_grammar::parse(&formatted)
        .file
        .ok_or(FormatError::ChangesMeaning)?;
    if meaning(&before) == meaning(&after) {
        Ok(formatted)
    } else {
        Err(FormatError::ChangesMeaning)
    }
}

#[cfg(test)]
#[expect(clippy::expect_used, reason = "a test fails on a file that does not format")]
mod tests {
    use super::*;

    #[test]
    fn whitespace_becomes_canonical_and_comments_and_strings_stay() {
        let text = "charter \"T\"\n    ref   \"R/1\"\n adopted 2013-06-05\n\n\n\
                    state  AAA \"A  land\"   sort \"A\"   // two  spaces kept\n\
                    § 1 x\n      quote \"q\"\n{\n members AAA from 2013-06-05\n rule r(): bool =\n true\n}\n\n";
        let formatted = format(text).expect("formats");
        assert_eq!(
            formatted,
            "charter \"T\"\n  ref \"R/1\"\n  adopted 2013-06-05\n\n\
             state AAA \"A  land\" sort \"A\" // two  spaces kept\n\
             § 1 x\n  quote \"q\"\n{\n  members AAA from 2013-06-05\n  rule r(): bool =\n    true\n}\n"
        );
        assert_eq!(format(&formatted).expect("formats"), formatted, "idempotent");
    }

    #[test]
    fn a_string_over_lines_keeps_every_character() {
        // F9: a line of a string holding only spaces or a tab, spaces at
        // the end of a string's line, and a CRLF inside a string are the
        // string's; CRLF outside strings becomes LF.
        for inside in ["A\n \nB", "A\n\t\nB", "A  \nB", "A\r\nB", "A\n\u{b}\n\nB"] {
            let text = format!("charter \"{inside}\"\r\n  adopted 2013-06-05\r\n");
            let formatted = format(&text).expect("formats");
            assert_eq!(
                formatted,
                format!("charter \"{inside}\"\n  adopted 2013-06-05\n"),
                "{inside:?}"
            );
            assert_eq!(format(&formatted).expect("formats"), formatted, "idempotent");
        }
    }

    #[test]
    fn tokens_get_canonical_spaces() {
        let text = "charter \"T\"\n  ref \"R/1\"\n  adopted 2013-06-05\n\n\
                    state KAZ \"K\" sort \"K\"\nstate KGZ \"G\" sort \"G\"\nstate TJK \"T\" sort \"T\"\n\
                    §3 x quote \"q\" {\n\
                    members   KAZ,KGZ ,  TJK from 2013-06-05\n\
                    decisions by majority 2 / 3 of members present quorum 1/2\n\
                    rule r(m:meeting):bool = m.kind==ministerial and chair( m.date )!=none\n\
                    rule n(d : date) : int = if count( members(d) )>2 then -1 else - 2\n\
                    rule s(): set < party > = {  KAZ ,KGZ }\n\
                    rule q(d: date): bool = KAZ in(members(d))\n\
                    test \"t\" {\n let m = meeting{kind: ministerial,date: 2014-01-01, present: {KAZ}}\n assert r(m)\n }\n}\n";
        let formatted = format(text).expect("formats");
        for line in [
            "§ 3 x quote \"q\" {",
            "  members KAZ, KGZ, TJK from 2013-06-05",
            "  decisions by majority 2/3 of members present quorum 1/2",
            "  rule r(m: meeting): bool = m.kind == ministerial and chair(m.date) != none",
            "  rule n(d: date): int = if count(members(d)) > 2 then -1 else -2",
            "  rule s(): set<party> = {KAZ, KGZ}",
            "  rule q(d: date): bool = KAZ in (members(d))",
            "    let m = meeting { kind: ministerial, date: 2014-01-01, present: {KAZ} }",
        ] {
            assert!(
                formatted.contains(&format!("{line}\n")),
                "`{line}` not in:\n{formatted}"
            );
        }
        assert_eq!(format(&formatted).expect("formats"), formatted, "idempotent");
    }

    /// The text of a policy whose body is `body`, over parties P00..P59.
    fn policy(body: &str) -> String {
        let mut text = String::from("charter \"T\"\n  ref \"R/1\"\n  adopted 2013-06-05\n\n");
        for n in 0..60 {
            text.push_str(&format!("state P{n:02} \"P{n:02}\" sort \"P{n:02}\"\n"));
        }
        text.push_str(&format!("§ 1 x quote \"q\" {{\n{body}}}\n"));
        text
    }

    #[test]
    fn long_lines_wrap_one_item_per_line() {
        let parties: Vec<String> = (0..60).map(|n| format!("P{n:02}")).collect();
        let body = format!(
            "members {} from 2013-06-05\n\
             rule r(d: date): bool = P01 in members(d) and P02 in members(d) and P03 in members(d) and P04 in members(d)\n\
             test \"t\" {{\n    let m = meeting {{ kind: ministerial, date: 2014-01-01, present: {{{}}} }} // kept\n    assert r(m.date)\n  }}\n",
            parties.join(", "),
            parties.get(..20).map(|p| p.join(", ")).unwrap_or_default(),
        );
        let formatted = format(&policy(&body)).expect("formats");
        assert!(
            formatted.contains("  members P00,\n    P01,\n    P02,\n"),
            "{formatted}"
        );
        assert!(formatted.contains("    P59 from 2013-06-05\n"), "{formatted}");
        assert!(
            formatted.contains(
                "  rule r(d: date): bool = P01 in members(d) and\n    P02 in members(d) and\n    P03 in members(d) and\n    P04 in members(d)\n"
            ),
            "{formatted}"
        );
        // A record's fields, then the set inside (still too wide), one per
        // line; the comment stays at the end of what it followed.
        assert!(
            formatted.contains("    let m = meeting { kind: ministerial,\n"),
            "{formatted}"
        );
        assert!(formatted.contains("        present: {P00,\n"), "{formatted}");
        assert!(formatted.contains("          P19} } // kept\n"), "{formatted}");
        for line in formatted.lines() {
            assert!(line.chars().count() <= WIDTH, "too wide: {line}");
        }
        assert_eq!(format(&formatted).expect("formats"), formatted, "idempotent");
    }

    #[test]
    fn lines_that_cannot_break_as_a_list_stay() {
        // `and` in a date window and in `and others` is no operator; call
        // arguments in two lists are not one list; a long string cannot
        // break.
        let history = format!(
            "history for \"T\"\n\nsnapshot between 2013-01-01 and 2014-01-01 members P00 and others source \"{}\"\n",
            "x".repeat(120)
        );
        assert_eq!(format(&history).expect("formats"), history);
        let body = "  rule r(d: date): int = count({p in members(d, 2013-06-05, 2013-06-05) | p in members(d, 2013-06-05, 2013-06-05)})\n";
        assert!(body.len() > WIDTH);
        let text = policy(body);
        assert_eq!(layout(&text), text);
    }

    #[test]
    fn a_file_that_does_not_parse_is_refused() {
        assert_eq!(format("charter \"T\" {"), Err(FormatError::DoesNotParse));
    }
}
