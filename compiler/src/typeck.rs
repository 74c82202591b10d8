//! `Env` + rule and test bodies -> types and the rule call graph. Every
//! expression gets a type; a mismatch is reported once and the offending
//! expression is given `Type::Error`, so one mistake does not cascade.

use std::collections::BTreeMap;

use charter_grammar::ast::*;
use charter_grammar::Diagnostic;

use crate::codes;
use crate::package::{FileId, Package, Sink};
use crate::resolve::{items, records, Env};
use crate::suggest::did_you_mean;
use crate::types::{builtin, Type, BUILTINS, TYPE_NAMES};

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

/// What type checking learns: rule signatures and who calls whom.
#[derive(Debug, Default)]
pub struct Typed {
    pub signatures: BTreeMap<String, Signature>,
    pub calls: BTreeMap<String, Vec<CallEdge>>,
}

/// Type-checks every rule and test of the package.
pub fn check(package: &Package<'_>, env: &Env<'_>, sink: &mut Sink) -> Typed {
    let mut typed = Typed::default();
    for (name, rule) in &env.rules {
        let mut checker = Checker::new(env, rule.def.file, sink);
        let params = rule.decl.params.iter().map(|p| checker.type_expr(&p.ty)).collect();
        let ret = checker.type_expr(&rule.decl.ret);
        typed.signatures.insert(name.clone(), Signature { params, ret });
    }
    for item in items(package) {
        match item.node {
            Item::Rule(decl) => {
                // Only the definition that won in `Env` is checked as the
                // rule; a duplicate was reported already.
                let is_defined = env
                    .rules
                    .get(&decl.name.name)
                    .is_some_and(|r| std::ptr::eq(r.decl, decl));
                if !is_defined {
                    continue;
                }
                let mut checker = Checker::new(env, item.file, sink);
                checker.signatures = Some(&typed.signatures);
                let mut seen: BTreeMap<&str, Span> = BTreeMap::new();
                for (param, ty) in decl.params.iter().zip(
                    typed
                        .signatures
                        .get(&decl.name.name)
                        .map(|s| s.params.clone())
                        .unwrap_or_default(),
                ) {
                    if let Some(first) = seen.insert(&param.name.name, param.name.span) {
                        checker.sink.push(
                            item.file,
                            Diagnostic::error(
                                codes::DUPLICATE_NAME,
                                format!("parameter `{}` is declared twice", param.name.name),
                                param.name.span,
                                "declared again here",
                            )
                            .with_label(first, "first declared here")
                            .with_help("give each parameter its own name"),
                        );
                    }
                    checker.scope.push((param.name.name.clone(), ty));
                }
                let actual = checker.expr(&decl.body);
                let expected = typed
                    .signatures
                    .get(&decl.name.name)
                    .map_or(Type::Error, |s| s.ret.clone());
                checker.expect(&decl.body, &actual, &expected, "the rule's declared result type");
                let calls = std::mem::take(&mut checker.calls);
                typed.calls.insert(decl.name.name.clone(), calls);
            }
            Item::Test(test) => check_test(env, &typed.signatures, item.file, test, sink),
            Item::Party(_) | Item::Block(_) | Item::Stmt(_) | Item::NonNormative(_) => {}
        }
    }
    for (file, record) in records(package) {
        if let RecordKind::Test(test) = &record.kind {
            check_test(env, &typed.signatures, file, test, sink);
        }
    }
    typed
}

/// Type-checks a free-standing expression (a query) with the given named
/// values in scope.
pub fn check_expr(
    env: &Env<'_>,
    typed: &Typed,
    file: FileId,
    locals: Vec<(String, Type)>,
    expr: &Expr,
    sink: &mut Sink,
) -> Type {
    let mut checker = Checker::new(env, file, sink);
    checker.signatures = Some(&typed.signatures);
    checker.scope = locals;
    checker.expr(expr)
}

fn check_test(env: &Env<'_>, signatures: &BTreeMap<String, Signature>, file: FileId, test: &TestDecl, sink: &mut Sink) {
    let mut checker = Checker::new(env, file, sink);
    checker.signatures = Some(signatures);
    let mut lets: BTreeMap<&str, Span> = BTreeMap::new();
    for stmt in &test.stmts {
        match stmt {
            TestStmt::Let { name, value, .. } => {
                let ty = checker.expr(value);
                if let Some(first) = lets.insert(name.name.as_str(), name.span) {
                    checker.sink.push(
                        file,
                        Diagnostic::error(
                            codes::DUPLICATE_NAME,
                            format!("`{}` is bound twice in this test", name.name),
                            name.span,
                            "bound again here",
                        )
                        .with_label(first, "first bound here")
                        .with_help("give each `let` its own name"),
                    );
                }
                checker.scope.push((name.name.clone(), ty));
            }
            TestStmt::Assert { expr, .. } => {
                let ty = checker.expr(expr);
                checker.expect(expr, &ty, &Type::Bool, "an assertion");
            }
        }
    }
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

    fn error(&mut self, d: Diagnostic) -> Type {
        self.sink.push(self.file, d);
        Type::Error
    }

    fn type_expr(&mut self, ty: &TypeExpr) -> Type {
        match ty {
            TypeExpr::Set(inner, _) => Type::Set(Box::new(self.type_expr(inner))),
            TypeExpr::Named(ident) => match Type::from_name(&ident.name) {
                Some(t) => t,
                None => {
                    let d = Diagnostic::error(
                        codes::UNKNOWN_TYPE,
                        format!("unknown type `{}`", ident.name),
                        ident.span,
                        "not a type",
                    );
                    let d = match did_you_mean(&ident.name, TYPE_NAMES.iter().copied()) {
                        Some(near) => d.with_help(format!("did you mean `{near}`?")),
                        None => d.with_help(format!("the types are {}", crate::resolve::backticked(TYPE_NAMES))),
                    };
                    self.error(d)
                }
            },
        }
    }

    /// Reports a mismatch when `actual` does not fit `expected`.
    fn expect(&mut self, expr: &Expr, actual: &Type, expected: &Type, context: &str) {
        if !actual.fits(expected) {
            self.error(
                Diagnostic::error(
                    codes::TYPE_MISMATCH,
                    format!("expected `{expected}` for {context}, found `{actual}`"),
                    expr.span,
                    format!("this is `{actual}`"),
                )
                .with_help(conversion_help(actual, expected)),
            );
        }
    }

    fn lookup(&self, name: &str) -> Option<Type> {
        self.scope.iter().rev().find(|(n, _)| n == name).map(|(_, t)| t.clone())
    }

    fn expr(&mut self, expr: &Expr) -> Type {
        match &expr.kind {
            ExprKind::Bool(_) => Type::Bool,
            ExprKind::Int(_) => Type::Int,
            ExprKind::Date(_) => Type::Date,
            ExprKind::Duration(_) => Type::Duration,
            ExprKind::None => Type::None,
            ExprKind::Name(ident) => self.name(ident),
            ExprKind::Set(elements) => {
                let mut element_type = Type::Error;
                for (i, element) in elements.iter().enumerate() {
                    let t = self.expr(element);
                    if i == 0 {
                        element_type = t;
                    } else {
                        self.expect(element, &t, &element_type, "an element of this set");
                    }
                }
                Type::Set(Box::new(element_type))
            }
            ExprKind::Record { kind, fields } => self.record(kind, fields),
            ExprKind::Call { func, args } => self.call(func, args),
            ExprKind::Field { base, field } => {
                let base_type = self.expr(base);
                if base_type == Type::Error {
                    return Type::Error;
                }
                match base_type.field(&field.name) {
                    Some(t) => t,
                    None => self.unknown_field(&base_type, field),
                }
            }
            ExprKind::Unary { op, operand } => {
                let t = self.expr(operand);
                let (want, result) = match op {
                    UnaryOp::Not => (Type::Bool, Type::Bool),
                    UnaryOp::Neg => (Type::Int, Type::Int),
                };
                self.expect(operand, &t, &want, "this operator");
                result
            }
            ExprKind::Binary { op, lhs, rhs } => self.binary(*op, lhs, rhs, expr.span),
            ExprKind::If { cond, then, otherwise } => {
                let c = self.expr(cond);
                self.expect(cond, &c, &Type::Bool, "a condition");
                let a = self.expr(then);
                let b = self.expr(otherwise);
                if a == Type::None {
                    return b;
                }
                self.expect(otherwise, &b, &a, "the `else` branch (it must match the `then` branch)");
                a
            }
            ExprKind::Quantifier { var, set, body, .. } => {
                let set_type = self.expr(set);
                let element = match set_type {
                    Type::Set(inner) => *inner,
                    Type::Error => Type::Error,
                    other => {
                        self.error(
                            Diagnostic::error(
                                codes::TYPE_MISMATCH,
                                format!("a quantifier ranges over a set, found `{other}`"),
                                set.span,
                                format!("this is `{other}`"),
                            )
                            .with_help("quantify over a set such as `members(d)` or `{KAZ, KGZ}`"),
                        );
                        Type::Error
                    }
                };
                self.scope.push((var.name.clone(), element));
                let b = self.expr(body);
                self.scope.pop();
                self.expect(body, &b, &Type::Bool, "a quantifier's body");
                Type::Bool
            }
        }
    }

    fn name(&mut self, ident: &Ident) -> Type {
        if let Some(t) = self.lookup(&ident.name) {
            return t;
        }
        if let Some(t) = self.env.global_type(&ident.name) {
            return t;
        }
        let looks_like_party = ident.name.len() >= 2
            && ident
                .name
                .chars()
                .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_');
        if looks_like_party {
            self.env.party(self.file, ident, self.sink);
            return Type::Error;
        }
        let mut candidates: Vec<&str> = self.scope.iter().map(|(n, _)| n.as_str()).collect();
        candidates.extend(self.env.global_names());
        let d = Diagnostic::error(
            codes::UNKNOWN_NAME,
            format!("unknown name `{}`", ident.name),
            ident.span,
            "not defined here",
        );
        let d = match did_you_mean(&ident.name, candidates) {
            Some(near) => d.with_help(format!("did you mean `{near}`?")),
            None => d.with_help("a name here is a parameter, a `let`, a quantified variable, a party, a meeting or decision kind, a status or a recorded meeting or decision"),
        };
        self.error(d)
    }

    fn unknown_field(&mut self, base: &Type, field: &Ident) -> Type {
        let names = base.field_names();
        let d = Diagnostic::error(
            codes::UNKNOWN_FIELD,
            format!("`{base}` has no field `{}`", field.name),
            field.span,
            "no such field",
        );
        let d = match did_you_mean(&field.name, names.iter().copied()) {
            Some(near) => d.with_help(format!("did you mean `{near}`?")),
            None if names.is_empty() => d.with_help(format!("a `{base}` has no fields")),
            None => d.with_help(format!("its fields are {}", crate::resolve::backticked(names))),
        };
        self.error(d)
    }

    fn record(&mut self, kind: &Ident, fields: &[(Ident, Expr)]) -> Type {
        let ty = match kind.name.as_str() {
            "meeting" => Type::Meeting,
            "decision" => Type::Decision,
            _ => {
                let d = Diagnostic::error(
                    codes::UNKNOWN_TYPE,
                    format!("no record type `{}`", kind.name),
                    kind.span,
                    "not a record type",
                );
                let d = match did_you_mean(&kind.name, ["meeting", "decision"]) {
                    Some(near) => d.with_help(format!("did you mean `{near}`?")),
                    None => d.with_help("records are `meeting { ... }` and `decision { ... }`"),
                };
                for (_, value) in fields {
                    self.expr(value);
                }
                return self.error(d);
            }
        };
        let mut seen: BTreeMap<&str, Span> = BTreeMap::new();
        for (name, value) in fields {
            // A kind that names nothing is an unknown meeting or decision kind.
            if let (Type::Meeting | Type::Decision, "kind", ExprKind::Name(kind_name)) =
                (&ty, name.name.as_str(), &value.kind)
            {
                if self.lookup(&kind_name.name).is_none() && self.env.global_type(&kind_name.name).is_none() {
                    if ty == Type::Meeting {
                        self.env.meeting_kind(self.file, kind_name, self.sink);
                    } else {
                        self.env.decision_kind(self.file, kind_name, self.sink);
                    }
                    seen.insert(&name.name, name.span);
                    continue;
                }
            }
            let actual = self.expr(value);
            if let Some(first) = seen.insert(&name.name, name.span) {
                self.error(
                    Diagnostic::error(
                        codes::DUPLICATE_FIELD,
                        format!("`{}` is given twice", name.name),
                        name.span,
                        "given again here",
                    )
                    .with_label(first, "first given here")
                    .with_help("keep one of the two"),
                );
                continue;
            }
            match ty.field(&name.name) {
                Some(expected) => self.expect(value, &actual, &expected, &format!("field `{}`", name.name)),
                None => {
                    self.unknown_field(&ty, name);
                }
            }
        }
        for required in ty.required_fields() {
            if !seen.contains_key(required) {
                self.error(
                    Diagnostic::error(
                        codes::MISSING_FIELD,
                        format!("this `{ty}` record has no `{required}`"),
                        kind.span,
                        format!("`{required}` missing"),
                    )
                    .with_help(format!("add `{required}: ...` inside the braces")),
                );
            }
        }
        ty
    }

    fn call(&mut self, func: &Ident, args: &[Expr]) -> Type {
        let arg_types: Vec<Type> = args.iter().map(|a| self.expr(a)).collect();
        let (params, ret): (Vec<Type>, Type) = if let Some(b) = builtin(&func.name) {
            (b.params.iter().map(|(_, t)| t.to_type()).collect(), b.ret.to_type())
        } else if let Some(sig) = self.signatures.and_then(|s| s.get(&func.name)) {
            self.calls.push(CallEdge {
                callee: func.name.clone(),
                file: self.file,
                span: func.span,
            });
            (sig.params.clone(), sig.ret.clone())
        } else {
            let d = Diagnostic::error(
                codes::UNKNOWN_RULE,
                format!("no rule or query named `{}`", func.name),
                func.span,
                "unknown rule",
            );
            let candidates = self
                .env
                .rules
                .keys()
                .map(String::as_str)
                .chain(BUILTINS.iter().map(|b| b.name));
            let d = match did_you_mean(&func.name, candidates) {
                Some(near) => d.with_help(format!("did you mean `{near}`?")),
                None => d.with_help("define it with `rule`, or call a built-in query such as `chair(d)`"),
            };
            return self.error(d);
        };
        if params.len() != arg_types.len() {
            let span = args
                .first()
                .zip(args.last())
                .map_or(func.span, |(a, b)| a.span.to(b.span));
            return self.error(
                Diagnostic::error(
                    codes::WRONG_ARITY,
                    format!(
                        "`{}` takes {} argument{}, but {} {} given",
                        func.name,
                        params.len(),
                        plural(params.len()),
                        args.len(),
                        if args.len() == 1 { "was" } else { "were" }
                    ),
                    span,
                    format!("{} argument{}", args.len(), plural(args.len())),
                )
                .with_help(format!("call it as `{}`", signature_text(&func.name, &params))),
            );
        }
        for ((arg, actual), expected) in args.iter().zip(&arg_types).zip(&params) {
            // `count` takes a set of anything.
            let expected = match expected {
                Type::Set(inner) if **inner == Type::Error => match actual {
                    Type::Set(_) => actual.clone(),
                    _ => expected.clone(),
                },
                _ => expected.clone(),
            };
            self.expect(arg, actual, &expected, &format!("an argument of `{}`", func.name));
        }
        ret
    }

    fn binary(&mut self, op: BinaryOp, lhs: &Expr, rhs: &Expr, span: Span) -> Type {
        let a = self.expr(lhs);
        let b = self.expr(rhs);
        if a == Type::Error || b == Type::Error {
            return match op {
                BinaryOp::Add | BinaryOp::Sub | BinaryOp::Mul => Type::Error,
                _ => Type::Bool,
            };
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
                match &b {
                    Type::Set(element) => self.expect(lhs, &a, element, "the left of `in`"),
                    other => {
                        let other = other.clone();
                        self.expect(rhs, &other, &Type::Set(Box::new(a)), "the right of `in`");
                    }
                }
                Type::Bool
            }
            BinaryOp::Add | BinaryOp::Sub | BinaryOp::Mul => match (op, &a, &b) {
                (_, Type::Int, Type::Int) => Type::Int,
                (BinaryOp::Add | BinaryOp::Sub, Type::Date, Type::Duration) => Type::Date,
                (BinaryOp::Add, Type::Duration, Type::Date) => Type::Date,
                (BinaryOp::Sub, Type::Date, Type::Date) => Type::Int,
                _ => self.operand_mismatch(op, &a, &b, span, "arithmetic is on `int`s; a `date` plus or minus a `duration` is a `date`; a `date` minus a `date` is a number of days"),
            },
        }
    }

    fn operand_mismatch(&mut self, op: BinaryOp, a: &Type, b: &Type, span: Span, help: &str) -> Type {
        self.error(
            Diagnostic::error(
                codes::TYPE_MISMATCH,
                format!("`{}` cannot combine `{a}` and `{b}`", op.symbol()),
                span,
                format!("`{a}` {} `{b}`", op.symbol()),
            )
            .with_help(help.to_string()),
        )
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
    match (actual, expected) {
        (Type::Party, Type::Bool) => "to ask whether a party is a member, write `member(p, d)`".to_string(),
        (Type::Set(_), Type::Bool) => "to test membership in a set, write `x in s`".to_string(),
        (Type::Int, Type::Duration) => "write a duration with its unit, such as `2 years`".to_string(),
        (Type::Int, Type::Date) | (Type::Duration, Type::Date) => {
            "write dates as `YYYY-MM-DD`, for example `2013-08-31`".to_string()
        }
        _ => format!("give a `{expected}` here"),
    }
}
