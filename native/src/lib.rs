//! The cranelift backend: `fold` turns a bundle into constant tables,
//! `emit` turns those into CLIF, `native` runs them in process (the JIT) and
//! `object` writes them to a relocatable object file with a C header.

mod deferred;
pub mod emit;
pub mod fold;
pub mod lang;
mod native;
pub mod object;

use charter_runtime::ir::{self, Builtin, Day, PartyId};
use charter_runtime::{tables, EvalError, Tables, Unknown, Value};

pub use emit::{header_word, record_words, Attendance, DecisionRecord};
pub use fold::{fold, FoldError, Folded};
pub use native::{CallError, NativeCode};

/// Cranelift could not compile the folded policy.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("native code generation failed: {0}")]
pub struct CodegenError(pub String);

/// Why a policy could not be given a JIT evaluator.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum JitError {
    #[error(transparent)]
    Fold(FoldError),
    #[error(transparent)]
    Codegen(CodegenError),
}

/// A policy compiled to native code: the built-in queries answered from
/// the semantic core's tables, folded into constant data.
pub struct Jit {
    native: NativeCode,
    party_count: usize,
    meeting_kinds: usize,
    decision_kinds: usize,
    /// Meeting kinds some version makes a body's: the C ABI's
    /// `may_attend(party, day)` does not know a meeting's kind.
    body_kinds: Vec<ir::MeetingKindId>,
    /// The recorded meetings whose attendance is not recorded: a decision
    /// at one is judged by the compiled rules (which answer unknown), not
    /// by the record entry points, which take who was present as given.
    unrecorded: std::collections::BTreeSet<String>,
    /// Whether the chair's terms follow a record dated only by a window:
    /// [`Jit::call`] leaves the chair's answers to the interpreter.
    terms_shift: bool,
    /// The records dated by a window that leave answers open (see
    /// [`Jit::leaves_open`]).
    status_windows: Vec<tables::StatusWindow>,
    chair_windows: Vec<tables::ChairWindow>,
    observers_decide: bool,
}

impl Jit {
    pub fn compile(bundle: &ir::Bundle, tables: &Tables) -> Result<Jit, JitError> {
        Jit::with_queries(bundle, tables, &[])
    }

    /// Native code for the policy, its rules, and `queries` (expressions
    /// over typed locals: a query given to `charter eval`, the steps of the
    /// policy's tests), called by their index.
    pub fn with_queries(bundle: &ir::Bundle, tables: &Tables, queries: &[lang::Query]) -> Result<Jit, JitError> {
        let folded = fold(bundle, tables).map_err(JitError::Fold)?;
        let native = NativeCode::compile(&folded, bundle, queries).map_err(JitError::Codegen)?;
        Ok(Jit {
            native,
            party_count: bundle.parties.len(),
            meeting_kinds: bundle.meeting_kinds.len(),
            decision_kinds: bundle.decision_kinds.len(),
            body_kinds: bundle
                .versions
                .iter()
                .flat_map(|v| v.bodies.iter().map(|b| b.kind))
                .collect(),
            unrecorded: tables.unrecorded_attendance.clone(),
            status_windows: tables.status_windows.clone(),
            chair_windows: tables.chair_windows.clone(),
            observers_decide: tables::observers_decide(bundle),
            terms_shift: !tables.term_shifts.is_empty(),
        })
    }

    /// The native code itself, for batch entry points.
    pub fn native(&self) -> &NativeCode {
        &self.native
    }

    /// The record native code reads for a decision (`record_words` words),
    /// or `None` if it names a party or kind the policy does not have.
    /// `None` too for a decision at a recorded meeting whose attendance is
    /// not recorded (its present set would be taken as whole).
    pub fn record(&self, decision: &ir::Decision) -> Option<Vec<u64>> {
        if decision
            .meeting
            .id
            .as_ref()
            .is_some_and(|id| self.unrecorded.contains(id))
        {
            return None;
        }
        if decision.kind as usize >= self.decision_kinds || decision.meeting.kind as usize >= self.meeting_kinds {
            return None;
        }
        let parties = [&decision.meeting.present, &decision.objections];
        if parties
            .iter()
            .any(|set| set.iter().any(|p| *p as usize >= self.party_count))
        {
            return None;
        }
        let words = self.native.words();
        let mut record = Vec::with_capacity(record_words(words));
        record.push(header_word(decision.kind, decision.meeting.kind));
        record.push(header_word(decision.meeting.date as u32, 0));
        for set in parties {
            record.extend(tables::set_of(words, set));
        }
        Some(record)
    }

    /// Whether the native entry points on the rules' terms (`chair`,
    /// `term_start`, `term_end` and their batches) answer this policy: not
    /// where a decided hand-over dated only by a window shifts the terms
    /// (they answer from one day of the window; [`Jit::call`] declines, and
    /// the interpreter says what the answer depends on).
    pub fn answers_terms(&self) -> bool {
        !self.terms_shift
    }

    /// The chair on `day`.
    pub fn chair(&self, day: Day) -> Option<PartyId> {
        party(self.native.chair(day))
    }

    /// Whether the decision is valid (`Some(None)`: not judged, the text
    /// stating no decision rule), or `None` if it names a party or kind
    /// the policy does not have, or is taken at a meeting whose attendance
    /// is not recorded.
    pub fn valid(&self, decision: &ir::Decision) -> Option<Option<bool>> {
        self.native.valid(&self.record(decision)?)
    }
}

impl Jit {
    /// `builtin(args)` answered by native code, or `None` for a query or
    /// arguments native code does not answer (a meeting's invitations, a
    /// party or kind the policy does not have, a query it does not export).
    /// An answer a record dated by a window leaves open is unknown, as the
    /// interpreter says (which says why).
    pub fn call(&self, builtin: Builtin, args: &[Value]) -> Option<Result<Value, EvalError>> {
        let on_terms = matches!(
            builtin,
            Builtin::Chair | Builtin::Chairs | Builtin::NextChair | Builtin::TermStart | Builtin::TermEnd
        );
        if self.terms_shift && on_terms {
            return None;
        }
        if self.leaves_open(builtin, args) {
            return Some(Err(window_open()));
        }
        let n = &self.native;
        // A record dated only by a window that leaves a term's bound open
        // beyond `leaves_open`'s days (the end of the term a day is in, for
        // `next_chair`): native code says `UNKNOWN_VALUE`, and declines, so
        // the interpreter answers (and says what the answer depends on).
        let answered = |raw: i32| (raw != fold::UNKNOWN_VALUE).then_some(raw);
        let chair = |raw: i32| party(raw).map_or(Value::None, Value::Party);
        let day = |raw: i32| {
            if raw == fold::NONE {
                Value::None
            } else {
                Value::Date(raw)
            }
        };
        let in_range = |p: &u32| (*p as usize) < self.party_count;
        Some(Ok(match (builtin, args) {
            (Builtin::Chair, [Value::Date(d)]) => chair(answered(n.chair(*d))?),
            (Builtin::TermStart, [Value::Date(d)]) => day(answered(n.term_start(*d))?),
            (Builtin::TermEnd, [Value::Date(d)]) => day(answered(n.term_end(*d))?),
            (Builtin::NextChair, [Value::Date(d)]) => match answered(n.term_end(*d))? {
                fold::NONE => Value::None,
                end => chair(answered(n.chair(end))?),
            },
            (Builtin::Members, [Value::Date(d)]) => {
                Value::parties(tables::parties(&n.members(*d)).filter(in_range).collect::<Vec<_>>())
            }
            (Builtin::Member, [Value::Party(p), Value::Date(d)]) => Value::Bool(n.member(*p, *d)),
            // Not judged: where a change of status dated by a window is
            // open on the day, the worlds disagreed; else the interpreter
            // says why (attendance not recorded, no decision rule stated).
            (Builtin::Valid, [Value::Decision(decision)]) => match self.valid(decision)? {
                Some(valid) => Value::Bool(valid),
                None if self.status_open(builtin, args) => return Some(Err(window_open())),
                None => return None,
            },
            // Native code knows status, not invitations to a recorded meeting.
            // nor the members of a body within the body (a committee).
            (Builtin::MayAttend, [Value::Party(p), Value::Meeting(m)])
                if m.id.is_none() && !self.body_kinds.contains(&m.kind) =>
            {
                // With no invitations and no body, only the party's status
                // answers, as the interpreter says.
                if self.status_open(builtin, args) {
                    return Some(Err(window_open()));
                }
                Value::Bool(n.may_attend(*p, m.date))
            }
            (_, _) => return None,
        }))
    }

    /// Whether a change of status that the sources date only by a window
    /// leaves `builtin(args)` open, by the interpreter's rule for a party's
    /// status alone.
    fn status_open(&self, builtin: Builtin, args: &[Value]) -> bool {
        tables::StatusQuestion::of(builtin, args, self.observers_decide)
            .is_some_and(|question| self.status_windows.iter().any(|w| question.leaves_open(w)))
    }

    /// Whether a change of status or a taking of office that the sources
    /// date only by a window leaves `builtin(args)` open, by the same rule
    /// as the interpreter and the compiled queries.
    /// (`valid`, `may_attend` and `may_speak` are not asked here: native
    /// code judges a decision in every world itself, `may_attend` asks
    /// [`Jit::status_open`] where native code answers it, and `may_speak`
    /// is the interpreter's, which answers where every status agrees.)
    fn leaves_open(&self, builtin: Builtin, args: &[Value]) -> bool {
        if !matches!(builtin, Builtin::Valid | Builtin::MayAttend | Builtin::MaySpeak)
            && self.status_open(builtin, args)
        {
            return true;
        }
        let [Value::Date(d)] = args else {
            return false;
        };
        let n = &self.native;
        self.chair_windows.iter().any(|w| match builtin {
            Builtin::Chair | Builtin::Chairs | Builtin::NextChair => w.changes && w.straddles(*d),
            // Only a chair the text names, on exact days, has them.
            Builtin::CoChairs | Builtin::ViceChairs => false,
            Builtin::TermStart => w.straddles(*d) || n.term_start(*d) == w.start,
            Builtin::TermEnd => w.straddles(*d) || n.term_end(*d) == w.start,
            Builtin::Member
            | Builtin::Status
            | Builtin::Members
            | Builtin::Observers
            | Builtin::Group
            | Builtin::RecordedChair
            | Builtin::RecordedStatus
            | Builtin::Valid
            | Builtin::MayAttend
            | Builtin::MaySpeak
            | Builtin::Violations
            | Builtin::Count => false,
        })
    }
}

/// The unknown native code answers where a record dated only by a window
/// leaves the answer open (the interpreter says which record).
fn window_open() -> EvalError {
    Unknown::because("a record the sources date only by a window leaves the answer open")
}

/// The parties in a set of words.
pub(crate) fn tables_parties(words: &[u64]) -> impl Iterator<Item = PartyId> + '_ {
    tables::parties(words)
}

/// A chair as native code returns it.
pub fn party(raw: i32) -> Option<PartyId> {
    (raw != fold::NONE).then_some(raw as PartyId)
}

/// The policy's tests run natively: each `let` and each side of each
/// assertion a compiled query. A step that does not compile is evaluated
/// by the interpreter, and counted.
pub struct NativeTests {
    pub outcomes: Vec<charter_runtime::interp::TestOutcome>,
    /// Steps the interpreter evaluated, with why they are not native.
    pub interpreted: Vec<String>,
}

/// One step of a test as queries: a `let`, an equality (two sides) or a
/// truth.
enum Step<'b> {
    Let(usize, &'b ir::Expr),
    Equality(bool, [(usize, &'b ir::Expr); 2], &'b ir::TestStep),
    Truth(usize, &'b ir::Expr, &'b ir::TestStep),
}

pub fn run_tests(bundle: &ir::Bundle, tables: &Tables) -> Result<NativeTests, JitError> {
    use charter_runtime::interp::{assertion_failure, equality_failure, let_failure, truth_failure, TestOutcome};
    let mut queries = Vec::new();
    let mut plans = Vec::with_capacity(bundle.tests.len());
    for test in &bundle.tests {
        let mut lets: Vec<lang::Local> = Vec::new();
        let mut steps = Vec::with_capacity(test.steps.len());
        let mut query = |expr: &ir::Expr, lets: &[lang::Local]| {
            queries.push(lang::Query {
                expr: expr.clone(),
                locals: lets.to_vec(),
            });
            queries.len() - 1
        };
        for step in &test.steps {
            match step {
                ir::TestStep::Let(expr) => {
                    let q = query(expr, &lets);
                    lets.push(lang::Local::ResultOf(q));
                    steps.push(Step::Let(q, expr));
                }
                ir::TestStep::Assert { expr, .. } => {
                    // An equality reports both sides, as the interpreter does.
                    if let ir::Expr::Binary(op @ (ir::BinOp::Eq | ir::BinOp::Ne), lhs, rhs) = expr {
                        let sides = [(query(lhs, &lets), &**lhs), (query(rhs, &lets), &**rhs)];
                        steps.push(Step::Equality(*op == ir::BinOp::Eq, sides, step));
                    } else {
                        steps.push(Step::Truth(query(expr, &lets), expr, step));
                    }
                }
            }
        }
        plans.push(steps);
    }
    let jit = Jit::with_queries(bundle, tables, &queries)?;
    let interp = charter_runtime::Interpreter::with_tables(bundle, tables);
    let mut interpreted = Vec::new();
    let mut eval = |q: usize, expr: &ir::Expr, locals: &[Value]| match jit.native().call_query(q, locals, bundle) {
        Ok(answer) => answer,
        Err(why) => {
            interpreted.push(why.to_string());
            interp.eval(expr, &mut locals.to_vec())
        }
    };
    let mut outcomes = Vec::with_capacity(bundle.tests.len());
    for (test, steps) in bundle.tests.iter().zip(plans) {
        let mut locals = Vec::new();
        let mut failures = Vec::new();
        for step in steps {
            let (detail, assert) = match step {
                Step::Let(q, expr) => match eval(q, expr, &locals) {
                    Ok(v) => {
                        locals.push(v);
                        continue;
                    }
                    Err(e) => {
                        failures.push(let_failure(&e));
                        break;
                    }
                },
                Step::Equality(equal, [(a, lhs), (b, rhs)], assert) => {
                    let actual = eval(a, lhs, &locals);
                    let expected = actual.as_ref().ok().map(|_| eval(b, rhs, &locals));
                    (equality_failure(equal, actual, expected, bundle), assert)
                }
                Step::Truth(q, expr, assert) => (truth_failure(eval(q, expr, &locals), bundle), assert),
            };
            if let (
                Some(detail),
                ir::TestStep::Assert {
                    file,
                    line,
                    column,
                    text,
                    ..
                },
            ) = (detail, assert)
            {
                failures.push(assertion_failure(file, *line, *column, text, &detail));
            }
        }
        outcomes.push(TestOutcome {
            name: test.name.clone(),
            failures,
        });
    }
    Ok(NativeTests { outcomes, interpreted })
}
