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
//! - runs of spaces and tabs between tokens become one space; a comment
//!   keeps its text, one space after the code before it;
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
        let line = split(raw, &mut in_string, &mut braces, &mut parens);
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
    fn a_file_that_does_not_parse_is_refused() {
        assert_eq!(format("charter \"T\" {"), Err(FormatError::DoesNotParse));
    }
}
