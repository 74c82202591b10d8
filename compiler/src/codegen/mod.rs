//! The cranelift backend: `fold` turns a bundle into constant tables,
//! `emit` turns those into CLIF, `native` runs them in process (the JIT) and
//! `object` writes them to a relocatable object file with a C header.

pub mod emit;
pub mod fold;
mod native;
pub mod object;

use charter_runtime::ir::{self, Builtin, Day, PartyId};
use charter_runtime::{tables, Tables, Value};

pub use emit::{header_word, record_words, Attendance, DecisionRecord};
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

/// A policy compiled to native code: the built-in queries answered from
/// the semantic core's tables, folded into constant data.
pub struct Jit {
    native: NativeCode,
    party_count: usize,
    meeting_kinds: usize,
    decision_kinds: usize,
}

impl Jit {
    pub fn compile(bundle: &ir::Bundle, tables: &Tables) -> Result<Jit, JitError> {
        let folded = fold(bundle, tables).map_err(JitError::Fold)?;
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

    /// The record native code reads for a decision (`record_words` words),
    /// or `None` if it names a party or kind the policy does not have.
    pub fn record(&self, decision: &ir::Decision) -> Option<Vec<u64>> {
        if decision.kind as usize >= self.decision_kinds || decision.meeting.kind as usize >= self.meeting_kinds {
            return None;
        }
        let words = self.native.words();
        let mut record = vec![0u64; record_words(words)];
        if let Some([kind, date]) = record.get_mut(..2) {
            *kind = header_word(decision.kind, decision.meeting.kind);
            *date = header_word(decision.meeting.date as u32, 0);
        }
        for (set, parties) in [(0, &decision.meeting.present), (1, &decision.objections)] {
            for p in parties {
                if *p as usize >= self.party_count {
                    return None;
                }
                let slot = record.get_mut(2 + set * words + *p as usize / 64)?;
                *slot |= 1u64 << (p % 64);
            }
        }
        Some(record)
    }

    /// The chair on `day`.
    pub fn chair(&self, day: Day) -> Option<PartyId> {
        party(self.native.chair(day))
    }

    /// Whether the decision is valid, or `None` if it names a party or
    /// kind the policy does not have.
    pub fn valid(&self, decision: &ir::Decision) -> Option<bool> {
        self.native.valid(&self.record(decision)?)
    }
}

impl Jit {
    /// `builtin(args)` answered by native code, or `None` for a query or
    /// arguments native code does not answer (a meeting's invitations, a
    /// party or kind the policy does not have, a query it does not export).
    pub fn call(&self, builtin: Builtin, args: &[Value]) -> Option<Value> {
        let n = &self.native;
        let chair = |raw: i32| party(raw).map_or(Value::None, Value::Party);
        let day = |raw: i32| {
            if raw == fold::NONE {
                Value::None
            } else {
                Value::Date(raw)
            }
        };
        let in_range = |p: &u32| (*p as usize) < self.party_count;
        Some(match (builtin, args) {
            (Builtin::Chair, [Value::Date(d)]) => chair(n.chair(*d)),
            (Builtin::TermStart, [Value::Date(d)]) => day(n.term_start(*d)),
            (Builtin::TermEnd, [Value::Date(d)]) => day(n.term_end(*d)),
            (Builtin::NextChair, [Value::Date(d)]) => match n.term_end(*d) {
                fold::NONE => Value::None,
                end => chair(n.chair(end)),
            },
            (Builtin::Members, [Value::Date(d)]) => {
                Value::parties(tables::parties(&n.members(*d)).filter(in_range).collect::<Vec<_>>())
            }
            (Builtin::Member, [Value::Party(p), Value::Date(d)]) => Value::Bool(n.member(*p, *d)),
            (Builtin::Valid, [Value::Decision(decision)]) => Value::Bool(self.valid(decision)?),
            // Native code knows status, not invitations to a recorded meeting.
            (Builtin::MayAttend, [Value::Party(p), Value::Meeting(m)]) if m.id.is_none() => {
                Value::Bool(n.may_attend(*p, m.date))
            }
            (_, _) => return None,
        })
    }
}

/// A chair as native code returns it.
pub fn party(raw: i32) -> Option<PartyId> {
    (raw != fold::NONE).then_some(raw as PartyId)
}
