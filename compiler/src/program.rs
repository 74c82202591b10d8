//! Source files -> an [`Analysis`] (every file parsed and checked, kept
//! whole even with errors) -> a [`Program`] (one policy that checked without
//! error: its resolved tree, name table, IR, tables and, on first native
//! use, its native code) -> [`Prepared`] queries. Each value is owned,
//! immutable and cheap to clone (`Arc`), so one check serves every question
//! asked of it, from any thread.

use std::sync::{Arc, OnceLock};

use charter_grammar::Diagnostic;
use charter_runtime::facts::{self, FactError};
use charter_runtime::{date, evaluator, ir, EvalError, Explanation, Interpreter, Outcome, QueryError, Tables, Value};

use crate::check::{analyze, with_parse, CheckResult, Checked, Kept, Parsed};
use crate::codegen::{lang, CallError, Jit};
use crate::package::{FileId, Sink, SourceFile};
use crate::resolve::Env;
use crate::types::Type;
use crate::{citations, hir};
use charter_runtime::threads::parallel;

/// The files and their parse: what the analysis borrows.
struct Owner {
    files: Arc<[SourceFile]>,
    parsed: Parsed,
}

/// What the check makes of the parse: its diagnostics, coverage and IR,
/// and what it keeps of each package.
struct Analyzed<'a> {
    result: CheckResult,
    packages: Vec<Kept<'a>>,
}

self_cell::self_cell!(
    /// The parse and, borrowing it, every package's analysis.
    struct Cell {
        owner: Owner,
        #[covariant]
        dependent: Analyzed,
    }
);

/// Every file of a folder checked together, kept whole whether or not it
/// has errors: the diagnostics, the citation coverage, and each package's
/// name table (which the language server reads while the folder has
/// errors). A policy that checked without error becomes a [`Program`].
#[derive(Clone)]
pub struct Analysis {
    inner: Arc<AnalysisInner>,
}

struct AnalysisInner {
    cell: Cell,
}

impl std::fmt::Debug for Analysis {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Analysis")
            .field("files", &self.files().len())
            .field("errors", &self.errors())
            .finish()
    }
}

/// What kind of thing a name names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum NameKind {
    Party,
    MeetingKind,
    DecisionKind,
    Group,
    Rule,
    Meeting,
    Decision,
}

/// A name of a package and where it is defined.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Name {
    pub name: String,
    pub kind: NameKind,
    /// The file of its definition (`None` for a built-in decision kind).
    pub file: Option<FileId>,
    pub span: Option<charter_grammar::ast::Span>,
}

/// A recorded meeting as the history gives it, names resolved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MeetingInfo {
    pub name: String,
    pub kind: String,
    pub date: ir::Day,
    pub precision: ir::Precision,
    pub last_day: Option<ir::Day>,
    pub place: Option<String>,
    pub host: Option<String>,
    /// Who was present, when the record says (`None`: not recorded).
    pub present: Option<Vec<String>>,
    pub decisions: Vec<String>,
    pub sources: Vec<String>,
}

/// A party as its declaration gives it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PartyInfo {
    pub id: String,
    /// A state, an organization or civil society; `None` where the
    /// declaration itself did not resolve.
    pub kind: Option<ir::PartyKind>,
    /// Official names, each with the name it sorts by and the day it took
    /// effect (`None` for the first).
    pub names: Vec<(String, String, Option<ir::Day>)>,
}

/// What the text and the history say of one party, each line with where
/// it comes from: read from the package's resolved tree, or, while some
/// other part of the package has errors, from the parts that resolved.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PartyFacts {
    /// The text's statements naming the party (`member from 2004-10-28`),
    /// each with its clause.
    pub text: Vec<(String, String)>,
    /// The history's records of the party (`joined no later than …`),
    /// each with its sources.
    pub recorded: Vec<(String, Vec<String>)>,
    /// Statements and records that did not resolve, so are not among the
    /// lines above (0 when the package checked).
    pub unresolved: usize,
}

impl Analysis {
    /// Parses and checks `files` (a history or amendment against the policy
    /// it names), on two threads where that pays (see
    /// [`crate::set_parallel`]).
    pub fn new(files: Vec<SourceFile>) -> Analysis {
        let files: Arc<[SourceFile]> = files.into();
        let shared = Arc::clone(&files);
        with_parse(&shared, parallel(), |parsed, helper| {
            let cell = Cell::new(Owner { files, parsed }, |owner| {
                let (result, packages) = analyze(&owner.files, &owner.parsed, helper, crate::lower::lower);
                Analyzed { result, packages }
            });
            Analysis {
                inner: Arc::new(AnalysisInner { cell }),
            }
        })
    }

    /// The files, in the order given.
    pub fn files(&self) -> &[SourceFile] {
        &self.inner.cell.borrow_owner().files
    }

    /// Diagnostics per file (in the order of the files), then by position.
    pub fn diagnostics(&self) -> &[Vec<Diagnostic>] {
        &self.check_result().diagnostics
    }

    /// The diagnostics and coverage as one result (its `bundles` are the
    /// IR of every package that checked).
    pub fn result(&self) -> &CheckResult {
        self.check_result()
    }

    pub fn errors(&self) -> usize {
        self.check_result().errors()
    }

    pub fn warnings(&self) -> usize {
        self.check_result().warnings()
    }

    /// Citation coverage of every policy that names its source text.
    pub fn coverage(&self) -> &[citations::Coverage] {
        &self.check_result().coverage
    }

    fn packages(&self) -> &[Kept<'_>] {
        &self.inner.cell.borrow_dependent().packages
    }

    fn check_result(&self) -> &CheckResult {
        &self.inner.cell.borrow_dependent().result
    }

    /// The package `file` belongs to (its policy, an amendment or a history).
    fn package_of(&self, file: FileId) -> Option<&Kept<'_>> {
        self.packages().iter().find(|k| {
            k.package.policy_file == file
                || k.package.amendments.iter().any(|(f, _)| *f == file)
                || k.package.histories.iter().any(|(f, _)| *f == file)
        })
    }

    /// The packages to look a name up in from `file`: its own, else every one.
    fn scopes(&self, file: FileId) -> Vec<&Env<'_>> {
        match self.package_of(file) {
            Some(kept) => vec![&kept.env],
            None => self.packages().iter().map(|k| &k.env).collect(),
        }
    }

    /// Looks `name` up in the name table of the package of `file` (the
    /// table is built even when other parts of the package have errors).
    pub fn lookup(&self, file: FileId, name: &str) -> Option<Name> {
        self.scopes(file)
            .into_iter()
            .find_map(|env| defined(env).find(|(n, _, _)| *n == name).map(name_of))
    }

    /// Every name the package of `file` defines.
    pub fn names(&self, file: FileId) -> Vec<Name> {
        self.scopes(file)
            .into_iter()
            .flat_map(|env| defined(env).map(name_of))
            .collect()
    }

    /// A party's declaration as the package of `file` has it: its kind
    /// from the resolved tree (or the parts that resolved), its names as
    /// declared.
    pub fn party(&self, file: FileId, id: &str) -> Option<PartyInfo> {
        let kept = self.package_of(file);
        let scopes = self.scopes(file);
        let decl = scopes.into_iter().find_map(|env| env.parties.get(id))?.decl;
        let kind = kept.and_then(|kept| match (&kept.checked, &kept.partial) {
            (Some((checked, _)), _) => checked.hir().parties.iter().find(|p| p.id == id).map(|p| p.kind),
            (None, Some(partial)) => partial.parties.iter().flatten().find(|p| p.id == id).map(|p| p.kind),
            (None, None) => None,
        });
        Some(PartyInfo {
            id: id.to_string(),
            kind,
            names: party_names(decl),
        })
    }

    /// The recorded meeting `name` of the package of `file`: from its
    /// resolved tree, or, while some other part has errors, from the parts
    /// that resolved (`None` for a record that does not resolve itself).
    pub fn meeting(&self, file: FileId, name: &str) -> Option<MeetingInfo> {
        let kept = self.package_of(file)?;
        let record = match (&kept.checked, &kept.partial) {
            (Some((checked, _)), _) => checked.hir().meetings.iter().find(|m| m.name == name),
            (None, Some(partial)) => partial.meetings.iter().flatten().find(|m| m.name == name),
            (None, None) => None,
        }?;
        let env = &kept.env;
        let party = |id: ir::PartyId| {
            env.parties
                .iter()
                .find(|(_, p)| p.id == id)
                .map_or_else(|| format!("#{id}"), |(name, _)| name.clone())
        };
        Some(MeetingInfo {
            name: record.name.clone(),
            kind: env
                .meeting_kinds
                .iter()
                .find(|(_, k)| k.id == record.kind)
                .map_or_else(String::new, |(name, _)| name.clone()),
            date: record.date,
            precision: record.precision,
            last_day: record.last_day,
            place: record.place.clone(),
            host: record.host.map(party),
            present: record
                .attendance_known
                .then(|| record.present.iter().map(|p| party(*p)).collect()),
            decisions: record.decisions.iter().map(|d| d.name.clone()).collect(),
            sources: record.sources.clone(),
        })
    }

    /// What the text and the history of the package of `file` say of the
    /// party `id`; `None` for a name that is not a party there.
    pub fn party_facts(&self, file: FileId, id: &str) -> Option<PartyFacts> {
        let kept = self.package_of(file)?;
        let def = kept.env.parties.get(id)?;
        let party = def.id;
        let kind = crate::resolve::declared_kind(def.decl);
        let (statements, events, unresolved): (Vec<&hir::Statement>, Vec<&hir::Event>, usize) =
            match (&kept.checked, &kept.partial) {
                (Some((checked, _)), _) => {
                    let tree = checked.hir();
                    let statements = tree
                        .base
                        .iter()
                        .chain(tree.amendments.iter().flat_map(|a| &a.statements))
                        .collect();
                    (statements, tree.events.iter().collect(), 0)
                }
                (None, Some(partial)) => {
                    let statements: Vec<&hir::Statement> = partial
                        .base
                        .iter()
                        .flatten()
                        .chain(partial.amendments.iter().flatten().flat_map(|a| &a.statements))
                        .collect();
                    let missing = partial.base.iter().filter(|s| s.is_none()).count()
                        + partial.amendments.iter().filter(|a| a.is_none()).count()
                        + partial.events.iter().filter(|e| e.is_none()).count();
                    (statements, partial.events.iter().flatten().collect(), missing)
                }
                (None, None) => (Vec::new(), Vec::new(), 0),
            };
        // A class a roster names as a whole covers the party on the days
        // no statement of its own does.
        let text = statements
            .into_iter()
            .filter_map(|s| {
                let by_class = matches!(&s.kind, hir::StatementKind::Roster { classes, .. }
                        if kind.is_some_and(|kind| classes.iter().any(|c| c.holds(party, kind))));
                roster_line(&s.kind, party, by_class).map(|line| (line, s.cite.clause.clone()))
            })
            .collect();
        let recorded = events
            .into_iter()
            .filter_map(|e| event_line(&e.kind, party).map(|line| (line, e.sources.clone())))
            .collect();
        Some(PartyFacts {
            text,
            recorded,
            unresolved,
        })
    }

    /// The clause and quotes of the block the rule `name` is written in.
    pub fn rule_clause(&self, file: FileId, name: &str) -> Option<(String, Vec<String>)> {
        let kept = self.package_of(file)?;
        let rule = kept.env.rules.get(name)?;
        crate::resolve::items(&kept.package)
            .into_iter()
            .find_map(|item| match item.node {
                charter_grammar::ast::Item::Rule(decl) if std::ptr::eq(decl, rule.decl) => item.block.map(|b| {
                    (
                        b.clause.text.clone(),
                        b.quotes.iter().map(|q| q.value.clone()).collect(),
                    )
                }),
                charter_grammar::ast::Item::Rule(_)
                | charter_grammar::ast::Item::Party(_)
                | charter_grammar::ast::Item::Test(_)
                | charter_grammar::ast::Item::Stmt(_)
                | charter_grammar::ast::Item::Block(_)
                | charter_grammar::ast::Item::NonNormative(_) => None,
            })
    }

    /// The syntax tree of `file`, if it parsed (what every analysis reads,
    /// so nothing parses a file again).
    pub fn ast(&self, file: FileId) -> Option<&charter_grammar::ast::File> {
        self.inner.cell.borrow_owner().parsed.ast(file)
    }

    /// The top-level items of every policy and amendment file that parsed,
    /// each with its file, in file order (what the analyses that read the
    /// text's blocks walk; histories have no items).
    pub fn item_lists(&self) -> impl Iterator<Item = (&SourceFile, &[charter_grammar::ast::Item])> {
        use charter_grammar::ast::FileKind;
        self.files().iter().enumerate().filter_map(|(id, source)| {
            let items: &[charter_grammar::ast::Item] = match &self.ast(id)?.kind {
                FileKind::Policy(p) => &p.items,
                FileKind::Amendment(a) => &a.items,
                FileKind::History(_) => return None,
            };
            Some((source, items))
        })
    }

    /// The outline of `file` (clause blocks with what they hold, parties,
    /// rules, tests, meeting kinds; a history's meetings), from the parse
    /// the analysis holds; empty for a file that did not parse.
    pub fn outline(&self, file: FileId) -> Vec<Symbol> {
        use charter_grammar::ast::{FileKind, RecordKind};
        let Some(ast) = self.inner.cell.borrow_owner().parsed.ast(file) else {
            return Vec::new();
        };
        match &ast.kind {
            FileKind::Policy(p) => outline_items(&p.items),
            FileKind::Amendment(a) => outline_items(&a.items),
            FileKind::History(h) => h
                .records
                .iter()
                .filter_map(|record| {
                    if let RecordKind::Meeting(m) = &record.kind {
                        Some(Symbol {
                            name: m.id.name.clone(),
                            kind: SymbolKind::Meeting,
                            span: record.span,
                            children: Vec::new(),
                        })
                    } else {
                        None
                    }
                })
                .collect(),
        }
    }

    /// The one policy that checked without error, as a program; `None`
    /// when there is an error or other than one policy.
    pub fn program(&self) -> Option<Program> {
        if self.errors() > 0 {
            return None;
        }
        let mut checked = self
            .packages()
            .iter()
            .enumerate()
            .filter_map(|(i, k)| k.checked.as_ref().map(|(_, bundle)| (i, *bundle)));
        let (package, bundle) = checked.next()?;
        if checked.next().is_some() {
            return None;
        }
        let ir = self.check_result().bundles.get(bundle)?;
        let tables = Tables::build(ir);
        Some(Program {
            inner: Arc::new(ProgramInner {
                analysis: self.clone(),
                package,
                bundle,
                tables,
                native: OnceLock::new(),
            }),
            backend: Backend::default(),
        })
    }
}

/// Every name a package defines, with its kind and definition, borrowed
/// from its name table (the one list `lookup` and `names` read).
fn defined<'e>(env: &'e Env<'_>) -> impl Iterator<Item = (&'e String, NameKind, Option<crate::resolve::Def>)> + 'e {
    let parties = env.parties.iter().map(|(n, d)| (n, NameKind::Party, Some(d.def)));
    let meeting_kinds = env
        .meeting_kinds
        .iter()
        .map(|(n, d)| (n, NameKind::MeetingKind, Some(d.def)));
    let decision_kinds = env
        .decision_kinds
        .iter()
        .map(|(n, d)| (n, NameKind::DecisionKind, d.def));
    let groups = env.groups.iter().map(|(n, d)| (n, NameKind::Group, Some(d.def)));
    let rules = env.rules.iter().map(|(n, d)| (n, NameKind::Rule, Some(d.def)));
    let meetings = env.meetings.iter().map(|(n, d)| (n, NameKind::Meeting, Some(d.def)));
    let decisions = env.decisions.iter().map(|(n, d)| (n, NameKind::Decision, Some(d.def)));
    parties
        .chain(meeting_kinds)
        .chain(decision_kinds)
        .chain(groups)
        .chain(rules)
        .chain(meetings)
        .chain(decisions)
}

fn name_of((name, kind, def): (&String, NameKind, Option<crate::resolve::Def>)) -> Name {
    Name {
        name: name.clone(),
        kind,
        file: def.map(|d| d.file),
        span: def.map(|d| d.span),
    }
}

/// One entry of a file's outline.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Symbol {
    pub name: String,
    pub kind: SymbolKind,
    pub span: charter_grammar::ast::Span,
    pub children: Vec<Symbol>,
}

/// What an outline entry is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SymbolKind {
    Clause,
    Party,
    Rule,
    Test,
    MeetingKind,
    Meeting,
}

fn outline_items(items: &[charter_grammar::ast::Item]) -> Vec<Symbol> {
    use charter_grammar::ast::{Item, StmtKind};
    let symbol = |name: String, kind, span, children| Symbol {
        name,
        kind,
        span,
        children,
    };
    items
        .iter()
        .filter_map(|item| match item {
            Item::Block(b) => {
                let name = match &b.label {
                    Some(label) => format!("§ {} {}", b.clause.text, label.name),
                    None => format!("§ {}", b.clause.text),
                };
                Some(symbol(name, SymbolKind::Clause, b.span, outline_items(&b.items)))
            }
            Item::Party(p) => Some(symbol(p.id.name.clone(), SymbolKind::Party, p.span, Vec::new())),
            Item::Rule(r) => Some(symbol(r.name.name.clone(), SymbolKind::Rule, r.span, Vec::new())),
            Item::Test(t) => Some(symbol(
                format!("test \"{}\"", t.name.value),
                SymbolKind::Test,
                t.span,
                Vec::new(),
            )),
            Item::Stmt(s) => {
                if let StmtKind::Meeting(m) = &s.kind {
                    Some(symbol(m.kind.name.clone(), SymbolKind::MeetingKind, s.span, Vec::new()))
                } else {
                    None
                }
            }
            Item::NonNormative(_) => None,
        })
        .collect()
}

fn party_names(decl: &charter_grammar::ast::PartyDecl) -> Vec<(String, String, Option<ir::Day>)> {
    let first = &decl.official_name.value;
    let mut out = vec![(
        first.clone(),
        decl.sort_name
            .as_ref()
            .map_or_else(|| first.clone(), |s| s.value.clone()),
        None,
    )];
    for rename in &decl.renames {
        let name = &rename.official_name.value;
        out.push((
            name.clone(),
            rename
                .sort_name
                .as_ref()
                .map_or_else(|| name.clone(), |s| s.value.clone()),
            crate::resolve::day(&rename.on),
        ));
    }
    out
}

/// Which evaluator answers. The interpreter is the reference; native code
/// (cranelift, compiled on first use) agrees with it on every input and
/// answers what it cannot compile by the interpreter, saying why.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Backend {
    /// The reference interpreter alone (the default).
    #[default]
    Interpreter,
    /// Native code where it compiles, the interpreter elsewhere.
    Native,
}

/// A policy that checked without error, ready to answer: owned, immutable,
/// `Send + Sync`, and cheap to clone.
#[derive(Clone)]
pub struct Program {
    inner: Arc<ProgramInner>,
    backend: Backend,
}

struct ProgramInner {
    analysis: Analysis,
    /// Its package among the analysis's.
    package: usize,
    /// Its IR among the analysis's bundles.
    bundle: usize,
    tables: Tables,
    native: OnceLock<Result<Jit, String>>,
}

impl std::fmt::Debug for Program {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Program")
            .field("policy", &self.bundle().title)
            .field("backend", &self.backend)
            .finish()
    }
}

/// An answer, with its explanation when one was asked for, and why native
/// code did not give it when native code was asked for.
#[derive(Debug, Clone, PartialEq)]
pub struct Answer {
    /// The value, or unknown with what it depends on.
    pub value: Outcome,
    pub explanation: Option<Explanation>,
    /// Set when [`Backend::Native`] was asked for and the interpreter
    /// answered: why.
    pub interpreted_because: Option<String>,
}

/// Why a prepared query could not be evaluated.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum EvalFailure {
    /// The facts do not give the values the query was prepared with.
    #[error("{0}")]
    Facts(String),
    /// Evaluation raised an error.
    #[error(transparent)]
    Eval(#[from] EvalError),
}

impl Program {
    /// Checks `files` into a program; the analysis (with its diagnostics)
    /// when they hold an error or other than one policy.
    pub fn new(files: Vec<SourceFile>) -> Result<Program, Analysis> {
        let analysis = Analysis::new(files);
        analysis.program().ok_or(analysis)
    }

    /// The same program answering with `backend`.
    #[must_use]
    pub fn with_backend(&self, backend: Backend) -> Program {
        Program {
            inner: Arc::clone(&self.inner),
            backend,
        }
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// The analysis it was checked in (files, warnings, coverage).
    pub fn analysis(&self) -> &Analysis {
        &self.inner.analysis
    }

    /// Its IR.
    #[expect(
        clippy::indexing_slicing,
        reason = "`Analysis::program` made the program from this bundle of the same analysis, which never changes"
    )]
    pub fn bundle(&self) -> &ir::Bundle {
        &self.inner.analysis.check_result().bundles[self.inner.bundle]
    }

    /// Its checked package: the resolved tree, and the name table queries
    /// are checked against.
    #[expect(
        clippy::indexing_slicing,
        clippy::expect_used,
        reason = "`Analysis::program` made the program from this package of the same analysis, which checked (and never changes)"
    )]
    fn checked(&self) -> (&Env<'_>, &Checked) {
        let kept = &self.inner.analysis.packages()[self.inner.package];
        let (checked, _) = kept.checked.as_ref().expect("the program's package checked");
        (&kept.env, checked)
    }

    /// The resolved tree.
    pub fn hir(&self) -> &hir::Package {
        self.checked().1.hir()
    }

    /// The semantic core's tables.
    pub fn tables(&self) -> &Tables {
        &self.inner.tables
    }

    /// An interpreter answering from the program's tables.
    pub fn interpreter(&self) -> Interpreter<'_> {
        Interpreter::with_tables(self.bundle(), &self.inner.tables)
    }

    /// Native code for the built-in queries and every rule, compiled on
    /// first use (or the reason it could not be).
    pub fn native(&self) -> Result<&Jit, &str> {
        self.inner
            .native
            .get_or_init(|| Jit::compile(self.bundle(), &self.inner.tables).map_err(|e| e.to_string()))
            .as_ref()
            .map_err(String::as_str)
    }

    /// A party's index by its identifier.
    pub fn party(&self, id: &str) -> Option<ir::PartyId> {
        self.bundle()
            .parties
            .iter()
            .position(|p| p.id == id)
            .map(|i| i as ir::PartyId)
    }

    /// Decodes a facts document (a JSON object whose keys name values)
    /// against the program's names.
    pub fn facts(&self, json: &serde_json::Value) -> Result<Facts, FactError> {
        Ok(Facts {
            named: facts::decode(self.bundle(), json)?,
        })
    }

    /// Type-checks `query` against the program's names once (no package is
    /// checked again), with the names and types of `facts` in scope; the
    /// diagnostics' spans point into the query text.
    pub fn prepare(&self, query: &str, facts: &Facts) -> Result<Prepared, Vec<Diagnostic>> {
        let parsed = charter_grammar::parse_query(query)?;
        let (env, checked) = self.checked();
        let params: Vec<(String, Type)> = facts
            .named
            .iter()
            .map(|(n, v)| (n.clone(), crate::query::type_of(v)))
            .collect();
        let mut sink = Sink::default();
        let query_file = self.analysis().files().len();
        crate::wellformed::check_query(query_file, &parsed, &mut sink);
        let (_, resolved) =
            crate::typeck::check_expr(env, checked.typed(), query_file, params.clone(), &parsed, &mut sink);
        let resolved = match resolved {
            Some(resolved) if sink.error_count() == 0 => resolved,
            Some(_) | None => {
                if sink.error_count() == 0 {
                    sink.push(
                        query_file,
                        crate::diagnostics::InternalDiagnostic::Unresolved {
                            what: "the query",
                            span: parsed.span,
                        },
                    );
                }
                return Err(sink.diagnostics.into_iter().map(|d| d.diagnostic).collect());
            }
        };
        let natives = facts
            .named
            .iter()
            .map(|(_, v)| {
                lang::NTy::of_value(v)
                    .map(lang::Local::Ty)
                    .map_err(|why| why.to_string())
            })
            .collect();
        Ok(Prepared {
            program: self.clone(),
            expr: crate::lower::expr(&resolved),
            params,
            natives,
            native: OnceLock::new(),
        })
    }

    /// A built-in query or a rule by name, on typed arguments.
    pub fn call(&self, name: &str, args: &[Value]) -> Result<Answer, QueryError> {
        let native = || -> Result<Result<Value, EvalError>, String> {
            let jit = self.native().map_err(str::to_string)?;
            match ir::Builtin::from_name(name) {
                Some(builtin) => jit
                    .call(builtin, args)
                    .ok_or_else(|| format!("`{name}` with these arguments is not native")),
                None => {
                    let index = self
                        .bundle()
                        .rules
                        .iter()
                        .position(|r| r.name == name)
                        .ok_or_else(|| format!("no rule `{name}`"))?;
                    not_native(jit.native().call_rule(index, args, self.bundle()))
                }
            }
        };
        let interpreted = || match evaluator::query_with(&self.interpreter(), name, args) {
            Ok(value) => Ok(Outcome::Known(value)),
            Err(QueryError::Eval(EvalError::Unknown(unknown))) => Ok(Outcome::Unknown(*unknown)),
            Err(e) => Err(e),
        };
        match self.answer(native) {
            Ok(Ok(value)) => Ok(Answer {
                value: Outcome::Known(value),
                explanation: None,
                interpreted_because: None,
            }),
            // Native code says unknown; the interpreter, the reference,
            // says what the answer depends on.
            Ok(Err(EvalError::Unknown(native))) => interpreted().map(|value| Answer {
                value: agreed_unknown(value, *native),
                explanation: None,
                interpreted_because: None,
            }),
            Ok(Err(EvalError::NoValue(..))) => interpreted().map(|value| Answer {
                value,
                explanation: None,
                interpreted_because: None,
            }),
            Ok(Err(e)) => Err(QueryError::Eval(e)),
            Err(why) => interpreted().map(|value| Answer {
                value,
                explanation: None,
                interpreted_because: why,
            }),
        }
    }

    /// The one place that decides who answers: native code when the
    /// program's backend asks for it and `native` can, else `Err` with why
    /// not (`None` when the interpreter was asked for).
    fn answer<T>(&self, native: impl FnOnce() -> Result<T, String>) -> Result<T, Option<String>> {
        match self.backend {
            Backend::Interpreter => Err(None),
            Backend::Native => native().map_err(Some),
        }
    }
}

/// The policy's own tests, run.
#[derive(Debug, Clone, PartialEq)]
pub struct TestRun {
    pub outcomes: Vec<charter_runtime::interp::TestOutcome>,
    /// Under [`Backend::Native`]: the steps the interpreter ran, each with
    /// why it is not native (every step, with why, when the policy could
    /// not be compiled).
    pub interpreted: Vec<String>,
}

/// What `charter build` writes: an object file for generic x86-64, the C
/// header declaring its entry points, and a JSON manifest of them.
#[derive(Debug, Clone)]
pub struct ObjectFiles {
    pub object: Vec<u8>,
    pub header: String,
    pub manifest: serde_json::Value,
}

impl Program {
    /// Runs every `test` block, on the program's backend.
    pub fn run_tests(&self) -> TestRun {
        let interpreted = || TestRun {
            outcomes: self.interpreter().run_tests(),
            interpreted: Vec::new(),
        };
        match self.backend {
            Backend::Interpreter => interpreted(),
            Backend::Native => match crate::codegen::run_tests(self.bundle(), self.tables()) {
                Ok(native) => TestRun {
                    outcomes: native.outcomes,
                    interpreted: native.interpreted,
                },
                Err(e) => TestRun {
                    interpreted: vec![format!("the policy could not be compiled: {e}")],
                    ..interpreted()
                },
            },
        }
    }

    /// The object file, C header and manifest `charter build` writes.
    pub fn object_files(&self) -> Result<ObjectFiles, String> {
        use crate::codegen::{fold, object};
        let bundle = self.bundle();
        if let Some(shift) = self.tables().term_shifts.first() {
            // The chair's entry points cannot say unknown on the days the
            // window moves the terms.
            return Err(format!(
                "the chair's terms follow a decided {} the history dates only to between {} and {}, so `charter_chair`, `charter_term_start` and `charter_term_end` could not answer unknown where it moves them",
                if shift.extension { "extension" } else { "hand-over" },
                charter_runtime::date::format(shift.earliest),
                charter_runtime::date::format(shift.latest)
            ));
        }
        let folded = fold(bundle, self.tables()).map_err(|e| e.to_string())?;
        let (bytes, rules) = object::object(&folded, bundle).map_err(|e| e.to_string())?;
        Ok(ObjectFiles {
            object: bytes,
            header: object::header(bundle, &rules),
            manifest: object::manifest(bundle, &rules),
        })
    }
}

/// A native call's result, or why native code could not answer.
/// Native code's unknown with the reasons the interpreter gives, where it
/// agrees; where it does not, native code's own unknown, so that the
/// disagreement shows (the tests compare the two backends).
fn agreed_unknown(interpreted: Outcome, native: charter_runtime::Unknown) -> Outcome {
    match interpreted {
        unknown @ Outcome::Unknown(_) => unknown,
        Outcome::Known(_) => Outcome::Unknown(native),
    }
}

fn not_native(result: Result<Result<Value, EvalError>, CallError>) -> Result<Result<Value, EvalError>, String> {
    result.map_err(|e| match e {
        CallError::NotNative(why) => format!("not native ({why})"),
        CallError::Unknown | CallError::Argument(_) => e.to_string(),
    })
}

impl charter_runtime::Evaluator for Program {
    fn bundle(&self) -> &ir::Bundle {
        Program::bundle(self)
    }

    fn query(&self, name: &str, args: &[Value]) -> Result<Value, QueryError> {
        match self.call(name, args)?.value {
            Outcome::Known(value) => Ok(value),
            Outcome::Unknown(unknown) => Err(QueryError::Eval(EvalError::Unknown(Box::new(unknown)))),
        }
    }

    /// As [`Program::call`] answers `chair`: native code where it answers
    /// (it declines a day a windowed record leaves open, and terms a
    /// windowed hand-over shifts), else the interpreter, unknown included.
    fn chair(&self, day: ir::Day) -> Result<Option<ir::PartyId>, EvalError> {
        let answer = self
            .call(ir::Builtin::Chair.name(), &[Value::Date(day)])
            .map_err(|e| match e {
                QueryError::Eval(e) => e,
                QueryError::UnknownQuery(_) | QueryError::WrongArity { .. } => EvalError::Malformed(e.to_string()),
            })?;
        match answer.value {
            Outcome::Known(Value::Party(p)) => Ok(Some(p)),
            Outcome::Known(_) => Ok(None),
            Outcome::Unknown(unknown) => Err(EvalError::Unknown(Box::new(unknown))),
        }
    }

    fn valid(&self, decision: &ir::Decision) -> Result<bool, EvalError> {
        let native = || {
            let jit = self.native().map_err(str::to_string)?;
            match jit.valid(decision) {
                Some(Some(valid)) => Ok(valid),
                Some(None) => Err("the decision is not judged (the text states no decision rule)".to_string()),
                None => Err("the decision has no native record".to_string()),
            }
        };
        match self.answer(native) {
            Ok(valid) => Ok(valid),
            Err(_) => {
                let valid = self
                    .interpreter()
                    .call_builtin(ir::Builtin::Valid, &[Value::Decision(Box::new(decision.clone()))])?;
                if let Value::Bool(valid) = valid {
                    Ok(valid)
                } else {
                    Err(EvalError::Malformed(format!("valid() gave {valid:?}")))
                }
            }
        }
    }
}

/// Named values a query reads (`--facts`), decoded against a program.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Facts {
    named: Vec<(String, Value)>,
}

impl Facts {
    /// No facts.
    pub fn none() -> Facts {
        Facts::default()
    }

    /// The facts, by name, in the document's order.
    pub fn values(&self) -> &[(String, Value)] {
        &self.named
    }
}

/// A query checked once against a program, evaluated with facts of the
/// same names and types as often as asked. Cheap to clone; `Send + Sync`.
#[derive(Clone)]
pub struct Prepared {
    program: Program,
    expr: ir::Expr,
    params: Vec<(String, Type)>,
    /// The native layout of each fact, or why one has none.
    natives: Result<Vec<lang::Local>, String>,
    native: OnceLock<Arc<Result<Jit, String>>>,
}

impl std::fmt::Debug for Prepared {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Prepared").field("expr", &self.expr).finish()
    }
}

impl Prepared {
    /// The program it was prepared against.
    pub fn program(&self) -> &Program {
        &self.program
    }

    /// The IR the query lowered to.
    pub fn expr(&self) -> &ir::Expr {
        &self.expr
    }

    /// The facts' values in the query's slots, checked against the names
    /// and types it was prepared with.
    fn locals(&self, facts: &Facts) -> Result<Vec<Value>, EvalFailure> {
        self.params
            .iter()
            .map(|(name, ty)| {
                let value = facts
                    .named
                    .iter()
                    .find(|(n, _)| n == name)
                    .map(|(_, v)| v)
                    .ok_or_else(|| EvalFailure::Facts(format!("no fact `{name}`: the query was prepared with one")))?;
                let found = crate::query::type_of(value);
                if &found == ty || matches!(found, Type::Set(ref inner) if **inner == Type::Error) {
                    Ok(value.clone())
                } else {
                    Err(EvalFailure::Facts(format!(
                        "fact `{name}` is a {found}, but the query was prepared with a {ty}"
                    )))
                }
            })
            .collect()
    }

    /// Evaluates the query on `facts`.
    pub fn eval(&self, facts: &Facts) -> Result<Answer, EvalFailure> {
        let locals = self.locals(facts)?;
        let native = || -> Result<Result<Value, EvalError>, String> {
            let natives = self
                .natives
                .as_ref()
                .map_err(|why| format!("a fact is not native ({why})"))?;
            let jit = self.native.get_or_init(|| {
                let query = lang::Query {
                    expr: self.expr.clone(),
                    locals: natives.clone(),
                };
                let program = &self.program;
                Arc::new(
                    Jit::with_queries(program.bundle(), program.tables(), std::slice::from_ref(&query))
                        .map_err(|e| e.to_string()),
                )
            });
            let jit = jit.as_ref().as_ref().map_err(String::clone)?;
            not_native(jit.native().call_query(0, &locals, self.program.bundle()))
                .map_err(|why| format!("the query is {why}"))
        };
        let interpreted = |locals: Vec<Value>| -> Result<Outcome, EvalFailure> {
            let mut locals = locals;
            Ok(Outcome::of(self.program.interpreter().eval(&self.expr, &mut locals))?)
        };
        match self.program.answer(native) {
            // Native code says unknown; the interpreter, the reference,
            // says what the answer depends on.
            Ok(Err(EvalError::Unknown(native))) => Ok(Answer {
                value: agreed_unknown(interpreted(locals)?, *native),
                explanation: None,
                interpreted_because: None,
            }),
            // Native code found a `none` where a value is needed; the
            // interpreter names the expression.
            Ok(Err(EvalError::NoValue(..))) => Ok(Answer {
                value: interpreted(locals)?,
                explanation: None,
                interpreted_because: None,
            }),
            Ok(value) => Ok(Answer {
                value: Outcome::Known(value?),
                explanation: None,
                interpreted_because: None,
            }),
            Err(why) => Ok(Answer {
                value: interpreted(locals)?,
                explanation: None,
                interpreted_because: why,
            }),
        }
    }

    /// Evaluates the query on `facts` with the interpreter, explaining the
    /// answer: the rules, facts and clauses that produced it.
    pub fn explain(&self, facts: &Facts) -> Result<Answer, EvalFailure> {
        let mut locals = self.locals(facts)?;
        let (value, explanation) = self.program.interpreter().explain(&self.expr, &mut locals)?;
        Ok(Answer {
            value,
            explanation: Some(explanation),
            interpreted_because: None,
        })
    }
}

/// What a roster statement says of `party`, where it names it.
/// (`by_class`: it covers the party as one of a class it names).
fn roster_line(kind: &hir::StatementKind, party: ir::PartyId, by_class: bool) -> Option<String> {
    let hir::StatementKind::Roster { parties, kind, .. } = kind else {
        return None;
    };
    if !by_class && !parties.iter().any(|p| p.node == party) {
        return None;
    }
    let span =
        |word: &str, from: &hir::Spanned<ir::Day>, until: &Option<hir::Spanned<ir::Day>>, dating: &ir::Dating| {
            let until = until
                .as_ref()
                .map(|u| format!(" until {}", dating.until.describe(u.node)))
                .unwrap_or_default();
            format!("{word} from {}{until}", dating.from.describe(from.node))
        };
    Some(match kind {
        hir::Membership::Member { from, until, dating } => span("member", from, until, dating),
        hir::Membership::Observer { from, until, dating } => span("observer", from, until, dating),
        hir::Membership::Pending { deadline } => {
            format!("pending, silence until {}", date::format(deadline.node))
        }
        hir::Membership::Open => "membership open to it".to_string(),
        hir::Membership::Withdrawal { on, precision } => match precision {
            ir::Precision::Exact | ir::Precision::NoLaterThan | ir::Precision::NoEarlierThan => {
                format!("withdraws on {}", precision.describe(on.node))
            }
            ir::Precision::InMonth | ir::Precision::InYear | ir::Precision::Between { .. } => {
                format!("withdraws {}", precision.describe(on.node))
            }
        },
    })
}

/// What a history record says of `party`, where it concerns it.
fn event_line(kind: &hir::EventKind, party: ir::PartyId) -> Option<String> {
    use hir::EventKind as E;
    let by = |decided_by: &Option<(String, String)>| {
        decided_by
            .as_ref()
            .map(|(meeting, decision)| format!(" (decided by `{decision}` at `{meeting}`)"))
            .unwrap_or_default()
    };
    match kind {
        E::Decline { party: p, turn } if *p == party => {
            Some(format!("declined its turn of {}", date::format(turn.node)))
        }
        E::Handover {
            to,
            on,
            precision,
            decided_by,
            stated_term,
        } if *to == party => Some(format!(
            "took the chair {}{}{}",
            precision.describe(*on),
            stated_term
                .map(|t| format!(" for {}", charter_runtime::value::duration_text(&t)))
                .unwrap_or_default(),
            by(decided_by)
        )),
        E::RoleTaken {
            party: p,
            role,
            on,
            precision,
        } if *p == party => Some(format!(
            "took office as {} beside the chair {}",
            role.word(),
            precision.describe(*on)
        )),
        E::SilenceBroken {
            party: p,
            on,
            precision,
            ..
        } if *p == party => Some(format!("broke the silence {}", precision.describe(*on))),
        E::Joined {
            party: p,
            on,
            precision,
        } if *p == party => Some(format!("joined {}", precision.describe(*on))),
        E::Candidacy {
            party: p,
            on,
            precision,
        } if *p == party => Some(format!(
            "announced its candidacy for the chair {}",
            precision.describe(*on)
        )),
        E::Extension {
            party: p,
            until,
            precision,
            decided_by,
        } if *p == party => Some(format!(
            "chair extended until {}{}",
            precision.describe(*until),
            by(decided_by)
        )),
        E::Designation {
            party: p,
            role,
            on,
            precision,
            ..
        } if *p == party => Some(format!("designated {role} {}", precision.describe(*on))),
        E::StatusChange {
            party: p,
            status,
            on,
            precision,
            decided_by,
        } if *p == party => Some(format!(
            "{} {}{}",
            status.name(),
            precision.describe(*on),
            by(decided_by)
        )),
        E::Application {
            party: p,
            status,
            on,
            precision,
            outcome,
            ..
        } if *p == party => Some(format!(
            "applied to be {} {} ({})",
            status.name(),
            precision.describe(*on),
            outcome.word()
        )),
        E::Decline { .. }
        | E::Handover { .. }
        | E::RoleTaken { .. }
        | E::Vacancy { .. }
        | E::SilenceBroken { .. }
        | E::Joined { .. }
        | E::Candidacy { .. }
        | E::Extension { .. }
        | E::Designation { .. }
        | E::StatusChange { .. }
        | E::Snapshot { .. }
        | E::Note { .. }
        | E::Composition { .. }
        | E::Application { .. } => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn assert_send_sync<T: Send + Sync>() {}

    #[test]
    fn values_are_send_and_sync() {
        assert_send_sync::<Analysis>();
        assert_send_sync::<Program>();
        assert_send_sync::<Prepared>();
    }
}
