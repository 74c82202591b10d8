//! `ir::Bundle` -> [`Tables`]: the semantic core. The policy and its
//! recorded history worked out once, in plain Rust and without strings,
//! into the tables every backend answers from: status epochs (who is a
//! member, pending or an observer from which day), the terms of office
//! (listed, then a periodic block that reaches every day of the calendar),
//! which recorded decisions are valid and who is invited to which meeting.
//!
//! The interpreter answers the built-in queries from these tables and
//! explains them from the same facts; the cranelift backend turns the same
//! tables into constant data. Nothing here calls native code and nothing
//! samples an evaluator.
//!
//! Building is near-linear in the size of the policy and its history: each
//! party's standing is worked out from its own records at its own change
//! days, and the epochs are one sweep over those changes.

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use crate::date;
use crate::ir::*;

/// Why a part of the tables could not be worked out (a malformed IR: the
/// checker rules each of these out).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum TableError {
    #[error("rotation without a term")]
    NoTerm,
    #[error("a term that does not advance")]
    NoAdvance,
    #[error("too many terms")]
    TooManyTerms,
}

/// A chair's term of office: `[start, end)`, except that the calendar's
/// last term also holds its last day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Term {
    pub start: Day,
    pub end: Day,
    pub chair: Option<PartyId>,
}

/// The number of `u64` words in a set of `parties` parties.
pub fn words_for(parties: usize) -> usize {
    parties.div_ceil(64).max(1)
}

/// Whether bit `party` is set in `set`.
pub fn contains(set: &[u64], party: PartyId) -> bool {
    set.get(party as usize / 64)
        .is_some_and(|w| w & (1u64 << (party % 64)) != 0)
}

/// The set of `parties` in `words` words (parties past them are in no set).
pub fn set_of<'p>(words: usize, parties: impl IntoIterator<Item = &'p PartyId>) -> Vec<u64> {
    let mut set = vec![0u64; words];
    for p in parties {
        insert(&mut set, *p);
    }
    set
}

fn insert(set: &mut [u64], party: PartyId) {
    if let Some(w) = set.get_mut(party as usize / 64) {
        *w |= 1u64 << (party % 64);
    }
}

fn remove(set: &mut [u64], party: PartyId) {
    if let Some(w) = set.get_mut(party as usize / 64) {
        *w &= !(1u64 << (party % 64));
    }
}

/// Puts `party` in `set` or takes it out.
fn set_to(set: &mut [u64], party: PartyId, member: bool) {
    if member {
        insert(set, party);
    } else {
        remove(set, party);
    }
}

/// The parties in a set, in order.
pub fn parties(set: &[u64]) -> impl Iterator<Item = PartyId> + '_ {
    set.iter().enumerate().flat_map(|(i, word)| {
        (0..64u32)
            .filter(move |b| word & (1u64 << b) != 0)
            .map(move |b| i as u32 * 64 + b)
    })
}

/// Status from each day on, as bitsets of `words` words per epoch.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Epochs {
    pub words: usize,
    /// Sorted; the first is `Day::MIN`.
    pub starts: Vec<Day>,
    /// Per epoch, `words` words: the members.
    pub members: Vec<u64>,
    /// Pending under a silence procedure.
    pub pending: Vec<u64>,
    /// Observers: after a broken silence, or admitted by a valid decision.
    pub observers: Vec<u64>,
    /// Suspended by a valid decision.
    #[serde(default)]
    pub suspended: Vec<u64>,
}

impl Epochs {
    /// The epoch in force on `day`.
    pub fn index(&self, day: Day) -> usize {
        self.starts.partition_point(|s| *s <= day).saturating_sub(1)
    }

    fn slice<'a>(&self, table: &'a [u64], epoch: usize) -> &'a [u64] {
        table
            .get(epoch * self.words..(epoch + 1) * self.words)
            .unwrap_or_default()
    }

    pub fn members_at(&self, day: Day) -> &[u64] {
        self.slice(&self.members, self.index(day))
    }

    pub fn observers_at(&self, day: Day) -> &[u64] {
        self.slice(&self.observers, self.index(day))
    }

    /// Member, pending, observer, or none (invitations are per meeting:
    /// see [`Tables::invited_on`]).
    pub fn status(&self, party: PartyId, day: Day) -> Status {
        self.status_in(party, self.index(day))
    }

    /// A party's status in epoch `epoch`.
    fn status_in(&self, party: PartyId, epoch: usize) -> Status {
        if contains(self.slice(&self.members, epoch), party) {
            Status::Member
        } else if contains(self.slice(&self.pending, epoch), party) {
            Status::Pending
        } else if contains(self.slice(&self.observers, epoch), party) {
            Status::Observer
        } else if contains(self.slice(&self.suspended, epoch), party) {
            Status::Suspended
        } else {
            Status::None
        }
    }

    /// Whether `party` may attend any meeting on `day` by its status.
    pub fn attends(&self, party: PartyId, day: Day) -> bool {
        !matches!(self.status(party, day), Status::None | Status::Suspended)
    }

    /// Per epoch, the union of members, pending states and observers.
    pub fn attending(&self) -> Vec<u64> {
        self.members
            .iter()
            .zip(&self.pending)
            .zip(&self.observers)
            .map(|((m, p), o)| m | p | o)
            .collect()
    }
}

/// The terms of office: those listed, then (when the rotation settles) a
/// block of terms that repeats to the end of the calendar.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Terms {
    /// In order, each starting where the one before ends.
    pub listed: Vec<Term>,
    /// From the end of the last listed term on.
    pub periodic: Option<Periodic>,
}

/// Terms that repeat: the `k`-th term after `base` (counting from 0)
/// starts `q * period + offsets[j]` days after `base`, where
/// `k = q * (offsets.len() - 1) + j`, and its chair is
/// `cycle[k % cycle.len()]`. Months repeat every 400 years of the
/// Gregorian calendar (146,097 days), so a term of whole months repeats
/// within a block of at most 4,800 terms.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Periodic {
    pub base: Day,
    pub period: i64,
    /// Starts within the block, from 0, then `period`.
    pub offsets: Vec<i64>,
    pub cycle: Vec<Option<PartyId>>,
}

impl Periodic {
    /// Terms in one block.
    pub fn len(&self) -> usize {
        self.offsets.len().saturating_sub(1)
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The `k`-th term of the periodic part.
    fn term(&self, k: u64) -> Option<Term> {
        let len = self.len() as u64;
        let (q, j) = (k.checked_div(len)?, k.checked_rem(len)?);
        let block = i64::from(self.base) + i64::try_from(q).ok()?.checked_mul(self.period)?;
        let start = block + self.offsets.get(j as usize)?;
        let end = block + self.offsets.get(j as usize + 1)?;
        let chair = *self.cycle.get((k % self.cycle.len() as u64) as usize)?;
        Some(Term {
            start: i32::try_from(start).ok()?,
            end: i32::try_from(end.min(i64::from(date::LAST))).ok()?,
            chair,
        })
    }

    /// The index of the term containing `day` (on or after `base`).
    fn index(&self, day: Day) -> Option<u64> {
        let rel = i64::from(day) - i64::from(self.base);
        let (q, r) = (rel.checked_div(self.period)?, rel.checked_rem(self.period)?);
        let within = self.offsets.get(..self.len())?;
        let j = within.partition_point(|o| *o <= r).checked_sub(1)?;
        u64::try_from(q)
            .ok()?
            .checked_mul(self.len() as u64)?
            .checked_add(j as u64)
    }
}

impl Terms {
    /// The term containing `day`; days past the calendar's end are in its
    /// last term.
    pub fn at(&self, day: Day) -> Option<Term> {
        let day = day.min(date::LAST);
        if let Some(periodic) = &self.periodic {
            if day >= periodic.base {
                return periodic.term(periodic.index(day)?);
            }
        }
        let after = self.listed.partition_point(|t| t.start <= day);
        let term = *self.listed.get(after.checked_sub(1)?)?;
        (day < term.end || term.end == date::LAST).then_some(term)
    }

    /// The terms that start before `until`, in order.
    pub fn before(&self, until: Day) -> impl Iterator<Item = Term> + '_ {
        let listed = self.listed.iter().copied().take_while(move |t| t.start < until);
        let periodic = self.periodic.iter().flat_map(move |p| {
            (0u64..)
                .map_while(move |k| p.term(k))
                .take_while(move |t| t.start < until && t.start <= date::LAST)
        });
        listed.chain(periodic)
    }
}

/// The semantic core's tables for one bundle.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tables {
    pub party_count: usize,
    pub epochs: Epochs,
    pub terms: Result<Terms, TableError>,
    /// Per recorded decision (`history.decisions`), whether it is valid.
    pub valid_records: Vec<bool>,
    /// (day, party): invited to a recorded meeting on that day; sorted.
    pub invited: Vec<(Day, PartyId)>,
    /// Per recorded meeting (`history.meetings`), the parties a valid
    /// invitation invites to it; sorted.
    pub invited_to: Vec<Vec<PartyId>>,
    /// Per meeting id a valid invitation names, the parties it invites;
    /// sorted (a meeting given as a fact is invited to by its id).
    pub invited_by_id: BTreeMap<String, Vec<PartyId>>,
    /// The hand-overs the rules' terms follow: those a valid recorded
    /// decision decided (an election, or `handover ... by meeting M
    /// decision D`), as (party, day), sorted by day. A hand-over recorded
    /// as a fact only is not among them: the audit judges it.
    pub honoured: Vec<(PartyId, Day)>,
    /// The extensions of a chair's office the rules' terms follow: those a
    /// valid recorded decision decided, as (party, until), sorted by day.
    pub extended: Vec<(PartyId, Day)>,
    /// The recorded view of the chair: every recorded taking of office as
    /// (day, party) and every recorded vacancy as (day, none), sorted (see
    /// [`ir::History::recorded_offices`]).
    pub recorded: Vec<(Day, Option<PartyId>)>,
    /// Per party, the changes of status a valid recorded decision made, as
    /// (day, status, index of the change in `history.status_changes`),
    /// sorted by day: the rules' status follows them.
    pub status_changes: Vec<Vec<(Day, Status, usize)>>,
    /// Per named group (`bundle.groups`), who belongs from which day.
    #[serde(default)]
    pub groups: Vec<GroupEpochs>,
    /// Per recorded decision, what its record lets one say of it
    /// (`valid_records` holds those judged valid: the rules' view follows
    /// only them).
    #[serde(default)]
    pub judgements: Vec<Judgement>,
    /// The ids of the recorded meetings whose record does not say who was
    /// present.
    #[serde(default)]
    pub unrecorded_attendance: BTreeSet<String>,
    /// The recorded decisions not judged that decided something the rules'
    /// view would follow (a hand-over, an extension, a change of status,
    /// an admission, an invitation), by index into `history.decisions`.
    #[serde(default)]
    pub unjudged_deciding: Vec<usize>,
    /// The rules' view in the other possible worlds: the tables built as
    /// if each non-empty subset of `unjudged_deciding` were valid, those
    /// that differ from these. Empty when nothing unjudged decides, or
    /// when more than [`MAX_UNJUDGED`] do (then every answer from the day
    /// of the first on is unknown).
    #[serde(default)]
    pub worlds: Vec<Tables>,
    /// The recorded office's records with the days each may have happened
    /// on (`History::recorded_office_windows`), for `recorded_chair`.
    #[serde(default)]
    pub office_windows: Vec<OfficeWindow>,
    /// A designated chair's terms that start at a record dated by a window
    /// (see [`ChairWindow`]); empty for a rotation or a named chair.
    #[serde(default)]
    pub chair_windows: Vec<ChairWindow>,
    /// The changes of status the rules' view follows that their records
    /// date only by a window (see [`StatusWindow`]), by first day.
    #[serde(default)]
    pub status_windows: Vec<StatusWindow>,
    /// Where the rules' terms follow a decided hand-over or extension that
    /// its record dates only by a window (a rotation's terms run from it),
    /// the terms with that record put on the window's first and last days
    /// (see [`TermShift`]); empty where none does. A designated chair's
    /// windows are `chair_windows`.
    #[serde(default)]
    pub term_shifts: Vec<TermShift>,
    /// The same over the recorded view (`recorded_status`): the broken
    /// silences, the joins and every recorded change of status, decided or
    /// not.
    #[serde(default)]
    pub recorded_status_windows: Vec<StatusWindow>,
}

/// How many unjudged deciding decisions the rules' view works out every
/// possible world of (2^6 - 1 other worlds at most); with more, answers
/// from the first one's day on are unknown.
pub const MAX_UNJUDGED: usize = 6;

/// What a recorded decision's record lets one say of its validity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Judgement {
    Valid,
    Invalid,
    /// Its meeting's record does not say who was present, and what is
    /// recorded (the kind, the objections) does not settle it either way.
    Unjudged,
}

/// A group's belonging from each day on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupEpochs {
    /// Sorted; the first is `Day::MIN`.
    pub starts: Vec<Day>,
    /// Per epoch, `words` words: the parties in the group.
    pub sets: Vec<u64>,
    pub words: usize,
}

impl GroupEpochs {
    /// The group's epochs: one at each day a span starts or ends, each
    /// span set over its own epochs (sorting the days, then one pass per
    /// span over the epochs it covers).
    pub fn build(group: &Group, words: usize) -> GroupEpochs {
        let mut starts: Vec<Day> = std::iter::once(Day::MIN)
            .chain(group.spans.iter().flat_map(|s| std::iter::once(s.from).chain(s.until)))
            .collect();
        starts.sort_unstable();
        starts.dedup();
        let mut sets = vec![0u64; starts.len() * words];
        for span in &group.spans {
            let first = starts.partition_point(|d| *d < span.from);
            let last = span.until.map_or(starts.len(), |u| starts.partition_point(|d| *d < u));
            for epoch in first..last {
                if let Some(set) = sets.get_mut(epoch * words..(epoch + 1) * words) {
                    insert(set, span.party);
                }
            }
        }
        GroupEpochs { starts, sets, words }
    }

    /// Group `group`'s belonging: the parties the text names on a day, or
    /// where it names none that day, the composition recorded for it (the
    /// latest starting on or before the day that has not ended). A group
    /// the bundle does not have holds nobody.
    pub fn of(bundle: &Bundle, group: GroupId, words: usize) -> GroupEpochs {
        let Some(declared) = bundle.groups.get(group as usize) else {
            return GroupEpochs::empty(words);
        };
        let records: Vec<&Composition> = bundle
            .history
            .compositions
            .iter()
            .filter(|c| c.group == group)
            .collect();
        GroupEpochs::of_parts(declared, &records, words)
    }

    /// A group's belonging from its text and its `composition` records.
    pub fn of_parts(declared: &Group, records: &[&Composition], words: usize) -> GroupEpochs {
        let text = GroupEpochs::build(declared, words);
        if records.is_empty() {
            return text;
        }
        let mut starts = text.starts.clone();
        starts.extend(records.iter().flat_map(|c| std::iter::once(c.from).chain(c.until)));
        starts.sort_unstable();
        starts.dedup();
        let mut sets = vec![0u64; starts.len() * words];
        for (start, set) in starts.iter().zip(sets.chunks_mut(words.max(1))) {
            let named = text.at(*start);
            if named.iter().any(|w| *w != 0) {
                for (slot, word) in set.iter_mut().zip(named) {
                    *slot = *word;
                }
                continue;
            }
            // Of two records from one day, the later in the history.
            let recorded = records
                .iter()
                .filter(|c| c.from <= *start && c.until.is_none_or(|u| *start < u))
                .max_by_key(|c| c.from);
            for p in recorded.iter().flat_map(|c| &c.parties) {
                insert(set, *p);
            }
        }
        GroupEpochs { starts, sets, words }
    }

    /// A group no party ever belongs to.
    pub fn empty(words: usize) -> GroupEpochs {
        GroupEpochs {
            starts: vec![Day::MIN],
            sets: vec![0; words],
            words,
        }
    }

    /// The parties in the group on `day`.
    pub fn at(&self, day: Day) -> &[u64] {
        let epoch = self.starts.partition_point(|s| *s <= day).saturating_sub(1);
        self.sets
            .get(epoch * self.words..(epoch + 1) * self.words)
            .unwrap_or_default()
    }
}

impl Tables {
    /// The tables of `bundle`: the rules' view following the decisions
    /// judged valid, with the other possible worlds where a decision not
    /// judged decided something.
    pub fn build(bundle: &Bundle) -> Tables {
        let mut tables = Tables::assuming(bundle, &[]);
        let deciding = unjudged_deciding(bundle, &tables.judgements);
        if !deciding.is_empty() && deciding.len() <= MAX_UNJUDGED {
            let mut worlds: Vec<Tables> = Vec::new();
            for subset in 1u32..(1 << deciding.len()) {
                let assumed: Vec<usize> = deciding
                    .iter()
                    .enumerate()
                    .filter(|(i, _)| subset & (1 << i) != 0)
                    .map(|(_, d)| *d)
                    .collect();
                let world = Tables::assuming(bundle, &assumed);
                if !world.same_view(&tables) && !worlds.iter().any(|w| w.same_view(&world)) {
                    worlds.push(world);
                }
            }
            tables.worlds = worlds;
        }
        tables.unjudged_deciding = deciding;
        tables
    }

    /// The windows of a designated chair's terms (see [`ChairWindow`]);
    /// none for a rotation or a chair the text names, whose terms do not
    /// start at recorded takings of office.
    fn windows_of_chair(&self, bundle: &Bundle) -> Vec<ChairWindow> {
        let eras = bundle.chair_eras();
        let mut windows = Vec::new();
        for era in eras.iter().filter(|e| matches!(e.model, ChairModel::Designated(_))) {
            // With one way throughout, from the rules' start (as before
            // amendments changed ways); else over the era.
            let (since, until) = if eras.len() == 1 {
                (bundle.versions.first().map_or(Day::MIN, |v| v.from), date::LAST)
            } else {
                (era.from, era.until)
            };
            windows.extend(self.designated_windows(bundle, since, until, eras.len() == 1));
        }
        windows
    }

    /// The windows of the takings of office a designated chair's terms
    /// follow over `[since, until)` (`clamped`: one recorded earlier starts
    /// its term on `since`; else it is another era's).
    fn designated_windows(&self, bundle: &Bundle, since: Day, until: Day, clamped: bool) -> Vec<ChairWindow> {
        let Ok(terms) = self.terms.as_ref() else {
            return Vec::new();
        };
        let mut followed: Vec<(Day, Option<PartyId>, Precision)> = self
            .honoured
            .iter()
            .filter(|(_, day)| *day < until)
            .filter_map(|(party, day)| {
                let h = bundle
                    .history
                    .handovers
                    .iter()
                    .find(|h| h.to == *party && h.day == *day)?;
                // One of another era's, unless its window reaches this one.
                (clamped || *day >= since || reaches(h.precision, *day) >= since).then_some((
                    *day,
                    Some(*party),
                    h.precision,
                ))
            })
            .collect();
        // A vacancy the terms follow (one that ends a term of a chair
        // designated by no stated procedure: see `designated_terms`) is
        // dated as its record is.
        let unstated = bundle
            .versions
            .iter()
            .any(|v| v.designation.as_ref().is_some_and(|d| d.by.is_none()));
        followed.extend(
            bundle
                .history
                .vacancies
                .iter()
                .filter(|v| v.day < until && (clamped || v.day >= since))
                .filter(|v| unstated && terms.listed.iter().any(|t| t.chair.is_none() && t.start == v.day))
                .map(|v| (v.day, None, v.precision)),
        );
        followed.sort_by_key(|(day, _, _)| *day);
        let mut windows: Vec<ChairWindow> = Vec::new();
        for (i, (day, party, precision)) in followed.iter().enumerate() {
            let previous = i.checked_sub(1).and_then(|j| followed.get(j)).map(|(d, _, _)| *d);
            let next = followed.get(i + 1).map(|(d, _, _)| *d);
            if *precision == Precision::Exact {
                continue;
            }
            let (earliest, latest) = precision.window(*day, previous, next);
            let start = (*day).max(since);
            let earliest = earliest.max(since);
            if latest <= earliest {
                continue;
            }
            let before = terms.at(start.saturating_sub(1)).and_then(|t| t.chair);
            windows.push(ChairWindow {
                start,
                earliest,
                latest,
                changes: before != *party,
                vacancy: party.is_none(),
            });
        }
        windows
    }

    /// Whether two worlds give the same rules' view (everything but which
    /// decisions were assumed valid).
    fn same_view(&self, other: &Tables) -> bool {
        self.epochs == other.epochs
            && self.terms == other.terms
            && self.invited == other.invited
            && self.invited_to == other.invited_to
            && self.invited_by_id == other.invited_by_id
            && self.honoured == other.honoured
            && self.extended == other.extended
            && self.status_changes == other.status_changes
    }

    /// The day from which answers are unknown because too many decisions
    /// not judged decided something to work out every world (`None`: every
    /// world is worked out, or none is needed).
    pub fn unknown_from(&self, bundle: &Bundle) -> Option<Day> {
        (self.unjudged_deciding.len() > MAX_UNJUDGED)
            .then(|| {
                self.unjudged_deciding
                    .iter()
                    .filter_map(|d| bundle.history.decisions.get(*d))
                    .map(|r| r.decision.meeting.date)
                    .min()
            })
            .flatten()
    }

    /// Whether `meeting` is a recorded meeting whose record does not say
    /// who was present.
    pub fn attendance_unknown(&self, meeting: &Meeting) -> bool {
        !self.unrecorded_attendance.is_empty()
            && meeting
                .id
                .as_ref()
                .is_some_and(|id| self.unrecorded_attendance.contains(id))
    }

    /// The tables as if the recorded decisions `assumed` (unjudged ones)
    /// were valid.
    fn assuming(bundle: &Bundle, assumed: &[usize]) -> Tables {
        let party_count = bundle.parties.len();
        let words = words_for(party_count);
        let by_party = Records::index(bundle);
        // Standing first: consensus is counted over it.
        let standing = Epochs::sweep(words, party_count, |p| by_party.standing_timeline(bundle, p, None, &[]));
        let groups: Vec<GroupEpochs> = (0..bundle.groups.len() as GroupId)
            .map(|g| GroupEpochs::of(bundle, g, words))
            .collect();
        let unrecorded_attendance: BTreeSet<String> = bundle
            .history
            .meetings
            .iter()
            .filter(|m| !m.attendance_known)
            .filter_map(|m| m.meeting.id.clone())
            .collect();
        let judge_all = |epochs: &Epochs| -> Vec<Judgement> {
            bundle
                .history
                .decisions
                .iter()
                .enumerate()
                .map(|(i, r)| {
                    let known = r
                        .decision
                        .meeting
                        .id
                        .as_ref()
                        .is_none_or(|id| !unrecorded_attendance.contains(id));
                    match judge(bundle, epochs, &groups, &r.decision, known) {
                        Judgement::Unjudged if assumed.contains(&i) => Judgement::Valid,
                        j @ (Judgement::Valid | Judgement::Invalid | Judgement::Unjudged) => j,
                    }
                })
                .collect()
        };
        let known_valid =
            |judgements: &[Judgement]| -> Vec<bool> { judgements.iter().map(|j| *j == Judgement::Valid).collect() };
        let judgements = judge_all(&standing);
        let valid_records = known_valid(&judgements);
        let admitted = admissions(bundle, &valid_records);
        let status_changes = decided_changes(bundle, &valid_records);
        let (epochs, judgements) = if admitted.iter().all(Option::is_none) && status_changes.iter().all(Vec::is_empty) {
            (standing, judgements)
        } else {
            let epochs = Epochs::sweep(words, party_count, |p| {
                by_party.standing_timeline(
                    bundle,
                    p,
                    admitted.get(p as usize).copied().flatten(),
                    status_changes.get(p as usize).map_or(&[][..], Vec::as_slice),
                )
            });
            // A change of membership a decision made counts for the
            // decisions after it: they are judged again on the final epochs
            // (which changes apply was settled on the first judgement).
            let judgements = if status_changes.iter().all(Vec::is_empty) {
                judgements
            } else {
                judge_all(&epochs)
            };
            (epochs, judgements)
        };
        let valid_records = known_valid(&judgements);
        let (invited_by_id, invited_to) = invitations(bundle, &valid_records);
        let mut invited: Vec<(Day, PartyId)> = bundle
            .history
            .meetings
            .iter()
            .zip(&invited_to)
            .flat_map(|(m, parties)| parties.iter().map(|p| (m.meeting.date, *p)))
            .collect();
        invited.sort_unstable();
        invited.dedup();
        let designation = bundle.versions.iter().find_map(|v| v.designation.as_ref());
        let mut honoured: Vec<(PartyId, Day)> = bundle
            .history
            .handovers
            .iter()
            // A chair designated by decision takes office as the text says it
            // is designated, or as recorded where no decision is recorded
            // (the audit asks for it); a rotation's terms follow only what a
            // valid decision decided.
            // Where an amendment changes the way, the way of the day.
            .filter(|h| match way_of_handover(bundle, h) {
                Some(ChairModel::Designated(d)) => {
                    designation_breach(bundle, &valid_records, d, h).is_none_or(|b| b.is_gap())
                }
                Some(ChairModel::Rotation(_) | ChairModel::Named(_)) | None => {
                    validly_decided(&valid_records, h.decision)
                }
            })
            .map(|h| (h.to, h.day))
            .collect();
        honoured.sort_by_key(|(_, on)| *on);
        let mut extended: Vec<(PartyId, Day)> = bundle
            .history
            .extensions
            .iter()
            .filter(|e| validly_decided(&valid_records, e.decision))
            .map(|e| (e.party, e.until))
            .collect();
        extended.sort_by_key(|(_, until)| *until);
        let recorded = bundle.history.recorded_offices();
        let terms = Walker::terms(bundle, &epochs, &honoured, &extended);
        let mut groups = groups;
        if let Ok(terms) = &terms {
            chair_offices(bundle, &mut groups, terms, words);
        }
        // A designated chair's windows are `chair_windows`; where an
        // amendment changes the way, the other eras' takings of office.
        let eras = bundle.chair_eras();
        let designated_on = |day: Day| {
            eras.iter()
                .any(|e| matches!(e.model, ChairModel::Designated(_)) && e.from <= day && day < e.until)
        };
        let term_shifts = match (designation, &terms) {
            (None, Ok(terms)) => term_shifts(bundle, &epochs, &valid_records, &honoured, &extended, terms, &|_| false),
            (Some(_), Ok(terms)) if eras.len() > 1 => term_shifts(
                bundle,
                &epochs,
                &valid_records,
                &honoured,
                &extended,
                terms,
                &designated_on,
            ),
            (Some(_), _) | (None, Err(_)) => Vec::new(),
        };
        let mut tables = Tables {
            party_count,
            epochs,
            terms,
            valid_records,
            invited,
            invited_to,
            invited_by_id,
            honoured,
            extended,
            recorded,
            status_changes,
            groups,
            judgements,
            unrecorded_attendance,
            unjudged_deciding: Vec::new(),
            worlds: Vec::new(),
            office_windows: bundle.history.recorded_office_windows(),
            chair_windows: Vec::new(),
            status_windows: Vec::new(),
            recorded_status_windows: Vec::new(),
            term_shifts,
        };
        tables.chair_windows = tables.windows_of_chair(bundle);
        let followed: Vec<usize> = tables.status_changes.iter().flatten().map(|(_, _, i)| *i).collect();
        let rules_placed = |p: PartyId, record: StatusRecord, to: Day| {
            by_party.timeline_moved(
                bundle,
                p,
                admitted.get(p as usize).copied().flatten(),
                tables.status_changes.get(p as usize).map_or(&[][..], Vec::as_slice),
                record,
                to,
            )
        };
        tables.status_windows = status_windows(
            &dated_status_records(bundle, followed.into_iter()),
            bundle.adopted,
            |p| tables.epochs.change_days(p),
            rules_placed,
        );
        // The recorded view: every recorded change, over the rules' view.
        let recorded_changes = |p: PartyId, moved: Option<(usize, Day)>| -> Vec<(Day, Status)> {
            bundle
                .history
                .status_changes
                .iter()
                .enumerate()
                .filter(|(_, c)| c.party == p)
                .map(|(i, c)| match moved {
                    Some((j, to)) if j == i => (to, c.status),
                    Some(_) | None => (c.day, c.status),
                })
                .collect()
        };
        tables.recorded_status_windows = status_windows(
            &dated_status_records(bundle, 0..bundle.history.status_changes.len()),
            bundle.adopted,
            |p| {
                let mut days = tables.epochs.change_days(p);
                days.extend(recorded_changes(p, None).into_iter().map(|(d, _)| d));
                days
            },
            |p, record, to| {
                let moved = match record {
                    StatusRecord::Change(i) => Some((i, to)),
                    StatusRecord::Silence(_) | StatusRecord::Join(_) | StatusRecord::Statement { .. } => None,
                };
                // A decided change moves in the rules' view too.
                recorded_timeline(&rules_placed(p, record, to), &recorded_changes(p, moved))
            },
        );
        tables
    }

    /// The words of group `group` on `day` (none for a group the bundle
    /// does not have).
    pub fn group_at_day(&self, group: GroupId, day: Day) -> &[u64] {
        group_words(&self.groups, group, day)
    }

    /// The members at a meeting (see [`meeting_members`]).
    pub fn meeting_members(&self, bundle: &Bundle, meeting: &Meeting) -> &[u64] {
        match version_at(bundle, meeting.date) {
            Some(version) => meeting_members(version, &self.epochs, &self.groups, meeting),
            None => self.epochs.members_at(meeting.date),
        }
    }

    /// The parties in group `group` on `day` (none for a group the bundle
    /// does not have).
    pub fn group_at(&self, group: GroupId, day: Day) -> impl Iterator<Item = PartyId> + '_ {
        parties(self.group_at_day(group, day))
    }

    /// Whether `party` is invited to a recorded meeting on `day`.
    /// The chair in office on `day` as the history records it: the last
    /// recorded taking of office on or before `day`, whatever the rules say.
    pub fn recorded_chair(&self, day: Day) -> Option<PartyId> {
        let after = self.recorded.partition_point(|(d, _)| *d <= day);
        after
            .checked_sub(1)
            .and_then(|i| self.recorded.get(i))
            .and_then(|(_, p)| *p)
    }

    /// What the rotation says of a taking of office on `day` after
    /// `outgoing`: the states eligible on `day` in the rotation's order,
    /// cyclically, starting with the one ranked after `outgoing` (so the
    /// rules' successor, declines aside, comes first), and the term length
    /// in force on `day`. `None` without a rotation.
    pub fn rotation_after(
        &self,
        bundle: &Bundle,
        outgoing: PartyId,
        day: Day,
    ) -> Option<(Vec<PartyId>, Option<Duration>)> {
        self.rotation_on(&self.epochs, bundle, outgoing, day)
    }

    /// The standing of every party in the recorded view: every recorded
    /// change of status applied, decided or not; `None` where every one is
    /// decided (that view's standing is then `epochs`). Worked out when
    /// asked (the audit asks once), not with the tables.
    pub fn recorded_epochs(&self, bundle: &Bundle) -> Option<Epochs> {
        let changes = &bundle.history.status_changes;
        if changes.iter().all(|c| self.decided(c.decision)) {
            return None;
        }
        let mut all: Vec<Vec<(Day, Status, usize)>> = vec![Vec::new(); self.party_count];
        for (i, c) in changes.iter().enumerate() {
            if let Some(list) = all.get_mut(c.party as usize) {
                list.push((c.day, c.status, i));
            }
        }
        for list in &mut all {
            list.sort_by_key(|(day, _, _)| *day);
        }
        let by_party = Records::index(bundle);
        let admitted = admissions(bundle, &self.valid_records);
        Some(Epochs::sweep(self.epochs.words, self.party_count, |p| {
            by_party.standing_timeline(
                bundle,
                p,
                admitted.get(p as usize).copied().flatten(),
                all.get(p as usize).map_or(&[][..], Vec::as_slice),
            )
        }))
    }

    /// [`Tables::rotation_after`] in the recorded view, whose standing is
    /// `epochs` ([`Tables::recorded_epochs`]): the eligible states as the
    /// history records their status (a party recorded as a member with no
    /// decision counts); `None` without a rotation.
    pub fn recorded_rotation_after(
        &self,
        epochs: &Epochs,
        bundle: &Bundle,
        outgoing: PartyId,
        day: Day,
    ) -> Option<(Vec<PartyId>, Option<Duration>)> {
        self.rotation_on(epochs, bundle, outgoing, day)
    }

    fn rotation_on(
        &self,
        epochs: &Epochs,
        bundle: &Bundle,
        outgoing: PartyId,
        day: Day,
    ) -> Option<(Vec<PartyId>, Option<Duration>)> {
        // The rotation of the day (where an amendment changes the way, its
        // era's).
        let Some(ChairModel::Rotation(rotation)) = bundle.chair_way_on(day) else {
            return None;
        };
        let mut walker = Walker::new(bundle, epochs, rotation, &self.honoured, &self.extended);
        // An alternation remembers each group's last chair: walk the terms
        // that start before the day first.
        if rotation.alternation.is_some() {
            if walker.declined(rotation.first, rotation.start) {
                walker.chair = walker.successor(rotation.first, rotation.start);
            }
            for _ in 0..MAX_TERMS {
                if walker.start >= day {
                    break;
                }
                walker.step().ok()?;
            }
        }
        Some((walker.candidates(outgoing, day), walker.term_length(day)))
    }

    /// Whether a valid recorded decision decided a record (see
    /// [`validly_decided`]).
    pub fn decided(&self, decision: Option<usize>) -> bool {
        validly_decided(&self.valid_records, decision)
    }

    /// A party's status on `day` as the history records it: the last
    /// recorded change of status on or before `day` (decided or not), else
    /// the rules' status.
    pub fn recorded_status(&self, bundle: &Bundle, party: PartyId, day: Day) -> Status {
        bundle
            .history
            .status_changes
            .iter()
            .filter(|c| c.party == party && c.day <= day)
            .max_by_key(|c| c.day)
            .map_or_else(|| self.status(party, day), |c| c.status)
    }

    pub fn invited_to(&self, party: PartyId, meeting_id: &str) -> bool {
        self.invited_by_id
            .get(meeting_id)
            .is_some_and(|parties| parties.binary_search(&party).is_ok())
    }

    /// Whether `party` is invited to a recorded meeting on `day`.
    pub fn invited_on(&self, party: PartyId, day: Day) -> bool {
        self.invited.binary_search(&(day, party)).is_ok()
    }

    /// Member, pending, observer, invited or none.
    pub fn status(&self, party: PartyId, day: Day) -> Status {
        let status = self.epochs.status(party, day);
        if status == Status::None && self.invited_on(party, day) {
            Status::Invited
        } else {
            status
        }
    }

    pub fn members(&self, day: Day) -> impl Iterator<Item = PartyId> + '_ {
        parties(self.epochs.members_at(day)).filter(move |p| (*p as usize) < self.party_count)
    }

    pub fn is_member(&self, party: PartyId, day: Day) -> bool {
        contains(self.epochs.members_at(day), party)
    }

    /// Whether a record's deciding decision is one not judged (its
    /// meeting's attendance is not recorded).
    pub fn unjudged(&self, decision: Option<usize>) -> bool {
        decision.and_then(|d| self.judgements.get(d)) == Some(&Judgement::Unjudged)
    }

    /// Judges a decision (see [`judge`]) on these tables' membership.
    pub fn judge(&self, bundle: &Bundle, decision: &Decision, attendance_known: bool) -> Judgement {
        judge(bundle, &self.epochs, &self.groups, decision, attendance_known)
    }

    /// Judges a decision (see [`judge_as`]) where the parties of
    /// `statuses` have those statuses on the meeting's day.
    pub fn judge_as(
        &self,
        bundle: &Bundle,
        decision: &Decision,
        attendance_known: bool,
        statuses: &[(PartyId, Status)],
    ) -> Judgement {
        judge_as(bundle, &self.epochs, &self.groups, decision, attendance_known, statuses)
    }

    /// Whether a decision is valid: no reservation excludes the meeting's
    /// kind, no member present objects, and the quorum (if any) is met.
    pub fn is_valid(&self, bundle: &Bundle, decision: &Decision) -> bool {
        is_valid(bundle, &self.epochs, &self.groups, decision)
    }
}

/// The rules in force on a day: the last version from on or before it
/// (the base text before any amendment).
pub fn version_at(bundle: &Bundle, day: Day) -> Option<&Version> {
    let versions = &bundle.versions;
    versions
        .iter()
        .rev()
        .find(|v| v.from <= day)
        .or_else(|| versions.first())
}

/// The members at a meeting: where its kind is a body's (a committee's),
/// the parties of the body's group on its day; else the members on its
/// day. A group the bundle does not have has no parties.
pub fn meeting_members<'a>(
    version: &Version,
    epochs: &'a Epochs,
    groups: &'a [GroupEpochs],
    meeting: &Meeting,
) -> &'a [u64] {
    match version.body_of(meeting.kind) {
        Some(body) => group_words(groups, body.group, meeting.date),
        None => epochs.members_at(meeting.date),
    }
}

/// The words of a group on a day; none for a group not in `groups`.
fn group_words(groups: &[GroupEpochs], group: GroupId, day: Day) -> &[u64] {
    groups.get(group as usize).map_or(&[][..], |g| g.at(day))
}

fn is_valid(bundle: &Bundle, epochs: &Epochs, groups: &[GroupEpochs], decision: &Decision) -> bool {
    judge(bundle, epochs, groups, decision, true) == Judgement::Valid
}

/// The recorded decisions not judged that some record says decided
/// something the rules' view follows, by index, in order.
fn unjudged_deciding(bundle: &Bundle, judgements: &[Judgement]) -> Vec<usize> {
    let history = &bundle.history;
    let named: BTreeSet<usize> = history
        .handovers
        .iter()
        .map(|h| h.decision)
        .chain(history.extensions.iter().map(|e| e.decision))
        .chain(history.status_changes.iter().map(|c| c.decision))
        .chain(history.applications.iter().map(|a| a.decision))
        .flatten()
        .collect();
    let acting = [decision_kind(bundle, "admission"), decision_kind(bundle, "invitation")];
    judgements
        .iter()
        .enumerate()
        .filter(|(_, j)| **j == Judgement::Unjudged)
        .map(|(i, _)| i)
        .filter(|i| {
            named.contains(i)
                || history
                    .decisions
                    .get(*i)
                    .is_some_and(|r| !r.decision.subjects.is_empty() && acting.contains(&Some(r.decision.kind)))
        })
        .collect()
}

/// Judges a decision. With its meeting's attendance known, valid or not
/// by the rule in force; without, invalid only where what is recorded
/// settles it whoever was present (a kind reserved to other meetings, or
/// an objection by one who takes part, under a rule one objection blocks:
/// an objector was there), else not judged.
pub fn judge(
    bundle: &Bundle,
    epochs: &Epochs,
    groups: &[GroupEpochs],
    decision: &Decision,
    attendance_known: bool,
) -> Judgement {
    judge_as(bundle, epochs, groups, decision, attendance_known, &[])
}

/// [`judge`] in a world where each `(party, status)` of `statuses` holds
/// on the meeting's day whatever the tables say (a change of status dated
/// only by a window, put before or after the meeting): the party counts
/// as a member or an observer by that status. A body's meeting counts the
/// body's parties, whom no status changes.
pub fn judge_as(
    bundle: &Bundle,
    epochs: &Epochs,
    groups: &[GroupEpochs],
    decision: &Decision,
    attendance_known: bool,
    statuses: &[(PartyId, Status)],
) -> Judgement {
    let verdict = |valid: bool| if valid { Judgement::Valid } else { Judgement::Invalid };
    let meeting = &decision.meeting;
    let Some(version) = version_at(bundle, meeting.date) else {
        return Judgement::Invalid;
    };
    let reserved_elsewhere = version
        .reservations
        .iter()
        .any(|r| r.decision == decision.kind && !r.meetings.contains(&meeting.kind));
    if reserved_elsewhere {
        return Judgement::Invalid;
    }
    // Without a record of attendance, those who objected were there, and
    // nothing is known of anyone else.
    let (attending, observing): (&[PartyId], &[PartyId]) = if attendance_known {
        (&meeting.present, &meeting.observers)
    } else {
        (&decision.objections, &decision.objections)
    };
    let mut members = Cow::Borrowed(meeting_members(version, epochs, groups, meeting));
    let mut observers = Cow::Borrowed(epochs.observers_at(meeting.date));
    for (party, status) in statuses {
        if version.body_of(meeting.kind).is_none() {
            set_to(members.to_mut(), *party, *status == Status::Member);
        }
        set_to(observers.to_mut(), *party, *status == Status::Observer);
    }
    let (members, observers) = (&*members, &*observers);
    let mut present = vec![0u64; epochs.words];
    // Who takes part: members present, and observers present where the
    // text lets them.
    let mut voting = vec![0u64; epochs.words];
    for p in attending {
        if contains(members, *p) {
            insert(&mut present, *p);
            insert(&mut voting, *p);
        }
    }
    // Observers attend as `present` or as `observers` of the meeting.
    if version.observers_may_decide() {
        for p in attending.iter().chain(observing) {
            if contains(observers, *p) && version.observer_decides(*p, meeting.date, meeting.kind) {
                insert(&mut voting, *p);
            }
        }
    }
    let count = |set: &[u64]| set.iter().map(|w| i64::from(w.count_ones())).sum::<i64>();
    let mut against = vec![0u64; epochs.words];
    for p in &decision.objections {
        if contains(&voting, *p) {
            insert(&mut against, *p);
        }
    }
    let rule = version.rule_at(meeting.kind);
    if !attendance_known {
        return if rule.rule.one_objection_blocks() && count(&against) > 0 {
            Judgement::Invalid
        } else {
            Judgement::Unjudged
        };
    }
    match rule.decides(Tally {
        present: count(&present),
        voting: count(&voting),
        against: count(&against),
        members: count(members),
    }) {
        Some(valid) => verdict(valid),
        None => Judgement::Unjudged,
    }
}

/// Whether the observer rule in force admits parties of this kind (civil
/// society and the private sector only where the rule names them: a text
/// more often invites them meeting by meeting).
pub fn may_be_observer(bundle: &Bundle, party: PartyId, day: Day) -> bool {
    let Some(rule) = version_at(bundle, day).and_then(|v| v.observers.as_ref()) else {
        return false;
    };
    rule.parties.contains(&party)
        || match bundle.parties.get(party as usize).map(|p| p.kind) {
            Some(PartyKind::State) => rule.states,
            Some(PartyKind::InternationalOrganization) => rule.international,
            Some(PartyKind::RegionalOrganization) => rule.regional,
            Some(PartyKind::CivilSociety) => rule.civil_society,
            Some(PartyKind::PrivateSector) => rule.private_sector,
            None => false,
        }
}

fn decision_kind(bundle: &Bundle, name: &str) -> Option<DecisionKindId> {
    bundle.decision_kinds.iter().position(|k| k == name).map(|i| i as u32)
}

/// Per party, the day of the first valid decision that admitted it as an
/// observer.
/// How a recorded taking of office departs from a chair designated by
/// decision.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DesignationBreach {
    /// No decision is recorded behind the taking of office: a gap in the
    /// evidence (the rules' chair follows the recorded taking of office).
    NoRecordedDecision,
    /// The recorded decision behind it is not valid.
    NotValidlyDecided,
    /// Elected by a decision of another kind.
    DecisionKind(DecisionKindId),
    /// Elected at a meeting of another kind.
    MeetingKind(MeetingKindId),
    /// The candidacy was announced after the last day it could have been.
    CandidacyLate { due: Day, announced: Day },
    /// No candidacy is recorded by the last day it could have been: a gap
    /// in the evidence, not a breach (the rules' chair follows the
    /// election).
    CandidacyUnrecorded { due: Day },
    /// Where the chair alternates between groups: the new chair comes from
    /// the same group as the one before it.
    SameGroup { group: GroupId, previous: PartyId },
}

impl DesignationBreach {
    /// Whether the rules' chair follows the election all the same: only
    /// where the record leaves the condition unknown.
    pub fn is_gap(self) -> bool {
        matches!(
            self,
            DesignationBreach::CandidacyUnrecorded { .. } | DesignationBreach::NoRecordedDecision
        )
    }
}

/// Why a recorded taking of office does not follow `designation`, if it
/// does not.
pub fn designation_breach(
    bundle: &Bundle,
    valid: &[bool],
    designation: &Designation,
    h: &Handover,
) -> Option<DesignationBreach> {
    if let Some(breach) = alternation_breach(bundle, designation, h) {
        return Some(breach);
    }
    let Some(record) = h.decision.and_then(|d| bundle.history.decisions.get(d)) else {
        // Where the text does not say how the chair is chosen, a taking of
        // office with no decision behind it lacks nothing the text asks for.
        return designation.by.map(|_| DesignationBreach::NoRecordedDecision);
    };
    if !validly_decided(valid, h.decision) {
        return Some(DesignationBreach::NotValidlyDecided);
    }
    if let Some(by) = designation.by {
        if record.decision.kind != by.decision {
            return Some(DesignationBreach::DecisionKind(record.decision.kind));
        }
        if record.decision.meeting.kind != by.meeting {
            return Some(DesignationBreach::MeetingKind(record.decision.meeting.kind));
        }
    }
    if let Some(before) = designation.candidacy {
        // Announced on or before the day `before` ahead of the election.
        let election = record.decision.meeting.date;
        let due = date::add(election, before, -1).unwrap_or(Day::MIN);
        let announced = bundle
            .history
            .candidacies
            .iter()
            .filter(|(p, _)| *p == h.to)
            .map(|(_, d)| *d)
            .filter(|d| *d <= election)
            .min();
        match announced {
            None => return Some(DesignationBreach::CandidacyUnrecorded { due }),
            Some(announced) if announced > due => return Some(DesignationBreach::CandidacyLate { due, announced }),
            Some(_) => {}
        }
    }
    None
}

/// Where a designated chair alternates between groups, whether `h` gives
/// the chair to the group the chair recorded before it came from.
fn alternation_breach(bundle: &Bundle, designation: &Designation, h: &Handover) -> Option<DesignationBreach> {
    let groups = designation.alternation.as_ref()?;
    let group_of = |p: PartyId, day: Day| {
        groups.iter().copied().find(|g| {
            bundle.groups.get(*g as usize).is_some_and(|group| {
                group
                    .spans
                    .iter()
                    .any(|s| s.party == p && s.from <= day && s.until.is_none_or(|u| day < u))
            })
        })
    };
    let previous = bundle
        .history
        .handovers
        .iter()
        .filter(|o| o.day < h.day)
        .max_by_key(|o| o.day)?;
    let group = group_of(h.to, h.day)?;
    (previous.to != h.to && group_of(previous.to, h.day) == Some(group)).then_some(DesignationBreach::SameGroup {
        group,
        previous: previous.to,
    })
}

/// The terms of a chair designated by decision: each valid election
/// starts a term of the length in force (to the next election if that
/// comes first); between a term's end and the next election, and after
/// the last, the chair is vacant. Before the first election there is none.
///
/// The last day a record's date allows (the calendar's end for "no
/// earlier than").
fn reaches(precision: Precision, day: Day) -> Day {
    match precision {
        Precision::NoEarlierThan => date::LAST,
        Precision::Exact
        | Precision::NoLaterThan
        | Precision::InMonth
        | Precision::InYear
        | Precision::Between { .. } => precision.latest(day),
    }
}

/// The way of choosing the chair a taking of office is judged by: the way
/// of its day, or where its record's window reaches from another way's era
/// into a designation's, the designation's (it is followed there, as it
/// may have been taken then; its window leaves the chair unknown).
pub fn way_of_handover<'b>(bundle: &'b Bundle, h: &Handover) -> Option<ChairModel<'b>> {
    let first = bundle.chair_way_on(h.day);
    if matches!(first, Some(ChairModel::Designated(_))) {
        return first;
    }
    match bundle.chair_way_on(reaches(h.precision, h.day)) {
        Some(ChairModel::Designated(d)) => Some(ChairModel::Designated(d)),
        Some(ChairModel::Rotation(_) | ChairModel::Named(_)) | None => first,
    }
}

/// No term starts before `since`, the day the rules come into force: a
/// taking of office recorded earlier (or dated only by a month or year
/// that begins earlier) starts its term that day.
fn designated_terms(
    designation: &Designation,
    since: Day,
    honoured: &[(PartyId, Day)],
    extended: &[(PartyId, Day)],
    vacancies: &[Day],
) -> Terms {
    let length = |start: Day| crate::ir::designated_term_at(&designation.terms, start);
    let mut listed: Vec<Term> = Vec::new();
    let mut elections: Vec<(PartyId, Day)> = honoured.iter().map(|(p, on)| (*p, (*on).max(since))).collect();
    elections.sort_by_key(|(_, on)| *on);
    for (i, (party, start)) in elections.iter().enumerate() {
        let next = elections.get(i + 1).map(|(_, on)| *on);
        if next.is_some_and(|n| n <= *start) {
            // A later election the same day wins.
            continue;
        }
        // With no term the text sets, the office lasts to the next election.
        let mut end = length(*start)
            .and_then(|d| date::add(*start, d, 1))
            .filter(|e| *e <= date::LAST)
            .unwrap_or(date::LAST);
        if let Some((_, until)) = extended.iter().find(|(p, until)| p == party && *until > end) {
            end = *until;
        }
        let end = next.map_or(end, |n| end.min(n));
        // With no term, an office recorded ending with no successor ends
        // the rules' term there (`vacancies` holds them only for a chair
        // the rules follow as recorded).
        let end = if length(*start).is_none() {
            vacancies
                .iter()
                .copied()
                .filter(|v| *start < *v && *v < end)
                .min()
                .unwrap_or(end)
        } else {
            end
        };
        listed.push(Term {
            start: *start,
            end,
            chair: Some(*party),
        });
        let vacant_until = next.unwrap_or(date::LAST);
        if end < vacant_until || (next.is_none() && end < date::LAST) {
            listed.push(Term {
                start: end,
                end: vacant_until,
                chair: None,
            });
        }
    }
    Terms { listed, periodic: None }
}

/// Where the chair is designated, a rules' term that starts at a recorded
/// taking of office the sources date only approximately (a month, a year,
/// two bounds, or one bound up to the neighbouring taking of office): the
/// term is derived from one day (`start`: the window's first, or the
/// bound), but the office may have changed hands on any day from
/// `earliest` up to `latest`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChairWindow {
    /// The term's first day as derived.
    pub start: Day,
    /// The first and last days the taking of office may have happened on
    /// (none before the rules are in force).
    pub earliest: Day,
    pub latest: Day,
    /// Whether it changes who holds the chair (the term before it had
    /// another chair, or none).
    pub changes: bool,
    /// A recorded end of office with no successor (a vacancy), not a
    /// taking of office.
    #[serde(default)]
    pub vacancy: bool,
}

impl ChairWindow {
    /// Why the terms are open around it, in words: "the rules' term from
    /// D starts at a taking of office the history dates only to between
    /// E and L".
    pub fn describe(&self) -> String {
        format!(
            "the rules' term from {} starts at {} the history dates only to between {} and {}",
            date::format(self.start),
            if self.vacancy {
                "an end of office with no successor"
            } else {
                "a taking of office"
            },
            date::format(self.earliest),
            date::format(self.latest)
        )
    }

    /// Whether `day` is one on which the taking of office may or may not
    /// have happened yet.
    pub fn straddles(&self, day: Day) -> bool {
        self.earliest <= day && day < self.latest
    }
}

/// A change of a party's status that a record dates only by a window (a
/// month, a year, two bounds, or one bound up to the party's change of
/// status before or after it): the tables put it on one day (the bound, or
/// the window's first), but on a day from `earliest` up to the day before
/// `latest` the party's status may still be `before` or already `after`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatusWindow {
    pub party: PartyId,
    pub earliest: Day,
    pub latest: Day,
    pub before: Status,
    pub after: Status,
    /// The record: a broken silence, a join or a change of status.
    pub record: StatusRecord,
}

/// A record that changes a party's status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StatusRecord {
    /// `history.silences[i]`.
    Silence(usize),
    /// `history.joins[i]`.
    Join(usize),
    /// `history.status_changes[i]`.
    Change(usize),
    /// A policy statement's approximate day: the start (or, with `until`,
    /// the end) of `versions[version].membership[index]`, a withdrawal's
    /// day as its start.
    Statement { version: usize, index: usize, until: bool },
}

impl StatusWindow {
    /// Whether on `day` the change may or may not have happened yet.
    pub fn straddles(&self, day: Day) -> bool {
        self.earliest <= day && day < self.latest
    }

    /// Whether the change may leave `what` of the party's status open: its
    /// status before and after differ in it.
    pub fn settles<T: PartialEq>(&self, what: impl Fn(Status) -> T) -> bool {
        what(self.before) == what(self.after)
    }
}

/// How many windows `members(d)` or `observers(d)` lists the possible
/// sets of (2^4 sets at most); with more, the answer is unknown with none
/// listed.
pub const MAX_OPEN_PARTIES: usize = 4;

/// A built-in query's question about statuses, for the windows that leave
/// it open (see [`StatusWindow`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StatusQuestion {
    /// `status` or `recorded_status` of a party on a day.
    Status(PartyId, Day),
    Member(PartyId, Day),
    Members(Day),
    Observers(Day),
    /// `may_attend` of a party at a meeting on a day.
    Attend(PartyId, Day),
    Speak(PartyId, Day),
    /// `valid` of a decision at a meeting on a day, and whether any version
    /// of the rules lets observers take part in deciding.
    Valid(Day, bool),
}

impl StatusQuestion {
    /// The question a call asks; `None` for a call no status window
    /// concerns (or given `none`). `observers_decide`: whether some version
    /// lets observers take part in deciding ([`observers_decide`]).
    pub fn of(builtin: Builtin, args: &[crate::value::Value], observers_decide: bool) -> Option<StatusQuestion> {
        use crate::value::Value;
        let party = |i: usize| match args.get(i) {
            Some(Value::Party(p)) => Some(*p),
            _ => None,
        };
        let day = |i: usize| match args.get(i) {
            Some(Value::Date(d)) => Some(*d),
            Some(Value::Meeting(m)) => Some(m.date),
            _ => None,
        };
        Some(match builtin {
            Builtin::Status | Builtin::RecordedStatus => StatusQuestion::Status(party(0)?, day(1)?),
            Builtin::Member => StatusQuestion::Member(party(0)?, day(1)?),
            Builtin::Members => StatusQuestion::Members(day(0)?),
            Builtin::Observers => StatusQuestion::Observers(day(0)?),
            Builtin::MayAttend => StatusQuestion::Attend(party(0)?, day(1)?),
            Builtin::MaySpeak => StatusQuestion::Speak(party(0)?, day(1)?),
            Builtin::Valid => match args.first() {
                Some(Value::Decision(d)) => StatusQuestion::Valid(d.meeting.date, observers_decide),
                _ => return None,
            },
            Builtin::Chair
            | Builtin::Chairs
            | Builtin::CoChairs
            | Builtin::ViceChairs
            | Builtin::NextChair
            | Builtin::TermStart
            | Builtin::TermEnd
            | Builtin::Group
            | Builtin::RecordedChair
            | Builtin::Violations
            | Builtin::Count => return None,
        })
    }

    /// The day the question is asked of.
    pub fn day(self) -> Day {
        match self {
            StatusQuestion::Status(_, d)
            | StatusQuestion::Member(_, d)
            | StatusQuestion::Members(d)
            | StatusQuestion::Observers(d)
            | StatusQuestion::Attend(_, d)
            | StatusQuestion::Speak(_, d)
            | StatusQuestion::Valid(d, _) => d,
        }
    }

    /// The party the question is asked of, if it names one.
    pub fn party(self) -> Option<PartyId> {
        match self {
            StatusQuestion::Status(p, _)
            | StatusQuestion::Member(p, _)
            | StatusQuestion::Attend(p, _)
            | StatusQuestion::Speak(p, _) => Some(p),
            StatusQuestion::Members(_) | StatusQuestion::Observers(_) | StatusQuestion::Valid(..) => None,
        }
    }

    /// Whether a window leaves the answer open: it straddles the day, is
    /// the party's (where the question names one), and the statuses before
    /// and after it answer differently.
    pub fn leaves_open(self, w: &StatusWindow) -> bool {
        w.straddles(self.day()) && self.party().is_none_or(|p| p == w.party) && self.differs(w)
    }

    /// Whether the statuses before and after a window answer this kind of
    /// question differently, whatever its day and party.
    pub fn differs(self, w: &StatusWindow) -> bool {
        match self {
            StatusQuestion::Status(..) => true,
            StatusQuestion::Member(..) | StatusQuestion::Members(_) => !w.settles(|s| s == Status::Member),
            StatusQuestion::Observers(_) => !w.settles(|s| s == Status::Observer),
            StatusQuestion::Attend(..) => !w.settles(attends_as),
            // Members and pending states speak, observers where the text
            // gives them the right, no one else.
            StatusQuestion::Speak(..) => !w.settles(|s| match s {
                Status::Member | Status::Pending => Some(true),
                Status::Observer => None,
                Status::Invited | Status::None | Status::Suspended => Some(false),
            }),
            StatusQuestion::Valid(_, observers) => {
                !w.settles(|s| s == Status::Member) || (observers && !w.settles(|s| s == Status::Observer))
            }
        }
    }
}

/// Whether some version of the rules lets observers take part in deciding.
pub fn observers_decide(bundle: &Bundle) -> bool {
    bundle.versions.iter().any(Version::observers_may_decide)
}

/// Statuses in which a party attends any meeting by its status.
pub fn attends_as(status: Status) -> bool {
    matches!(status, Status::Member | Status::Pending | Status::Observer)
}

/// The [`TermShift`]s of the decided hand-overs and extensions that
/// `honoured` and `extended` hold and that their records date only by a
/// window; a shift that moves no term is left out.
fn term_shifts(
    bundle: &Bundle,
    epochs: &Epochs,
    valid: &[bool],
    honoured: &[(PartyId, Day)],
    extended: &[(PartyId, Day)],
    terms: &Terms,
    skip: &dyn Fn(Day) -> bool,
) -> Vec<TermShift> {
    let history = &bundle.history;
    let handovers = history
        .handovers
        .iter()
        .filter(|h| validly_decided(valid, h.decision) && !skip(h.day))
        .map(|h| (h.to, h.day, h.precision, false));
    let extensions = history
        .extensions
        .iter()
        .filter(|e| validly_decided(valid, e.decision))
        .map(|e| (e.party, e.until, e.precision, true));
    let mut shifts = Vec::new();
    for (party, day, precision, extension) in handovers.chain(extensions) {
        if precision == Precision::Exact {
            continue;
        }
        let list = if extension { extended } else { honoured };
        let days: Vec<Day> = list.iter().map(|(_, d)| *d).collect();
        let previous = days.iter().copied().filter(|d| *d < day).max();
        let next = days.iter().copied().filter(|d| *d > day).min();
        let (earliest, latest) = precision.window(day, previous, next);
        if earliest >= latest {
            continue;
        }
        let placed = |to: Day| -> Option<Terms> {
            let mut moved = list.to_vec();
            for entry in moved.iter_mut().filter(|(p, d)| *p == party && *d == day) {
                entry.1 = to;
            }
            moved.sort_by_key(|(_, d)| *d);
            let (h, e) = if extension {
                (honoured, moved.as_slice())
            } else {
                (moved.as_slice(), extended)
            };
            Walker::terms(bundle, epochs, h, e).ok()
        };
        let (Some(early), Some(late)) = (placed(earliest), placed(latest)) else {
            continue;
        };
        // A window longer than a term: the record put on days between, a
        // step shorter than any term apart, so that every term a day may
        // fall in is seen (a day's term moves by one each time the record
        // passes a term's length).
        let step = shortest_term(bundle).map_or(Day::MAX, |days| (days / 2).max(1));
        let between: Vec<Terms> =
            std::iter::successors(Some(earliest.saturating_add(step)), |d| Some(d.saturating_add(step)))
                .take_while(|d| *d < latest)
                .take(MAX_PLACEMENTS)
                .filter_map(placed)
                .collect();
        if early == *terms && late == *terms && between.iter().all(|t| t == terms) {
            continue;
        }
        shifts.push(TermShift {
            earliest,
            latest,
            party,
            extension,
            early,
            late,
            between,
        });
    }
    shifts
}

/// The offices held by the chair's roles (`office troika held by outgoing
/// chair, chair, incoming chair`): on each day, the chairs of the terms
/// before, in force and after the day's term under the rules' terms,
/// beside the parties the text names. The holders change only where a
/// term starts or a role's period does. An office no rule depends on for
/// the decisions the terms rest on (the checker keeps it off meetings'
/// bodies and rotations' pools), so it is worked out after them.
fn chair_offices(bundle: &Bundle, groups: &mut [GroupEpochs], terms: &Terms, words: usize) {
    for (g, group) in bundle.groups.iter().enumerate() {
        if group.chair_roles.is_empty() {
            continue;
        }
        let Some(slot) = groups.get_mut(g) else { continue };
        // The parties the text names beside the roles; a recorded
        // composition does not make a holder of an office the text gives
        // to the chair's roles.
        let named = GroupEpochs::build(group, words);
        let mut starts: Vec<Day> = named.starts.clone();
        starts.extend(terms.before(date::LAST).take(MAX_TERMS).map(|t| t.start));
        starts.extend(
            group
                .chair_roles
                .iter()
                .flat_map(|r| std::iter::once(r.from).chain(r.until)),
        );
        starts.sort_unstable();
        starts.dedup();
        let mut sets = vec![0u64; starts.len() * words];
        for (start, set) in starts.iter().zip(sets.chunks_mut(words.max(1))) {
            for (s, w) in set.iter_mut().zip(named.at(*start)) {
                *s = *w;
            }
            let Some(term) = terms.at(*start) else { continue };
            for span in group
                .chair_roles
                .iter()
                .filter(|r| r.from <= *start && r.until.is_none_or(|u| *start < u))
            {
                let holder = match span.role {
                    ChairRole::Current => term.chair,
                    ChairRole::Outgoing => term
                        .start
                        .checked_sub(1)
                        .and_then(|d| terms.at(d))
                        .and_then(|t| t.chair),
                    ChairRole::Incoming => (term.end < date::LAST)
                        .then(|| terms.at(term.end))
                        .flatten()
                        .and_then(|t| t.chair),
                };
                if let Some(p) = holder {
                    insert(set, p);
                }
            }
        }
        *slot = GroupEpochs { starts, sets, words };
    }
}

/// The records that change a party's status and are dated by more than a
/// day: the policy's statements dated approximately (once each, though
/// several versions hold them), the broken silences, the joins, and the
/// changes `changes` lists (by index into `history.status_changes`).
fn dated_status_records(
    bundle: &Bundle,
    changes: impl Iterator<Item = usize>,
) -> Vec<(PartyId, Day, Precision, StatusRecord)> {
    let history = &bundle.history;
    type Dated = (PartyId, Day, Precision, StatusRecord);
    let mut statements: Vec<(&Membership, Dated)> = Vec::new();
    for (version, v) in bundle.versions.iter().enumerate() {
        for (index, m) in v.membership.iter().enumerate() {
            // Most statements give exact days: only the others are
            // windows (each once, though every later version holds it).
            let approximate = match m.kind {
                MembershipKind::Member { dating, .. } | MembershipKind::Observer { dating, .. } => !dating.is_exact(),
                MembershipKind::Withdrawal { precision, .. } => !precision.is_exact(),
                MembershipKind::Pending { .. } | MembershipKind::Open => false,
            };
            if !approximate || statements.iter().any(|(seen, _)| *seen == m) {
                continue;
            }
            let record = |until: bool| StatusRecord::Statement { version, index, until };
            let ends = match m.kind {
                MembershipKind::Member { from, until, dating } | MembershipKind::Observer { from, until, dating } => {
                    vec![(from, dating.from, record(false))]
                        .into_iter()
                        .chain(until.map(|u| (u, dating.until, record(true))))
                        .collect()
                }
                MembershipKind::Withdrawal { on, precision } => vec![(on, precision, record(false))],
                MembershipKind::Pending { .. } | MembershipKind::Open => Vec::new(),
            };
            statements.extend(
                ends.into_iter()
                    .map(|(day, precision, r)| (m, (m.party, day, precision, r))),
            );
        }
    }
    statements
        .into_iter()
        .map(|(_, record)| record)
        .chain(
            history
                .silences
                .iter()
                .enumerate()
                .map(|(i, s)| (s.party, s.day, s.precision, StatusRecord::Silence(i)))
                .chain(
                    history
                        .joins
                        .iter()
                        .enumerate()
                        .map(|(i, j)| (j.party, j.day, j.precision, StatusRecord::Join(i))),
                )
                .chain(changes.filter_map(|i| {
                    history
                        .status_changes
                        .get(i)
                        .map(|c| (c.party, c.day, c.precision, StatusRecord::Change(i)))
                })),
        )
        .filter(|(_, _, precision, _)| *precision != Precision::Exact)
        .collect()
}

/// A statement with its start (or, with `until`, its end) put on `to`.
fn statement_moved(m: &Membership, until: bool, to: Day) -> Membership {
    let mut moved = m.clone();
    match &mut moved.kind {
        MembershipKind::Member { from, until: end, .. } | MembershipKind::Observer { from, until: end, .. } => {
            match end {
                Some(end) if until => *end = to,
                Some(_) | None => *from = to,
            }
        }
        MembershipKind::Withdrawal { on, .. } => *on = to,
        MembershipKind::Pending { .. } | MembershipKind::Open => {}
    }
    moved
}

/// The status a timeline (sorted `(from, status)`) gives on `day`.
fn status_on(timeline: &[(Day, Status)], day: Day) -> Status {
    let after = timeline.partition_point(|(from, _)| *from <= day);
    after
        .checked_sub(1)
        .and_then(|i| timeline.get(i))
        .map_or(Status::None, |(_, s)| *s)
}

/// The windows of `records` (see [`StatusWindow`]). Each record's window
/// comes from its precision, a one-sided bound running to the party's
/// change of status before it or from the one after it (`change_days`), as
/// `Precision::window` does for the chair. `placed(party, record, day)` is
/// the party's status timeline with the record put on `day`: on each day of
/// the window, the party's status is the one with the record put on the
/// window's first day (it happened) or on its last (it has not yet). The
/// window is cut where either changes, and the pieces where they differ
/// are kept. A "no later than" bound with no change before it runs from
/// `adopted`, the rules' first day: nothing is a change of status in a
/// body before the body exists.
fn status_windows(
    records: &[(PartyId, Day, Precision, StatusRecord)],
    adopted: Day,
    change_days: impl Fn(PartyId) -> Vec<Day>,
    placed: impl Fn(PartyId, StatusRecord, Day) -> Vec<(Day, Status)>,
) -> Vec<StatusWindow> {
    let mut windows = Vec::new();
    for (party, day, precision, record) in records.iter().copied() {
        let days = change_days(party);
        let previous = days
            .iter()
            .copied()
            .filter(|d| *d < day)
            .max()
            .or_else(|| (adopted < day).then(|| adopted.saturating_sub(1)));
        // A statement "from no earlier than D" with no change after it
        // leaves every day from D open: nothing ever dates it.
        let next = days
            .iter()
            .copied()
            .filter(|d| *d > day)
            .min()
            .or_else(|| matches!(record, StatusRecord::Statement { .. }).then_some(date::LAST));
        let (earliest, latest) = precision.window(day, previous, next);
        if earliest >= latest {
            continue;
        }
        let early = placed(party, record, earliest);
        let late = placed(party, record, latest);
        let mut cuts: Vec<Day> = early
            .iter()
            .chain(&late)
            .map(|(d, _)| *d)
            .filter(|d| earliest < *d && *d < latest)
            .collect();
        cuts.push(earliest);
        cuts.push(latest);
        cuts.sort_unstable();
        cuts.dedup();
        for piece in cuts.windows(2) {
            let [from, until] = piece else { continue };
            let (before, after) = (status_on(&late, *from), status_on(&early, *from));
            if before != after {
                windows.push(StatusWindow {
                    party,
                    earliest: *from,
                    latest: *until,
                    before,
                    after,
                    record,
                });
            }
        }
    }
    windows.sort_by_key(|w| (w.earliest, w.party));
    windows
}

/// A party's status as the history records it (`recorded_status`), as a
/// timeline: from its rules' timeline `rules`, each of its recorded
/// changes (`(day, status)`, in the history's order) from its day on.
fn recorded_timeline(rules: &[(Day, Status)], changes: &[(Day, Status)]) -> Vec<(Day, Status)> {
    let mut days: Vec<Day> = rules.iter().chain(changes).map(|(d, _)| *d).collect();
    days.sort_unstable();
    days.dedup();
    let mut timeline: Vec<(Day, Status)> = Vec::new();
    for day in days {
        // The latest change on or before the day; of two on one day, the
        // later in the history.
        let status = changes
            .iter()
            .enumerate()
            .filter(|(_, (on, _))| *on <= day)
            .max_by_key(|(i, (on, _))| (*on, *i))
            .map_or_else(|| status_on(rules, day), |(_, (_, s))| *s);
        if timeline.last().map(|(_, s)| *s) != Some(status) {
            timeline.push((day, status));
        }
    }
    timeline
}

impl Epochs {
    /// The days on which `party`'s status changes, in order.
    pub fn change_days(&self, party: PartyId) -> Vec<Day> {
        let mut days = Vec::new();
        let mut last: Option<Status> = None;
        for (i, start) in self.starts.iter().enumerate() {
            let status = self.status_in(party, i);
            if last.is_some_and(|l| l != status) {
                days.push(*start);
            }
            last = Some(status);
        }
        days
    }
}

/// A decided hand-over or extension the rules' terms follow, dated only by
/// a window: the terms as they run with the record on the window's first
/// day and on its last. An answer on the chair's terms that differs between
/// them (or from the terms derived from the one day) is unknown.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TermShift {
    pub earliest: Day,
    pub latest: Day,
    /// Who took office (a hand-over) or whose office was extended.
    pub party: PartyId,
    pub extension: bool,
    pub early: Terms,
    pub late: Terms,
    /// Where the window is longer than half the shortest term: the terms
    /// with the record on days between, each less than half a term after
    /// the one before (at most [`MAX_PLACEMENTS`]).
    #[serde(default)]
    pub between: Vec<Terms>,
}

impl TermShift {
    /// The terms with the record on each day tried: the window's first,
    /// the days between, its last.
    pub fn placements(&self) -> impl Iterator<Item = &Terms> {
        std::iter::once(&self.early).chain(&self.between).chain([&self.late])
    }
}

/// How many days between a window's ends a [`TermShift`] tries at most
/// (a record dated by a window 64 terms long, at half a term a step).
pub const MAX_PLACEMENTS: usize = 128;

/// The shortest term of office any rotation of the rules gives, in days
/// (a month counted as 28, a year as 365); `None` with no rotation.
fn shortest_term(bundle: &Bundle) -> Option<Day> {
    bundle
        .versions
        .iter()
        .filter_map(|v| v.rotation.as_ref())
        .flat_map(|r| &r.terms)
        .map(|(_, d)| {
            let per = match d.unit {
                crate::date::Unit::Days => 1,
                crate::date::Unit::Months => 28,
                crate::date::Unit::Years => 365,
            };
            // A term too long for a day count is longer than any window.
            Day::try_from(d.amount.saturating_mul(per)).unwrap_or(Day::MAX)
        })
        .min()
}

/// Whether a record's deciding decision (an index into `history.decisions`)
/// is valid. `valid` is judged over that same list, one entry per decision,
/// so lowering never gives an index past it; one in a bundle read from
/// elsewhere names no recorded decision, and so decides nothing.
pub fn validly_decided(valid: &[bool], decision: Option<usize>) -> bool {
    decision.and_then(|d| valid.get(d)).copied().unwrap_or(false)
}

/// Per party, the recorded changes of status a valid decision made, as
/// (day, status, index into `history.status_changes`), sorted by day.
fn decided_changes(bundle: &Bundle, valid: &[bool]) -> Vec<Vec<(Day, Status, usize)>> {
    let mut changes = vec![Vec::new(); bundle.parties.len()];
    for (i, c) in bundle.history.status_changes.iter().enumerate() {
        if validly_decided(valid, c.decision) {
            if let Some(list) = changes.get_mut(c.party as usize) {
                list.push((c.day, c.status, i));
            }
        }
    }
    for list in &mut changes {
        list.sort_by_key(|(day, _, _)| *day);
    }
    changes
}

/// How an admission as an observer on `day` departs from a rule that
/// admits only on a written application, if it does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ApplicationBreach {
    /// The only recorded application came after the admission.
    Late(Day),
    /// No application is recorded: a gap in the evidence (the admission
    /// stands).
    Unrecorded,
}

pub fn application_breach(bundle: &Bundle, party: PartyId, day: Day) -> Option<ApplicationBreach> {
    let rule = version_at(bundle, day).and_then(|v| v.observers.as_ref())?;
    if !rule.written_application {
        return None;
    }
    let applied: Vec<Day> = bundle
        .history
        .applications
        .iter()
        .filter(|a| a.party == party && a.status == Status::Observer)
        .map(|a| a.day)
        .collect();
    match applied.iter().min() {
        None => Some(ApplicationBreach::Unrecorded),
        Some(first) if *first > day => Some(ApplicationBreach::Late(*first)),
        Some(_) => None,
    }
}

fn admissions(bundle: &Bundle, valid: &[bool]) -> Vec<Option<Day>> {
    let mut admitted = vec![None::<Day>; bundle.parties.len()];
    let Some(kind) = decision_kind(bundle, "admission") else {
        return admitted;
    };
    for (record, ok) in bundle.history.decisions.iter().zip(valid) {
        let d = &record.decision;
        if d.kind != kind || !ok {
            continue;
        }
        for p in &d.subjects {
            // An admission the text conditions on a written application
            // that came only later does not admit.
            let late = matches!(
                application_breach(bundle, *p, d.meeting.date),
                Some(ApplicationBreach::Late(_))
            );
            if may_be_observer(bundle, *p, d.meeting.date) && !late {
                if let Some(slot) = admitted.get_mut(*p as usize) {
                    *slot = Some(slot.map_or(d.meeting.date, |s| s.min(d.meeting.date)));
                }
            }
        }
    }
    admitted
}

/// The parties valid invitations invite, by the meeting id each names
/// (the meeting it invites to, else the one it was decided at), and so per
/// recorded meeting; sorted. The one place "invited to this meeting" is
/// decided: the interpreter and native code both read it.
fn invitations(bundle: &Bundle, valid: &[bool]) -> (BTreeMap<String, Vec<PartyId>>, Vec<Vec<PartyId>>) {
    let mut by_id: BTreeMap<String, Vec<PartyId>> = BTreeMap::new();
    if let Some(kind) = decision_kind(bundle, "invitation") {
        for (record, ok) in bundle.history.decisions.iter().zip(valid) {
            let d = &record.decision;
            if d.kind != kind || !ok {
                continue;
            }
            if let Some(target) = d.invited_to.as_ref().or(d.meeting.id.as_ref()) {
                by_id
                    .entry(target.clone())
                    .or_default()
                    .extend(d.subjects.iter().copied());
            }
        }
    }
    for list in by_id.values_mut() {
        list.sort_unstable();
        list.dedup();
    }
    let per_meeting = bundle
        .history
        .meetings
        .iter()
        .map(|m| {
            m.meeting
                .id
                .as_ref()
                .and_then(|id| by_id.get(id))
                .cloned()
                // No valid invitation names it: nobody is invited to it.
                .unwrap_or_default()
        })
        .collect();
    (by_id, per_meeting)
}

/// Why a party has its membership standing on a day: the facts an
/// explanation is built from, when one is asked for.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Standing<'b> {
    NoRules,
    NotMember,
    MemberFrom(Day, &'b Cite),
    /// Named an observer by the text from a day, or (with the class) as
    /// one of a class it names as a whole.
    ObserverFrom(Day, &'b Cite, Option<PartyKind>),
    BrokeSilence(Day, Status, &'b Cite),
    SilenceEnded(Day, &'b Cite),
    Pending(Day, &'b Cite),
    Joined(Day),
    Withdrew(Day, &'b Cite),
}

/// Membership standing alone (member, pending, observer after a broken
/// silence, none), which does not depend on any decision: consensus is
/// counted over it, so deciding admissions cannot loop back into it. It
/// reads one party's membership entries in the version in force, its
/// broken silences (day, became an observer) and its recorded joins; the
/// second value says why.
pub(crate) fn standing<'b>(
    bundle: &Bundle,
    entries: &[&'b Membership],
    silences: &[(Day, bool)],
    joins: &[Day],
    day: Day,
) -> (Status, Standing<'b>) {
    let mut standing = (Status::None, Standing::NotMember);
    for m in entries {
        match &m.kind {
            MembershipKind::Member { from, until, .. } => {
                if *from <= day && until.is_none_or(|u| day < u) {
                    standing = (Status::Member, Standing::MemberFrom(*from, &m.cite));
                }
            }
            // Named an observer by the text: unless a member on that day.
            MembershipKind::Observer { from, until, .. } => {
                if *from <= day && until.is_none_or(|u| day < u) && standing.0 != Status::Member {
                    standing = (Status::Observer, Standing::ObserverFrom(*from, &m.cite, m.by_class));
                }
            }
            MembershipKind::Pending { deadline } => {
                let broke = silences.iter().find(|(on, _)| on <= deadline);
                if let Some((on, observer)) = broke.filter(|(on, _)| *on <= day) {
                    let status = if *observer { Status::Observer } else { Status::None };
                    standing = (status, Standing::BrokeSilence(*on, status, &m.cite));
                } else if day > *deadline && broke.is_none() {
                    standing = (Status::Member, Standing::SilenceEnded(*deadline, &m.cite));
                } else if day >= bundle.adopted && day <= *deadline {
                    standing = (Status::Pending, Standing::Pending(*deadline, &m.cite));
                }
            }
            MembershipKind::Open | MembershipKind::Withdrawal { .. } => {}
        }
    }
    if standing.0 != Status::Member {
        if let Some(on) = joins.iter().find(|on| **on <= day) {
            standing = (Status::Member, Standing::Joined(*on));
        }
    }
    for m in entries {
        if let MembershipKind::Withdrawal { on, .. } = m.kind {
            if on <= day {
                standing = (Status::None, Standing::Withdrew(on, &m.cite));
            }
        }
    }
    standing
}

/// The records that decide a party's standing, indexed by party.
struct Records<'b> {
    /// Per version, per party: its membership entries.
    membership: Vec<Vec<Vec<&'b Membership>>>,
    /// Per party: silences (day, became observer) and joins.
    silences: Vec<Vec<(Day, bool)>>,
    joins: Vec<Vec<Day>>,
}

impl<'b> Records<'b> {
    fn index(bundle: &'b Bundle) -> Records<'b> {
        let n = bundle.parties.len();
        let membership = bundle
            .versions
            .iter()
            .map(|v| {
                let mut per = vec![Vec::new(); n];
                for m in &v.membership {
                    if let Some(list) = per.get_mut(m.party as usize) {
                        list.push(m);
                    }
                }
                per
            })
            .collect();
        let mut silences = vec![Vec::new(); n];
        for s in &bundle.history.silences {
            if let Some(list) = silences.get_mut(s.party as usize) {
                list.push((s.day, s.observer));
            }
        }
        let mut joins = vec![Vec::new(); n];
        for j in &bundle.history.joins {
            if let Some(list) = joins.get_mut(j.party as usize) {
                list.push(j.day);
            }
        }
        Records {
            membership,
            silences,
            joins,
        }
    }

    /// Membership standing of `party` on `day` under `version`, given its
    /// broken silences and joins.
    fn standing(
        &self,
        bundle: &Bundle,
        version: usize,
        party: PartyId,
        day: Day,
        silences: &[(Day, bool)],
        joins: &[Day],
    ) -> Status {
        let entries = self
            .membership
            .get(version)
            .and_then(|per| per.get(party as usize))
            .map_or(&[][..], Vec::as_slice);
        standing(bundle, entries, silences, joins, day).0
    }

    /// [`Records::standing_timeline`] with one record of `party` moved to
    /// `to`: a broken silence or a join, or one of `changes`.
    fn timeline_moved(
        &self,
        bundle: &Bundle,
        party: PartyId,
        admitted: Option<Day>,
        changes: &[(Day, Status, usize)],
        record: StatusRecord,
        to: Day,
    ) -> Vec<(Day, Status)> {
        let p = party as usize;
        let mut silences = self.silences.get(p).cloned().unwrap_or_default();
        let mut joins = self.joins.get(p).cloned().unwrap_or_default();
        let mut changes = changes.to_vec();
        let history = &bundle.history;
        // The party's own records keep the history's order.
        let nth = |before: usize, of: &dyn Fn(usize) -> Option<PartyId>| {
            (0..before).filter(|i| of(*i) == Some(party)).count()
        };
        match record {
            StatusRecord::Silence(i) => {
                let k = nth(i, &|j| history.silences.get(j).map(|s| s.party));
                if let Some(s) = silences.get_mut(k) {
                    s.0 = to;
                }
            }
            StatusRecord::Join(i) => {
                let k = nth(i, &|j| history.joins.get(j).map(|j| j.party));
                if let Some(j) = joins.get_mut(k) {
                    *j = to;
                }
            }
            StatusRecord::Change(i) => {
                for c in changes.iter_mut().filter(|c| c.2 == i) {
                    c.0 = to;
                }
                changes.sort_by_key(|(day, _, _)| *day);
            }
            StatusRecord::Statement { version, index, until } => {
                if let Some(original) = bundle.versions.get(version).and_then(|v| v.membership.get(index)) {
                    // The statement moved in every version that holds it.
                    let moved = statement_moved(original, until, to);
                    let membership = self
                        .membership
                        .iter()
                        .map(|per| {
                            per.iter()
                                .map(|list| list.iter().map(|m| if *m == original { &moved } else { *m }).collect())
                                .collect()
                        })
                        .collect();
                    let records = Records {
                        membership,
                        silences: Vec::new(),
                        joins: Vec::new(),
                    };
                    return records.timeline_of(bundle, party, admitted, &changes, &silences, &joins);
                }
            }
        }
        self.timeline_of(bundle, party, admitted, &changes, &silences, &joins)
    }

    /// The days on which `party`'s status may change, with its status from
    /// each: its standing, or observer from an admission when it has none.
    fn standing_timeline(
        &self,
        bundle: &Bundle,
        party: PartyId,
        admitted: Option<Day>,
        changes: &[(Day, Status, usize)],
    ) -> Vec<(Day, Status)> {
        let p = party as usize;
        let silences = self.silences.get(p).map_or(&[][..], Vec::as_slice);
        let joins = self.joins.get(p).map_or(&[][..], Vec::as_slice);
        self.timeline_of(bundle, party, admitted, changes, silences, joins)
    }

    /// [`Records::standing_timeline`] given the party's broken silences
    /// and joins.
    fn timeline_of(
        &self,
        bundle: &Bundle,
        party: PartyId,
        admitted: Option<Day>,
        changes: &[(Day, Status, usize)],
        silences: &[(Day, bool)],
        joins: &[Day],
    ) -> Vec<(Day, Status)> {
        let p = party as usize;
        let mut days = vec![bundle.adopted];
        for (v, version) in bundle.versions.iter().enumerate() {
            days.push(version.from);
            for m in self.membership.get(v).and_then(|per| per.get(p)).into_iter().flatten() {
                match &m.kind {
                    MembershipKind::Member { from, until, .. } | MembershipKind::Observer { from, until, .. } => {
                        days.push(*from);
                        days.extend(until);
                    }
                    MembershipKind::Pending { deadline } => days.push(deadline.saturating_add(1)),
                    MembershipKind::Withdrawal { on, .. } => days.push(*on),
                    MembershipKind::Open => {}
                }
            }
        }
        days.extend(silences.iter().map(|(on, _)| *on));
        days.extend(joins.iter().copied());
        days.extend(admitted);
        days.extend(changes.iter().map(|(on, _, _)| *on));
        days.sort_unstable();
        days.dedup();
        let version_of = |day: Day| {
            let versions = &bundle.versions;
            versions.iter().rposition(|v| v.from <= day).unwrap_or(0)
        };
        let status_on = |day: Day| {
            if bundle.versions.is_empty() {
                return Status::None;
            }
            // The last change a valid decision made on or before the day.
            if let Some((_, status, _)) = changes.iter().rev().find(|(on, _, _)| *on <= day) {
                return *status;
            }
            let status = self.standing(bundle, version_of(day), party, day, silences, joins);
            if status == Status::None && admitted.is_some_and(|a| a <= day) {
                Status::Observer
            } else {
                status
            }
        };
        let mut timeline = vec![(Day::MIN, status_on(Day::MIN))];
        for day in days {
            let status = status_on(day);
            if timeline.last().map(|(_, s)| *s) != Some(status) {
                timeline.push((day, status));
            }
        }
        timeline
    }
}

impl Epochs {
    /// The epochs from every party's timeline, in one sweep over the changes.
    fn sweep(words: usize, parties: usize, timeline: impl Fn(PartyId) -> Vec<(Day, Status)>) -> Epochs {
        let mut changes: Vec<(Day, PartyId, Status)> = Vec::new();
        for p in 0..parties as u32 {
            changes.extend(timeline(p).into_iter().map(|(day, status)| (day, p, status)));
        }
        changes.sort_by_key(|(day, p, _)| (*day, *p));
        let mut epochs = Epochs {
            words,
            starts: Vec::new(),
            members: Vec::new(),
            pending: Vec::new(),
            observers: Vec::new(),
            suspended: Vec::new(),
        };
        let mut current = [
            vec![0u64; words],
            vec![0u64; words],
            vec![0u64; words],
            vec![0u64; words],
        ];
        let mut i = 0;
        while i < changes.len() || epochs.starts.is_empty() {
            let day = changes.get(i).map_or(Day::MIN, |(d, _, _)| *d);
            while let Some((d, p, status)) = changes.get(i) {
                if *d != day {
                    break;
                }
                for set in &mut current {
                    remove(set, *p);
                }
                let slot = match status {
                    Status::Member => current.get_mut(0),
                    Status::Pending => current.get_mut(1),
                    Status::Observer => current.get_mut(2),
                    Status::Suspended => current.get_mut(3),
                    Status::Invited | Status::None => None,
                };
                if let Some(set) = slot {
                    insert(set, *p);
                }
                i += 1;
            }
            let [members, pending, observers, suspended] = &current;
            let last = epochs.starts.len().checked_sub(1);
            let same = last.is_some_and(|e| {
                epochs.slice(&epochs.members, e) == members.as_slice()
                    && epochs.slice(&epochs.pending, e) == pending.as_slice()
                    && epochs.slice(&epochs.observers, e) == observers.as_slice()
                    && epochs.slice(&epochs.suspended, e) == suspended.as_slice()
            });
            if !same {
                epochs.starts.push(if last.is_none() { Day::MIN } else { day });
                epochs.members.extend_from_slice(members);
                epochs.pending.extend_from_slice(pending);
                epochs.observers.extend_from_slice(observers);
                epochs.suspended.extend_from_slice(suspended);
            }
        }
        epochs
    }
}

/// Terms are at least 28 days long (the checker's limit), so the calendar
/// holds fewer terms than this, handovers included.
const MAX_TERMS: usize = 200_000;
/// Terms listed before a periodic block at most (unless the rotation
/// settles later), and the span they cover at least.
const LISTED: usize = 512;
const LISTED_DAYS: i64 = 200 * 365;
/// Months in 400 Gregorian years, which last exactly this many days.
const GREGORIAN_MONTHS: i64 = 4_800;
const GREGORIAN_DAYS: i64 = 146_097;

/// Works out the terms of office in order from the first.
///
/// Term boundaries are computed from an anchor, `anchor + k terms`, never
/// by adding one term to the last, so a day clamped to a month's end does
/// not drift; a hand-over or a change of term length starts a new anchor.
struct Walker<'b> {
    bundle: &'b Bundle,
    epochs: &'b Epochs,
    rotation: &'b Rotation,
    handovers: Vec<(PartyId, Day)>,
    /// (party, until): a chair's office a valid decision extended.
    extensions: Vec<(PartyId, Day)>,
    start: Day,
    chair: Option<PartyId>,
    last_chair: PartyId,
    /// The anchor's day, the terms counted from it, their length.
    anchor: (Day, i64, Option<Duration>),
    /// Whether the last term's end fell off the calendar (so it holds the
    /// calendar's last day) rather than on it.
    clamped: bool,
    /// After this day nothing the pool depends on changes: the pool is
    /// worked out once for all later days.
    settled: Day,
    settled_pool: std::cell::OnceCell<std::rc::Rc<Vec<PartyId>>>,
    /// For a chair that alternates between groups: each group's belonging
    /// over time, in the order the text gives the groups, and the last
    /// chair each group gave.
    alternation: Vec<GroupEpochs>,
    last_by_group: Vec<Option<PartyId>>,
    /// For a rotation among a group's members (`eligible G`): each such
    /// group's belonging over time.
    eligible_groups: Vec<(GroupId, GroupEpochs)>,
}

impl<'b> Walker<'b> {
    fn new(
        bundle: &'b Bundle,
        epochs: &'b Epochs,
        rotation: &'b Rotation,
        honoured: &[(PartyId, Day)],
        extended: &[(PartyId, Day)],
    ) -> Self {
        Walker {
            bundle,
            epochs,
            rotation,
            handovers: honoured.to_vec(),
            extensions: extended.to_vec(),
            start: rotation.start,
            chair: Some(rotation.first),
            last_chair: rotation.first,
            anchor: (rotation.start, 0, None),
            clamped: false,
            settled: Day::MAX,
            alternation: rotation
                .alternation
                .iter()
                .flatten()
                .map(|g| {
                    // A group the bundle does not have holds nobody.
                    GroupEpochs::of(bundle, *g, words_for(bundle.parties.len()))
                })
                .collect(),
            last_by_group: vec![None; rotation.alternation.as_ref().map_or(0, Vec::len)],
            settled_pool: std::cell::OnceCell::new(),
            eligible_groups: bundle
                .versions
                .iter()
                .filter_map(|v| match v.rotation.as_ref().map(|r| &r.eligible) {
                    Some(Eligible::Group(g)) => {
                        Some((*g, GroupEpochs::of(bundle, *g, words_for(bundle.parties.len()))))
                    }
                    Some(Eligible::Members | Eligible::Parties(_)) | None => None,
                })
                .collect(),
        }
    }

    fn terms(
        bundle: &'b Bundle,
        epochs: &'b Epochs,
        honoured: &[(PartyId, Day)],
        extended: &[(PartyId, Day)],
    ) -> Result<Terms, TableError> {
        Walker::terms_with(bundle, epochs, honoured, extended, true)
    }

    /// The terms; with `periodic` false, every one listed to the calendar's end.
    fn terms_with(
        bundle: &'b Bundle,
        epochs: &'b Epochs,
        honoured: &[(PartyId, Day)],
        extended: &[(PartyId, Day)],
        periodic: bool,
    ) -> Result<Terms, TableError> {
        let eras = bundle.chair_eras();
        if eras.len() > 1 {
            return Walker::era_terms(bundle, epochs, honoured, extended, &eras);
        }
        let Some(rotation) = bundle.versions.iter().find_map(|v| v.rotation.as_ref()) else {
            // Each part the text names is a term of the office, from its
            // day to the next part's (a co-chair joining or leaving starts
            // one, as the office's holders change); equal co-chairs have
            // no single chair (`chairs(d)` answers for them).
            if let Some(p) = bundle.named_chairs() {
                let mut listed: Vec<Term> = Vec::new();
                for part in &p.parts {
                    if let Some(last) = listed.last_mut() {
                        last.end = part.from;
                    }
                    listed.push(Term {
                        start: part.from,
                        end: date::LAST,
                        chair: part.chair(),
                    });
                }
                return Ok(Terms { listed, periodic: None });
            }
            // The terms as the last version states them (each amendment's
            // `term` is dated from its day), the rest as first stated.
            if let Some(d) = bundle.versions.iter().rev().find_map(|v| v.designation.as_ref()) {
                let since = bundle.versions.first().map_or(Day::MIN, |v| v.from);
                // A chair chosen by no procedure the text states follows
                // each recorded taking of office, and each recorded end of
                // one with no successor (a vacancy).
                let vacancies: Vec<Day> = if d.by.is_none() {
                    bundle.history.vacancies.iter().map(|v| v.day).collect()
                } else {
                    Vec::new()
                };
                return Ok(designated_terms(d, since, honoured, extended, &vacancies));
            }
            return Ok(Terms::default());
        };
        let mut walker = Walker::new(bundle, epochs, rotation, honoured, extended);
        if walker.declined(rotation.first, rotation.start) {
            walker.chair = walker.successor(rotation.first, rotation.start);
        }
        // After the last day anything the rotation depends on changes, the
        // chairs follow the successor function through a fixed pool: once
        // that has run longer than the pool is large, it is on its cycle.
        let settled = walker.last_change();
        walker.settled = settled;
        let pool_len = walker.pool(settled).len();
        let mut listed = Vec::new();
        let mut after = 0usize;
        let mut try_periodic = periodic;
        for _ in 0..MAX_TERMS {
            let term = walker.step()?;
            listed.push(term);
            if term.end >= date::LAST {
                // A boundary on the calendar's last day starts a term of
                // that one day.
                if !walker.clamped {
                    listed.push(Term {
                        start: date::LAST,
                        end: date::LAST,
                        chair: walker.chair,
                    });
                }
                return Ok(Terms { listed, periodic: None });
            }
            if term.start > settled && try_periodic {
                after += 1;
                // The first two centuries (at most `LISTED` terms) stay
                // listed: the days most queries ask about are answered by
                // one search, with no division.
                let listed_enough =
                    listed.len() >= LISTED || i64::from(term.end) - i64::from(rotation.start) >= LISTED_DAYS;
                if after > pool_len + 1 && listed_enough {
                    if let Some(periodic) = walker.periodic() {
                        return Ok(Terms {
                            listed,
                            periodic: Some(periodic),
                        });
                    }
                    // The block does not fit the calendar: list the rest.
                    try_periodic = false;
                }
            }
        }
        Err(TableError::TooManyTerms)
    }

    /// Where an amendment changes how the chair is chosen: each way's terms,
    /// worked out from the versions that state it alone, over its era
    /// (`Bundle::chair_eras`): the term in force when the next way takes
    /// over ends that day, and the office is vacant from an era's first
    /// day to its first term (a designation's first election).
    fn era_terms(
        bundle: &'b Bundle,
        epochs: &'b Epochs,
        honoured: &[(PartyId, Day)],
        extended: &[(PartyId, Day)],
        eras: &[ChairEra<'_>],
    ) -> Result<Terms, TableError> {
        let mut listed: Vec<Term> = Vec::new();
        let mut periodic = None;
        let of_era = bundle.versions_by_chair_era();
        // Where the last era's last term would have ended but for the
        // change of way.
        let mut natural_end: Option<Day> = None;
        for (i, era) in eras.iter().enumerate() {
            let last = i + 1 == eras.len();
            if era.from >= era.until {
                // A way replaced before it began never runs.
                continue;
            }
            let mut own = bundle.clone();
            own.versions = bundle
                .versions
                .iter()
                .zip(&of_era)
                .filter(|(_, e)| **e == Some(i))
                .map(|(v, _)| v.clone())
                .collect();
            let in_era = |day: &Day| era.from <= *day && *day < era.until;
            // A taking of office dated by a window reaching from another
            // way's era into a designation's is this one's.
            let reaching = |(p, d): &(PartyId, Day)| {
                matches!(era.model, ChairModel::Designated(_))
                    && *d < era.from
                    && bundle
                        .history
                        .handovers
                        .iter()
                        .find(|h| h.to == *p && h.day == *d)
                        .is_some_and(|h| {
                            matches!(way_of_handover(bundle, h), Some(ChairModel::Designated(_)))
                                && reaches(h.precision, h.day) >= era.from
                        })
            };
            // (and so not the other way's).
            let designation_s = |(p, d): &(PartyId, Day)| {
                bundle
                    .history
                    .handovers
                    .iter()
                    .find(|h| h.to == *p && h.day == *d)
                    .is_some_and(|h| matches!(way_of_handover(bundle, h), Some(ChairModel::Designated(_))))
            };
            let designated_era = matches!(era.model, ChairModel::Designated(_));
            let honoured: Vec<(PartyId, Day)> = honoured
                .iter()
                .copied()
                .filter(|h| (in_era(&h.1) && (designated_era || !designation_s(h))) || reaching(h))
                .collect();
            let extended: Vec<(PartyId, Day)> = extended.iter().copied().filter(|(_, d)| *d > era.from).collect();
            let terms = Walker::terms_with(&own, epochs, &honoured, &extended, last)?;
            let mut mine: Vec<Term> = if last {
                terms.listed.clone()
            } else {
                terms.before(era.until).collect()
            };
            mine.retain(|t| t.end > era.from);
            if let Some(first) = mine.first_mut() {
                first.start = first.start.max(era.from);
            }
            let cut = mine.last().map(|t| t.end);
            if let Some(end) = mine.last_mut().filter(|_| !last) {
                end.end = end.end.min(era.until);
            }
            // Until this way's first term, the office in force when it took
            // over runs on (its holder is not replaced yet), to the end its
            // own way gave it at most; then vacant.
            let first = mine
                .first()
                .map_or(if last { date::LAST } else { era.until }, |t| t.start);
            if let Some(previous) = listed.last_mut() {
                if previous.end < first {
                    previous.end = natural_end.unwrap_or(previous.end).clamp(previous.end, first);
                }
            }
            let reached = listed.last().map_or(first, |t| t.end);
            if reached < first {
                listed.push(Term {
                    start: reached,
                    end: first,
                    chair: None,
                });
            }
            natural_end = cut;
            listed.extend(mine);
            if last {
                periodic = terms.periodic;
            }
        }
        Ok(Terms { listed, periodic })
    }

    /// The last day on which anything the rotation depends on changes.
    fn last_change(&self) -> Day {
        let b = self.bundle;
        let mut last = self.rotation.start;
        let mut see = |d: Day| last = last.max(d);
        see(self.epochs.starts.last().copied().unwrap_or(Day::MIN));
        for v in &b.versions {
            see(v.from);
            for (from, _) in v.rotation.iter().flat_map(|r| &r.terms) {
                see(*from);
            }
        }
        b.order_epochs.iter().for_each(|e| see(e.from));
        self.handovers.iter().for_each(|(_, on)| see(*on));
        self.extensions.iter().for_each(|(_, until)| see(*until));
        b.history.declines.iter().for_each(|(_, on)| see(*on));
        // The groups the pool or the alternation follows.
        self.alternation
            .iter()
            .chain(self.eligible_groups.iter().map(|(_, e)| e))
            .for_each(|e| see(e.starts.last().copied().unwrap_or(Day::MIN)));
        last
    }

    fn rotation_at(&self, day: Day) -> &'b Rotation {
        version_at(self.bundle, day)
            .and_then(|v| v.rotation.as_ref())
            .unwrap_or(self.rotation)
    }

    fn term_length(&self, start: Day) -> Option<Duration> {
        term_length_at(&self.rotation_at(start).terms, start)
    }

    fn rank(&self, party: PartyId, day: Day) -> u32 {
        if let Some(order) = &self.rotation_at(day).order {
            return order.iter().position(|p| *p == party).map_or(u32::MAX, |i| i as u32);
        }
        let epochs = &self.bundle.order_epochs;
        let epoch = epochs.iter().rev().find(|e| e.from <= day).or_else(|| epochs.first());
        epoch
            .and_then(|e| e.rank.get(party as usize).copied())
            .unwrap_or(u32::MAX)
    }

    /// The states eligible to chair a term starting on `day`, in order.
    fn pool(&self, day: Day) -> std::rc::Rc<Vec<PartyId>> {
        if day > self.settled {
            return self.settled_pool.get_or_init(|| self.work_out_pool(day)).clone();
        }
        self.work_out_pool(day)
    }

    fn work_out_pool(&self, day: Day) -> std::rc::Rc<Vec<PartyId>> {
        let mut pool: Vec<PartyId> = match &self.rotation_at(day).eligible {
            Eligible::Members => parties(self.epochs.members_at(day))
                .filter(|p| self.bundle.parties.get(*p as usize).map(|p| p.kind) == Some(PartyKind::State))
                .collect(),
            Eligible::Parties(list) => list.clone(),
            // The group's parties that are members that day.
            Eligible::Group(g) => self
                .eligible_groups
                .iter()
                .find(|(id, _)| id == g)
                .map(|(_, epochs)| {
                    parties(epochs.at(day))
                        .filter(|p| contains(self.epochs.members_at(day), *p))
                        .collect()
                })
                .unwrap_or_default(),
        };
        if let Some(order) = &self.rotation_at(day).order {
            pool.retain(|p| order.contains(p));
        }
        pool.sort_by_key(|p| self.rank(*p, day));
        std::rc::Rc::new(pool)
    }

    fn declined(&self, party: PartyId, turn: Day) -> bool {
        // Only a voluntary rotation lets a state decline its turn.
        self.rotation.voluntary
            && self
                .bundle
                .history
                .declines
                .iter()
                .any(|(q, on)| *q == party && *on == turn)
    }

    /// The group of the alternation `party` belongs to on `day` (the first
    /// that lists it).
    fn group_of(&self, party: PartyId, day: Day) -> Option<usize> {
        self.alternation.iter().position(|g| contains(g.at(day), party))
    }

    /// The eligible states in the order they are offered the term after
    /// `outgoing` starting on `day`: the next in order, cyclically; for an
    /// alternation, the next group's states after the last chair it gave,
    /// then the group after that.
    fn candidates(&self, outgoing: PartyId, day: Day) -> Vec<PartyId> {
        let pool = self.pool(day);
        let after = |list: &[PartyId], last: Option<PartyId>| -> Vec<PartyId> {
            // The list is sorted by rank: the first ranked after `last`.
            let from = last.map_or(0, |l| {
                let rank = self.rank(l, day);
                let at = list.partition_point(|p| self.rank(*p, day) <= rank);
                if at == list.len() {
                    0
                } else {
                    at
                }
            });
            (0..list.len())
                .filter_map(|i| list.get((from + i) % list.len()).copied())
                .collect()
        };
        if self.alternation.is_empty() {
            return after(&pool, Some(outgoing));
        }
        let n = self.alternation.len();
        let current = self.group_of(outgoing, day).unwrap_or(n - 1);
        let mut order: Vec<PartyId> = Vec::with_capacity(pool.len());
        for k in 1..=n {
            let g = (current + k) % n;
            let Some(group) = self.alternation.get(g) else { continue };
            let members: Vec<PartyId> = pool.iter().copied().filter(|p| contains(group.at(day), *p)).collect();
            let last = self.last_by_group.get(g).copied().flatten();
            for p in after(&members, last) {
                if !order.contains(&p) {
                    order.push(p);
                }
            }
        }
        order
    }

    /// The next chair after `outgoing` for a term starting on `day`: the
    /// first candidate, skipping states that declined that turn.
    fn successor(&self, outgoing: PartyId, day: Day) -> Option<PartyId> {
        let pool = self.pool(day);
        let next = self
            .candidates(outgoing, day)
            .into_iter()
            .find(|p| !self.declined(*p, day));
        let outgoing_stays = self.rotation.all_decline == Some(true);
        match next {
            None if !pool.is_empty() && outgoing_stays => Some(outgoing),
            next => next,
        }
    }

    /// The next term.
    fn step(&mut self) -> Result<Term, TableError> {
        let start = self.start;
        let length = self.term_length(start).ok_or(TableError::NoTerm)?;
        if self.anchor.2 != Some(length) {
            self.anchor = (start, 0, Some(length));
        }
        // A term whose end falls off the calendar lasts to its last day.
        let boundary = date::add(self.anchor.0, length, self.anchor.1 + 1).filter(|d| *d <= date::LAST);
        self.clamped = boundary.is_none();
        let mut end = boundary.unwrap_or(date::LAST);
        // A term may start on the calendar's last day (`first X from
        // 9999-12-31`): the one-day term that holds that day.
        if end < start || (end == start && start < date::LAST) {
            return Err(TableError::NoAdvance);
        }
        // A valid decision extended this chair's office past the term's
        // end: the term runs to that day, and the next counts from it.
        let extended = self
            .chair
            .and_then(|c| {
                self.extensions
                    .iter()
                    .find(|(p, until)| *p == c && *until > end && start < *until)
            })
            .map(|(_, until)| *until);
        if let Some(until) = extended {
            end = until;
            self.clamped = false;
        }
        let mut forced = None;
        if let Some((to, on)) = self.handovers.iter().find(|(_, on)| *on > start && *on <= end) {
            if *on < end || extended.is_some() {
                self.anchor = (*on, 0, Some(length));
            } else {
                self.anchor.1 += 1;
            }
            end = *on;
            forced = Some(*to);
            self.clamped = false;
        } else if let Some(until) = extended {
            self.anchor = (until, 0, Some(length));
        } else {
            self.anchor.1 += 1;
        }
        let term = Term {
            start,
            end,
            chair: self.chair,
        };
        if let Some(c) = self.chair {
            self.last_chair = c;
            if let Some(g) = self.group_of(c, start) {
                if let Some(last) = self.last_by_group.get_mut(g) {
                    *last = Some(c);
                }
            }
        }
        self.chair = forced.or_else(|| self.successor(self.last_chair, end));
        self.start = end;
        Ok(term)
    }

    /// The rest of the terms as a repeating block, when it fits the calendar.
    fn periodic(&self) -> Option<Periodic> {
        // An alternation's successor depends on more than the outgoing
        // chair: its terms are listed.
        if !self.alternation.is_empty() {
            return None;
        }
        let (anchor, counted, length) = self.anchor;
        let length = length?;
        let (per_block, period) = match length.unit {
            Unit::Days => (1, length.amount),
            Unit::Months | Unit::Years => {
                let months = if length.unit == Unit::Years {
                    length.amount.checked_mul(12)?
                } else {
                    length.amount
                };
                let g = gcd(months, GREGORIAN_MONTHS);
                (GREGORIAN_MONTHS / g, GREGORIAN_DAYS.checked_mul(months / g)?)
            }
        };
        let base = i64::from(self.start);
        let offsets = (0..=per_block)
            .map(|j| date::add(anchor, length, counted + j).map(|d| i64::from(d) - base))
            .collect::<Option<Vec<i64>>>()?;
        // Gregorian periodicity guarantees this; the check keeps a mistake
        // from answering wrongly.
        if offsets.first() != Some(&0) || offsets.last() != Some(&period) {
            return None;
        }
        let cycle = match self.chair {
            None => vec![None],
            Some(first) => {
                let day = self.start;
                let mut cycle = vec![Some(first)];
                let mut current = first;
                loop {
                    let next = self.successor(current, day);
                    match next {
                        Some(p) if p == first => break,
                        Some(p) if cycle.len() <= self.pool(day).len() => {
                            cycle.push(Some(p));
                            current = p;
                        }
                        // Not a cycle: the walk has not settled.
                        Some(_) | None => return None,
                    }
                }
                cycle
            }
        };
        Some(Periodic {
            base: self.start,
            period,
            offsets,
            cycle,
        })
    }
}

fn gcd(a: i64, b: i64) -> i64 {
    let (mut a, mut b) = (a.abs(), b.abs());
    while b != 0 {
        (a, b) = (b, a % b);
    }
    a.max(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(text: &str) -> Day {
        date::parse(text).unwrap_or_default()
    }

    fn bundle(start: &str, term: Duration, parties: usize) -> Bundle {
        let cite = Cite {
            clause: "3.ii".into(),
            quote: None,
        };
        Bundle {
            title: "t".into(),
            reference: None,
            adopted: day("2013-06-05"),
            parties: (0..parties)
                .map(|i| Party {
                    id: format!("P{i}"),
                    kind: PartyKind::State,
                    names: Vec::new(),
                })
                .collect(),
            order_epochs: vec![OrderEpoch {
                from: Day::MIN,
                rank: (0..parties as u32).collect(),
            }],
            meeting_kinds: Vec::new(),
            outside_kinds: Vec::new(),
            decision_kinds: Vec::new(),
            groups: Vec::new(),
            versions: vec![Version {
                from: Day::MIN,
                source: "base".into(),
                adopted_by: None,
                membership: (0..parties as u32)
                    .map(|party| Membership {
                        party,
                        kind: MembershipKind::Member {
                            from: day("2013-06-05"),
                            until: None,
                            dating: Dating::default(),
                        },
                        cite: cite.clone(),
                        rights: None,
                        standing: None,
                        by_class: None,
                    })
                    .collect(),
                rotation: Some(Rotation {
                    eligible: Eligible::Members,
                    first: 0,
                    start: day(start),
                    terms: vec![(Day::MIN, term)],
                    voluntary: false,
                    all_decline: None,
                    order: None,
                    alternation: None,
                    cite: cite.clone(),
                }),
                permanent: None,
                designation: None,
                obligations: Vec::new(),
                consensus: Consensus {
                    quorum: None,
                    cite: None,
                    rule: DecisionRule::Consensus,
                    of_all_members: false,
                    observers_decide: false,
                },
                reservations: Vec::new(),
                observers: None,
                invitations: None,
                interim: Vec::new(),
                roles: Vec::new(),
                member_duties: Vec::new(),
                host_duties: Vec::new(),
                bodies: Vec::new(),
                kind_rules: Vec::new(),
            }],
            history: History::default(),
            rules: Vec::new(),
            tests: Vec::new(),
        }
    }

    /// The periodic block answers every day as listing every term to the
    /// calendar's end does, for terms of days, months and years that
    /// start on days a month may not have.
    #[test]
    fn the_periodic_block_is_the_listed_terms() {
        let lengths = [
            Duration {
                amount: 1,
                unit: Unit::Months,
            },
            Duration {
                amount: 7,
                unit: Unit::Months,
            },
            Duration {
                amount: 2,
                unit: Unit::Years,
            },
            Duration {
                amount: 45,
                unit: Unit::Days,
            },
        ];
        for start in ["2013-08-31", "2016-02-29", "2013-01-30"] {
            for term in lengths {
                let b = bundle(start, term, 3);
                let tables = Tables::build(&b);
                let periodic = tables.terms.clone().unwrap_or_default();
                assert!(periodic.periodic.is_some(), "{start} {term:?}");
                let listed = Walker::terms_with(&b, &tables.epochs, &tables.honoured, &tables.extended, false);
                assert!(listed.is_ok(), "listed terms for {start} {term:?}");
                let listed = listed.unwrap_or_default();
                let mut d = day(start) - 40;
                while d <= date::LAST {
                    assert_eq!(periodic.at(d), listed.at(d), "{start} {term:?} on {}", date::format(d));
                    d += 13;
                }
                for d in [date::LAST - 1, date::LAST, date::LAST + 5, day("2400-02-29")] {
                    assert_eq!(periodic.at(d), listed.at(d), "{start} {term:?} on day {d}");
                }
                let all: Vec<Term> = periodic.before(date::LAST + 1).collect();
                assert_eq!(all, listed.listed, "{start} {term:?}");
            }
        }
    }
}
