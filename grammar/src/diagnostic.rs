//! Diagnostics: the one shape every stage reports problems in, and their two
//! renderings (miette's graphical report for people, flat JSON records for
//! tools). A diagnostic holds byte spans; line and column are computed only
//! when rendering, against the text the spans came from.

use std::fmt::Write as _;

use miette::{GraphicalReportHandler, GraphicalTheme, LabeledSpan, MietteDiagnostic, NamedSource};
use serde::Serialize;

use crate::ast::Span;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
}

/// A span with the text shown under it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Label {
    pub span: Span,
    pub text: String,
}

/// One problem found in one file, as every stage hands it on: `code` is
/// stable (`charter::unknown-party`) so tools and tests may match on it; the
/// message is for people. Stages do not build one by hand: each stage
/// declares its diagnostics as an enum deriving `thiserror::Error` and
/// `miette::Diagnostic` (code, severity, message, labels and help in one
/// place), and a value of it converts into this with `into()`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    pub code: String,
    pub severity: Severity,
    /// Lowercase, no final period, user input in backticks.
    pub message: String,
    /// The first label is the primary one: its span is the diagnostic's position.
    pub labels: Vec<Label>,
    pub help: Option<String>,
    /// For a warning the policy expects (`expect "CODE" because
    /// "REASON"`): the reason. It is not counted or printed as a warning
    /// by `charter check`; the report lists it with the reason.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expected: Option<String>,
}

/// The code a stage's diagnostic falls back to when it declares none; a
/// test over every stage's enum makes sure none does.
const NO_CODE: &str = "charter::internal";

impl<T: miette::Diagnostic> From<T> for Diagnostic {
    fn from(d: T) -> Self {
        capture(&d)
    }
}

/// Reads everything a typed diagnostic says into the one shape.
fn capture(d: &dyn miette::Diagnostic) -> Diagnostic {
    let severity = match d.severity() {
        None | Some(miette::Severity::Error) => Severity::Error,
        Some(miette::Severity::Warning | miette::Severity::Advice) => Severity::Warning,
    };
    let labels = d
        .labels()
        .into_iter()
        .flatten()
        .map(|label| Label {
            span: Span::new(label.offset(), label.offset() + label.len()),
            text: label.label().unwrap_or_default().to_string(),
        })
        .collect();
    Diagnostic {
        code: d.code().map_or_else(|| NO_CODE.to_string(), |code| code.to_string()),
        severity,
        message: d.to_string(),
        labels,
        help: d.help().map(|help| help.to_string()),
        expected: None,
    }
}

impl Diagnostic {
    /// The primary span, or the start of the file when there is none.
    pub fn span(&self) -> Span {
        self.labels.first().map(|label| label.span).unwrap_or_default()
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

/// One stable code as the docs list it: derived from a stage's enum of
/// diagnostics, never kept by hand.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CodeInfo {
    pub code: String,
    pub severity: Severity,
    /// The doc comment of the first variant that reports the code.
    pub description: &'static str,
}

/// The codes of a stage's diagnostics, one per variant, in declaration
/// order (`strum::EnumIter` makes each variant with default fields).
pub fn codes_of<D>() -> Vec<CodeInfo>
where
    D: miette::Diagnostic + strum::IntoEnumIterator + strum::EnumMessage,
{
    D::iter()
        .map(|variant| {
            let d = capture(&variant);
            CodeInfo {
                // Empty when a variant declares no code: a test over every
                // stage's enum rejects that.
                code: variant.code().map(|code| code.to_string()).unwrap_or_default(),
                severity: d.severity,
                // Empty when a variant has no doc comment: the same test
                // rejects that.
                description: variant.get_documentation().unwrap_or_default().trim(),
            }
        })
        .collect()
}

/// A diagnostic as one flat JSON record, as `charter check --format json` prints it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct JsonDiagnostic {
    pub code: String,
    pub severity: Severity,
    pub message: String,
    pub file: String,
    pub line: usize,
    pub column: usize,
    pub end_line: usize,
    pub end_column: usize,
    pub help: Option<String>,
    /// The `expect`'s reason, for a warning the policy expects.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expected: Option<String>,
}

impl JsonDiagnostic {
    pub fn new(diagnostic: &Diagnostic, file: &str, source: &str) -> Self {
        let span = clamp(diagnostic.span(), source);
        let (line, column) = line_column(source, span.start);
        let (end_line, end_column) = line_column(source, span.end);
        JsonDiagnostic {
            code: diagnostic.code.to_string(),
            severity: diagnostic.severity,
            message: diagnostic.message.clone(),
            file: file.to_string(),
            line,
            column,
            end_line,
            end_column,
            help: diagnostic.help.clone(),
            expected: diagnostic.expected.clone(),
        }
    }
}

/// 1-based line and column (in characters) of a byte offset.
pub fn line_column(source: &str, offset: usize) -> (usize, usize) {
    let offset = floor_char_boundary(source, offset.min(source.len()));
    let before = source.get(..offset).unwrap_or_default();
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let column = before.get(line_start..).unwrap_or_default().chars().count() + 1;
    (line, column)
}

/// Where each line of a source starts, so that many offsets are turned into
/// lines and columns without scanning the source from its start each time
/// ([`line_column`] is linear in the offset).
#[derive(Debug, Clone)]
pub struct LineIndex<'s> {
    source: &'s str,
    starts: Vec<usize>,
}

impl<'s> LineIndex<'s> {
    pub fn new(source: &'s str) -> Self {
        let starts = std::iter::once(0)
            .chain(source.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        LineIndex { source, starts }
    }

    /// The same answer as [`line_column`], 1-based, in characters.
    pub fn line_column(&self, offset: usize) -> (usize, usize) {
        let offset = floor_char_boundary(self.source, offset.min(self.source.len()));
        // The last line that starts at or before the offset: `starts[0]` is
        // 0, so at least one does and `line` is at least 1.
        let line = self.starts.partition_point(|start| *start <= offset).max(1);
        let line_start = self.starts.get(line - 1).copied().unwrap_or(0);
        let column = self.source.get(line_start..offset).unwrap_or_default().chars().count() + 1;
        (line, column)
    }
}

/// Renders diagnostics as miette graphical reports, one after another.
pub fn render_human(diagnostics: &[Diagnostic], file: &str, source: &str, color: bool) -> String {
    let theme = if color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    let handler = GraphicalReportHandler::new_themed(theme).with_width(100);
    let mut out = String::new();
    for diagnostic in diagnostics {
        if diagnostic
            .labels
            .iter()
            .any(|label| line_column(source, label.span.end).1 > MAX_RENDERED_COLUMN)
        {
            render_plain(diagnostic, file, source, &mut out);
            out.push('\n');
            continue;
        }
        let report = to_miette(diagnostic, source).with_source_code(NamedSource::new(file, source.to_string()));
        if handler.render_report(&mut out, report.as_ref()).is_err() {
            // The handler only fails when writing to `out` fails, which a
            // String never does; fall back to a plain line all the same.
            let _ = writeln!(out, "{}: {}", diagnostic.code, diagnostic.message);
        }
        out.push('\n');
    }
    out
}

/// The last column miette's graphical renderer can show (it panics past
/// column 65,536); a diagnostic further right is rendered plainly.
const MAX_RENDERED_COLUMN: usize = 60_000;

/// A diagnostic as plain lines: code, message, each label's position and
/// text, help. For positions the graphical renderer cannot show.
fn render_plain(diagnostic: &Diagnostic, file: &str, source: &str, out: &mut String) {
    let _ = writeln!(out, "{}\n\n  × {}", diagnostic.code, diagnostic.message);
    for label in &diagnostic.labels {
        let (line, column) = line_column(source, clamp(label.span, source).start);
        let _ = writeln!(out, "   at {file}:{line}:{column}: {}", label.text);
    }
    if let Some(help) = &diagnostic.help {
        let _ = writeln!(out, "  help: {help}");
    }
}

fn to_miette(diagnostic: &Diagnostic, source: &str) -> miette::Report {
    let severity = match diagnostic.severity {
        Severity::Error => miette::Severity::Error,
        Severity::Warning => miette::Severity::Warning,
    };
    let labels = diagnostic.labels.iter().enumerate().map(|(i, label)| {
        let span = clamp(label.span, source);
        let text = (!label.text.is_empty()).then(|| label.text.clone());
        if i == 0 {
            LabeledSpan::new_primary_with_span(text, (span.start, span.end - span.start))
        } else {
            LabeledSpan::new_with_span(text, (span.start, span.end - span.start))
        }
    });
    let mut report = MietteDiagnostic::new(diagnostic.message.clone())
        .with_code(diagnostic.code.clone())
        .with_severity(severity)
        .with_labels(labels);
    if let Some(help) = &diagnostic.help {
        report = report.with_help(help.clone());
    }
    miette::Report::new(report)
}

/// Keeps a span inside the text and on character boundaries. A span at the
/// very end of the file (where a syntax error often is) is moved back onto
/// the last character that is not whitespace, so its label has something to
/// point at.
fn clamp(span: Span, source: &str) -> Span {
    let len = source.len();
    let mut start = floor_char_boundary(source, span.start.min(len));
    let mut end = floor_char_boundary(source, span.end.min(len)).max(start);
    if start >= source.trim_end().len() && start == end {
        let trimmed = source.trim_end();
        match trimmed.char_indices().next_back() {
            Some((i, c)) => {
                start = i;
                end = i + c.len_utf8();
            }
            None => {
                start = 0;
                end = 0;
            }
        }
    }
    Span { start, end }
}

fn floor_char_boundary(source: &str, mut offset: usize) -> usize {
    while offset > 0 && !source.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_column_counts_characters_not_bytes() {
        let source = "§ a\nbé c";
        assert_eq!(line_column(source, 0), (1, 1));
        assert_eq!(line_column(source, 3), (1, 3));
        assert_eq!(line_column(source, source.len()), (2, 5));
    }

    #[test]
    fn line_index_agrees_with_line_column_at_every_offset() {
        for source in ["", "\n", "§ a\nbé c", "a\n\nb\n", "x\r\ny é\n\nz"] {
            let index = LineIndex::new(source);
            for offset in 0..=source.len() + 2 {
                assert_eq!(
                    index.line_column(offset),
                    line_column(source, offset),
                    "{source:?} at {offset}"
                );
            }
        }
    }

    #[test]
    fn end_of_file_span_moves_onto_last_character() {
        let source = "abc }\n\n";
        let span = clamp(Span::new(7, 7), source);
        assert_eq!(span, Span::new(4, 5));
    }
}
