//! The built-in queries over columns: days (numpy `int64` or
//! `datetime64[D]`: days since 1970-01-01, as Charter counts them) and
//! party indices in, a `bytearray` of answers out, which `charter._batch`
//! views as a numpy array (no copy) and turns into the answer columns. Each
//! batch runs with the GIL released, in native code's batch entry points
//! where the policy compiles to native code, else on the interpreter.

use charter::ir::Builtin;
use charter::native::{header_word, record_words, Attendance, NativeCode, NONE, UNKNOWN_ANSWER, UNKNOWN_VALUE};
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

/// The program a batch asks, and whether its native code may answer (the
/// tests ask the interpreter too, which answers where a policy has no
/// native code).
#[derive(Clone, Copy)]
pub struct Asked<'a> {
    pub program: &'a Program,
    pub native: bool,
}

impl<'a> Asked<'a> {
    fn native(self) -> Option<&'a charter::native::Jit> {
        if self.native {
            self.program.native().ok()
        } else {
            None
        }
    }

    /// [`Asked::native`] for a query on the rules' terms: none where native
    /// code does not answer them (terms a windowed hand-over shifts).
    fn native_terms(self) -> Option<&'a charter::native::Jit> {
        self.native().filter(|jit| jit.answers_terms())
    }
}

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
    /// The party index of the next term's chair, or of the chair the
    /// history records: asked of the program per day (`Program::call`,
    /// native code where the program's backend is native and it answers).
    NextChair,
    RecordedChair,
}

impl DayQuery {
    fn builtin(self) -> Builtin {
        match self {
            DayQuery::Chair => Builtin::Chair,
            DayQuery::TermStart => Builtin::TermStart,
            DayQuery::TermEnd => Builtin::TermEnd,
            DayQuery::NextChair => Builtin::NextChair,
            DayQuery::RecordedChair => Builtin::RecordedChair,
        }
    }

    /// The native batch entry point that answers it, if one does.
    fn native(self) -> Option<NativeDay> {
        match self {
            DayQuery::Chair => Some(NativeDay::Chair),
            DayQuery::TermStart => Some(NativeDay::TermStart),
            DayQuery::TermEnd => Some(NativeDay::TermEnd),
            DayQuery::NextChair | DayQuery::RecordedChair => None,
        }
    }
}

/// The day queries native code answers in a batch.
#[derive(Debug, Clone, Copy)]
enum NativeDay {
    Chair,
    TermStart,
    TermEnd,
}

/// Which query over (party, day) pairs a batch answers.
#[derive(Debug, Clone, Copy)]
pub enum PairQuery {
    Member,
    /// Whether the party may attend a meeting on the day, by its status
    /// (a meeting of a kind no body of the policy restricts).
    MayAttend,
    /// The party's status: its index in `ir::Status::ALL`, or
    /// `UNKNOWN_STATUS`. The interpreter answers (native code has no
    /// status entry point).
    Status,
}

/// What a status answer holds where it is unknown or missing.
pub const UNKNOWN_STATUS: u8 = u8::MAX;

/// The pair queries native code answers in a batch.
#[derive(Debug, Clone, Copy)]
enum NativePair {
    Member,
    MayAttend,
}

impl PairQuery {
    fn native(self) -> Option<NativePair> {
        match self {
            PairQuery::Member => Some(NativePair::Member),
            PairQuery::MayAttend => Some(NativePair::MayAttend),
            PairQuery::Status => None,
        }
    }

    /// The answer of a pair that is unknown or missing.
    fn unknown(self) -> u8 {
        match self {
            PairQuery::Member | PairQuery::MayAttend => UNKNOWN_TRUTH,
            PairQuery::Status => UNKNOWN_STATUS,
        }
    }
}

/// `query` on every day of `days`: a `bytearray` of `i32` (native order).
pub fn days<'py>(
    py: Python<'py>,
    asked: Asked<'_>,
    query: DayQuery,
    days: &Bound<'py, PyAny>,
) -> PyResult<Bound<'py, PyByteArray>> {
    let program = asked.program;
    let days = Column::<i64>::of(days, "days")?;
    let days = days.as_slice();
    check_days(py, days)?;
    let native = asked.native_terms().zip(query.native());
    let out = PyByteArray::new_with(py, days.len() * 4, |bytes| {
        py.detach(|| match native {
            Some((jit, query)) => {
                days_native(jit.native(), query, days, bytes);
                Ok(())
            }
            None => days_interpreted(program, query, days, bytes),
        })
        .map_err(|why| error(py, Class::Eval, "charter::eval", why, None))
    })?;
    Ok(out)
}

/// A built-in query over a day that answers a set of parties, for
/// [`day_sets`].
#[derive(Debug, Clone, Copy)]
pub enum SetQuery {
    Members,
    Observers,
    Chairs,
}

impl SetQuery {
    fn builtin(self) -> Builtin {
        match self {
            SetQuery::Members => Builtin::Members,
            SetQuery::Observers => Builtin::Observers,
            SetQuery::Chairs => Builtin::Chairs,
        }
    }
}

/// `query` on every day of `days`, asked of the program (native code where
/// its backend is native and it answers): a `bytearray` of `days.len()`
/// rows of one byte per party (1 where the party is in the day's set), and
/// one of which days are missing (the answer unknown, or the day missing).
pub fn day_sets<'py>(
    py: Python<'py>,
    asked: Asked<'_>,
    query: SetQuery,
    days: &Bound<'py, PyAny>,
) -> PyResult<(Bound<'py, PyByteArray>, Bound<'py, PyByteArray>)> {
    let program = asked.program;
    let days = Column::<i64>::of(days, "days")?;
    let days = days.as_slice();
    check_days(py, days)?;
    let width = program.bundle().parties.len();
    let name = query.builtin().name();
    let mut missing = vec![0u8; days.len()];
    let sets = PyByteArray::new_with(py, days.len() * width, |bytes| {
        py.detach(|| {
            for ((day, gone), row) in days
                .iter()
                .zip(missing.iter_mut())
                .zip(bytes.chunks_exact_mut(width.max(1)))
            {
                if *day == MISSING_DAY {
                    *gone = 1;
                    continue;
                }
                match program.call(name, &[Value::Date(day32(*day))]) {
                    Ok(answer) => match answer.value {
                        Outcome::Known(Value::Set(items)) => {
                            for item in items {
                                let Value::Party(p) = item else {
                                    return Err(format!("`{name}` gave {item:?} in a set of parties"));
                                };
                                if let Some(slot) = row.get_mut(p as usize) {
                                    *slot = 1;
                                }
                            }
                        }
                        Outcome::Known(other) => return Err(format!("`{name}` gave {other:?}")),
                        Outcome::Unknown(_) => *gone = 1,
                    },
                    Err(charter::QueryError::Eval(charter::EvalError::Unknown(_))) => *gone = 1,
                    Err(e) => return Err(e.to_string()),
                }
            }
            Ok(())
        })
        .map_err(|why| error(py, Class::Eval, "charter::eval", why, None))
    })?;
    Ok((sets, PyByteArray::new(py, &missing)))
}

/// The chair on every day of `days` as party indices (`i32`, -1 where
/// there is no chair) and which are missing (unknown, or a missing day:
/// one byte each).
pub fn chair_indices<'py>(
    py: Python<'py>,
    asked: Asked<'_>,
    days: &Bound<'py, PyAny>,
) -> PyResult<(Bound<'py, PyByteArray>, Bound<'py, PyByteArray>)> {
    let program = asked.program;
    let days = Column::<i64>::of(days, "days")?;
    let days = days.as_slice();
    check_days(py, days)?;
    let native = asked.native_terms();
    let mut missing: Vec<u8> = Vec::new();
    let indices = PyByteArray::new_with(py, days.len() * 4, |bytes| {
        py.detach(|| {
            if let Some(jit) = native {
                missing = chair_indices_native(jit.native(), days, bytes);
                return Ok(());
            }
            days_interpreted(program, DayQuery::Chair, days, bytes)?;
            missing = Vec::with_capacity(days.len());
            for slot in bytes.chunks_exact_mut(4) {
                let value = <[u8; 4]>::try_from(&*slot).map_or(UNKNOWN, i32::from_ne_bytes);
                missing.push(u8::from(value == UNKNOWN));
                if value < 0 {
                    slot.copy_from_slice(&(-1i32).to_ne_bytes());
                }
            }
            Ok(())
        })
        .map_err(|why: String| error(py, Class::Eval, "charter::eval", why, None))
    })?;
    let missing = PyByteArray::new(py, &missing);
    Ok((indices, missing))
}

/// [`chair_indices`] on native code in one pass a chunk: the chunk's days
/// as `i32`, native code's batch, then each answer written as an index (-1
/// for none) and whether it is missing; the days are checked already.
fn chair_indices_native(native: &NativeCode, days: &[i64], bytes: &mut [u8]) -> Vec<u8> {
    let mut missing = vec![0u8; days.len()];
    let mut input: Vec<i32> = Vec::with_capacity(CHUNK);
    let mut answers: Vec<i32> = vec![0; CHUNK];
    for ((chunk, out), flags) in days
        .chunks(CHUNK)
        .zip(bytes.chunks_mut(CHUNK * 4))
        .zip(missing.chunks_mut(CHUNK))
    {
        input.clear();
        input.extend(chunk.iter().map(|d| day32(*d)));
        native.chair_batch(&input, &mut answers);
        for (((slot, flag), answer), day) in out.chunks_exact_mut(4).zip(flags).zip(&answers).zip(chunk) {
            *flag = u8::from(*day == MISSING_DAY || *answer == UNKNOWN);
            let index = if *answer < 0 { -1 } else { *answer };
            slot.copy_from_slice(&index.to_ne_bytes());
        }
    }
    missing
}

/// The chair on every day of `days` as a numpy `str` column made here:
/// the characters (`<U{width}`: `width` UCS-4 characters a day, `""` where
/// there is no chair), which days' answers are missing (unknown, or a
/// missing day: one byte each), and the width.
pub fn chair_codes<'py>(
    py: Python<'py>,
    asked: Asked<'_>,
    days: &Bound<'py, PyAny>,
) -> PyResult<(Bound<'py, PyByteArray>, Bound<'py, PyByteArray>, usize)> {
    let program = asked.program;
    let days = Column::<i64>::of(days, "days")?;
    let days = days.as_slice();
    check_days(py, days)?;
    let parties = &program.bundle().parties;
    let width = parties.iter().map(|p| p.id.chars().count()).max().unwrap_or(0).max(1);
    // Row i of the table is party i's code, padded; the last row is "".
    let mut table: Vec<u8> = Vec::with_capacity((parties.len() + 1) * width * 4);
    for party in parties {
        let mut chars: Vec<u32> = party.id.chars().map(u32::from).collect();
        chars.resize(width, 0);
        table.extend(chars.iter().flat_map(|c| c.to_ne_bytes()));
    }
    table.resize((parties.len() + 1) * width * 4, 0);
    let row = width * 4;
    let empty = parties.len();
    let native = asked.native_terms();
    let mut missing: Vec<u8> = Vec::with_capacity(days.len());
    let codes = PyByteArray::new_with(py, days.len() * row, |bytes| {
        py.detach(|| {
            // A chunk of days at a time: native code's answers, then each
            // day's code copied from the table, a row a day (the common
            // widths as fixed-size copies: a copy of a length known only
            // at run time is a call per day).
            let mut input: Vec<i32> = Vec::with_capacity(CHUNK);
            let mut answers: Vec<i32> = Vec::with_capacity(CHUNK);
            for (chunk, out) in days.chunks(CHUNK).zip(bytes.chunks_mut(CHUNK * row)) {
                answers.clear();
                match native {
                    Some(jit) => {
                        input.clear();
                        input.extend(chunk.iter().map(|d| day32(*d)));
                        answers.resize(chunk.len(), 0);
                        jit.native().chair_batch(&input, &mut answers);
                        for (answer, day) in answers.iter_mut().zip(chunk) {
                            if *day == MISSING_DAY {
                                *answer = UNKNOWN;
                            }
                        }
                    }
                    None => {
                        let mut raw = vec![0u8; chunk.len() * 4];
                        days_interpreted(program, DayQuery::Chair, chunk, &mut raw)?;
                        answers.extend(
                            raw.chunks_exact(4)
                                .map(|c| c.try_into().map_or(UNKNOWN, i32::from_ne_bytes)),
                        );
                    }
                }
                match width {
                    1 => fill_codes::<4>(&table, empty, &answers, out, &mut missing),
                    2 => fill_codes::<8>(&table, empty, &answers, out, &mut missing),
                    3 => fill_codes::<12>(&table, empty, &answers, out, &mut missing),
                    4 => fill_codes::<16>(&table, empty, &answers, out, &mut missing),
                    // Codes of five characters or more, or none (no party).
                    0 | 5.. => fill_codes_any(&table, row, empty, &answers, out, &mut missing),
                }
            }
            Ok(())
        })
        .map_err(|why: String| error(py, Class::Eval, "charter::eval", why, None))
    })?;
    let missing = PyByteArray::new(py, &missing);
    Ok((codes, missing, width))
}

/// `chair_codes`' copy of each answer of `answers` (party indices,
/// `NO_VALUE`, `UNKNOWN`) as its row of `table` (`ROW` bytes a row, the
/// last row `""`) into `out`, and of whether it is unknown (1) onto
/// `missing`.
fn fill_codes<const ROW: usize>(table: &[u8], empty: usize, answers: &[i32], out: &mut [u8], missing: &mut Vec<u8>) {
    let rows: Vec<[u8; ROW]> = table
        .chunks_exact(ROW)
        .filter_map(|r| <[u8; ROW]>::try_from(r).ok())
        .collect();
    let blank = [0u8; ROW];
    for (slot, value) in out.chunks_exact_mut(ROW).zip(answers) {
        let index = usize::try_from(*value).map_or(empty, |p| p.min(empty));
        // `index` is at most `empty`, the table's last row ("").
        let code = rows.get(index).unwrap_or(&blank);
        if let Ok(slot) = <&mut [u8; ROW]>::try_from(slot) {
            *slot = *code;
        }
        missing.push(u8::from(*value == UNKNOWN));
    }
}

/// [`fill_codes`] for rows of any width.
fn fill_codes_any(table: &[u8], row: usize, empty: usize, answers: &[i32], out: &mut [u8], missing: &mut Vec<u8>) {
    for (slot, value) in out.chunks_exact_mut(row).zip(answers) {
        let index = usize::try_from(*value).map_or(empty, |p| p.min(empty));
        if let Some(code) = table.get(index * row..(index + 1) * row) {
            slot.copy_from_slice(code);
        }
        missing.push(u8::from(*value == UNKNOWN));
    }
}

/// `query` on every pair of `parties` (indices, `MISSING_PARTY`) and
/// `days`: a `bytearray` of 0, 1 or `UNKNOWN_TRUTH`.
pub fn pairs<'py>(
    py: Python<'py>,
    asked: Asked<'_>,
    query: PairQuery,
    parties: &Bound<'py, PyAny>,
    days: &Bound<'py, PyAny>,
) -> PyResult<Bound<'py, PyByteArray>> {
    let program = asked.program;
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
    let native = asked.native();
    let out = PyByteArray::new_with(py, days.len(), |bytes| {
        py.detach(|| match (native, query.native()) {
            (Some(jit), Some(native_query)) => {
                pairs_native(jit.native(), native_query, parties, days, bytes);
                Ok(())
            }
            (_, _) => pairs_interpreted(program, query, parties, days, bytes),
        })
        .map_err(|why| error(py, Class::Eval, "charter::eval", why, None))
    })?;
    Ok(out)
}

/// A column of sets of parties: `offsets` (`int64`, one more than the
/// rows: row i is `parties[offsets[i]..offsets[i + 1]]`) and the party
/// indices (`int32`) of every row, one after another.
pub type Sets<'py> = (Bound<'py, PyAny>, Bound<'py, PyAny>);

/// `valid` on each decision of columns: its kind and its meeting's kind
/// (indices; -1 where missing), the meeting's day, who was present and who
/// objected; a `bytearray` of 0, 1 or `UNKNOWN_TRUTH` (not judged, or a
/// missing value).
pub fn valid<'py>(
    py: Python<'py>,
    asked: Asked<'_>,
    kinds: &Bound<'py, PyAny>,
    meeting_kinds: &Bound<'py, PyAny>,
    days: &Bound<'py, PyAny>,
    present: &Sets<'py>,
    objections: &Sets<'py>,
) -> PyResult<Bound<'py, PyByteArray>> {
    let program = asked.program;
    let bundle = program.bundle();
    let kinds = Column::<i32>::of(kinds, "kinds")?;
    let meeting_kinds = Column::<i32>::of(meeting_kinds, "meeting_kinds")?;
    let days = Column::<i64>::of(days, "days")?;
    let (kinds, meeting_kinds, days) = (kinds.as_slice(), meeting_kinds.as_slice(), days.as_slice());
    let present = SetColumn::of(present, "present", bundle.parties.len())?;
    let objections = SetColumn::of(objections, "objections", bundle.parties.len())?;
    let rows = days.len();
    let lengths = [kinds.len(), meeting_kinds.len(), present.rows(), objections.rows()];
    if lengths.iter().any(|n| *n != rows) {
        return Err(error(
            py,
            Class::Value,
            "charter::batch-lengths",
            format!("the columns of a batch differ in length ({rows} days; {lengths:?})"),
            None,
        ));
    }
    for (column, count, what, code) in [
        (
            kinds,
            bundle.decision_kinds.len(),
            "kinds",
            "charter::unknown-decision-kind",
        ),
        (
            meeting_kinds,
            bundle.meeting_kinds.len(),
            "meeting_kinds",
            "charter::unknown-meeting",
        ),
    ] {
        if let Some((i, k)) = column
            .iter()
            .enumerate()
            .find(|(_, k)| **k != MISSING_PARTY && usize::try_from(**k).map_or(true, |k| k >= count))
        {
            return Err(error(
                py,
                Class::Value,
                code,
                format!("{what}[{i}]: no kind has index {k}"),
                None,
            ));
        }
    }
    check_days(py, days)?;
    let columns = DecisionColumns {
        kinds,
        meeting_kinds,
        days,
        present: present.slices(),
        objections: objections.slices(),
    };
    let native = asked.native();
    PyByteArray::new_with(py, rows, |bytes| {
        py.detach(|| match native {
            Some(jit) => {
                valid_native(jit.native(), &columns, bytes);
                Ok(())
            }
            None => valid_interpreted(program, &columns, bytes),
        })
        .map_err(|why| error(py, Class::Eval, "charter::eval", why, None))
    })
}

/// A column of sets of parties, read in place.
pub struct SetColumn<'py> {
    offsets: Column<'py, i64>,
    parties: Column<'py, i32>,
}

impl<'py> SetColumn<'py> {
    fn of(sets: &Sets<'py>, what: &str, party_count: usize) -> PyResult<SetColumn<'py>> {
        let py = sets.0.py();
        let column = SetColumn {
            offsets: Column::of(&sets.0, what)?,
            parties: Column::of(&sets.1, what)?,
        };
        let (offsets, parties) = (column.offsets.as_slice(), column.parties.as_slice());
        let ordered = offsets.first().is_none_or(|first| *first == 0)
            && offsets.windows(2).all(|w| w.first() <= w.get(1))
            && offsets
                .last()
                .is_none_or(|last| usize::try_from(*last).is_ok_and(|l| l == parties.len()));
        if !ordered {
            return Err(error(
                py,
                Class::Value,
                "charter::bad-facts",
                format!("{what}: the sets' offsets are not in order"),
                None,
            ));
        }
        if let Some((i, p)) = parties
            .iter()
            .enumerate()
            .find(|(_, p)| usize::try_from(**p).map_or(true, |p| p >= party_count))
        {
            return Err(error(
                py,
                Class::Value,
                "charter::unknown-party",
                format!("{what}: element {i}: no party has index {p}"),
                None,
            ));
        }
        Ok(column)
    }

    fn rows(&self) -> usize {
        self.offsets.as_slice().len().saturating_sub(1)
    }

    fn slices(&self) -> SetSlices<'_> {
        SetSlices {
            offsets: self.offsets.as_slice(),
            parties: self.parties.as_slice(),
        }
    }
}

/// The columns of a batch of decisions, as slices (read with the GIL
/// released).
struct DecisionColumns<'a> {
    kinds: &'a [i32],
    meeting_kinds: &'a [i32],
    days: &'a [i64],
    present: SetSlices<'a>,
    objections: SetSlices<'a>,
}

/// A column of sets as slices.
#[derive(Clone, Copy)]
struct SetSlices<'a> {
    offsets: &'a [i64],
    parties: &'a [i32],
}

impl SetSlices<'_> {
    /// The parties of row `i`.
    fn row(&self, i: usize) -> &[i32] {
        let at = |k: usize| self.offsets.get(k).and_then(|o| usize::try_from(*o).ok()).unwrap_or(0);
        self.parties.get(at(i)..at(i + 1)).unwrap_or_default()
    }
}

impl DecisionColumns<'_> {
    fn missing(&self, i: usize) -> bool {
        self.kinds.get(i).is_none_or(|k| *k < 0)
            || self.meeting_kinds.get(i).is_none_or(|k| *k < 0)
            || self.days.get(i).is_none_or(|d| *d == MISSING_DAY)
    }

    fn kind(&self, i: usize) -> (u32, u32, i32) {
        let index = |column: &[i32]| column.get(i).and_then(|k| u32::try_from(*k).ok()).unwrap_or(0);
        (
            index(self.kinds),
            index(self.meeting_kinds),
            self.days.get(i).map_or(0, |d| day32(*d)),
        )
    }
}

fn valid_native(native: &NativeCode, columns: &DecisionColumns<'_>, bytes: &mut [u8]) {
    let words = native.words();
    let per_record = record_words(words);
    let mut records: Vec<u64> = Vec::with_capacity(CHUNK * per_record);
    let mut answers: Vec<u8> = Vec::with_capacity(CHUNK);
    for (chunk, out) in bytes.chunks_mut(CHUNK).enumerate() {
        let first = chunk * CHUNK;
        records.clear();
        for i in first..first + out.len() {
            let (kind, meeting_kind, day) = columns.kind(i);
            records.push(header_word(kind, meeting_kind));
            records.push(header_word(day as u32, 0));
            for set in [columns.present.row(i), columns.objections.row(i)] {
                let start = records.len();
                records.resize(start + words, 0);
                for p in set {
                    let p = usize::try_from(*p).unwrap_or(0);
                    if let Some(word) = records.get_mut(start + p / 64) {
                        *word |= 1u64 << (p % 64);
                    }
                }
            }
        }
        answers.clear();
        answers.resize(out.len(), 0);
        native.valid_batch(&records, &mut answers);
        for (k, (slot, answer)) in out.iter_mut().zip(&answers).enumerate() {
            *slot = if columns.missing(first + k) {
                UNKNOWN_TRUTH
            } else {
                truth(i64::from(*answer))
            };
        }
    }
}

fn valid_interpreted(program: &Program, columns: &DecisionColumns<'_>, bytes: &mut [u8]) -> Result<(), String> {
    let parties = |set: &[i32]| -> Vec<u32> { set.iter().filter_map(|p| u32::try_from(*p).ok()).collect() };
    for (i, slot) in bytes.iter_mut().enumerate() {
        if columns.missing(i) {
            *slot = UNKNOWN_TRUTH;
            continue;
        }
        let (kind, meeting_kind, day) = columns.kind(i);
        let decision = charter::ir::Decision {
            kind,
            meeting: charter::ir::Meeting {
                id: None,
                kind: meeting_kind,
                date: day,
                host: None,
                present: parties(columns.present.row(i)),
                observers: Vec::new(),
            },
            objections: parties(columns.objections.row(i)),
            reservations: Vec::new(),
            subjects: Vec::new(),
            invited_to: None,
        };
        *slot = match program.call("valid", &[Value::Decision(Box::new(decision))]) {
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

/// The names a column of codes is read against.
#[derive(Debug, Clone, Copy)]
pub enum Names {
    Parties,
    DecisionKinds,
    MeetingKinds,
}

/// The index of each name of a numpy `str` array among `names`: a
/// `bytearray` of `i32`, `MISSING_PARTY` (-1) for an empty one; an unknown
/// one is an error.
pub fn indices<'py>(
    py: Python<'py>,
    program: &Program,
    names: Names,
    codes: &Bound<'py, PyAny>,
) -> PyResult<Bound<'py, PyByteArray>> {
    let bundle = program.bundle();
    let (list, what, code, kind): (Vec<&str>, _, _, _) = match names {
        Names::Parties => (
            bundle.parties.iter().map(|p| p.id.as_str()).collect(),
            "parties",
            "charter::unknown-party",
            "party",
        ),
        Names::DecisionKinds => (
            bundle.decision_kinds.iter().map(String::as_str).collect(),
            "kinds",
            "charter::unknown-decision-kind",
            "decision kind",
        ),
        Names::MeetingKinds => (
            bundle.meeting_kinds.iter().map(String::as_str).collect(),
            "meeting_kinds",
            "charter::unknown-meeting",
            "meeting kind",
        ),
    };
    let (chars, width) = Column::unicode(codes, what)?;
    let chars = chars.as_slice();
    let mut known: fnv::FnvHashMap<Vec<u32>, i32> = fnv::FnvHashMap::default();
    for (i, name) in list.iter().enumerate() {
        let mut key: Vec<u32> = name.chars().map(u32::from).collect();
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
            let name: String = chars
                .chunks_exact(width.max(1))
                .nth(i)
                .unwrap_or_default()
                .iter()
                .filter(|c| **c != 0)
                .filter_map(|c| char::from_u32(*c))
                .collect();
            let help = errors::suggestion(&name, list.iter().copied());
            Err(error(
                py,
                Class::Value,
                code,
                format!("{what}[{i}]: unknown {kind} `{name}`"),
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

fn days_native(native: &NativeCode, query: NativeDay, days: &[i64], bytes: &mut [u8]) {
    let mut input: Vec<i32> = Vec::with_capacity(CHUNK);
    let mut answers: Vec<i32> = Vec::with_capacity(CHUNK);
    for (chunk, out) in days.chunks(CHUNK).zip(bytes.chunks_mut(CHUNK * 4)) {
        input.clear();
        input.extend(chunk.iter().map(|d| day32(*d)));
        answers.clear();
        match query {
            NativeDay::Chair => {
                answers.resize(input.len(), 0);
                native.chair_batch(&input, &mut answers);
            }
            NativeDay::TermStart => answers.extend(input.iter().map(|d| native.term_start(*d))),
            NativeDay::TermEnd => answers.extend(input.iter().map(|d| native.term_end(*d))),
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

fn pairs_native(native: &NativeCode, query: NativePair, parties: &[i32], days: &[i64], bytes: &mut [u8]) {
    let mut input: Vec<Attendance> = Vec::with_capacity(CHUNK);
    let mut answers: Vec<u8> = Vec::with_capacity(CHUNK);
    let chunks = parties.chunks(CHUNK).zip(days.chunks(CHUNK));
    for ((parties, days), out) in chunks.zip(bytes.chunks_mut(CHUNK)) {
        let missing = |p: &i32, d: &i64| *p == MISSING_PARTY || *d == MISSING_DAY;
        answers.clear();
        match query {
            NativePair::MayAttend => {
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
            NativePair::Member => answers.extend(parties.iter().zip(days).map(|(p, d)| {
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
    let unknown = query.unknown();
    for ((slot, p), d) in bytes.iter_mut().zip(parties).zip(days) {
        let (Ok(party), false) = (u32::try_from(*p), *d == MISSING_DAY) else {
            *slot = unknown;
            continue;
        };
        let day = Value::Date(day32(*d));
        let answer = match query {
            PairQuery::Member => program.call("member", &[Value::Party(party), day]),
            PairQuery::Status => program.call("status", &[Value::Party(party), day]),
            PairQuery::MayAttend => {
                let meeting = open_meeting(program, day32(*d));
                program.call("may_attend", &[Value::Party(party), meeting])
            }
        };
        *slot = match answer {
            Ok(answer) => match answer.value {
                Outcome::Known(Value::Bool(b)) => u8::from(b),
                Outcome::Known(Value::Status(status)) => charter::ir::Status::ALL
                    .iter()
                    .position(|s| *s == status)
                    .and_then(|i| u8::try_from(i).ok())
                    .unwrap_or(unknown),
                Outcome::Known(other) => return Err(format!("`{query:?}` gave {other:?}")),
                Outcome::Unknown(_) => unknown,
            },
            Err(charter::QueryError::Eval(charter::EvalError::Unknown(_))) => unknown,
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
