//! Source files -> diagnostics: the whole front end in order. Parse each
//! file (a syntax error stops that file only), group files into packages,
//! then per package check literal values, resolve names into the resolved
//! tree (HIR), check types and the rule call graph; on the resolved tree,
//! check how dates relate, lint, and check quotes against the legal text.
//! Stages collect diagnostics and keep going as far as what resolved lets
//! them.

use charter_grammar::{ast, Diagnostic};
use charter_runtime::ir;

use crate::diagnostics::InternalDiagnostic;
use crate::package::{self, FileId, Sink, SourceFile};
use crate::resolve::Env;
use crate::{amend, citations, cycles, hir, lints, lower, resolve, temporal, typeck, wellformed};

/// Diagnostics per file, in the order of the files given; within a file,
/// in order of position. Plus the IR of every package that checked
/// without error.
#[derive(Debug, Default)]
pub struct CheckResult {
    pub diagnostics: Vec<Vec<Diagnostic>>,
    pub bundles: Vec<ir::Bundle>,
    /// Citation coverage of every policy that names its source text.
    pub coverage: Vec<citations::Coverage>,
}

/// A package that passed every checking stage without error, as its
/// resolved tree: the only input `lower` accepts. Only [`check`] makes one.
#[derive(Debug)]
pub struct Checked {
    hir: hir::Package,
    typed: typeck::Typed,
}

impl Checked {
    /// The checked package.
    pub fn hir(&self) -> &hir::Package {
        &self.hir
    }

    /// Rule signatures and the name tables a query is checked against.
    pub(crate) fn typed(&self) -> &typeck::Typed {
        &self.typed
    }
}

impl CheckResult {
    pub fn errors(&self) -> usize {
        self.diagnostics.iter().flatten().filter(|d| d.is_error()).count()
    }

    pub fn warnings(&self) -> usize {
        self.diagnostics.iter().flatten().filter(|d| !d.is_error()).count()
    }
}

/// Checks a set of files together: a history or amendment is checked
/// against the policy it names, which must be among `files`.
pub fn check(files: &[SourceFile]) -> CheckResult {
    check_each(files, |_, _, _| {})
}

/// Like [`check`], and hands every package that checked without error to
/// `on_checked` with its name table and IR (for queries).
pub fn check_each(files: &[SourceFile], mut on_checked: impl FnMut(&Checked, &Env<'_>, &ir::Bundle)) -> CheckResult {
    let mut sink = Sink::default();
    let mut parsed: Vec<(FileId, ast::File)> = Vec::new();
    let mut syntax_failed = false;
    for (id, file) in files.iter().enumerate() {
        if file.is_legal_text() {
            continue;
        }
        let result = charter_grammar::parse(&file.text);
        for d in result.diagnostics {
            sink.push(id, d);
        }
        match result.file {
            Some(ast) => parsed.push((id, ast)),
            None => syntax_failed = true,
        }
    }
    let refs: Vec<(FileId, &ast::File)> = parsed.iter().map(|(id, f)| (*id, f)).collect();
    let packages = package::group(&refs, syntax_failed, &mut sink);
    let mut bundles = Vec::new();
    let mut coverage = Vec::new();
    for package in packages {
        let errors_before = sink.error_count();
        let env = resolve::collect(&package, &mut sink);
        wellformed::check(&package, &mut sink);
        let resolved = resolve::resolve(&package, &env, &mut sink);
        let mut typed = typeck::check(&package, &env, files, &mut sink);
        cycles::check(&typed.calls, &mut sink);
        // The checks of the resolved tree: how its dates relate, the
        // drafter's lints, the quotes against the legal text. They need
        // every name resolved, not every type checked.
        if let Some(resolved) = &resolved {
            temporal::check(resolved, &mut sink);
            lints::check(resolved, typed.tests.as_deref(), &mut sink);
            coverage.extend(citations::check(resolved, files, &mut sink));
        }
        let hir = resolved
            .zip(typed.rules.take())
            .zip(typed.tests.take())
            .map(|((resolved, rules), tests)| hir::Package { resolved, rules, tests });
        let Some(hir) = hir else {
            if sink.error_count() == errors_before {
                // Every part that fails to resolve reports an error;
                // reaching here means a stage forgot to, so say so rather
                // than guess.
                sink.push(
                    package.policy_file,
                    InternalDiagnostic::Unresolved {
                        what: "this policy",
                        span: package.policy.header.title.span,
                    },
                );
            }
            continue;
        };
        if sink.error_count() != errors_before {
            continue;
        }
        let checked = Checked { hir, typed };
        let bundle = lower::lower(&checked);
        amend::check(checked.hir(), &bundle, &mut sink);
        if sink.error_count() == errors_before {
            on_checked(&checked, &env, &bundle);
            bundles.push(bundle);
        }
    }
    let mut diagnostics: Vec<Vec<Diagnostic>> = vec![Vec::new(); files.len()];
    for d in sink.diagnostics {
        if let Some(list) = diagnostics.get_mut(d.file) {
            list.push(d.diagnostic);
        }
    }
    for list in &mut diagnostics {
        list.sort_by_key(|d| (d.span().start, d.span().end));
        list.dedup();
    }
    CheckResult {
        diagnostics,
        bundles,
        coverage,
    }
}
