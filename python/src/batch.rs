//! The built-in queries over columns: days (numpy `int64` or
//! `datetime64[D]`: days since 1970-01-01, as Charter counts them) and
//! party indices in, a `bytearray` of answers out, which `charter._batch`
//! views as a numpy array (no copy) and turns into the answer columns. Each
//! batch runs with the GIL released, in native code's batch entry points
//! where the policy compiles to native code, else on the interpreter.

use charter::ir::Builtin;
use charter::native::{Attendance, NativeCode, NONE, UNKNOWN_ANSWER, UNKNOWN_VALUE};
use charter::{date, Outcome, Program, Value};
use pyo3::prelude::*;
use pyo3::types::PyByteArray;

use crate::columns::Column;
use crate::errors::{self, error, Class};

/// A missing day: numpy's `NaT` (the Python layer gives `null`s of Arrow
/// this value too). Its answer is missing, as an unknown one is.
pub const MISSING_DAY: i64 = i64::MIN;
/// A missing party (an empty code, a null).
pub const MISSING_PARTY: i32 = -1;

/// What a party or day answer holds besides a party index or a day.
pub const NO_VALUE: i32 = NONE;
pub const UNKNOWN: i32 = UNKNOWN_VALUE;
/// What a truth answer holds besides 0 and 1.
pub const UNKNOWN_TRUTH: u8 = 2;

/// Days evaluated a chunk at a time (the native batch reads `i32` days).
const CHUNK: usize = 4096;

/// Which query over days a batch answers.
#[derive(Debug, Clone, Copy)]
pub enum DayQuery {
    /// The party index of the chair, `NO_VALUE` or `UNKNOWN`.
    Chair,
    /// A day, `NO_VALUE` or `UNKNOWN`.
    TermStart,
    TermEnd,
}

impl DayQuery {
    fn builtin(self) -> Builtin {
        match self {
            DayQuery::Chair => Builtin::Chair,
            DayQuery::TermStart => Builtin::TermStart,
            DayQuery::TermEnd => Builtin::TermEnd,
        }
    }
}

/// Which query over (party, day) pairs a batch answers.
#[derive(Debug, Clone, Copy)]
pub enum PairQuery {
    Member,
    /// Whether the party may attend a meeting on the day, by its status
    /// (a meeting of a kind no body of the policy restricts).
    MayAttend,
}

/// `query` on every day of `days`: a `bytearray` of `i32` (native order).
pub fn days<'py>(
    py: Python<'py>,
    program: &Program,
    query: DayQuery,
    days: &Bound<'py, PyAny>,
) -> PyResult<Bound<'py, PyByteArray>> {
    let days = Column::<i64>::of(days, "days")?;
    let days = days.as_slice();
    check_days(py, days)?;
    let native = program.native().ok();
    let out = PyByteArray::new_with(py, days.len() * 4, |bytes| {
        py.detach(|| match native {
            Some(jit) => {
                days_native(jit.native(), query, days, bytes);
                Ok(())
            }
            None => days_interpreted(program, query, days, bytes),
        })
        .map_err(|why| error(py, Class::Eval, "charter::eval", why, None))
    })?;
    Ok(out)
}

/// `query` on every pair of `parties` (indices, `MISSING_PARTY`) and
/// `days`: a `bytearray` of 0, 1 or `UNKNOWN_TRUTH`.
pub fn pairs<'py>(
    py: Python<'py>,
    program: &Program,
    query: PairQuery,
    parties: &Bound<'py, PyAny>,
    days: &Bound<'py, PyAny>,
) -> PyResult<Bound<'py, PyByteArray>> {
    let parties = Column::<i32>::of(parties, "parties")?;
    let days = Column::<i64>::of(days, "days")?;
    let (parties, days) = (parties.as_slice(), days.as_slice());
    if parties.len() != days.len() {
        return Err(error(
            py,
            Class::Value,
            "charter::batch-lengths",
            format!(
                "{} parties and {} days: a batch pairs them one to one",
                parties.len(),
                days.len()
            ),
            None,
        ));
    }
    check_days(py, days)?;
    let count = program.bundle().parties.len();
    if let Some((i, p)) = parties
        .iter()
        .enumerate()
        .find(|(_, p)| **p != MISSING_PARTY && usize::try_from(**p).map_or(true, |p| p >= count))
    {
        return Err(error(
            py,
            Class::Value,
            "charter::unknown-party",
            format!("parties[{i}]: no party has index {p}"),
            None,
        ));
    }
    let native = program.native().ok();
    let out = PyByteArray::new_with(py, days.len(), |bytes| {
        py.detach(|| match native {
            Some(jit) => {
                pairs_native(jit.native(), query, parties, days, bytes);
                Ok(())
            }
            None => pairs_interpreted(program, query, parties, days, bytes),
        })
        .map_err(|why| error(py, Class::Eval, "charter::eval", why, None))
    })?;
    Ok(out)
}

/// The index of each party code of a numpy `str` array: a `bytearray` of
/// `i32`, `MISSING_PARTY` for an empty code; an unknown code is an error.
pub fn party_indices<'py>(
    py: Python<'py>,
    program: &Program,
    codes: &Bound<'py, PyAny>,
) -> PyResult<Bound<'py, PyByteArray>> {
    let (chars, width) = Column::unicode(codes, "parties")?;
    let chars = chars.as_slice();
    let mut known: fnv::FnvHashMap<Vec<u32>, i32> = fnv::FnvHashMap::default();
    for (i, party) in program.bundle().parties.iter().enumerate() {
        let mut key: Vec<u32> = party.id.chars().map(u32::from).collect();
        if key.len() <= width {
            key.resize(width, 0);
            known.insert(key, i32::try_from(i).unwrap_or(MISSING_PARTY));
        }
    }
    let items = chars.len() / width.max(1);
    let found = py.detach(|| {
        let mut out = Vec::with_capacity(items);
        for (i, code) in chars.chunks_exact(width.max(1)).enumerate() {
            if code.iter().all(|c| *c == 0) {
                out.push(MISSING_PARTY);
            } else {
                match known.get(code) {
                    Some(index) => out.push(*index),
                    None => return Err(i),
                }
            }
        }
        Ok(out)
    });
    match found {
        Ok(indices) => PyByteArray::new_with(py, indices.len() * 4, |bytes| {
            for (slot, index) in bytes.chunks_exact_mut(4).zip(&indices) {
                slot.copy_from_slice(&index.to_ne_bytes());
            }
            Ok(())
        }),
        Err(i) => {
            let code: String = chars
                .chunks_exact(width.max(1))
                .nth(i)
                .unwrap_or_default()
                .iter()
                .filter(|c| **c != 0)
                .filter_map(|c| char::from_u32(*c))
                .collect();
            let help = errors::suggestion(&code, program.bundle().parties.iter().map(|p| p.id.as_str()));
            Err(error(
                py,
                Class::Value,
                "charter::unknown-party",
                format!("parties[{i}]: unknown party `{code}`"),
                help.as_deref(),
            ))
        }
    }
}

/// Every day is on Charter's calendar (0001-01-01 to 9999-12-31) or
/// missing.
fn check_days(py: Python<'_>, days: &[i64]) -> PyResult<()> {
    let (first, last) = (i64::from(date::FIRST), i64::from(date::LAST));
    let bad = py.detach(|| days.iter().position(|d| *d != MISSING_DAY && (*d < first || *d > last)));
    match bad.and_then(|i| days.get(i).map(|d| (i, d))) {
        None => Ok(()),
        Some((i, d)) => Err(error(
            py,
            Class::Value,
            "charter::invalid-date",
            format!(
                "days[{i}]: day {d} (counted from 1970-01-01) is not a calendar date from 0001-01-01 to 9999-12-31"
            ),
            None,
        )),
    }
}

fn put_i32(bytes: &mut [u8], values: impl IntoIterator<Item = i32>) {
    for (slot, value) in bytes.chunks_exact_mut(4).zip(values) {
        slot.copy_from_slice(&value.to_ne_bytes());
    }
}

/// A checked day as native code's `i32` (a missing one as 0: its answer
/// is overwritten).
fn day32(day: i64) -> i32 {
    i32::try_from(day).unwrap_or(0)
}

fn days_native(native: &NativeCode, query: DayQuery, days: &[i64], bytes: &mut [u8]) {
    let mut input: Vec<i32> = Vec::with_capacity(CHUNK);
    let mut answers: Vec<i32> = Vec::with_capacity(CHUNK);
    for (chunk, out) in days.chunks(CHUNK).zip(bytes.chunks_mut(CHUNK * 4)) {
        input.clear();
        input.extend(chunk.iter().map(|d| day32(*d)));
        answers.clear();
        match query {
            DayQuery::Chair => {
                answers.resize(input.len(), 0);
                native.chair_batch(&input, &mut answers);
            }
            DayQuery::TermStart => answers.extend(input.iter().map(|d| native.term_start(*d))),
            DayQuery::TermEnd => answers.extend(input.iter().map(|d| native.term_end(*d))),
        }
        let missing = chunk.iter().map(|d| *d == MISSING_DAY);
        put_i32(
            out,
            answers.iter().zip(missing).map(|(a, m)| if m { UNKNOWN } else { *a }),
        );
    }
}

fn days_interpreted(program: &Program, query: DayQuery, days: &[i64], bytes: &mut [u8]) -> Result<(), String> {
    let name = query.builtin().name();
    let mut answers = Vec::with_capacity(days.len());
    for day in days {
        if *day == MISSING_DAY {
            answers.push(UNKNOWN);
            continue;
        }
        let answer = match program.call(name, &[Value::Date(day32(*day))]) {
            Ok(answer) => answer.value,
            Err(charter::QueryError::Eval(charter::EvalError::Unknown(_))) => {
                answers.push(UNKNOWN);
                continue;
            }
            Err(e) => return Err(e.to_string()),
        };
        answers.push(match answer {
            Outcome::Known(Value::Party(p)) => i32::try_from(p).unwrap_or(UNKNOWN),
            Outcome::Known(Value::Date(d)) => d,
            Outcome::Known(Value::None) => NO_VALUE,
            Outcome::Known(other) => return Err(format!("`{name}` gave {other:?}")),
            Outcome::Unknown(_) => UNKNOWN,
        });
    }
    put_i32(bytes, answers);
    Ok(())
}

fn truth(raw: i64) -> u8 {
    match raw {
        0 => 0,
        1 => 1,
        _ => UNKNOWN_TRUTH,
    }
}

fn pairs_native(native: &NativeCode, query: PairQuery, parties: &[i32], days: &[i64], bytes: &mut [u8]) {
    let mut input: Vec<Attendance> = Vec::with_capacity(CHUNK);
    let mut answers: Vec<u8> = Vec::with_capacity(CHUNK);
    let chunks = parties.chunks(CHUNK).zip(days.chunks(CHUNK));
    for ((parties, days), out) in chunks.zip(bytes.chunks_mut(CHUNK)) {
        let missing = |p: &i32, d: &i64| *p == MISSING_PARTY || *d == MISSING_DAY;
        answers.clear();
        match query {
            PairQuery::MayAttend => {
                input.clear();
                input.extend(parties.iter().zip(days).map(|(p, d)| Attendance {
                    party: u32::try_from(*p).unwrap_or(0),
                    day: day32(*d),
                }));
                answers.resize(input.len(), 0);
                native.may_attend_batch(&input, &mut answers);
                for a in &mut answers {
                    *a = if *a == UNKNOWN_ANSWER as u8 {
                        UNKNOWN_TRUTH
                    } else {
                        truth(i64::from(*a))
                    };
                }
            }
            PairQuery::Member => answers.extend(parties.iter().zip(days).map(|(p, d)| {
                truth(i64::from(
                    native.member_answer(u32::try_from(*p).unwrap_or(0), day32(*d)),
                ))
            })),
        }
        for (((slot, answer), p), d) in out.iter_mut().zip(&answers).zip(parties).zip(days) {
            *slot = if missing(p, d) { UNKNOWN_TRUTH } else { *answer };
        }
    }
}

fn pairs_interpreted(
    program: &Program,
    query: PairQuery,
    parties: &[i32],
    days: &[i64],
    bytes: &mut [u8],
) -> Result<(), String> {
    for ((slot, p), d) in bytes.iter_mut().zip(parties).zip(days) {
        let (Ok(party), false) = (u32::try_from(*p), *d == MISSING_DAY) else {
            *slot = UNKNOWN_TRUTH;
            continue;
        };
        let day = Value::Date(day32(*d));
        let answer = match query {
            PairQuery::Member => program.call("member", &[Value::Party(party), day]),
            PairQuery::MayAttend => {
                let meeting = open_meeting(program, day32(*d));
                program.call("may_attend", &[Value::Party(party), meeting])
            }
        };
        *slot = match answer {
            Ok(answer) => match answer.value {
                Outcome::Known(Value::Bool(b)) => u8::from(b),
                Outcome::Known(other) => return Err(format!("a truth was expected, got {other:?}")),
                Outcome::Unknown(_) => UNKNOWN_TRUTH,
            },
            Err(charter::QueryError::Eval(charter::EvalError::Unknown(_))) => UNKNOWN_TRUTH,
            Err(e) => return Err(e.to_string()),
        };
    }
    Ok(())
}

/// A meeting on `day` of the first kind no body restricts, as native
/// code's `may_attend(party, day)` asks.
fn open_meeting(program: &Program, day: i32) -> Value {
    let bundle = program.bundle();
    let restricted: Vec<_> = bundle
        .versions
        .iter()
        .flat_map(|v| v.bodies.iter().map(|b| b.kind))
        .collect();
    let kind = (0..bundle.meeting_kinds.len())
        .filter_map(|k| u32::try_from(k).ok())
        .find(|k| !restricted.contains(k))
        .unwrap_or(0);
    Value::Meeting(Box::new(charter::ir::Meeting {
        id: None,
        kind,
        date: day,
        host: None,
        present: Vec::new(),
        observers: Vec::new(),
    }))
}
