//! `Env` + rule and test bodies -> types, the rule call graph and the
//! resolved, typed rules and tests of the HIR. Every expression gets a type; a mismatch is reported once and the offending
//! expression is given `Type::Error`, so one mistake does not cascade.

use std::collections::BTreeMap;

use charter_grammar::ast::*;
use charter_grammar::Diagnostic;

use charter_grammar::diagnostic::LineIndex;
use charter_runtime::ir;

use crate::diagnostics::TypeDiagnostic;
use crate::hir;
use crate::package::{FileId, Package, Sink, SourceFile};
use crate::resolve::{day, duration, items, records, Env};
use crate::suggest;
use crate::types::{builtin, to_type, type_names, Type};

/// A rule's checked signature.
#[derive(Debug, Clone)]
pub struct Signature {
    pub params: Vec<Type>,
    pub ret: Type,
}

/// A call from one rule to another, for the termination check.
#[derive(Debug, Clone)]
pub struct CallEdge {
    pub callee: String,
    pub file: FileId,
    pub span: Span,
}

/// What type checking learns: rule signatures, who calls whom, and the
/// resolved, typed rules and tests (`None` if any part failed to check,
/// in which case an error was reported).
#[derive(Debug, Default)]
pub struct Typed {
    pub signatures: BTreeMap<String, Signature>,
    pub calls: BTreeMap<String, Vec<CallEdge>>,
    /// Every rule, in id (name) order.
    pub rules: Option<Vec<hir::Rule>>,
    pub tests: Option<Vec<hir::Test>>,
}

/// Type-checks every rule and test of the package. `files` are the sources
/// the package's spans point into (a test's assertions keep their place).
pub fn check(package: &Package<'_>, env: &Env<'_>, files: &[SourceFile], sink: &mut Sink) -> Typed {
    let mut typed = Typed::default();
    for (name, rule) in &env.rules {
        let mut checker = Checker::new(env, rule.def.file, sink);
        let params = rule.decl.params.iter().map(|p| checker.type_expr(&p.ty)).collect();
        let ret = checker.type_expr(&rule.decl.ret);
        typed.signatures.insert(name.clone(), Signature { params, ret });
    }
    let mut rules: BTreeMap<&str, Option<hir::Rule>> = BTreeMap::new();
    let mut tests: Vec<Option<hir::Test>> = Vec::new();
    let lines: Vec<LineIndex<'_>> = files.iter().map(|f| LineIndex::new(&f.text)).collect();
    for item in items(package) {
        match item.node {
            Item::Rule(decl) => {
                // Only the definition that won in `Env` is checked as the
                // rule; a duplicate was reported already.
                let is_defined = env
                    .rules
                    .get(&decl.name.name)
                    .is_some_and(|r| std::ptr::eq(r.decl, decl));
                let Some(signature) = typed.signatures.get(&decl.name.name).filter(|_| is_defined) else {
                    continue;
                };
                let signature = signature.clone();
                let mut checker = Checker::new(env, item.file, sink);
                checker.signatures = Some(&typed.signatures);
                let mut seen: BTreeMap<&str, Span> = BTreeMap::new();
                let mut params = Vec::new();
                for (param, ty) in decl.params.iter().zip(&signature.params) {
                    if let Some(first) = seen.insert(&param.name.name, param.name.span) {
                        checker.sink.push(
                            item.file,
                            TypeDiagnostic::DuplicateParameter {
                                name: param.name.name.clone(),
                                span: param.name.span,
                                first,
                            },
                        );
                    }
                    checker.scope.push((param.name.name.clone(), ty.clone()));
                    params.push((param.name.name.clone(), ty.clone()));
                }
                let (actual, body) = checker.expr(&decl.body);
                checker.expect(&decl.body, &actual, &signature.ret, "the rule's declared result type");
                let calls = std::mem::take(&mut checker.calls);
                typed.calls.insert(decl.name.name.clone(), calls);
                rules.insert(
                    &decl.name.name,
                    body.map(|body| hir::Rule {
                        name: decl.name.name.clone(),
                        params,
                        ret: signature.ret.clone(),
                        body,
                    }),
                );
            }
            Item::Test(test) => tests.push(check_test(env, &typed.signatures, files, &lines, item.file, test, sink)),
            Item::Party(_) | Item::Block(_) | Item::Stmt(_) | Item::NonNormative(_) => {}
        }
    }
    for (file, record) in records(package) {
        match &record.kind {
            RecordKind::Test(test) => tests.push(check_test(env, &typed.signatures, files, &lines, file, test, sink)),
            RecordKind::Meeting(_)
            | RecordKind::MeetingKind { .. }
            | RecordKind::Application { .. }
            | RecordKind::Extension { .. }
            | RecordKind::Decline { .. }
            | RecordKind::Designation { .. }
            | RecordKind::SilenceBroken { .. }
            | RecordKind::Handover { .. }
            | RecordKind::RoleTaken { .. }
            | RecordKind::Vacancy { .. }
            | RecordKind::Joined { .. }
            | RecordKind::Candidacy { .. }
            | RecordKind::Status { .. }
            | RecordKind::Party(_)
            | RecordKind::Snapshot { .. }
            | RecordKind::Composition { .. }
            | RecordKind::Note { .. } => {}
        }
    }
    typed.rules = env
        .rules
        .keys()
        .map(|name| rules.remove(name.as_str()).flatten())
        .collect();
    typed.tests = tests.into_iter().collect();
    typed
}

/// Type-checks a free-standing expression (a query) with the given named
/// values in scope (slots 0.. in order); returns its type and, if it
/// checked, its resolved form.
pub fn check_expr(
    env: &Env<'_>,
    typed: &Typed,
    file: FileId,
    locals: Vec<(String, Type)>,
    expr: &Expr,
    sink: &mut Sink,
) -> (Type, Option<hir::Expr>) {
    let mut checker = Checker::new(env, file, sink);
    checker.signatures = Some(&typed.signatures);
    checker.scope = locals;
    checker.expr(expr)
}

fn check_test(
    env: &Env<'_>,
    signatures: &BTreeMap<String, Signature>,
    files: &[SourceFile],
    lines: &[LineIndex<'_>],
    file: FileId,
    test: &TestDecl,
    sink: &mut Sink,
) -> Option<hir::Test> {
    let source = files.get(file);
    let lines = lines.get(file);
    let mut checker = Checker::new(env, file, sink);
    checker.signatures = Some(signatures);
    let mut lets: BTreeMap<&str, Span> = BTreeMap::new();
    let mut steps = Vec::new();
    for stmt in &test.stmts {
        match stmt {
            TestStmt::Let { name, value, .. } => {
                let (ty, value) = checker.expr(value);
                if let Some(first) = lets.insert(name.name.as_str(), name.span) {
                    checker.sink.push(
                        file,
                        TypeDiagnostic::DuplicateLet {
                            name: name.name.clone(),
                            span: name.span,
                            first,
                        },
                    );
                }
                checker.scope.push((name.name.clone(), ty));
                steps.push(value.map(hir::TestStep::Let));
            }
            TestStmt::Assert { expr, span } => {
                let (ty, resolved) = checker.expr(expr);
                checker.expect(expr, &ty, &Type::Bool, "an assertion");
                steps.push(resolved.zip(source.zip(lines)).map(|(resolved, (source, lines))| {
                    let (line, column) = lines.line_column(span.start);
                    hir::TestStep::Assert {
                        expr: resolved,
                        file: source.name.clone(),
                        line,
                        column,
                        text: source
                            .text
                            .get(expr.span.start..expr.span.end)
                            .unwrap_or_default()
                            .to_string(),
                    }
                }));
            }
        }
    }
    Some(hir::Test {
        name: hir::Spanned {
            node: test.name.value.clone(),
            span: test.name.span,
        },
        file,
        steps: steps.into_iter().collect::<Option<_>>()?,
    })
}

/// A checked expression: its type, and its resolved form unless it (or a
/// part of it) failed to check.
type Checked = (Type, Option<hir::Expr>);

fn node(kind: Option<hir::ExprKind>, ty: Type, span: Span) -> Checked {
    let expr = kind.map(|kind| hir::Expr {
        kind,
        ty: ty.clone(),
        span,
    });
    (ty, expr)
}

fn boxed(e: Option<hir::Expr>) -> Option<Box<hir::Expr>> {
    e.map(Box::new)
}

struct Checker<'e, 'a, 's> {
    env: &'e Env<'a>,
    file: FileId,
    sink: &'s mut Sink,
    signatures: Option<&'e BTreeMap<String, Signature>>,
    scope: Vec<(String, Type)>,
    calls: Vec<CallEdge>,
}

impl<'e, 'a, 's> Checker<'e, 'a, 's> {
    fn new(env: &'e Env<'a>, file: FileId, sink: &'s mut Sink) -> Self {
        Checker {
            env,
            file,
            sink,
            signatures: None,
            scope: Vec::new(),
            calls: Vec::new(),
        }
    }

    fn error(&mut self, d: impl Into<Diagnostic>) -> Type {
        self.sink.push(self.file, d);
        Type::Error
    }

    fn type_expr(&mut self, ty: &TypeExpr) -> Type {
        match ty {
            TypeExpr::Set(inner, _) => Type::Set(Box::new(self.type_expr(inner))),
            TypeExpr::Named(ident) => match Type::from_name(&ident.name) {
                Some(t) => t,
                None => {
                    let names = type_names();
                    let names: Vec<&str> = names.iter().map(String::as_str).collect();
                    self.error(TypeDiagnostic::UnknownType {
                        name: ident.name.clone(),
                        span: ident.span,
                        help: suggest::help(
                            &ident.name,
                            names.iter().copied(),
                            format!("the types are {}", crate::resolve::backticked(&names)),
                        ),
                    })
                }
            },
        }
    }

    /// Reports a mismatch when `actual` does not fit `expected`.
    fn expect(&mut self, expr: &Expr, actual: &Type, expected: &Type, context: &str) {
        if !actual.fits(expected) {
            self.error(TypeDiagnostic::Mismatch {
                expected: expected.to_string(),
                actual: actual.to_string(),
                context: context.to_string(),
                span: expr.span,
                help: conversion_help(actual, expected),
            });
        }
    }

    /// The slot and type of a local.
    fn lookup(&self, name: &str) -> Option<(u32, Type)> {
        let slot = self.scope.iter().rposition(|(n, _)| n == name)?;
        self.scope.get(slot).map(|(_, t)| (slot as u32, t.clone()))
    }

    fn expr(&mut self, expr: &Expr) -> Checked {
        let span = expr.span;
        match &expr.kind {
            ExprKind::Bool(b) => node(Some(hir::ExprKind::Bool(*b)), Type::Bool, span),
            ExprKind::Int(i) => node(Some(hir::ExprKind::Int(*i)), Type::Int, span),
            // A literal off the calendar is `wellformed`'s to report.
            ExprKind::Date(d) => node(day(d).map(hir::ExprKind::Date), Type::Date, span),
            ExprKind::Duration(d) => node(Some(hir::ExprKind::Duration(duration(d))), Type::Duration, span),
            ExprKind::None => node(Some(hir::ExprKind::None), Type::None, span),
            ExprKind::Name(ident) => self.name(ident),
            ExprKind::Set(elements) => {
                let mut element_type = Type::Error;
                let mut resolved = Vec::new();
                for (i, element) in elements.iter().enumerate() {
                    let (t, e) = self.expr(element);
                    if i == 0 {
                        element_type = t;
                    } else {
                        self.expect(element, &t, &element_type, "an element of this set");
                    }
                    resolved.push(e);
                }
                let kind = resolved.into_iter().collect::<Option<_>>().map(hir::ExprKind::Set);
                node(kind, Type::Set(Box::new(element_type)), span)
            }
            ExprKind::Record { kind, fields } => self.record(kind, fields, span),
            ExprKind::Call { func, args } => self.call(func, args, span),
            ExprKind::Field { base, field } => {
                let (base_type, base) = self.expr(base);
                if base_type == Type::Error {
                    // The base's type is unknown (a mistake already
                    // reported, or an element of an empty set): any field
                    // name of a record will do, and the result is unknown.
                    return match ir::Field::from_name(&field.name) {
                        Some(f) => node(boxed(base).map(|b| hir::ExprKind::Field(b, f)), Type::Error, span),
                        None => (self.unknown_field(&base_type, field), None),
                    };
                }
                let found = ir::Field::from_name(&field.name).and_then(|f| base_type.field(f).map(|t| (f, t)));
                match found {
                    Some((f, t)) => node(boxed(base).map(|b| hir::ExprKind::Field(b, f)), t, span),
                    None => (self.unknown_field(&base_type, field), None),
                }
            }
            ExprKind::Unary { op, operand } => {
                let (t, e) = self.expr(operand);
                let (want, result) = match op {
                    UnaryOp::Not => (Type::Bool, Type::Bool),
                    UnaryOp::Neg => (Type::Int, Type::Int),
                };
                self.expect(operand, &t, &want, "this operator");
                let kind = boxed(e).map(|e| match op {
                    UnaryOp::Not => hir::ExprKind::Not(e),
                    UnaryOp::Neg => hir::ExprKind::Neg(e),
                });
                node(kind, result, span)
            }
            ExprKind::Binary { op, lhs, rhs } => self.binary(*op, lhs, rhs, span),
            ExprKind::If { cond, then, otherwise } => {
                let (c, ce) = self.expr(cond);
                self.expect(cond, &c, &Type::Bool, "a condition");
                let (a, ae) = self.expr(then);
                let (b, be) = self.expr(otherwise);
                let ty = if a == Type::None {
                    b
                } else {
                    self.expect(otherwise, &b, &a, "the `else` branch (it must match the `then` branch)");
                    a
                };
                let kind = (|| Some(hir::ExprKind::If(boxed(ce)?, boxed(ae)?, boxed(be)?)))();
                node(kind, ty, span)
            }
            ExprKind::Quantifier { kind, var, set, body } => {
                let (set_type, set_expr) = self.expr(set);
                let element = self.element_of(set_type, set.span);
                let slot = self.scope.len() as u32;
                self.scope.push((var.name.clone(), element));
                let (b, body_expr) = self.expr(body);
                self.scope.pop();
                self.expect(body, &b, &Type::Bool, "a quantifier's body");
                let resolved = (|| {
                    Some(hir::ExprKind::Quantifier {
                        all: *kind == QuantifierKind::All,
                        slot,
                        set: boxed(set_expr)?,
                        body: boxed(body_expr)?,
                    })
                })();
                node(resolved, Type::Bool, span)
            }
            ExprKind::Filter { var, set, cond } => {
                let (set_type, set_expr) = self.expr(set);
                let element = self.element_of(set_type, set.span);
                let slot = self.scope.len() as u32;
                self.scope.push((var.name.clone(), element.clone()));
                let (c, cond_expr) = self.expr(cond);
                self.scope.pop();
                self.expect(cond, &c, &Type::Bool, "a filter's condition");
                let resolved = (|| {
                    Some(hir::ExprKind::Filter {
                        slot,
                        set: boxed(set_expr)?,
                        cond: boxed(cond_expr)?,
                    })
                })();
                let ty = if element == Type::Error {
                    Type::Error
                } else {
                    Type::Set(Box::new(element))
                };
                node(resolved, ty, span)
            }
        }
    }

    /// The element type of what a quantifier or filter ranges over.
    fn element_of(&mut self, set_type: Type, span: Span) -> Type {
        if let Type::Set(inner) = set_type {
            *inner
        } else if set_type == Type::Error {
            Type::Error
        } else {
            self.error(TypeDiagnostic::NotASet {
                actual: set_type.to_string(),
                span,
            });
            Type::Error
        }
    }

    fn name(&mut self, ident: &Ident) -> Checked {
        if let Some((slot, t)) = self.lookup(&ident.name) {
            return node(Some(hir::ExprKind::Local(slot)), t, ident.span);
        }
        if let Some((t, kind)) = self.env.global(&ident.name) {
            return node(Some(kind), t, ident.span);
        }
        let looks_like_party = ident.name.len() >= 2
            && ident
                .name
                .chars()
                .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_');
        if looks_like_party {
            self.env.party(self.file, ident, self.sink);
            return (Type::Error, None);
        }
        let mut candidates: Vec<&str> = self.scope.iter().map(|(n, _)| n.as_str()).collect();
        candidates.extend(self.env.global_names());
        let help = suggest::help(&ident.name, candidates, "a name here is a parameter, a `let`, a quantified variable, a party, a meeting or decision kind, a status or a recorded meeting or decision");
        let d = TypeDiagnostic::UnknownName {
            name: ident.name.clone(),
            span: ident.span,
            help,
        };
        (self.error(d), None)
    }

    fn unknown_field(&mut self, base: &Type, field: &Ident) -> Type {
        let names = if *base == Type::Error {
            ir::Field::ALL.iter().map(|f| f.name()).collect()
        } else {
            base.field_names()
        };
        let message = if *base == Type::Error {
            format!("no record has a field `{}`", field.name)
        } else {
            format!("`{base}` has no field `{}`", field.name)
        };
        let otherwise = if names.is_empty() {
            format!("a `{base}` has no fields")
        } else {
            format!("its fields are {}", crate::resolve::backticked(&names))
        };
        self.error(TypeDiagnostic::UnknownField {
            message,
            span: field.span,
            help: suggest::help(&field.name, names.iter().copied(), otherwise),
        })
    }

    fn record(&mut self, kind: &Ident, fields: &[(Ident, Expr)], span: Span) -> Checked {
        let ty = match kind.name.as_str() {
            "meeting" => Type::Meeting,
            "decision" => Type::Decision,
            other => {
                let d = TypeDiagnostic::UnknownRecordType {
                    name: other.to_string(),
                    span: kind.span,
                    help: suggest::help(
                        other,
                        ["meeting", "decision"],
                        "records are `meeting { ... }` and `decision { ... }`",
                    ),
                };
                for (_, value) in fields {
                    self.expr(value);
                }
                return (self.error(d), None);
            }
        };
        let mut seen: BTreeMap<&str, Span> = BTreeMap::new();
        let mut resolved: Vec<Option<(ir::Field, hir::Expr)>> = Vec::new();
        for (name, value) in fields {
            // A kind that names nothing is an unknown meeting or decision kind.
            if let ("kind", ExprKind::Name(kind_name)) = (name.name.as_str(), &value.kind) {
                if self.lookup(&kind_name.name).is_none() && self.env.global(&kind_name.name).is_none() {
                    if ty == Type::Meeting {
                        self.env.meeting_kind(self.file, kind_name, self.sink);
                    } else {
                        self.env.decision_kind(self.file, kind_name, self.sink);
                    }
                    seen.insert(&name.name, name.span);
                    resolved.push(None);
                    continue;
                }
            }
            let (actual, value_expr) = self.expr(value);
            if let Some(first) = seen.insert(&name.name, name.span) {
                self.error(TypeDiagnostic::DuplicateField {
                    field: name.name.clone(),
                    span: name.span,
                    first,
                });
                resolved.push(None);
                continue;
            }
            let field = ir::Field::from_name(&name.name).and_then(|f| ty.field(f).map(|t| (f, t)));
            match field {
                Some((f, expected)) => {
                    self.expect(value, &actual, &expected, &format!("field `{}`", name.name));
                    resolved.push(value_expr.map(|v| (f, v)));
                }
                None => {
                    self.unknown_field(&ty, name);
                    resolved.push(None);
                }
            }
        }
        for required in ty.required_fields() {
            if !seen.contains_key(required.name()) {
                self.error(TypeDiagnostic::MissingField {
                    record: ty.to_string(),
                    field: required.name(),
                    span: kind.span,
                });
                resolved.push(None);
            }
        }
        let fields: Option<Vec<(ir::Field, hir::Expr)>> = resolved.into_iter().collect();
        let kind = fields.map(|fields| {
            if ty == Type::Meeting {
                hir::ExprKind::MeetingLit(fields)
            } else {
                hir::ExprKind::DecisionLit(fields)
            }
        });
        node(kind, ty, span)
    }

    fn call(&mut self, func: &Ident, args: &[Expr], span: Span) -> Checked {
        let checked: Vec<Checked> = args.iter().map(|a| self.expr(a)).collect();
        let (arg_types, arg_exprs): (Vec<Type>, Vec<Option<hir::Expr>>) = checked.into_iter().unzip();
        let rule_id = self.env.rules.get(&func.name).map(|r| r.id);
        let (params, ret, target): (Vec<Type>, Type, Option<Callee>) = if let Some(b) = builtin(&func.name) {
            if matches!(b.query, ir::Builtin::Chair | ir::Builtin::NextChair) && self.env.co_chairs.is_some() {
                let d = TypeDiagnostic::CoChairs {
                    name: func.name.clone(),
                    span: func.span,
                };
                return (self.error(d), None);
            }
            (
                b.params.iter().map(|(_, t)| to_type(*t)).collect(),
                to_type(b.ret),
                Some(Callee::Builtin(b.query)),
            )
        } else if let Some(sig) = self.signatures.and_then(|s| s.get(&func.name)) {
            self.calls.push(CallEdge {
                callee: func.name.clone(),
                file: self.file,
                span: func.span,
            });
            (sig.params.clone(), sig.ret.clone(), rule_id.map(Callee::Rule))
        } else {
            let candidates = self
                .env
                .rules
                .keys()
                .map(String::as_str)
                .chain(ir::Builtin::ALL.iter().map(|b| b.name()));
            let d = TypeDiagnostic::UnknownRule {
                name: func.name.clone(),
                span: func.span,
                help: suggest::help(
                    &func.name,
                    candidates,
                    "define it with `rule`, or call a built-in query such as `chair(d)`",
                ),
            };
            return (self.error(d), None);
        };
        if params.len() != arg_types.len() {
            let arg_span = args
                .first()
                .zip(args.last())
                .map_or(func.span, |(a, b)| a.span.to(b.span));
            let t = self.error(TypeDiagnostic::WrongArity {
                name: func.name.clone(),
                expected: format!("{} argument{}", params.len(), plural(params.len())),
                given: format!("{} {}", args.len(), if args.len() == 1 { "was" } else { "were" }),
                signature: signature_text(&func.name, &params),
                span: arg_span,
                given_label: format!("{} argument{}", args.len(), plural(args.len())),
            });
            return (t, None);
        }
        for ((arg, actual), expected) in args.iter().zip(&arg_types).zip(&params) {
            // `count` takes a set of anything: any set fits `set<?>`.
            let any_set = Type::Set(Box::new(Type::Error));
            let expected = if *expected == any_set && matches!(actual, Type::Set(_)) {
                actual.clone()
            } else {
                expected.clone()
            };
            self.expect(arg, actual, &expected, &format!("an argument of `{}`", func.name));
        }
        let args: Option<Vec<hir::Expr>> = arg_exprs.into_iter().collect();
        let kind = target.zip(args).map(|(target, args)| match target {
            Callee::Builtin(b) => hir::ExprKind::Builtin(b, args),
            Callee::Rule(id) => hir::ExprKind::Rule(id, args),
        });
        node(kind, ret, span)
    }

    fn binary(&mut self, op: BinaryOp, lhs: &Expr, rhs: &Expr, span: Span) -> Checked {
        let (a, mut ae) = self.expr(lhs);
        let (b, mut be) = self.expr(rhs);
        // Beside a `status`, `none` is the status none (no status), not an
        // absent value: `status(p, d) == none` holds for a party with none.
        if matches!(op, BinaryOp::Eq | BinaryOp::Ne) {
            for (other, side) in [(&a, &mut be), (&b, &mut ae)] {
                if *other == Type::Status {
                    if let Some(e) = side.as_mut().filter(|e| matches!(e.kind, hir::ExprKind::None)) {
                        e.kind = hir::ExprKind::Status(ir::Status::None);
                        e.ty = Type::Status;
                    }
                }
            }
        }
        let ty = self.binary_type(op, lhs, rhs, a, b, span);
        let kind = (|| Some(hir::ExprKind::Binary(bin_op(op), boxed(ae)?, boxed(be)?)))();
        node(kind, ty, span)
    }

    fn binary_type(&mut self, op: BinaryOp, lhs: &Expr, rhs: &Expr, a: Type, b: Type, span: Span) -> Type {
        let arithmetic = matches!(op, BinaryOp::Add | BinaryOp::Sub | BinaryOp::Mul);
        if a == Type::Error || b == Type::Error {
            return if arithmetic { Type::Error } else { Type::Bool };
        }
        match op {
            BinaryOp::Implies | BinaryOp::Or | BinaryOp::And => {
                self.expect(lhs, &a, &Type::Bool, &format!("`{}`", op.symbol()));
                self.expect(rhs, &b, &Type::Bool, &format!("`{}`", op.symbol()));
                Type::Bool
            }
            BinaryOp::Eq | BinaryOp::Ne => {
                if !a.fits(&b) {
                    self.operand_mismatch(op, &a, &b, span, "both sides must have the same type");
                }
                Type::Bool
            }
            BinaryOp::Lt | BinaryOp::Le | BinaryOp::Gt | BinaryOp::Ge => {
                let ordered = matches!((&a, &b), (Type::Int, Type::Int) | (Type::Date, Type::Date));
                if !ordered {
                    self.operand_mismatch(op, &a, &b, span, "compare two `int`s or two `date`s (durations of different units have no order: compare the dates they lead to)");
                }
                Type::Bool
            }
            BinaryOp::In => {
                if let Type::Set(element) = &b {
                    self.expect(lhs, &a, element, "the left of `in`");
                } else {
                    self.expect(rhs, &b, &Type::Set(Box::new(a)), "the right of `in`");
                }
                Type::Bool
            }
            BinaryOp::Add | BinaryOp::Sub | BinaryOp::Mul => match (op, &a, &b) {
                (_, Type::Int, Type::Int) => Type::Int,
                (BinaryOp::Add | BinaryOp::Sub, Type::Date, Type::Duration) => Type::Date,
                (BinaryOp::Add, Type::Duration, Type::Date) => Type::Date,
                (BinaryOp::Sub, Type::Date, Type::Date) => Type::Int,
                (op, a, b) => self.operand_mismatch(op, a, b, span, "arithmetic is on `int`s; a `date` plus or minus a `duration` is a `date`; a `date` minus a `date` is a number of days"),
            },
        }
    }

    fn operand_mismatch(&mut self, op: BinaryOp, a: &Type, b: &Type, span: Span, help: &str) -> Type {
        self.error(TypeDiagnostic::Operands {
            op: op.symbol(),
            left: a.to_string(),
            right: b.to_string(),
            span,
            help: help.to_string(),
        })
    }
}

/// What a call calls.
enum Callee {
    Builtin(ir::Builtin),
    Rule(hir::RuleId),
}

fn bin_op(op: BinaryOp) -> ir::BinOp {
    match op {
        BinaryOp::Implies => ir::BinOp::Implies,
        BinaryOp::Or => ir::BinOp::Or,
        BinaryOp::And => ir::BinOp::And,
        BinaryOp::Eq => ir::BinOp::Eq,
        BinaryOp::Ne => ir::BinOp::Ne,
        BinaryOp::Lt => ir::BinOp::Lt,
        BinaryOp::Le => ir::BinOp::Le,
        BinaryOp::Gt => ir::BinOp::Gt,
        BinaryOp::Ge => ir::BinOp::Ge,
        BinaryOp::In => ir::BinOp::In,
        BinaryOp::Add => ir::BinOp::Add,
        BinaryOp::Sub => ir::BinOp::Sub,
        BinaryOp::Mul => ir::BinOp::Mul,
    }
}

fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

fn signature_text(name: &str, params: &[Type]) -> String {
    let params: Vec<String> = params.iter().map(ToString::to_string).collect();
    format!("{name}({})", params.join(", "))
}

fn conversion_help(actual: &Type, expected: &Type) -> String {
    let help = match (actual, expected) {
        (Type::Party, Type::Bool) => Some("to ask whether a party is a member, write `member(p, d)`"),
        (Type::Set(_), Type::Bool) => Some("to test membership in a set, write `x in s`"),
        (Type::Int, Type::Duration) => Some("write a duration with its unit, such as `2 years`"),
        (Type::Int | Type::Duration, Type::Date) => Some("write dates as `YYYY-MM-DD`, for example `2013-08-31`"),
        (_, _) => None,
    };
    help.map_or_else(|| format!("give a `{expected}` here"), str::to_string)
}
