//! The cranelift backend: `fold` turns a bundle into constant tables,
//! `emit` turns those into CLIF, `native` runs them in process (the JIT) and
//! `object` writes them to a relocatable object file with a C header.

pub mod emit;
pub mod fold;
mod native;
pub mod object;

use charter_runtime::ir::{self, Builtin};
use charter_runtime::{Accelerator, EvalError, Value};

pub use emit::{Attendance, DecisionRecord};
pub use fold::{fold, FoldError, Folded};
pub use native::NativeCode;

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

/// A policy compiled to native code: the hot queries answered by it, the
/// rest (and days past the folded horizon) by the interpreter.
pub struct Jit {
    native: NativeCode,
    party_count: usize,
    meeting_kinds: usize,
    decision_kinds: usize,
}

impl Jit {
    pub fn compile(bundle: &ir::Bundle) -> Result<Jit, JitError> {
        let folded = fold(bundle).map_err(JitError::Fold)?;
        let native = NativeCode::compile(&folded).map_err(JitError::Codegen)?;
        Ok(Jit {
            native,
            party_count: bundle.parties.len(),
            meeting_kinds: bundle.meeting_kinds.len(),
            decision_kinds: bundle.decision_kinds.len(),
        })
    }

    /// The native code itself, for batch entry points.
    pub fn native(&self) -> &NativeCode {
        &self.native
    }

    /// The record layout of a decision, or `None` if it names a party or
    /// kind the folded policy does not have.
    pub fn record(&self, decision: &ir::Decision) -> Option<DecisionRecord> {
        let mask = |parties: &[ir::PartyId]| {
            parties
                .iter()
                .try_fold(0u64, |m, p| ((*p as usize) < self.party_count).then(|| m | (1u64 << p)))
        };
        if decision.kind as usize >= self.decision_kinds || decision.meeting.kind as usize >= self.meeting_kinds {
            return None;
        }
        Some(DecisionRecord {
            kind: decision.kind,
            meeting_kind: decision.meeting.kind,
            date: decision.meeting.date,
            reserved: 0,
            present: mask(&decision.meeting.present)?,
            objections: mask(&decision.objections)?,
        })
    }

    fn day_value(&self, raw: i32) -> Option<Value> {
        match raw {
            fold::BEYOND => None,
            fold::NONE => Some(Value::None),
            day => Some(Value::Date(day)),
        }
    }

    fn party_value(&self, raw: i32) -> Option<Value> {
        match raw {
            fold::BEYOND => None,
            fold::NONE => Some(Value::None),
            p => Some(Value::Party(p as u32)),
        }
    }
}

impl Accelerator for Jit {
    fn call(&self, builtin: Builtin, args: &[Value]) -> Option<Result<Value, EvalError>> {
        let n = &self.native;
        let answer = match (builtin, args) {
            (Builtin::Chair, [Value::Date(d)]) => self.party_value(n.chair(*d))?,
            (Builtin::TermStart, [Value::Date(d)]) => self.day_value(n.term_start(*d))?,
            (Builtin::TermEnd, [Value::Date(d)]) => self.day_value(n.term_end(*d))?,
            (Builtin::NextChair, [Value::Date(d)]) => {
                if let Value::Date(end) = self.day_value(n.term_end(*d))? {
                    self.party_value(n.chair(end))?
                } else {
                    // No term end: no next chair.
                    Value::None
                }
            }
            (Builtin::Members, [Value::Date(d)]) => Value::parties(bits(n.members(*d))),
            (Builtin::Member, [Value::Party(p), Value::Date(d)]) if (*p as usize) < self.party_count => {
                Value::Bool(n.members(*d) & (1u64 << p) != 0)
            }
            (Builtin::Valid, [Value::Decision(decision)]) => Value::Bool(n.valid(&self.record(decision)?)),
            // Native code knows status, not invitations to a recorded meeting.
            (Builtin::MayAttend, [Value::Party(p), Value::Meeting(m)])
                if (*p as usize) < self.party_count && m.id.is_none() =>
            {
                Value::Bool(n.may_attend(*p, m.date))
            }
            // Any other query, or arguments native code does not cover:
            // the interpreter answers.
            (_, _) => return None,
        };
        Some(Ok(answer))
    }
}

fn bits(mask: u64) -> impl Iterator<Item = u32> {
    (0..64u32).filter(move |i| mask & (1u64 << i) != 0)
}
