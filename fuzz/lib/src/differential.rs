//! Native code against the interpreter (the reference) on one generated
//! policy: a [`Subject`] is the policy, its history, user rules and query
//! texts, checked and compiled once (native code for the built-ins and
//! every rule, each query prepared for both backends); a [`Question`] is
//! one call asked of both, and [`Subject::ask`] compares the answers. The
//! `native` fuzz target asks a fixed set of questions drawn from its
//! input; the deep mode ([`run`], `charter-fuzz-differential`) draws
//! millions from a seeded generator, many per compiled policy.

use std::fmt;

use charter::ir::{Builtin, Decision, Meeting};
use charter::{Backend, EvalError, EvalFailure, Outcome, SourceFile, Value};

use crate::generate::{Choices, Policy, Rules};

/// A query text prepared once for each backend.
struct Query {
    text: String,
    interpreted: charter::Prepared,
    native: charter::Prepared,
}

/// A generated policy, history, rules and queries, checked and compiled.
pub struct Subject {
    pub policy: Policy,
    /// The policy's text, its rules included.
    pub source: String,
    pub history: String,
    program: charter::Program,
    queries: Vec<Query>,
}

/// One question asked of both backends.
#[derive(Debug, Clone)]
pub enum Question {
    /// A built-in query on its arguments (the ones native code exports).
    Builtin(Builtin, Vec<Value>),
    /// Rule `index` on a party (or none) and a day.
    Rule(usize, Value, Value),
    /// Query text `index` over the facts `p` (a state) and `d` (a day).
    Query(usize, String, String),
}

/// What asking gave when both backends answered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Asked {
    /// Both answered, and agreed: with a value, or with the same error
    /// (`error`: unknown, out of the calendar, F1's none...).
    Agreed { error: bool },
    /// Native code does not answer this question (the interpreter does):
    /// nothing compared.
    NotNative,
}

/// A question the backends answered differently (or that the reference
/// answered with a compiler bug), with all it takes to reproduce it.
#[derive(Debug, Clone)]
pub struct Divergence {
    pub question: String,
    pub interpreter: String,
    pub native: String,
    pub source: String,
    pub history: String,
}

impl fmt::Display for Divergence {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}: interpreter {}, native {}\n--- policy.charter\n{}--- history.charter\n{}",
            self.question, self.interpreter, self.native, self.source, self.history
        )
    }
}

/// The result types of the `native` target's six rules.
pub const TARGET_RULES: &[&str] = &["bool", "int", "date", "party", "bool", "int"];

/// Whether two results are the same answer: equal values or errors;
/// unknowns agree whatever they depend on (the reference says what), and
/// F1's "malformed IR" errors agree (fuzz/README.md: both refuse `none`
/// where a value is typed).
fn agree(interpreted: &Result<Value, EvalError>, native: &Result<Value, EvalError>) -> bool {
    match (interpreted, native) {
        (Ok(a), Ok(b)) => a == b,
        (Err(EvalError::Unknown(_)), Err(EvalError::Unknown(_))) => true,
        (Err(EvalError::Malformed(_)), Err(EvalError::Malformed(_))) => true,
        // F1: both refuse `none` where a value is needed (the interpreter
        // names the expression, native code cannot).
        (Err(EvalError::NoValue(..)), Err(EvalError::NoValue(..))) => true,
        (Err(a), Err(b)) => a == b,
        _ => false,
    }
}

impl Subject {
    /// A policy, `rule_types.len()` rules (rule `i` returns
    /// `rule_types[i]`, over `p: party, d: date`) and `queries` query
    /// texts, all drawn from `c`; the policy's text and why when it does
    /// not check or compile to native code (a finding either way).
    pub fn generate(c: &mut Choices<'_>, rule_types: &[&'static str], queries: usize) -> Result<Subject, String> {
        let policy = Policy::generate(c);
        let mut generator = Rules {
            c,
            parties: policy.states(),
            group: policy.source().contains("group grp"),
            rules: Vec::new(),
        };
        let mut rules = String::new();
        for (i, ty) in rule_types.iter().enumerate() {
            let body = generator.of_type(ty, 3);
            rules.push_str(&format!("  rule r{i}(p: party, d: date): {ty} = {body}\n"));
            generator.rules.push((format!("r{i}"), ty));
        }
        let texts: Vec<String> = (0..queries)
            .map(|i| generator.of_type(["bool", "int", "date", "party"][i % 4], 3))
            .collect();
        let source = format!("{}§ 9 quote \"r\" {{\n{rules}}}\n", policy.source());
        let history = policy.history();
        let files = vec![
            SourceFile::charter("policy.charter", source.clone()),
            SourceFile::charter("history.charter", history.clone()),
        ];
        let program = charter::Program::new(files).map_err(|analysis| {
            format!(
                "a generated policy does not check:\n{source}\n{history}\n{}",
                charter::render(&analysis, false)
            )
        })?;
        let jit = program.native().map(|_| ()).map_err(str::to_string);
        jit.map_err(|why| format!("a generated policy does not compile to native code: {why}\n{source}"))?;
        for index in 0..program.bundle().rules.len() {
            if let Some(Err(why)) = program.native().ok().and_then(|jit| jit.native().rule_status(index)) {
                return Err(format!("rule r{index} is not native: {why}\n{source}"));
            }
        }
        let native = program.with_backend(Backend::Native);
        let facts = Subject::facts_of(&program, "S0", &charter::date::format(policy.adopted))?;
        let queries = texts
            .into_iter()
            .map(|text| {
                let prepare = |program: &charter::Program| {
                    program
                        .prepare(&text, &facts)
                        .map_err(|d| format!("a generated query does not check: {text}: {d:?}\n{source}"))
                };
                Ok(Query {
                    interpreted: prepare(&program)?,
                    native: prepare(&native)?,
                    text,
                })
            })
            .collect::<Result<_, String>>()?;
        Ok(Subject {
            policy,
            source,
            history,
            program,
            queries,
        })
    }

    fn facts_of(program: &charter::Program, p: &str, d: &str) -> Result<charter::Facts, String> {
        let mut json = serde_json::Map::new();
        json.insert("p".into(), p.into());
        json.insert("d".into(), d.into());
        program
            .facts(&serde_json::Value::Object(json))
            .map_err(|e| format!("the facts p = {p} and d = {d} are refused: {e}"))
    }

    pub fn program(&self) -> &charter::Program {
        &self.program
    }

    /// How many query texts it has.
    pub fn queries(&self) -> usize {
        self.queries.len()
    }

    /// The question as Charter text, with its facts.
    pub fn describe(&self, question: &Question) -> String {
        let bundle = self.program.bundle();
        let text = |v: &Value| match v {
            Value::Meeting(_) | Value::Decision(_) => format!("{v:?}"),
            _ => v.to_text(bundle),
        };
        match question {
            Question::Builtin(builtin, args) => {
                let args: Vec<String> = args.iter().map(text).collect();
                format!("{}({})", builtin.name(), args.join(", "))
            }
            Question::Rule(index, p, d) => format!(
                "{}({}, {})",
                bundle.rules.get(*index).map_or("?", |r| r.name.as_str()),
                text(p),
                text(d)
            ),
            Question::Query(index, p, d) => format!(
                "query `{}` with p = {p}, d = {d}",
                self.queries.get(*index).map_or("?", |q| q.text.as_str())
            ),
        }
    }

    fn divergence(&self, question: &Question, interpreter: String, native: String) -> Divergence {
        Divergence {
            question: self.describe(question),
            interpreter,
            native,
            source: self.source.clone(),
            history: self.history.clone(),
        }
    }

    /// `question` asked of both backends: agreed, not native, or how
    /// they differ. An interpreter error of "malformed IR" (but F1's) is
    /// a divergence too, whatever native code says: a checked policy
    /// never gives one.
    pub fn ask(&self, question: &Question) -> Result<Asked, Divergence> {
        let interp = self.program.interpreter();
        let jit = self
            .program
            .native()
            .map_err(|why| self.divergence(question, String::new(), why.to_string()))?;
        let bundle = self.program.bundle();
        let (interpreted, native) = match question {
            Question::Builtin(builtin, args) => match jit.call(*builtin, args) {
                Some(native) => (interp.call_builtin(*builtin, args), native),
                None => return Ok(Asked::NotNative),
            },
            Question::Rule(index, p, d) => {
                let call = charter::ir::Expr::Rule(
                    *index as u32,
                    vec![charter::ir::Expr::Local(0), charter::ir::Expr::Local(1)],
                );
                let interpreted = interp.eval(&call, &mut vec![p.clone(), d.clone()]);
                match jit.native().call_rule(*index, &[p.clone(), d.clone()], bundle) {
                    Ok(native) => (interpreted, native),
                    Err(why) => return Err(self.divergence(question, format!("{interpreted:?}"), why.to_string())),
                }
            }
            Question::Query(index, p, d) => return self.ask_query(question, *index, p, d),
        };
        if let Err(EvalError::Malformed(message)) = &interpreted {
            if !crate::OPEN_MALFORMED.contains(&message.as_str()) {
                return Err(self.divergence(question, format!("{interpreted:?}"), format!("{native:?}")));
            }
        }
        if agree(&interpreted, &native) {
            Ok(Asked::Agreed {
                error: interpreted.is_err(),
            })
        } else {
            Err(self.divergence(question, format!("{interpreted:?}"), format!("{native:?}")))
        }
    }

    /// Query text `index` evaluated by each backend's prepared query.
    fn ask_query(&self, question: &Question, index: usize, p: &str, d: &str) -> Result<Asked, Divergence> {
        let Some(query) = self.queries.get(index) else {
            return Err(self.divergence(question, "no such query".into(), String::new()));
        };
        let facts =
            Subject::facts_of(&self.program, p, d).map_err(|why| self.divergence(question, why, String::new()))?;
        let interpreted = query.interpreted.eval(&facts);
        let compiled = query.native.eval(&facts);
        if let Ok(answer) = &compiled {
            if answer.interpreted_because.is_some() {
                return Ok(Asked::NotNative);
            }
        }
        let value = |r: &Result<charter::Answer, EvalFailure>| -> Result<Value, EvalError> {
            match r {
                Ok(answer) => match &answer.value {
                    Outcome::Known(v) => Ok(v.clone()),
                    Outcome::Unknown(u) => Err(EvalError::Unknown(Box::new(u.clone()))),
                },
                Err(EvalFailure::Eval(e)) => Err(e.clone()),
                Err(EvalFailure::Facts(why)) => Err(EvalError::Malformed(format!("facts: {why}"))),
            }
        };
        let (interpreted, compiled) = (value(&interpreted), value(&compiled));
        let malformed =
            matches!(&interpreted, Err(EvalError::Malformed(m)) if !crate::OPEN_MALFORMED.contains(&m.as_str()));
        let same = match (&interpreted, &compiled) {
            // A prepared native query says unknown only as the
            // interpreter does (it asks it what the answer depends on).
            (Err(EvalError::Unknown(a)), Err(EvalError::Unknown(b))) => a == b,
            (a, b) => agree(a, b),
        };
        if same && !malformed {
            Ok(Asked::Agreed {
                error: interpreted.is_err(),
            })
        } else {
            Err(self.divergence(question, format!("{interpreted:?}"), format!("{compiled:?}")))
        }
    }

    /// A party for a rule's argument: a state, or (one time in `states +
    /// 2` each) none.
    fn party_or_none(&self, c: &mut Choices<'_>) -> Value {
        let states = self.policy.states();
        let p = c.next(states as u64 + 2) as usize;
        if p < states {
            Value::Party(p as u32)
        } else {
            Value::None
        }
    }

    /// A day near the policy's adoption, at the calendar's ends or
    /// outside it.
    fn day(&self, c: &mut Choices<'_>) -> i32 {
        match c.next(16) {
            0 => charter::date::LAST,
            1 => charter::date::LAST - 1,
            2 => charter::date::FIRST,
            3 => c.range(-1_000_000, 3_000_000) as i32,
            _ => self.policy.adopted + c.range(-2_000, 30_000) as i32,
        }
    }

    /// A set of the policy's parties (the crowd's too).
    fn parties(&self, c: &mut Choices<'_>) -> Vec<u32> {
        let all = self.program.bundle().parties.len() as u32;
        let dense = c.flag();
        (0..all)
            .filter(|_| if dense { c.next(4) != 0 } else { c.next(4) == 0 })
            .collect()
    }

    /// One question drawn from `c`: a built-in (chair, terms, members,
    /// membership, attendance, the validity of a decision under the
    /// policy's majority and quorum), a rule on a party and a day, or a
    /// query text over facts.
    pub fn draw(&self, c: &mut Choices<'_>) -> Question {
        let bundle = self.program.bundle();
        let parties = bundle.parties.len() as u64;
        match c.next(16) {
            0..=2 => {
                let builtin = [
                    Builtin::Chair,
                    Builtin::NextChair,
                    Builtin::TermStart,
                    Builtin::TermEnd,
                    Builtin::Members,
                ][c.next(5) as usize];
                Question::Builtin(builtin, vec![Value::Date(self.day(c))])
            }
            3 => Question::Builtin(
                Builtin::Member,
                vec![Value::Party(c.next(parties) as u32), Value::Date(self.day(c))],
            ),
            4 => {
                let meeting = Meeting {
                    id: None,
                    kind: c.next(bundle.meeting_kinds.len() as u64) as u32,
                    date: self.day(c),
                    host: None,
                    present: Vec::new(),
                    observers: Vec::new(),
                };
                Question::Builtin(
                    Builtin::MayAttend,
                    vec![Value::Party(c.next(parties) as u32), Value::Meeting(Box::new(meeting))],
                )
            }
            5..=6 => {
                let present = self.parties(c);
                let objections = if c.flag() {
                    present.iter().copied().filter(|_| c.next(3) == 0).collect()
                } else {
                    self.parties(c)
                };
                let decision = Decision {
                    kind: c.next(bundle.decision_kinds.len() as u64) as u32,
                    meeting: Meeting {
                        id: None,
                        kind: c.next(bundle.meeting_kinds.len() as u64) as u32,
                        date: self.day(c),
                        host: None,
                        present,
                        observers: Vec::new(),
                    },
                    objections,
                    reservations: Vec::new(),
                    subjects: Vec::new(),
                    invited_to: None,
                };
                Question::Builtin(Builtin::Valid, vec![Value::Decision(Box::new(decision))])
            }
            7..=12 if !bundle.rules.is_empty() => {
                let index = c.next(bundle.rules.len() as u64) as usize;
                let p = self.party_or_none(c);
                Question::Rule(index, p, Value::Date(self.day(c)))
            }
            _ if !self.queries.is_empty() => {
                let index = c.next(self.queries.len() as u64) as usize;
                let p = format!("S{}", c.next(self.policy.states() as u64));
                let d = charter::date::format(self.policy.adopted + c.range(-2_000, 30_000) as i32);
                Question::Query(index, p, d)
            }
            _ => Question::Builtin(Builtin::Chair, vec![Value::Date(self.day(c))]),
        }
    }
}

/// The `native` target's questions of a subject, drawn from `c` as the
/// target always drew them: the five day built-ins on days near the
/// adoption and at the calendar's ends, each rule three times, and each
/// query over one pair of facts.
pub fn target_questions(subject: &Subject, c: &mut Choices<'_>) -> Vec<Question> {
    let adopted = subject.policy.adopted;
    let mut days: Vec<i32> = (0..4).map(|_| adopted + c.range(-500, 16_000) as i32).collect();
    days.extend([
        charter::date::LAST,
        charter::date::LAST - 1,
        c.range(-1_000_000, 3_000_000) as i32,
    ]);
    let mut questions = Vec::new();
    for day in &days {
        for builtin in [
            Builtin::Chair,
            Builtin::NextChair,
            Builtin::TermStart,
            Builtin::TermEnd,
            Builtin::Members,
        ] {
            questions.push(Question::Builtin(builtin, vec![Value::Date(*day)]));
        }
    }
    for index in 0..subject.program.bundle().rules.len() {
        for _ in 0..3 {
            let p = subject.party_or_none(c);
            let d = Value::Date(adopted + c.range(-2_000, 30_000) as i32);
            questions.push(Question::Rule(index, p, d));
        }
    }
    let p = format!("S{}", c.next(subject.policy.states() as u64));
    let d = charter::date::format(adopted + c.range(0, 8_000) as i32);
    questions.extend((0..subject.queries()).map(|i| Question::Query(i, p.clone(), d.clone())));
    questions
}

/// The deep mode's settings.
#[derive(Debug, Clone)]
pub struct Config {
    /// Questions to compare (those native code does not answer not
    /// counted).
    pub queries: u64,
    pub seed: u64,
    /// Questions per compiled policy.
    pub per_policy: u64,
    /// Rules per policy (result types cycling bool, int, date, party).
    pub rules: usize,
    /// Query texts per policy.
    pub texts: usize,
    /// The first policy (to replay policy K of a seed alone).
    pub first_policy: u64,
    /// Divergences printed in full (all are counted).
    pub print: usize,
}

impl Default for Config {
    fn default() -> Config {
        Config {
            queries: 100_000,
            seed: 0,
            per_policy: 1_000,
            rules: 12,
            texts: 8,
            first_policy: 0,
            print: 5,
        }
    }
}

/// What a deep run compared.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Summary {
    /// Questions both backends answered (and were compared).
    pub queries: u64,
    /// By kind: built-ins, rules, query texts.
    pub builtins: u64,
    pub rules: u64,
    pub texts: u64,
    /// Questions native code did not answer (not compared).
    pub not_native: u64,
    /// Questions both answered with the same error (unknown, out of the
    /// calendar, F1's none where a value is typed).
    pub errors: u64,
    pub policies: u64,
    pub divergences: u64,
    /// Generated policies that did not check or compile (findings too).
    pub broken: u64,
}

/// The generator of policy `index` of `seed`: its own ChaCha8 stream, so a
/// policy replays alone (`Config::first_policy`).
pub fn policy_rng(seed: u64, index: u64) -> rand::rngs::ChaCha8Rng {
    use rand::SeedableRng;
    let mut key = [0u8; 32];
    key[..8].copy_from_slice(&seed.to_le_bytes());
    key[8..16].copy_from_slice(&index.to_le_bytes());
    rand::rngs::ChaCha8Rng::from_seed(key)
}

/// Bytes a policy's generation draws from (more than it ever needs), and
/// bytes for each question.
const POLICY_BYTES: usize = 1 << 16;
const QUESTION_BYTES: usize = 1 << 10;

/// The deep differential run: policies from `config.seed`, each checked
/// and compiled once and asked `config.per_policy` questions, until
/// `config.queries` were compared. `report` is called with each
/// divergence (the first `config.print` of them) and after each policy.
pub fn run(config: &Config, mut report: impl FnMut(Event<'_>)) -> Summary {
    use rand::Rng;
    let rule_types: Vec<&'static str> = (0..config.rules)
        .map(|i| ["bool", "int", "date", "party"][i % 4])
        .collect();
    let mut summary = Summary::default();
    let mut index = config.first_policy;
    let mut policy_bytes = vec![0u8; POLICY_BYTES];
    let mut question_bytes = vec![0u8; QUESTION_BYTES];
    while summary.queries < config.queries {
        let mut rng = policy_rng(config.seed, index);
        rng.fill_bytes(&mut policy_bytes);
        let mut c = Choices(arbitrary::Unstructured::new(&policy_bytes));
        summary.policies += 1;
        let subject = match Subject::generate(&mut c, &rule_types, config.texts) {
            Ok(subject) => subject,
            Err(why) => {
                summary.broken += 1;
                report(Event::Broken {
                    policy: index,
                    why: &why,
                });
                index += 1;
                continue;
            }
        };
        let wanted = config.per_policy.min(config.queries - summary.queries);
        let mut asked = 0;
        while asked < wanted {
            rng.fill_bytes(&mut question_bytes);
            let question = subject.draw(&mut Choices(arbitrary::Unstructured::new(&question_bytes)));
            match subject.ask(&question) {
                Ok(Asked::NotNative) => {
                    summary.not_native += 1;
                    continue;
                }
                Ok(Asked::Agreed { error }) => summary.errors += u64::from(error),
                Err(divergence) => {
                    summary.divergences += 1;
                    if summary.divergences <= config.print as u64 {
                        report(Event::Divergence {
                            policy: index,
                            divergence: &divergence,
                        });
                    }
                }
            }
            asked += 1;
            match question {
                Question::Builtin(..) => summary.builtins += 1,
                Question::Rule(..) => summary.rules += 1,
                Question::Query(..) => summary.texts += 1,
            }
        }
        summary.queries += asked;
        report(Event::Policy {
            policy: index,
            summary: &summary,
        });
        index += 1;
    }
    summary
}

/// What [`run`] reports as it goes.
pub enum Event<'a> {
    /// Policy `policy` is done; the counts so far.
    Policy {
        policy: u64,
        summary: &'a Summary,
    },
    Divergence {
        policy: u64,
        divergence: &'a Divergence,
    },
    /// A generated policy did not check or compile.
    Broken {
        policy: u64,
        why: &'a str,
    },
}
