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
//! - trailing whitespace goes, runs of blank lines become one, and the
//!   file ends with one newline.
//!
//! Lines, comments and strings (even those spanning lines) are kept as
//! written, and line breaks are never added or removed, so the result
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

/// Words that continue the header or record above them, wherever they are.
const CONTINUATIONS: [&str; 6] = ["ref", "adopted", "quote", "renamed", "headings", "covers"];
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

/// For each token, whether it is a brace of a set (`{KAZ, KGZ}`, `{p in S
/// | ...}`): a `{` after an operator or an operator word, and the `}`
/// that closes it. A `{` after a word (`meeting {`) or alone opens a record
/// or a block.
fn set_braces(tokens: &[Token]) -> Vec<bool> {
    let mut marks = vec![false; tokens.len()];
    let mut open: Vec<bool> = Vec::new();
    for (i, token) in tokens.iter().enumerate() {
        match token {
            Token::Punct("{") => {
                let set = match i.checked_sub(1).and_then(|p| tokens.get(p)) {
                    Some(Token::Word(w)) => OPERATOR_WORDS.contains(&w.as_str()),
                    Some(Token::Punct(p)) => *p != ")",
                    Some(Token::Str(_) | Token::Other(_)) | None => false,
                };
                open.push(set);
                if let Some(mark) = marks.get_mut(i) {
                    *mark = set;
                }
            }
            Token::Punct("}") => {
                if let (Some(set), Some(mark)) = (open.pop(), marks.get_mut(i)) {
                    *mark = set;
                }
            }
            Token::Word(_) | Token::Str(_) | Token::Punct(_) | Token::Other(_) => {}
        }
    }
    marks
}

/// The code of a line with canonical spaces between its tokens.
fn respace(code: &str) -> String {
    let tokens = tokens(code);
    let sets = set_braces(&tokens);
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

/// The text laid out canonically, without checking that it parses the same.
pub fn layout(text: &str) -> String {
    let mut lines = Vec::new();
    let (mut in_string, mut braces, mut parens) = (false, 0i64, 0i64);
    let mut previous_code: Option<String> = None;
    for raw in text.lines() {
        let (depth, paren_depth) = (braces.max(0), parens.max(0));
        let mut line = split(raw, &mut in_string, &mut braces, &mut parens);
        if !line.verbatim {
            line.code = respace(&line.code);
        }
        if line.verbatim {
            lines.push(Out::Verbatim(raw.trim_end_matches([' ', '\t', '\r']).to_string()));
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

    #[test]
    fn a_file_that_does_not_parse_is_refused() {
        assert_eq!(format("charter \"T\" {"), Err(FormatError::DoesNotParse));
    }
}
