//! The JIT/ABI boundary: the only module with `unsafe`. It compiles folded
//! tables to native code in process, holds the function pointers, and frees
//! the code when dropped (`JITModule` itself frees nothing).
#![allow(
    unsafe_code,
    reason = "the JIT boundary: calling compiled code through function pointers; each block says why it is sound"
)]

use cranelift_codegen::settings::{self, Configurable};
use cranelift_jit::{JITBuilder, JITModule};
use cranelift_module::{default_libcall_names, Linkage};

use charter_runtime::ir::Bundle;
use charter_runtime::{EvalError, Value};

use super::deferred::Deferred;
use super::emit::{self, record_words, Attendance};
use super::fold::Folded;
use super::lang::{self, Layout, NTy, NotNative, Query, Slot};
use super::CodegenError;

type DayFn = extern "C" fn(i32) -> i32;
type MembersFn = extern "C" fn(i32, *mut u64) -> i32;
type ValidFn = extern "C" fn(*const u64) -> i32;
type ValidBatchFn = extern "C" fn(*const u64, i64, *mut u8);
type ChairBatchFn = extern "C" fn(*const i32, i64, *mut i32);
type ValidSetsFn = extern "C" fn(*const u64, *const u64, *const u64, i64, *mut u8);
type AttendFn = extern "C" fn(u32, i32) -> i32;
type AttendBatchFn = extern "C" fn(*const Attendance, i64, *mut u8);
/// `fn(slots, out) -> status`: a rule or a query over slots.
type SlotsFn = extern "C" fn(*const u64, *mut u64) -> i32;

/// A rule or query compiled natively: its entry over slots, the types of
/// its slots and of its result.
struct Entry {
    function: SlotsFn,
    slots: Vec<NTy>,
    returns: NTy,
}

/// Native code for one folded policy. The function pointers stay valid for
/// as long as this value lives.
pub struct NativeCode {
    module: Option<JITModule>,
    /// `u64` words per set of parties.
    words: usize,
    members: MembersFn,
    member: AttendFn,
    chair: DayFn,
    term_start: DayFn,
    term_end: DayFn,
    valid: ValidFn,
    valid_batch: ValidBatchFn,
    valid_sets: ValidSetsFn,
    chair_batch: ChairBatchFn,
    may_attend: AttendFn,
    may_attend_batch: AttendBatchFn,
    layout: Layout,
    /// Per rule of the bundle, its native entry or why there is none.
    rules: Vec<Result<Entry, NotNative>>,
    queries: Vec<Result<Entry, NotNative>>,
}

impl NativeCode {
    /// Native code for the folded tables, every rule of `bundle` that
    /// compiles, and `queries`.
    pub fn compile(folded: &Folded, bundle: &Bundle, queries: &[Query]) -> Result<NativeCode, CodegenError> {
        let isa = |opt_level: &str| {
            let mut flags = settings::builder();
            // The JIT places code anywhere in memory: no PIC, absolute addresses.
            flags.set("is_pic", "false").map_err(|e| CodegenError(e.to_string()))?;
            flags
                .set("use_colocated_libcalls", "false")
                .map_err(|e| CodegenError(e.to_string()))?;
            flags
                .set("opt_level", opt_level)
                .map_err(|e| CodegenError(e.to_string()))?;
            // The emitter's output is checked by the differential tests and,
            // in debug builds (the tests'), by the IR verifier; in release it
            // would only add to compile latency (W4).
            flags
                .set("enable_verifier", if cfg!(debug_assertions) { "true" } else { "false" })
                .map_err(|e| CodegenError(e.to_string()))?;
            cranelift_native::builder()
                .map_err(|e| CodegenError(e.to_string()))?
                .finish(settings::Flags::new(flags))
                .map_err(|e| CodegenError(e.to_string()))
        };
        // Cranelift's optimiser (e-graphs) is most of the time to a ready
        // evaluator and gains nothing measurable on most table lookups:
        // only the functions it speeds up (`charter_valid_sets`, W5;
        // `may_attend`, W3; `chair_batch`, W1: 30 to 28 instructions a
        // day under callgrind) are compiled with it.
        let optimizing = isa("speed")?;
        let mut module = JITModule::new(JITBuilder::with_isa(isa("none")?, default_libcall_names()));
        // Every function is built first and compiled together (on two
        // threads where two cores are free).
        #[expect(
            clippy::result_large_err,
            reason = "ModuleError is cranelift's own error, returned at most once per compilation"
        )]
        let emitted = {
            let mut deferred = Deferred::new(&mut module);
            emit::emit(&mut deferred, folded, Linkage::Export, |m, e| {
                lang::emit(m, e, bundle, Linkage::Export, queries)
            })
            .and_then(|emitted| {
                let (functions, _) = &emitted;
                let optimize = [
                    functions.valid_sets,
                    functions.may_attend,
                    functions.may_attend_batch,
                    functions.chair_batch,
                ];
                deferred.finish(&optimize, &*optimizing).map(|()| emitted)
            })
        };
        let (functions, language) = match emitted {
            Ok(f) => f,
            Err(e) => {
                // SAFETY: nothing compiled in `module` has been handed out.
                unsafe { module.free_memory() };
                return Err(CodegenError(format!("{e:?}")));
            }
        };
        if let Err(e) = module.finalize_definitions() {
            // SAFETY: as above, no pointer into the module exists yet.
            unsafe { module.free_memory() };
            return Err(CodegenError(e.to_string()));
        }
        let address = |id| module.get_finalized_function(id);
        let entry = |id, slots: Vec<NTy>, returns| Entry {
            // SAFETY: `lang::slots_function` defines every slots entry with
            // the signature `(ptr, ptr) -> i32`, the platform's C convention.
            function: unsafe { std::mem::transmute::<*const u8, SlotsFn>(address(id)) },
            slots,
            returns,
        };
        let rules = language
            .rules
            .iter()
            .zip(&language.rule_slots)
            .map(|(rule, slots)| match (rule, slots) {
                (Ok(rule), Some(id)) => Ok(entry(*id, rule.params.clone(), rule.returns)),
                (Err(why), _) => Err(why.clone()),
                (Ok(_), None) => Err(NotNative("no entry over slots".into())),
            })
            .collect();
        let queries = language
            .queries
            .iter()
            .map(|compiled| compiled.clone().map(|(id, slots, returns)| entry(id, slots, returns)))
            .collect();
        // SAFETY: each address is a function `emit` defined with exactly the
        // signature of the pointer type it is transmuted to (see `emit.rs`:
        // `members_sig`, `party_day_sig`, `day_sig`, `valid_sig`, `batch_sig`, `sets_sig`), using the
        // platform's default calling convention, which is `extern "C"`.
        let mut code = unsafe {
            NativeCode {
                words: folded.words,
                members: std::mem::transmute::<*const u8, MembersFn>(address(functions.members)),
                member: std::mem::transmute::<*const u8, AttendFn>(address(functions.member)),
                chair: std::mem::transmute::<*const u8, DayFn>(address(functions.chair)),
                term_start: std::mem::transmute::<*const u8, DayFn>(address(functions.term_start)),
                term_end: std::mem::transmute::<*const u8, DayFn>(address(functions.term_end)),
                valid: std::mem::transmute::<*const u8, ValidFn>(address(functions.valid)),
                valid_batch: std::mem::transmute::<*const u8, ValidBatchFn>(address(functions.valid_batch)),
                valid_sets: std::mem::transmute::<*const u8, ValidSetsFn>(address(functions.valid_sets)),
                chair_batch: std::mem::transmute::<*const u8, ChairBatchFn>(address(functions.chair_batch)),
                may_attend: std::mem::transmute::<*const u8, AttendFn>(address(functions.may_attend)),
                may_attend_batch: std::mem::transmute::<*const u8, AttendBatchFn>(address(functions.may_attend_batch)),
                layout: Layout { words: folded.words },
                rules,
                queries,
                module: None,
            }
        };
        code.module = Some(module);
        Ok(code)
    }

    /// `u64` words per set of parties (and per set in a decision record).
    pub fn words(&self) -> usize {
        self.words
    }

    /// The members on `day`: bit i of word i/64 is party i.
    pub fn members(&self, day: i32) -> Vec<u64> {
        let mut out = vec![0u64; self.words];
        // The native code writes exactly `words` words (and says whether
        // a window leaves the set open: `Jit::call` says unknown there).
        let _ = (self.members)(day, out.as_mut_ptr());
        out
    }

    /// Whether `party` is a member on `day` (`false` also where a change of
    /// status dated only by a window leaves it open: [`super::Jit::call`]
    /// says unknown there).
    pub fn member(&self, party: u32, day: i32) -> bool {
        (self.member)(party, day) == 1
    }

    /// Whether `party` is a member on `day`: 1 or 0, or
    /// `fold::UNKNOWN_ANSWER` where a change of status dated only by a
    /// window leaves it open (for batches that say unknown themselves).
    pub fn member_answer(&self, party: u32, day: i32) -> i32 {
        (self.member)(party, day)
    }

    pub fn chair(&self, day: i32) -> i32 {
        (self.chair)(day)
    }

    pub fn term_start(&self, day: i32) -> i32 {
        (self.term_start)(day)
    }

    pub fn term_end(&self, day: i32) -> i32 {
        (self.term_end)(day)
    }

    /// Whether the decision record (`emit::record_words` words: see
    /// [`super::Jit::record`]) is valid (`Some(None)`: not judged, the text
    /// stating no decision rule); `None` if it has the wrong length.
    pub fn valid(&self, record: &[u64]) -> Option<Option<bool>> {
        (record.len() == record_words(self.words)).then(|| match (self.valid)(record.as_ptr()) {
            0 => Some(false),
            1 => Some(true),
            _ => None,
        })
    }

    /// Judges every record (`record_words` words each, one after another);
    /// `out` receives 1 (valid), 0 or 2 (not judged: the text states no
    /// decision rule) per record.
    pub fn valid_batch(&self, records: &[u64], out: &mut [u8]) {
        let n = (records.len() / record_words(self.words)).min(out.len());
        // The native loop reads `n` whole records and writes `n` bytes, both
        // within the slices (n is at most either length).
        (self.valid_batch)(records.as_ptr(), n as i64, out.as_mut_ptr());
    }

    /// The decision of `meeting` (a record, `record_words` words; its sets
    /// are ignored) judged for each pair of present and objecting sets
    /// (`words` words each, one after another); `out` receives 1, 0 or 2
    /// (not judged) per pair. `None` if `meeting` has the wrong length.
    pub fn valid_sets(&self, meeting: &[u64], present: &[u64], objections: &[u64], out: &mut [u8]) -> Option<()> {
        if meeting.len() != record_words(self.words) {
            return None;
        }
        let n = (present.len() / self.words)
            .min(objections.len() / self.words)
            .min(out.len());
        // The native loop reads the meeting's header, `n` sets from each
        // slice and writes `n` bytes: all within the slices.
        (self.valid_sets)(
            meeting.as_ptr(),
            present.as_ptr(),
            objections.as_ptr(),
            n as i64,
            out.as_mut_ptr(),
        );
        Some(())
    }

    /// Whether `party` may attend a meeting on `day` by its status.
    pub fn may_attend(&self, party: u32, day: i32) -> bool {
        (self.may_attend)(party, day) == 1
    }

    /// `may_attend` for every pair; `out` receives 1 or 0 per pair (4 where
    /// a change of status dated only by a window leaves it open).
    pub fn may_attend_batch(&self, pairs: &[Attendance], out: &mut [u8]) {
        let n = pairs.len().min(out.len());
        (self.may_attend_batch)(pairs.as_ptr(), n as i64, out.as_mut_ptr());
    }

    /// The chair on every day; `out` receives a party index or a sentinel
    /// (`fold::NONE`: no chair; `fold::UNKNOWN_VALUE`: a record dated only
    /// by a window leaves it open).
    pub fn chair_batch(&self, days: &[i32], out: &mut [i32]) {
        let n = days.len().min(out.len());
        (self.chair_batch)(days.as_ptr(), n as i64, out.as_mut_ptr());
    }
}

/// A native rule or query call that cannot be made: why.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CallError {
    #[error("not compiled to native code: {0}")]
    NotNative(NotNative),
    #[error("no such rule or query")]
    Unknown,
    #[error("argument {0} is not a value of the type native code expects")]
    Argument(usize),
}

impl NativeCode {
    /// Why rule `index` is not native, if it is not.
    pub fn rule_status(&self, index: usize) -> Option<Result<(), NotNative>> {
        self.rules
            .get(index)
            .map(|r| r.as_ref().map(|_| ()).map_err(Clone::clone))
    }

    /// Rule `index` of the bundle applied to `args`, natively.
    pub fn call_rule(
        &self,
        index: usize,
        args: &[Value],
        bundle: &Bundle,
    ) -> Result<Result<Value, EvalError>, CallError> {
        self.call(self.rules.get(index), args, bundle)
    }

    /// Query `index` (as given to [`NativeCode::compile`]) over `locals`.
    pub fn call_query(
        &self,
        index: usize,
        locals: &[Value],
        bundle: &Bundle,
    ) -> Result<Result<Value, EvalError>, CallError> {
        self.call(self.queries.get(index), locals, bundle)
    }

    fn call(
        &self,
        entry: Option<&Result<Entry, NotNative>>,
        values: &[Value],
        bundle: &Bundle,
    ) -> Result<Result<Value, EvalError>, CallError> {
        let entry = match entry {
            None => return Err(CallError::Unknown),
            Some(Err(why)) => return Err(CallError::NotNative(why.clone())),
            Some(Ok(entry)) => entry,
        };
        if values.len() < entry.slots.len() {
            return Err(CallError::Argument(values.len()));
        }
        let slots: Vec<Slot> = entry
            .slots
            .iter()
            .zip(values)
            .enumerate()
            .map(|(i, (ty, v))| lang::encode(v, *ty, self.layout, bundle).ok_or(CallError::Argument(i)))
            .collect::<Result<_, _>>()?;
        // Buffers stay where they are (and alive) until the call returns.
        let words: Vec<u64> = slots
            .iter()
            .map(|s| match s {
                Slot::Word(w) => *w,
                Slot::Buffer(b) => b.as_ptr() as u64,
            })
            .collect();
        let mut out = vec![0u64; self.layout.out_words()];
        // The native function reads one word per slot (a buffer's address
        // points to a buffer of the size its type has: `lang::encode`) and
        // writes at most `out_words` words to `out`.
        let status = (entry.function)(words.as_ptr(), out.as_mut_ptr());
        drop(slots);
        Ok(match status {
            lang::OK => lang::decode(&out, entry.returns, self.layout, bundle)
                .ok_or_else(|| EvalError::Malformed("a native result".into())),
            lang::OVERFLOW => Err(EvalError::Overflow),
            lang::OUT_OF_RANGE => Err(EvalError::DateOutOfRange),
            lang::UNKNOWN => Err(charter_runtime::Unknown::because(
                "native code: the answer depends on a fact not recorded",
            )),
            lang::NO_VALUE => Err(EvalError::NoValue(
                "an expression".into(),
                "has no value here (native code)",
            )),
            _ => Err(EvalError::Malformed("native evaluation of a malformed value".into())),
        })
    }
}

impl Drop for NativeCode {
    fn drop(&mut self) {
        if let Some(module) = self.module.take() {
            // SAFETY: the function pointers live in `self` and die with it;
            // `&self` methods cannot be running while `drop` has `&mut self`.
            unsafe { module.free_memory() };
        }
    }
}

// SAFETY: after `compile` returns, the module is never used through a
// shared reference: `&NativeCode` only calls the finalized functions, which
// read constant tables and their arguments and write only through the
// caller's output slice. The module is touched again only by `drop`, which
// has exclusive access. So sharing `&NativeCode` across threads is sound.
unsafe impl Sync for NativeCode {}
// SAFETY: the code and data the module owns live at fixed addresses that do
// not depend on the owning thread; moving the owner moves nothing they point to.
unsafe impl Send for NativeCode {}
