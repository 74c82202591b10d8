//! `hir::Resolved` + its legal source text -> citation diagnostics and
//! coverage.
//!
//! Every `quote` must appear verbatim in the source (whitespace folded); a
//! quote that does not is shown with the closest passage, so a drafter sees
//! the typo. Every `§` reference must name a clause the source has. The
//! sentences of the source's section 3 are each covered (some block quotes
//! them), marked (quoted by a block that says `non_normative`), or reported.

use serde::Serialize;

use crate::diagnostics::CitationDiagnostic;
use crate::hir::{self, Headings, Spanned};
use crate::package::{Sink, SourceFile};

/// A legal text split into clauses and sentences.
#[derive(Debug, Clone)]
pub struct LegalText {
    /// The whole text, whitespace folded to single spaces.
    pub folded: String,
    /// Clause identifiers present: `1`, `2`, `3`, `3.i`, ...
    pub clauses: Vec<String>,
    /// The sentences of the clauses under coverage (section 3), in order.
    pub sentences: Vec<(String, String)>,
    /// Each clause's text, whitespace folded, its sub-clauses' included
    /// (§ 3's text holds § 3.i's): a quote is credited only to a clause
    /// whose text contains it.
    pub clause_texts: std::collections::BTreeMap<String, String>,
}

/// Folds every run of whitespace to one space and trims.
pub fn fold(text: &str) -> String {
    let mut folded = String::with_capacity(text.len());
    for word in text.split_whitespace() {
        if !folded.is_empty() {
            folded.push(' ');
        }
        folded.push_str(word);
    }
    folded
}

impl LegalText {
    /// Splits a source text into clauses by its headings, and collects the
    /// sentences of the clauses `covers` names (every clause when empty).
    ///
    /// Numbered headings: a line `N. Title ...` opens section N; a line
    /// `iv. Title ...` opens sub-clause N.iv; a line `N text` (a number
    /// without a dot) is a footnote, counted with the clause it is printed
    /// in. Word headings (`Article`, `Rule`, `Section`): a line `Article N
    /// ...` opens clause N; within it a line `(2) ...` or `2. ...` opens
    /// paragraph N.2, and a line `(b) ...` or `(iv) ...` opens point N.2.b
    /// (or N.b where the clause has no paragraphs). Text before the first
    /// heading (a title, a preamble) belongs to no clause.
    pub fn parse(text: &str, headings: Headings, covers: &[String]) -> LegalText {
        let mut clauses: Vec<String> = Vec::new();
        let mut sentences = Vec::new();
        let mut section = String::new();
        let mut paragraph = String::new();
        let mut clause = String::new();
        let mut clause_texts: std::collections::BTreeMap<String, String> = std::collections::BTreeMap::new();
        for line in text.lines().map(str::trim).filter(|l| !l.is_empty()) {
            let opened = match headings {
                Headings::Numbered => numbered_heading(line, &section),
                Headings::Word(word) => word_heading(line, word, &section),
            };
            let mut heading_only = false;
            // The text after a heading on its line (`1. The Presidency ...`):
            // the heading's number is no part of a sentence.
            let mut body = line;
            if let Some(heading) = opened {
                body = heading.rest;
                match heading.level {
                    Level::Section => {
                        section = heading.id.clone();
                        paragraph.clear();
                        clause = section.clone();
                    }
                    Level::Paragraph => {
                        paragraph = format!("{section}.{}", heading.id);
                        clause = paragraph.clone();
                    }
                    Level::Point => {
                        let parent = if paragraph.is_empty() { &section } else { &paragraph };
                        clause = format!("{parent}.{}", heading.id);
                    }
                }
                clauses.push(clause.clone());
                heading_only = !heading.rest.contains(['.', ';', ':']);
            }
            if !section.is_empty() {
                let mut holders = vec![section.as_str()];
                for inner in [paragraph.as_str(), clause.as_str()] {
                    if !inner.is_empty() && !holders.contains(&inner) {
                        holders.push(inner);
                    }
                }
                let folded_line = fold(line);
                for holder in holders {
                    let text = clause_texts.entry(holder.to_string()).or_default();
                    if !text.is_empty() {
                        text.push(' ');
                    }
                    text.push_str(&folded_line);
                }
            }
            let covered = covers.is_empty()
                || covers
                    .iter()
                    .any(|c| clause == *c || clause.strip_prefix(c.as_str()).is_some_and(|r| r.starts_with('.')));
            if !section.is_empty() && covered && !heading_only {
                for sentence in split_sentences(body) {
                    sentences.push((clause.clone(), sentence));
                }
            }
        }
        LegalText {
            folded: fold(text),
            clauses,
            sentences,
            clause_texts,
        }
    }

    /// The passage of the text closest to `quote`, for a "did you mean";
    /// `None` for a quote too long to search for in this text.
    pub fn closest_passage(&self, quote: &str) -> Option<String> {
        let quote: Vec<char> = fold(quote).chars().collect();
        if quote.is_empty() {
            return None;
        }
        let text: Vec<char> = self.folded.chars().collect();
        // Each word start costs one edit distance of the quote's length
        // squared, and the best length another quote.len() of them: past
        // this budget (a quote of some 400 characters against a 10-page
        // text) the hint is not worth it, and a quote of thousands of
        // characters would take hours (issue 29, found by the checker
        // fuzz target).
        let (q, words) = (
            quote.len() as u64,
            text.iter().filter(|c| **c == ' ').count() as u64 + 1,
        );
        if (words + q).saturating_mul(q).saturating_mul(q) > CLOSEST_PASSAGE_BUDGET {
            return None;
        }
        let target: String = quote.iter().collect();
        let window = |start: usize, len: usize| -> String {
            let end = (start + len).min(text.len());
            text.get(start..end).unwrap_or_default().iter().collect()
        };
        // The word where the closest window of the quote's length starts ...
        let starts = std::iter::once(0).chain(text.iter().enumerate().filter(|(_, c)| **c == ' ').map(|(i, _)| i + 1));
        let (_, start) = starts
            .map(|start| (strsim::levenshtein(&window(start, quote.len()), &target), start))
            .min()?;
        // ... then the length, ending on a word boundary, that fits best.
        let shortest = quote.len() * 2 / 3;
        let longest = quote.len() * 3 / 2 + 1;
        (shortest..=longest)
            .filter(|len| matches!(text.get(start + len), None | Some(' ')))
            .map(|len| (strsim::levenshtein(&window(start, len), &target), window(start, len)))
            .min()
            .map(|(_, passage)| passage)
    }
}

/// The most character comparisons a closest-passage hint may cost.
const CLOSEST_PASSAGE_BUDGET: u64 = 400_000_000;

/// What a heading line opens.
enum Level {
    Section,
    Paragraph,
    Point,
}

struct Heading<'l> {
    level: Level,
    /// The number, numeral or letter the clause id takes.
    id: String,
    /// The rest of the line after the heading's marker.
    rest: &'l str,
}

/// `N. ...` (a section) or, within one, `iv. ...` (a sub-clause).
fn numbered_heading<'l>(line: &'l str, section: &str) -> Option<Heading<'l>> {
    let (head, rest) = line.split_once(' ').unwrap_or((line, ""));
    let marker = head.strip_suffix('.')?;
    if !marker.is_empty() && marker.chars().all(|c| c.is_ascii_digit()) {
        return Some(Heading {
            level: Level::Section,
            id: marker.to_string(),
            rest,
        });
    }
    (!marker.is_empty() && !section.is_empty() && marker.chars().all(|c| matches!(c, 'i' | 'v' | 'x'))).then(|| {
        Heading {
            level: Level::Point,
            id: marker.to_string(),
            rest,
        }
    })
}

/// `Article N ...` (or `ARTICLE N`), then within it `(2) ...` or `2. ...`
/// (a paragraph) and `(b) ...` or `(iv) ...` (a point).
fn word_heading<'l>(line: &'l str, word: &str, section: &str) -> Option<Heading<'l>> {
    let (head, after) = line.split_once(' ').unwrap_or((line, ""));
    if head.eq_ignore_ascii_case(word) {
        let after = after.trim_start();
        let digits: String = after.chars().take_while(char::is_ascii_digit).collect();
        if !digits.is_empty() {
            let rest = after.get(digits.len()..).unwrap_or_default();
            return Some(Heading {
                level: Level::Section,
                id: digits,
                rest: rest.trim_start_matches(['.', ':', '-', ' ']),
            });
        }
    }
    if section.is_empty() {
        return None;
    }
    let (marker, rest) = if let Some(inner) = head.strip_prefix('(').and_then(|h| h.strip_suffix(')')) {
        (inner, after)
    } else if let Some(number) = head.strip_suffix('.').filter(|n| n.chars().all(|c| c.is_ascii_digit())) {
        (number, after)
    } else {
        return None;
    };
    if !marker.is_empty() && marker.chars().all(|c| c.is_ascii_digit()) {
        Some(Heading {
            level: Level::Paragraph,
            id: marker.to_string(),
            rest,
        })
    } else if !marker.is_empty() && marker.len() <= 4 && marker.chars().all(|c| c.is_ascii_lowercase()) {
        Some(Heading {
            level: Level::Point,
            id: marker.to_string(),
            rest,
        })
    } else {
        None
    }
}

/// Splits a paragraph into sentences: at a word ending in `.` or `;`
/// before a word starting with a capital letter, and at an ellipsis
/// marking words left out (`[...]`, `[…]`, `…` standing alone), which is
/// dropped, so that a quote of the words on one side never covers the
/// other. A colon does not end a sentence (`The Chair will: Convene ...`
/// is one). Pieces of one or two words (headings such as `Funding.`) join
/// the sentence after them.
fn split_sentences(paragraph: &str) -> Vec<String> {
    let folded = fold(paragraph);
    let mut out: Vec<String> = Vec::new();
    // A heading carried to the front of the next sentence.
    let mut current = String::new();
    // The words of the sentence so far.
    let mut piece: Vec<&str> = Vec::new();
    let mut words = folded.split(' ').filter(|w| !w.is_empty()).peekable();
    while let Some(word) = words.next() {
        if matches!(word, "[...]" | "[…]" | "…" | "(...)" | "(…)") {
            push_sentence(&mut out, &mut current, &piece.join(" "));
            piece.clear();
            continue;
        }
        piece.push(word);
        let boundary = word.ends_with(['.', ';'])
            && words
                .peek()
                .and_then(|next| next.chars().next())
                .is_some_and(char::is_uppercase);
        if boundary {
            push_sentence(&mut out, &mut current, &piece.join(" "));
            piece.clear();
        }
    }
    push_sentence(&mut out, &mut current, &piece.join(" "));
    out
}

/// Ends a sentence at `piece` (after any heading carried in `current`).
fn push_sentence(out: &mut Vec<String>, current: &mut String, piece: &str) {
    current.push_str(piece);
    let sentence = fold(current);
    current.clear();
    if sentence.is_empty() {
        return;
    }
    let is_heading = sentence.split_whitespace().nth(2).is_none();
    if is_heading {
        current.push_str(&sentence);
        current.push(' ');
    } else {
        out.push(sentence);
    }
}

/// Whether each sentence of the covered section is encoded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Coverage {
    pub policy: String,
    pub source: String,
    /// The clauses coverage counts (`covers ...`); every clause when empty.
    pub covers: Vec<String>,
    pub sentences: Vec<SentenceCoverage>,
}

impl Coverage {
    /// What coverage counts over, for a sentence: `§ 3 of `x.txt``, or
    /// `` `x.txt` `` for the whole text.
    pub fn scope(&self) -> String {
        if self.covers.is_empty() {
            format!("`{}`", self.source)
        } else {
            let clauses: Vec<String> = self.covers.iter().map(|c| format!("§ {c}")).collect();
            format!("{} of `{}`", clauses.join(", "), self.source)
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SentenceCoverage {
    pub clause: String,
    pub text: String,
    #[serde(flatten)]
    pub state: CoverageState,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum CoverageState {
    /// Quoted by a block that encodes it (`§` of that block).
    Covered {
        by: String,
    },
    /// Quoted by a block that marks it non-normative, with the reason.
    Marked {
        reason: String,
    },
    NotCovered,
}

impl Coverage {
    pub fn counts(&self) -> (usize, usize, usize) {
        let count = |f: fn(&CoverageState) -> bool| self.sentences.iter().filter(|s| f(&s.state)).count();
        (
            count(|s| matches!(s, CoverageState::Covered { .. })),
            count(|s| matches!(s, CoverageState::Marked { .. })),
            count(|s| matches!(s, CoverageState::NotCovered)),
        )
    }
}

/// A policy's `source` path read as a path inside the policy's folder:
/// `./` and `a/../` folded away, `\` read as `/`. An absolute path (or a
/// drive such as `C:`) or a `..` that leaves the folder is refused, with
/// how it leaves: a policy reads its legal text only from its own folder
/// and the folders below it, so no diagnostic can quote another file.
pub fn confined(source: &str) -> Result<String, &'static str> {
    let path = source.replace('\\', "/");
    let drive = path.split('/').next().is_some_and(|first| first.ends_with(':'));
    if path.starts_with('/') || drive {
        return Err("an absolute path");
    }
    let mut parts: Vec<&str> = Vec::new();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                if parts.pop().is_none() {
                    return Err("`..` leads out of the policy's folder");
                }
            }
            part => parts.push(part),
        }
    }
    Ok(parts.join("/"))
}

/// A file's name with `\` read as `/` and `.` and `a/..` folded away
/// (a leading `..` is kept): two names of one file compare equal.
pub fn normalized(name: &str) -> String {
    let name = name.replace('\\', "/");
    let mut parts: Vec<&str> = Vec::new();
    for part in name.split('/') {
        match part {
            "" | "." => {}
            ".." => match parts.last() {
                Some(&last) if last != ".." => {
                    parts.pop();
                }
                Some(_) | None => parts.push(".."),
            },
            part => parts.push(part),
        }
    }
    let joined = parts.join("/");
    if name.starts_with('/') {
        format!("/{joined}")
    } else {
        joined
    }
}

/// The name the legal text a policy names is loaded under: the policy's
/// folder (the folder of its file's name) joined with the source path
/// (already [`confined`]), normalized.
pub fn legal_text_name(policy_name: &str, relative: &str) -> String {
    let policy = normalized(policy_name);
    match policy.rsplit_once('/') {
        Some((folder, _)) if !folder.is_empty() => format!("{folder}/{relative}"),
        Some(_) => format!("/{relative}"),
        None => relative.to_string(),
    }
}

/// The loaded file holding the source text a policy names: the one in the
/// policy's own folder at the (confined) path the header gives.
fn find_source<'f>(policy_name: &str, relative: &str, files: &'f [SourceFile]) -> Option<&'f SourceFile> {
    let wanted = legal_text_name(policy_name, relative);
    files.iter().find(|f| normalized(&f.name) == wanted)
}

/// What the citation check reads of a resolved package, owned, so that it
/// can run on another thread while the package goes on to be checked.
#[derive(Debug, Clone)]
pub struct Input {
    pub policy_file: crate::package::FileId,
    pub title: String,
    pub source: Option<Spanned<String>>,
    pub headings: Headings,
    pub covers: Vec<String>,
    pub blocks: Vec<hir::Block>,
}

impl Input {
    pub fn of(package: &hir::Resolved) -> Input {
        Input {
            policy_file: package.policy_file,
            title: package.title.clone(),
            source: package.source.clone(),
            headings: package.headings,
            covers: package.covers.clone(),
            blocks: package.blocks.clone(),
        }
    }
}

/// Checks quotes and clause references against the source, and computes
/// coverage. Returns `None` when the policy names no source.
pub fn check(package: &Input, files: &[SourceFile], sink: &mut Sink) -> Option<Coverage> {
    let named = package.source.as_ref()?;
    let outside = |sink: &mut Sink, why: &str| {
        sink.push(
            package.policy_file,
            CitationDiagnostic::SourceOutsidePolicy {
                path: named.node.clone(),
                span: named.span,
                why: why.to_string(),
            },
        );
    };
    let relative = match confined(&named.node) {
        Ok(relative) => relative,
        Err(why) => {
            outside(sink, why);
            return None;
        }
    };
    let policy_name = files.get(package.policy_file).map_or("", |f| f.name.as_str());
    let source_file = match find_source(policy_name, &relative, files) {
        // Its text was never read: nothing of it may be shown.
        Some(found) if found.kind == crate::package::SourceKind::OutsideFolder => {
            outside(sink, "a symlink that leads out of the policy's folder");
            return None;
        }
        Some(found) => found,
        None => {
            sink.push(
                package.policy_file,
                CitationDiagnostic::MissingSource {
                    path: named.node.clone(),
                    span: named.span,
                },
            );
            return None;
        }
    };
    let legal = LegalText::parse(&source_file.text, package.headings, &package.covers);
    // An amendment quotes its own new text, not the original source.
    let blocks: Vec<&hir::Block> = package
        .blocks
        .iter()
        .filter(|b| b.file == package.policy_file)
        .collect();
    // Every quote found in the source, by one automaton over the quotes.
    let all_quotes: std::collections::BTreeSet<String> = blocks
        .iter()
        .flat_map(|b| b.quotes.iter().map(|q| fold(&q.node)))
        .filter(|q| !q.is_empty())
        .collect();
    let all_quotes: Vec<&str> = all_quotes.iter().map(String::as_str).collect();
    let found: std::collections::BTreeSet<&str> =
        match (all_quotes.len() > FEW).then(|| automaton(&all_quotes)).flatten() {
            Some(automaton) => automaton
                .find_overlapping_iter(legal.folded.as_str())
                .filter_map(|m| all_quotes.get(m.pattern().as_usize()).copied())
                .collect(),
            // A few quotes are found faster one by one (building an automaton
            // costs more than a few searches).
            None => all_quotes
                .iter()
                .copied()
                .filter(|q| memchr::memmem::find(legal.folded.as_bytes(), q.as_bytes()).is_some())
                .collect(),
        };
    for block in &blocks {
        let clause = &block.clause;
        if !legal.clauses.iter().any(|c| c == &clause.node) {
            let help = match crate::suggest::did_you_mean(&clause.node, legal.clauses.iter().map(String::as_str)) {
                Some(near) => format!(
                    "did you mean `§ {near}`? the source's clauses are {}",
                    legal.clauses.join(", ")
                ),
                None => format!("the source's clauses are {}", legal.clauses.join(", ")),
            };
            sink.push(
                block.file,
                CitationDiagnostic::UnknownClause {
                    clause: clause.node.clone(),
                    span: clause.span,
                    help,
                },
            );
        }
        let clause_text = legal.clause_texts.get(&clause.node);
        for quote in &block.quotes {
            let folded = fold(&quote.node);
            if folded.is_empty() {
                continue;
            }
            if found.contains(folded.as_str()) {
                // In the source, but in this block's clause? (A clause the
                // source does not have is reported above.)
                if clause_text.is_some_and(|t| !t.contains(folded.as_str())) {
                    // The most specific clause that holds it, if one does.
                    let holder = legal
                        .clause_texts
                        .iter()
                        .filter(|(_, t)| t.contains(folded.as_str()))
                        .max_by_key(|(id, _)| id.len())
                        .map(|(id, _)| id.clone());
                    sink.push(
                        block.file,
                        CitationDiagnostic::QuoteInAnotherClause {
                            clause: clause.node.clone(),
                            span: quote.span,
                            help: match holder {
                                Some(holder) => format!(
                                    "the passage is in § {holder} of the source: quote it in a `§ {holder}` block, or quote the words of § {} this block encodes",
                                    clause.node
                                ),
                                None => format!(
                                    "the passage runs across clauses of the source: quote the words of § {} this block encodes",
                                    clause.node
                                ),
                            },
                        },
                    );
                }
                continue;
            }
            let help = legal
                .closest_passage(&quote.node)
                .map(|passage| format!("the closest passage of `{}` reads:\n\"{passage}\"", named.node));
            sink.push(
                block.file,
                CitationDiagnostic::QuoteNotInSource { span: quote.span, help },
            );
        }
    }
    // Each block of the policy with its quotes folded once.
    let folded_blocks: Vec<(&hir::Block, Vec<String>)> = blocks
        .iter()
        .map(|b| {
            (
                *b,
                b.quotes
                    .iter()
                    .map(|q| fold(&q.node))
                    .filter(|q| !q.is_empty())
                    .collect(),
            )
        })
        .collect();
    // Which blocks quote each sentence: a quote within the sentence, or the
    // sentence within a quote. One automaton over the quotes and one over
    // the sentences find both in time linear in the texts (and the matches).
    let quoting = quoting_blocks(&folded_blocks, &legal.sentences);
    let sentences = legal
        .sentences
        .iter()
        .zip(quoting)
        .map(|((clause, text), quoting)| {
            let marked = quoting.iter().find_map(|b| b.non_normative.clone());
            let state = match (marked, quoting.iter().find(|b| b.non_normative.is_none())) {
                (_, Some(block)) => CoverageState::Covered {
                    by: format!("§ {}", block.clause.node),
                },
                (Some(reason), None) => CoverageState::Marked { reason },
                (None, None) => CoverageState::NotCovered,
            };
            SentenceCoverage {
                clause: clause.clone(),
                text: text.clone(),
                state,
            }
        })
        .collect::<Vec<_>>();
    for sentence in &sentences {
        if sentence.state == CoverageState::NotCovered {
            sink.push(
                package.policy_file,
                CitationDiagnostic::UncoveredSentence {
                    clause: sentence.clause.clone(),
                    sentence: sentence.text.clone(),
                    span: named.span,
                },
            );
        }
    }
    Some(Coverage {
        policy: package.title.clone(),
        source: named.node.clone(),
        covers: package.covers.clone(),
        sentences,
    })
}

/// For each sentence, the blocks with a quote that overlaps it (the quote
/// within the sentence, or the sentence within the quote), in block order.
fn quoting_blocks<'b>(
    blocks: &[(&'b hir::Block, Vec<String>)],
    sentences: &[(String, String)],
) -> Vec<Vec<&'b hir::Block>> {
    use std::collections::{BTreeMap, BTreeSet};
    let mut hits: Vec<BTreeSet<usize>> = vec![BTreeSet::new(); sentences.len()];
    // Each distinct quote with the blocks that quote it, and each distinct
    // sentence with where it stands.
    let mut quotes: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for (b, (_, qs)) in blocks.iter().enumerate() {
        for q in qs {
            quotes.entry(q.as_str()).or_default().push(b);
        }
    }
    let mut texts: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for (s, (_, text)) in sentences.iter().enumerate() {
        texts.entry(text.as_str()).or_default().push(s);
    }
    let quotes: Vec<(&str, Vec<usize>)> = quotes.into_iter().collect();
    let texts: Vec<(&str, Vec<usize>)> = texts.into_iter().filter(|(t, _)| !t.is_empty()).collect();
    if quotes.len().saturating_mul(texts.len()) <= FEW * FEW * 4 {
        // Few enough pairs to compare each, the shorter of a pair sought
        // within the longer. Most pairs are told apart by their 4-byte
        // grams alone (the shorter's must all be among the longer's), so
        // only the rest are searched.
        let quote_grams: Vec<Grams> = quotes.iter().map(|(q, _)| Grams::of(q)).collect();
        let text_grams: Vec<Grams> = texts.iter().map(|(t, _)| Grams::of(t)).collect();
        for ((quote, by), quote_grams) in quotes.iter().zip(&quote_grams) {
            for ((text, at), text_grams) in texts.iter().zip(&text_grams) {
                let within = match text.len().cmp(&quote.len()) {
                    std::cmp::Ordering::Less => {
                        text_grams.within(quote_grams)
                            && memchr::memmem::find(quote.as_bytes(), text.as_bytes()).is_some()
                    }
                    std::cmp::Ordering::Equal => text == quote,
                    std::cmp::Ordering::Greater => {
                        quote_grams.within(text_grams)
                            && memchr::memmem::find(text.as_bytes(), quote.as_bytes()).is_some()
                    }
                };
                if within {
                    for s in at {
                        if let Some(set) = hits.get_mut(*s) {
                            set.extend(by.iter().copied());
                        }
                    }
                }
            }
        }
        return hits
            .into_iter()
            .map(|set| {
                set.into_iter()
                    .filter_map(|b| blocks.get(b).map(|(block, _)| *block))
                    .collect()
            })
            .collect();
    }
    let mut mark = |sentence_group: &[usize], block_group: &[usize]| {
        for s in sentence_group {
            if let Some(set) = hits.get_mut(*s) {
                set.extend(block_group.iter().copied());
            }
        }
    };
    if let Some(automaton) = automaton(quotes.iter().map(|(q, _)| *q)) {
        for (text, at) in &texts {
            for found in automaton.find_overlapping_iter(*text) {
                if let Some((_, by)) = quotes.get(found.pattern().as_usize()) {
                    mark(at, by);
                }
            }
        }
    }
    if let Some(automaton) = automaton(texts.iter().map(|(t, _)| *t)) {
        for (quote, by) in &quotes {
            for found in automaton.find_overlapping_iter(*quote) {
                if let Some((_, at)) = texts.get(found.pattern().as_usize()) {
                    mark(at, by);
                }
            }
        }
    }
    hits.into_iter()
        .map(|set| {
            set.into_iter()
                .filter_map(|b| blocks.get(b).map(|(block, _)| *block))
                .collect()
        })
        .collect()
}

/// The 4-byte substrings of a text, hashed into 1,024 bits: if a text is
/// within another, every bit of its set is set in the other's (a text
/// shorter than 4 bytes sets none, and so is within anything here).
struct Grams([u64; 16]);

impl Grams {
    fn of(text: &str) -> Grams {
        let mut bits = [0u64; 16];
        for gram in text.as_bytes().windows(4) {
            let Ok(gram) = <[u8; 4]>::try_from(gram) else {
                continue;
            };
            let word = u32::from_le_bytes(gram);
            let bit = (word.wrapping_mul(0x9E37_79B1) >> 22) as usize;
            if let Some(slot) = bits.get_mut(bit / 64) {
                *slot |= 1 << (bit % 64);
            }
        }
        Grams(bits)
    }

    /// Whether every gram of `self` may be among `other`'s.
    fn within(&self, other: &Grams) -> bool {
        self.0.iter().zip(&other.0).all(|(mine, theirs)| mine & !theirs == 0)
    }
}

/// Up to this many quotes are searched one by one, and up to `4 * FEW^2`
/// quote-sentence pairs compared one by one: below that, building an
/// automaton costs more than it saves.
const FEW: usize = 64;

/// An automaton over `patterns`, as a non-contiguous NFA: built in time
/// linear in the patterns (a DFA would search a little faster but take far
/// longer to build than a check spends searching). `None` if it cannot be
/// built (it can for any text Charter reads).
fn automaton<I, P>(patterns: I) -> Option<aho_corasick::AhoCorasick>
where
    I: IntoIterator<Item = P>,
    P: AsRef<[u8]>,
{
    aho_corasick::AhoCorasick::builder()
        .kind(Some(aho_corasick::AhoCorasickKind::NoncontiguousNFA))
        .build(patterns)
        .ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The first version of the sentence split: a character at a time.
    fn reference_split(paragraph: &str) -> Vec<String> {
        fn push(out: &mut Vec<String>, current: &mut String) {
            let sentence = current.split_whitespace().collect::<Vec<_>>().join(" ");
            current.clear();
            if sentence.is_empty() {
                return;
            }
            if sentence.split_whitespace().count() <= 2 {
                current.push_str(&sentence);
                current.push(' ');
            } else {
                out.push(sentence);
            }
        }
        let chars: Vec<char> = paragraph
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
            .chars()
            .collect();
        let mut out = Vec::new();
        let mut current = String::new();
        for (i, c) in chars.iter().enumerate() {
            current.push(*c);
            // An ellipsis standing alone ends the sentence before it and
            // is dropped.
            for marker in ["[...]", "[…]", "…", "(...)", "(…)"] {
                let standing_alone = chars.get(i + 1).is_none_or(|n| *n == ' ');
                if standing_alone && current.ends_with(marker) {
                    let before = current.len() - marker.len();
                    if before == 0 || current[..before].ends_with(' ') {
                        current.truncate(before);
                        push(&mut out, &mut current);
                    }
                }
            }
            if matches!(c, '.' | ';')
                && chars.get(i + 1) == Some(&' ')
                && chars.get(i + 2).is_some_and(|n| n.is_uppercase())
            {
                push(&mut out, &mut current);
            }
        }
        push(&mut out, &mut current);
        out
    }

    #[test]
    fn a_source_path_stays_in_the_policys_folder() {
        assert_eq!(confined("source/text.txt"), Ok("source/text.txt".to_string()));
        assert_eq!(confined("./source//./text.txt"), Ok("source/text.txt".to_string()));
        assert_eq!(confined("source/../text.txt"), Ok("text.txt".to_string()));
        assert_eq!(confined("source\\text.txt"), Ok("source/text.txt".to_string()));
        for outside in ["../text.txt", "source/../../text.txt", "a/b/../../.."] {
            assert_eq!(
                confined(outside),
                Err("`..` leads out of the policy's folder"),
                "{outside}"
            );
        }
        for absolute in ["/etc/passwd", "\\server\\share\\x", "C:\\x.txt"] {
            assert_eq!(confined(absolute), Err("an absolute path"), "{absolute}");
        }
    }

    #[test]
    fn a_legal_text_is_named_in_its_policys_folder() {
        assert_eq!(legal_text_name("p/policy.charter", "source/t.txt"), "p/source/t.txt");
        assert_eq!(legal_text_name("./p/./policy.charter", "t.txt"), "p/t.txt");
        assert_eq!(legal_text_name("../up/policy.charter", "t.txt"), "../up/t.txt");
        assert_eq!(legal_text_name("/abs/p/policy.charter", "t.txt"), "/abs/p/t.txt");
        assert_eq!(legal_text_name("/policy.charter", "t.txt"), "/t.txt");
        assert_eq!(legal_text_name("policy.charter", "t.txt"), "t.txt");
        assert_eq!(normalized("a\\b/../c"), "a/c");
        assert_eq!(normalized("../../a/./b"), "../../a/b");
    }

    #[test]
    fn an_ellipsis_ends_a_sentence_and_a_colon_does_not() {
        assert_eq!(
            split_sentences("Germany handed over the chair on April 17 [...] The duration is one year."),
            ["Germany handed over the chair on April 17", "The duration is one year."]
        );
        assert_eq!(
            split_sentences("The Chair will: Convene the meetings. It then reports … to all the members"),
            [
                "The Chair will: Convene the meetings.",
                "It then reports",
                "to all the members"
            ]
        );
    }

    #[test]
    fn sentences_split_as_a_character_by_character_reading_does() {
        let texts = [
            include_str!("../../policies/almaty/source/operating-modalities-2013.txt"),
            include_str!("../../policies/bali/source/bali-process-excerpt.txt"),
            include_str!("../../policies/colombo-plan/source/colombo-plan-excerpt.txt"),
            include_str!("../../policies/khartoum/source/khartoum-process-excerpt.txt"),
            include_str!("../../policies/puebla/source/rcm-excerpt.txt"),
            "Funding: The members pay. Chair: Ésta rige; Él firma: Ok.  \u{a0} A b.",
            "Germany handed over the chair on April 17 [...] The duration of the chairmanship is one year.",
            "One two three … four five six. (...) Seven eight nine [...]",
            "a. B c. D e: F; G. x.Y z. ",
            "",
            " . : ; ",
        ];
        let mut compared = 0;
        for text in texts {
            for paragraph in text.split("\n\n").chain(text.lines()).chain([text]) {
                assert_eq!(split_sentences(paragraph), reference_split(paragraph), "{paragraph:?}");
                assert_eq!(
                    fold(paragraph),
                    paragraph.split_whitespace().collect::<Vec<_>>().join(" ")
                );
                compared += 1;
            }
        }
        assert!(compared > 100, "{compared}");
    }
}
