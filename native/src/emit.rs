//! `Folded` -> CLIF functions in any cranelift `Module` (the JIT's or an
//! object file's). Every hot operation is emitted inline: membership is a
//! chain of comparisons selecting constant bitsets, the chair a branchless
//! lookup in a constant term table (a bucket index over the term starts,
//! or a branchless binary search), consensus mask operations on
//! present and objecting bitsets. Nothing here calls back into Rust.
#![expect(
    clippy::result_large_err,
    reason = "ModuleError is cranelift's own error, returned at most once per compilation; boxing it buys nothing"
)]

use cranelift_codegen::ir::condcodes::IntCC;
use cranelift_codegen::ir::{types, AbiParam, InstBuilder, MemFlagsData, Signature, UserFuncName, Value};
use cranelift_frontend::{FunctionBuilder, FunctionBuilderContext};
use cranelift_module::{DataDescription, DataId, FuncId, Linkage, Module, ModuleResult};

use charter_runtime::date::Day;
use charter_runtime::ir::{self, PartyId, Status};
use charter_runtime::tables::{GroupEpochs, StatusQuestion, StatusWindow, MAX_OPEN_PARTIES};

use super::fold::{
    Folded, PeriodicFold, QuorumFold, RightFold, RuleFold, VersionFold, NONE, UNKNOWN_ANSWER, UNKNOWN_VALUE,
};

/// The layout of a decision record for a policy of at most 64 parties
/// (`#[repr(C)]`, one word per party set); [`DecisionRecord::words`] gives
/// the words native code reads. A policy of more parties has `words` words
/// per set (see [`record_words`]).
#[repr(C)]
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DecisionRecord {
    pub kind: u32,
    pub meeting_kind: u32,
    pub date: i32,
    pub reserved: u32,
    /// Bit i: party i is present.
    pub present: u64,
    /// Bit i: party i formally objects.
    pub objections: u64,
}

impl DecisionRecord {
    /// The record as the `u64` words of `struct charter_decision`.
    pub fn words(&self) -> [u64; 4] {
        [
            header_word(self.kind, self.meeting_kind),
            header_word(self.date as u32, self.reserved),
            self.present,
            self.objections,
        ]
    }

    /// The record of a one-word policy from its words.
    pub fn from_words(words: &[u64]) -> Option<DecisionRecord> {
        let [kinds, date, present, objections] = *words else {
            return None;
        };
        Some(DecisionRecord {
            kind: kinds as u32,
            meeting_kind: (kinds >> 32) as u32,
            date: date as u32 as i32,
            reserved: (date >> 32) as u32,
            present,
            objections,
        })
    }
}

/// Two `u32` fields as the little-endian `u64` word that holds them.
pub fn header_word(low: u32, high: u32) -> u64 {
    u64::from(low) | (u64::from(high) << 32)
}

/// `u64` words per decision record: two of header (kind, meeting kind,
/// date, reserved), then the present and objecting sets.
pub fn record_words(words: usize) -> usize {
    2 + 2 * words
}

const OFFSET_KIND: i32 = 0;
const OFFSET_MEETING_KIND: i32 = 4;
const OFFSET_DATE: i32 = 8;
const OFFSET_PRESENT: i32 = 16;

/// The exported functions, by symbol name.
#[derive(Debug, Clone, Copy)]
pub struct Functions {
    pub members: FuncId,
    pub member: FuncId,
    pub chair: FuncId,
    pub term_start: FuncId,
    pub term_end: FuncId,
    pub valid: FuncId,
    pub valid_batch: FuncId,
    pub valid_sets: FuncId,
    pub chair_batch: FuncId,
    pub may_attend: FuncId,
    pub may_attend_batch: FuncId,
}

/// A (party, day) pair for `charter_may_attend_batch` (`#[repr(C)]`).
#[repr(C)]
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Attendance {
    pub party: u32,
    pub day: i32,
}

/// Symbol names and C signatures of the exported functions, for the header.
pub const EXPORTS: &[(&str, &str)] = &[
    (
        "charter_members",
        "int32_t charter_members(int32_t day, uint64_t out[CHARTER_PARTY_WORDS])",
    ),
    ("charter_member", "int32_t charter_member(uint32_t party, int32_t day)"),
    ("charter_chair", "int32_t charter_chair(int32_t day)"),
    ("charter_term_start", "int32_t charter_term_start(int32_t day)"),
    ("charter_term_end", "int32_t charter_term_end(int32_t day)"),
    (
        "charter_valid",
        "int32_t charter_valid(const struct charter_decision *decision)",
    ),
    (
        "charter_valid_batch",
        "void charter_valid_batch(const struct charter_decision *decisions, int64_t count, uint8_t *out)",
    ),
    (
        "charter_valid_sets",
        "void charter_valid_sets(const struct charter_decision *meeting, const uint64_t *present, const uint64_t *objections, int64_t count, uint8_t *out)",
    ),
    (
        "charter_chair_batch",
        "void charter_chair_batch(const int32_t *days, int64_t count, int32_t *out)",
    ),
    (
        "charter_may_attend",
        "int32_t charter_may_attend(uint32_t party, int32_t day)",
    ),
    (
        "charter_may_attend_batch",
        "void charter_may_attend_batch(const struct charter_attendance *pairs, int64_t count, uint8_t *out)",
    ),
];

/// A sorted table of `i32` keys in data, padded to a power of two (with
/// `i32::MAX`) and then by [`MAX_STEPS`] entries, with its bucket index
/// when a small one exists.
struct Search {
    keys: DataId,
    len: usize,
    index: Option<BucketIndex>,
    /// The first key (bucket 0 starts there).
    first: i32,
}

pub(super) struct Tables {
    /// The listed term starts, ends and chairs.
    starts: Search,
    ends: DataId,
    chairs: DataId,
    periodic: Option<PeriodicTables>,
    /// Status epochs: their starts (when searched rather than chained),
    /// and the member and attending sets, `words` words per epoch.
    epochs: Option<Search>,
    pub(super) members: DataId,
    pub(super) attending: DataId,
    pub(super) pending: DataId,
    pub(super) observers: DataId,
    pub(super) suspended: DataId,
    /// (day << 32 | party) keys of invitations, sorted, and their count.
    pub(super) invited: DataId,
    pub(super) invited_len: usize,
    /// Per recorded meeting, the invited set.
    pub(super) invited_to: DataId,
}

struct PeriodicTables {
    offsets: Offsets,
    cycle: DataId,
}

/// Emits the offset (`i64`) of a term of the repeating block.
type OffsetOf<'a, M> = Box<dyn Fn(&mut FunctionBuilder<'_>, &mut M, Value) -> Value + 'a>;

/// How the term of a day within the repeating block is found.
enum Offsets {
    /// Term `j` starts `j * period / terms + deviation[j]` days into the
    /// block (one byte each: terms of whole months or years lie within a
    /// few days of even spacing): the term of day `r` is estimated as
    /// `r * terms / period + first`, then `steps` comparisons settle it.
    Estimated {
        deviations: DataId,
        first: i64,
        steps: usize,
    },
    /// The block's offsets, searched.
    Searched(Search),
}

/// The one-byte deviations of a block's offsets from even spacing, and the
/// range of the estimate's error, if they are small.
fn deviations(offsets: &[i32], period: i32) -> Option<(Vec<i8>, i64, usize)> {
    let terms = i64::try_from(offsets.len().checked_sub(1)?).ok()?;
    let period = i64::from(period);
    if terms == 0 || period <= 0 {
        return None;
    }
    let even = |j: i64| j * period / terms;
    let deviations = offsets
        .iter()
        .enumerate()
        .map(|(j, o)| i8::try_from(i64::from(*o) - even(j as i64)).ok())
        .collect::<Option<Vec<i8>>>()?;
    // The estimate `r * terms / period` is off the term by e = j - estimate,
    // which is extreme at the term's first and last day.
    let (mut low, mut high) = (i64::MAX, i64::MIN);
    for (j, pair) in offsets.windows(2).enumerate() {
        let [from, to] = pair else { continue };
        for r in [i64::from(*from), i64::from(*to) - 1] {
            let e = j as i64 - r * terms / period;
            low = low.min(e);
            high = high.max(e);
        }
    }
    let steps = usize::try_from(high - low).ok()?;
    (steps <= MAX_STEPS).then_some((deviations, low, steps))
}

/// Epochs up to this many are chosen by a chain of comparisons (which run
/// in parallel); more by a search.
const MAX_CHAINED_EPOCHS: usize = 16;

/// The most terms that may start within one bucket of the index (each
/// costs one comparison per lookup); beyond it, a binary search.
const MAX_STEPS: usize = 3;
/// The most buckets the index may have.
const MAX_BUCKETS: usize = 1 << 14;

/// An index over the term starts: bucket `k` covers the days from
/// `first + k << shift` and holds the index of the last term started by its
/// first day. A term found in the index is the answer or at most `steps`
/// terms short of it, one comparison each: term boundaries are nearly
/// periodic, so this replaces a binary search with a shift, two loads and
/// a comparison or two.
struct BucketIndex {
    data: DataId,
    shift: u32,
    buckets: usize,
    steps: usize,
}

/// The buckets of a [`BucketIndex`] before they are written out.
#[derive(Debug, PartialEq)]
struct Buckets {
    shift: u32,
    steps: usize,
    /// Per bucket, the index of the last term started by its first day.
    last: Vec<i32>,
}

/// The bucket index for these sorted keys (ending at `end`): the widest
/// buckets that need at most one step, else the width that needs the
/// fewest steps. `None` when no width keeps both steps and buckets within
/// their limits. Each width is judged in one pass over the keys, so
/// choosing is linear in the keys times the widths tried (at most 21).
fn bucket_index(starts: &[i32], end: i32) -> Option<Buckets> {
    let first = i64::from(*starts.first()?);
    let span = i64::from(end) - first;
    if span < 0 {
        return None;
    }
    // Per width, the most keys that fall in one bucket after its first day.
    let steps_for = |shift: u32| {
        let mut most = 0usize;
        let mut run = (i64::MIN, 0usize);
        for key in starts {
            let rel = i64::from(*key) - first;
            let bucket = rel >> shift;
            let on_first_day = rel == bucket << shift;
            if bucket != run.0 {
                run = (bucket, 0);
            }
            if !on_first_day {
                run.1 += 1;
                most = most.max(run.1);
            }
        }
        most
    };
    let mut best: Option<(u32, usize, usize)> = None;
    for shift in (0..=20u32).rev() {
        let buckets = usize::try_from((span >> shift) + 1).ok()?;
        if buckets > MAX_BUCKETS {
            break;
        }
        let steps = steps_for(shift);
        if best.is_none_or(|(_, _, s)| steps < s) {
            best = Some((shift, buckets, steps));
        }
        if steps <= 1 {
            break;
        }
    }
    let (shift, buckets, steps) = best.filter(|(_, _, steps)| *steps <= MAX_STEPS)?;
    // Per bucket, the index of the last key on or before its first day.
    let mut last = Vec::with_capacity(buckets);
    let mut found = 0usize;
    for k in 0..buckets as i64 {
        let day = first + (k << shift);
        while starts.get(found + 1).is_some_and(|s| i64::from(*s) <= day) {
            found += 1;
        }
        last.push(i32::try_from(found).ok()?);
    }
    Some(Buckets { shift, steps, last })
}

/// Emits every function into `module`: the built-in queries, then hands
/// the module and this emitter to `then`, which emits the rules and queries
/// over the same tables (the caller passes the user-language stage, so the
/// two import each other neither way round).
pub(crate) fn emit<M: Module, T>(
    module: &mut M,
    folded: &Folded,
    linkage: Linkage,
    then: impl FnOnce(&mut M, &Emitter<'_>) -> ModuleResult<T>,
) -> ModuleResult<(Functions, T)> {
    let tables = write_tables(module, folded)?;
    let ptr = module.target_config().pointer_type();
    let sig = |params: &[types::Type], ret: Option<types::Type>, module: &M| {
        let mut s: Signature = module.make_signature();
        s.params.extend(params.iter().map(|t| AbiParam::new(*t)));
        s.returns.extend(ret.map(AbiParam::new));
        s
    };
    let members_sig = sig(&[types::I32, ptr], Some(types::I32), module);
    let day_sig = sig(&[types::I32], Some(types::I32), module);
    let valid_sig = sig(&[ptr], Some(types::I32), module);
    let batch_sig = sig(&[ptr, types::I64, ptr], None, module);
    let party_day_sig = sig(&[types::I32, types::I32], Some(types::I32), module);
    let sets_sig = sig(&[ptr, ptr, ptr, types::I64, ptr], None, module);

    let functions = Functions {
        members: module.declare_function("charter_members", linkage, &members_sig)?,
        member: module.declare_function("charter_member", linkage, &party_day_sig)?,
        chair: module.declare_function("charter_chair", linkage, &day_sig)?,
        term_start: module.declare_function("charter_term_start", linkage, &day_sig)?,
        term_end: module.declare_function("charter_term_end", linkage, &day_sig)?,
        valid: module.declare_function("charter_valid", linkage, &valid_sig)?,
        valid_batch: module.declare_function("charter_valid_batch", linkage, &batch_sig)?,
        valid_sets: module.declare_function("charter_valid_sets", linkage, &sets_sig)?,
        chair_batch: module.declare_function("charter_chair_batch", linkage, &batch_sig)?,
        may_attend: module.declare_function("charter_may_attend", linkage, &party_day_sig)?,
        may_attend_batch: module.declare_function("charter_may_attend_batch", linkage, &batch_sig)?,
    };

    let mut ctx = module.make_context();
    let mut fctx = FunctionBuilderContext::new();
    let e = Emitter {
        folded,
        tables: &tables,
        ptr,
    };

    define(
        module,
        &mut ctx,
        &mut fctx,
        functions.members,
        &members_sig,
        |b, m, params, flags| {
            let [day, out] = values(params);
            for (w, word) in e.set_at(b, m, flags, e.tables.members, day).into_iter().enumerate() {
                b.ins().store(flags.write, word, out, (w * 8) as i32);
            }
            // 0 (CHARTER_OK), or CHARTER_UNKNOWN where a change of
            // membership dated only by a window leaves the set open.
            let ok = b.ins().iconst(types::I32, 0);
            vec![e.day_open(b, StatusQuestion::Members(0), day, ok, UNKNOWN_ANSWER)]
        },
    )?;
    for (id, table, question) in [
        (functions.member, tables.members, StatusQuestion::Member(0, 0)),
        (functions.may_attend, tables.attending, StatusQuestion::Attend(0, 0)),
    ] {
        define(
            module,
            &mut ctx,
            &mut fctx,
            id,
            &party_day_sig,
            |b, m, params, flags| {
                let [party, day] = values(params);
                let v = e.contains(b, m, flags, table, party, day);
                vec![e.status_open(b, question, party, day, v, UNKNOWN_ANSWER)]
            },
        )?;
    }
    for (id, which) in [
        (functions.chair, Which::Chair),
        (functions.term_start, Which::Start),
        (functions.term_end, Which::End),
    ] {
        define(module, &mut ctx, &mut fctx, id, &day_sig, |b, m, params, flags| {
            let [day] = values(params);
            let v = e.term_lookup(b, m, flags, day, which);
            vec![e.chair_open(b, which, day, v)]
        })?;
    }
    define(
        module,
        &mut ctx,
        &mut fctx,
        functions.valid,
        &valid_sig,
        |b, m, params, flags| {
            let [record] = values(params);
            vec![e.valid(b, m, flags, record)]
        },
    )?;
    let record_size = (record_words(folded.words) * 8) as i64;
    define(
        module,
        &mut ctx,
        &mut fctx,
        functions.valid_batch,
        &batch_sig,
        |b, m, params, flags| {
            batch_loop(b, flags, params, ptr, record_size, 1, 1, |b, item, _| {
                // One record a turn (`at` is 0).
                let ok = e.valid(b, m, flags, item);
                b.ins().ireduce(types::I8, ok)
            });
            vec![]
        },
    )?;
    define(
        module,
        &mut ctx,
        &mut fctx,
        functions.valid_sets,
        &sets_sig,
        |b, m, params, flags| {
            e.valid_sets(b, m, flags, params);
            vec![]
        },
    )?;
    define(
        module,
        &mut ctx,
        &mut fctx,
        functions.chair_batch,
        &batch_sig,
        |b, m, params, flags| {
            batch_loop(b, flags, params, ptr, 4, 4, 1, |b, item, at| {
                let day = b.ins().load(types::I32, flags.read, item, at);
                let chair = e.term_lookup(b, m, flags, day, Which::Chair);
                e.chair_open(b, Which::Chair, day, chair)
            });
            vec![]
        },
    )?;
    define(
        module,
        &mut ctx,
        &mut fctx,
        functions.may_attend_batch,
        &batch_sig,
        |b, m, params, flags| {
            // Four pairs a turn: the body is a few instructions, so the
            // loop's own count and branch were a large part of it (W3).
            batch_loop(b, flags, params, ptr, 8, 1, 4, |b, item, at| {
                let party = b.ins().load(types::I32, flags.read, item, at);
                let day = b.ins().load(types::I32, flags.read, item, at + 4);
                let ok = e.contains(b, m, flags, tables.attending, party, day);
                let ok = e.status_open(b, StatusQuestion::Attend(0, 0), party, day, ok, UNKNOWN_ANSWER);
                b.ins().ireduce(types::I8, ok)
            });
            vec![]
        },
    )?;
    let rest = then(module, &e)?;
    Ok((functions, rest))
}

/// The `N` parameters of a function or block this module declared, or the
/// `N` results of a call to one.
#[expect(
    clippy::panic,
    reason = "the emitter gave the signature or block exactly these values just before; another count is a bug in the emitter, which every test compiling a policy would hit"
)]
pub(super) fn values<const N: usize>(declared: &[Value]) -> [Value; N] {
    match <[Value; N]>::try_from(declared) {
        Ok(values) => values,
        Err(_) => panic!("the emitter declared {} values where it uses {N}", declared.len()),
    }
}

/// Memory flags for table reads and output writes: aligned, never trapping.
#[derive(Clone, Copy)]
pub(super) struct Flags {
    pub(super) read: MemFlagsData,
    pub(super) write: MemFlagsData,
}

fn define<M: Module>(
    module: &mut M,
    ctx: &mut cranelift_codegen::Context,
    fctx: &mut FunctionBuilderContext,
    id: FuncId,
    sig: &Signature,
    body: impl FnOnce(&mut FunctionBuilder<'_>, &mut M, &[Value], Flags) -> Vec<Value>,
) -> ModuleResult<()> {
    ctx.func.signature = sig.clone();
    ctx.func.name = UserFuncName::user(0, id.as_u32());
    let frontend = module.target_config();
    {
        let mut b = FunctionBuilder::new(&mut ctx.func, fctx);
        let flags = Flags {
            read: MemFlagsData::trusted().with_readonly(),
            write: MemFlagsData::trusted(),
        };
        let entry = b.create_block();
        b.append_block_params_for_function_params(entry);
        b.switch_to_block(entry);
        let params = b.block_params(entry).to_vec();
        let results = body(&mut b, module, &params, flags);
        b.ins().return_(&results);
        b.seal_all_blocks();
        b.finalize(frontend);
    }
    module.define_function(id, ctx)?;
    module.clear_context(ctx);
    Ok(())
}

fn data<M: Module>(module: &mut M, name: &str, bytes: Vec<u8>, align: u64) -> ModuleResult<DataId> {
    let id = module.declare_data(name, Linkage::Local, false, false)?;
    let mut description = DataDescription::new();
    // An empty table still has an address.
    let bytes = if bytes.is_empty() { vec![0; 8] } else { bytes };
    description.define(bytes.into_boxed_slice());
    description.set_align(align);
    module.define_data(id, &description)?;
    Ok(id)
}

fn i32_bytes(values: impl IntoIterator<Item = i32>) -> Vec<u8> {
    values.into_iter().flat_map(i32::to_le_bytes).collect()
}

/// Writes sorted `keys` (ending at `end`) as a [`Search`] table named `name`.
fn search_table<M: Module>(module: &mut M, name: &str, keys: &[i32], end: i32) -> ModuleResult<Search> {
    let buckets = bucket_index(keys, end);
    // A binary search needs a power of two; the bucket index only its steps'
    // padding.
    let len = match buckets {
        Some(_) => keys.len().max(1),
        None => keys.len().max(1).next_power_of_two(),
    };
    let padded = (0..len + MAX_STEPS).map(|i| keys.get(i).copied().unwrap_or(i32::MAX));
    let index = match buckets {
        None => None,
        Some(buckets) => Some(BucketIndex {
            data: data(
                module,
                &format!("{name}_index"),
                i32_bytes(buckets.last.iter().copied()),
                4,
            )?,
            shift: buckets.shift,
            buckets: buckets.last.len(),
            steps: buckets.steps,
        }),
    };
    Ok(Search {
        keys: data(module, name, i32_bytes(padded), 4)?,
        len,
        index,
        first: keys.first().copied().unwrap_or(0),
    })
}

/// Writes every table native code reads.
fn write_tables<M: Module>(module: &mut M, folded: &Folded) -> ModuleResult<Tables> {
    let term_starts: Vec<i32> = folded.terms.iter().map(|(start, _)| *start).collect();
    let starts = search_table(module, "charter_term_starts", &term_starts, folded.terms_end)?;
    let padded = starts.len + MAX_STEPS;
    let ends = (0..padded).map(|i| folded.terms.get(i + 1).map_or(folded.terms_end, |(s, _)| *s));
    let chairs = (0..padded).map(|i| folded.terms.get(i).map_or(NONE, |(_, c)| *c));
    let ends = data(module, "charter_term_ends", i32_bytes(ends), 4)?;
    let chairs = data(module, "charter_term_chairs", i32_bytes(chairs), 4)?;
    let periodic = match &folded.periodic {
        None => None,
        Some(p) => Some(PeriodicTables {
            offsets: match deviations(&p.offsets, p.period) {
                Some((deviations, first, steps)) => Offsets::Estimated {
                    deviations: data(
                        module,
                        "charter_block_deviations",
                        deviations.iter().map(|d| *d as u8).collect(),
                        1,
                    )?,
                    first,
                    steps,
                },
                None => Offsets::Searched(search_table(module, "charter_block_offsets", &p.offsets, p.period)?),
            },
            cycle: data(module, "charter_block_chairs", i32_bytes(p.cycle.iter().copied()), 4)?,
        }),
    };
    // The first epoch starts at the beginning of time; the others are searched.
    let changes = folded.epoch_starts.get(1..).unwrap_or_default();
    let epochs = if folded.epoch_starts.len() > MAX_CHAINED_EPOCHS {
        let end = changes.last().copied().unwrap_or(0).saturating_add(1);
        Some(search_table(module, "charter_epoch_starts", changes, end)?)
    } else {
        None
    };
    let words = |set: &[u64]| set.iter().flat_map(|w| w.to_le_bytes()).collect::<Vec<u8>>();
    Ok(Tables {
        starts,
        ends,
        chairs,
        periodic,
        epochs,
        members: data(module, "charter_members_table", words(&folded.members), 8)?,
        attending: data(module, "charter_attending_table", words(&folded.attending), 8)?,
        pending: data(module, "charter_pending_table", words(&folded.pending), 8)?,
        observers: data(module, "charter_observers_table", words(&folded.observers), 8)?,
        suspended: data(module, "charter_suspended_table", words(&folded.suspended), 8)?,
        invited: data(
            module,
            "charter_invited_table",
            folded.invited.iter().flat_map(|k| k.to_le_bytes()).collect(),
            8,
        )?,
        invited_len: folded.invited.len(),
        invited_to: data(module, "charter_invited_to_table", words(&folded.invited_to), 8)?,
    })
}

#[derive(Clone, Copy)]
pub(super) enum Which {
    Chair,
    Start,
    End,
}

/// What decides validity at one meeting (see `Emitter::in_force`).
struct InForce {
    members: Vec<Value>,
    /// Who takes part in decisions: the members, and the observers in a
    /// version where they take part (`of members and observers present`).
    voters: Vec<Value>,
    /// Whether any version lets observers take part (else `voters` is
    /// `members`).
    observers_decide: bool,
    kind_ok: Value,
    quorum: Option<Quorum>,
    /// The rule in force, unless every version decides by consensus.
    rule: Option<Counted>,
}

/// A meeting's rules in force in every world the changes of status dated
/// only by a window make on its day (see `Emitter::worlds`).
struct Worlds {
    /// As the tables have it.
    now: InForce,
    /// Per set of windows that can be open together: whether the day is in
    /// one of the stretches they are all open (an `i8` truth), and the rules
    /// in force with each window's change put before or after the meeting
    /// (`None` past `MAX_OPEN_PARTIES` windows: not judged).
    open: Vec<(Value, Option<Vec<InForce>>)>,
}

/// Judges one present and one objecting set (`i32` 0, 1 or 2), for
/// `Emitter::sets_loop`.
type PairJudge<'j> = dyn Fn(&mut FunctionBuilder<'_>, &[Value], &[Value]) -> Value + 'j;

/// Status windows open together, with the stretches of days they are.
type OpenTogether<'w> = (Vec<&'w StatusWindow>, Vec<(Day, Day)>);

/// A decision rule in force that counts votes (see [`RuleFold`]).
struct Counted {
    no_objection: Value,
    unstated: Value,
    num: Value,
    den: Value,
    extra: Value,
    strict: Value,
    of_all: Value,
    member_count: Value,
}

/// The quorum in force: `count >= qa` when `is_count`, `count * qb >= rhs`
/// (`qa * members`) when `is_ratio`.
struct Quorum {
    qa: Value,
    qb: Value,
    rhs: Value,
    is_count: Value,
    is_ratio: Value,
}

/// What every emitted function reads: the folded policy and where its
/// tables are.
pub(super) struct Emitter<'a> {
    pub(super) folded: &'a Folded,
    pub(super) tables: &'a Tables,
    pub(super) ptr: types::Type,
}

impl Emitter<'_> {
    pub(super) fn address<M: Module>(&self, b: &mut FunctionBuilder<'_>, module: &mut M, id: DataId) -> Value {
        let gv = module.declare_data_in_func(id, b.func);
        b.ins().symbol_value(self.ptr, gv)
    }

    /// The `i32` at `table[index]` (`index` pointer-sized).
    pub(super) fn load_i32(&self, b: &mut FunctionBuilder<'_>, flags: Flags, table: Value, index: Value) -> Value {
        let offset = b.ins().ishl_imm_u(index, 2);
        let address = b.ins().iadd(table, offset);
        b.ins().load(types::I32, flags.read, address, 0)
    }

    /// The index (pointer-sized) of the last key on or before `key`, or 0
    /// when `key` is before the first.
    fn search<M: Module>(
        &self,
        b: &mut FunctionBuilder<'_>,
        module: &mut M,
        flags: Flags,
        search: &Search,
        key: Value,
    ) -> Value {
        let ptr = self.ptr;
        let keys = self.address(b, module, search.keys);
        let mut lo = match &search.index {
            Some(index) => {
                // The bucket of `key` (clamped into the index), its entry,
                // then one comparison per key that may fall in the bucket.
                // In 32 bits: a key before the first wraps to a large
                // distance, so lands in the last bucket, in bounds (the
                // caller answers such keys without the search's result).
                let rel = b.ins().iadd_imm_s(key, -i64::from(search.first));
                let bucket = b.ins().ushr_imm_u(rel, i64::from(index.shift));
                let last = b.ins().iconst(types::I32, index.buckets as i64 - 1);
                let bucket = b.ins().umin(bucket, last);
                let bucket = b.ins().uextend(ptr, bucket);
                let table = self.address(b, module, index.data);
                let found = self.load_i32(b, flags, table, bucket);
                let lo = b.ins().uextend(ptr, found);
                let mut lo = lo;
                for _ in 0..index.steps {
                    let next = b.ins().iadd_imm_s(lo, 1);
                    let at = self.load_i32(b, flags, keys, next);
                    let fits = b.ins().icmp(IntCC::SignedLessThanOrEqual, at, key);
                    lo = b.ins().select(fits, next, lo);
                }
                lo
            }
            None => b.ins().iconst(ptr, 0),
        };
        if search.index.is_none() {
            // Branchless binary search.
            let mut step = search.len / 2;
            while step > 0 {
                let candidate = b.ins().iadd_imm_s(lo, step as i64);
                let at = self.load_i32(b, flags, keys, candidate);
                let fits = b.ins().icmp(IntCC::SignedLessThanOrEqual, at, key);
                lo = b.ins().select(fits, candidate, lo);
                step /= 2;
            }
        }
        lo
    }

    /// The status epoch in force on `day` (pointer-sized).
    pub(super) fn epoch<M: Module>(
        &self,
        b: &mut FunctionBuilder<'_>,
        module: &mut M,
        flags: Flags,
        day: Value,
    ) -> Value {
        let starts = &self.folded.epoch_starts;
        match &self.tables.epochs {
            None => {
                let mut epoch = b.ins().iconst(self.ptr, 0);
                for (i, from) in starts.iter().enumerate().skip(1) {
                    let constant = b.ins().iconst(self.ptr, i as i64);
                    let on_or_after = b
                        .ins()
                        .icmp_imm_s(IntCC::SignedGreaterThanOrEqual, day, i64::from(*from));
                    epoch = b.ins().select(on_or_after, constant, epoch);
                }
                epoch
            }
            Some(search) => {
                // Searched over the starts after the first: the epoch is
                // one past the key found, or 0 before the first change.
                let found = self.search(b, module, flags, search, day);
                let next = b.ins().iadd_imm_s(found, 1);
                let zero = b.ins().iconst(self.ptr, 0);
                let first = starts.get(1).copied().unwrap_or(i32::MAX);
                let changed = b
                    .ins()
                    .icmp_imm_s(IntCC::SignedGreaterThanOrEqual, day, i64::from(first));
                b.ins().select(changed, next, zero)
            }
        }
    }

    /// Whether the set table of one word per epoch may be selected as
    /// constants rather than loaded.
    fn constant_sets(&self) -> bool {
        self.folded.words == 1 && self.tables.epochs.is_none()
    }

    fn set_words(&self, table: DataId) -> &[u64] {
        let t = self.tables;
        let f = self.folded;
        if table == t.members {
            &f.members
        } else if table == t.pending {
            &f.pending
        } else if table == t.observers {
            &f.observers
        } else if table == t.suspended {
            &f.suspended
        } else {
            &f.attending
        }
    }

    /// The words of a set table (members or attending) on `day`.
    pub(super) fn set_at<M: Module>(
        &self,
        b: &mut FunctionBuilder<'_>,
        module: &mut M,
        flags: Flags,
        table: DataId,
        day: Value,
    ) -> Vec<Value> {
        if self.constant_sets() {
            let words = self.set_words(table);
            let mut bits = b.ins().iconst(types::I64, 0);
            for (i, from) in self.folded.epoch_starts.iter().enumerate() {
                let word = words.get(i).copied().unwrap_or(0);
                // An epoch that leaves this set as it was needs no comparison.
                if i > 0 && words.get(i - 1) == Some(&word) {
                    continue;
                }
                let constant = b.ins().iconst(types::I64, word as i64);
                if i == 0 {
                    bits = constant;
                    continue;
                }
                let on_or_after = b
                    .ins()
                    .icmp_imm_s(IntCC::SignedGreaterThanOrEqual, day, i64::from(*from));
                bits = b.ins().select(on_or_after, constant, bits);
            }
            return vec![bits];
        }
        let epoch = self.epoch(b, module, flags, day);
        let base = self.address(b, module, table);
        let row = b.ins().imul_imm_s(epoch, (self.folded.words * 8) as i64);
        let row = b.ins().iadd(base, row);
        (0..self.folded.words)
            .map(|w| b.ins().load(types::I64, flags.read, row, (w * 8) as i32))
            .collect()
    }

    /// Whether `party` is in a set table on `day`: 1 or 0. Parties past
    /// the policy's are in no set.
    pub(super) fn contains<M: Module>(
        &self,
        b: &mut FunctionBuilder<'_>,
        module: &mut M,
        flags: Flags,
        table: DataId,
        party: Value,
        day: Value,
    ) -> Value {
        let in_range = b
            .ins()
            .icmp_imm_s(IntCC::UnsignedLessThan, party, self.folded.party_count as i64);
        let word = if self.constant_sets() {
            self.set_at(b, module, flags, table, day)
                .first()
                .copied()
                .unwrap_or(in_range)
        } else {
            let epoch = self.epoch(b, module, flags, day);
            let zero = b.ins().iconst(types::I32, 0);
            let safe = b.ins().select(in_range, party, zero);
            let w = b.ins().ushr_imm_u(safe, 6);
            let w = b.ins().uextend(self.ptr, w);
            let row = b.ins().imul_imm_s(epoch, self.folded.words as i64);
            let slot = b.ins().iadd(row, w);
            let offset = b.ins().ishl_imm_u(slot, 3);
            let base = self.address(b, module, table);
            let address = b.ins().iadd(base, offset);
            b.ins().load(types::I64, flags.read, address, 0)
        };
        let bit = b.ins().band_imm_u(party, 63);
        let bit = b.ins().uextend(types::I64, bit);
        let shifted = b.ins().ushr(word, bit);
        let bit = b.ins().band_imm_u(shifted, 1);
        let set = b.ins().icmp_imm_s(IntCC::NotEqual, bit, 0);
        let ok = b.ins().band(in_range, set);
        b.ins().uextend(types::I32, ok)
    }

    /// The chair, start or end of the term containing `day` (days past the
    /// calendar's end are in its last term): `NONE` before the first term.
    /// `v` (an `i32`), or `unknown` where a change of status dated only by
    /// a window (`Folded::status_windows`) leaves `question` open for
    /// `party` on `day`, as the interpreter says (the question's own party
    /// and day are not read).
    pub(super) fn status_open(
        &self,
        b: &mut FunctionBuilder<'_>,
        question: StatusQuestion,
        party: Value,
        day: Value,
        v: Value,
        unknown: i64,
    ) -> Value {
        let mut v = v;
        for w in self.folded.status_windows.iter().filter(|w| question.differs(w)) {
            let open = window_open(b, w, Some(party), day);
            let unknown = b.ins().iconst(types::I32, unknown);
            v = b.ins().select(open, unknown, v);
        }
        v
    }

    /// `v`, or `unknown` where a change of status dated only by a window
    /// leaves `question` (one naming no party) open on `day`.
    pub(super) fn day_open(
        &self,
        b: &mut FunctionBuilder<'_>,
        question: StatusQuestion,
        day: Value,
        v: Value,
        unknown: i64,
    ) -> Value {
        let mut v = v;
        for w in self.folded.status_windows.iter().filter(|w| question.differs(w)) {
            let open = window_open(b, w, None, day);
            let unknown = b.ins().iconst(types::I32, unknown);
            v = b.ins().select(open, unknown, v);
        }
        v
    }

    /// The question `valid` asks of the status windows.
    fn valid_question(&self) -> StatusQuestion {
        StatusQuestion::Valid(0, self.folded.observers_decide)
    }

    /// A chair, term start or term end `v` on `day`, or
    /// [`UNKNOWN_VALUE`] where a designated chair's taking of office dated
    /// only by a window leaves it open (`Folded::chair_windows`), as the
    /// interpreter says.
    pub(super) fn chair_open(&self, b: &mut FunctionBuilder<'_>, which: Which, day: Value, v: Value) -> Value {
        let mut out = v;
        for w in &self.folded.chair_windows {
            let bounds_term = matches!(which, Which::Start | Which::End);
            if !w.changes && !bounds_term {
                continue;
            }
            let from = b
                .ins()
                .icmp_imm_s(IntCC::SignedGreaterThanOrEqual, day, i64::from(w.earliest));
            let before = b.ins().icmp_imm_s(IntCC::SignedLessThan, day, i64::from(w.latest));
            let mut open = b.ins().band(from, before);
            if bounds_term {
                let at = b.ins().icmp_imm_s(IntCC::Equal, v, i64::from(w.start));
                open = b.ins().bor(open, at);
            }
            let unknown = b.ins().iconst(types::I32, i64::from(UNKNOWN_VALUE));
            out = b.ins().select(open, unknown, out);
        }
        out
    }

    pub(super) fn term_lookup<M: Module>(
        &self,
        b: &mut FunctionBuilder<'_>,
        module: &mut M,
        flags: Flags,
        day: Value,
        which: Which,
    ) -> Value {
        let folded = self.folded;
        let Some((first, _)) = folded.terms.first() else {
            return b.ins().iconst(types::I32, i64::from(NONE));
        };
        // A day past the calendar's end is in its last term: the listed
        // terms end there (the search finds the last), and the periodic
        // block clamps the day.
        let Some((periodic, block)) = folded.periodic.as_ref().zip(self.tables.periodic.as_ref()) else {
            return self.listed(b, module, flags, day, *first, which);
        };
        let listed_block = b.create_block();
        let periodic_block = b.create_block();
        let done = b.create_block();
        b.append_block_param(done, types::I32);
        let in_block = b
            .ins()
            .icmp_imm_s(IntCC::SignedGreaterThanOrEqual, day, i64::from(periodic.base));
        b.ins().brif(in_block, periodic_block, &[], listed_block, &[]);

        b.switch_to_block(listed_block);
        let value = self.listed(b, module, flags, day, *first, which);
        b.ins().jump(done, &[value.into()]);

        b.switch_to_block(periodic_block);
        let value = self.periodic(b, module, flags, periodic, block, day, which);
        b.ins().jump(done, &[value.into()]);

        b.switch_to_block(done);
        let [value] = values(b.block_params(done));
        value
    }

    /// A listed term's chair, start or end.
    fn listed<M: Module>(
        &self,
        b: &mut FunctionBuilder<'_>,
        module: &mut M,
        flags: Flags,
        day: Value,
        first: i32,
        which: Which,
    ) -> Value {
        let lo = self.search(b, module, flags, &self.tables.starts, day);
        let values = match which {
            Which::Chair => self.address(b, module, self.tables.chairs),
            Which::Start => self.address(b, module, self.tables.starts.keys),
            Which::End => self.address(b, module, self.tables.ends),
        };
        let found = self.load_i32(b, flags, values, lo);
        let none = b.ins().iconst(types::I32, i64::from(NONE));
        let before = b.ins().icmp_imm_s(IntCC::SignedLessThan, day, i64::from(first));
        b.ins().select(before, none, found)
    }

    /// A term of the repeating block: its block `q` and place `j` in it by
    /// a division by a constant and a search of the block's offsets.
    #[expect(
        clippy::too_many_arguments,
        reason = "one call site; the arguments are the lookup's parts"
    )]
    fn periodic<M: Module>(
        &self,
        b: &mut FunctionBuilder<'_>,
        module: &mut M,
        flags: Flags,
        periodic: &PeriodicFold,
        block: &PeriodicTables,
        day: Value,
        which: Which,
    ) -> Value {
        let last = b.ins().iconst(types::I32, i64::from(charter_runtime::date::LAST));
        let day = b.ins().smin(day, last);
        let wide = b.ins().sextend(types::I64, day);
        let rel = b.ins().iadd_imm_s(wide, -i64::from(periodic.base));
        let period = i64::from(periodic.period.max(1));
        let q = b.ins().udiv_imm_u(rel, period);
        let whole = b.ins().imul_imm_s(q, period);
        let r = b.ins().isub(rel, whole);
        let terms = periodic.offsets.len().saturating_sub(1).max(1) as i64;
        // The term `j` (pointer-sized) of day `r` of the block, and the
        // offset of a term as an `i64` value.
        let (j, offset): (Value, OffsetOf<'_, M>) = match &block.offsets {
            Offsets::Estimated {
                deviations,
                first,
                steps,
            } => {
                let deviations = *deviations;
                let ptr = self.ptr;
                let read = flags.read;
                let offset = move |b: &mut FunctionBuilder<'_>, module: &mut M, j: Value| {
                    let wide = if ptr == types::I64 {
                        j
                    } else {
                        b.ins().uextend(types::I64, j)
                    };
                    let even = b.ins().imul_imm_s(wide, period);
                    let even = b.ins().udiv_imm_u(even, terms);
                    let gv = module.declare_data_in_func(deviations, b.func);
                    let table = b.ins().symbol_value(ptr, gv);
                    let at = b.ins().iadd(table, j);
                    let deviation = b.ins().sload8(types::I64, read, at, 0);
                    b.ins().iadd(even, deviation)
                };
                let estimate = b.ins().imul_imm_s(r, terms);
                let estimate = b.ins().udiv_imm_u(estimate, period);
                let estimate = b.ins().iadd_imm_s(estimate, *first);
                let zero = b.ins().iconst(types::I64, 0);
                let estimate = b.ins().smax(estimate, zero);
                let mut j = if self.ptr == types::I64 {
                    estimate
                } else {
                    b.ins().ireduce(self.ptr, estimate)
                };
                for _ in 0..*steps {
                    let next = b.ins().iadd_imm_s(j, 1);
                    let at = offset(b, module, next);
                    let fits = b.ins().icmp(IntCC::SignedLessThanOrEqual, at, r);
                    j = b.ins().select(fits, next, j);
                }
                (j, Box::new(offset))
            }
            Offsets::Searched(search) => {
                let r32 = b.ins().ireduce(types::I32, r);
                let j = self.search(b, module, flags, search, r32);
                let keys = search.keys;
                let ptr = self.ptr;
                let read = flags.read;
                let offset = move |b: &mut FunctionBuilder<'_>, module: &mut M, j: Value| {
                    let gv = module.declare_data_in_func(keys, b.func);
                    let table = b.ins().symbol_value(ptr, gv);
                    let at = b.ins().ishl_imm_u(j, 2);
                    let at = b.ins().iadd(table, at);
                    let value = b.ins().load(types::I32, read, at, 0);
                    b.ins().sextend(types::I64, value)
                };
                (j, Box::new(offset))
            }
        };
        match which {
            Which::Chair => {
                let j = if self.ptr == types::I64 {
                    j
                } else {
                    b.ins().uextend(types::I64, j)
                };
                let k = b.ins().imul_imm_s(q, terms);
                let k = b.ins().iadd(k, j);
                let turn = b.ins().urem_imm_u(k, periodic.cycle.len().max(1) as i64);
                let turn = if self.ptr == types::I64 {
                    turn
                } else {
                    b.ins().ireduce(self.ptr, turn)
                };
                let cycle = self.address(b, module, block.cycle);
                self.load_i32(b, flags, cycle, turn)
            }
            Which::Start | Which::End => {
                let at = match which {
                    Which::End => b.ins().iadd_imm_s(j, 1),
                    Which::Start | Which::Chair => j,
                };
                let offset = offset(b, module, at);
                let day = b.ins().iadd_imm_s(whole, i64::from(periodic.base));
                let day = b.ins().iadd(day, offset);
                let last = b.ins().iconst(types::I64, i64::from(charter_runtime::date::LAST));
                let day = b.ins().smin(day, last);
                b.ins().ireduce(types::I32, day)
            }
        }
    }

    /// `valid(decision)` for the record at `record`: 1 or 0.
    fn valid<M: Module>(&self, b: &mut FunctionBuilder<'_>, module: &mut M, flags: Flags, record: Value) -> Value {
        let read = flags.read;
        let kind = b.ins().load(types::I32, read, record, OFFSET_KIND);
        let meeting_kind = b.ins().load(types::I32, read, record, OFFSET_MEETING_KIND);
        let day = b.ins().load(types::I32, read, record, OFFSET_DATE);
        let words = self.folded.words as i32;
        let present: Vec<Value> = (0..words)
            .map(|w| b.ins().load(types::I64, read, record, OFFSET_PRESENT + 8 * w))
            .collect();
        let objections: Vec<Value> = (0..words)
            .map(|w| b.ins().load(types::I64, read, record, OFFSET_PRESENT + 8 * (words + w)))
            .collect();
        self.judged(
            b,
            module,
            flags,
            [kind, meeting_kind, day],
            [&present, &objections],
            None,
        )
    }

    /// `charter_valid_sets(meeting, present, objections, count, out)`: the
    /// decision of `meeting` (a record whose sets are ignored) judged for
    /// each present and objecting pair of sets (`words` words each, one
    /// after another): what the meeting decides is worked out once, then a
    /// loop of mask operations.
    fn valid_sets<M: Module>(&self, b: &mut FunctionBuilder<'_>, module: &mut M, flags: Flags, params: &[Value]) {
        let [template, present, objections, count, out] = values(params);
        let read = flags.read;
        let kind = b.ins().load(types::I32, read, template, OFFSET_KIND);
        let meeting_kind = b.ins().load(types::I32, read, template, OFFSET_MEETING_KIND);
        let day = b.ins().load(types::I32, read, template, OFFSET_DATE);
        let header = [kind, meeting_kind, day];
        let count = batch_count(b, self.ptr, count);
        let out_end = b.ins().iadd(out, count);
        let start = [present, objections, out];
        let fast = |e: &Self, b: &mut FunctionBuilder<'_>, module: &mut M| {
            let meeting = e.in_force(b, module, flags, header);
            let judge = |b: &mut FunctionBuilder<'_>, ps: &[Value], os: &[Value]| e.verdict(b, &meeting, ps, os);
            // Four sets per turn while four remain, then one per turn.
            let fours = b.ins().band_imm_s(count, -4);
            let out_fours = b.ins().iadd(out, fours);
            let tail = e.sets_loop(b, flags, &judge, start, out_fours, 4);
            e.sets_loop(b, flags, &judge, tail, out_end, 1);
        };
        let Some(any_open) = self.any_valid_window(b, day) else {
            fast(self, b, module);
            return;
        };
        // On a day a change of status dated only by a window leaves open,
        // each pair judged in every world (see `Emitter::judged`).
        let slow = b.create_block();
        let quick = b.create_block();
        let done = b.create_block();
        b.ins().brif(any_open, slow, &[], quick, &[]);
        b.switch_to_block(quick);
        fast(self, b, module);
        b.ins().jump(done, &[]);
        b.switch_to_block(slow);
        let worlds = self.worlds(b, module, flags, header);
        let judge = |b: &mut FunctionBuilder<'_>, ps: &[Value], os: &[Value]| {
            self.decide_worlds(
                b,
                &worlds,
                &|e: &Self, b: &mut FunctionBuilder<'_>, meeting: &InForce| e.verdict(b, meeting, ps, os),
            )
        };
        self.sets_loop(b, flags, &judge, start, out_end, 1);
        b.ins().jump(done, &[]);
        b.switch_to_block(done);
    }

    /// The loop of `valid_sets` judging `per_turn` sets per turn from
    /// `start` (present, objections, out pointers) while `out < end`;
    /// returns the pointers where it stopped.
    fn sets_loop(
        &self,
        b: &mut FunctionBuilder<'_>,
        flags: Flags,
        judge: &PairJudge<'_>,
        start: [Value; 3],
        end: Value,
        per_turn: usize,
    ) -> [Value; 3] {
        let ptr = self.ptr;
        let words = self.folded.words;
        let stride = (8 * words) as i64;
        let body = b.create_block();
        let exit = b.create_block();
        for _ in 0..3 {
            b.append_block_param(body, ptr);
            b.append_block_param(exit, ptr);
        }
        let [present, objections, out] = start;
        let any = b.ins().icmp(IntCC::UnsignedLessThan, out, end);
        let args = [present.into(), objections.into(), out.into()];
        b.ins().brif(any, body, &args, exit, &args);
        b.switch_to_block(body);
        let [p, o, slot] = values(b.block_params(body));
        for k in 0..per_turn {
            let at = (k * 8 * words) as i32;
            let ps: Vec<Value> = (0..words)
                .map(|w| b.ins().load(types::I64, flags.read, p, at + 8 * w as i32))
                .collect();
            let os: Vec<Value> = (0..words)
                .map(|w| b.ins().load(types::I64, flags.read, o, at + 8 * w as i32))
                .collect();
            let ok = judge(b, &ps, &os);
            let ok = b.ins().ireduce(types::I8, ok);
            b.ins().store(flags.write, ok, slot, k as i32);
        }
        let p = b.ins().iadd_imm_s(p, stride * per_turn as i64);
        let o = b.ins().iadd_imm_s(o, stride * per_turn as i64);
        let slot = b.ins().iadd_imm_s(slot, per_turn as i64);
        let more = b.ins().icmp(IntCC::UnsignedLessThan, slot, end);
        let args = [p.into(), o.into(), slot.into()];
        b.ins().brif(more, body, &args, exit, &args);
        b.switch_to_block(exit);
        values(b.block_params(exit))
    }

    /// Whether a decision of `kind` at a meeting of `meeting_kind` on `day`
    /// with these present and objecting sets is valid: 1 or 0 (`i32`).
    /// Whether a decision of `kind` at a meeting of `meeting_kind` on
    /// `day` (`header`) with these present and objecting sets is valid: 1
    /// or 0, or 2 where it is not judged (`i32`). `unrecorded` (an `i8`
    /// truth), where given, says the meeting's attendance is not recorded:
    /// then it is 0 where what is recorded makes it invalid whoever was
    /// present, else 2. On a day a change of status dated only by a window
    /// may or may not have happened, it is judged in every world (each
    /// change before or after the meeting) and is 2 unless all agree, as
    /// the interpreter's `status_window_settles`.
    pub(super) fn judged<M: Module>(
        &self,
        b: &mut FunctionBuilder<'_>,
        module: &mut M,
        flags: Flags,
        header: [Value; 3],
        [present, objections]: [&[Value]; 2],
        unrecorded: Option<Value>,
    ) -> Value {
        let decide = |e: &Self, b: &mut FunctionBuilder<'_>, meeting: &InForce| {
            let ok = e.verdict(b, meeting, present, objections);
            match unrecorded {
                None => ok,
                Some(unrecorded) => {
                    let invalid = e.invalid_whoever(b, meeting, objections);
                    let zero = b.ins().iconst(types::I32, 0);
                    let two = b.ins().iconst(types::I32, 2);
                    let settled = b.ins().select(invalid, zero, two);
                    b.ins().select(unrecorded, settled, ok)
                }
            }
        };
        let Some(any_open) = self.any_valid_window(b, header[2]) else {
            let meeting = self.in_force(b, module, flags, header);
            return decide(self, b, &meeting);
        };
        let slow = b.create_block();
        let fast = b.create_block();
        let done = b.create_block();
        b.append_block_param(done, types::I32);
        b.ins().brif(any_open, slow, &[], fast, &[]);
        b.switch_to_block(fast);
        let meeting = self.in_force(b, module, flags, header);
        let ok = decide(self, b, &meeting);
        b.ins().jump(done, &[ok.into()]);
        b.switch_to_block(slow);
        let worlds = self.worlds(b, module, flags, header);
        let ok = self.decide_worlds(b, &worlds, &decide);
        b.ins().jump(done, &[ok.into()]);
        b.switch_to_block(done);
        let [ok] = values(b.block_params(done));
        ok
    }

    /// Whether `day` is in a window whose change may leave a decision's
    /// validity open (an `i8` truth); `None` where no window could.
    fn any_valid_window(&self, b: &mut FunctionBuilder<'_>, day: Value) -> Option<Value> {
        let question = self.valid_question();
        let mut any = None;
        for w in self.folded.status_windows.iter().filter(|w| question.differs(w)) {
            let inside = window_open(b, w, None, day);
            any = Some(match any {
                None => inside,
                Some(before) => b.ins().bor(before, inside),
            });
        }
        any
    }

    /// The rules in force at a meeting in each world the windows open on
    /// its day make. The windows that may leave validity open cut the
    /// calendar into stretches, each with the windows open throughout it;
    /// each distinct set of them gets its worlds, and the stretches it
    /// covers are its condition.
    fn worlds<M: Module>(
        &self,
        b: &mut FunctionBuilder<'_>,
        module: &mut M,
        flags: Flags,
        header: [Value; 3],
    ) -> Worlds {
        let now = self.in_force(b, module, flags, header);
        let question = self.valid_question();
        let windows: Vec<&StatusWindow> = self
            .folded
            .status_windows
            .iter()
            .filter(|w| question.differs(w))
            .collect();
        let mut cuts: Vec<Day> = windows.iter().flat_map(|w| [w.earliest, w.latest]).collect();
        cuts.sort_unstable();
        cuts.dedup();
        let mut sets: Vec<OpenTogether<'_>> = Vec::new();
        for pair in cuts.windows(2) {
            let &[from, until] = pair else { continue };
            let open: Vec<&StatusWindow> = windows.iter().copied().filter(|w| w.straddles(from)).collect();
            if open.is_empty() {
                continue;
            }
            match sets.iter_mut().find(|(set, _)| *set == open) {
                Some((_, stretches)) => stretches.push((from, until)),
                None => sets.push((open, vec![(from, until)])),
            }
        }
        let open = sets
            .into_iter()
            .map(|(set, stretches)| {
                let no = b.ins().iconst(types::I8, 0);
                let on = stretches.iter().fold(no, |any, (from, until)| {
                    let inside = in_days(b, header[2], *from, *until);
                    b.ins().bor(any, inside)
                });
                let worlds = (set.len() <= MAX_OPEN_PARTIES).then(|| {
                    (0u32..(1 << set.len()))
                        .map(|mask| {
                            let statuses: Vec<(PartyId, Status)> = set
                                .iter()
                                .enumerate()
                                .map(|(bit, w)| (w.party, if mask & (1 << bit) == 0 { w.before } else { w.after }))
                                .collect();
                            self.in_force_as(b, module, flags, header, &statuses)
                        })
                        .collect()
                });
                (on, worlds)
            })
            .collect();
        Worlds { now, open }
    }

    /// `decide`'s answer (`i32` 0, 1 or 2) as the tables have it, or 2
    /// where the worlds open on the day do not all give it.
    fn decide_worlds(
        &self,
        b: &mut FunctionBuilder<'_>,
        worlds: &Worlds,
        decide: &dyn Fn(&Self, &mut FunctionBuilder<'_>, &InForce) -> Value,
    ) -> Value {
        let now = decide(self, b, &worlds.now);
        let two = b.ins().iconst(types::I32, 2);
        let mut out = now;
        for (on, each) in &worlds.open {
            let here = match each {
                None => two,
                Some(each) => {
                    let mut agree = b.ins().iconst(types::I8, 1);
                    for meeting in each {
                        let v = decide(self, b, meeting);
                        let same = b.ins().icmp(IntCC::Equal, v, now);
                        agree = b.ins().band(agree, same);
                    }
                    b.ins().select(agree, now, two)
                }
            };
            out = b.ins().select(*on, here, out);
        }
        out
    }

    /// For a decision at a meeting whose attendance is not recorded:
    /// whether what is recorded makes it invalid whoever was present (`i8`
    /// 1 or 0): its kind reserved to other meetings, or an objection by
    /// one who may take part (an objector was there) under a rule one
    /// objection blocks. The interpreter's `tables::judge` without
    /// attendance.
    fn invalid_whoever(&self, b: &mut FunctionBuilder<'_>, meeting: &InForce, objections: &[Value]) -> Value {
        let mut blocking = b.ins().iconst(types::I64, 0);
        for (objecting, voter) in objections.iter().zip(&meeting.voters) {
            let blocks = b.ins().band(*objecting, *voter);
            blocking = b.ins().bor(blocking, blocks);
        }
        let objected = b.ins().icmp_imm_s(IntCC::NotEqual, blocking, 0);
        let blocked = match &meeting.rule {
            None => objected,
            Some(counted) => {
                let one_blocks = b.ins().icmp_imm_s(IntCC::NotEqual, counted.no_objection, 0);
                b.ins().band(one_blocks, objected)
            }
        };
        let reserved = b.ins().bxor_imm_u(meeting.kind_ok, 1);
        b.ins().bor(reserved, blocked)
    }

    /// What decides validity at one meeting, whoever is present: the
    /// members, whether the decision's kind may be taken there, the quorum.
    fn in_force<M: Module>(
        &self,
        b: &mut FunctionBuilder<'_>,
        module: &mut M,
        flags: Flags,
        header: [Value; 3],
    ) -> InForce {
        self.in_force_as(b, module, flags, header, &[])
    }

    /// [`Emitter::in_force`] where each party of `statuses` has that
    /// status on the day, whatever the tables say (the interpreter's
    /// `tables::judge_as`); a body's meeting counts the body's parties.
    fn in_force_as<M: Module>(
        &self,
        b: &mut FunctionBuilder<'_>,
        module: &mut M,
        flags: Flags,
        [kind, meeting_kind, day]: [Value; 3],
        statuses: &[(PartyId, Status)],
    ) -> InForce {
        let folded = self.folded;
        let members = self.set_at(b, module, flags, self.tables.members, day);
        let members = with_statuses(b, members, statuses, Status::Member);
        let members = self.body_members(b, members, meeting_kind, day);
        let zero64 = b.ins().iconst(types::I64, 0);
        // The rules in force on the day: allowed meeting kinds and quorum.
        let all = b.ins().iconst(types::I64, -1);
        let mut allowed = all;
        let mut mode = b.ins().iconst(types::I32, 0);
        let mut qa = zero64;
        let mut qb = zero64;
        for (from, version) in &folded.versions {
            let mut version_allowed = all;
            for (k, mask) in version.allowed.iter().enumerate() {
                if *mask == u64::MAX {
                    continue;
                }
                let is_kind = b.ins().icmp_imm_s(IntCC::Equal, kind, k as i64);
                let constant = b.ins().iconst(types::I64, *mask as i64);
                version_allowed = b.ins().select(is_kind, constant, version_allowed);
            }
            let fields = |quorum: QuorumFold| match quorum {
                QuorumFold::None => (0, 0, 0),
                QuorumFold::Count(n) => (1, n, 0),
                QuorumFold::Ratio(x, y) => (2, x, y),
            };
            let (m, a, q) = fields(version.quorum);
            let mut m = b.ins().iconst(types::I32, m);
            let mut a = b.ins().iconst(types::I64, a);
            let mut q = b.ins().iconst(types::I64, q);
            // The quorum of a rule stated for the meeting's kind.
            for (at, quorum, _) in &version.by_kind {
                let applies = kind_in(b, at, meeting_kind);
                let (km, ka, kq) = fields(*quorum);
                let km = b.ins().iconst(types::I32, km);
                let ka = b.ins().iconst(types::I64, ka);
                let kq = b.ins().iconst(types::I64, kq);
                m = b.ins().select(applies, km, m);
                a = b.ins().select(applies, ka, a);
                q = b.ins().select(applies, kq, q);
            }
            if *from == i32::MIN {
                allowed = version_allowed;
                mode = m;
                qa = a;
                qb = q;
            } else {
                let in_force = b
                    .ins()
                    .icmp_imm_s(IntCC::SignedGreaterThanOrEqual, day, i64::from(*from));
                allowed = b.ins().select(in_force, version_allowed, allowed);
                mode = b.ins().select(in_force, m, mode);
                qa = b.ins().select(in_force, a, qa);
                qb = b.ins().select(in_force, q, qb);
            }
        }
        // The meeting kind's bit; kinds past 63 are never allowed by a reservation.
        let shift = b.ins().uextend(types::I64, meeting_kind);
        let in_range = b.ins().icmp_imm_s(IntCC::UnsignedLessThan, shift, 64);
        let shifted = b.ins().ushr(allowed, shift);
        let bit = b.ins().band_imm_u(shifted, 1);
        let unrestricted = b.ins().icmp_imm_s(IntCC::Equal, allowed, -1);
        let bit_set = b.ins().icmp_imm_s(IntCC::NotEqual, bit, 0);
        let bit_ok = b.ins().band(in_range, bit_set);
        let kind_ok = b.ins().bor(unrestricted, bit_ok);
        let mut member_count = b.ins().iconst(types::I64, 0);
        for w in &members {
            let c = b.ins().popcnt(*w);
            member_count = b.ins().iadd(member_count, c);
        }
        // A policy that only decides by consensus (the reference policy)
        // pays nothing for counting votes.
        let rule =
            if folded.versions.iter().all(|(_, v)| {
                v.rule == RuleFold::CONSENSUS && v.by_kind.iter().all(|(_, _, r)| *r == RuleFold::CONSENSUS)
            }) {
                None
            } else {
                let mut fields: Option<[Value; 7]> = None;
                for (from, version) in &folded.versions {
                    let consts = |b: &mut FunctionBuilder<'_>, r: RuleFold| {
                        [
                            i64::from(r.no_objection),
                            i64::from(r.unstated),
                            r.num,
                            r.den,
                            r.extra,
                            r.strict,
                            i64::from(r.of_all),
                        ]
                        .map(|x| b.ins().iconst(types::I64, x))
                    };
                    let mut here = consts(b, version.rule);
                    // The rule stated for the meeting's kind.
                    for (at, _, r) in &version.by_kind {
                        let applies = kind_in(b, at, meeting_kind);
                        let kind_rule = consts(b, *r);
                        for (slot, k) in here.iter_mut().zip(kind_rule) {
                            *slot = b.ins().select(applies, k, *slot);
                        }
                    }
                    fields = Some(match fields {
                        Some(before) if *from != i32::MIN => {
                            let in_force = b
                                .ins()
                                .icmp_imm_s(IntCC::SignedGreaterThanOrEqual, day, i64::from(*from));
                            let mut chosen = before;
                            for (c, (new, old)) in chosen.iter_mut().zip(here.iter().zip(before.iter())) {
                                *c = b.ins().select(in_force, *new, *old);
                            }
                            chosen
                        }
                        Some(_) | None => here,
                    });
                }
                fields.map(|[no_objection, unstated, num, den, extra, strict, of_all]| Counted {
                    no_objection,
                    unstated,
                    num,
                    den,
                    extra,
                    strict,
                    of_all,
                    member_count,
                })
            };
        // A policy that never states a quorum (the reference policy) pays nothing for one.
        let quorum = if folded
            .versions
            .iter()
            .all(|(_, v)| v.quorum == QuorumFold::None && v.by_kind.iter().all(|(_, q, _)| *q == QuorumFold::None))
        {
            None
        } else {
            let is_count = b.ins().icmp_imm_s(IntCC::Equal, mode, 1);
            let is_ratio = b.ins().icmp_imm_s(IntCC::Equal, mode, 2);
            let rhs = b.ins().imul(qa, member_count);
            Some(Quorum {
                qa,
                qb,
                rhs,
                is_count,
                is_ratio,
            })
        };
        // Observers take part where a version in force says so.
        let deciders = self.right_holders(b, |v| &v.deciders, meeting_kind, day);
        let observers_decide = deciders.is_some();
        let voters = match deciders {
            Some(holders) => {
                let observers = self.set_at(b, module, flags, self.tables.observers, day);
                let observers = with_statuses(b, observers, statuses, Status::Observer);
                members
                    .iter()
                    .zip(observers.iter().zip(&holders))
                    .map(|(m, (o, h))| {
                        let taking_part = b.ins().band(*o, *h);
                        b.ins().bor(*m, taking_part)
                    })
                    .collect()
            }
            None => members.clone(),
        };
        InForce {
            members,
            voters,
            observers_decide,
            kind_ok,
            quorum,
            rule,
        }
    }

    /// The members at a meeting of `meeting_kind` on `day`: the process's
    /// `members`, or the body's (see [`Emitter::body_at`]).
    fn body_members(
        &self,
        b: &mut FunctionBuilder<'_>,
        members: Vec<Value>,
        meeting_kind: Value,
        day: Value,
    ) -> Vec<Value> {
        match self.body_at(b, meeting_kind, day) {
            None => members,
            Some((is_body, parties)) => members
                .into_iter()
                .zip(parties)
                .map(|(m, g)| b.ins().select(is_body, g, m))
                .collect(),
        }
    }

    /// Whether meetings of `meeting_kind` on `day` are a body's (a
    /// committee's) under the version in force (`i8` 1 or 0), and if so its
    /// group's parties on the day; `None` for a policy with no bodies,
    /// which pays nothing.
    pub(super) fn body_at(
        &self,
        b: &mut FunctionBuilder<'_>,
        meeting_kind: Value,
        day: Value,
    ) -> Option<(Value, Vec<Value>)> {
        let folded = self.folded;
        if folded.versions.iter().all(|(_, v)| v.bodies.is_empty()) {
            return None;
        }
        let zero = b.ins().iconst(types::I64, 0);
        let no = b.ins().iconst(types::I8, 0);
        let mut chosen = (no, vec![zero; folded.words]);
        for (from, version) in &folded.versions {
            let mut here = (no, vec![zero; folded.words]);
            for (kind, group) in &version.bodies {
                let is_kind = b.ins().icmp_imm_s(IntCC::Equal, meeting_kind, i64::from(*kind));
                let parties = group_words(b, group, day);
                for (slot, word) in here.1.iter_mut().zip(parties) {
                    *slot = b.ins().select(is_kind, word, *slot);
                }
                here.0 = b.ins().bor(here.0, is_kind);
            }
            if *from == i32::MIN {
                chosen = here;
            } else {
                let in_force = b
                    .ins()
                    .icmp_imm_s(IntCC::SignedGreaterThanOrEqual, day, i64::from(*from));
                chosen.0 = b.ins().select(in_force, here.0, chosen.0);
                for (slot, word) in chosen.1.iter_mut().zip(here.1) {
                    *slot = b.ins().select(in_force, word, *slot);
                }
            }
        }
        Some(chosen)
    }

    /// The parties that, if observers on `day`, have a right (`right`
    /// picks it from a version) at a meeting of `meeting_kind` under the
    /// version in force; `None` where no version gives it (nothing to pay).
    pub(super) fn right_holders(
        &self,
        b: &mut FunctionBuilder<'_>,
        right: fn(&VersionFold) -> &RightFold,
        meeting_kind: Value,
        day: Value,
    ) -> Option<Vec<Value>> {
        let folded = self.folded;
        if folded.versions.iter().all(|(_, v)| right(v).is_none()) {
            return None;
        }
        let zero = b.ins().iconst(types::I64, 0);
        let ones = b.ins().iconst(types::I64, -1);
        let mut chosen = vec![zero; folded.words];
        for (from, version) in &folded.versions {
            let r = right(version);
            // Whether every observer has the right at the kind.
            let mut all = b.ins().iconst(types::I8, 0);
            for (at, yes) in &r.all {
                let yes = b.ins().iconst(types::I8, i64::from(*yes));
                all = if at.is_empty() {
                    yes
                } else {
                    let applies = kind_in(b, at, meeting_kind);
                    b.ins().select(applies, yes, all)
                };
            }
            let mut here = vec![zero; folded.words];
            {
                for (at, group) in &r.named {
                    let applies = kind_in(b, at, meeting_kind);
                    let parties = group_words(b, group, day);
                    for (slot, word) in here.iter_mut().zip(parties) {
                        let picked = b.ins().select(applies, word, zero);
                        *slot = b.ins().bor(*slot, picked);
                    }
                }
                // The admission rule's right: every observer no roster names.
                if let Some(at) = &r.rule {
                    let applies = kind_in(b, at, meeting_kind);
                    let named = group_words(b, &r.named_any, day);
                    for (slot, word) in here.iter_mut().zip(named) {
                        let rest = b.ins().bnot(word);
                        let picked = b.ins().select(applies, rest, zero);
                        *slot = b.ins().bor(*slot, picked);
                    }
                }
                for slot in &mut here {
                    *slot = b.ins().select(all, ones, *slot);
                }
            }
            if *from == i32::MIN {
                chosen = here;
            } else {
                let in_force = b
                    .ins()
                    .icmp_imm_s(IntCC::SignedGreaterThanOrEqual, day, i64::from(*from));
                for (slot, word) in chosen.iter_mut().zip(here) {
                    *slot = b.ins().select(in_force, word, *slot);
                }
            }
        }
        Some(chosen)
    }

    /// Valid (1) or not (0), as `i32`, for these present and objecting sets.
    fn verdict(
        &self,
        b: &mut FunctionBuilder<'_>,
        meeting: &InForce,
        present: &[Value],
        objections: &[Value],
    ) -> Value {
        let count_of = |b: &mut FunctionBuilder<'_>, words: &[Value]| {
            let mut count = b.ins().iconst(types::I64, 0);
            for w in words {
                let c = b.ins().popcnt(*w);
                count = b.ins().iadd(count, c);
            }
            count
        };
        // Who takes part in the decision: the members present, and the
        // observers present where they take part too.
        let mut blocking = b.ins().iconst(types::I64, 0);
        let mut against = b.ins().iconst(types::I64, 0);
        let mut present_voters = Vec::with_capacity(meeting.members.len());
        let mut present_members = Vec::with_capacity(meeting.members.len());
        for (((member, voter), present), objections) in
            meeting.members.iter().zip(&meeting.voters).zip(present).zip(objections)
        {
            let pm = b.ins().band(*present, *member);
            let pv = if meeting.observers_decide {
                b.ins().band(*present, *voter)
            } else {
                pm
            };
            let blocks = b.ins().band(*objections, pv);
            blocking = b.ins().bor(blocking, blocks);
            if meeting.rule.is_some() {
                let c = b.ins().popcnt(blocks);
                against = b.ins().iadd(against, c);
            }
            present_voters.push(pv);
            present_members.push(pm);
        }
        let no_objection = b.ins().icmp_imm_s(IntCC::Equal, blocking, 0);
        let any_unstated = self
            .folded
            .versions
            .iter()
            .any(|(_, v)| v.rule.unstated || v.by_kind.iter().any(|(_, _, r)| r.unstated));
        // What the rule says, 1 or 0 (or 2, not judged, under a rule the
        // text does not state).
        let rule_value = match &meeting.rule {
            None => no_objection,
            Some(r) => {
                let voting = count_of(b, &present_voters);
                let favour = b.ins().isub(voting, against);
                let of_all = b.ins().icmp_imm_s(IntCC::NotEqual, r.of_all, 0);
                let base = b.ins().select(of_all, r.member_count, voting);
                let lhs = b.ins().imul(favour, r.den);
                let lhs = b.ins().iadd(lhs, r.extra);
                let rhs = b.ins().imul(r.num, base);
                let rhs = b.ins().iadd(rhs, r.strict);
                let share_ok = b.ins().icmp(IntCC::SignedGreaterThanOrEqual, lhs, rhs);
                let needs_none = b.ins().icmp_imm_s(IntCC::NotEqual, r.no_objection, 0);
                let one = b.ins().iconst(types::I8, 1);
                let objection_ok = b.ins().select(needs_none, no_objection, one);
                let stated = b.ins().band(share_ok, objection_ok);
                if any_unstated {
                    // Valid under every rule: every member present, none
                    // objecting; invalid under every rule: all taking part
                    // objecting.
                    let members_present = count_of(b, &present_members);
                    let all_present = b
                        .ins()
                        .icmp(IntCC::SignedGreaterThanOrEqual, members_present, r.member_count);
                    let some_member = b.ins().icmp_imm_s(IntCC::SignedGreaterThan, r.member_count, 0);
                    let none_against = b.ins().icmp_imm_s(IntCC::Equal, against, 0);
                    let valid_any = b.ins().band(all_present, some_member);
                    let valid_any = b.ins().band(valid_any, none_against);
                    let some_voting = b.ins().icmp_imm_s(IntCC::SignedGreaterThan, voting, 0);
                    let all_against = b.ins().icmp(IntCC::Equal, against, voting);
                    let invalid_any = b.ins().band(some_voting, all_against);
                    let zero = b.ins().iconst(types::I8, 0);
                    let two = b.ins().iconst(types::I8, 2);
                    let settled = b.ins().select(invalid_any, zero, two);
                    let unstated_value = b.ins().select(valid_any, one, settled);
                    let is_unstated = b.ins().icmp_imm_s(IntCC::NotEqual, r.unstated, 0);
                    b.ins().select(is_unstated, unstated_value, stated)
                } else {
                    stated
                }
            }
        };
        let mut allowed = meeting.kind_ok;
        if let Some(q) = &meeting.quorum {
            // The quorum counts members present only.
            let count = count_of(b, &present_members);
            let count_ok = b.ins().icmp(IntCC::SignedGreaterThanOrEqual, count, q.qa);
            let lhs = b.ins().imul(count, q.qb);
            let ratio_ok = b.ins().icmp(IntCC::SignedGreaterThanOrEqual, lhs, q.rhs);
            let one = b.ins().iconst(types::I8, 1);
            let quorum_ok = b.ins().select(q.is_ratio, ratio_ok, one);
            let quorum_ok = b.ins().select(q.is_count, count_ok, quorum_ok);
            allowed = b.ins().band(allowed, quorum_ok);
        }
        let zero = b.ins().iconst(types::I8, 0);
        let ok = b.ins().select(allowed, rule_value, zero);
        b.ins().uextend(types::I32, ok)
    }
}

/// Whether `kind` is one of `at` (`i8` 1 or 0); every kind when `at` is
/// empty.
fn kind_in(b: &mut FunctionBuilder<'_>, at: &[ir::MeetingKindId], kind: Value) -> Value {
    let mut yes = b.ins().iconst(types::I8, i64::from(at.is_empty()));
    for k in at {
        let is = b.ins().icmp_imm_s(IntCC::Equal, kind, i64::from(*k));
        yes = b.ins().bor(yes, is);
    }
    yes
}

/// The words of a group's parties on `day`: a chain of selects over its
/// epochs.
pub(super) fn group_words(b: &mut FunctionBuilder<'_>, epochs: &GroupEpochs, day: Value) -> Vec<Value> {
    let zero = b.ins().iconst(types::I64, 0);
    let mut out = vec![zero; epochs.words];
    for (from, set) in epochs.starts.iter().zip(epochs.sets.chunks(epochs.words.max(1))) {
        let in_force = if *from == ir::Day::MIN {
            None
        } else {
            Some(
                b.ins()
                    .icmp_imm_s(IntCC::SignedGreaterThanOrEqual, day, i64::from(*from)),
            )
        };
        for (slot, word) in out.iter_mut().zip(set) {
            let constant = b.ins().iconst(types::I64, *word as i64);
            *slot = match in_force {
                None => constant,
                Some(c) => b.ins().select(c, constant, *slot),
            };
        }
    }
    out
}

/// A batch's `i64` count as a pointer-sized value, a negative count as 0.
fn batch_count(b: &mut FunctionBuilder<'_>, ptr: types::Type, count: Value) -> Value {
    let count = if ptr == types::I64 {
        count
    } else {
        b.ins().ireduce(ptr, count)
    };
    let zero = b.ins().iconst(ptr, 0);
    b.ins().smax(count, zero)
}

/// `for i in 0..count { out[i] = f(items, offset of items[i]) }`, with
/// `per_turn` items a turn (a power of two) while that many remain, then
/// one a turn: a loop that bumps the item and output pointers and tests
/// once per turn. `f` reads the item at a constant offset from the turn's
/// item pointer.
#[expect(
    clippy::too_many_arguments,
    reason = "the loop's shape: sizes and unrolling, all constants"
)]
fn batch_loop(
    b: &mut FunctionBuilder<'_>,
    flags: Flags,
    params: &[Value],
    ptr: types::Type,
    item_size: i64,
    out_size: i64,
    per_turn: i64,
    mut f: impl FnMut(&mut FunctionBuilder<'_>, Value, i32) -> Value,
) {
    let [items, count, out] = values(params);
    let count = batch_count(b, ptr, count);
    let whole = b.ins().band_imm_s(count, -per_turn);
    let whole_bytes = b.ins().imul_imm_s(whole, item_size);
    let whole_end = b.ins().iadd(items, whole_bytes);
    let bytes = b.ins().imul_imm_s(count, item_size);
    let end = b.ins().iadd(items, bytes);
    let mut turn = |b: &mut FunctionBuilder<'_>, start: [Value; 2], end: Value, k: i64| -> [Value; 2] {
        let body = b.create_block();
        let exit = b.create_block();
        for _ in 0..2 {
            b.append_block_param(body, ptr);
            b.append_block_param(exit, ptr);
        }
        let any = b.ins().icmp(IntCC::UnsignedLessThan, start[0], end);
        let args = [start[0].into(), start[1].into()];
        b.ins().brif(any, body, &args, exit, &args);
        b.switch_to_block(body);
        let [item, slot] = values(b.block_params(body));
        for j in 0..k {
            let value = f(b, item, (j * item_size) as i32);
            b.ins().store(flags.write, value, slot, (j * out_size) as i32);
        }
        let next = b.ins().iadd_imm_s(item, item_size * k);
        let next_slot = b.ins().iadd_imm_s(slot, out_size * k);
        let more = b.ins().icmp(IntCC::UnsignedLessThan, next, end);
        let args = [next.into(), next_slot.into()];
        b.ins().brif(more, body, &args, exit, &args);
        b.switch_to_block(exit);
        values(b.block_params(exit))
    };
    let rest = turn(b, [items, out], whole_end, per_turn);
    if per_turn > 1 {
        turn(b, rest, end, 1);
    }
}

/// `words` with each party of `statuses` in the set if its status there is
/// `status`, else out of it.
fn with_statuses(
    b: &mut FunctionBuilder<'_>,
    mut words: Vec<Value>,
    statuses: &[(PartyId, Status)],
    status: Status,
) -> Vec<Value> {
    for (party, has) in statuses {
        let Some(word) = words.get_mut(*party as usize / 64) else {
            continue;
        };
        let bit = 1i64 << (party % 64);
        let cleared = b.ins().band_imm_u(*word, !bit);
        *word = if *has == status {
            b.ins().bor_imm_u(cleared, bit)
        } else {
            cleared
        };
    }
    words
}

/// Whether `party` (any party when `None`) may or may not have made the
/// change of window `w` by `day` (an `i8` truth): `day` is in the window
/// and the party is its party.
pub(super) fn window_open(b: &mut FunctionBuilder<'_>, w: &StatusWindow, party: Option<Value>, day: Value) -> Value {
    let inside = in_days(b, day, w.earliest, w.latest);
    match party {
        None => inside,
        Some(p) => {
            let is = b.ins().icmp_imm_s(IntCC::Equal, p, i64::from(w.party));
            b.ins().band(inside, is)
        }
    }
}

/// Whether `from <= day < until` (an `i8` truth).
fn in_days(b: &mut FunctionBuilder<'_>, day: Value, from: Day, until: Day) -> Value {
    let after = b
        .ins()
        .icmp_imm_s(IntCC::SignedGreaterThanOrEqual, day, i64::from(from));
    let before = b.ins().icmp_imm_s(IntCC::SignedLessThan, day, i64::from(until));
    b.ins().band(after, before)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn regular_terms_get_a_small_index_with_one_step() {
        // Two-year terms from 2013-08-31 (day 15948) for 200 years.
        let starts: Vec<i32> = (0..100).map(|k| 15948 + 730 * k + k / 2).collect();
        let end = 15948 + 73_100;
        let chosen = bucket_index(&starts, end);
        // One step at most, with buckets no wider than the shortest term,
        // each naming the last term started by its first day.
        assert!(
            chosen.as_ref().is_some_and(|b| b.steps <= 1
                && b.last.len() <= MAX_BUCKETS
                && 1i64 << b.shift <= 730
                && b.last.first() == Some(&0)),
            "{chosen:?}"
        );
    }

    #[test]
    fn starts_crowded_over_a_long_span_fall_back_to_the_binary_search() {
        // Eight terms on eight consecutive days, then one for 270 years:
        // buckets narrower than 8 days would be too many, and one of 8 days
        // holds eight starts.
        let mut starts: Vec<i32> = (0..8).map(|k| 20_000 + k).collect();
        starts.push(20_010);
        assert_eq!(bucket_index(&starts, 20_000 + 100_000), None);
        // Over a shorter span, 4-day buckets (at most 3 steps) are allowed.
        assert_eq!(bucket_index(&starts, 20_000 + 36_500).map(|b| b.shift), Some(2));
    }

    /// Terms of whole months (and of years) lie within a few days of even
    /// spacing over a 400-year block, so one byte per term and a step or
    /// two settle the term of any day.
    #[test]
    fn month_terms_are_estimated_within_a_step_or_two() {
        use charter_runtime::ir::{Duration, Unit};
        for (amount, unit, terms) in [
            (1, Unit::Months, 4_800),
            (7, Unit::Months, 4_800),
            (2, Unit::Years, 200),
        ] {
            let anchor = charter_runtime::date::parse("2013-08-31").unwrap_or_default();
            let length = Duration { amount, unit };
            let offsets: Vec<i32> = (0..=terms)
                .map(|k| charter_runtime::date::add(anchor, length, k).unwrap_or_default() - anchor)
                .collect();
            let period = offsets.last().copied().unwrap_or_default();
            let found = deviations(&offsets, period);
            assert!(
                found
                    .as_ref()
                    .is_some_and(|(d, _, steps)| d.len() == offsets.len() && *steps <= 2),
                "{amount} {unit:?}: {:?}",
                found.map(|(_, f, s)| (f, s))
            );
        }
    }

    #[test]
    fn no_terms_no_index() {
        assert_eq!(bucket_index(&[], 0), None);
    }
}
