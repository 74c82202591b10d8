//! Source files -> diagnostics: the whole front end in order. Parse each
//! file (a syntax error stops that file only), group files into packages,
//! then per package check literal values, resolve names into the resolved
//! tree (HIR), check types and the rule call graph; on the resolved tree,
//! check how dates relate, lint, and check quotes against the legal text.
//! Stages collect diagnostics and keep going as far as what resolved lets
//! them.

use charter_grammar::{ast, Diagnostic};
use charter_runtime::ir;

use crate::diagnostics::{InternalDiagnostic, LintDiagnostic};
use crate::package::{self, FileId, Sink, SourceFile};
use crate::resolve::Env;
use crate::{amend, citations, cycles, hir, lints, resolve, temporal, typeck, wellformed};
use charter_runtime::threads::halves;

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

    /// The warnings, not counting those the policy expects.
    pub fn warnings(&self) -> usize {
        self.diagnostics
            .iter()
            .flatten()
            .filter(|d| !d.is_error() && d.expected.is_none())
            .count()
    }
}

/// Runs a whole check with the helper thread where one pays, and hands the
/// parse to `keep`, which analyses it and keeps what it wants of the
/// analysis (the program keeps all of it: see `crate::program`).
pub(crate) fn with_parse<R>(files: &[SourceFile], two: bool, keep: impl FnOnce(Parsed, Option<&Helper<'_>>) -> R) -> R {
    std::thread::scope(|scope| {
        let helper = split(files)
            .filter(|_| two)
            .map(|there| Helper::spawn(scope, files, there));
        let parsed = parse(files, helper.as_ref());
        keep(parsed, helper.as_ref())
    })
}

/// Every Charter file parsed: what the rest of the check borrows.
#[derive(Debug, Default)]
pub(crate) struct Parsed {
    /// The syntax diagnostics, by file.
    sink: Sink,
    /// The files that parsed, in file order.
    asts: Vec<(FileId, ast::File)>,
    /// Whether some file failed to parse.
    syntax_failed: bool,
}

/// What the check keeps of one package: its name table (which borrows the
/// parsed files); when it checked without error, its resolved tree and the
/// place of its IR among the result's bundles; when some part did not
/// resolve, the parts that did.
#[derive(Debug)]
pub(crate) struct Kept<'a> {
    pub package: package::Package<'a>,
    pub env: Env<'a>,
    pub checked: Option<(Checked, usize)>,
    pub partial: Option<hir::Partial>,
}

impl Parsed {
    /// The syntax tree of `file`, if it parsed.
    pub(crate) fn ast(&self, file: FileId) -> Option<&ast::File> {
        self.asts.iter().find(|(id, _)| *id == file).map(|(_, ast)| ast)
    }
}

fn parse(files: &[SourceFile], helper: Option<&Helper<'_>>) -> Parsed {
    let mut sink = Sink::default();
    let mut asts: Vec<(FileId, ast::File)> = Vec::new();
    let mut syntax_failed = false;
    let mut all: Vec<(FileId, charter_grammar::Parsed)> = files
        .iter()
        .enumerate()
        .filter(|(id, f)| !f.is_legal_text() && !helper.is_some_and(|h| h.parses.contains(id)))
        .map(|(id, f)| (id, charter_grammar::parse(&f.text)))
        .collect();
    if let Some(helper) = helper {
        all.extend(helper.parsed());
        all.sort_by_key(|(id, _)| *id);
    }
    for (id, result) in all {
        for d in result.diagnostics {
            sink.push(id, d);
        }
        match result.file {
            Some(ast) => asts.push((id, ast)),
            None => syntax_failed = true,
        }
    }
    Parsed {
        sink,
        asts,
        syntax_failed,
    }
}

/// The check after parsing, with a second thread (`helper`) where one pays.
/// `lower` turns each package that checks into its IR (the lowering stage,
/// which reads what this stage makes: handed in, so the two import each
/// other neither way round).
pub(crate) fn analyze<'a>(
    files: &[SourceFile],
    parsed: &'a Parsed,
    helper: Option<&Helper<'_>>,
    lower: impl Fn(&Checked) -> ir::Bundle,
) -> (CheckResult, Vec<Kept<'a>>) {
    let mut sink = Sink {
        diagnostics: parsed.sink.diagnostics.clone(),
    };
    let refs: Vec<(FileId, &ast::File)> = parsed.asts.iter().map(|(id, f)| (*id, f)).collect();
    let packages = package::group(&refs, parsed.syntax_failed, &mut sink);
    let mut bundles = Vec::new();
    let mut coverage = Vec::new();
    let mut kept = Vec::new();
    for package in packages {
        let from = sink.diagnostics.len();
        let errors_before = sink.error_count();
        let env = resolve::collect(&package, &mut sink);
        wellformed::check(&package, &mut sink);
        let (resolved, partial) = match resolve::resolve(&package, &env, &mut sink) {
            Ok(resolved) => (Some(resolved), None),
            Err(partial) => (None, Some(partial)),
        };
        // The quotes against the legal text need every name resolved, not
        // every type checked, and read nothing the other stages write: on
        // a second thread (where one is free) while the rest is checked
        // and lowered. Its diagnostics join the others where they would
        // have on one thread: after the lints, before the amendments'.
        // On the helper, the citations are checked while this thread
        // types, lints and lowers.
        let citing = resolved.as_ref().map(citations::Input::of).map(|input| match helper {
            Some(helper) => {
                helper.cite(input);
                None
            }
            None => Some(input),
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
            let bundle = lower(&checked);
            let mut amended = Sink::default();
            amend::check(checked.hir(), &bundle, &mut amended);
            (checked, bundle, amended)
        });
        let cited = citing.map(|input| match input {
            Some(input) => cite(Some(&input), files),
            // Sent to the helper above (so there is one).
            None => helper.map_or_else(|| cite(None, files), Helper::cited),
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
        let mut checked = None;
        if let Some((done, bundle, amended)) = lowered {
            if sink.error_count() == errors_before {
                sink.diagnostics.extend(amended.diagnostics);
                if sink.error_count() == errors_before {
                    checked = Some((done, bundles.len()));
                    bundles.push(bundle);
                }
            }
        }
        // Lints run on a package that resolves: with an error, an
        // expectation cannot be judged.
        let failed = sink.error_count() > errors_before;
        expect(&package, &mut sink, from, failed);
        kept.push(Kept {
            package,
            env,
            checked,
            partial,
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
    let result = CheckResult {
        diagnostics,
        bundles,
        coverage,
    };
    (result, kept)
}

/// The policy's `expect`s over the warnings its package's check reported
/// (`sink`'s diagnostics from `from` on): each warning of an expected code
/// is marked expected, with the reason; an expectation no warning met is
/// a warning of its own (unless the package `failed` with an error: its
/// lints did not all run).
fn expect(package: &package::Package<'_>, sink: &mut Sink, from: usize, failed: bool) {
    let expected: Vec<(&ast::Str, &ast::Str)> = package
        .policy
        .header
        .fields
        .iter()
        .filter_map(|f| match f {
            ast::HeaderField::Expect { code, reason } => Some((code, reason)),
            ast::HeaderField::Ref(_)
            | ast::HeaderField::Adopted(_)
            | ast::HeaderField::Source(_)
            | ast::HeaderField::Headings(_)
            | ast::HeaderField::Covers(_) => None,
        })
        .collect();
    if expected.is_empty() {
        return;
    }
    let mut met = vec![false; expected.len()];
    for d in sink.diagnostics.iter_mut().skip(from) {
        let d = &mut d.diagnostic;
        if d.severity != charter_grammar::Severity::Warning {
            continue;
        }
        if let Some(i) = expected.iter().position(|(code, _)| code.value == d.code) {
            if let (Some(slot), Some((_, reason))) = (met.get_mut(i), expected.get(i)) {
                *slot = true;
                d.expected = Some(reason.value.clone());
            }
        }
    }
    let known = crate::codes::all();
    for ((code, _), met) in expected.iter().zip(met) {
        let a_warning = known
            .iter()
            .any(|c| c.code == code.value && c.severity == charter_grammar::Severity::Warning);
        if !met && a_warning && !failed {
            sink.push(
                package.policy_file,
                LintDiagnostic::UnfulfilledExpect {
                    code: code.value.clone(),
                    span: code.span,
                },
            );
        }
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
pub(crate) struct Helper<'scope> {
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
