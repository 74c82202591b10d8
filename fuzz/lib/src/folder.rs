//! A folder of files as one fuzz input, and structure-aware edits of it.
//!
//! An input is `FILES [\0\0 EDITS]`. FILES are files separated by one NUL
//! byte, each its name on the first line and its text after; a seed is a
//! real folder (a policy of `policies/`, a case of `tests/cases`) written
//! this way, so libFuzzer's byte mutations work on real text. EDITS (the
//! bytes after the first double NUL, decoded with `arbitrary`) are edits a
//! drafter could make, word by word and line by line: a keyword, a name
//! the folder already uses, an edge date or number put in place of a word,
//! lines deleted, repeated or moved between files. They reach deep into
//! the checker where random bytes stop at the parser.

use arbitrary::{Arbitrary, Unstructured};
use charter_grammar::KEYWORDS;

/// One file: its name in the folder, and its text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct File {
    pub name: String,
    pub text: String,
}

/// The words an edit puts in besides the language's keywords
/// (`charter_grammar::KEYWORDS`): more words, punctuation and snippets.
const OTHER_WORDS: &[&str] = &[
    "withdrawal",
    "on",
    "when",
    "outgoing",
    "stays",
    "vacant",
    "§",
    "{",
    "}",
    "(",
    ")",
    ":",
    ",",
    "=",
    "==",
    "!=",
    "<",
    "<=",
    "+",
    "-",
    "*",
    "|",
    ".",
    "\"\"",
    "\"x\"",
    "//",
    "chair(d)",
    "member(p, d)",
    "valid(d0)",
    "bool",
    "int",
    "date",
    "party",
    "set",
    "and others",
];

/// Dates at the calendar's edges and around its leap days.
const DATES: &[&str] = &[
    "0001-01-01",
    "0001-01-02",
    "9999-12-31",
    "9999-12-30",
    "9999-01-01",
    "2000-02-29",
    "1900-02-28",
    "2024-02-29",
    "2023-02-29",
    "2013-06-05",
    "1970-01-01",
    "1969-12-31",
    "0000-01-01",
    "2013-13-01",
    "2013-00-10",
    "2100-02-28",
];

/// Numbers at the edges of what the language and the calendar allow.
const NUMBERS: &[&str] = &[
    "0",
    "1",
    "2",
    "3",
    "12",
    "99",
    "100",
    "1200",
    "1201",
    "1217",
    "1218",
    "36524",
    "36525",
    "36526",
    "65535",
    "2147483647",
    "2147483648",
    "4294967296",
    "9223372036854775807",
    "9223372036854775808",
    "99999999999999999999",
    "1/2",
    "2/3",
    "0/1",
    "1/0",
    "3/2",
];

/// A word an edit puts in.
#[derive(Debug, Clone, Arbitrary)]
pub enum Word {
    Keyword(u8),
    /// A word the folder already has (a party, a kind, a rule), by index.
    Existing(u16),
    Date(u8),
    Number(u8),
    /// Any date by year, month and day, written as the grammar reads one.
    AnyDate(u16, u8, u8),
}

/// An edit of the folder; indices wrap around what is there.
#[derive(Debug, Clone, Arbitrary)]
pub enum Edit {
    ReplaceWord {
        file: u8,
        nth: u16,
        with: Word,
    },
    InsertWord {
        file: u8,
        nth: u16,
        word: Word,
    },
    DeleteWord {
        file: u8,
        nth: u16,
    },
    DeleteLine {
        file: u8,
        line: u16,
    },
    DuplicateLine {
        file: u8,
        line: u16,
    },
    MoveLine {
        file: u8,
        from: u16,
        to: u16,
    },
    /// A line of one file copied into another (a record into the policy).
    CopyLine {
        from: u8,
        line: u16,
        to: u8,
        at: u16,
    },
    /// A file dropped from the folder.
    DropFile {
        file: u8,
    },
    /// A file's name changed to another file's (two policies, no policy).
    Rename {
        file: u8,
        like: u8,
    },
}

/// The folder an input gives, and the edits after it.
pub fn decode(data: &[u8]) -> (Vec<File>, Vec<Edit>) {
    let (files, edits) = match find(data, b"\0\0") {
        Some(at) => (
            data.get(..at).unwrap_or_default(),
            data.get(at + 2..).unwrap_or_default(),
        ),
        None => (data, &[][..]),
    };
    let files = String::from_utf8_lossy(files);
    let files = files
        .split('\0')
        .filter(|f| !f.is_empty())
        .map(|f| {
            let (name, text) = f.split_once('\n').unwrap_or((f, ""));
            File {
                name: name.to_string(),
                text: text.to_string(),
            }
        })
        .collect();
    let edits = Vec::<Edit>::arbitrary_take_rest(Unstructured::new(edits)).unwrap_or_default();
    (files, edits)
}

/// An input for `files` with no edits (what a seed is).
pub fn encode(files: &[File]) -> Vec<u8> {
    files
        .iter()
        .map(|f| format!("{}\n{}", f.name, f.text))
        .collect::<Vec<_>>()
        .join("\0")
        .into_bytes()
}

/// The folder with `edits` made (an input with edits, materialized: the
/// form a regression is kept in, stable whatever `Edit` becomes).
pub fn apply(files: &[File], edits: &[Edit]) -> Vec<File> {
    let mut files = files.to_vec();
    let existing: Vec<String> = {
        let mut words: Vec<String> = files
            .iter()
            .flat_map(|f| f.text.split(|c: char| !(c.is_alphanumeric() || c == '_')))
            .filter(|w| w.len() > 1 && w.chars().next().is_some_and(char::is_alphabetic))
            .map(str::to_string)
            .collect();
        words.sort();
        words.dedup();
        words
    };
    for edit in edits {
        if files.is_empty() {
            break;
        }
        let n = files.len();
        let pick = |i: u8| usize::from(i) % n;
        match edit {
            Edit::ReplaceWord { file, nth, with } => {
                let f = &mut files[pick(*file)];
                f.text = edit_words(&f.text, *nth, |_| Some(word(with, &existing)));
            }
            Edit::InsertWord { file, nth, word: w } => {
                let f = &mut files[pick(*file)];
                let new = word(w, &existing);
                f.text = edit_words(&f.text, *nth, |old| Some(format!("{new} {old}")));
            }
            Edit::DeleteWord { file, nth } => {
                let f = &mut files[pick(*file)];
                f.text = edit_words(&f.text, *nth, |_| None);
            }
            Edit::DeleteLine { file, line } => edit_lines(&mut files[pick(*file)], |lines| {
                if !lines.is_empty() {
                    let at = usize::from(*line) % lines.len();
                    lines.remove(at);
                }
            }),
            Edit::DuplicateLine { file, line } => edit_lines(&mut files[pick(*file)], |lines| {
                if !lines.is_empty() {
                    let at = usize::from(*line) % lines.len();
                    let copy = lines[at].clone();
                    lines.insert(at, copy);
                }
            }),
            Edit::MoveLine { file, from, to } => edit_lines(&mut files[pick(*file)], |lines| {
                if !lines.is_empty() {
                    let line = lines.remove(usize::from(*from) % lines.len());
                    let at = usize::from(*to) % (lines.len() + 1);
                    lines.insert(at, line);
                }
            }),
            Edit::CopyLine { from, line, to, at } => {
                let source = &files[pick(*from)];
                let lines: Vec<&str> = source.text.lines().collect();
                if let Some(copied) = lines
                    .get(usize::from(*line) % lines.len().max(1))
                    .map(|l| l.to_string())
                {
                    edit_lines(&mut files[pick(*to)], |lines| {
                        let at = usize::from(*at) % (lines.len() + 1);
                        lines.insert(at, copied);
                    });
                }
            }
            Edit::DropFile { file } => {
                files.remove(pick(*file));
            }
            Edit::Rename { file, like } => {
                let name = files[pick(*like)].name.clone();
                files[pick(*file)].name = name;
            }
        }
    }
    files
}

fn word(word: &Word, existing: &[String]) -> String {
    let from = |list: &[&str], i: usize| list.get(i % list.len()).copied().unwrap_or_default().to_string();
    match word {
        Word::Keyword(i) => {
            let i = usize::from(*i) % (KEYWORDS.len() + OTHER_WORDS.len());
            KEYWORDS
                .iter()
                .chain(OTHER_WORDS)
                .nth(i)
                .copied()
                .unwrap_or_default()
                .to_string()
        }
        Word::Existing(i) => existing
            .get(usize::from(*i) % existing.len().max(1))
            .cloned()
            .unwrap_or_else(|| "X".to_string()),
        Word::Date(i) => from(DATES, usize::from(*i)),
        Word::Number(i) => from(NUMBERS, usize::from(*i)),
        Word::AnyDate(y, m, d) => format!("{:04}-{:02}-{:02}", y % 10_000, m % 14, d % 33),
    }
}

/// `text` with its `nth` word (modulo the count; a word is a run of
/// non-blank characters) replaced by what `with` makes of it.
fn edit_words(text: &str, nth: u16, with: impl FnOnce(&str) -> Option<String>) -> String {
    let words: Vec<(usize, usize)> = {
        let mut out = Vec::new();
        let mut start = None;
        for (i, c) in text.char_indices() {
            match (c.is_whitespace(), start) {
                (true, Some(s)) => {
                    out.push((s, i));
                    start = None;
                }
                (false, None) => start = Some(i),
                _ => {}
            }
        }
        if let Some(s) = start {
            out.push((s, text.len()));
        }
        out
    };
    let Some(&(start, end)) = words.get(usize::from(nth) % words.len().max(1)) else {
        return text.to_string();
    };
    let replaced = with(&text[start..end]).unwrap_or_default();
    format!("{}{}{}", &text[..start], replaced, &text[end..])
}

fn edit_lines(file: &mut File, edit: impl FnOnce(&mut Vec<String>)) {
    let mut lines: Vec<String> = file.text.lines().map(str::to_string).collect();
    edit(&mut lines);
    file.text = lines.join("\n");
    file.text.push('\n');
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_folder_round_trips_through_its_encoding() {
        let files = vec![
            File {
                name: "policy.charter".into(),
                text: "charter \"T\"\n".into(),
            },
            File {
                name: "source/text.txt".into(),
                text: "§ 1\nWords.\n".into(),
            },
        ];
        assert_eq!(decode(&encode(&files)).0, files);
    }

    #[test]
    fn edits_change_words_and_lines() {
        let files = vec![File {
            name: "p".into(),
            text: "a b c\nd e\n".into(),
        }];
        let edited = apply(
            &files,
            &[
                Edit::ReplaceWord {
                    file: 0,
                    nth: 1,
                    with: Word::Date(1),
                },
                Edit::DeleteLine { file: 0, line: 1 },
            ],
        );
        assert_eq!(edited[0].text, "a 0001-01-02 c\n");
    }
}
