//! Source text -> the first place it nests too deeply, if any. The parser
//! recurses once per nested bracket, `if` and quantifier, and later stages
//! once per level of an expression tree, so both are bounded here, before
//! pest runs, with a diagnostic instead of a stack overflow.

use crate::ast::Span;

/// The deepest nesting of brackets (`(`, `[`, `{`) plus the `if`s and
/// quantifiers (`all`, `any`) of one expression that the parser accepts.
pub const MAX_NESTING: usize = 64;

/// The most operators on one path from an expression's root to a leaf
/// (a chain of 200 `and`s is 199 deep). Every stage that walks an
/// expression recurses at most this far.
pub const MAX_EXPR_DEPTH: usize = 128;

/// The first place `source` nests deeper than [`MAX_NESTING`]: brackets,
/// and the `if`s and quantifiers since the innermost bracket opened (counted
/// from the start of the statement: `rule`, `assert` and `test` start
/// anew). A cheap over-estimate of the parser's recursion, taken on tokens
/// with strings and comments skipped.
pub fn check_nesting(source: &str) -> Option<Span> {
    first_too_deep(source, MAX_NESTING)
}

/// Where `source` first nests deeper than `limit`, as [`check_nesting`]
/// counts: one pass, strings and comments skipped by `memchr`.
fn first_too_deep(source: &str, limit: usize) -> Option<Span> {
    // One entry per open bracket: the `if`s and quantifiers counted inside
    // it so far. The bottom entry is the top level. `depth` is the brackets
    // open plus every count on the stack, kept as they change.
    let mut open: Vec<usize> = vec![0];
    let mut depth = 0usize;
    let bytes = source.as_bytes();
    let mut i = 0;
    while let Some(&byte) = bytes.get(i) {
        match byte {
            b'/' if bytes.get(i + 1) == Some(&b'/') => {
                // To the line's end, or the text's.
                i = bytes
                    .get(i..)
                    .and_then(|rest| memchr::memchr(b'\n', rest))
                    .map_or(bytes.len(), |k| i + k);
                continue;
            }
            b'"' => {
                i += 1;
                // To the closing quote, stepping over escapes; an
                // unclosed string runs to the end, where nothing is deep.
                loop {
                    let k = memchr::memchr2(b'"', b'\\', bytes.get(i..)?)?;
                    let quote = bytes.get(i + k) == Some(&b'"');
                    i += k + if quote { 1 } else { 2 };
                    if quote {
                        break;
                    }
                }
                continue;
            }
            b'(' | b'[' | b'{' => {
                open.push(0);
                depth += 1;
            }
            b')' | b']' | b'}' if open.len() > 1 => {
                if let Some(count) = open.pop() {
                    depth -= 1 + count;
                }
            }
            b if b.is_ascii_alphabetic() || b == b'_' => {
                let start = i;
                // To the word's end, or the text's.
                i = bytes
                    .iter()
                    .skip(start)
                    .position(|b| !(b.is_ascii_alphanumeric() || *b == b'_'))
                    .map_or(bytes.len(), |k| start + k);
                if let (Some(count), Some(word)) = (open.last_mut(), bytes.get(start..i)) {
                    if matches!(word, b"if" | b"all" | b"any") {
                        *count += 1;
                        depth += 1;
                    } else if matches!(word, b"rule" | b"assert" | b"test") {
                        depth -= *count;
                        *count = 0;
                    }
                }
                if depth > limit {
                    return Some(Span::new(start, i));
                }
                continue;
            }
            // Any other byte opens and closes nothing.
            _ => {}
        }
        if depth > limit {
            return Some(Span::new(i, i + 1));
        }
        i += 1;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn brackets_beyond_the_limit_are_reported_where_they_pass_it() {
        let ok = format!("{}x{}", "(".repeat(MAX_NESTING), ")".repeat(MAX_NESTING));
        assert!(check_nesting(&ok).is_none());
        let deep = format!("{}x{}", "(".repeat(MAX_NESTING + 1), ")".repeat(MAX_NESTING + 1));
        let d = check_nesting(&deep);
        assert_eq!(d, Some(Span::new(MAX_NESTING, MAX_NESTING + 1)));
    }

    #[test]
    fn strings_and_comments_do_not_count_and_rules_start_anew() {
        let text = format!("\"{}\" // {}\n", "(".repeat(100), "(".repeat(100));
        assert!(check_nesting(&text).is_none());
        let rules = "rule r(): int = if true then 1 else 0\n".repeat(MAX_NESTING * 2);
        assert!(check_nesting(&format!("{{ {rules} }}")).is_none());
        let ifs = format!(
            "rule r(): int = {}1{}",
            "if true then ".repeat(MAX_NESTING + 1),
            " else 0".repeat(MAX_NESTING + 1)
        );
        assert!(check_nesting(&ifs).is_some());
    }

    /// The first version of the scan: a byte at a time, the depth summed
    /// over the stack at every step.
    fn reference(source: &str, limit: usize) -> Option<Span> {
        let mut open: Vec<usize> = vec![0];
        let depth = |open: &[usize]| open.len() - 1 + open.iter().sum::<usize>();
        let bytes = source.as_bytes();
        let mut i = 0;
        while let Some(&byte) = bytes.get(i) {
            match byte {
                b'/' if bytes.get(i + 1) == Some(&b'/') => {
                    while bytes.get(i).is_some_and(|b| *b != b'\n') {
                        i += 1;
                    }
                    continue;
                }
                b'"' => {
                    i += 1;
                    while let Some(&b) = bytes.get(i) {
                        i += if b == b'\\' { 2 } else { 1 };
                        if b == b'"' {
                            break;
                        }
                    }
                    continue;
                }
                b'(' | b'[' | b'{' => open.push(0),
                b')' | b']' | b'}' if open.len() > 1 => {
                    open.pop();
                }
                b if b.is_ascii_alphabetic() || b == b'_' => {
                    let start = i;
                    while bytes.get(i).is_some_and(|b| b.is_ascii_alphanumeric() || *b == b'_') {
                        i += 1;
                    }
                    if let (Some(count), Some(word)) = (open.last_mut(), source.get(start..i)) {
                        if matches!(word, "if" | "all" | "any") {
                            *count += 1;
                        } else if matches!(word, "rule" | "assert" | "test") {
                            *count = 0;
                        }
                    }
                    if depth(&open) > limit {
                        return Some(Span::new(start, i));
                    }
                    continue;
                }
                _ => {}
            }
            if depth(&open) > limit {
                return Some(Span::new(i, i + 1));
            }
            i += 1;
        }
        None
    }

    #[test]
    fn the_one_pass_scan_agrees_with_the_reference_on_every_short_text() {
        let pieces = ["(", ")", "{", "}", "\"", "\\", "//", "\n", "if ", "all ", "rule ", "x"];
        let mut texts = vec![String::new()];
        let mut checked = 0;
        for _ in 0..5 {
            let mut longer = Vec::new();
            for text in &texts {
                for piece in pieces {
                    let next = format!("{text}{piece}");
                    for limit in 0..4 {
                        assert_eq!(
                            first_too_deep(&next, limit),
                            reference(&next, limit),
                            "{next:?} limit {limit}"
                        );
                    }
                    checked += 1;
                    longer.push(next);
                }
            }
            texts = longer;
        }
        assert_eq!(checked, (1..=5).map(|n| pieces.len().pow(n)).sum::<usize>());
    }
}
