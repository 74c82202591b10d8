//! The evaluator interface an embedding program calls: typed queries for
//! the common questions and `query` for any built-in or rule by name. Every
//! failure is a value, never a panic.

use crate::interp::{EvalError, Interpreter};
use crate::ir::{Builtin, Bundle, Day, Decision, Meeting, PartyId, Status};
use crate::value::Value;

/// Why a query by name could not be answered.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum QueryError {
    /// No built-in query or rule has this name.
    #[error("no built-in query or rule is called `{0}`")]
    UnknownQuery(String),
    /// The query takes another number of arguments.
    #[error("`{name}` takes {expected} argument(s), {found} given")]
    WrongArity {
        name: String,
        expected: usize,
        found: usize,
    },
    /// Evaluation failed (an argument of the wrong kind, an overflow, ...).
    #[error(transparent)]
    Eval(#[from] EvalError),
}

/// Answers compliance questions about one policy.
pub trait Evaluator {
    /// The IR the evaluator answers for (party and kind names, history).
    fn bundle(&self) -> &Bundle;

    /// Any built-in query or rule, by name, on evaluated arguments.
    fn query(&self, name: &str, args: &[Value]) -> Result<Value, QueryError>;

    /// The chair on a day; `None` before the first term or while vacant.
    fn chair(&self, day: Day) -> Result<Option<PartyId>, EvalError> {
        match self.query("chair", &[Value::Date(day)]) {
            Ok(Value::Party(p)) => Ok(Some(p)),
            Ok(_) => Ok(None),
            Err(QueryError::Eval(e)) => Err(e),
            Err(e) => Err(EvalError::Malformed(e.to_string())),
        }
    }

    /// Whether a decision was validly taken.
    fn valid(&self, decision: &Decision) -> Result<bool, EvalError> {
        match self.query("valid", &[Value::Decision(Box::new(decision.clone()))]) {
            Ok(Value::Bool(b)) => Ok(b),
            Ok(other) => Err(EvalError::Malformed(format!("valid() gave {other:?}"))),
            Err(QueryError::Eval(e)) => Err(e),
            Err(e) => Err(EvalError::Malformed(e.to_string())),
        }
    }

    /// Whether a party is a member on a day.
    fn member(&self, party: PartyId, day: Day) -> Result<bool, EvalError> {
        Ok(self
            .query("member", &[Value::Party(party), Value::Date(day)])
            .map_err(to_eval)?
            == Value::Bool(true))
    }

    /// A party's status on a day.
    fn status(&self, party: PartyId, day: Day) -> Result<Status, EvalError> {
        let value = self
            .query("status", &[Value::Party(party), Value::Date(day)])
            .map_err(to_eval)?;
        let Value::Status(status) = value else {
            return Err(EvalError::Malformed("`status` answered a non-status".into()));
        };
        Ok(status)
    }

    /// Whether a party may attend a meeting.
    fn may_attend(&self, party: PartyId, meeting: &Meeting) -> Result<bool, EvalError> {
        let args = [Value::Party(party), Value::Meeting(Box::new(meeting.clone()))];
        Ok(self.query("may_attend", &args).map_err(to_eval)? == Value::Bool(true))
    }

    /// The index of a party by its identifier (`"KGZ"`).
    fn party(&self, id: &str) -> Option<PartyId> {
        self.bundle()
            .parties
            .iter()
            .position(|p| p.id == id)
            .map(|i| i as PartyId)
    }
}

fn to_eval(e: QueryError) -> EvalError {
    match e {
        QueryError::Eval(e) => e,
        QueryError::UnknownQuery(_) | QueryError::WrongArity { .. } => EvalError::Malformed(e.to_string()),
    }
}

/// Answers a query by name with an interpreter (with or without native code).
pub fn query_with(interp: &Interpreter<'_>, name: &str, args: &[Value]) -> Result<Value, QueryError> {
    if let Some(builtin) = Builtin::from_name(name) {
        let expected = builtin.signature().params.len();
        if args.len() != expected {
            return Err(QueryError::WrongArity {
                name: name.to_string(),
                expected,
                found: args.len(),
            });
        }
        return Ok(interp.call_builtin(builtin, args)?);
    }
    let (index, rule) = interp
        .bundle
        .rules
        .iter()
        .enumerate()
        .find(|(_, r)| r.name == name)
        .ok_or_else(|| QueryError::UnknownQuery(name.to_string()))?;
    if args.len() != rule.params.len() {
        return Err(QueryError::WrongArity {
            name: name.to_string(),
            expected: rule.params.len(),
            found: args.len(),
        });
    }
    let call = crate::ir::Expr::Rule(
        index as u32,
        (0..args.len() as u32).map(crate::ir::Expr::Local).collect(),
    );
    let mut locals = args.to_vec();
    Ok(interp.eval(&call, &mut locals)?)
}

impl Evaluator for Interpreter<'_> {
    fn bundle(&self) -> &Bundle {
        self.bundle
    }

    fn query(&self, name: &str, args: &[Value]) -> Result<Value, QueryError> {
        query_with(self, name, args)
    }
}
