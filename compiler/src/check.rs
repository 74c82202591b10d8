//! Source files -> diagnostics: the whole front end in order. Parse each
//! file (a syntax error stops that file only), group files into packages,
//! then per package resolve names, check types, check the rule call graph,
//! check dates, and lint. Stages collect diagnostics and keep going.

use charter_grammar::{ast, Diagnostic};
use charter_runtime::ir;

use crate::package::{self, FileId, Package, Sink, SourceFile};
use crate::resolve::Env;
use crate::{amend, citations, codes, cycles, lints, lower, resolve, temporal, typeck};

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

/// A package that passed every checking stage without error: the only
/// input `lower` accepts.
pub struct Checked<'a> {
    pub package: Package<'a>,
    pub env: Env<'a>,
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
/// `on_checked` with its type information and IR (for queries).
pub fn check_each(
    files: &[SourceFile],
    mut on_checked: impl FnMut(&Checked<'_>, &typeck::Typed, &lower::Lowered),
) -> CheckResult {
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
    let mut grouping = Sink::default();
    let packages = package::group(&refs, &mut grouping);
    for d in grouping.diagnostics {
        // A policy that failed to parse cannot be found by title; saying
        // its amendments name an unknown policy would only add noise.
        if !(syntax_failed && d.diagnostic.code == codes::UNKNOWN_POLICY) {
            sink.diagnostics.push(d);
        }
    }
    let mut bundles = Vec::new();
    let mut coverage = Vec::new();
    for package in packages {
        let errors_before = sink.error_count();
        let env = resolve::collect(&package, &mut sink);
        resolve::check_references(&package, &env, &mut sink);
        let typed = typeck::check(&package, &env, &mut sink);
        cycles::check(&typed.calls, &mut sink);
        temporal::check(&package, &env, &mut sink);
        lints::check(&package, &mut sink);
        coverage.extend(citations::check(&package, files, &mut sink));
        if sink.error_count() == errors_before {
            let checked = Checked { package, env };
            let lowered = lower::lower(&checked, files);
            amend::check(&checked, &lowered.bundle, &mut sink);
            if sink.error_count() == errors_before {
                on_checked(&checked, &typed, &lowered);
                bundles.push(lowered.bundle);
            }
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
