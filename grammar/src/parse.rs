//! Text -> `ast::File`. pest recognises the syntax (`charter.pest`); this
//! module turns its pairs into the AST, with operator precedence decided by a
//! Pratt parser. A syntax error stops the file and becomes one diagnostic
//! (`charter::syntax`) pointing at where the parse failed.

use std::cell::RefCell;
use std::collections::BTreeSet;

use pest::iterators::Pair;
use pest::pratt_parser::{Assoc, Op, PrattParser};
use pest::Parser as _;
use pest_derive::Parser;

use crate::ast::*;
use crate::diagnostic::Diagnostic;
use crate::limits::{self, MAX_EXPR_DEPTH, MAX_NESTING};

/// The diagnostics of parsing: what the text's syntax gets wrong.
#[derive(Debug, thiserror::Error, miette::Diagnostic, strum::EnumIter, strum::EnumMessage)]
pub enum ParseDiagnostic {
    /// the text does not follow the grammar
    #[error("{message}")]
    #[diagnostic(code("charter::syntax"))]
    Syntax {
        message: String,
        #[label("{expected}")]
        span: Span,
        expected: String,
        #[help]
        help: Option<String>,
    },
    /// a number is too large to represent
    #[error("number `{text}` is too large")]
    #[diagnostic(
        code("charter::number-too-large"),
        help("numbers in Charter range from 0 to {MAX_NUMBER}")
    )]
    NumberTooLarge {
        text: String,
        #[label("too large")]
        span: Span,
    },
    /// brackets, `if`s or operators nest beyond the parser's limits
    #[error("the text nests deeper than {MAX_NESTING} levels here")]
    #[diagnostic(
        code("charter::too-deep"),
        help("brackets, `if`s and quantifiers may nest at most {MAX_NESTING} deep; split the expression into rules")
    )]
    TooDeep {
        #[label("too deep")]
        span: Span,
    },
    /// brackets, `if`s or operators nest beyond the parser's limits
    #[error("the expression is more than {MAX_EXPR_DEPTH} operations deep")]
    #[diagnostic(
        code("charter::too-deep"),
        help("an expression may chain at most {MAX_EXPR_DEPTH} operators on one path; split it into rules")
    )]
    ExprTooDeep {
        #[label("too deep")]
        span: Span,
    },
    /// a bug in Charter: a stage met something the earlier stages should have ruled out (please report it)
    #[error("the parser met `{rule}` where the grammar allows none")]
    #[diagnostic(
        code("charter::internal"),
        help("this is a bug in Charter: please report it with this file")
    )]
    Internal {
        rule: String,
        #[label("not understood here")]
        span: Span,
    },
}

#[derive(Parser)]
#[grammar = "charter.pest"]
struct CharterParser;

/// The result of parsing one file: the AST unless a syntax error stopped it,
/// and every diagnostic found on the way.
#[derive(Debug)]
pub struct Parsed {
    pub file: Option<File>,
    pub diagnostics: Vec<Diagnostic>,
}

/// Parses one Charter file (policy, amendment or history).
pub fn parse(source: &str) -> Parsed {
    if let Some(span) = limits::check_nesting(source) {
        return Parsed {
            file: None,
            diagnostics: vec![ParseDiagnostic::TooDeep { span }.into()],
        };
    }
    match CharterParser::parse(Rule::file, source) {
        Ok(mut pairs) => {
            let builder = Builder::default();
            let file = pairs.next().map(|pair| builder.file(pair));
            Parsed {
                file,
                diagnostics: builder.diagnostics.into_inner(),
            }
        }
        Err(error) => Parsed {
            file: None,
            diagnostics: vec![syntax_diagnostic(
                &detailed(Rule::file, source).unwrap_or(error),
                source,
            )],
        },
    }
}

/// Parses again recording every token tried at the failure point (for the
/// "expected ..." label); slower, so only done once a parse has failed.
fn detailed(rule: Rule, source: &str) -> Option<pest::error::Error<Rule>> {
    pest::set_error_detail(true);
    let error = CharterParser::parse(rule, source).err();
    pest::set_error_detail(false);
    error
}

/// The header of a policy file, parsed alone (fast: the rest of the file
/// is not read); `None` if the text does not start like a policy.
pub fn parse_policy_header(source: &str) -> Option<PolicyHeader> {
    // Most files that are not policies are told apart by their first word,
    // without pest building an error (a scan of the file for line numbers).
    if !starts_with_charter(source) {
        return None;
    }
    let mut pairs = CharterParser::parse(Rule::policy_head, source).ok()?;
    let head = pairs.next()?;
    let header = kids(head).into_iter().find(|p| p.as_rule() == Rule::policy_header)?;
    Some(Builder::default().policy_header(header))
}

/// Whether the first word after whitespace and `//` comments is `charter`
/// (as `kw_charter` matches it), as a policy's header begins.
fn starts_with_charter(source: &str) -> bool {
    let mut rest = source;
    loop {
        rest = rest.trim_start_matches([' ', '\t', '\r', '\n']);
        match rest.strip_prefix("//") {
            Some(comment) => rest = comment.split_once('\n').map_or("", |(_, after)| after),
            None => break,
        }
    }
    rest.strip_prefix("charter")
        .is_some_and(|after| !after.starts_with(|c: char| c.is_ascii_alphanumeric() || c == '_'))
}

/// Parses a query: one expression, as given to `charter eval --query`.
pub fn parse_query(source: &str) -> Result<Expr, Vec<Diagnostic>> {
    if let Some(span) = limits::check_nesting(source) {
        return Err(vec![ParseDiagnostic::TooDeep { span }.into()]);
    }
    match CharterParser::parse(Rule::query, source) {
        Ok(mut pairs) => {
            let builder = Builder::default();
            let expr = pairs
                .next()
                .and_then(|q| kids(q).into_iter().find(|p| p.as_rule() == Rule::expr))
                .map(|e| builder.expr(e));
            let diagnostics = builder.diagnostics.into_inner();
            match expr {
                Some(expr) if diagnostics.is_empty() => Ok(expr),
                _ => Err(diagnostics),
            }
        }
        Err(error) => Err(vec![syntax_diagnostic(
            &detailed(Rule::query, source).unwrap_or(error),
            source,
        )]),
    }
}

/// Whether `expr` has a path from its root longer than `limit`. Recurses
/// at most `limit` deep whatever the tree.
fn deeper_than(expr: &Expr, limit: usize) -> bool {
    let Some(below) = limit.checked_sub(1) else {
        return true;
    };
    let children: Vec<&Expr> = match &expr.kind {
        ExprKind::Bool(_)
        | ExprKind::Int(_)
        | ExprKind::Date(_)
        | ExprKind::Duration(_)
        | ExprKind::None
        | ExprKind::Name(_) => return false,
        ExprKind::Set(items) => items.iter().collect(),
        ExprKind::Record { fields, .. } => fields.iter().map(|(_, e)| e).collect(),
        ExprKind::Call { args, .. } => args.iter().collect(),
        ExprKind::Field { base, .. } => vec![base],
        ExprKind::Unary { operand, .. } => vec![operand],
        ExprKind::Binary { lhs, rhs, .. } => vec![lhs, rhs],
        ExprKind::If { cond, then, otherwise } => vec![cond, then, otherwise],
        ExprKind::Quantifier { set, body, .. } => vec![set, body],
        ExprKind::Filter { set, cond, .. } => vec![set, cond],
    };
    children.into_iter().any(|child| deeper_than(child, below))
}

// ------------------------------------------------------------------ errors

fn syntax_diagnostic(error: &pest::error::Error<Rule>, source: &str) -> Diagnostic {
    let offset = match error.location {
        pest::error::InputLocation::Pos(pos) => pos,
        pest::error::InputLocation::Span((start, _)) => start,
    };
    let found = describe_found(source, offset);
    let mut expected: BTreeSet<String> = BTreeSet::new();
    if let pest::error::ErrorVariant::ParsingError { positives, .. } = &error.variant {
        for rule in positives {
            if let Some(name) = describe_rule(*rule) {
                expected.insert(name);
            }
        }
    }
    if let Some(attempts) = error.parse_attempts() {
        for token in attempts.expected_tokens() {
            let token = token.to_string();
            if !token.is_empty() && token != "//" && token.chars().all(|c| !c.is_alphanumeric() && !c.is_whitespace()) {
                expected.insert(format!("`{token}`"));
            }
        }
    }
    let expected: Vec<String> = expected.into_iter().collect();
    let label = match expected.as_slice() {
        [] => "unexpected here".to_string(),
        [one] => format!("expected {one}"),
        [init @ .., last] if init.len() < 8 => format!("expected {} or {last}", init.join(", ")),
        many if many.iter().any(|e| e == "`members`") => {
            "expected a statement (`members`, `pending`, `chair`, `meeting`, `decisions`, ...) or `}`".to_string()
        }
        many if many.iter().any(|e| e == "`eligible`") => {
            "expected a chair item (`eligible`, `order`, `first`, `term`, `permanent`, `designated`, ...) or `}`"
                .to_string()
        }
        many if many.iter().any(|e| e == "`}`") => "expected `}` or another statement".to_string(),
        many if many.iter().any(|e| e == "end of file") => {
            "expected an item: a party, a clause block, a rule or a test".to_string()
        }
        many => format!("expected one of {} kinds of item", many.len()),
    };
    let span = Span::new(offset, offset + found.len().min(source.len().saturating_sub(offset)));
    let message = if offset >= source.trim_end().len() {
        "unexpected end of file".to_string()
    } else if found == "\u{feff}" {
        "unexpected byte-order mark (U+FEFF)".to_string()
    } else {
        format!("unexpected `{found}`")
    };
    let help = if found == "\u{feff}" {
        Some(if offset == 0 {
            "the file begins with a byte-order mark: save it as UTF-8 without one".to_string()
        } else {
            "a byte-order mark (U+FEFF) belongs nowhere in a policy: delete it".to_string()
        })
    } else {
        syntax_help(&expected, &found, offset >= source.trim_end().len())
    };
    ParseDiagnostic::Syntax {
        message,
        span,
        help,
        expected: label,
    }
    .into()
}

/// The token at `offset`, for the message: a word, or one character.
fn describe_found(source: &str, offset: usize) -> String {
    let rest = source.get(offset..).unwrap_or_default();
    let word: String = rest
        .chars()
        .take_while(|c| c.is_alphanumeric() || *c == '_' || *c == '-')
        .collect();
    if word.is_empty() {
        rest.chars().next().map(String::from).unwrap_or_default()
    } else {
        word
    }
}

fn syntax_help(expected: &[String], found: &str, at_end: bool) -> Option<String> {
    // A misspelt keyword: the expected one it is closest to.
    let near = expected
        .iter()
        .filter_map(|e| e.strip_prefix('`').and_then(|e| e.strip_suffix('`')))
        .filter(|e| e.chars().all(|c| c.is_ascii_alphabetic() || c == '_'))
        .map(|e| (strsim::levenshtein(e, found), e))
        .filter(|(distance, e)| *distance > 0 && *distance <= (e.len() / 3).max(1))
        .min();
    let a_word = !at_end && found.len() >= 2 && found.chars().all(|c| c.is_alphanumeric() || c == '_');
    if let Some((_, keyword)) = near.filter(|(_, e)| a_word && e.len() >= 2) {
        return Some(format!("did you mean `{keyword}`?"));
    }
    if expected.iter().any(|e| e == "`members`") {
        return Some("each statement starts with its keyword; docs/language.md lists them all".to_string());
    }
    if at_end && expected.iter().any(|e| e == "`}`") {
        return Some("every `{` needs a matching `}`; check the block above".to_string());
    }
    if expected.iter().any(|e| e == "`}`") {
        return Some(
            "each line of this block starts with one of the words expected; close the block with `}` when it is done"
                .to_string(),
        );
    }
    if expected.iter().any(|e| e.starts_with("a date")) {
        return Some("write dates as `YYYY-MM-DD`, for example `2013-08-31`".to_string());
    }
    None
}

/// How a grammar rule reads in "expected ..."; `None` hides internal rules.
#[expect(
    clippy::wildcard_enum_match_arm,
    reason = "only the rules listed read well in an error message; the rest are internal and left out"
)]
fn describe_rule(rule: Rule) -> Option<String> {
    let name = format!("{rule:?}");
    if let Some(keyword) = name.strip_prefix("kw_") {
        return Some(format!("`{keyword}`"));
    }
    let text = match rule {
        Rule::EOI => "end of file",
        Rule::ident => "a name",
        Rule::string => "a string",
        Rule::date => "a date (YYYY-MM-DD)",
        Rule::int => "a number",
        Rule::duration => "a duration such as `2 years`",
        Rule::duration_unit => "`years`, `months` or `days`",
        Rule::clause_ref => "a clause number such as `3.ii`",
        Rule::expr => "an expression",
        Rule::type_expr => "a type",
        Rule::ratio => "a ratio such as `2/3`",
        Rule::date_spec => "a date (YYYY-MM-DD)",
        Rule::party_decl | Rule::party_kind => "a party (`state`, `organization`, `civil_society`, `private_sector`)",
        Rule::clause_block | Rule::citation => "a clause block (`§ 3.i { ... }`)",
        Rule::rule_decl => "`rule`",
        Rule::test_decl => "`test`",
        _ => return None,
    };
    Some(text.to_string())
}

// ------------------------------------------------------------------ builder

/// Builds AST nodes from pest pairs the grammar has already accepted, so the
/// shape of each pair is known; where a shape is not as expected the builder
/// falls back to an empty node rather than panic (that would be a grammar
/// bug, caught by the parser tests).
#[derive(Default)]
struct Builder {
    diagnostics: RefCell<Vec<Diagnostic>>,
}

impl Builder {
    /// `{NAME in SET | COND}` from a set's parts, the condition at `at`:
    /// the part before it must be `NAME in SET` (a syntax error if not).
    fn set_filter(&self, parts: Vec<Pair<'_, Rule>>, at: usize, span: Span) -> ExprKind {
        let mut parts = parts.into_iter();
        let head = parts.next().map(|p| self.expr(p));
        let cond = parts
            .nth(at.saturating_sub(1))
            .and_then(|c| kids(c).into_iter().next())
            .map_or_else(|| none_expr(span), |c| self.expr(c));
        let head = match head.map(|h| (h.span, h.kind)) {
            Some((
                at,
                ExprKind::Binary {
                    op: BinaryOp::In,
                    lhs,
                    rhs,
                },
            )) => {
                if let ExprKind::Name(var) = lhs.kind {
                    return ExprKind::Filter {
                        var,
                        set: rhs,
                        cond: Box::new(cond),
                    };
                }
                at
            }
            Some((at, _)) => at,
            None => span,
        };
        self.diagnostics.borrow_mut().push(
            ParseDiagnostic::Syntax {
                message: "a set with a condition names its element first".to_string(),
                span: head,
                expected: "expected `NAME in SET`".to_string(),
                help: Some("write `{p in members(d) | condition(p)}`".to_string()),
            }
            .into(),
        );
        ExprKind::None
    }

    /// Reports a pair the grammar should not produce where it was met: a
    /// bug in the grammar or this builder. The AST built around it is
    /// never checked as if it were fine, since the file now has an error.
    fn unexpected(&self, rule: Rule, span: Span) {
        self.diagnostics.borrow_mut().push(
            ParseDiagnostic::Internal {
                rule: format!("{rule:?}"),
                span,
            }
            .into(),
        );
    }
}

/// The pair's span without trailing whitespace (pest includes whitespace
/// skipped before an optional part that then did not match).
fn span_of(pair: &Pair<'_, Rule>) -> Span {
    let start = pair.as_span().start();
    Span::new(start, start + pair.as_str().trim_end().len())
}

/// Whether a rule is a keyword (`kw_*`): a table built once from the
/// grammar's rule names, since pest has no silent atomic rules.
fn is_keyword(rule: Rule) -> bool {
    // Indexed by the rule's discriminant (pest's `Rule` has no fields).
    static KEYWORDS: std::sync::OnceLock<Vec<bool>> = std::sync::OnceLock::new();
    let table = KEYWORDS.get_or_init(|| {
        let mut table = vec![false; Rule::all_rules().len()];
        for rule in Rule::all_rules() {
            if let Some(slot) = table.get_mut(*rule as usize) {
                *slot = format!("{rule:?}").starts_with("kw_");
            }
        }
        table
    });
    table.get(rule as usize).copied().unwrap_or(false)
}

/// The children of a pair, keywords left out.
fn kids<'i>(pair: Pair<'i, Rule>) -> Vec<Pair<'i, Rule>> {
    pair.into_inner().filter(|p| !is_keyword(p.as_rule())).collect()
}

/// The operator table, built once.
fn pratt() -> &'static PrattParser<Rule> {
    static PRATT: std::sync::OnceLock<PrattParser<Rule>> = std::sync::OnceLock::new();
    PRATT.get_or_init(pratt_table)
}

fn pratt_table() -> PrattParser<Rule> {
    PrattParser::new()
        .op(Op::infix(Rule::op_implies, Assoc::Right))
        .op(Op::infix(Rule::op_or, Assoc::Left))
        .op(Op::infix(Rule::op_and, Assoc::Left))
        .op(Op::prefix(Rule::op_not))
        .op(Op::infix(Rule::op_eq, Assoc::Left)
            | Op::infix(Rule::op_ne, Assoc::Left)
            | Op::infix(Rule::op_lt, Assoc::Left)
            | Op::infix(Rule::op_le, Assoc::Left)
            | Op::infix(Rule::op_gt, Assoc::Left)
            | Op::infix(Rule::op_ge, Assoc::Left)
            | Op::infix(Rule::op_in, Assoc::Left))
        .op(Op::infix(Rule::op_add, Assoc::Left) | Op::infix(Rule::op_sub, Assoc::Left))
        .op(Op::infix(Rule::op_mul, Assoc::Left))
        .op(Op::prefix(Rule::op_neg))
        .op(Op::postfix(Rule::field_access))
}

impl Builder {
    #[expect(
        clippy::wildcard_enum_match_arm,
        reason = "pest's `Rule` names every rule of the grammar; a pair other than the ones matched here means the grammar and this builder disagree, and `unexpected` reports it"
    )]
    fn file(&self, pair: Pair<'_, Rule>) -> File {
        let span = span_of(&pair);
        let kind = kids(pair)
            .into_iter()
            .find_map(|p| match p.as_rule() {
                Rule::policy_file => Some(FileKind::Policy(self.policy_file(p))),
                Rule::amendment_file => Some(FileKind::Amendment(self.amendment_file(p))),
                Rule::history_file => Some(FileKind::History(self.history_file(p))),
                Rule::EOI => None,
                other => {
                    self.unexpected(other, span_of(&p));
                    None
                }
            })
            .unwrap_or_else(|| {
                FileKind::History(HistoryFile {
                    policy: empty_str(span),
                    header_span: span,
                    records: Vec::new(),
                })
            });
        File { kind, span }
    }

    #[expect(
        clippy::wildcard_enum_match_arm,
        reason = "every other child is an item, and `item` reports one it does not know"
    )]
    fn policy_file(&self, pair: Pair<'_, Rule>) -> PolicyFile {
        let mut header = None;
        let mut items = Vec::new();
        for p in kids(pair) {
            match p.as_rule() {
                Rule::policy_header => header = Some(self.policy_header(p)),
                _ => items.extend(self.item(p)),
            }
        }
        PolicyFile {
            header: header.unwrap_or_else(|| PolicyHeader {
                title: empty_str(Span::default()),
                fields: Vec::new(),
                span: Span::default(),
            }),
            items,
        }
    }

    #[expect(
        clippy::wildcard_enum_match_arm,
        reason = "pest's `Rule` names every rule of the grammar; a pair other than the ones matched here means the grammar and this builder disagree, and `unexpected` reports it"
    )]
    fn policy_header(&self, pair: Pair<'_, Rule>) -> PolicyHeader {
        let span = span_of(&pair);
        let mut title = empty_str(span);
        let mut fields = Vec::new();
        for p in kids(pair) {
            match p.as_rule() {
                Rule::string => title = self.string(p),
                Rule::ref_field => fields.extend(first_kid(p).map(|s| HeaderField::Ref(self.string(s)))),
                Rule::adopted_field => fields.extend(first_kid(p).map(|d| HeaderField::Adopted(self.date(d)))),
                Rule::source_field => fields.extend(first_kid(p).map(|s| HeaderField::Source(self.string(s)))),
                Rule::headings_field => fields.extend(first_kid(p).map(|s| HeaderField::Headings(ident(s)))),
                Rule::covers_field => fields.push(HeaderField::Covers(
                    kids(p)
                        .into_iter()
                        .map(|c| Str {
                            value: c.as_str().to_string(),
                            span: span_of(&c),
                        })
                        .collect(),
                )),
                Rule::expect_field => {
                    // The grammar gives two strings: the code, the reason.
                    let mut strings = kids(p).into_iter().map(|k| self.string(k));
                    if let (Some(code), Some(reason)) = (strings.next(), strings.next()) {
                        fields.push(HeaderField::Expect { code, reason });
                    }
                }
                other => self.unexpected(other, span_of(&p)),
            }
        }
        PolicyHeader { title, fields, span }
    }

    #[expect(
        clippy::wildcard_enum_match_arm,
        reason = "every other child is an item, and `item` reports one it does not know"
    )]
    fn amendment_file(&self, pair: Pair<'_, Rule>) -> AmendmentFile {
        let mut header = None;
        let mut items = Vec::new();
        for p in kids(pair) {
            match p.as_rule() {
                Rule::amendment_header => header = Some(p),
                _ => items.extend(self.item(p)),
            }
        }
        let header_span = header.as_ref().map(span_of).unwrap_or_default();
        let parts = header.map(kids).unwrap_or_default();
        let mut strings = parts
            .iter()
            .filter(|p| p.as_rule() == Rule::string)
            .map(|p| self.string(p.clone()));
        let mut idents = parts
            .iter()
            .filter(|p| p.as_rule() == Rule::ident)
            .map(|p| ident(p.clone()));
        AmendmentFile {
            title: strings.next().unwrap_or_else(|| empty_str(header_span)),
            policy: strings.next().unwrap_or_else(|| empty_str(header_span)),
            meeting: idents.next().unwrap_or_else(|| empty_ident(header_span)),
            decision: idents.next().unwrap_or_else(|| empty_ident(header_span)),
            header_span,
            items,
        }
    }

    #[expect(
        clippy::wildcard_enum_match_arm,
        reason = "every other child is a record, and `record` reports one it does not know"
    )]
    fn history_file(&self, pair: Pair<'_, Rule>) -> HistoryFile {
        let mut policy = None;
        let mut header_span = Span::default();
        let mut records = Vec::new();
        for p in kids(pair) {
            match p.as_rule() {
                Rule::history_header => {
                    header_span = span_of(&p);
                    policy = first_kid(p).map(|s| self.string(s));
                }
                _ => records.extend(self.record(p)),
            }
        }
        HistoryFile {
            policy: policy.unwrap_or_else(|| empty_str(header_span)),
            header_span,
            records,
        }
    }

    // -------------------------------------------------------------- items

    #[expect(
        clippy::wildcard_enum_match_arm,
        reason = "pest's `Rule` names every rule of the grammar; a pair other than the ones matched here means the grammar and this builder disagree, and `unexpected` reports it"
    )]
    fn item(&self, pair: Pair<'_, Rule>) -> Option<Item> {
        let span = span_of(&pair);
        Some(match pair.as_rule() {
            Rule::party_decl => Item::Party(self.party(pair)),
            Rule::clause_block => Item::Block(self.clause_block(pair)),
            Rule::rule_decl => Item::Rule(self.rule_decl(pair)),
            Rule::test_decl => Item::Test(self.test_decl(pair)),
            Rule::non_normative => {
                Item::NonNormative(first_kid(pair).map_or_else(|| empty_str(span), |s| self.string(s)))
            }
            Rule::EOI => return None,
            // Every other item is a statement; `statement` reports a rule
            // it does not know.
            _statement => Item::Stmt(Stmt {
                kind: self.statement(pair)?,
                span,
            }),
        })
    }

    #[expect(
        clippy::wildcard_enum_match_arm,
        reason = "pest's `Rule` names every rule of the grammar; a pair other than the ones matched here means the grammar and this builder disagree, and `unexpected` reports it"
    )]
    fn party(&self, pair: Pair<'_, Rule>) -> PartyDecl {
        let span = span_of(&pair);
        let mut kind = PartyKind::State;
        let mut id = empty_ident(span);
        let mut official_name = empty_str(span);
        let mut sort_name = None;
        let mut org_kind = None;
        let mut renames = Vec::new();
        for p in kids(pair) {
            match p.as_rule() {
                Rule::party_kind => {
                    kind = match p.as_str() {
                        "organization" => PartyKind::Organization,
                        "civil_society" => PartyKind::CivilSociety,
                        "private_sector" => PartyKind::PrivateSector,
                        _ => PartyKind::State,
                    }
                }
                Rule::ident => id = ident(p),
                Rule::string => official_name = self.string(p),
                Rule::sort_name => sort_name = first_kid(p).map(|s| self.string(s)),
                Rule::org_kind => org_kind = first_kid(p).map(ident),
                Rule::rename => renames.push(self.rename(p)),
                other => self.unexpected(other, span_of(&p)),
            }
        }
        PartyDecl {
            kind,
            id,
            official_name,
            sort_name,
            org_kind,
            renames,
            span,
        }
    }

    #[expect(
        clippy::wildcard_enum_match_arm,
        reason = "pest's `Rule` names every rule of the grammar; a pair other than the ones matched here means the grammar and this builder disagree, and `unexpected` reports it"
    )]
    fn rename(&self, pair: Pair<'_, Rule>) -> Rename {
        let span = span_of(&pair);
        let mut on = empty_date(span);
        let mut official_name = empty_str(span);
        let mut sort_name = None;
        for p in kids(pair) {
            match p.as_rule() {
                Rule::date => on = self.date(p),
                Rule::string => official_name = self.string(p),
                Rule::sort_name => sort_name = first_kid(p).map(|s| self.string(s)),
                other => self.unexpected(other, span_of(&p)),
            }
        }
        Rename {
            on,
            official_name,
            sort_name,
            span,
        }
    }

    #[expect(
        clippy::wildcard_enum_match_arm,
        reason = "every other child is an item, and `item` reports one it does not know"
    )]
    fn clause_block(&self, pair: Pair<'_, Rule>) -> ClauseBlock {
        let span = span_of(&pair);
        let mut clause = ClauseRef {
            text: String::new(),
            span,
        };
        let mut label = None;
        let mut quotes = Vec::new();
        let mut items = Vec::new();
        for p in kids(pair) {
            match p.as_rule() {
                Rule::citation => {
                    if let Some(r) = first_kid(p) {
                        clause = ClauseRef {
                            text: r.as_str().to_string(),
                            span: span_of(&r),
                        };
                    }
                }
                Rule::block_label => label = first_kid(p).map(ident),
                Rule::quote => quotes.extend(first_kid(p).map(|s| self.string(s))),
                _ => items.extend(self.item(p)),
            }
        }
        ClauseBlock {
            clause,
            label,
            quotes,
            items,
            span,
        }
    }

    #[expect(
        clippy::wildcard_enum_match_arm,
        reason = "pest's `Rule` names every rule of the grammar; a pair other than the ones matched here means the grammar and this builder disagree, and `unexpected` reports it"
    )]
    fn statement(&self, pair: Pair<'_, Rule>) -> Option<StmtKind> {
        let rule = pair.as_rule();
        let span = span_of(&pair);
        // Each date with the keyword before it (`from` or `until`).
        let dated: Vec<(Rule, Pair<'_, Rule>)> = pair
            .clone()
            .into_inner()
            .scan(None, |last, p| {
                if is_keyword(p.as_rule()) {
                    *last = Some(p.as_rule());
                }
                Some((*last, p))
            })
            .filter_map(|(k, p)| Some((k?, p)).filter(|(_, p)| p.as_rule() == Rule::date_spec))
            .collect();
        let parts = kids(pair);
        let idents = |i: usize| parts.get(i).map(ident_list).unwrap_or_default();
        let one_ident = |i: usize| parts.get(i).cloned().map_or_else(|| empty_ident(span), ident);
        let date_at = |i: usize| parts.get(i).cloned().map_or_else(|| empty_date(span), |p| self.date(p));
        let spec_at = |i: usize| {
            parts.get(i).cloned().map_or_else(
                || DateSpec {
                    precision: DatePrecision::Exact,
                    date: empty_date(span),
                    span,
                },
                |p| self.date_spec(p),
            )
        };
        let has = |r: Rule| parts.iter().any(|p| p.as_rule() == r);
        let find = |r: Rule| parts.iter().find(|p| p.as_rule() == r).cloned();
        Some(match rule {
            Rule::members_stmt => StmtKind::Members {
                parties: idents(0),
                from: spec_at(1),
                until: parts.get(2).cloned().map(|p| self.date_spec(p)),
            },
            Rule::observer_roster => StmtKind::NamedObservers {
                parties: idents(1),
                from: spec_at(2),
                until: parts
                    .get(3)
                    .filter(|p| p.as_rule() == Rule::date_spec)
                    .cloned()
                    .map(|p| self.date_spec(p)),
                standing: find(Rule::standing_as).map(|s| {
                    let parts = kids(s);
                    let name = parts.first().cloned().map_or_else(|| empty_ident(span), ident);
                    let title = parts
                        .iter()
                        .find(|p| p.as_rule() == Rule::string)
                        .cloned()
                        .map(|p| self.string(p));
                    (name, title)
                }),
                rights: find(Rule::observer_rights).map(observer_rights),
            },
            Rule::pending_stmt => StmtKind::Pending {
                parties: idents(0),
                deadline: date_at(1),
            },
            Rule::open_stmt => StmtKind::OpenTo { parties: idents(0) },
            Rule::withdrawal_stmt => StmtKind::Withdrawal {
                party: one_ident(0),
                on: spec_at(1),
            },
            Rule::designate_stmt => StmtKind::Designate {
                subject: match find(Rule::duty_subject).map(|p| p.as_str().starts_with("each")) {
                    Some(false) => DutySubject::Chair,
                    _ => DutySubject::EachMember,
                },
                strength: find(Rule::strength)
                    .and_then(first_kid)
                    .map_or_else(|| empty_ident(span), ident),
                role: find(Rule::ident).map_or_else(|| empty_ident(span), ident),
            },
            Rule::host_duty_stmt => StmtKind::HostDuty {
                strength: find(Rule::strength)
                    .and_then(first_kid)
                    .map_or_else(|| empty_ident(span), ident),
                kind: find(Rule::ident).map_or_else(|| empty_ident(span), ident),
            },
            Rule::chair_block => StmtKind::Rotation(parts.into_iter().map(|p| self.rotation_item(p)).collect()),
            Rule::support_stmt => StmtKind::SupportUnit {
                parties: idents(0),
                from: find(Rule::support_from).and_then(first_kid).map(|p| self.date_spec(p)),
                until: find(Rule::support_until).and_then(first_kid).map(|p| self.date_spec(p)),
                period: find(Rule::duration).map(|p| self.duration(p)),
                pending_further_decision: has(Rule::pending_further),
                after_period: find(Rule::after_period)
                    .and_then(first_kid)
                    .map(|p| p.as_rule() == Rule::continues),
            },
            Rule::location_stmt => StmtKind::Location {
                place: find(Rule::string).map_or_else(|| empty_str(span), |p| self.string(p)),
                provided_by: find(Rule::ident).map(ident),
                pending_further_decision: has(Rule::pending_further),
            },
            Rule::observers_stmt => StmtKind::Observers {
                classes: idents(0),
                by: one_ident(1),
                written: has(Rule::written_application),
                rights: find(Rule::observer_rights).map(observer_rights),
            },
            Rule::invite_stmt => StmtKind::Invite {
                classes: idents(0),
                by: one_ident(1),
            },
            Rule::meeting_stmt => StmtKind::Meeting(MeetingDecl {
                kind: one_ident(0),
                title: find(Rule::string).map(|p| self.string(p)),
                body: find(Rule::body_of).and_then(first_kid).map(ident),
                cadence: find(Rule::cadence).map(|c| {
                    let parts = kids(c);
                    let inner = |rule: Rule| parts.iter().find(|p| p.as_rule() == rule).cloned();
                    Cadence {
                        strength: inner(Rule::strength)
                            .and_then(first_kid)
                            .map_or_else(|| empty_ident(span), ident),
                        every: inner(Rule::duration).map_or_else(|| empty_duration(span), |p| self.duration(p)),
                        to: inner(Rule::cadence_longest)
                            .and_then(first_kid)
                            .map(|p| self.duration(p)),
                        anchor: inner(Rule::cadence_anchor).and_then(first_kid).map(|p| self.date(p)),
                        per_member: inner(Rule::per_member).is_some(),
                    }
                }),
                host: find(Rule::host_rule).and_then(first_kid).map(|p| match p.as_rule() {
                    Rule::host_chair => HostRule::Chair(span_of(&p)),
                    Rule::ident => HostRule::Party(ident(p)),
                    other => {
                        self.unexpected(other, span_of(&p));
                        HostRule::Party(ident(p))
                    }
                }),
            }),
            Rule::decisions_stmt => StmtKind::Decisions {
                // After `at K, ...` where given.
                by: match parts.get(usize::from(has(Rule::decisions_at))) {
                    Some(p) if p.as_rule() == Rule::qualified_majority => {
                        let inner = kids(p.clone());
                        RuleName::Majority {
                            ratio: inner
                                .iter()
                                .find(|k| k.as_rule() == Rule::ratio)
                                .map(|k| self.quorum(k.clone())),
                            round_down: inner
                                .iter()
                                .any(|k| k.as_rule() == Rule::rounding && k.as_str().ends_with("down")),
                            span: span_of(p),
                        }
                    }
                    Some(p) if p.as_rule() == Rule::simple_majority => RuleName::Majority {
                        ratio: None,
                        round_down: false,
                        span: span_of(p),
                    },
                    Some(_) | None => RuleName::Named(one_ident(usize::from(has(Rule::decisions_at)))),
                },
                of_members_present: has(Rule::members_present) || has(Rule::observers_present),
                with_observers: has(Rule::observers_present),
                of_all_members: has(Rule::all_members_of),
                quorum: find(Rule::quorum).and_then(first_kid).map(|p| self.quorum(p)),
                at: find(Rule::decisions_at)
                    .and_then(first_kid)
                    .map(|p| ident_list(&p))
                    .unwrap_or_default(),
            },
            Rule::decision_kind_stmt => StmtKind::DecisionKind {
                kind: one_ident(0),
                reserved_to: idents(1),
            },
            Rule::amendments_stmt => StmtKind::Amendments { by: idents(0) },
            Rule::office_stmt => {
                let title = find(Rule::string).map(|p| self.string(p));
                let holders = parts
                    .iter()
                    .filter(|p| p.as_rule() == Rule::holder)
                    .filter_map(|h| first_kid(h.clone()))
                    .map(|h| match h.as_rule() {
                        Rule::chair_role => Holder::Chair {
                            span: span_of(&h),
                            // `chair_role` is `[outgoing | incoming] chair`.
                            role: match h.as_str().split_whitespace().next() {
                                Some("outgoing") => ChairRole::Outgoing,
                                Some("incoming") => ChairRole::Incoming,
                                Some(_) | None => ChairRole::Current,
                            },
                        },
                        _ => Holder::Party(ident(h)),
                    })
                    .collect();
                let after = |word: Rule| {
                    dated
                        .iter()
                        .find(|(k, _)| *k == word)
                        .map(|(_, p)| self.date_spec(p.clone()))
                };
                let (from, until) = (after(Rule::kw_from), after(Rule::kw_until));
                StmtKind::Office {
                    name: one_ident(0),
                    title,
                    holders,
                    from,
                    until,
                }
            }
            Rule::group_stmt => {
                let title = find(Rule::string).map(|p| self.string(p));
                let at = usize::from(title.is_some());
                if has(Rule::as_recorded) {
                    StmtKind::Group {
                        name: one_ident(0),
                        title,
                        parties: Vec::new(),
                        from: None,
                        until: None,
                    }
                } else {
                    let after = |word: Rule| {
                        dated
                            .iter()
                            .find(|(k, _)| *k == word)
                            .map(|(_, p)| self.date_spec(p.clone()))
                    };
                    StmtKind::Group {
                        name: one_ident(0),
                        title,
                        parties: idents(1 + at),
                        from: Some(after(Rule::kw_from).unwrap_or_else(|| empty_spec(span))),
                        until: after(Rule::kw_until),
                    }
                }
            }
            Rule::seats_stmt => {
                let count = find(Rule::int);
                StmtKind::Seats {
                    group: one_ident(0),
                    count: count.as_ref().map_or(0, |p| self.number(p.as_str(), span_of(p))),
                    count_span: count.as_ref().map_or(span, span_of),
                    of: idents(2),
                    from: date_at(3),
                    until: parts.get(4).cloned().map(|p| self.date(p)),
                }
            }
            other => {
                self.unexpected(other, span);
                return None;
            }
        })
    }

    #[expect(
        clippy::wildcard_enum_match_arm,
        reason = "pest's `Rule` names every rule of the grammar; a pair other than the ones matched here means the grammar and this builder disagree, and `unexpected` reports it"
    )]
    fn rotation_item(&self, pair: Pair<'_, Rule>) -> RotationItem {
        let span = span_of(&pair);
        let rule = pair.as_rule();
        let parts = kids(pair);
        let kind = match rule {
            Rule::eligible => match parts.first() {
                Some(p) if p.as_rule() == Rule::ident_list => RotationItemKind::EligibleParties(ident_list(p)),
                _ => RotationItemKind::EligibleMembers,
            },
            Rule::order => match parts.first() {
                Some(p) if p.as_rule() == Rule::alternating => {
                    RotationItemKind::OrderAlternating(parts.get(1).map(ident_list).unwrap_or_default())
                }
                Some(p) if p.as_rule() == Rule::ident_list => RotationItemKind::OrderFixed(ident_list(p)),
                Some(_) | None => RotationItemKind::OrderAlphabetical {
                    language: parts.first().cloned().map_or_else(|| empty_ident(span), ident),
                },
            },
            Rule::first_chair => RotationItemKind::First {
                party: parts.first().cloned().map_or_else(|| empty_ident(span), ident),
                from: parts.get(1).cloned().map_or_else(|| empty_date(span), |p| self.date(p)),
            },
            Rule::term => RotationItemKind::Term {
                length: parts
                    .first()
                    .cloned()
                    .map_or_else(|| empty_duration(span), |p| self.duration(p)),
                from: parts.get(1).cloned().map(|p| self.date(p)),
            },
            Rule::all_decline => RotationItemKind::AllDecline {
                outgoing_stays: parts.first().is_some_and(|p| p.as_rule() == Rule::outgoing_stays),
            },
            Rule::voluntary => RotationItemKind::Voluntary,
            Rule::permanent => RotationItemKind::Permanent {
                parties: parts.first().map(ident_list).unwrap_or_default(),
                co_chairs: listed_after(&parts, Rule::co_chair_list),
                vice_chairs: listed_after(&parts, Rule::vice_chair_list),
                from: parts
                    .iter()
                    .find(|p| p.as_rule() == Rule::date)
                    .cloned()
                    .map_or_else(|| empty_date(span), |p| self.date(p)),
            },
            Rule::designated => RotationItemKind::Designated {
                // `designated by unstated`, or the decision's kind and the
                // meeting's.
                by: parts
                    .first()
                    .is_none_or(|p| p.as_rule() != Rule::designated_unstated)
                    .then(|| {
                        (
                            parts.first().cloned().map_or_else(|| empty_ident(span), ident),
                            parts.get(1).cloned().map_or_else(|| empty_ident(span), ident),
                        )
                    }),
            },
            Rule::candidacy => RotationItemKind::Candidacy {
                before: parts
                    .first()
                    .cloned()
                    .map_or_else(|| empty_duration(span), |p| self.duration(p)),
            },
            other => {
                self.unexpected(other, span);
                RotationItemKind::Voluntary
            }
        };
        RotationItem { kind, span }
    }

    #[expect(
        clippy::wildcard_enum_match_arm,
        reason = "pest's `Rule` names every rule of the grammar; a pair other than the ones matched here means the grammar and this builder disagree, and `unexpected` reports it"
    )]
    fn quorum(&self, pair: Pair<'_, Rule>) -> Quorum {
        let span = span_of(&pair);
        match pair.as_rule() {
            Rule::ratio => {
                let (numerator, denominator) = pair.as_str().split_once('/').unwrap_or(("0", "0"));
                Quorum::Ratio {
                    numerator: self.number(numerator.trim(), span),
                    denominator: self.number(denominator.trim(), span),
                    span,
                }
            }
            Rule::int => Quorum::Count {
                count: self.number(pair.as_str(), span),
                span,
            },
            other => {
                self.unexpected(other, span);
                Quorum::Count { count: 0, span }
            }
        }
    }

    // -------------------------------------------------------------- rules and tests

    #[expect(
        clippy::wildcard_enum_match_arm,
        reason = "pest's `Rule` names every rule of the grammar; a pair other than the ones matched here means the grammar and this builder disagree, and `unexpected` reports it"
    )]
    fn rule_decl(&self, pair: Pair<'_, Rule>) -> RuleDecl {
        let span = span_of(&pair);
        let mut name = empty_ident(span);
        let mut params = Vec::new();
        let mut ret = TypeExpr::Named(empty_ident(span));
        let mut body = None;
        for p in kids(pair) {
            match p.as_rule() {
                Rule::ident => name = ident(p),
                Rule::param => {
                    let pspan = span_of(&p);
                    let mut parts = kids(p).into_iter();
                    let pname = parts.next().map_or_else(|| empty_ident(pspan), ident);
                    let ty = parts
                        .next()
                        .map_or_else(|| TypeExpr::Named(empty_ident(pspan)), type_expr);
                    params.push(Param {
                        name: pname,
                        ty,
                        span: pspan,
                    });
                }
                Rule::type_expr => ret = type_expr(p),
                Rule::expr => body = Some(self.expr(p)),
                other => self.unexpected(other, span_of(&p)),
            }
        }
        RuleDecl {
            name,
            params,
            ret,
            body: body.unwrap_or(Expr {
                kind: ExprKind::None,
                span,
            }),
            span,
        }
    }

    #[expect(
        clippy::wildcard_enum_match_arm,
        reason = "pest's `Rule` names every rule of the grammar; a pair other than the ones matched here means the grammar and this builder disagree, and `unexpected` reports it"
    )]
    fn test_decl(&self, pair: Pair<'_, Rule>) -> TestDecl {
        let span = span_of(&pair);
        let mut name = empty_str(span);
        let mut stmts = Vec::new();
        for p in kids(pair) {
            let pspan = span_of(&p);
            match p.as_rule() {
                Rule::string => name = self.string(p),
                Rule::let_stmt => {
                    let mut parts = kids(p).into_iter();
                    let var = parts.next().map_or_else(|| empty_ident(pspan), ident);
                    let value = parts.next().map_or_else(|| none_expr(pspan), |e| self.expr(e));
                    stmts.push(TestStmt::Let {
                        name: var,
                        value,
                        span: pspan,
                    });
                }
                Rule::assert_stmt => {
                    let expr = first_kid(p).map_or_else(|| none_expr(pspan), |e| self.expr(e));
                    stmts.push(TestStmt::Assert { expr, span: pspan });
                }
                other => self.unexpected(other, span_of(&p)),
            }
        }
        TestDecl { name, stmts, span }
    }

    /// One expression: its operators ordered by precedence. The tree built
    /// is at most [`MAX_EXPR_DEPTH`] deep: a deeper one is reported and
    /// replaced by `none`, so no later stage recurses further.
    fn expr(&self, pair: Pair<'_, Rule>) -> Expr {
        let span = span_of(&pair);
        // The Pratt parser recurses once per operator; count them first.
        let operators = pair
            .clone()
            .into_inner()
            .filter(|p| {
                matches!(
                    p.as_rule(),
                    Rule::op_not
                        | Rule::op_neg
                        | Rule::op_implies
                        | Rule::op_or
                        | Rule::op_and
                        | Rule::op_eq
                        | Rule::op_ne
                        | Rule::op_lt
                        | Rule::op_le
                        | Rule::op_gt
                        | Rule::op_ge
                        | Rule::op_in
                        | Rule::op_add
                        | Rule::op_sub
                        | Rule::op_mul
                        | Rule::field_access
                )
            })
            .count();
        if operators > MAX_EXPR_DEPTH {
            self.diagnostics
                .borrow_mut()
                .push(ParseDiagnostic::ExprTooDeep { span }.into());
            return none_expr(span);
        }
        let expr = self.pratt_expr(pair);
        if deeper_than(&expr, MAX_EXPR_DEPTH) {
            self.diagnostics
                .borrow_mut()
                .push(ParseDiagnostic::ExprTooDeep { span }.into());
            return none_expr(span);
        }
        expr
    }

    #[expect(
        clippy::wildcard_enum_match_arm,
        reason = "pest's `Rule` names every rule of the grammar; a pair other than the ones matched here means the grammar and this builder disagree, and `unexpected` reports it"
    )]
    fn pratt_expr(&self, pair: Pair<'_, Rule>) -> Expr {
        pratt()
            .map_primary(|p| self.primary(p))
            .map_prefix(|op, operand| {
                let span = span_of(&op).to(operand.span);
                let op = match op.as_rule() {
                    Rule::op_not => UnaryOp::Not,
                    Rule::op_neg => UnaryOp::Neg,
                    other => {
                        self.unexpected(other, span);
                        UnaryOp::Neg
                    }
                };
                Expr {
                    kind: ExprKind::Unary {
                        op,
                        operand: Box::new(operand),
                    },
                    span,
                }
            })
            .map_postfix(|base, op| {
                let field = first_kid(op.clone()).map_or_else(|| empty_ident(span_of(&op)), ident);
                let span = base.span.to(field.span);
                Expr {
                    kind: ExprKind::Field {
                        base: Box::new(base),
                        field,
                    },
                    span,
                }
            })
            .map_infix(|lhs, op, rhs| {
                let op = match op.as_rule() {
                    Rule::op_implies => BinaryOp::Implies,
                    Rule::op_or => BinaryOp::Or,
                    Rule::op_and => BinaryOp::And,
                    Rule::op_eq => BinaryOp::Eq,
                    Rule::op_ne => BinaryOp::Ne,
                    Rule::op_lt => BinaryOp::Lt,
                    Rule::op_le => BinaryOp::Le,
                    Rule::op_gt => BinaryOp::Gt,
                    Rule::op_ge => BinaryOp::Ge,
                    Rule::op_in => BinaryOp::In,
                    Rule::op_add => BinaryOp::Add,
                    Rule::op_sub => BinaryOp::Sub,
                    Rule::op_mul => BinaryOp::Mul,
                    other => {
                        self.unexpected(other, span_of(&op));
                        BinaryOp::Mul
                    }
                };
                let span = lhs.span.to(rhs.span);
                Expr {
                    kind: ExprKind::Binary {
                        op,
                        lhs: Box::new(lhs),
                        rhs: Box::new(rhs),
                    },
                    span,
                }
            })
            .parse(pair.into_inner())
    }

    #[expect(
        clippy::wildcard_enum_match_arm,
        reason = "pest's `Rule` names every rule of the grammar; a pair other than the ones matched here means the grammar and this builder disagree, and `unexpected` reports it"
    )]
    fn primary(&self, pair: Pair<'_, Rule>) -> Expr {
        let span = span_of(&pair);
        let rule = pair.as_rule();
        let kind = match rule {
            Rule::expr => return self.expr(pair),
            Rule::int => ExprKind::Int(self.number(pair.as_str(), span)),
            Rule::date => ExprKind::Date(self.date(pair)),
            Rule::duration => ExprKind::Duration(self.duration(pair)),
            Rule::bool_lit => ExprKind::Bool(pair.as_str() == "true"),
            Rule::none_lit => ExprKind::None,
            Rule::ident => ExprKind::Name(ident(pair)),
            Rule::set_lit => {
                let parts = kids(pair);
                match parts.iter().position(|p| p.as_rule() == Rule::set_cond) {
                    None => ExprKind::Set(parts.into_iter().map(|p| self.expr(p)).collect()),
                    Some(at) => self.set_filter(parts, at, span),
                }
            }
            Rule::call => {
                let mut parts = kids(pair).into_iter();
                let func = parts.next().map_or_else(|| empty_ident(span), ident);
                ExprKind::Call {
                    func,
                    args: parts.map(|p| self.expr(p)).collect(),
                }
            }
            Rule::record_lit => {
                let mut parts = kids(pair).into_iter();
                let kind = parts.next().map_or_else(|| empty_ident(span), ident);
                let fields = parts
                    .map(|field| {
                        let fspan = span_of(&field);
                        let mut f = kids(field).into_iter();
                        let name = f.next().map_or_else(|| empty_ident(fspan), ident);
                        let value = f.next().map_or_else(|| none_expr(fspan), |e| self.expr(e));
                        (name, value)
                    })
                    .collect();
                ExprKind::Record { kind, fields }
            }
            Rule::if_expr => {
                let mut parts = kids(pair).into_iter().map(|p| Box::new(self.expr(p)));
                let mut next = || parts.next().unwrap_or_else(|| Box::new(none_expr(span)));
                ExprKind::If {
                    cond: next(),
                    then: next(),
                    otherwise: next(),
                }
            }
            Rule::quantifier => {
                let parts = kids(pair);
                let kind = match parts.first().map(|p| p.as_str()) {
                    Some("any") => QuantifierKind::Any,
                    _ => QuantifierKind::All,
                };
                let var = parts.get(1).cloned().map_or_else(|| empty_ident(span), ident);
                let set = parts.get(2).cloned().map_or_else(|| none_expr(span), |p| self.expr(p));
                let body = parts.get(3).cloned().map_or_else(|| none_expr(span), |p| self.expr(p));
                ExprKind::Quantifier {
                    kind,
                    var,
                    set: Box::new(set),
                    body: Box::new(body),
                }
            }
            other => {
                self.unexpected(other, span);
                ExprKind::None
            }
        };
        Expr { kind, span }
    }

    // -------------------------------------------------------------- history

    #[expect(
        clippy::wildcard_enum_match_arm,
        reason = "pest's `Rule` names every rule of the grammar; a pair other than the ones matched here means the grammar and this builder disagree, and `unexpected` reports it"
    )]
    fn record(&self, pair: Pair<'_, Rule>) -> Option<Record> {
        let span = span_of(&pair);
        let rule = pair.as_rule();
        if rule == Rule::EOI {
            return None;
        }
        if rule == Rule::party_decl {
            return Some(Record {
                kind: RecordKind::Party(self.party(pair)),
                sources: Vec::new(),
                inferred: Vec::new(),
                span,
            });
        }
        if rule == Rule::test_decl {
            return Some(Record {
                kind: RecordKind::Test(self.test_decl(pair)),
                sources: Vec::new(),
                inferred: Vec::new(),
                span,
            });
        }
        let parts = kids(pair);
        let sources: Vec<SourceRef> = parts
            .iter()
            .filter(|p| p.as_rule() == Rule::source_ref)
            .map(|p| self.source_ref(p.clone()))
            .collect();
        let inferred: Vec<Inferred> = parts
            .iter()
            .filter(|p| p.as_rule() == Rule::inferred_mark)
            .map(|p| self.inferred(p.clone()))
            .collect();
        let parts: Vec<Pair<'_, Rule>> = parts
            .into_iter()
            .filter(|p| p.as_rule() != Rule::source_ref && p.as_rule() != Rule::inferred_mark)
            .collect();
        let one_ident = |i: usize| parts.get(i).cloned().map_or_else(|| empty_ident(span), ident);
        let spec_at = |i: usize| {
            parts
                .get(i)
                .cloned()
                .map_or_else(|| empty_spec(span), |p| self.date_spec(p))
        };
        let kind = match rule {
            Rule::meeting_record => {
                let mut parts = parts.clone().into_iter();
                let id = parts.next().map_or_else(|| empty_ident(span), ident);
                let mut fields: Vec<MeetingField> = parts.map(|p| self.meeting_field(p)).collect();
                // Sources were split off above; in a meeting they are fields.
                for source in &sources {
                    fields.push(MeetingField {
                        kind: MeetingFieldKind::Source(source.clone()),
                        span: source.span,
                    });
                }
                for mark in &inferred {
                    fields.push(MeetingField {
                        kind: MeetingFieldKind::Inferred(mark.clone()),
                        span: mark.why.span,
                    });
                }
                fields.sort_by_key(|f| f.span.start);
                return Some(Record {
                    kind: RecordKind::Meeting(MeetingRecord { id, fields }),
                    sources,
                    inferred,
                    span,
                });
            }
            Rule::decline_record => RecordKind::Decline {
                party: one_ident(0),
                turn: parts.get(1).cloned().map_or_else(|| empty_date(span), |p| self.date(p)),
            },
            Rule::designation_record => RecordKind::Designation {
                party: one_ident(0),
                role: one_ident(1),
                on: spec_at(2),
                person: parts.get(3).cloned().map(|p| self.string(p)),
            },
            Rule::silence_record => RecordKind::SilenceBroken {
                party: one_ident(0),
                on: spec_at(1),
                becomes: one_ident(2),
            },
            Rule::handover_record => RecordKind::Handover {
                to: one_ident(0),
                on: spec_at(1),
                decided_by: match (parts.get(2), parts.get(3)) {
                    (Some(m), Some(d)) if m.as_rule() == Rule::ident && d.as_rule() == Rule::ident => {
                        Some((ident(m.clone()), ident(d.clone())))
                    }
                    _ => None,
                },
                stated_term: parts
                    .iter()
                    .find(|p| p.as_rule() == Rule::stated_term)
                    .and_then(|p| kids(p.clone()).into_iter().next())
                    .map(|p| self.duration(p)),
            },
            Rule::role_record => RecordKind::RoleTaken {
                to: one_ident(0),
                // `office_role` holds `co_chair` or `vice_chair`.
                role: if parts
                    .get(1)
                    .and_then(|p| kids(p.clone()).into_iter().next())
                    .is_some_and(|p| p.as_rule() == Rule::vice_chair_word)
                {
                    OfficeRole::ViceChair
                } else {
                    OfficeRole::CoChair
                },
                on: spec_at(2),
            },
            Rule::vacancy_record => RecordKind::Vacancy { on: spec_at(0) },
            Rule::extension_record => RecordKind::Extension {
                party: one_ident(0),
                until: spec_at(1),
                decided_by: match (parts.get(2), parts.get(3)) {
                    (Some(m), Some(d)) => Some((ident(m.clone()), ident(d.clone()))),
                    _ => None,
                },
            },
            Rule::joined_record => RecordKind::Joined {
                party: one_ident(0),
                on: spec_at(1),
            },
            Rule::candidacy_record => RecordKind::Candidacy {
                party: one_ident(0),
                on: spec_at(1),
            },
            Rule::status_record => RecordKind::Status {
                party: one_ident(0),
                becomes: one_ident(1),
                on: spec_at(2),
                decided_by: match (parts.get(3), parts.get(4)) {
                    (Some(m), Some(d)) => Some((ident(m.clone()), ident(d.clone()))),
                    _ => None,
                },
            },
            Rule::meeting_kind_record => RecordKind::MeetingKind {
                id: one_ident(0),
                name: parts
                    .get(1)
                    .cloned()
                    .map_or_else(|| empty_str(span), |p| self.string(p)),
            },
            Rule::application_record => RecordKind::Application {
                party: one_ident(0),
                status: one_ident(1),
                on: spec_at(2),
                outcome: parts.get(3).cloned().map(|p| self.application_outcome(p)),
            },
            Rule::snapshot_record => {
                let list = |rule: Rule| {
                    parts
                        .iter()
                        .find(|p| p.as_rule() == rule)
                        .map(|p| kids(p.clone()).first().map(ident_list).unwrap_or_default())
                };
                let partial = |rule: Rule| {
                    parts
                        .iter()
                        .find(|p| p.as_rule() == rule)
                        .is_some_and(|p| p.clone().into_inner().any(|k| k.as_rule() == Rule::and_others))
                };
                RecordKind::Snapshot {
                    on: spec_at(0),
                    members: list(Rule::snapshot_members),
                    observers: list(Rule::snapshot_observers),
                    members_partial: partial(Rule::snapshot_members),
                    observers_partial: partial(Rule::snapshot_observers),
                    chair: parts
                        .iter()
                        .find(|p| p.as_rule() == Rule::snapshot_chair)
                        .and_then(|p| kids(p.clone()).first().cloned())
                        .map(ident),
                }
            }
            Rule::composition_record => RecordKind::Composition {
                group: parts.first().cloned().map_or_else(|| empty_ident(span), ident),
                parties: parts.get(1).map(ident_list).unwrap_or_default(),
                from: spec_at(2),
                until: parts
                    .get(3)
                    .filter(|p| p.as_rule() == Rule::date_spec)
                    .cloned()
                    .map(|p| self.date_spec(p)),
            },
            Rule::note_record => RecordKind::Note {
                text: parts
                    .first()
                    .cloned()
                    .map_or_else(|| empty_str(span), |p| self.string(p)),
            },
            other => {
                self.unexpected(other, span);
                return None;
            }
        };
        Some(Record {
            kind,
            sources,
            inferred,
            span,
        })
    }

    fn inferred(&self, pair: Pair<'_, Rule>) -> Inferred {
        let span = span_of(&pair);
        let parts = kids(pair);
        Inferred {
            date_only: parts
                .iter()
                .any(|p| p.as_rule() == Rule::inferred_part && p.as_str() == "date"),
            host_only: parts
                .iter()
                .any(|p| p.as_rule() == Rule::inferred_part && p.as_str() == "host"),
            why: parts
                .iter()
                .find(|p| p.as_rule() == Rule::string)
                .cloned()
                .map_or_else(|| empty_str(span), |p| self.string(p)),
        }
    }

    fn application_outcome(&self, pair: Pair<'_, Rule>) -> ApplicationOutcome {
        let span = span_of(&pair);
        let parts = kids(pair);
        // The grammar's `outcome_word` allows only the four words; any
        // other means grammar and builder disagree, which is reported.
        let outcome = parts
            .first()
            .and_then(|p| Outcome::from_word(p.as_str()))
            .unwrap_or_else(|| {
                self.unexpected(Rule::outcome_word, span);
                Outcome::Pending
            });
        let on = parts
            .iter()
            .find(|p| p.as_rule() == Rule::date_spec)
            .cloned()
            .map(|p| self.date_spec(p));
        let ids: Vec<Ident> = parts
            .iter()
            .filter(|p| p.as_rule() == Rule::ident)
            .cloned()
            .map(ident)
            .collect();
        let decided_by = match ids.as_slice() {
            [m, d] => Some((m.clone(), d.clone())),
            _ => None,
        };
        ApplicationOutcome {
            outcome,
            on,
            decided_by,
            span,
        }
    }

    #[expect(
        clippy::wildcard_enum_match_arm,
        reason = "pest's `Rule` names every rule of the grammar; a pair other than the ones matched here means the grammar and this builder disagree, and `unexpected` reports it"
    )]
    fn meeting_field(&self, pair: Pair<'_, Rule>) -> MeetingField {
        let span = span_of(&pair);
        let rule = pair.as_rule();
        let kind = match rule {
            Rule::decision_record => MeetingFieldKind::Decision(self.decision_record(pair)),
            Rule::inferred_mark => MeetingFieldKind::Inferred(self.inferred(pair)),
            // The other fields; the inner match reports a rule it does not know.
            _field => {
                let partial = pair.clone().into_inner().any(|p| p.as_rule() == Rule::and_others);
                let first = first_kid(pair);
                match rule {
                    Rule::kind_field => MeetingFieldKind::Kind(first.map_or_else(|| empty_ident(span), ident)),
                    Rule::date_field => {
                        MeetingFieldKind::Date(first.map_or_else(|| empty_spec(span), |p| self.date_spec(p)))
                    }
                    Rule::until_field => {
                        MeetingFieldKind::Until(first.map_or_else(|| empty_date(span), |p| self.date(p)))
                    }
                    Rule::place_field => {
                        MeetingFieldKind::Place(first.map_or_else(|| empty_str(span), |p| self.string(p)))
                    }
                    Rule::host_field => MeetingFieldKind::Host(first.map_or_else(|| empty_ident(span), ident)),
                    Rule::present_field => MeetingFieldKind::Present {
                        parties: first.as_ref().map(ident_list).unwrap_or_default(),
                        partial,
                    },
                    Rule::attending_field => {
                        MeetingFieldKind::Observers(first.as_ref().map(ident_list).unwrap_or_default())
                    }
                    other => {
                        self.unexpected(other, span);
                        MeetingFieldKind::Observers(Vec::new())
                    }
                }
            }
        };
        MeetingField { kind, span }
    }

    #[expect(
        clippy::wildcard_enum_match_arm,
        reason = "pest's `Rule` names every rule of the grammar; a pair other than the ones matched here means the grammar and this builder disagree, and `unexpected` reports it"
    )]
    fn decision_record(&self, pair: Pair<'_, Rule>) -> DecisionRecord {
        let span = span_of(&pair);
        let mut parts = kids(pair).into_iter();
        let id = parts.next().map_or_else(|| empty_ident(span), ident);
        let fields = parts
            .map(|p| {
                let fspan = span_of(&p);
                let rule = p.as_rule();
                let inner = kids(p);
                let party_set = |inner: &[Pair<'_, Rule>]| -> Vec<Ident> {
                    inner
                        .first()
                        .and_then(|set| kids(set.clone()).into_iter().next())
                        .filter(|p| p.as_rule() == Rule::ident_list)
                        .map(|p| ident_list(&p))
                        .unwrap_or_default()
                };
                let kind = match rule {
                    Rule::kind_field => {
                        DecisionFieldKind::Kind(inner.first().cloned().map_or_else(|| empty_ident(fspan), ident))
                    }
                    Rule::objections_field => DecisionFieldKind::Objections(party_set(&inner)),
                    Rule::reservations_field => DecisionFieldKind::Reservations(party_set(&inner)),
                    Rule::admits_field => DecisionFieldKind::Admits(inner.first().map(ident_list).unwrap_or_default()),
                    Rule::invites_field => DecisionFieldKind::Invites {
                        parties: inner.first().map(ident_list).unwrap_or_default(),
                        to: inner.get(1).cloned().map(ident),
                    },
                    Rule::elects_field => DecisionFieldKind::Elects {
                        party: inner.first().cloned().map_or_else(|| empty_ident(fspan), ident),
                        from: inner.get(1).cloned().map(|p| self.date_spec(p)),
                    },
                    Rule::further_field => DecisionFieldKind::Further {
                        what: inner.first().cloned().map_or_else(|| empty_ident(fspan), ident),
                        // As for outcomes: `further_word` allows only the
                        // three words, and another is reported.
                        outcome: inner
                            .get(1)
                            .and_then(|p| Further::from_word(p.as_str()))
                            .unwrap_or_else(|| {
                                self.unexpected(Rule::further_word, fspan);
                                Further::Continued
                            }),
                        detail: inner.get(2).cloned().map(|p| self.string(p)),
                    },
                    Rule::text_field => DecisionFieldKind::Text(
                        inner
                            .first()
                            .cloned()
                            .map_or_else(|| empty_str(fspan), |p| self.string(p)),
                    ),
                    Rule::source_ref => DecisionFieldKind::Source(self.source_ref_parts(inner, fspan)),
                    Rule::inferred_mark => DecisionFieldKind::Inferred(Inferred {
                        date_only: inner
                            .iter()
                            .any(|p| p.as_rule() == Rule::inferred_part && p.as_str() == "date"),
                        host_only: inner
                            .iter()
                            .any(|p| p.as_rule() == Rule::inferred_part && p.as_str() == "host"),
                        why: inner
                            .iter()
                            .find(|p| p.as_rule() == Rule::string)
                            .cloned()
                            .map_or_else(|| empty_str(fspan), |p| self.string(p)),
                    }),
                    other => {
                        self.unexpected(other, fspan);
                        DecisionFieldKind::Source(self.source_ref_parts(inner, fspan))
                    }
                };
                DecisionField { kind, span: fspan }
            })
            .collect();
        DecisionRecord { id, fields, span }
    }

    fn source_ref(&self, pair: Pair<'_, Rule>) -> SourceRef {
        let span = span_of(&pair);
        self.source_ref_parts(kids(pair), span)
    }

    #[expect(
        clippy::wildcard_enum_match_arm,
        reason = "pest's `Rule` names every rule of the grammar; a pair other than the ones matched here means the grammar and this builder disagree, and `unexpected` reports it"
    )]
    fn source_ref_parts(&self, parts: Vec<Pair<'_, Rule>>, span: Span) -> SourceRef {
        let mut parts = parts.into_iter();
        let document = parts.next().map_or_else(|| empty_str(span), |p| self.string(p));
        let paragraph = parts.next().map(|p| match p.as_rule() {
            Rule::string => self.string(p),
            Rule::int => Str {
                value: p.as_str().to_string(),
                span: span_of(&p),
            },
            other => {
                self.unexpected(other, span_of(&p));
                empty_str(span_of(&p))
            }
        });
        SourceRef {
            document,
            paragraph,
            span,
        }
    }

    #[expect(
        clippy::wildcard_enum_match_arm,
        reason = "pest's `Rule` names every rule of the grammar; a pair other than the ones matched here means the grammar and this builder disagree, and `unexpected` reports it"
    )]
    fn date_spec(&self, pair: Pair<'_, Rule>) -> DateSpec {
        let span = span_of(&pair);
        let mut precision = DatePrecision::Exact;
        let mut date = empty_date(span);
        for p in kids(pair) {
            match p.as_rule() {
                Rule::date_precision => {
                    precision = match first_kid(p).map(|q| q.as_rule()) {
                        Some(Rule::no_earlier_than) => DatePrecision::NoEarlierThan,
                        _ => DatePrecision::NoLaterThan,
                    }
                }
                Rule::date => date = self.date(p),
                Rule::date_window => {
                    let parts = kids(p);
                    let dates: Vec<DateLit> = parts
                        .iter()
                        .filter(|q| q.as_rule() == Rule::date)
                        .map(|q| self.date(q.clone()))
                        .collect();
                    match dates.first() {
                        // `between D1 and D2`
                        Some(first) => {
                            date = *first;
                            precision = DatePrecision::Between(dates.get(1).copied().unwrap_or(date));
                        }
                        None => {
                            // `in YYYY-MM` or `in YYYY`: the first day of the month or year.
                            if let Some(q) = parts
                                .iter()
                                .find(|q| matches!(q.as_rule(), Rule::month_lit | Rule::year_lit))
                            {
                                let first = self.date(q.clone());
                                precision = if q.as_rule() == Rule::month_lit {
                                    DatePrecision::InMonth
                                } else {
                                    DatePrecision::InYear
                                };
                                date = DateLit {
                                    month: if precision == DatePrecision::InYear {
                                        1
                                    } else {
                                        first.month
                                    },
                                    day: 1,
                                    ..first
                                };
                            }
                        }
                    }
                }
                other => self.unexpected(other, span_of(&p)),
            }
        }
        DateSpec { precision, date, span }
    }

    // -------------------------------------------------------------- tokens

    fn string(&self, pair: Pair<'_, Rule>) -> Str {
        let span = span_of(&pair);
        let raw = pair.as_str();
        let inner = raw.strip_prefix('"').and_then(|s| s.strip_suffix('"')).unwrap_or(raw);
        if !inner.contains('\\') {
            return Str {
                value: inner.to_owned(),
                span,
            };
        }
        let mut value = String::with_capacity(inner.len());
        let mut chars = inner.chars();
        while let Some(c) = chars.next() {
            if c == '\\' {
                match chars.next() {
                    Some('n') => value.push('\n'),
                    Some('t') => value.push('\t'),
                    Some(other) => value.push(other),
                    None => {}
                }
            } else {
                value.push(c);
            }
        }
        Str { value, span }
    }

    fn date(&self, pair: Pair<'_, Rule>) -> DateLit {
        let span = span_of(&pair);
        let mut parts = pair.as_str().split('-').map(|s| s.parse::<i16>().unwrap_or(0));
        let year = parts.next().unwrap_or(0);
        let month = parts.next().unwrap_or(0);
        let day = parts.next().unwrap_or(0);
        DateLit {
            year,
            month: i8::try_from(month).unwrap_or(0),
            day: i8::try_from(day).unwrap_or(0),
            span,
        }
    }

    fn duration(&self, pair: Pair<'_, Rule>) -> DurationLit {
        let span = span_of(&pair);
        let parts = kids(pair);
        let amount = parts.first().map_or(0, |p| self.number(p.as_str(), span_of(p)));
        let unit = match parts.get(1).map(|p| p.as_str()) {
            Some(u) if u.starts_with("day") => DurationUnit::Days,
            Some(u) if u.starts_with("month") => DurationUnit::Months,
            _ => DurationUnit::Years,
        };
        DurationLit { amount, unit, span }
    }

    fn number(&self, text: &str, span: Span) -> i64 {
        match text.parse::<i64>() {
            Ok(n) if n <= MAX_NUMBER => n,
            _ => {
                self.diagnostics.borrow_mut().push(
                    ParseDiagnostic::NumberTooLarge {
                        text: text.to_string(),
                        span,
                    }
                    .into(),
                );
                0
            }
        }
    }
}

/// Numbers are kept small enough that sums and products of a few of them
/// cannot overflow the evaluators' 64-bit arithmetic unnoticed.
pub const MAX_NUMBER: i64 = 1_000_000_000;

fn first_kid(pair: Pair<'_, Rule>) -> Option<Pair<'_, Rule>> {
    kids(pair).into_iter().next()
}

fn ident(pair: Pair<'_, Rule>) -> Ident {
    Ident {
        name: pair.as_str().to_string(),
        span: span_of(&pair),
    }
}

/// `may speak, decide [at K, ...]`
fn observer_rights(pair: Pair<'_, Rule>) -> ObserverRights {
    let lists: Vec<Vec<Ident>> = kids(pair)
        .iter()
        .filter(|p| p.as_rule() == Rule::ident_list)
        .map(ident_list)
        .collect();
    let mut lists = lists.into_iter();
    ObserverRights {
        rights: lists.next().unwrap_or_default(),
        at: lists.next().unwrap_or_default(),
    }
}

/// The parties listed under the part of `parts` that is a `rule`
/// (`co_chair HUN, AZE`), none if it is absent.
fn listed_after(parts: &[Pair<'_, Rule>], rule: Rule) -> Vec<Ident> {
    parts
        .iter()
        .find(|p| p.as_rule() == rule)
        .and_then(|p| kids(p.clone()).into_iter().find(|q| q.as_rule() == Rule::ident_list))
        .map(|p| ident_list(&p))
        .unwrap_or_default()
}

fn ident_list(pair: &Pair<'_, Rule>) -> Vec<Ident> {
    kids(pair.clone()).into_iter().map(ident).collect()
}

fn type_expr(pair: Pair<'_, Rule>) -> TypeExpr {
    let span = span_of(&pair);
    match first_kid(pair) {
        Some(p) if p.as_rule() == Rule::set_type => {
            let inner = first_kid(p).map_or_else(|| TypeExpr::Named(empty_ident(span)), type_expr);
            TypeExpr::Set(Box::new(inner), span)
        }
        Some(p) => TypeExpr::Named(ident(p)),
        None => TypeExpr::Named(empty_ident(span)),
    }
}

fn empty_ident(span: Span) -> Ident {
    Ident {
        name: String::new(),
        span,
    }
}

fn empty_str(span: Span) -> Str {
    Str {
        value: String::new(),
        span,
    }
}

fn empty_date(span: Span) -> DateLit {
    DateLit {
        year: 0,
        month: 0,
        day: 0,
        span,
    }
}

fn empty_spec(span: Span) -> DateSpec {
    DateSpec {
        precision: DatePrecision::Exact,
        date: empty_date(span),
        span,
    }
}

fn empty_duration(span: Span) -> DurationLit {
    DurationLit {
        amount: 0,
        unit: DurationUnit::Years,
        span,
    }
}

fn none_expr(span: Span) -> Expr {
    Expr {
        kind: ExprKind::None,
        span,
    }
}
