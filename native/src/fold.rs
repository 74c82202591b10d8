//! `ir::Bundle` -> `Folded`: the semantic core's tables
//! ([`charter_runtime::Tables`]) laid out as the constant data native code
//! reads. Folding reads the tables and the rules in force; it runs no
//! evaluator, so native code means what the tables mean, and the
//! differential tests hold the interpreter and native code to that.

use charter_runtime::ir::{self, Day};
use charter_runtime::tables::{GroupEpochs, Periodic, TableError};
use charter_runtime::Tables;

/// Meeting kinds are bits of a `u64` mask.
pub const MAX_MEETING_KINDS: usize = 64;

/// `i32` sentinel for "no value" (no chair, no term).
pub const NONE: i32 = i32::MIN;
/// What the object's `charter_chair`, `charter_term_start`,
/// `charter_term_end` and `charter_chair_batch` give on a day a record
/// dated only by a window leaves the answer open (`CHARTER_UNKNOWN_VALUE`).
pub const UNKNOWN_VALUE: i32 = NONE + 1;
/// What `charter_member` and `charter_may_attend` (and the attendance
/// batch) give where a change of status dated only by a window leaves the
/// answer open: the rules' `CHARTER_UNKNOWN` status, neither 0 nor 1.
pub const UNKNOWN_ANSWER: i64 = 4;

#[derive(Debug, Clone, PartialEq)]
pub struct Folded {
    pub party_count: usize,
    /// Per named group, its belonging (as the text names it, or recorded).
    pub groups: Vec<GroupEpochs>,
    /// `u64` words per set of parties (bit i of word i/64: party i).
    pub words: usize,
    /// Status epochs: sorted starts, the first `Day::MIN`.
    pub epoch_starts: Vec<Day>,
    /// Per epoch, `words` words: the members.
    pub members: Vec<u64>,
    /// Per epoch, `words` words: the parties whose status lets them attend
    /// any meeting (members, pending states, observers). Invitations to
    /// one meeting are not folded.
    pub attending: Vec<u64>,
    /// Per epoch, `words` words: pending states; observers.
    pub pending: Vec<u64>,
    pub observers: Vec<u64>,
    /// Per epoch, `words` words: suspended parties.
    pub suspended: Vec<u64>,
    /// (day << 32 | party) for each party invited to a recorded meeting on
    /// that day; sorted.
    pub invited: Vec<i64>,
    /// Per recorded meeting, `words` words: the parties invited to it.
    pub invited_to: Vec<u64>,
    /// Where a designated chair's term starts at a taking of office dated
    /// by a window: the days its answers are unknown on.
    pub chair_windows: Vec<charter_runtime::tables::ChairWindow>,
    /// Changes of status dated by a window, in the rules' view and in the
    /// recorded view: the days a status answer is unknown on.
    pub status_windows: Vec<charter_runtime::tables::StatusWindow>,
    pub recorded_status_windows: Vec<charter_runtime::tables::StatusWindow>,
    /// Whether the rules' terms follow a decided hand-over or extension
    /// dated only by a window (`Tables::term_shifts`): native code then
    /// does not answer on the chair's terms (the interpreter does).
    pub terms_shift: bool,
    /// Whether some version lets observers take part in deciding (which
    /// status windows leave a decision's validity open).
    pub observers_decide: bool,
    /// Listed term starts with their chair (`NONE` when vacant); sorted.
    /// Days before the first start have no chair.
    pub terms: Vec<(Day, i32)>,
    /// The end of the last listed term: where the periodic block starts,
    /// or the calendar's last day (whose term holds it too).
    pub terms_end: Day,
    pub periodic: Option<PeriodicFold>,
    /// The rules in force from each day on (decisions only); sorted, the
    /// first from `Day::MIN`.
    pub versions: Vec<(Day, VersionFold)>,
}

/// The repeating block of terms (see [`Periodic`]), as `i32` data.
#[derive(Debug, Clone, PartialEq)]
pub struct PeriodicFold {
    pub base: Day,
    pub period: i32,
    /// Starts within the block from 0, then `period`.
    pub offsets: Vec<i32>,
    /// Chairs in turn (`NONE` when vacant).
    pub cycle: Vec<i32>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct VersionFold {
    /// Per decision kind, the meeting kinds (bits) that may take it.
    pub allowed: Vec<u64>,
    pub quorum: QuorumFold,
    pub rule: RuleFold,
    /// The quorum and rule at meetings of some kinds (`decisions at K`), in
    /// the order stated: a later one for a kind holds.
    pub by_kind: Vec<(Vec<ir::MeetingKindId>, QuorumFold, RuleFold)>,
    /// The observers who take part in decisions (present, their objections
    /// and votes count).
    pub deciders: RightFold,
    /// The observers who may speak.
    pub speakers: RightFold,
    /// Meeting kinds held by a body (a committee), with its group's
    /// belonging: its parties are the members at those meetings.
    pub bodies: Vec<(ir::MeetingKindId, GroupEpochs)>,
}

/// Which observers have a right at a meeting of a kind on a day, as the
/// version says it: every observer (`all`); else those named on a roster
/// with the right at that kind (`named`: the kinds, every kind when empty,
/// and the roster's belonging), and, where the admission rule gives the
/// right at the kind (`rule`), every observer no roster names that day
/// (`named_any`).
#[derive(Debug, Clone, PartialEq)]
pub struct RightFold {
    /// Every observer has the right: at every kind (the first entry, with
    /// no kinds), then at the kinds of each later entry, which overrides.
    pub all: Vec<(Vec<ir::MeetingKindId>, bool)>,
    pub named: Vec<(Vec<ir::MeetingKindId>, GroupEpochs)>,
    pub rule: Option<Vec<ir::MeetingKindId>>,
    pub named_any: GroupEpochs,
}

impl RightFold {
    fn of(
        v: &ir::Version,
        words: usize,
        all: Vec<(Vec<ir::MeetingKindId>, bool)>,
        right: impl Fn(&ir::ObserverRights) -> bool,
    ) -> RightFold {
        // Rosters as groups: one per distinct set of kinds with the right.
        let span = |m: &ir::Membership| match m.kind {
            ir::MembershipKind::Observer { from, until, dating } => Some(ir::GroupSpan {
                party: m.party,
                from,
                until,
                cite: m.cite.clone(),
                dating,
            }),
            ir::MembershipKind::Member { .. }
            | ir::MembershipKind::Pending { .. }
            | ir::MembershipKind::Open
            | ir::MembershipKind::Withdrawal { .. } => None,
        };
        let as_group = |spans: Vec<ir::GroupSpan>| {
            let group = ir::Group {
                name: String::new(),
                title: String::new(),
                spans,
                seats: Vec::new(),
                chair_roles: Vec::new(),
                open: Vec::new(),
                recorded_open: Vec::new(),
            };
            GroupEpochs::build(&group, words)
        };
        let mut by_kinds: Vec<(Vec<ir::MeetingKindId>, Vec<ir::GroupSpan>)> = Vec::new();
        for m in &v.membership {
            let (Some(s), Some(rights)) = (span(m), m.rights.as_ref().filter(|r| right(r))) else {
                continue;
            };
            match by_kinds.iter_mut().find(|(at, _)| *at == rights.at) {
                Some((_, spans)) => spans.push(s),
                None => by_kinds.push((rights.at.clone(), vec![s])),
            }
        }
        RightFold {
            all,
            named: by_kinds.into_iter().map(|(at, spans)| (at, as_group(spans))).collect(),
            rule: v
                .observers
                .as_ref()
                .and_then(|o| o.rights.as_ref())
                .filter(|r| right(r))
                .map(|r| r.at.clone()),
            named_any: as_group(v.membership.iter().filter_map(span).collect()),
        }
    }

    /// Whether no observer ever has the right.
    pub fn is_none(&self) -> bool {
        self.all.iter().all(|(_, all)| !all) && self.named.is_empty() && self.rule.is_none()
    }
}

/// A decision rule as mask and integer operations: valid when no member
/// present objects (if `no_objection`) and `favour * den + extra >= num *
/// base + strict`, `base` being the members present or, when `of_all`,
/// every member.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RuleFold {
    pub no_objection: bool,
    pub num: i64,
    pub den: i64,
    pub extra: i64,
    pub strict: i64,
    pub of_all: bool,
    /// The text states no rule: valid only with every member present and
    /// none objecting, invalid with all taking part objecting, else not
    /// judged (`valid` gives 2).
    pub unstated: bool,
}

impl RuleFold {
    /// Consensus: no objection, and nothing to count.
    pub const CONSENSUS: RuleFold = RuleFold {
        no_objection: true,
        num: 0,
        den: 0,
        extra: 0,
        strict: 0,
        of_all: false,
        unstated: false,
    };

    pub fn of(rule: ir::DecisionRule, of_all: bool) -> RuleFold {
        match rule {
            ir::DecisionRule::Consensus => RuleFold::CONSENSUS,
            ir::DecisionRule::Unstated => RuleFold {
                no_objection: false,
                unstated: true,
                ..RuleFold::CONSENSUS
            },
            ir::DecisionRule::Unanimity => RuleFold {
                no_objection: true,
                num: 1,
                den: 1,
                extra: 0,
                strict: 0,
                of_all,
                unstated: false,
            },
            ir::DecisionRule::Majority {
                num,
                den,
                strict,
                round_down,
            } => RuleFold {
                no_objection: false,
                num,
                den,
                extra: if round_down { den } else { 0 },
                strict: i64::from(strict || round_down),
                of_all,
                unstated: false,
            },
        }
    }
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
    #[error("the policy has {0} meeting kinds; native code handles at most {MAX_MEETING_KINDS}")]
    TooManyMeetingKinds(usize),
    #[error("the terms of office cannot be worked out: {0}")]
    Terms(TableError),
    #[error("a periodic block of terms does not fit 32-bit days")]
    Periodic,
    /// Native code answers from one rules' view; this policy's depends on
    /// whether decisions not judged were valid (the interpreter works out
    /// every possible view and answers unknown where they differ).
    #[error("the rules' view depends on {0} not judged (who was present is not recorded)")]
    Unjudged(String),
}

pub fn fold(bundle: &ir::Bundle, tables: &Tables) -> Result<Folded, FoldError> {
    if bundle.meeting_kinds.len() > MAX_MEETING_KINDS {
        return Err(FoldError::TooManyMeetingKinds(bundle.meeting_kinds.len()));
    }
    if !tables.unjudged_deciding.is_empty() {
        let names: Vec<String> = tables
            .unjudged_deciding
            .iter()
            .filter_map(|d| bundle.history.decisions.get(*d))
            .map(|r| format!("decision `{}`", r.id))
            .collect();
        return Err(FoldError::Unjudged(names.join(", ")));
    }
    let terms = tables.terms.as_ref().map_err(|e| FoldError::Terms(e.clone()))?;
    let chair = |c: Option<u32>| c.map_or(NONE, |c| c as i32);
    let listed: Vec<(Day, i32)> = terms.listed.iter().map(|t| (t.start, chair(t.chair))).collect();
    let terms_end = terms.listed.last().map_or(Day::MIN, |t| t.end);
    let periodic = terms
        .periodic
        .as_ref()
        .map(|p: &Periodic| {
            Some(PeriodicFold {
                base: p.base,
                period: i32::try_from(p.period).ok()?,
                offsets: p
                    .offsets
                    .iter()
                    .map(|o| i32::try_from(*o).ok())
                    .collect::<Option<Vec<i32>>>()?,
                cycle: p.cycle.iter().map(|c| chair(*c)).collect(),
            })
        })
        .map(|p| p.ok_or(FoldError::Periodic))
        .transpose()?;

    let versions = bundle
        .versions
        .iter()
        .enumerate()
        .map(|(i, v)| {
            let from = if i == 0 { Day::MIN } else { v.from };
            let allowed = (0..bundle.decision_kinds.len() as u32)
                .map(|k| {
                    // Every reservation of the kind applies.
                    v.reservations
                        .iter()
                        .filter(|r| r.decision == k)
                        .map(|r| r.meetings.iter().fold(0u64, |m, k| m | (1u64 << (k % 64))))
                        .fold(u64::MAX, |all, m| all & m)
                })
                .collect();
            let quorum = |c: &ir::Consensus| match c.quorum {
                None => QuorumFold::None,
                Some(ir::Quorum::Count(n)) => QuorumFold::Count(n),
                Some(ir::Quorum::Ratio(a, b)) => QuorumFold::Ratio(a, b),
            };
            let rule = |c: &ir::Consensus| RuleFold::of(c.rule, c.of_all_members);
            let by_kind = v
                .kind_rules
                .iter()
                .map(|r| (r.kinds.clone(), quorum(&r.consensus), rule(&r.consensus)))
                .collect();
            // Observers decide where the rule at the kind says so.
            let all_decide = std::iter::once((Vec::new(), v.consensus.observers_decide))
                .chain(
                    v.kind_rules
                        .iter()
                        .map(|r| (r.kinds.clone(), r.consensus.observers_decide)),
                )
                .collect();
            (
                from,
                VersionFold {
                    allowed,
                    quorum: quorum(&v.consensus),
                    rule: rule(&v.consensus),
                    by_kind,
                    deciders: RightFold::of(v, tables.epochs.words, all_decide, |r| r.decide),
                    speakers: RightFold::of(v, tables.epochs.words, vec![(Vec::new(), false)], |r| r.speak),
                    // A group the bundle does not have has no parties, as
                    // the interpreter reads it.
                    bodies: v
                        .bodies
                        .iter()
                        .map(|b| {
                            let group = tables.groups.get(b.group as usize).cloned();
                            (b.kind, group.unwrap_or_else(|| GroupEpochs::empty(tables.epochs.words)))
                        })
                        .collect(),
                },
            )
        })
        .collect();

    let epochs = &tables.epochs;
    Ok(Folded {
        chair_windows: tables.chair_windows.clone(),
        status_windows: tables.status_windows.clone(),
        recorded_status_windows: tables.recorded_status_windows.clone(),
        observers_decide: charter_runtime::tables::observers_decide(bundle),
        terms_shift: !tables.term_shifts.is_empty(),
        party_count: bundle.parties.len(),
        groups: tables.groups.clone(),
        words: epochs.words,
        epoch_starts: epochs.starts.clone(),
        members: epochs.members.clone(),
        attending: epochs.attending(),
        pending: epochs.pending.clone(),
        observers: epochs.observers.clone(),
        suspended: epochs.suspended.clone(),
        invited: tables
            .invited
            .iter()
            .map(|(day, p)| (i64::from(*day) << 32) | i64::from(*p))
            .collect(),
        invited_to: tables
            .invited_to
            .iter()
            .flat_map(|parties| charter_runtime::tables::set_of(epochs.words, parties))
            .collect(),
        terms: listed,
        terms_end,
        periodic,
        versions,
    })
}
