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

use super::fold::{Folded, QuorumFold, BEYOND, NONE};

/// The layout of a decision record native code reads (`#[repr(C)]`).
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

const OFFSET_KIND: i32 = 0;
const OFFSET_MEETING_KIND: i32 = 4;
const OFFSET_DATE: i32 = 8;
const OFFSET_PRESENT: i32 = 16;
const OFFSET_OBJECTIONS: i32 = 24;
const RECORD_SIZE: i64 = 32;

/// The exported functions, by symbol name.
#[derive(Debug, Clone, Copy)]
pub struct Functions {
    pub members: FuncId,
    pub chair: FuncId,
    pub term_start: FuncId,
    pub term_end: FuncId,
    pub valid: FuncId,
    pub valid_batch: FuncId,
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
    ("charter_members", "uint64_t charter_members(int32_t day)"),
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

struct Tables {
    starts: DataId,
    ends: DataId,
    chairs: DataId,
    /// Number of entries, a power of two (padded with `i32::MAX` starts);
    /// the tables hold [`MAX_STEPS`] more padding entries past it.
    len: usize,
    /// The bucket index, when the term starts allow a small one.
    index: Option<BucketIndex>,
}

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

/// The bucket index for these term starts (sorted, ending at `end`): the
/// width that needs the fewest steps, then the fewest buckets. `None` when
/// no width keeps both within their limits.
fn bucket_index(starts: &[i32], end: i32) -> Option<Buckets> {
    let first = i64::from(*starts.first()?);
    let span = i64::from(end) - first;
    if span < 0 {
        return None;
    }
    let started_by = |day: i64| starts.partition_point(|s| i64::from(*s) <= day);
    let mut best: Option<(u32, usize, usize)> = None;
    for shift in (0..=20u32).rev() {
        let buckets = usize::try_from((span >> shift) + 1).ok()?;
        if buckets > MAX_BUCKETS {
            break;
        }
        let steps = (0..buckets as i64)
            .map(|k| {
                let from = first + (k << shift);
                started_by(from + (1i64 << shift) - 1) - started_by(from)
            })
            .max()?;
        if best.is_none_or(|(_, _, s)| steps < s) {
            best = Some((shift, buckets, steps));
        }
    }
    let (shift, buckets, steps) = best.filter(|(_, _, steps)| *steps <= MAX_STEPS)?;
    let last = (0..buckets as i64)
        .map(|k| i32::try_from(started_by(first + (k << shift)).checked_sub(1)?).ok())
        .collect::<Option<Vec<i32>>>()?;
    Some(Buckets { shift, steps, last })
}

/// Emits every function into `module`.
pub fn emit<M: Module>(module: &mut M, folded: &Folded, linkage: Linkage) -> ModuleResult<Functions> {
    let tables = term_tables(module, folded)?;
    let ptr = module.target_config().pointer_type();
    let sig = |params: &[types::Type], ret: Option<types::Type>, module: &M| {
        let mut s: Signature = module.make_signature();
        s.params.extend(params.iter().map(|t| AbiParam::new(*t)));
        s.returns.extend(ret.map(AbiParam::new));
        s
    };
    let members_sig = sig(&[types::I32], Some(types::I64), module);
    let day_sig = sig(&[types::I32], Some(types::I32), module);
    let valid_sig = sig(&[ptr], Some(types::I32), module);
    let batch_sig = sig(&[ptr, types::I64, ptr], None, module);
    let attend_sig = sig(&[types::I32, types::I32], Some(types::I32), module);

    let functions = Functions {
        members: module.declare_function("charter_members", linkage, &members_sig)?,
        chair: module.declare_function("charter_chair", linkage, &day_sig)?,
        term_start: module.declare_function("charter_term_start", linkage, &day_sig)?,
        term_end: module.declare_function("charter_term_end", linkage, &day_sig)?,
        valid: module.declare_function("charter_valid", linkage, &valid_sig)?,
        valid_batch: module.declare_function("charter_valid_batch", linkage, &batch_sig)?,
        chair_batch: module.declare_function("charter_chair_batch", linkage, &batch_sig)?,
        may_attend: module.declare_function("charter_may_attend", linkage, &attend_sig)?,
        may_attend_batch: module.declare_function("charter_may_attend_batch", linkage, &batch_sig)?,
    };

    let mut ctx = module.make_context();
    let mut fctx = FunctionBuilderContext::new();

    define(
        module,
        &mut ctx,
        &mut fctx,
        functions.members,
        &members_sig,
        |b, _m, params, _flags| {
            let day = params.first().copied().unwrap_or_else(|| b.ins().iconst(types::I32, 0));
            vec![members_at(b, folded, day)]
        },
    )?;
    for (id, which) in [
        (functions.chair, Which::Chair),
        (functions.term_start, Which::Start),
        (functions.term_end, Which::End),
    ] {
        define(module, &mut ctx, &mut fctx, id, &day_sig, |b, m, params, flags| {
            let day = params.first().copied().unwrap_or_else(|| b.ins().iconst(types::I32, 0));
            vec![term_lookup(b, m, flags, &tables, folded, day, which)]
        })?;
    }
    define(
        module,
        &mut ctx,
        &mut fctx,
        functions.valid,
        &valid_sig,
        |b, _m, params, flags| {
            let record = params.first().copied().unwrap_or_else(|| b.ins().iconst(ptr, 0));
            vec![valid(b, flags, folded, record)]
        },
    )?;
    define(
        module,
        &mut ctx,
        &mut fctx,
        functions.valid_batch,
        &batch_sig,
        |b, _m, params, flags| {
            batch_loop(b, flags, params, ptr, RECORD_SIZE, 1, |b, item| {
                let ok = valid(b, flags, folded, item);
                b.ins().ireduce(types::I8, ok)
            });
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
            batch_loop(b, flags, params, ptr, 4, 4, |b, item| {
                let day = b.ins().load(types::I32, flags.read, item, 0);
                term_lookup(b, m, flags, &tables, folded, day, Which::Chair)
            });
            vec![]
        },
    )?;
    define(
        module,
        &mut ctx,
        &mut fctx,
        functions.may_attend,
        &attend_sig,
        |b, _m, params, _flags| {
            let zero = b.ins().iconst(types::I32, 0);
            let party = params.first().copied().unwrap_or(zero);
            let day = params.get(1).copied().unwrap_or(zero);
            vec![may_attend(b, folded, party, day)]
        },
    )?;
    define(
        module,
        &mut ctx,
        &mut fctx,
        functions.may_attend_batch,
        &batch_sig,
        |b, _m, params, flags| {
            batch_loop(b, flags, params, ptr, 8, 1, |b, item| {
                let party = b.ins().load(types::I32, flags.read, item, 0);
                let day = b.ins().load(types::I32, flags.read, item, 4);
                let ok = may_attend(b, folded, party, day);
                b.ins().ireduce(types::I8, ok)
            });
            vec![]
        },
    )?;
    Ok(functions)
}

/// Whether `party` may attend a meeting on `day` by its status: a shift of
/// the attendance bitset in force that day. Parties past bit 63 may not.
fn may_attend(b: &mut FunctionBuilder<'_>, folded: &Folded, party: Value, day: Value) -> Value {
    let mask = epoch_at(b, &folded.attend_epochs, day);
    let shift = b.ins().uextend(types::I64, party);
    let in_range = b.ins().icmp_imm_s(IntCC::UnsignedLessThan, shift, 64);
    let shifted = b.ins().ushr(mask, shift);
    let bit = b.ins().band_imm_u(shifted, 1);
    let set = b.ins().icmp_imm_s(IntCC::NotEqual, bit, 0);
    let ok = b.ins().band(in_range, set);
    b.ins().uextend(types::I32, ok)
}

/// Memory flags for table reads and output writes: aligned, never trapping.
#[derive(Clone, Copy)]
struct Flags {
    read: MemFlagsData,
    write: MemFlagsData,
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

/// Writes the term table: starts, ends and chairs, padded to a power of
/// two and then by [`MAX_STEPS`] entries; and the bucket index over the
/// starts when one is small.
fn term_tables<M: Module>(module: &mut M, folded: &Folded) -> ModuleResult<Tables> {
    let len = folded.terms.len().max(1).next_power_of_two();
    let mut starts = Vec::with_capacity((len + MAX_STEPS) * 4);
    let mut ends = Vec::with_capacity((len + MAX_STEPS) * 4);
    let mut chairs = Vec::with_capacity((len + MAX_STEPS) * 4);
    for i in 0..len + MAX_STEPS {
        let (start, chair) = folded.terms.get(i).copied().unwrap_or((i32::MAX, NONE));
        let end = folded.terms.get(i + 1).map_or(folded.terms_end, |(s, _)| *s);
        starts.extend_from_slice(&start.to_le_bytes());
        ends.extend_from_slice(&end.to_le_bytes());
        chairs.extend_from_slice(&chair.to_le_bytes());
    }
    let mut data = |name: &str, bytes: Vec<u8>| -> ModuleResult<DataId> {
        let id = module.declare_data(name, Linkage::Local, false, false)?;
        let mut description = DataDescription::new();
        description.define(bytes.into_boxed_slice());
        description.set_align(4);
        module.define_data(id, &description)?;
        Ok(id)
    };
    let term_starts: Vec<i32> = folded.terms.iter().map(|(start, _)| *start).collect();
    let index = match bucket_index(&term_starts, folded.terms_end) {
        None => None,
        Some(buckets) => Some(BucketIndex {
            data: data(
                "charter_term_index",
                buckets.last.iter().flat_map(|i| i.to_le_bytes()).collect(),
            )?,
            shift: buckets.shift,
            buckets: buckets.last.len(),
            steps: buckets.steps,
        }),
    };
    Ok(Tables {
        starts: data("charter_term_starts", starts)?,
        ends: data("charter_term_ends", ends)?,
        chairs: data("charter_term_chairs", chairs)?,
        len,
        index,
    })
}

/// The members on `day` as a bitset.
fn members_at(b: &mut FunctionBuilder<'_>, folded: &Folded, day: Value) -> Value {
    epoch_at(b, &folded.member_epochs, day)
}

/// The bitset of the last epoch whose start is on or before `day`, chosen
/// by a chain of comparisons (epochs are sorted; the first starts at
/// `i32::MIN`).
fn epoch_at(b: &mut FunctionBuilder<'_>, epochs: &[(i32, u64)], day: Value) -> Value {
    let mut bits = b.ins().iconst(types::I64, 0);
    for (from, mask) in epochs {
        let constant = b.ins().iconst(types::I64, *mask as i64);
        if *from == i32::MIN {
            bits = constant;
            continue;
        }
        let on_or_after = b
            .ins()
            .icmp_imm_s(IntCC::SignedGreaterThanOrEqual, day, i64::from(*from));
        bits = b.ins().select(on_or_after, constant, bits);
    }
    bits
}

#[derive(Clone, Copy)]
enum Which {
    Chair,
    Start,
    End,
}

/// The chair, start or end of the term containing `day`: `NONE` before the
/// first term, `BEYOND` past the folded terms.
fn term_lookup<M: Module>(
    b: &mut FunctionBuilder<'_>,
    module: &mut M,
    flags: Flags,
    tables: &Tables,
    folded: &Folded,
    day: Value,
    which: Which,
) -> Value {
    let ptr = module.target_config().pointer_type();
    let Some((first, _)) = folded.terms.first() else {
        return b.ins().iconst(types::I32, i64::from(NONE));
    };
    let base = |b: &mut FunctionBuilder<'_>, module: &mut M, id: DataId| {
        let gv = module.declare_data_in_func(id, b.func);
        b.ins().symbol_value(ptr, gv)
    };
    let starts = base(b, module, tables.starts);
    let lo = match &tables.index {
        Some(index) => {
            // The bucket of `day` (clamped into the index: a day outside
            // the terms is answered by the selects below), its term, then
            // one comparison per term that may start within the bucket.
            let rel = b.ins().iadd_imm_s(day, -i64::from(*first));
            let zero = b.ins().iconst(types::I32, 0);
            let rel = b.ins().smax(rel, zero);
            let bucket = b.ins().ushr_imm_u(rel, i64::from(index.shift));
            let last = b.ins().iconst(types::I32, index.buckets as i64 - 1);
            let bucket = b.ins().umin(bucket, last);
            let bucket = b.ins().uextend(ptr, bucket);
            let offset = b.ins().ishl_imm_u(bucket, 2);
            let table = base(b, module, index.data);
            let address = b.ins().iadd(table, offset);
            let found = b.ins().load(types::I32, flags.read, address, 0);
            let mut lo = b.ins().uextend(ptr, found);
            for _ in 0..index.steps {
                let next = b.ins().iadd_imm_s(lo, 1);
                let offset = b.ins().ishl_imm_u(next, 2);
                let address = b.ins().iadd(starts, offset);
                let start = b.ins().load(types::I32, flags.read, address, 0);
                let fits = b.ins().icmp(IntCC::SignedLessThanOrEqual, start, day);
                lo = b.ins().select(fits, next, lo);
            }
            lo
        }
        None => {
            // Branchless binary search for the last start on or before `day`.
            let mut lo = b.ins().iconst(ptr, 0);
            let mut step = tables.len / 2;
            while step > 0 {
                let candidate = b.ins().iadd_imm_s(lo, step as i64);
                let offset = b.ins().ishl_imm_u(candidate, 2);
                let address = b.ins().iadd(starts, offset);
                let start = b.ins().load(types::I32, flags.read, address, 0);
                let fits = b.ins().icmp(IntCC::SignedLessThanOrEqual, start, day);
                lo = b.ins().select(fits, candidate, lo);
                step /= 2;
            }
            lo
        }
    };
    let table = match which {
        Which::Chair => tables.chairs,
        Which::Start => tables.starts,
        Which::End => tables.ends,
    };
    let values = base(b, module, table);
    let offset = b.ins().ishl_imm_u(lo, 2);
    let address = b.ins().iadd(values, offset);
    let found = b.ins().load(types::I32, flags.read, address, 0);
    let none = b.ins().iconst(types::I32, i64::from(NONE));
    let beyond = b.ins().iconst(types::I32, i64::from(BEYOND));
    let before = b.ins().icmp_imm_s(IntCC::SignedLessThan, day, i64::from(*first));
    let after = b
        .ins()
        .icmp_imm_s(IntCC::SignedGreaterThanOrEqual, day, i64::from(folded.terms_end));
    let value = b.ins().select(after, beyond, found);
    b.ins().select(before, none, value)
}

/// `valid(decision)` for the record at `record`: 1 or 0.
fn valid(b: &mut FunctionBuilder<'_>, flags: Flags, folded: &Folded, record: Value) -> Value {
    let flags = flags.read;
    let kind = b.ins().load(types::I32, flags, record, OFFSET_KIND);
    let meeting_kind = b.ins().load(types::I32, flags, record, OFFSET_MEETING_KIND);
    let day = b.ins().load(types::I32, flags, record, OFFSET_DATE);
    let present = b.ins().load(types::I64, flags, record, OFFSET_PRESENT);
    let objections = b.ins().load(types::I64, flags, record, OFFSET_OBJECTIONS);

    let members = members_at(b, folded, day);
    let present_members = b.ins().band(present, members);
    let blocking = b.ins().band(objections, present_members);
    let no_objection = b.ins().icmp_imm_s(IntCC::Equal, blocking, 0);

    // The rules in force on the day: allowed meeting kinds and quorum.
    let all = b.ins().iconst(types::I64, -1);
    let zero64 = b.ins().iconst(types::I64, 0);
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
        let (m, a, q) = match version.quorum {
            QuorumFold::None => (0, 0, 0),
            QuorumFold::Count(n) => (1, n, 0),
            QuorumFold::Ratio(x, y) => (2, x, y),
        };
        let m = b.ins().iconst(types::I32, m);
        let a = b.ins().iconst(types::I64, a);
        let q = b.ins().iconst(types::I64, q);
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

    let ok = b.ins().band(no_objection, kind_ok);
    // A policy that never states a quorum (the Almaty modalities) pays nothing for one.
    let ok = if folded.versions.iter().all(|(_, v)| v.quorum == QuorumFold::None) {
        ok
    } else {
        let count = b.ins().popcnt(present_members);
        let member_count = b.ins().popcnt(members);
        let count_ok = b.ins().icmp(IntCC::SignedGreaterThanOrEqual, count, qa);
        let lhs = b.ins().imul(count, qb);
        let rhs = b.ins().imul(qa, member_count);
        let ratio_ok = b.ins().icmp(IntCC::SignedGreaterThanOrEqual, lhs, rhs);
        let is_count = b.ins().icmp_imm_s(IntCC::Equal, mode, 1);
        let is_ratio = b.ins().icmp_imm_s(IntCC::Equal, mode, 2);
        let one = b.ins().iconst(types::I8, 1);
        let quorum_ok = b.ins().select(is_ratio, ratio_ok, one);
        let quorum_ok = b.ins().select(is_count, count_ok, quorum_ok);
        b.ins().band(ok, quorum_ok)
    };
    b.ins().uextend(types::I32, ok)
}

/// `for i in 0..count { out[i] = f(&items[i]) }`.
fn batch_loop(
    b: &mut FunctionBuilder<'_>,
    flags: Flags,
    params: &[Value],
    ptr: types::Type,
    item_size: i64,
    out_size: i64,
    f: impl FnOnce(&mut FunctionBuilder<'_>, Value) -> Value,
) {
    let (Some(items), Some(count), Some(out)) = (params.first(), params.get(1), params.get(2)) else {
        return;
    };
    let (items, count, out) = (*items, *count, *out);
    let header = b.create_block();
    let body = b.create_block();
    let exit = b.create_block();
    b.append_block_param(header, types::I64);
    let zero = b.ins().iconst(types::I64, 0);
    b.ins().jump(header, &[zero.into()]);

    b.switch_to_block(header);
    let i = b.block_params(header).first().copied().unwrap_or(zero);
    let more = b.ins().icmp(IntCC::SignedLessThan, i, count);
    b.ins().brif(more, body, &[], exit, &[]);

    b.switch_to_block(body);
    let index = if ptr == types::I64 { i } else { b.ins().ireduce(ptr, i) };
    let item_offset = b.ins().imul_imm_s(index, item_size);
    let item = b.ins().iadd(items, item_offset);
    let value = f(b, item);
    let out_offset = b.ins().imul_imm_s(index, out_size);
    let slot = b.ins().iadd(out, out_offset);
    b.ins().store(flags.write, value, slot, 0);
    let next = b.ins().iadd_imm_s(i, 1);
    b.ins().jump(header, &[next.into()]);

    b.switch_to_block(exit);
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

    #[test]
    fn no_terms_no_index() {
        assert_eq!(bucket_index(&[], 0), None);
    }
}
