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
    for (id, result) in parse_all(files) {
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
        // The quotes against the legal text need every name resolved, not
        // every type checked, and read nothing the other stages write: on
        // a second thread (where one is free) while the rest is checked
        // and lowered. Its diagnostics join the others where they would
        // have on one thread: after the lints, before the amendments'.
        let citing = resolved.as_ref().map(citations::Input::of);
        std::thread::scope(|scope| {
            let citing = citing.map(|input| {
                let run = move || {
                    let mut cited = Sink::default();
                    let coverage = citations::check(&input, files, &mut cited);
                    (cited, coverage)
                };
                if parallel() {
                    Citing::Spawned(scope.spawn(run))
                } else {
                    Citing::Here(Box::new(run))
                }
            });
            let mut typed = typeck::check(&package, &env, files, &mut sink);
            cycles::check(&typed.calls, &mut sink);
            // The checks of the resolved tree: how its dates relate, the
            // drafter's lints.
            if let Some(resolved) = &resolved {
                temporal::check(resolved, &mut sink);
                lints::check(resolved, typed.tests.as_deref(), &mut sink);
            }
            let hir = resolved
                .zip(typed.rules.take())
                .zip(typed.tests.take())
                .map(|((resolved, rules), tests)| hir::Package { resolved, rules, tests });
            let unresolved = hir.is_none();
            // Lowered before the citations are known (an error there
            // discards the bundle and the amendments' check below).
            let lowered = hir.filter(|_| sink.error_count() == errors_before).map(|hir| {
                let checked = Checked { hir, typed };
                let bundle = lower::lower(&checked);
                let mut amended = Sink::default();
                amend::check(checked.hir(), &bundle, &mut amended);
                (checked, bundle, amended)
            });
            if let Some((cited, found)) = citing.map(Citing::finish) {
                sink.diagnostics.extend(cited.diagnostics);
                coverage.extend(found);
            }
            if unresolved && sink.error_count() == errors_before {
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
            if let Some((checked, bundle, amended)) = lowered {
                if sink.error_count() == errors_before {
                    sink.diagnostics.extend(amended.diagnostics);
                    if sink.error_count() == errors_before {
                        on_checked(&checked, &env, &bundle);
                        bundles.push(bundle);
                    }
                }
            }
        });
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

/// A citation check running on another thread, or waiting to run here.
enum Citing<'scope, F> {
    Spawned(std::thread::ScopedJoinHandle<'scope, (Sink, Option<citations::Coverage>)>),
    Here(Box<F>),
}

impl<F: FnOnce() -> (Sink, Option<citations::Coverage>)> Citing<'_, F> {
    fn finish(self) -> (Sink, Option<citations::Coverage>) {
        match self {
            Citing::Here(run) => run(),
            Citing::Spawned(handle) => match handle.join() {
                Ok(done) => done,
                // The check panicked: a bug, re-raised here as it would
                // have been on one thread.
                Err(panic) => std::panic::resume_unwind(panic),
            },
        }
    }
}

/// Source text below which a file is parsed on the calling thread: a
/// thread costs tens of microseconds, pest about 25 ns per byte.
const PARALLEL_PARSE_BYTES: usize = 8 * 1024;

/// Whether a second thread can run at the same time as this one.
pub(crate) fn parallel() -> bool {
    static CORES: std::sync::OnceLock<usize> = std::sync::OnceLock::new();
    *CORES.get_or_init(|| std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get)) > 1
}

/// Every Charter file parsed (legal texts are not), in the order given.
/// With more than one core, the files are split in two halves of about
/// equal size, one parsed on a second thread.
fn parse_all(files: &[SourceFile]) -> Vec<(FileId, charter_grammar::Parsed)> {
    let mut charter: Vec<(FileId, &SourceFile)> = files.iter().enumerate().filter(|(_, f)| !f.is_legal_text()).collect();
    let total: usize = charter.iter().map(|(_, f)| f.text.len()).sum();
    let parse = |part: &[(FileId, &SourceFile)]| -> Vec<(FileId, charter_grammar::Parsed)> {
        part.iter().map(|(id, f)| (*id, charter_grammar::parse(&f.text))).collect()
    };
    if charter.len() < 2 || total < PARALLEL_PARSE_BYTES || !parallel() {
        return parse(&charter);
    }
    // Largest first, each to the lighter half.
    charter.sort_by_key(|(_, f)| std::cmp::Reverse(f.text.len()));
    let (mut here, mut there) = (Vec::new(), Vec::new());
    let (mut here_bytes, mut there_bytes) = (0, 0);
    for entry in charter {
        if here_bytes <= there_bytes {
            here_bytes += entry.1.text.len();
            here.push(entry);
        } else {
            there_bytes += entry.1.text.len();
            there.push(entry);
        }
    }
    let mut all = std::thread::scope(|scope| {
        let other = scope.spawn(|| parse(&there));
        let mut all = parse(&here);
        match other.join() {
            Ok(parsed) => all.extend(parsed),
            Err(panic) => std::panic::resume_unwind(panic),
        }
        all
    });
    all.sort_by_key(|(id, _)| *id);
    all
}
