//! User rules, test steps and queries -> native code: the expression
//! language compiled with cranelift against the same tables the built-in
//! queries read (booleans, integers, dates and durations, parties, statuses,
//! kinds, sets of parties, meetings and decisions, `if`, bounded
//! quantifiers, record fields, calls to rules and built-ins).
//!
//! Every compiled function returns a status (`OK`, or the error the
//! interpreter would raise) and writes its value through a pointer. An
//! absent value (`none`) is `i32::MIN` for a party, date or status and
//! `i64::MIN` for an integer (integers range over ±(2^63 - 1)).
//!
//! What is not compiled is said, with the reason ([`NotNative`]): sets of
//! anything but parties, violations, durations other than literals, and
//! rules whose calls, unshared, would run more than [`MAX_CALLS`] times.

#![expect(
    clippy::result_large_err,
    reason = "ModuleError is cranelift's own error, returned at most once per compilation; boxing it buys nothing"
)]
#![expect(
    clippy::wildcard_enum_match_arm,
    reason = "a value of any other kind where one kind is wanted is not compiled (NotNative): the interpreter answers, so a new kind is safe by default"
)]

use std::collections::HashMap;

use charter_runtime::ir::Status;
use charter_runtime::ir::{self, BinOp, Builtin, Expr, Field, Unit};
use charter_runtime::tables::{attends_as, set_of, StatusQuestion, StatusWindow};
use cranelift_codegen::ir::condcodes::IntCC;
use cranelift_codegen::ir::{
    types, AbiParam, Block, InstBuilder, Signature, StackSlotData, StackSlotKind, UserFuncName, Value,
};
use cranelift_frontend::{FunctionBuilder, FunctionBuilderContext};
use cranelift_module::{DataDescription, DataId, FuncId, Linkage, Module, ModuleResult};

use super::emit::{values, window_open, Emitter, Flags, Which};

/// Statuses a compiled function returns.
pub const OK: i32 = 0;
pub const OVERFLOW: i32 = 1;
pub const OUT_OF_RANGE: i32 = 2;
pub const MALFORMED: i32 = 3;
/// The answer depends on a fact nobody recorded (the interpreter's
/// `EvalError::Unknown`): not an error, an answer of its own.
pub const UNKNOWN: i32 = 4;
/// A well-typed value was `none` where one is needed (compared by order,
/// multiplied or negated, a meeting's date): the interpreter's
/// `EvalError::NoValue`, which names the expression.
pub const NO_VALUE: i32 = 5;

/// Why native code does not answer on the chair's terms of a policy whose
/// terms follow a decided hand-over or extension dated only by a window.
pub const TERMS_SHIFT: &str =
    "the chair's terms, which follow a decided hand-over or extension the history dates only by a window";

/// `none` as an integer.
pub const NONE_INT: i64 = i64::MIN;
const NONE32: i64 = i32::MIN as i64;

/// The most rule calls one evaluation may make, counted without sharing
/// (the interpreter remembers each call's value; native code calls again).
pub const MAX_CALLS: f64 = 1e8;

/// The calendar's first day (0001-01-01), as the interpreter's date
/// arithmetic bounds it.
const FIRST_DAY: i64 = charter_runtime::date::FIRST as i64;

/// Why an expression or rule is not compiled to native code.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct NotNative(pub String);

/// `recorded_chair` and `recorded_status` compile to one comparison per
/// record; beyond this many records the interpreter answers.
const MAX_RECORDED_OFFICES: usize = 256;
/// Group epochs native code selects between for `group(G, d)`; past
/// this, the interpreter answers.
const MAX_GROUP_EPOCHS: usize = 256;

fn not_native<T>(what: impl Into<String>) -> Result<T, NotNative> {
    Err(NotNative(what.into()))
}

/// The native types.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NTy {
    Bool,
    Int,
    Date,
    Party,
    Status,
    MeetingKind,
    DecisionKind,
    /// The type of `none`.
    None,
    /// A literal duration (known when compiling).
    Duration,
    Parties,
    Meeting,
    Decision,
    /// A named group, by its index.
    Group,
}

impl NTy {
    pub fn of(t: &ir::Type) -> Result<NTy, NotNative> {
        Ok(match t {
            ir::Type::Bool => NTy::Bool,
            ir::Type::Int => NTy::Int,
            ir::Type::Date => NTy::Date,
            ir::Type::Party => NTy::Party,
            ir::Type::Status => NTy::Status,
            ir::Type::MeetingKind => NTy::MeetingKind,
            ir::Type::DecisionKind => NTy::DecisionKind,
            ir::Type::Meeting => NTy::Meeting,
            ir::Type::Decision => NTy::Decision,
            ir::Type::None => NTy::None,
            ir::Type::Set(item) if matches!(**item, ir::Type::Party | ir::Type::None) => NTy::Parties,
            ir::Type::Set(_) => return not_native("a set of values other than parties"),
            ir::Type::Duration => return not_native("a duration that is not a literal"),
            ir::Type::Violation => return not_native("a violation"),
            ir::Type::Group => NTy::Group,
        })
    }

    /// The type of a value given as a fact or bound by a test.
    pub fn of_value(v: &charter_runtime::Value) -> Result<NTy, NotNative> {
        use charter_runtime::Value as V;
        Ok(match v {
            V::Bool(_) => NTy::Bool,
            V::Int(_) => NTy::Int,
            V::Date(_) => NTy::Date,
            V::None => NTy::None,
            V::Party(_) => NTy::Party,
            V::Status(_) => NTy::Status,
            V::MeetingKind(_) => NTy::MeetingKind,
            V::DecisionKind(_) => NTy::DecisionKind,
            V::Meeting(_) => NTy::Meeting,
            V::Decision(_) => NTy::Decision,
            V::Set(items) if items.iter().all(|i| matches!(i, V::Party(_) | V::None)) => NTy::Parties,
            V::Set(_) => return not_native("a set of values other than parties"),
            V::Duration(_) => return not_native("a duration value"),
            V::Violation(_) => return not_native("a violation"),
            V::Group(_) => NTy::Group,
        })
    }

    /// The cranelift type of a scalar.
    fn scalar(self, ptr: types::Type) -> types::Type {
        match self {
            NTy::Bool => types::I8,
            NTy::Int => types::I64,
            NTy::Date
            | NTy::Party
            | NTy::Status
            | NTy::MeetingKind
            | NTy::DecisionKind
            | NTy::Group
            | NTy::None
            | NTy::Duration => types::I32,
            NTy::Parties | NTy::Meeting | NTy::Decision => ptr,
        }
    }
}

/// Where meetings, decisions and sets of `words` words live in memory.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Layout {
    pub words: usize,
}

impl Layout {
    /// `struct charter_meeting`: kind, date, host, recorded index (-1 for
    /// none), present, observers.
    pub fn meeting_size(self) -> usize {
        16 + 16 * self.words
    }
    pub fn present(self) -> usize {
        16
    }
    pub fn observers(self) -> usize {
        16 + 8 * self.words
    }
    /// `struct charter_decision_value`: kind, recorded index (-1 for none), meeting,
    /// objections, reservations, subjects.
    pub fn decision_size(self) -> usize {
        8 + self.meeting_size() + 24 * self.words
    }
    pub fn decision_meeting(self) -> usize {
        8
    }
    pub fn objections(self) -> usize {
        8 + self.meeting_size()
    }
    pub fn reservations(self) -> usize {
        self.objections() + 8 * self.words
    }
    pub fn subjects(self) -> usize {
        self.objections() + 16 * self.words
    }
    /// `u64` words of a result: a set's words and its `none` flag, or a
    /// decision, whichever is larger.
    pub fn out_words(self) -> usize {
        (self.words + 1).max(self.decision_size() / 8)
    }
}

/// A value while compiling.
#[derive(Debug, Clone)]
enum NVal {
    Scalar(Value, NTy),
    Duration(ir::Duration),
    /// Words, and an `i8` flag: whether the set holds `none`.
    Parties(Vec<Value>, Value),
    /// A pointer to a meeting or a decision.
    Record(Value, NTy),
}

impl NVal {
    fn ty(&self) -> NTy {
        match self {
            NVal::Scalar(_, t) | NVal::Record(_, t) => *t,
            NVal::Duration(_) => NTy::Duration,
            NVal::Parties(..) => NTy::Parties,
        }
    }
}

/// A rule compiled to a native function.
#[derive(Debug, Clone)]
pub struct RuleFn {
    pub id: FuncId,
    pub name: String,
    pub params: Vec<NTy>,
    pub returns: NTy,
}

/// What to compile besides the rules: an expression over typed locals.
#[derive(Debug, Clone)]
pub struct Query {
    pub expr: Expr,
    pub locals: Vec<Local>,
}

/// The type of a query's local: known, or that of an earlier query's
/// result (a test's `let`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Local {
    Ty(NTy),
    ResultOf(usize),
}

/// A query compiled to `fn(slots, out) -> status` with the types of its
/// slots and result, or why not.
pub type QueryFn = Result<(FuncId, Vec<NTy>, NTy), NotNative>;

/// The compiled language: rules (by index, or why not) and queries.
pub struct Compiled {
    pub rules: Vec<Result<RuleFn, NotNative>>,
    /// Per native rule, `fn(slots, out) -> status` calling it.
    pub rule_slots: Vec<Option<FuncId>>,
    pub queries: Vec<QueryFn>,
}

/// Compiles every rule it can, then the queries, into `module`.
pub(super) fn emit<M: Module>(
    module: &mut M,
    e: &Emitter<'_>,
    bundle: &ir::Bundle,
    linkage: Linkage,
    queries: &[Query],
) -> ModuleResult<Compiled> {
    let layout = Layout { words: e.folded.words };
    let mut ctx = module.make_context();
    let mut fctx = FunctionBuilderContext::new();
    let mut records = Records::default();
    let costs = Costs::new(bundle, e.folded.party_count);
    let mut rules: Vec<Result<RuleFn, NotNative>> = (0..bundle.rules.len())
        .map(|_| not_native("not compiled yet"))
        .collect();
    for index in call_order(bundle) {
        let Some(rule) = bundle.rules.get(index) else {
            continue;
        };
        let signature = rule
            .param_types
            .iter()
            .map(NTy::of)
            .collect::<Result<Vec<_>, _>>()
            .and_then(|params| Ok((params, NTy::of(&rule.returns)?)));
        let (params, returns) = match signature {
            Ok(sig) => sig,
            Err(why) => {
                set(&mut rules, index, Err(why));
                continue;
            }
        };
        if params.contains(&NTy::Parties) || matches!(returns, NTy::Meeting | NTy::Decision | NTy::Duration) {
            set(
                &mut rules,
                index,
                not_native("a set as a parameter, or a record as the result"),
            );
            continue;
        }
        let calls = costs.rule(index);
        if calls > MAX_CALLS {
            set(
                &mut rules,
                index,
                not_native(format!("it would call rules about {calls:.0e} times")),
            );
            continue;
        }
        let ptr = module.target_config().pointer_type();
        let mut sig = module.make_signature();
        sig.params.extend(params.iter().map(|t| AbiParam::new(t.scalar(ptr))));
        sig.params.push(AbiParam::new(ptr));
        sig.returns.push(AbiParam::new(types::I32));
        let built = build(module, &mut ctx, &mut fctx, &sig, |b, m, args, flags, err| {
            let (out, args) = args.split_last().ok_or_else(|| NotNative("no out pointer".into()))?;
            let mut fx = Fx {
                e,
                m,
                flags,
                err,
                rules: &rules,
                bundle,
                layout,
                records: &mut records,
            };
            let mut locals: Vec<NVal> = args
                .iter()
                .zip(&params)
                .map(|(v, t)| match t {
                    NTy::Meeting | NTy::Decision => NVal::Record(*v, *t),
                    _ => NVal::Scalar(*v, *t),
                })
                .collect();
            let value = fx.compile(b, &rule.body, &mut locals)?;
            let value = fx.coerce(b, value, returns)?;
            fx.store_result(b, *out, &value);
            Ok(())
        });
        match built {
            Ok(()) => {
                let id = module.declare_function(&format!("charter_rule_{}", rule.name), linkage, &sig)?;
                define(module, &mut ctx, id)?;
                set(
                    &mut rules,
                    index,
                    Ok(RuleFn {
                        id,
                        name: rule.name.clone(),
                        params,
                        returns,
                    }),
                );
            }
            Err(why) => {
                module.clear_context(&mut ctx);
                set(&mut rules, index, Err(why));
            }
        }
    }
    // A `(slots, out)` entry per native rule, and per query.
    let mut rule_slots = Vec::with_capacity(rules.len());
    for (index, rule) in rules.iter().enumerate() {
        let Ok(rule) = rule else {
            rule_slots.push(None);
            continue;
        };
        let call = Expr::Rule(index as u32, (0..rule.params.len() as u32).map(Expr::Local).collect());
        let name = format!("charter_rule_{}_slots", rule.name);
        let compiled = slots_function(
            module,
            &mut ctx,
            &mut fctx,
            e,
            bundle,
            layout,
            &rules,
            &mut records,
            &call,
            &rule.params,
            &name,
            &costs,
        )?;
        rule_slots.push(compiled.ok().map(|(id, _, _)| id));
    }
    let mut compiled_queries: Vec<QueryFn> = Vec::with_capacity(queries.len());
    for (i, query) in queries.iter().enumerate() {
        let locals = query
            .locals
            .iter()
            .map(|l| match l {
                Local::Ty(t) => Ok(*t),
                Local::ResultOf(j) => match compiled_queries.get(*j) {
                    Some(Ok((_, _, t))) => Ok(*t),
                    _ => not_native("it uses a value that is not native"),
                },
            })
            .collect::<Result<Vec<NTy>, NotNative>>();
        let compiled = match locals {
            Ok(locals) => {
                let name = format!("charter_query_{i}");
                slots_function(
                    module,
                    &mut ctx,
                    &mut fctx,
                    e,
                    bundle,
                    layout,
                    &rules,
                    &mut records,
                    &query.expr,
                    &locals,
                    &name,
                    &costs,
                )?
            }
            Err(why) => Err(why),
        };
        compiled_queries.push(compiled);
    }
    Ok(Compiled {
        rules,
        rule_slots,
        queries: compiled_queries,
    })
}

fn set<T>(list: &mut [T], index: usize, value: T) {
    if let Some(slot) = list.get_mut(index) {
        *slot = value;
    }
}

/// `fn(slots: *const u64, out: *mut u64) -> i32` evaluating `query`.
#[expect(
    clippy::too_many_arguments,
    reason = "the compilation context, passed as it is threaded"
)]
fn slots_function<M: Module>(
    module: &mut M,
    ctx: &mut cranelift_codegen::Context,
    fctx: &mut FunctionBuilderContext,
    e: &Emitter<'_>,
    bundle: &ir::Bundle,
    layout: Layout,
    rules: &[Result<RuleFn, NotNative>],
    records: &mut Records,
    expr: &Expr,
    local_types: &[NTy],
    name: &str,
    costs: &Costs,
) -> ModuleResult<QueryFn> {
    let calls = costs.expr(expr, 1.0);
    if calls > MAX_CALLS {
        return Ok(not_native(format!("it would call rules about {calls:.0e} times")));
    }
    let ptr = module.target_config().pointer_type();
    let mut sig = module.make_signature();
    sig.params.push(AbiParam::new(ptr));
    sig.params.push(AbiParam::new(ptr));
    sig.returns.push(AbiParam::new(types::I32));
    let mut result_ty = NTy::None;
    let built = build(module, ctx, fctx, &sig, |b, m, args, flags, err| {
        let [slots, out] = values(args);
        let mut fx = Fx {
            e,
            m,
            flags,
            err,
            rules,
            bundle,
            layout,
            records,
        };
        let mut locals = Vec::with_capacity(local_types.len());
        for (i, t) in local_types.iter().enumerate() {
            let offset = (i * 8) as i32;
            locals.push(match t {
                NTy::Parties => {
                    let at = b.ins().load(ptr, flags.read, slots, offset);
                    fx.load_set(b, at, 0, true)
                }
                NTy::Meeting | NTy::Decision => NVal::Record(b.ins().load(ptr, flags.read, slots, offset), *t),
                NTy::Duration => return not_native("a duration value"),
                NTy::Bool
                | NTy::Int
                | NTy::Date
                | NTy::Party
                | NTy::Status
                | NTy::MeetingKind
                | NTy::DecisionKind
                | NTy::Group
                | NTy::None => {
                    let raw = b.ins().load(types::I64, flags.read, slots, offset);
                    let value = match t.scalar(ptr) {
                        types::I64 => raw,
                        small => b.ins().ireduce(small, raw),
                    };
                    NVal::Scalar(value, *t)
                }
            });
        }
        let value = fx.compile(b, expr, &mut locals)?;
        if let NVal::Duration(_) = value {
            return not_native("a duration value");
        }
        result_ty = value.ty();
        fx.store_result(b, out, &value);
        Ok(())
    });
    match built {
        Ok(()) => {
            let id = module.declare_function(name, Linkage::Export, &sig)?;
            define(module, ctx, id)?;
            Ok(Ok((id, local_types.to_vec(), result_ty)))
        }
        Err(why) => {
            module.clear_context(ctx);
            Ok(Err(why))
        }
    }
}

/// Builds a function body into `ctx`: `body` gets the parameters and the
/// error block (which returns its one argument) and writes the result;
/// then the function returns `OK`.
fn build<M: Module>(
    module: &mut M,
    ctx: &mut cranelift_codegen::Context,
    fctx: &mut FunctionBuilderContext,
    sig: &Signature,
    body: impl FnOnce(&mut FunctionBuilder<'_>, &mut M, &[Value], Flags, Block) -> Result<(), NotNative>,
) -> Result<(), NotNative> {
    ctx.func.signature = sig.clone();
    let frontend = module.target_config();
    let mut b = FunctionBuilder::new(&mut ctx.func, fctx);
    let flags = Flags {
        read: cranelift_codegen::ir::MemFlagsData::trusted(),
        write: cranelift_codegen::ir::MemFlagsData::trusted(),
    };
    let entry = b.create_block();
    let err = b.create_block();
    b.append_block_params_for_function_params(entry);
    b.append_block_param(err, types::I32);
    b.switch_to_block(entry);
    let params = b.block_params(entry).to_vec();
    let result = body(&mut b, module, &params, flags, err);
    if result.is_err() {
        // The half-built function is abandoned; the builder's context
        // starts afresh.
        *fctx = FunctionBuilderContext::new();
        return result;
    }
    {
        let ok = b.ins().iconst(types::I32, i64::from(OK));
        b.ins().return_(&[ok]);
        b.switch_to_block(err);
        let [code] = values(b.block_params(err));
        b.ins().return_(&[code]);
        b.seal_all_blocks();
        b.finalize(frontend);
    }
    result
}

fn define<M: Module>(module: &mut M, ctx: &mut cranelift_codegen::Context, id: FuncId) -> ModuleResult<()> {
    ctx.func.name = UserFuncName::user(1, id.as_u32());
    module.define_function(id, ctx)?;
    module.clear_context(ctx);
    Ok(())
}

/// Rules in an order where each comes after the rules it calls.
fn call_order(bundle: &ir::Bundle) -> Vec<usize> {
    fn calls(expr: &Expr, out: &mut Vec<usize>) {
        visit(expr, &mut |e| {
            if let Expr::Rule(i, _) = e {
                out.push(*i as usize);
            }
        });
    }
    let n = bundle.rules.len();
    let mut order = Vec::with_capacity(n);
    let mut state = vec![0u8; n];
    for root in 0..n {
        // Iterative depth-first search: (rule, its callees, next callee).
        let mut stack: Vec<(usize, Vec<usize>, usize)> = Vec::new();
        if state.get(root) != Some(&0) {
            continue;
        }
        let mut callees = Vec::new();
        if let Some(rule) = bundle.rules.get(root) {
            calls(&rule.body, &mut callees);
        }
        set(&mut state, root, 1);
        stack.push((root, callees, 0));
        while let Some((rule, callees, next)) = stack.last_mut() {
            match callees.get(*next).copied() {
                Some(callee) => {
                    *next += 1;
                    if state.get(callee) == Some(&0) {
                        set(&mut state, callee, 1);
                        let mut more = Vec::new();
                        if let Some(r) = bundle.rules.get(callee) {
                            calls(&r.body, &mut more);
                        }
                        stack.push((callee, more, 0));
                    }
                }
                None => {
                    let done = *rule;
                    set(&mut state, done, 2);
                    order.push(done);
                    stack.pop();
                }
            }
        }
    }
    order
}

/// Calls `f` on `expr` and every expression inside it.
fn visit(expr: &Expr, f: &mut impl FnMut(&Expr)) {
    let mut stack = vec![expr];
    while let Some(e) = stack.pop() {
        f(e);
        visit_children(e, &mut stack);
    }
}

/// How many rule calls an evaluation makes, counted without sharing: each
/// call site costs its rule's count, times the parties a quantifier around
/// it may range over.
struct Costs {
    rules: Vec<f64>,
    loop_bound: f64,
}

impl Costs {
    fn new(bundle: &ir::Bundle, parties: usize) -> Costs {
        let mut costs = Costs {
            rules: vec![0.0; bundle.rules.len()],
            loop_bound: parties as f64 + 1.0,
        };
        for index in call_order(bundle) {
            if let Some(rule) = bundle.rules.get(index) {
                let cost = 1.0 + costs.expr(&rule.body, 1.0);
                set(&mut costs.rules, index, cost);
            }
        }
        costs
    }

    fn rule(&self, index: usize) -> f64 {
        self.rules.get(index).copied().unwrap_or(0.0)
    }

    fn expr(&self, expr: &Expr, times: f64) -> f64 {
        // Iterative: (expression, how many times it runs).
        let mut total = 0.0;
        let mut stack = vec![(expr, times)];
        while let Some((e, n)) = stack.pop() {
            match e {
                Expr::Rule(i, args) => {
                    total += n * self.rule(*i as usize);
                    stack.extend(args.iter().map(|a| (a, n)));
                }
                Expr::Quantifier { set, body, .. } | Expr::Filter { set, cond: body, .. } => {
                    stack.push((set, n));
                    stack.push((body, n * self.loop_bound));
                }
                other => {
                    let mut children = Vec::new();
                    visit_children(other, &mut children);
                    stack.extend(children.into_iter().map(|c| (c, n)));
                }
            }
        }
        total
    }
}

fn visit_children<'e>(expr: &'e Expr, out: &mut Vec<&'e Expr>) {
    match expr {
        Expr::Bool(_)
        | Expr::Int(_)
        | Expr::Date(_)
        | Expr::Duration(_)
        | Expr::None
        | Expr::Party(_)
        | Expr::Status(_)
        | Expr::MeetingKind(_)
        | Expr::DecisionKind(_)
        | Expr::Group(_)
        | Expr::MeetingRecord(_)
        | Expr::DecisionRecord(_)
        | Expr::Local(_) => {}
        Expr::Set(items) | Expr::Builtin(_, items) | Expr::Rule(_, items) => out.extend(items),
        Expr::MeetingLit(fields) | Expr::DecisionLit(fields) => out.extend(fields.iter().map(|(_, e)| e)),
        Expr::Field(e, _) | Expr::Not(e) | Expr::Neg(e) => out.push(e),
        Expr::Binary(_, a, b) => out.extend([&**a, &**b]),
        Expr::If(c, t, o) => out.extend([&**c, &**t, &**o]),
        Expr::Quantifier { set, body, .. } | Expr::Filter { set, cond: body, .. } => out.extend([&**set, &**body]),
    }
}

/// Recorded meetings and decisions written as constant data, once each.
#[derive(Default)]
struct Records(HashMap<Recorded, DataId>);

/// A recorded meeting or decision, by its index in the history.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Recorded {
    Meeting(u32),
    Decision(u32),
}

/// The bytes of a meeting in the native layout.
pub fn meeting_bytes(layout: Layout, m: &ir::Meeting, record: i32) -> Vec<u8> {
    let mut bytes = Vec::with_capacity(layout.meeting_size());
    bytes.extend_from_slice(&(m.kind as i32).to_le_bytes());
    bytes.extend_from_slice(&m.date.to_le_bytes());
    bytes.extend_from_slice(&m.host.map_or(i32::MIN, |h| h as i32).to_le_bytes());
    bytes.extend_from_slice(&record.to_le_bytes());
    for set in [&m.present, &m.observers] {
        bytes.extend(set_of(layout.words, set.iter()).iter().flat_map(|w| w.to_le_bytes()));
    }
    bytes
}

/// The bytes of a decision in the native layout (`record`: its index in
/// `history.decisions`, or -1).
pub fn decision_bytes(layout: Layout, d: &ir::Decision, record: i32, meeting_record: i32) -> Vec<u8> {
    let mut bytes = Vec::with_capacity(layout.decision_size());
    bytes.extend_from_slice(&(d.kind as i32).to_le_bytes());
    bytes.extend_from_slice(&record.to_le_bytes());
    bytes.extend(meeting_bytes(layout, &d.meeting, meeting_record));
    for set in [&d.objections, &d.reservations, &d.subjects] {
        bytes.extend(set_of(layout.words, set.iter()).iter().flat_map(|w| w.to_le_bytes()));
    }
    bytes
}

/// The index of the recorded meeting with this id, if any.
pub fn meeting_record(bundle: &ir::Bundle, id: Option<&String>) -> i32 {
    id.and_then(|id| {
        bundle
            .history
            .meetings
            .iter()
            .position(|m| m.meeting.id.as_ref() == Some(id))
    })
    .map_or(-1, |i| i as i32)
}

/// The compilation of one function.
struct Fx<'a, 'e, M: Module> {
    e: &'a Emitter<'e>,
    m: &'a mut M,
    flags: Flags,
    err: Block,
    rules: &'a [Result<RuleFn, NotNative>],
    bundle: &'a ir::Bundle,
    layout: Layout,
    records: &'a mut Records,
}

impl<M: Module> Fx<'_, '_, M> {
    fn ptr(&self) -> types::Type {
        self.e.ptr
    }

    /// Whether the meeting at `m` is a recorded one whose record does not
    /// say who was present (`i8`); `None` for a policy with none, which
    /// pays nothing.
    fn attendance_unknown(&mut self, b: &mut FunctionBuilder<'_>, m: Value) -> Option<Value> {
        let unrecorded: Vec<i64> = self
            .bundle
            .history
            .meetings
            .iter()
            .enumerate()
            .filter(|(_, r)| !r.attendance_known)
            .map(|(i, _)| i as i64)
            .collect();
        if unrecorded.is_empty() {
            return None;
        }
        let record = b.ins().load(types::I32, self.flags.read, m, 12);
        let mut any = b.ins().iconst(types::I8, 0);
        for index in unrecorded {
            let here = b.ins().icmp_imm_s(IntCC::Equal, record, index);
            any = b.ins().bor(any, here);
        }
        Some(any)
    }

    /// Leaves through the error block with `code` when `cond` holds.
    fn fail_if(&mut self, b: &mut FunctionBuilder<'_>, cond: Value, code: i32) {
        let code = b.ins().iconst(types::I32, i64::from(code));
        let next = b.create_block();
        b.ins().brif(cond, self.err, &[code.into()], next, &[]);
        b.switch_to_block(next);
    }

    /// As the interpreter: unknown on a day a change of status dated by a
    /// window leaves open, where the statuses before and after it answer
    /// `question` differently (its party and day are ignored here: they
    /// are `p` and `d`, known when the code runs). `recorded`: the
    /// recorded view's windows (`recorded_status`).
    fn status_windows_open(
        &mut self,
        b: &mut FunctionBuilder<'_>,
        question: StatusQuestion,
        recorded: bool,
        p: Option<Value>,
        d: Value,
    ) {
        let folded = &self.e.folded;
        let windows: Vec<StatusWindow> = if recorded {
            &folded.recorded_status_windows
        } else {
            &folded.status_windows
        }
        .iter()
        .filter(|w| question.differs(w))
        .copied()
        .collect();
        for w in windows {
            let open = window_open(b, &w, p, d);
            self.fail_if(b, open, UNKNOWN);
        }
    }

    /// As the interpreter: unknown where `p` has a change of status that
    /// the history dates only by a window open on `d`, and `answer_as` (the
    /// answer were `p` of a given status, an `i8` truth) gives another
    /// answer than `now` for its status before or after the change.
    fn status_worlds_open(
        &mut self,
        b: &mut FunctionBuilder<'_>,
        question: StatusQuestion,
        p: Value,
        d: Value,
        now: Value,
        answer_as: &dyn Fn(&mut FunctionBuilder<'_>, Status) -> Value,
    ) {
        let windows: Vec<StatusWindow> = self
            .e
            .folded
            .status_windows
            .iter()
            .filter(|w| question.differs(w))
            .copied()
            .collect();
        for w in windows {
            let mut open = window_open(b, &w, Some(p), d);
            let mut differs = b.ins().iconst(types::I8, 0);
            for status in [w.before, w.after] {
                let answer = answer_as(b, status);
                let other = b.ins().icmp(IntCC::NotEqual, answer, now);
                differs = b.ins().bor(differs, other);
            }
            open = b.ins().band(open, differs);
            self.fail_if(b, open, UNKNOWN);
        }
    }

    fn i32(&self, b: &mut FunctionBuilder<'_>, v: i64) -> Value {
        b.ins().iconst(types::I32, v)
    }

    fn is_none(&self, b: &mut FunctionBuilder<'_>, v: &NVal) -> Result<Value, NotNative> {
        match v {
            NVal::Scalar(x, NTy::Int) => Ok(b.ins().icmp_imm_s(IntCC::Equal, *x, NONE_INT)),
            NVal::Scalar(x, NTy::Date | NTy::Party | NTy::Status | NTy::None) => {
                Ok(b.ins().icmp_imm_s(IntCC::Equal, *x, NONE32))
            }
            _ => Ok(b.ins().iconst(types::I8, 0)),
        }
    }

    /// `value` as a value of type `to` (`none` as an integer, for one).
    fn coerce(&mut self, b: &mut FunctionBuilder<'_>, value: NVal, to: NTy) -> Result<NVal, NotNative> {
        Ok(match (value, to) {
            (NVal::Scalar(_, NTy::None), NTy::Int) => NVal::Scalar(b.ins().iconst(types::I64, NONE_INT), NTy::Int),
            (NVal::Scalar(v, NTy::None), t @ (NTy::Date | NTy::Party | NTy::Status)) => NVal::Scalar(v, t),
            (NVal::Scalar(_, NTy::None), NTy::Parties) => {
                // `none` where a set is wanted: no such value is well-typed.
                return not_native("`none` as a set");
            }
            (v, t) if v.ty() == t => v,
            (NVal::Scalar(v, from @ (NTy::Party | NTy::Date | NTy::Status)), NTy::None) => NVal::Scalar(v, from),
            (v, t) => return not_native(format!("a {:?} where a {t:?} is wanted", v.ty())),
        })
    }

    fn load_set(&mut self, b: &mut FunctionBuilder<'_>, base: Value, offset: usize, with_flag: bool) -> NVal {
        let read = self.flags.read;
        let words: Vec<Value> = (0..self.layout.words)
            .map(|w| b.ins().load(types::I64, read, base, (offset + 8 * w) as i32))
            .collect();
        let flag = if with_flag {
            let raw = b
                .ins()
                .load(types::I64, read, base, (offset + 8 * self.layout.words) as i32);
            b.ins().ireduce(types::I8, raw)
        } else {
            b.ins().iconst(types::I8, 0)
        };
        NVal::Parties(words, flag)
    }

    fn store_set(&mut self, b: &mut FunctionBuilder<'_>, base: Value, offset: usize, words: &[Value]) {
        for (w, word) in words.iter().enumerate() {
            b.ins().store(self.flags.write, *word, base, (offset + 8 * w) as i32);
        }
    }

    /// Copies `bytes` (a multiple of 8) from `from` to `to`.
    fn copy(&mut self, b: &mut FunctionBuilder<'_>, to: Value, to_offset: usize, from: Value, bytes: usize) {
        for w in 0..bytes / 8 {
            let word = b.ins().load(types::I64, self.flags.read, from, (w * 8) as i32);
            b.ins().store(self.flags.write, word, to, (to_offset + w * 8) as i32);
        }
    }

    /// Writes a result where a slots function or a rule puts it.
    fn store_result(&mut self, b: &mut FunctionBuilder<'_>, out: Value, value: &NVal) {
        let write = self.flags.write;
        match value {
            NVal::Scalar(v, t) => {
                let wide = match t.scalar(self.ptr()) {
                    types::I64 => *v,
                    types::I8 => b.ins().uextend(types::I64, *v),
                    _ => b.ins().sextend(types::I64, *v),
                };
                b.ins().store(write, wide, out, 0);
            }
            NVal::Duration(_) => {}
            NVal::Parties(words, flag) => {
                self.store_set(b, out, 0, words);
                let flag = b.ins().uextend(types::I64, *flag);
                b.ins().store(write, flag, out, (8 * self.layout.words) as i32);
            }
            NVal::Record(p, NTy::Meeting) => self.copy(b, out, 0, *p, self.layout.meeting_size()),
            NVal::Record(p, _) => self.copy(b, out, 0, *p, self.layout.decision_size()),
        }
    }

    fn stack(&mut self, b: &mut FunctionBuilder<'_>, bytes: usize) -> Value {
        let slot = b.create_sized_stack_slot(StackSlotData::new(StackSlotKind::ExplicitSlot, bytes as u32, 3));
        b.ins().stack_addr(self.ptr(), slot, 0)
    }

    fn constant(&mut self, name: String, bytes: Vec<u8>) -> Result<DataId, NotNative> {
        let err = |e: cranelift_module::ModuleError| NotNative(format!("constant data: {e}"));
        let id = self.m.declare_data(&name, Linkage::Local, false, false).map_err(err)?;
        let mut description = DataDescription::new();
        description.define(bytes.into_boxed_slice());
        description.set_align(8);
        self.m.define_data(id, &description).map_err(err)?;
        Ok(id)
    }

    /// The constant data of a recorded meeting or decision, written on
    /// first use.
    fn recorded(&mut self, which: Recorded, bytes: impl FnOnce() -> Vec<u8>) -> Result<DataId, NotNative> {
        if let Some(id) = self.records.0.get(&which) {
            return Ok(*id);
        }
        let name = match which {
            Recorded::Meeting(i) => format!("charter_meeting_{i}"),
            Recorded::Decision(i) => format!("charter_decision_{i}"),
        };
        let id = self.constant(name, bytes())?;
        self.records.0.insert(which, id);
        Ok(id)
    }

    fn record_address(&mut self, b: &mut FunctionBuilder<'_>, id: DataId) -> Value {
        let gv = self.m.declare_data_in_func(id, b.func);
        b.ins().symbol_value(self.ptr(), gv)
    }

    /// An empty meeting (kind 0, day 0, no host, no record) at `base + offset`.
    fn empty_meeting(&mut self, b: &mut FunctionBuilder<'_>, base: Value, offset: usize) {
        let write = self.flags.write;
        let zero = b.ins().iconst(types::I32, 0);
        let none = b.ins().iconst(types::I32, NONE32);
        let no_record = b.ins().iconst(types::I32, -1);
        for (at, v) in [(0, zero), (4, zero), (8, none), (12, no_record)] {
            b.ins().store(write, v, base, (offset + at) as i32);
        }
        let zero64 = b.ins().iconst(types::I64, 0);
        for w in 0..2 * self.layout.words {
            b.ins().store(write, zero64, base, (offset + 16 + 8 * w) as i32);
        }
    }

    fn scalar(&self, v: &NVal) -> Result<Value, NotNative> {
        match v {
            NVal::Scalar(x, _) => Ok(*x),
            other => not_native(format!("a {:?} where a scalar is wanted", other.ty())),
        }
    }

    fn bool(&self, v: &NVal) -> Result<Value, NotNative> {
        match v {
            NVal::Scalar(x, NTy::Bool) => Ok(*x),
            other => not_native(format!("a {:?} where a bool is wanted", other.ty())),
        }
    }

    fn parties(&self, v: NVal) -> Result<(Vec<Value>, Value), NotNative> {
        match v {
            NVal::Parties(words, flag) => Ok((words, flag)),
            other => not_native(format!("a {:?} where a set of parties is wanted", other.ty())),
        }
    }

    fn compile(&mut self, b: &mut FunctionBuilder<'_>, expr: &Expr, locals: &mut Vec<NVal>) -> Result<NVal, NotNative> {
        Ok(match expr {
            Expr::Bool(x) => NVal::Scalar(b.ins().iconst(types::I8, i64::from(*x)), NTy::Bool),
            Expr::Int(i) => {
                if *i == NONE_INT {
                    return not_native("the integer -2^63");
                }
                NVal::Scalar(b.ins().iconst(types::I64, *i), NTy::Int)
            }
            Expr::Date(d) => NVal::Scalar(self.i32(b, i64::from(*d)), NTy::Date),
            Expr::Duration(d) => NVal::Duration(*d),
            Expr::None => NVal::Scalar(self.i32(b, NONE32), NTy::None),
            Expr::Party(p) => NVal::Scalar(self.i32(b, i64::from(*p)), NTy::Party),
            Expr::Status(s) => NVal::Scalar(self.i32(b, status_code(*s)), NTy::Status),
            Expr::MeetingKind(k) => NVal::Scalar(self.i32(b, i64::from(*k)), NTy::MeetingKind),
            Expr::DecisionKind(k) => NVal::Scalar(self.i32(b, i64::from(*k)), NTy::DecisionKind),
            Expr::Group(g) => NVal::Scalar(self.i32(b, i64::from(*g)), NTy::Group),
            Expr::MeetingRecord(i) => {
                let (bundle, layout) = (self.bundle, self.layout);
                let m = bundle
                    .history
                    .meetings
                    .get(*i as usize)
                    .ok_or_else(|| NotNative("a meeting record out of range".into()))?;
                let bytes = || meeting_bytes(layout, &m.meeting, *i as i32);
                let id = self.recorded(Recorded::Meeting(*i), bytes)?;
                NVal::Record(self.record_address(b, id), NTy::Meeting)
            }
            Expr::DecisionRecord(i) => {
                let (bundle, layout) = (self.bundle, self.layout);
                let d = bundle
                    .history
                    .decisions
                    .get(*i as usize)
                    .ok_or_else(|| NotNative("a decision record out of range".into()))?;
                let record = meeting_record(bundle, d.decision.meeting.id.as_ref());
                let bytes = || decision_bytes(layout, &d.decision, *i as i32, record);
                let id = self.recorded(Recorded::Decision(*i), bytes)?;
                NVal::Record(self.record_address(b, id), NTy::Decision)
            }
            Expr::Local(slot) => locals
                .get(*slot as usize)
                .cloned()
                .ok_or_else(|| NotNative("a local out of range".into()))?,
            Expr::Set(items) => {
                let mut words: Vec<Value> = (0..self.layout.words).map(|_| b.ins().iconst(types::I64, 0)).collect();
                let mut flag = b.ins().iconst(types::I8, 0);
                for item in items {
                    let v = self.compile(b, item, locals)?;
                    if !matches!(v.ty(), NTy::Party | NTy::None) {
                        return not_native("a set of values other than parties");
                    }
                    let p = self.scalar(&v)?;
                    let none = self.is_none(b, &v)?;
                    flag = b.ins().bor(flag, none);
                    self.add_party(b, &mut words, p);
                }
                NVal::Parties(words, flag)
            }
            Expr::MeetingLit(fields) => {
                let base = self.stack(b, self.layout.meeting_size());
                self.empty_meeting(b, base, 0);
                for (field, e) in fields {
                    let v = self.compile(b, e, locals)?;
                    self.set_meeting_field(b, base, 0, *field, v)?;
                }
                NVal::Record(base, NTy::Meeting)
            }
            Expr::DecisionLit(fields) => {
                let l = self.layout;
                let base = self.stack(b, l.decision_size());
                let zero = b.ins().iconst(types::I64, 0);
                let kind = b.ins().iconst(types::I32, 0);
                let no_record = b.ins().iconst(types::I32, -1);
                b.ins().store(self.flags.write, kind, base, 0);
                b.ins().store(self.flags.write, no_record, base, 4);
                self.empty_meeting(b, base, l.decision_meeting());
                for w in 0..3 * l.words {
                    b.ins()
                        .store(self.flags.write, zero, base, (l.objections() + 8 * w) as i32);
                }
                for (field, e) in fields {
                    let v = self.compile(b, e, locals)?;
                    match (field, v) {
                        (Field::Kind, NVal::Scalar(k, NTy::DecisionKind)) => {
                            b.ins().store(self.flags.write, k, base, 0);
                        }
                        (Field::Meeting, NVal::Record(m, NTy::Meeting)) => {
                            self.copy(b, base, l.decision_meeting(), m, l.meeting_size());
                        }
                        (Field::Objections | Field::Reservations | Field::Subjects, v) => {
                            let (words, _) = self.parties(v)?;
                            let offset = match field {
                                Field::Objections => l.objections(),
                                Field::Reservations => l.reservations(),
                                _ => l.subjects(),
                            };
                            self.store_set(b, base, offset, &words);
                        }
                        (f, v) => return not_native(format!("decision field {f:?} of a {:?}", v.ty())),
                    }
                }
                NVal::Record(base, NTy::Decision)
            }
            Expr::Builtin(Builtin::Group, args) => {
                let (Some(group), Some(day)) = (args.first(), args.get(1)) else {
                    return not_native("group() without its two arguments");
                };
                let d = self.compile(b, day, locals)?;
                let d = self.day_or_none(&d)?;
                match group {
                    Expr::Group(g) => self.group_at(b, *g, d)?,
                    // A group given as a value: each group's parties, the
                    // one it names selected.
                    other => {
                        let NVal::Scalar(index, NTy::Group) = self.compile(b, other, locals)? else {
                            return not_native("group() of a non-group");
                        };
                        let zero = b.ins().iconst(types::I64, 0);
                        let mut out = vec![zero; self.e.folded.words];
                        for g in 0..self.e.folded.groups.len() as u32 {
                            let NVal::Parties(words, _) = self.group_at(b, g, d)? else {
                                return not_native("a group's parties");
                            };
                            let is = b.ins().icmp_imm_s(IntCC::Equal, index, i64::from(g));
                            for (slot, word) in out.iter_mut().zip(words) {
                                *slot = b.ins().select(is, word, *slot);
                            }
                        }
                        NVal::Parties(out, b.ins().iconst(types::I8, 0))
                    }
                }
            }
            Expr::Builtin(builtin, args) => {
                let mut values = Vec::with_capacity(args.len());
                for a in args {
                    values.push(self.compile(b, a, locals)?);
                }
                self.builtin(b, *builtin, values)?
            }
            Expr::Rule(index, args) => {
                let rule = match self.rules.get(*index as usize) {
                    Some(Ok(rule)) => rule.clone(),
                    Some(Err(why)) => return not_native(format!("it calls a rule that is not native ({why})")),
                    None => return not_native("a rule out of range"),
                };
                let mut call_args = Vec::with_capacity(args.len());
                for (a, t) in args.iter().zip(&rule.params) {
                    let v = self.compile(b, a, locals)?;
                    let v = self.coerce(b, v, *t)?;
                    call_args.push(match v {
                        NVal::Scalar(x, _) | NVal::Record(x, _) => x,
                        other => return not_native(format!("a {:?} argument", other.ty())),
                    });
                }
                let out = self.stack(b, 8 * self.layout.out_words());
                call_args.push(out);
                let func = self.m.declare_func_in_func(rule.id, b.func);
                let call = b.ins().call(func, &call_args);
                let [status] = values(b.inst_results(call));
                let failed = b.ins().icmp_imm_s(IntCC::NotEqual, status, 0);
                let next = b.create_block();
                b.ins().brif(failed, self.err, &[status.into()], next, &[]);
                b.switch_to_block(next);
                self.load_result(b, out, rule.returns)?
            }
            Expr::Field(base, field) => {
                let v = self.compile(b, base, locals)?;
                self.field(b, v, *field)?
            }
            Expr::Not(e) => {
                let v = self.compile(b, e, locals)?;
                let x = self.bool(&v)?;
                NVal::Scalar(b.ins().bxor_imm_u(x, 1), NTy::Bool)
            }
            Expr::Neg(e) => {
                let v = self.compile(b, e, locals)?;
                let NVal::Scalar(x, NTy::Int) = v else {
                    return not_native("negation of a non-integer");
                };
                // `none` (i64::MIN) cannot be negated.
                let none = b.ins().icmp_imm_s(IntCC::Equal, x, NONE_INT);
                self.fail_if(b, none, NO_VALUE);
                NVal::Scalar(b.ins().ineg(x), NTy::Int)
            }
            Expr::Binary(op, lhs, rhs) => self.binary(b, *op, lhs, rhs, locals)?,
            Expr::If(cond, then, otherwise) => {
                let c = self.compile(b, cond, locals)?;
                let c = self.bool(&c)?;
                let then_block = b.create_block();
                let else_block = b.create_block();
                b.ins().brif(c, then_block, &[], else_block, &[]);
                // Only one branch runs, so they may be emitted in either
                // order: a literal `none` second, so that the other
                // branch gives the result its type.
                let (first, second, first_block, second_block) = if matches!(**then, Expr::None) {
                    (otherwise, then, else_block, then_block)
                } else {
                    (then, otherwise, then_block, else_block)
                };
                b.switch_to_block(first_block);
                let v = self.compile(b, first, locals)?;
                let ty = v.ty();
                let done = b.create_block();
                for kind in self.param_types(&v) {
                    b.append_block_param(done, kind);
                }
                let args = self.block_args(&v)?;
                b.ins().jump(done, &args);
                b.switch_to_block(second_block);
                let w = self.compile(b, second, locals)?;
                let w = self.coerce(b, w, ty)?;
                let args = self.block_args(&w)?;
                if self.param_types(&w) != self.param_types(&v) {
                    return not_native("an `if` whose branches hold different kinds of values");
                }
                b.ins().jump(done, &args);
                b.switch_to_block(done);
                let params = b.block_params(done).to_vec();
                // A first branch that is `none` without being the literal
                // (`if c then none else none`) leaves the type to the
                // other: `if x then (if y then none else none) else p` is
                // a party, not always none.
                let like = if ty == NTy::None { &w } else { &v };
                self.rebuild(like, &params)
            }
            Expr::Quantifier { all, slot, set, body } => {
                let s = self.compile(b, set, locals)?;
                let (words, flag) = self.parties(s)?;
                self.quantifier(b, *all, *slot as usize, &words, flag, body, locals)?
            }
            Expr::Filter { slot, set, cond } => {
                let s = self.compile(b, set, locals)?;
                let (words, flag) = self.parties(s)?;
                self.filter(b, *slot as usize, &words, flag, cond, locals)?
            }
        })
    }

    fn block_args(&self, v: &NVal) -> Result<Vec<cranelift_codegen::ir::BlockArg>, NotNative> {
        Ok(match v {
            NVal::Scalar(x, _) | NVal::Record(x, _) => vec![(*x).into()],
            NVal::Parties(words, flag) => words.iter().chain([flag]).map(|w| (*w).into()).collect(),
            NVal::Duration(_) => return not_native("a duration chosen by `if`"),
        })
    }

    fn param_types(&self, v: &NVal) -> Vec<types::Type> {
        match v {
            NVal::Scalar(_, t) | NVal::Record(_, t) => vec![t.scalar(self.ptr())],
            NVal::Parties(words, _) => words.iter().map(|_| types::I64).chain([types::I8]).collect(),
            NVal::Duration(_) => Vec::new(),
        }
    }

    /// A value like `like` from the block parameters `param_types(like)` gave.
    fn rebuild(&self, like: &NVal, params: &[Value]) -> NVal {
        match like {
            NVal::Scalar(_, t) => {
                let [v] = values(params);
                NVal::Scalar(v, *t)
            }
            NVal::Record(_, t) => {
                let [v] = values(params);
                NVal::Record(v, *t)
            }
            NVal::Parties(..) => {
                let (flag, words) = params
                    .split_last()
                    .map_or((&[][..], params), |(f, w)| (std::slice::from_ref(f), w));
                let [flag] = values(flag);
                NVal::Parties(words.to_vec(), flag)
            }
            NVal::Duration(d) => NVal::Duration(*d),
        }
    }

    fn load_result(&mut self, b: &mut FunctionBuilder<'_>, out: Value, ty: NTy) -> Result<NVal, NotNative> {
        Ok(match ty {
            NTy::Parties => self.load_set(b, out, 0, true),
            NTy::Meeting | NTy::Decision | NTy::Duration => return not_native("a record as a rule's result"),
            t => {
                let raw = b.ins().load(types::I64, self.flags.read, out, 0);
                let v = match t.scalar(self.ptr()) {
                    types::I64 => raw,
                    small => b.ins().ireduce(small, raw),
                };
                NVal::Scalar(v, t)
            }
        })
    }

    /// Sets party `p`'s bit in `words` (a party past them, or `none`, sets none).
    fn add_party(&mut self, b: &mut FunctionBuilder<'_>, words: &mut [Value], p: Value) {
        let count = self.e.folded.party_count as i64;
        let in_range = b.ins().icmp_imm_s(IntCC::UnsignedLessThan, p, count);
        let word = b.ins().ushr_imm_u(p, 6);
        let bit = b.ins().band_imm_u(p, 63);
        let bit = b.ins().uextend(types::I64, bit);
        let one = b.ins().iconst(types::I64, 1);
        let mask = b.ins().ishl(one, bit);
        let zero = b.ins().iconst(types::I64, 0);
        let mask = b.ins().select(in_range, mask, zero);
        for (w, value) in words.iter_mut().enumerate() {
            let here = b.ins().icmp_imm_s(IntCC::Equal, word, w as i64);
            let add = b.ins().select(here, mask, zero);
            *value = b.ins().bor(*value, add);
        }
    }

    /// Whether party `p` is in `words` (`i8`).
    fn has_party(&mut self, b: &mut FunctionBuilder<'_>, words: &[Value], p: Value) -> Value {
        let count = self.e.folded.party_count as i64;
        let in_range = b.ins().icmp_imm_s(IntCC::UnsignedLessThan, p, count);
        let index = b.ins().ushr_imm_u(p, 6);
        let mut word = b.ins().iconst(types::I64, 0);
        for (w, value) in words.iter().enumerate() {
            let here = b.ins().icmp_imm_s(IntCC::Equal, index, w as i64);
            word = b.ins().select(here, *value, word);
        }
        let bit = b.ins().band_imm_u(p, 63);
        let bit = b.ins().uextend(types::I64, bit);
        let shifted = b.ins().ushr(word, bit);
        let set = b.ins().band_imm_u(shifted, 1);
        let set = b.ins().icmp_imm_s(IntCC::NotEqual, set, 0);
        b.ins().band(in_range, set)
    }

    fn set_meeting_field(
        &mut self,
        b: &mut FunctionBuilder<'_>,
        base: Value,
        offset: usize,
        field: Field,
        v: NVal,
    ) -> Result<(), NotNative> {
        let write = self.flags.write;
        match (field, v) {
            (Field::Kind, NVal::Scalar(k, NTy::MeetingKind)) => {
                b.ins().store(write, k, base, offset as i32);
            }
            (Field::Date, NVal::Scalar(d, NTy::Date | NTy::None)) => {
                // A meeting on no day: no value.
                let none = b.ins().icmp_imm_s(IntCC::Equal, d, NONE32);
                self.fail_if(b, none, NO_VALUE);
                b.ins().store(write, d, base, (offset + 4) as i32);
            }
            (Field::Host, NVal::Scalar(h, NTy::Party | NTy::None)) => {
                b.ins().store(write, h, base, (offset + 8) as i32);
            }
            (Field::Present | Field::Observers, v) => {
                let (words, _) = self.parties(v)?;
                let at = if field == Field::Present {
                    self.layout.present()
                } else {
                    self.layout.observers()
                };
                self.store_set(b, base, offset + at, &words);
            }
            (f, v) => return not_native(format!("meeting field {f:?} of a {:?}", v.ty())),
        }
        Ok(())
    }

    fn field(&mut self, b: &mut FunctionBuilder<'_>, v: NVal, field: Field) -> Result<NVal, NotNative> {
        let read = self.flags.read;
        let l = self.layout;
        Ok(match (v, field) {
            (NVal::Record(m, NTy::Meeting), Field::Kind) => {
                NVal::Scalar(b.ins().load(types::I32, read, m, 0), NTy::MeetingKind)
            }
            (NVal::Record(m, NTy::Meeting), Field::Date) => {
                NVal::Scalar(b.ins().load(types::I32, read, m, 4), NTy::Date)
            }
            (NVal::Record(m, NTy::Meeting), Field::Host) => {
                NVal::Scalar(b.ins().load(types::I32, read, m, 8), NTy::Party)
            }
            (NVal::Record(m, NTy::Meeting), Field::Present) => {
                if let Some(unrecorded) = self.attendance_unknown(b, m) {
                    self.fail_if(b, unrecorded, UNKNOWN);
                }
                self.load_set(b, m, l.present(), false)
            }
            (NVal::Record(m, NTy::Meeting), Field::Observers) => self.load_set(b, m, l.observers(), false),
            (NVal::Record(d, NTy::Decision), Field::Kind) => {
                NVal::Scalar(b.ins().load(types::I32, read, d, 0), NTy::DecisionKind)
            }
            (NVal::Record(d, NTy::Decision), Field::Meeting) => {
                NVal::Record(b.ins().iadd_imm_s(d, l.decision_meeting() as i64), NTy::Meeting)
            }
            (NVal::Record(d, NTy::Decision), Field::Objections) => self.load_set(b, d, l.objections(), false),
            (NVal::Record(d, NTy::Decision), Field::Reservations) => self.load_set(b, d, l.reservations(), false),
            (NVal::Record(d, NTy::Decision), Field::Subjects) => self.load_set(b, d, l.subjects(), false),
            (v, f) => return not_native(format!("field {f:?} of a {:?}", v.ty())),
        })
    }

    fn day_or_none(&self, v: &NVal) -> Result<Value, NotNative> {
        match v {
            NVal::Scalar(x, NTy::Date | NTy::None) => Ok(*x),
            other => not_native(format!("a {:?} where a date is wanted", other.ty())),
        }
    }

    fn party_or_none(&self, v: &NVal) -> Result<Value, NotNative> {
        match v {
            NVal::Scalar(x, NTy::Party | NTy::None) => Ok(*x),
            other => not_native(format!("a {:?} where a party is wanted", other.ty())),
        }
    }

    fn builtin(&mut self, b: &mut FunctionBuilder<'_>, builtin: Builtin, args: Vec<NVal>) -> Result<NVal, NotNative> {
        let e = self.e;
        let flags = self.flags;
        let arg = |i: usize| {
            args.get(i)
                .ok_or_else(|| NotNative(format!("{} needs more arguments", builtin.name())))
        };
        let none32 = self.i32(b, NONE32);
        Ok(match builtin {
            Builtin::Member | Builtin::Status | Builtin::RecordedStatus => {
                let p = self.party_or_none(arg(0)?)?;
                let d = self.day_or_none(arg(1)?)?;
                let p_none = b.ins().icmp_imm_s(IntCC::Equal, p, NONE32);
                let d_none = b.ins().icmp_imm_s(IntCC::Equal, d, NONE32);
                let either = b.ins().bor(p_none, d_none);
                let question = if builtin == Builtin::Member {
                    StatusQuestion::Member(0, 0)
                } else {
                    StatusQuestion::Status(0, 0)
                };
                self.status_windows_open(b, question, builtin == Builtin::RecordedStatus, Some(p), d);
                let member = e.contains(b, self.m, flags, e.tables.members, p, d);
                if builtin == Builtin::Member {
                    let member = b.ins().ireduce(types::I8, member);
                    let zero = b.ins().iconst(types::I8, 0);
                    NVal::Scalar(b.ins().select(either, zero, member), NTy::Bool)
                } else {
                    let pending = e.contains(b, self.m, flags, e.tables.pending, p, d);
                    let observer = e.contains(b, self.m, flags, e.tables.observers, p, d);
                    let suspended = e.contains(b, self.m, flags, e.tables.suspended, p, d);
                    let invited = self.invited_on(b, p, d);
                    let mut code = self.i32(b, status_code(ir::Status::None));
                    // Later entries win: a suspended party invited to a
                    // meeting stays suspended, as the interpreter says.
                    for (is, status) in [
                        (invited, ir::Status::Invited),
                        (suspended, ir::Status::Suspended),
                        (observer, ir::Status::Observer),
                        (pending, ir::Status::Pending),
                        (member, ir::Status::Member),
                    ] {
                        let c = self.i32(b, status_code(status));
                        let yes = b.ins().icmp_imm_s(IntCC::NotEqual, is, 0);
                        code = b.ins().select(yes, c, code);
                    }
                    if builtin == Builtin::RecordedStatus {
                        // The last recorded change of the party's status on
                        // or before the day: one comparison per record, in
                        // day order, so a later one wins.
                        let mut changes: Vec<&ir::StatusChange> = self.bundle.history.status_changes.iter().collect();
                        changes.sort_by_key(|c| c.day);
                        if changes.len() > MAX_RECORDED_OFFICES {
                            return not_native(format!(
                                "recorded_status over more than {MAX_RECORDED_OFFICES} recorded changes of status"
                            ));
                        }
                        for c in changes {
                            let party = b.ins().icmp_imm_s(IntCC::Equal, p, i64::from(c.party));
                            let since = b.ins().icmp_imm_s(IntCC::SignedGreaterThanOrEqual, d, i64::from(c.day));
                            let applies = b.ins().band(party, since);
                            let s = self.i32(b, status_code(c.status));
                            code = b.ins().select(applies, s, code);
                        }
                    }
                    NVal::Scalar(b.ins().select(either, none32, code), NTy::Status)
                }
            }
            Builtin::Members | Builtin::Observers => {
                let d = self.day_or_none(arg(0)?)?;
                let question = if builtin == Builtin::Members {
                    StatusQuestion::Members(0)
                } else {
                    StatusQuestion::Observers(0)
                };
                self.status_windows_open(b, question, false, None, d);
                let table = if builtin == Builtin::Members {
                    e.tables.members
                } else {
                    e.tables.observers
                };
                let words = e.set_at(b, self.m, flags, table, d);
                let d_none = b.ins().icmp_imm_s(IntCC::Equal, d, NONE32);
                let zero = b.ins().iconst(types::I64, 0);
                let words = words.into_iter().map(|w| b.ins().select(d_none, zero, w)).collect();
                NVal::Parties(words, b.ins().iconst(types::I8, 0))
            }
            Builtin::RecordedChair => {
                // A few records: one comparison each, in day order, so the
                // last taking of office (or vacancy) on or before the day
                // wins.
                let recorded = self.bundle.history.recorded_offices();
                if recorded.len() > MAX_RECORDED_OFFICES {
                    return not_native(format!(
                        "recorded_chair over more than {MAX_RECORDED_OFFICES} recorded takings of office"
                    ));
                }
                let d = self.day_or_none(arg(0)?)?;
                let mut v = none32;
                for (day, party) in recorded {
                    let on_or_after = b.ins().icmp_imm_s(IntCC::SignedGreaterThanOrEqual, d, i64::from(day));
                    let p = match party {
                        Some(party) => self.i32(b, i64::from(party)),
                        None => none32,
                    };
                    v = b.ins().select(on_or_after, p, v);
                }
                // A record dated by a window it may not have happened by
                // the day: unknown, as the interpreter says.
                for w in self.bundle.history.recorded_office_windows() {
                    if w.earliest >= w.latest || w.party == w.before {
                        continue;
                    }
                    let from = b
                        .ins()
                        .icmp_imm_s(IntCC::SignedGreaterThanOrEqual, d, i64::from(w.earliest));
                    let before = b.ins().icmp_imm_s(IntCC::SignedLessThan, d, i64::from(w.latest));
                    let inside = b.ins().band(from, before);
                    self.fail_if(b, inside, UNKNOWN);
                }
                let d_none = b.ins().icmp_imm_s(IntCC::Equal, d, NONE32);
                NVal::Scalar(b.ins().select(d_none, none32, v), NTy::Party)
            }
            Builtin::Chair | Builtin::TermStart | Builtin::TermEnd | Builtin::NextChair | Builtin::Chairs
                if self.e.folded.terms_shift =>
            {
                return not_native(TERMS_SHIFT);
            }
            Builtin::Chair | Builtin::TermStart | Builtin::TermEnd | Builtin::NextChair => {
                let d = self.day_or_none(arg(0)?)?;
                let d_none = b.ins().icmp_imm_s(IntCC::Equal, d, NONE32);
                let (which, ty) = match builtin {
                    Builtin::TermStart => (Which::Start, NTy::Date),
                    Builtin::TermEnd | Builtin::NextChair => (Which::End, NTy::Date),
                    _ => (Which::Chair, NTy::Party),
                };
                let mut v = e.term_lookup(b, self.m, flags, d, which);
                // As the interpreter: unknown on the days a designated
                // chair's window leaves open, and a term start or end at
                // a window's first day.
                for w in self.e.folded.chair_windows.clone() {
                    let bounds_term = matches!(builtin, Builtin::TermStart | Builtin::TermEnd);
                    if !w.changes && !bounds_term {
                        continue;
                    }
                    let from = b
                        .ins()
                        .icmp_imm_s(IntCC::SignedGreaterThanOrEqual, d, i64::from(w.earliest));
                    let before = b.ins().icmp_imm_s(IntCC::SignedLessThan, d, i64::from(w.latest));
                    let mut open = b.ins().band(from, before);
                    if bounds_term {
                        let at = b.ins().icmp_imm_s(IntCC::Equal, v, i64::from(w.start));
                        let given = b.ins().icmp_imm_s(IntCC::NotEqual, d, NONE32);
                        let at = b.ins().band(at, given);
                        open = b.ins().bor(open, at);
                    }
                    self.fail_if(b, open, UNKNOWN);
                }
                let mut ty = ty;
                if builtin == Builtin::NextChair {
                    let end_none = b.ins().icmp_imm_s(IntCC::Equal, v, NONE32);
                    let chair = e.term_lookup(b, self.m, flags, v, Which::Chair);
                    v = b.ins().select(end_none, none32, chair);
                    ty = NTy::Party;
                }
                NVal::Scalar(b.ins().select(d_none, none32, v), ty)
            }
            Builtin::Chairs => {
                let d = self.day_or_none(arg(0)?)?;
                for w in self.e.folded.chair_windows.clone().iter().filter(|w| w.changes) {
                    let from = b
                        .ins()
                        .icmp_imm_s(IntCC::SignedGreaterThanOrEqual, d, i64::from(w.earliest));
                    let before = b.ins().icmp_imm_s(IntCC::SignedLessThan, d, i64::from(w.latest));
                    let open = b.ins().band(from, before);
                    self.fail_if(b, open, UNKNOWN);
                }
                let d_none = b.ins().icmp_imm_s(IntCC::Equal, d, NONE32);
                let words = self.e.folded.words;
                let zero = b.ins().iconst(types::I64, 0);
                let eras = named_eras(self.bundle);
                let out: Vec<Value> = if let [(None, p)] = eras.as_slice() {
                    // Everyone in the chair's office the text names.
                    named_parts(b, p, d, words, ir::NamedChair::holders)
                } else {
                    // The term's one chair, as a set; where an amendment
                    // changes the way, the office the text names over its
                    // era.
                    let chair = e.term_lookup(b, self.m, flags, d, Which::Chair);
                    let vacant = b.ins().icmp_imm_s(IntCC::Equal, chair, NONE32);
                    let wide = b.ins().uextend(types::I64, chair);
                    let word = b.ins().ushr_imm_u(wide, 6);
                    let bit = b.ins().band_imm_u(wide, 63);
                    let one = b.ins().iconst(types::I64, 1);
                    let mask = b.ins().ishl(one, bit);
                    let term_chair: Vec<Value> = (0..words)
                        .map(|w| {
                            let here = b.ins().icmp_imm_s(IntCC::Equal, word, w as i64);
                            let v = b.ins().select(here, mask, zero);
                            b.ins().select(vacant, zero, v)
                        })
                        .collect();
                    in_named_eras(b, &eras, d, words, term_chair, ir::NamedChair::holders)
                };
                let out = out.into_iter().map(|w| b.ins().select(d_none, zero, w)).collect();
                NVal::Parties(out, b.ins().iconst(types::I8, 0))
            }
            Builtin::CoChairs | Builtin::ViceChairs => {
                // Only a chair the text names, on exact days, has them.
                let d = self.day_or_none(arg(0)?)?;
                let d_none = b.ins().icmp_imm_s(IntCC::Equal, d, NONE32);
                let words = self.e.folded.words;
                let zero = b.ins().iconst(types::I64, 0);
                let role = if builtin == Builtin::CoChairs {
                    ir::OfficeRole::CoChair
                } else {
                    ir::OfficeRole::ViceChair
                };
                let eras = named_eras(self.bundle);
                let none: Vec<Value> = (0..words).map(|_| zero).collect();
                let out = in_named_eras(b, &eras, d, words, none, |part| part.in_role(role));
                let out = out.into_iter().map(|w| b.ins().select(d_none, zero, w)).collect();
                NVal::Parties(out, b.ins().iconst(types::I8, 0))
            }
            Builtin::Valid => {
                let NVal::Record(d, NTy::Decision) = *arg(0)? else {
                    return not_native("valid() of a non-decision");
                };
                let l = self.layout;
                let read = flags.read;
                let m = l.decision_meeting() as i32;
                let kind = b.ins().load(types::I32, read, d, 0);
                let meeting_kind = b.ins().load(types::I32, read, d, m);
                let day = b.ins().load(types::I32, read, d, m + 4);
                let mut present = (0..l.words)
                    .map(|w| b.ins().load(types::I64, read, d, m + (l.present() + 8 * w) as i32))
                    .collect::<Vec<_>>();
                // Where observers take part in decisions, those attending
                // as the meeting's observers take part as if present.
                if self.bundle.versions.iter().any(ir::Version::observers_may_decide) {
                    for (w, word) in present.iter_mut().enumerate() {
                        let o = b.ins().load(types::I64, read, d, m + (l.observers() + 8 * w) as i32);
                        *word = b.ins().bor(*word, o);
                    }
                }
                let objections = (0..l.words)
                    .map(|w| b.ins().load(types::I64, read, d, (l.objections() + 8 * w) as i32))
                    .collect::<Vec<_>>();
                // At a recorded meeting whose attendance is not recorded:
                // invalid where the record settles it, else unknown.
                let meeting = b.ins().iadd_imm_s(d, i64::from(m));
                let unrecorded = self.attendance_unknown(b, meeting);
                let header = [kind, meeting_kind, day];
                let ok = e.judged(b, self.m, flags, header, [&present, &objections], unrecorded);
                // 2: not judged (attendance unknown, the text states no
                // decision rule, or a change of status dated by a window
                // leaves it open).
                let unjudged = b.ins().icmp_imm_s(IntCC::Equal, ok, 2);
                self.fail_if(b, unjudged, UNKNOWN);
                NVal::Scalar(b.ins().ireduce(types::I8, ok), NTy::Bool)
            }
            Builtin::MayAttend => {
                let p = self.party_or_none(arg(0)?)?;
                let NVal::Record(m, NTy::Meeting) = *arg(1)? else {
                    return not_native("may_attend() of a non-meeting");
                };
                let read = flags.read;
                let day = b.ins().load(types::I32, read, m, 4);
                let record = b.ins().load(types::I32, read, m, 12);
                let attends = e.contains(b, self.m, flags, e.tables.attending, p, day);
                let attends = b.ins().icmp_imm_s(IntCC::NotEqual, attends, 0);
                // A body's meeting (a committee's) is attended by its group.
                let kind = b.ins().load(types::I32, read, m, 0);
                let body = e
                    .body_at(b, kind, day)
                    .map(|(is_body, parties)| (is_body, self.has_party(b, &parties, p)));
                let in_body = |b: &mut FunctionBuilder<'_>, attends: Value| match body {
                    None => attends,
                    Some((is_body, in_body)) => b.ins().select(is_body, in_body, attends),
                };
                let attends = in_body(b, attends);
                // Invited to this recorded meeting: its row of the table.
                let recorded = b.ins().icmp_imm_s(IntCC::SignedGreaterThanOrEqual, record, 0);
                let zero = b.ins().iconst(types::I32, 0);
                let row = b.ins().select(recorded, record, zero);
                let row = b.ins().uextend(self.ptr(), row);
                let row = b.ins().imul_imm_s(row, (8 * self.layout.words) as i64);
                let table = e.address(b, self.m, e.tables.invited_to);
                let base = b.ins().iadd(table, row);
                let words: Vec<Value> = if self.bundle.history.meetings.is_empty() {
                    (0..self.layout.words).map(|_| b.ins().iconst(types::I64, 0)).collect()
                } else {
                    (0..self.layout.words)
                        .map(|w| b.ins().load(types::I64, read, base, (8 * w) as i32))
                        .collect()
                };
                let invited = self.has_party(b, &words, p);
                let invited = b.ins().band(invited, recorded);
                let yes = b.ins().bor(attends, invited);
                // Unknown where a change of status dated by a window would
                // change the answer (not where an invitation or a seat on
                // the body settles it).
                self.status_worlds_open(b, StatusQuestion::Attend(0, 0), p, day, yes, &|b, status| {
                    let by_status = b.ins().iconst(types::I8, i64::from(attends_as(status)));
                    let attends = in_body(b, by_status);
                    b.ins().bor(attends, invited)
                });
                let p_none = b.ins().icmp_imm_s(IntCC::Equal, p, NONE32);
                let zero8 = b.ins().iconst(types::I8, 0);
                NVal::Scalar(b.ins().select(p_none, zero8, yes), NTy::Bool)
            }
            Builtin::MaySpeak => {
                let p = self.party_or_none(arg(0)?)?;
                let NVal::Record(m, NTy::Meeting) = *arg(1)? else {
                    return not_native("may_speak() of a non-meeting");
                };
                let read = flags.read;
                let kind = b.ins().load(types::I32, read, m, 0);
                let day = b.ins().load(types::I32, read, m, 4);
                // Members and pending states speak.
                let member = e.contains(b, self.m, flags, e.tables.members, p, day);
                let pending = e.contains(b, self.m, flags, e.tables.pending, p, day);
                let either = b.ins().bor(member, pending);
                let mut speaks = b.ins().icmp_imm_s(IntCC::NotEqual, either, 0);
                // Observers where the text gives them the floor.
                let holds = match e.right_holders(b, |v| &v.speakers, kind, day) {
                    Some(holders) => {
                        let observer = e.contains(b, self.m, flags, e.tables.observers, p, day);
                        let observer = b.ins().icmp_imm_s(IntCC::NotEqual, observer, 0);
                        let holds = self.has_party(b, &holders, p);
                        let floor = b.ins().band(observer, holds);
                        speaks = b.ins().bor(speaks, floor);
                        holds
                    }
                    None => b.ins().iconst(types::I8, 0),
                };
                // At a body's meeting, those who sit on it.
                let body = e
                    .body_at(b, kind, day)
                    .map(|(is_body, parties)| (is_body, self.has_party(b, &parties, p)));
                let in_body = |b: &mut FunctionBuilder<'_>, speaks: Value| match body {
                    None => speaks,
                    Some((is_body, in_body)) => b.ins().select(is_body, in_body, speaks),
                };
                speaks = in_body(b, speaks);
                // Unknown where a change of status dated by a window would
                // change the answer.
                self.status_worlds_open(b, StatusQuestion::Speak(0, 0), p, day, speaks, &|b, status| {
                    let by_status = match status {
                        Status::Member | Status::Pending => b.ins().iconst(types::I8, 1),
                        Status::Observer => holds,
                        Status::Invited | Status::None | Status::Suspended => b.ins().iconst(types::I8, 0),
                    };
                    in_body(b, by_status)
                });
                let p_none = b.ins().icmp_imm_s(IntCC::Equal, p, NONE32);
                let zero8 = b.ins().iconst(types::I8, 0);
                NVal::Scalar(b.ins().select(p_none, zero8, speaks), NTy::Bool)
            }
            Builtin::Count => {
                let (words, flag) = self.parties(arg(0)?.clone())?;
                let mut sum = b.ins().uextend(types::I64, flag);
                for w in words {
                    let c = b.ins().popcnt(w);
                    sum = b.ins().iadd(sum, c);
                }
                NVal::Scalar(sum, NTy::Int)
            }
            Builtin::Violations => return not_native("violations() (a set of violations)"),
            Builtin::Group => return not_native("group(G, d) with G not named"),
        })
    }

    /// Whether `p` is invited to a recorded meeting on `d` (`i32` 1 or 0):
    /// a binary search of the sorted (day, party) keys.
    fn invited_on(&mut self, b: &mut FunctionBuilder<'_>, p: Value, d: Value) -> Value {
        let n = self.e.tables.invited_len;
        if n == 0 {
            return b.ins().iconst(types::I32, 0);
        }
        let ptr = self.ptr();
        let table = self.e.address(b, self.m, self.e.tables.invited);
        let day = b.ins().sextend(types::I64, d);
        let day = b.ins().ishl_imm_u(day, 32);
        let party = b.ins().uextend(types::I64, p);
        let key = b.ins().bor(day, party);
        // Branchless: the last index whose key is at most `key`.
        let mut lo = b.ins().iconst(ptr, 0);
        let mut step = n.next_power_of_two() / 2;
        while step > 0 {
            let candidate = b.ins().iadd_imm_s(lo, step as i64);
            let last = b.ins().iconst(ptr, n as i64 - 1);
            let clamped = b.ins().umin(candidate, last);
            let offset = b.ins().ishl_imm_u(clamped, 3);
            let at = b.ins().iadd(table, offset);
            let found = b.ins().load(types::I64, self.flags.read, at, 0);
            let fits = b.ins().icmp(IntCC::SignedLessThanOrEqual, found, key);
            lo = b.ins().select(fits, clamped, lo);
            step /= 2;
        }
        let offset = b.ins().ishl_imm_u(lo, 3);
        let at = b.ins().iadd(table, offset);
        let found = b.ins().load(types::I64, self.flags.read, at, 0);
        let hit = b.ins().icmp(IntCC::Equal, found, key);
        b.ins().uextend(types::I32, hit)
    }

    #[expect(clippy::too_many_arguments, reason = "the quantifier's parts")]
    fn quantifier(
        &mut self,
        b: &mut FunctionBuilder<'_>,
        all: bool,
        slot: usize,
        words: &[Value],
        flag: Value,
        body: &Expr,
        locals: &mut Vec<NVal>,
    ) -> Result<NVal, NotNative> {
        // The result block: `all` if every element agrees, else `!all`.
        let done = b.create_block();
        b.append_block_param(done, types::I8);
        let decided = b.ins().iconst(types::I8, i64::from(!all));
        // `none` first (it sorts before every party), then each party.
        let with_none = b.create_block();
        let parties = b.create_block();
        b.ins().brif(flag, with_none, &[], parties, &[]);
        b.switch_to_block(with_none);
        locals.truncate(slot);
        let none = self.i32(b, NONE32);
        locals.push(NVal::Scalar(none, NTy::None));
        let holds = self.compile(b, body, locals)?;
        let holds = self.bool(&holds)?;
        let agrees = if all { holds } else { b.ins().bxor_imm_u(holds, 1) };
        b.ins().brif(agrees, parties, &[], done, &[decided.into()]);
        b.switch_to_block(parties);
        for (w, word) in words.iter().enumerate() {
            let header = b.create_block();
            let step = b.create_block();
            let next_word = b.create_block();
            b.append_block_param(header, types::I64);
            b.ins().jump(header, &[(*word).into()]);
            b.switch_to_block(header);
            let [bits] = values(b.block_params(header));
            let empty = b.ins().icmp_imm_s(IntCC::Equal, bits, 0);
            b.ins().brif(empty, next_word, &[], step, &[]);
            b.switch_to_block(step);
            let low = b.ins().ctz(bits);
            let p = b.ins().iadd_imm_s(low, (64 * w) as i64);
            let p = b.ins().ireduce(types::I32, p);
            let rest = b.ins().iadd_imm_s(bits, -1);
            let rest = b.ins().band(bits, rest);
            locals.truncate(slot);
            locals.push(NVal::Scalar(p, NTy::Party));
            let holds = self.compile(b, body, locals)?;
            let holds = self.bool(&holds)?;
            let agrees = if all { holds } else { b.ins().bxor_imm_u(holds, 1) };
            b.ins().brif(agrees, header, &[rest.into()], done, &[decided.into()]);
            b.switch_to_block(next_word);
        }
        locals.truncate(slot);
        let finished = b.ins().iconst(types::I8, i64::from(all));
        b.ins().jump(done, &[finished.into()]);
        b.switch_to_block(done);
        let [result] = values(b.block_params(done));
        Ok(NVal::Scalar(result, NTy::Bool))
    }

    /// The parties of group `g` on day `d` (none when `d` is none): a
    /// chain of selects over the group's epochs, a few per group.
    fn group_at(&mut self, b: &mut FunctionBuilder<'_>, g: u32, d: Value) -> Result<NVal, NotNative> {
        // The group's belonging as the tables have it (named, or recorded).
        let Some(epochs) = self.e.folded.groups.get(g as usize) else {
            return not_native("a group the policy does not have");
        };
        if epochs.starts.len() > MAX_GROUP_EPOCHS {
            return not_native(format!("a group with more than {MAX_GROUP_EPOCHS} changes"));
        }
        // An office held by the chair's roles, where a record dated only
        // by a window moves the terms: the interpreter says where that
        // leaves its holders unknown.
        let declared = self.bundle.groups.get(g as usize);
        if declared.is_some_and(|g| !g.open.is_empty()) {
            return not_native("a group or office whose period the text dates only by a window");
        }
        if declared.is_some_and(|g| !g.recorded_open.is_empty()) {
            return not_native("a group whose composition the history dates only by a window");
        }
        let by_chair = declared.is_some_and(|g| !g.chair_roles.is_empty());
        if by_chair && (!self.e.folded.chair_windows.is_empty() || self.e.folded.terms_shift) {
            return not_native(
                "an office held by the chair's roles, whose terms follow a record the history dates only by a window",
            );
        }
        let out = super::emit::group_words(b, epochs, d);
        let zero = b.ins().iconst(types::I64, 0);
        let d_none = b.ins().icmp_imm_s(IntCC::Equal, d, NONE32);
        let out = out.into_iter().map(|w| b.ins().select(d_none, zero, w)).collect();
        Ok(NVal::Parties(out, b.ins().iconst(types::I8, 0)))
    }

    /// `{x in S | cond}` over a set of parties: each word's kept bits are
    /// gathered without branching on the condition.
    fn filter(
        &mut self,
        b: &mut FunctionBuilder<'_>,
        slot: usize,
        words: &[Value],
        flag: Value,
        cond: &Expr,
        locals: &mut Vec<NVal>,
    ) -> Result<NVal, NotNative> {
        // `none` first, as in a quantifier.
        let with_none = b.create_block();
        let none_done = b.create_block();
        b.append_block_param(none_done, types::I8);
        let zero8 = b.ins().iconst(types::I8, 0);
        b.ins().brif(flag, with_none, &[], none_done, &[zero8.into()]);
        b.switch_to_block(with_none);
        locals.truncate(slot);
        let none = self.i32(b, NONE32);
        locals.push(NVal::Scalar(none, NTy::None));
        let holds = self.compile(b, cond, locals)?;
        let holds = self.bool(&holds)?;
        b.ins().jump(none_done, &[holds.into()]);
        b.switch_to_block(none_done);
        let [kept_flag] = values(b.block_params(none_done));
        let mut kept = Vec::with_capacity(words.len());
        for (w, word) in words.iter().enumerate() {
            let header = b.create_block();
            let step = b.create_block();
            let next_word = b.create_block();
            b.append_block_param(header, types::I64);
            b.append_block_param(header, types::I64);
            let zero = b.ins().iconst(types::I64, 0);
            b.ins().jump(header, &[(*word).into(), zero.into()]);
            b.switch_to_block(header);
            let [bits, acc] = values(b.block_params(header));
            let empty = b.ins().icmp_imm_s(IntCC::Equal, bits, 0);
            b.ins().brif(empty, next_word, &[], step, &[]);
            b.switch_to_block(step);
            let low = b.ins().ctz(bits);
            let p = b.ins().iadd_imm_s(low, (64 * w) as i64);
            let p = b.ins().ireduce(types::I32, p);
            let lowest = b.ins().ineg(bits);
            let lowest = b.ins().band(bits, lowest);
            let rest = b.ins().bxor(bits, lowest);
            locals.truncate(slot);
            locals.push(NVal::Scalar(p, NTy::Party));
            let holds = self.compile(b, cond, locals)?;
            let holds = self.bool(&holds)?;
            // all ones when the condition holds, else zero
            let mask = b.ins().uextend(types::I64, holds);
            let mask = b.ins().ineg(mask);
            let add = b.ins().band(lowest, mask);
            let grown = b.ins().bor(acc, add);
            b.ins().jump(header, &[rest.into(), grown.into()]);
            b.switch_to_block(next_word);
            kept.push(acc);
        }
        locals.truncate(slot);
        Ok(NVal::Parties(kept, kept_flag))
    }

    fn binary(
        &mut self,
        b: &mut FunctionBuilder<'_>,
        op: BinOp,
        lhs: &Expr,
        rhs: &Expr,
        locals: &mut Vec<NVal>,
    ) -> Result<NVal, NotNative> {
        if let BinOp::And | BinOp::Or | BinOp::Implies = op {
            // Kleene's logic, as the interpreter: the right side runs when
            // the left does not decide, or is unknown; an unknown left
            // stays unknown unless the right decides.
            let decides_on = !matches!(op, BinOp::And);
            let outer = self.err;
            let left_failed = b.create_block();
            b.append_block_param(left_failed, types::I32);
            self.err = left_failed;
            let compiled = self.compile(b, lhs, locals).and_then(|a| self.bool(&a));
            self.err = outer;
            let mut a = compiled?;
            if op == BinOp::Implies {
                a = b.ins().bxor_imm_u(a, 1);
            }
            let right = b.create_block();
            b.append_block_param(right, types::I8);
            let done = b.create_block();
            b.append_block_param(done, types::I8);
            let decided = b.ins().iconst(types::I8, i64::from(decides_on));
            let known = b.ins().iconst(types::I8, 0);
            if decides_on {
                b.ins().brif(a, done, &[decided.into()], right, &[known.into()]);
            } else {
                b.ins().brif(a, right, &[known.into()], done, &[decided.into()]);
            }
            // The left side left early: unknown goes on to the right side,
            // any other status leaves.
            b.switch_to_block(left_failed);
            let [status] = values(b.block_params(left_failed));
            let is_unknown = b.ins().icmp_imm_s(IntCC::Equal, status, i64::from(UNKNOWN));
            let unknown = b.ins().iconst(types::I8, 1);
            b.ins()
                .brif(is_unknown, right, &[unknown.into()], outer, &[status.into()]);
            b.switch_to_block(right);
            let [left_unknown] = values(b.block_params(right));
            let r = self.compile(b, rhs, locals)?;
            let r = self.bool(&r)?;
            let undecided = b.ins().icmp_imm_s(IntCC::NotEqual, r, i64::from(decides_on));
            let undecided = b.ins().band(undecided, left_unknown);
            self.fail_if(b, undecided, UNKNOWN);
            b.ins().jump(done, &[r.into()]);
            b.switch_to_block(done);
            let [v] = values(b.block_params(done));
            return Ok(NVal::Scalar(v, NTy::Bool));
        }
        let a = self.compile(b, lhs, locals)?;
        let c = self.compile(b, rhs, locals)?;
        Ok(match op {
            BinOp::Eq | BinOp::Ne => {
                let equal = self.equal(b, &a, &c)?;
                let v = if op == BinOp::Eq {
                    equal
                } else {
                    b.ins().bxor_imm_u(equal, 1)
                };
                NVal::Scalar(v, NTy::Bool)
            }
            BinOp::Lt | BinOp::Le | BinOp::Gt | BinOp::Ge => {
                let cc = match op {
                    BinOp::Lt => IntCC::SignedLessThan,
                    BinOp::Le => IntCC::SignedLessThanOrEqual,
                    BinOp::Gt => IntCC::SignedGreaterThan,
                    _ => IntCC::SignedGreaterThanOrEqual,
                };
                match (&a, &c) {
                    (NVal::Duration(x), NVal::Duration(y)) => {
                        if x.unit != y.unit {
                            return not_native("a comparison of durations in different units");
                        }
                        let holds = match op {
                            BinOp::Lt => x.amount < y.amount,
                            BinOp::Le => x.amount <= y.amount,
                            BinOp::Gt => x.amount > y.amount,
                            _ => x.amount >= y.amount,
                        };
                        NVal::Scalar(b.ins().iconst(types::I8, i64::from(holds)), NTy::Bool)
                    }
                    (NVal::Scalar(x, tx), NVal::Scalar(y, ty))
                        if matches!((tx, ty), (NTy::Int, NTy::Int) | (NTy::Date, NTy::Date)) =>
                    {
                        // `none` has no order.
                        let xn = self.is_none(b, &a)?;
                        let yn = self.is_none(b, &c)?;
                        let either = b.ins().bor(xn, yn);
                        self.fail_if(b, either, NO_VALUE);
                        NVal::Scalar(b.ins().icmp(cc, *x, *y), NTy::Bool)
                    }
                    _ => {
                        // Anything else compared is malformed in the interpreter.
                        let yes = b.ins().iconst(types::I8, 1);
                        self.fail_if(b, yes, MALFORMED);
                        NVal::Scalar(b.ins().iconst(types::I8, 0), NTy::Bool)
                    }
                }
            }
            BinOp::In => {
                let (words, flag) = self.parties(c)?;
                let p = self.party_or_none(&a)?;
                let is_none = b.ins().icmp_imm_s(IntCC::Equal, p, NONE32);
                let has = self.has_party(b, &words, p);
                NVal::Scalar(b.ins().select(is_none, flag, has), NTy::Bool)
            }
            BinOp::Add | BinOp::Sub | BinOp::Mul => self.arithmetic(b, op, a, c)?,
            BinOp::And | BinOp::Or | BinOp::Implies => return not_native("logic"),
        })
    }

    /// Whether two values are equal (`i8`).
    fn equal(&mut self, b: &mut FunctionBuilder<'_>, a: &NVal, c: &NVal) -> Result<Value, NotNative> {
        Ok(match (a, c) {
            (NVal::Parties(x, xf), NVal::Parties(y, yf)) => {
                let mut same = b.ins().icmp(IntCC::Equal, *xf, *yf);
                for (x, y) in x.iter().zip(y) {
                    let eq = b.ins().icmp(IntCC::Equal, *x, *y);
                    same = b.ins().band(same, eq);
                }
                same
            }
            (NVal::Scalar(x, tx), NVal::Scalar(y, ty)) => {
                let (tx, ty) = (*tx, *ty);
                let ptr = self.ptr();
                if tx == ty || tx == NTy::None || ty == NTy::None {
                    match (tx.scalar(ptr), ty.scalar(ptr)) {
                        (a, c) if a == c => b.ins().icmp(IntCC::Equal, *x, *y),
                        // `none` (an i32) and an integer: equal when the integer is none.
                        (types::I64, _) => b.ins().icmp_imm_s(IntCC::Equal, *x, NONE_INT),
                        (_, types::I64) => b.ins().icmp_imm_s(IntCC::Equal, *y, NONE_INT),
                        _ => return not_native("a comparison of values of different kinds"),
                    }
                } else {
                    // Values of different kinds are never equal, except two
                    // absent ones.
                    let xn = self.is_none(b, a)?;
                    let yn = self.is_none(b, c)?;
                    b.ins().band(xn, yn)
                }
            }
            (NVal::Duration(x), NVal::Duration(y)) => b.ins().iconst(types::I8, i64::from(x == y)),
            _ => return not_native("a comparison of records or of values of different kinds"),
        })
    }

    fn arithmetic(&mut self, b: &mut FunctionBuilder<'_>, op: BinOp, a: NVal, c: NVal) -> Result<NVal, NotNative> {
        Ok(match (op, &a, &c) {
            (_, NVal::Scalar(x, NTy::Int), NVal::Scalar(y, NTy::Int)) => {
                let xn = b.ins().icmp_imm_s(IntCC::Equal, *x, NONE_INT);
                let yn = b.ins().icmp_imm_s(IntCC::Equal, *y, NONE_INT);
                let either = b.ins().bor(xn, yn);
                let (v, overflow) = match op {
                    BinOp::Add => b.ins().sadd_overflow(*x, *y),
                    BinOp::Sub => b.ins().ssub_overflow(*x, *y),
                    _ => b.ins().smul_overflow(*x, *y),
                };
                if op == BinOp::Mul {
                    // `none` cannot be multiplied.
                    self.fail_if(b, either, NO_VALUE);
                    let min = b.ins().icmp_imm_s(IntCC::Equal, v, NONE_INT);
                    let bad = b.ins().bor(overflow, min);
                    self.fail_if(b, bad, OVERFLOW);
                    NVal::Scalar(v, NTy::Int)
                } else {
                    // `none` plus or minus anything stays none.
                    let min = b.ins().icmp_imm_s(IntCC::Equal, v, NONE_INT);
                    let bad = b.ins().bor(overflow, min);
                    let not_none = b.ins().bxor_imm_u(either, 1);
                    let bad = b.ins().band(bad, not_none);
                    self.fail_if(b, bad, OVERFLOW);
                    let none = b.ins().iconst(types::I64, NONE_INT);
                    NVal::Scalar(b.ins().select(either, none, v), NTy::Int)
                }
            }
            (BinOp::Add, NVal::Scalar(d, NTy::Date | NTy::None), NVal::Duration(p))
            | (BinOp::Add, NVal::Duration(p), NVal::Scalar(d, NTy::Date | NTy::None)) => {
                NVal::Scalar(self.add_duration(b, *d, *p, 1), NTy::Date)
            }
            (BinOp::Sub, NVal::Scalar(d, NTy::Date | NTy::None), NVal::Duration(p)) => {
                NVal::Scalar(self.add_duration(b, *d, *p, -1), NTy::Date)
            }
            (BinOp::Sub, NVal::Scalar(x, NTy::Date | NTy::None), NVal::Scalar(y, NTy::Date | NTy::None)) => {
                let xn = b.ins().icmp_imm_s(IntCC::Equal, *x, NONE32);
                let yn = b.ins().icmp_imm_s(IntCC::Equal, *y, NONE32);
                let either = b.ins().bor(xn, yn);
                let x = b.ins().sextend(types::I64, *x);
                let y = b.ins().sextend(types::I64, *y);
                let v = b.ins().isub(x, y);
                let none = b.ins().iconst(types::I64, NONE_INT);
                NVal::Scalar(b.ins().select(either, none, v), NTy::Int)
            }
            (BinOp::Add | BinOp::Sub, NVal::Scalar(x, NTy::None), _)
            | (BinOp::Add | BinOp::Sub, _, NVal::Scalar(x, NTy::None)) => NVal::Scalar(*x, NTy::None),
            _ => return not_native(format!("{op:?} of a {:?} and a {:?}", a.ty(), c.ty())),
        })
    }

    /// `day + times * duration`, `none` for `none`; off the calendar is an error.
    fn add_duration(&mut self, b: &mut FunctionBuilder<'_>, day: Value, duration: ir::Duration, times: i64) -> Value {
        let none = b.ins().icmp_imm_s(IntCC::Equal, day, NONE32);
        let wide = b.ins().sextend(types::I64, day);
        let amount = duration.amount.saturating_mul(times);
        let result = match duration.unit {
            Unit::Days => b.ins().iadd_imm_s(wide, amount),
            Unit::Months => add_months(b, wide, amount),
            Unit::Years => add_months(b, wide, amount.saturating_mul(12)),
        };
        // Off the calendar (0001-01-01 to 9999-12-31), before or after.
        let low = b.ins().icmp_imm_s(IntCC::SignedLessThan, result, FIRST_DAY);
        let high = b
            .ins()
            .icmp_imm_s(IntCC::SignedGreaterThan, result, i64::from(charter_runtime::date::LAST));
        let start_low = b.ins().icmp_imm_s(IntCC::SignedLessThan, wide, FIRST_DAY);
        let start_high = b
            .ins()
            .icmp_imm_s(IntCC::SignedGreaterThan, wide, i64::from(charter_runtime::date::LAST));
        let off = b.ins().bor(low, high);
        let off = b.ins().bor(off, start_low);
        let off = b.ins().bor(off, start_high);
        let not_none = b.ins().bxor_imm_u(none, 1);
        let off = b.ins().band(off, not_none);
        self.fail_if(b, off, OUT_OF_RANGE);
        let result = b.ins().ireduce(types::I32, result);
        let none_value = b.ins().iconst(types::I32, NONE32);
        b.ins().select(none, none_value, result)
    }
}

/// A status as native code holds it: its place in `Status::ALL`.
pub fn status_code(status: ir::Status) -> i64 {
    match status {
        ir::Status::Member => 0,
        ir::Status::Pending => 1,
        ir::Status::Observer => 2,
        ir::Status::Invited => 3,
        ir::Status::None => 4,
        ir::Status::Suspended => 5,
    }
}

/// `floor(a / c)` for a constant `c > 0`.
fn floor_div(b: &mut FunctionBuilder<'_>, a: Value, c: i64) -> Value {
    let q = b.ins().sdiv_imm_s(a, c);
    let back = b.ins().imul_imm_s(q, c);
    let r = b.ins().isub(a, back);
    let negative = b.ins().icmp_imm_s(IntCC::SignedLessThan, r, 0);
    let one = b.ins().uextend(types::I64, negative);
    b.ins().isub(q, one)
}

/// Days of an era (from 1 March of year 0) before its year `yoe`.
fn days_before(b: &mut FunctionBuilder<'_>, yoe: Value) -> Value {
    let y365 = b.ins().imul_imm_s(yoe, 365);
    let y4 = b.ins().udiv_imm_u(yoe, 4);
    let y100 = b.ins().udiv_imm_u(yoe, 100);
    let days = b.ins().iadd(y365, y4);
    b.ins().isub(days, y100)
}

/// `day + months`, keeping the day of the month and clamping it to the
/// last day of a shorter month (Howard Hinnant's civil-date algorithms,
/// in `i64`; the caller checks the calendar's range).
fn add_months(b: &mut FunctionBuilder<'_>, day: Value, months: i64) -> Value {
    // civil_from_days
    let z = b.ins().iadd_imm_s(day, 719_468);
    let era = floor_div(b, z, 146_097);
    let era_days = b.ins().imul_imm_s(era, 146_097);
    let doe = b.ins().isub(z, era_days);
    let a = b.ins().udiv_imm_u(doe, 1460);
    let c = b.ins().udiv_imm_u(doe, 36_524);
    let d = b.ins().udiv_imm_u(doe, 146_096);
    let t = b.ins().isub(doe, a);
    let t = b.ins().iadd(t, c);
    let t = b.ins().isub(t, d);
    let yoe = b.ins().udiv_imm_u(t, 365);
    let era_years = b.ins().imul_imm_s(era, 400);
    let y = b.ins().iadd(yoe, era_years);
    let start = days_before(b, yoe);
    let doy = b.ins().isub(doe, start);
    let mp = b.ins().imul_imm_s(doy, 5);
    let mp = b.ins().iadd_imm_s(mp, 2);
    let mp = b.ins().udiv_imm_u(mp, 153);
    let back = b.ins().imul_imm_s(mp, 153);
    let back = b.ins().iadd_imm_s(back, 2);
    let back = b.ins().udiv_imm_u(back, 5);
    let dd = b.ins().isub(doy, back);
    let dd = b.ins().iadd_imm_s(dd, 1);
    // Months counted from March (0) to February (11): month index from January.
    let low = b.ins().icmp_imm_s(IntCC::SignedLessThan, mp, 10);
    let plus3 = b.ins().iadd_imm_s(mp, 3);
    let minus9 = b.ins().iadd_imm_s(mp, -9);
    let m = b.ins().select(low, plus3, minus9);
    let early = b.ins().icmp_imm_s(IntCC::SignedLessThanOrEqual, m, 2);
    let early = b.ins().uextend(types::I64, early);
    let y = b.ins().iadd(y, early);
    // Add the months.
    let y12 = b.ins().imul_imm_s(y, 12);
    let total = b.ins().iadd(y12, m);
    let total = b.ins().iadd_imm_s(total, months - 1);
    let y = floor_div(b, total, 12);
    let y12 = b.ins().imul_imm_s(y, 12);
    let m = b.ins().isub(total, y12);
    let m = b.ins().iadd_imm_s(m, 1);
    // Clamp the day to the month's length.
    let four = floor_div(b, y, 4);
    let four = b.ins().imul_imm_s(four, 4);
    let by4 = b.ins().icmp(IntCC::Equal, four, y);
    let hundred = floor_div(b, y, 100);
    let hundred = b.ins().imul_imm_s(hundred, 100);
    let by100 = b.ins().icmp(IntCC::Equal, hundred, y);
    let four_hundred = floor_div(b, y, 400);
    let four_hundred = b.ins().imul_imm_s(four_hundred, 400);
    let by400 = b.ins().icmp(IntCC::Equal, four_hundred, y);
    let not100 = b.ins().bxor_imm_u(by100, 1);
    let leap = b.ins().band(by4, not100);
    let leap = b.ins().bor(leap, by400);
    let leap = b.ins().uextend(types::I64, leap);
    let feb = b.ins().iadd_imm_s(leap, 28);
    // 30 days for April, June, September, November; else 31.
    let mut length = b.ins().iconst(types::I64, 31);
    for short in [4, 6, 9, 11] {
        let is = b.ins().icmp_imm_s(IntCC::Equal, m, short);
        let thirty = b.ins().iconst(types::I64, 30);
        length = b.ins().select(is, thirty, length);
    }
    let is_feb = b.ins().icmp_imm_s(IntCC::Equal, m, 2);
    let length = b.ins().select(is_feb, feb, length);
    let dd = b.ins().smin(dd, length);
    // days_from_civil
    let early = b.ins().icmp_imm_s(IntCC::SignedLessThanOrEqual, m, 2);
    let early = b.ins().uextend(types::I64, early);
    let y = b.ins().isub(y, early);
    let era = floor_div(b, y, 400);
    let era_years = b.ins().imul_imm_s(era, 400);
    let yoe = b.ins().isub(y, era_years);
    let late = b.ins().icmp_imm_s(IntCC::SignedGreaterThan, m, 2);
    let minus3 = b.ins().iadd_imm_s(m, -3);
    let plus9 = b.ins().iadd_imm_s(m, 9);
    let mp = b.ins().select(late, minus3, plus9);
    let doy = b.ins().imul_imm_s(mp, 153);
    let doy = b.ins().iadd_imm_s(doy, 2);
    let doy = b.ins().udiv_imm_u(doy, 5);
    let doy = b.ins().iadd(doy, dd);
    let doy = b.ins().iadd_imm_s(doy, -1);
    let doe = days_before(b, yoe);
    let doe = b.ins().iadd(doe, doy);
    let days = b.ins().imul_imm_s(era, 146_097);
    let days = b.ins().iadd(days, doe);
    b.ins().iadd_imm_s(days, -719_468)
}

/// A local or argument as native code reads it: a word, or a buffer whose
/// address is the word.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Slot {
    Word(u64),
    Buffer(Vec<u64>),
}

fn words_of(bytes: &[u8]) -> Vec<u64> {
    bytes
        .chunks(8)
        .map(|c| {
            let mut word = [0u8; 8];
            for (w, b) in word.iter_mut().zip(c) {
                *w = *b;
            }
            u64::from_le_bytes(word)
        })
        .collect()
}

fn bytes_of(words: &[u64]) -> Vec<u8> {
    words.iter().flat_map(|w| w.to_le_bytes()).collect()
}

/// `value` as a slot of type `ty`, or `None` if it is not a value of it.
pub fn encode(value: &charter_runtime::Value, ty: NTy, layout: Layout, bundle: &ir::Bundle) -> Option<Slot> {
    use charter_runtime::Value as V;
    let word32 = |x: i32| Slot::Word(i64::from(x) as u64);
    Some(match (ty, value) {
        (NTy::Bool, V::Bool(x)) => Slot::Word(u64::from(*x)),
        (NTy::Int, V::Int(i)) if *i != NONE_INT => Slot::Word(*i as u64),
        (NTy::Int, V::None) => Slot::Word(NONE_INT as u64),
        (NTy::Date, V::Date(d)) => word32(*d),
        (NTy::Party, V::Party(p)) => word32(i32::try_from(*p).ok()?),
        (NTy::Status, V::Status(s)) => word32(status_code(*s) as i32),
        (NTy::MeetingKind, V::MeetingKind(k)) => word32(i32::try_from(*k).ok()?),
        (NTy::DecisionKind, V::DecisionKind(k)) => word32(i32::try_from(*k).ok()?),
        // A group the policy does not have is not one native code selects.
        (NTy::Group, V::Group(g)) if (*g as usize) < bundle.groups.len() => word32(i32::try_from(*g).ok()?),
        (NTy::Date | NTy::Party | NTy::Status | NTy::None, V::None) => word32(i32::MIN),
        (NTy::Parties, V::Set(items)) => {
            let mut parties = Vec::new();
            let mut none = false;
            for item in items {
                match item {
                    V::Party(p) if (*p as usize) < bundle.parties.len() => parties.push(*p),
                    V::None => none = true,
                    _ => return None,
                }
            }
            let mut words = set_of(layout.words, &parties);
            words.push(u64::from(none));
            Slot::Buffer(words)
        }
        (NTy::Meeting, V::Meeting(m)) => {
            let record = meeting_record(bundle, m.id.as_ref());
            if m.id.is_some() && record < 0 {
                return None;
            }
            Slot::Buffer(words_of(&meeting_bytes(layout, m, record)))
        }
        (NTy::Decision, V::Decision(d)) => {
            // The record's index only carries what the layout has no field
            // for (an invitation's target), so it is looked up only then.
            let record = match &d.invited_to {
                None => -1,
                Some(_) => bundle
                    .history
                    .decisions
                    .iter()
                    .position(|r| r.decision == **d)
                    .and_then(|i| i32::try_from(i).ok())?,
            };
            let meeting = meeting_record(bundle, d.meeting.id.as_ref());
            Slot::Buffer(words_of(&decision_bytes(layout, d, record, meeting)))
        }
        _ => return None,
    })
}

fn parties_of(layout: Layout, words: &[u64], count: usize) -> Vec<u32> {
    crate::tables_parties(words.get(..layout.words).unwrap_or_default())
        .filter(|p| (*p as usize) < count)
        .collect()
}

fn meeting_of(layout: Layout, bytes: &[u8], bundle: &ir::Bundle) -> Option<ir::Meeting> {
    let int = |at: usize| Some(i32::from_le_bytes(bytes.get(at..at + 4)?.try_into().ok()?));
    let words = words_of(bytes.get(16..)?);
    let count = bundle.parties.len();
    let record = int(12)?;
    Some(ir::Meeting {
        id: usize::try_from(record)
            .ok()
            .and_then(|r| bundle.history.meetings.get(r))
            .and_then(|m| m.meeting.id.clone()),
        kind: int(0)? as u32,
        date: int(4)?,
        host: u32::try_from(int(8)?).ok(),
        present: parties_of(layout, &words, count),
        observers: parties_of(layout, words.get(layout.words..)?, count),
    })
}

/// The value a native function wrote to `out`, of type `ty`.
pub fn decode(out: &[u64], ty: NTy, layout: Layout, bundle: &ir::Bundle) -> Option<charter_runtime::Value> {
    use charter_runtime::Value as V;
    let first = *out.first()?;
    let small = first as i64 as i32;
    let none_or = |f: &dyn Fn(i32) -> V| if small == i32::MIN { V::None } else { f(small) };
    Some(match ty {
        NTy::Bool => V::Bool(first != 0),
        NTy::Int => {
            if first as i64 == NONE_INT {
                V::None
            } else {
                V::Int(first as i64)
            }
        }
        NTy::Date => none_or(&V::Date),
        NTy::Party => none_or(&|p| V::Party(p as u32)),
        NTy::Status => {
            if small == i32::MIN {
                V::None
            } else {
                V::Status(*ir::Status::ALL.get(usize::try_from(small).ok()?)?)
            }
        }
        NTy::MeetingKind => V::MeetingKind(small as u32),
        NTy::DecisionKind => V::DecisionKind(small as u32),
        NTy::Group => V::Group(small as u32),
        NTy::None => V::None,
        NTy::Duration => return None,
        NTy::Parties => {
            let mut items: std::collections::BTreeSet<V> = parties_of(layout, out, bundle.parties.len())
                .into_iter()
                .map(V::Party)
                .collect();
            if out.get(layout.words).is_some_and(|f| *f != 0) {
                items.insert(V::None);
            }
            V::Set(items)
        }
        NTy::Meeting => V::Meeting(Box::new(meeting_of(
            layout,
            &bytes_of(out.get(..layout.meeting_size() / 8)?),
            bundle,
        )?)),
        NTy::Decision => {
            let bytes = bytes_of(out.get(..layout.decision_size() / 8)?);
            let int = |at: usize| Some(i32::from_le_bytes(bytes.get(at..at + 4)?.try_into().ok()?));
            let record = usize::try_from(int(4)?)
                .ok()
                .and_then(|r| bundle.history.decisions.get(r));
            let meeting = meeting_of(layout, bytes.get(8..8 + layout.meeting_size())?, bundle)?;
            let sets = words_of(bytes.get(layout.objections()..)?);
            let count = bundle.parties.len();
            V::Decision(Box::new(ir::Decision {
                kind: int(0)? as u32,
                meeting,
                objections: parties_of(layout, &sets, count),
                reservations: parties_of(layout, sets.get(layout.words..)?, count),
                subjects: parties_of(layout, sets.get(2 * layout.words..)?, count),
                invited_to: record.and_then(|r| r.decision.invited_to.clone()),
            }))
        }
    })
}

/// The set of parties each part of the chair the text names gives (`of`),
/// selected by the day `d`: each part from its day to the next part's,
/// nobody before the first.
fn named_parts(
    b: &mut FunctionBuilder<'_>,
    p: &ir::PermanentChair,
    d: Value,
    words: usize,
    of: impl Fn(&ir::NamedChair) -> Vec<ir::PartyId>,
) -> Vec<Value> {
    let zero = b.ins().iconst(types::I64, 0);
    let mut acc: Vec<Value> = (0..words).map(|_| zero).collect();
    for (i, part) in p.parts.iter().enumerate() {
        let set = charter_runtime::tables::set_of(words, &of(part));
        let from = b
            .ins()
            .icmp_imm_s(IntCC::SignedGreaterThanOrEqual, d, i64::from(part.from));
        let in_office = match p.parts.get(i + 1) {
            Some(next) => {
                let before = b.ins().icmp_imm_s(IntCC::SignedLessThan, d, i64::from(next.from));
                b.ins().band(from, before)
            }
            None => from,
        };
        acc = set
            .iter()
            .zip(acc)
            .map(|(w, before)| {
                let constant = b.ins().iconst(types::I64, *w as i64);
                b.ins().select(in_office, constant, before)
            })
            .collect();
    }
    acc
}

/// The chairs the text names and the days `[from, until)` they hold over:
/// with one way of choosing the chair throughout, the one set of parts on
/// every day (`None`); where an amendment changes the way, each era of
/// named chairs.
fn named_eras(bundle: &ir::Bundle) -> Vec<(Option<(ir::Day, ir::Day)>, &ir::PermanentChair)> {
    let eras = bundle.chair_eras();
    if eras.len() <= 1 {
        return bundle.named_chairs().map(|p| (None, p)).into_iter().collect();
    }
    eras.iter()
        .filter_map(|e| match e.model {
            ir::ChairModel::Named(p) => Some((Some((e.from, e.until)), p)),
            ir::ChairModel::Rotation(_) | ir::ChairModel::Designated(_) => None,
        })
        .collect()
}

/// `otherwise`, but on the days of each era of named chairs the set `of`
/// their parts gives.
fn in_named_eras(
    b: &mut FunctionBuilder<'_>,
    eras: &[(Option<(ir::Day, ir::Day)>, &ir::PermanentChair)],
    d: Value,
    words: usize,
    otherwise: Vec<Value>,
    of: impl Fn(&ir::NamedChair) -> Vec<ir::PartyId> + Copy,
) -> Vec<Value> {
    let mut acc = otherwise;
    for (span, p) in eras {
        let named = named_parts(b, p, d, words, of);
        acc = match span {
            None => named,
            Some((from, until)) => {
                let after = b.ins().icmp_imm_s(IntCC::SignedGreaterThanOrEqual, d, i64::from(*from));
                let before = b.ins().icmp_imm_s(IntCC::SignedLessThan, d, i64::from(*until));
                let within = b.ins().band(after, before);
                named
                    .into_iter()
                    .zip(acc)
                    .map(|(n, o)| b.ins().select(within, n, o))
                    .collect()
            }
        };
    }
    acc
}
