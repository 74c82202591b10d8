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
use crate::threads::{halves, parallel};
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
pub fn check_each(files: &[SourceFile], on_checked: impl FnMut(&Checked, &Env<'_>, &ir::Bundle)) -> CheckResult {
    check_each_on(files, parallel(), on_checked)
}

/// [`check`] on one thread, or on two where the files are large enough to
/// gain from it (whatever [`crate::set_parallel`] says): the answer is the same.
pub fn check_threads(files: &[SourceFile], two: bool) -> CheckResult {
    check_each_on(files, two, |_, _, _| {})
}

fn check_each_on(
    files: &[SourceFile],
    two: bool,
    mut on_checked: impl FnMut(&Checked, &Env<'_>, &ir::Bundle),
) -> CheckResult {
    std::thread::scope(|scope| {
        let helper = split(files)
            .filter(|_| two)
            .map(|there| Helper::spawn(scope, files, there));
        check_on(files, &mut on_checked, helper)
    })
}

/// The check itself, with a second thread (`helper`) where one pays.
fn check_on(
    files: &[SourceFile],
    on_checked: &mut impl FnMut(&Checked, &Env<'_>, &ir::Bundle),
    helper: Option<Helper<'_>>,
) -> CheckResult {
    let mut sink = Sink::default();
    let mut parsed: Vec<(FileId, ast::File)> = Vec::new();
    let mut syntax_failed = false;
    let mut all: Vec<(FileId, charter_grammar::Parsed)> = files
        .iter()
        .enumerate()
        .filter(|(id, f)| !f.is_legal_text() && !helper.as_ref().is_some_and(|h| h.parses.contains(id)))
        .map(|(id, f)| (id, charter_grammar::parse(&f.text)))
        .collect();
    if let Some(helper) = &helper {
        all.extend(helper.parsed());
        all.sort_by_key(|(id, _)| *id);
    }
    for (id, result) in all {
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
        // On the helper, the citations are checked while this thread
        // types, lints and lowers.
        let citing = resolved.as_ref().map(citations::Input::of).map(|input| match &helper {
            Some(helper) => {
                helper.cite(input);
                None
            }
            None => Some(input),
        });
        {
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
            let cited = citing.map(|input| match input {
                Some(input) => cite(Some(&input), files),
                // Sent to the helper above (so there is one).
                None => helper.as_ref().map_or_else(|| cite(None, files), Helper::cited),
            });
            if let Some((cited, found)) = cited {
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

/// The citation check of one package: its diagnostics, and the coverage.
fn cite(input: Option<&citations::Input>, files: &[SourceFile]) -> (Sink, Option<citations::Coverage>) {
    let mut cited = Sink::default();
    let coverage = input.and_then(|input| citations::check(input, files, &mut cited));
    (cited, coverage)
}

/// Charter text below which a check runs on one thread: starting a thread
/// in a fresh process costs about 0.2 ms here, pest about 25 ns a byte.
const PARALLEL_BYTES: usize = 24 * 1024;

/// The files a helper thread should parse: about half the Charter text
/// (largest files first, each to the lighter half), or `None` where one
/// thread is as fast (one core, one file, or little text).
fn split(files: &[SourceFile]) -> Option<Vec<FileId>> {
    let charter: Vec<(FileId, usize)> = files
        .iter()
        .enumerate()
        .filter(|(_, f)| !f.is_legal_text())
        .map(|(id, f)| (id, f.text.len()))
        .collect();
    let total: usize = charter.iter().map(|(_, len)| len).sum();
    if charter.len() < 2 || total < PARALLEL_BYTES {
        return None;
    }
    let [_, theirs] = halves(charter, |(_, len)| *len);
    Some(theirs.into_iter().map(|(_, (id, _))| id).collect())
}

/// A second thread for one check, started once (a thread costs far more
/// in a fresh process than in a warm one): it parses its files, then
/// checks the citations of each package it is sent, in turn.
struct Helper<'scope> {
    /// The files it parses.
    parses: Vec<FileId>,
    parsed: std::sync::mpsc::Receiver<Vec<(FileId, charter_grammar::Parsed)>>,
    inputs: std::sync::mpsc::Sender<citations::Input>,
    cited: std::sync::mpsc::Receiver<(Sink, Option<citations::Coverage>)>,
    handle: std::thread::ScopedJoinHandle<'scope, ()>,
}

impl<'scope> Helper<'scope> {
    fn spawn<'env>(
        scope: &'scope std::thread::Scope<'scope, 'env>,
        files: &'env [SourceFile],
        parses: Vec<FileId>,
    ) -> Helper<'scope> {
        let (parsed_tx, parsed) = std::sync::mpsc::channel();
        let (inputs, inputs_rx) = std::sync::mpsc::channel::<citations::Input>();
        let (cited_tx, cited) = std::sync::mpsc::channel();
        let mine = parses.clone();
        let handle = scope.spawn(move || {
            let done: Vec<(FileId, charter_grammar::Parsed)> = mine
                .iter()
                .filter_map(|id| files.get(*id).map(|f| (*id, charter_grammar::parse(&f.text))))
                .collect();
            // The receiving side gone means the check is over (it panicked).
            if parsed_tx.send(done).is_err() {
                return;
            }
            for input in inputs_rx {
                if cited_tx.send(cite(Some(&input), files)).is_err() {
                    return;
                }
            }
        });
        Helper {
            parses,
            parsed,
            inputs,
            cited,
            handle,
        }
    }

    fn parsed(&self) -> Vec<(FileId, charter_grammar::Parsed)> {
        self.parsed.recv().unwrap_or_else(|_| self.died())
    }

    fn cite(&self, input: citations::Input) {
        if self.inputs.send(input).is_err() {
            self.died();
        }
    }

    fn cited(&self) -> (Sink, Option<citations::Coverage>) {
        self.cited.recv().unwrap_or_else(|_| self.died())
    }

    /// The helper stopped without an answer: it panicked (a bug). The
    /// panic is raised on this thread, as it would have been on one.
    #[expect(
        clippy::panic,
        reason = "only after the helper thread panicked; the scope then re-raises that panic, this one only stops the check waiting for an answer that will not come"
    )]
    fn died(&self) -> ! {
        while !self.handle.is_finished() {
            std::thread::yield_now();
        }
        panic!("the check's second thread stopped without an answer")
    }
}
