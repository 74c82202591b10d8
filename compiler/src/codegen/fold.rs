//! `ir::Bundle` -> `Folded`: the policy and its history folded into constant
//! tables, so native code answers the hot queries with a few comparisons
//! and mask operations.
//!
//! Folding samples the reference interpreter at every day where its answer
//! can change (every change point of membership, every term boundary), so
//! the tables mean exactly what the interpreter means by construction; the
//! differential tests check it.

use charter_runtime::ir::{self, Day};
use charter_runtime::{date, EvalError, Interpreter};

/// Parties are bits of a `u64`.
pub const MAX_PARTIES: usize = 64;
/// Meeting kinds are bits of a `u64` mask.
pub const MAX_MEETING_KINDS: usize = 64;

/// Terms are folded up to this day; later days are answered by the
/// interpreter (a cold path).
pub fn horizon() -> Day {
    date::parse("2200-01-01").unwrap_or(i32::MAX / 2)
}

/// `i32` sentinel for "no value" (no chair, no term).
pub const NONE: i32 = i32::MIN;
/// `i32` sentinel for "beyond the folded horizon": ask the interpreter.
pub const BEYOND: i32 = i32::MIN + 1;

#[derive(Debug, Clone, PartialEq)]
pub struct Folded {
    pub party_count: usize,
    /// From each day on, the members (bit i = party i); sorted, the first
    /// from `Day::MIN`.
    pub member_epochs: Vec<(Day, u64)>,
    /// From each day on, the parties whose status lets them attend any
    /// meeting (members, pending states, observers); sorted like
    /// `member_epochs`. Invitations to one meeting are not folded.
    pub attend_epochs: Vec<(Day, u64)>,
    /// Term starts with their chair (`NONE` when vacant); sorted. Days
    /// before the first start have no chair.
    pub terms: Vec<(Day, i32)>,
    /// The end of the last folded term.
    pub terms_end: Day,
    /// The rules in force from each day on (decisions only); sorted, the
    /// first from `Day::MIN`.
    pub versions: Vec<(Day, VersionFold)>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct VersionFold {
    /// Per decision kind, the meeting kinds (bits) that may take it.
    pub allowed: Vec<u64>,
    pub quorum: QuorumFold,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum QuorumFold {
    None,
    /// At least this many members present.
    Count(i64),
    /// `present * b >= a * members`.
    Ratio(i64, i64),
}

/// Why a policy cannot be folded (the interpreter still answers it).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FoldError {
    #[error("the policy has {0} parties; native code handles at most {MAX_PARTIES}")]
    TooManyParties(usize),
    #[error("the policy has {0} meeting kinds; native code handles at most {MAX_MEETING_KINDS}")]
    TooManyMeetingKinds(usize),
    #[error("folding the policy failed: {0}")]
    Eval(EvalError),
}

pub fn fold(bundle: &ir::Bundle) -> Result<Folded, FoldError> {
    if bundle.parties.len() > MAX_PARTIES {
        return Err(FoldError::TooManyParties(bundle.parties.len()));
    }
    if bundle.meeting_kinds.len() > MAX_MEETING_KINDS {
        return Err(FoldError::TooManyMeetingKinds(bundle.meeting_kinds.len()));
    }
    let interp = Interpreter::new(bundle);
    let mask = |parties: Vec<ir::PartyId>| parties.into_iter().fold(0u64, |m, p| m | (1u64 << p));

    let days = interp.change_points();
    let attending = |day: Day| {
        (0..bundle.parties.len() as u32)
            .filter(|p| {
                matches!(
                    interp.status(*p, day),
                    ir::Status::Member | ir::Status::Pending | ir::Status::Observer
                )
            })
            .collect::<Vec<_>>()
    };
    let mut member_epochs = vec![(Day::MIN, mask(interp.members(Day::MIN)))];
    let mut attend_epochs = vec![(Day::MIN, mask(attending(Day::MIN)))];
    for day in days {
        let members = mask(interp.members(day));
        if member_epochs.last().map(|(_, m)| *m) != Some(members) {
            member_epochs.push((day, members));
        }
        let attend = mask(attending(day));
        if attend_epochs.last().map(|(_, m)| *m) != Some(attend) {
            attend_epochs.push((day, attend));
        }
    }

    let folded_terms = interp.terms_before(horizon()).map_err(FoldError::Eval)?;
    let terms: Vec<(Day, i32)> = folded_terms
        .iter()
        .map(|t| (t.start, t.chair.map_or(NONE, |c| c as i32)))
        .collect();
    let terms_end = folded_terms.last().map_or(Day::MIN, |t| t.end);

    let versions = bundle
        .versions
        .iter()
        .enumerate()
        .map(|(i, v)| {
            let from = if i == 0 { Day::MIN } else { v.from };
            let allowed = (0..bundle.decision_kinds.len() as u32)
                .map(|k| match v.reservations.iter().find(|r| r.decision == k) {
                    Some(r) => r.meetings.iter().fold(0u64, |m, k| m | (1u64 << k)),
                    None => u64::MAX,
                })
                .collect();
            let quorum = match v.consensus.quorum {
                None => QuorumFold::None,
                Some(ir::Quorum::Count(n)) => QuorumFold::Count(n),
                Some(ir::Quorum::Ratio(a, b)) => QuorumFold::Ratio(a, b),
            };
            (from, VersionFold { allowed, quorum })
        })
        .collect();

    Ok(Folded {
        party_count: bundle.parties.len(),
        member_epochs,
        attend_epochs,
        terms,
        terms_end,
        versions,
    })
}
