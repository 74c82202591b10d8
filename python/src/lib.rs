//! `charter._charter`: the facade's [`charter::Program`] as a Python
//! object. Python values in (`str` codes, `datetime.date` or ISO strings,
//! dicts of facts), Python values out (`charter.Unknown` for an unknown
//! answer); every error a `charter.CharterError` with its stable code.
//! A `Program` is immutable (`Send + Sync`), so threads share one:
//! evaluation that takes time — batches (`batch.rs`), rules, prepared
//! queries, reports, diffs — runs with the GIL released; a built-in query
//! per call is a table lookup and keeps it.

mod batch;
mod columns;
mod convert;
mod errors;

use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use charter::ir::Builtin;
use charter::{Backend, Facts, Outcome, Value};
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyByteArray, PyDict, PyList, PyString, PyTuple};

use convert::Expected;
use errors::{bad_facts, error, Class};

/// A policy that checked, ready to answer: immutable and safe to share
/// between threads.
#[pyclass(frozen, module = "charter")]
struct Program {
    program: charter::Program,
    /// The parties' codes as Python strings, made on first use: a chair
    /// answered per call is one of them.
    codes: PyOnceLock<Vec<Py<PyString>>>,
    /// The parties' indices by code, as a Python dict made on first use: an
    /// argument's code is looked up by the `str` itself (its hash is
    /// Python's, cached), with no copy of its text.
    ids: PyOnceLock<Py<PyDict>>,
    /// The decision kinds' and meeting kinds' indices by name, made on
    /// first use, as `ids`.
    kinds: PyOnceLock<(Py<PyDict>, Py<PyDict>)>,
    /// Whether batches may run native code (the tests turn it off to
    /// compare with the interpreter, which answers where there is none).
    native_batches: bool,
}

impl From<charter::Program> for Program {
    fn from(program: charter::Program) -> Program {
        Program {
            program,
            codes: PyOnceLock::new(),
            ids: PyOnceLock::new(),
            kinds: PyOnceLock::new(),
            native_batches: true,
        }
    }
}

/// Reads and checks the policy in a file or folder (its amendments,
/// history and legal texts beside it).
#[pyfunction]
fn load(py: Python<'_>, path: PathBuf) -> PyResult<Program> {
    py.detach(|| charter::load(&path))
        .map(Program::from)
        .map_err(|e| errors::load_failed(py, &e))
}

#[pymethods]
impl Program {
    /// Checks files held in memory (name -> text) into a program: a file a
    /// policy names as its `source` is its legal text.
    #[staticmethod]
    fn from_files(py: Python<'_>, files: &Bound<'_, PyDict>) -> PyResult<Program> {
        let mut pairs: Vec<(String, String)> = Vec::with_capacity(files.len());
        for (name, text) in files.iter() {
            let name: String = name
                .extract()
                .map_err(|_| errors::type_error(py, "Program.from_files: file names must be str"))?;
            let text: String = text.extract().map_err(|_| {
                errors::type_error(py, format!("Program.from_files: the text of `{name}` must be a str"))
            })?;
            pairs.push((name, text));
        }
        py.detach(|| charter::from_files(pairs))
            .map(Program::from)
            .map_err(|e| errors::check_failed(py, &e))
    }

    /// The policy's title.
    #[getter]
    fn title(&self) -> String {
        self.program.bundle().title.clone()
    }

    /// The codes of the parties the policy declares, in declaration order.
    #[getter]
    fn parties(&self) -> Vec<String> {
        self.program.bundle().parties.iter().map(|p| p.id.clone()).collect()
    }

    /// The ids of the recorded decisions.
    #[getter]
    fn decisions(&self) -> Vec<String> {
        self.program
            .bundle()
            .history
            .decisions
            .iter()
            .map(|d| d.id.clone())
            .collect()
    }

    /// The ids of the recorded meetings.
    #[getter]
    fn meetings(&self) -> Vec<String> {
        self.program
            .bundle()
            .history
            .meetings
            .iter()
            .map(|m| m.id.clone())
            .collect()
    }

    /// The names of the policy's own rules.
    #[getter]
    fn rules(&self) -> Vec<String> {
        self.program.bundle().rules.iter().map(|r| r.name.clone()).collect()
    }

    /// `"interpreter"` (the reference, the default) or `"native"`.
    #[getter]
    fn backend(&self) -> &'static str {
        match self.program.backend() {
            Backend::Interpreter => "interpreter",
            Backend::Native => "native",
        }
    }

    /// The same program answering with `backend`: `"interpreter"` or
    /// `"native"` (cranelift, compiled on first use; the interpreter
    /// answers what native code cannot).
    fn with_backend(&self, py: Python<'_>, backend: &str) -> PyResult<Program> {
        let backend = match backend {
            "interpreter" | "interp" => Backend::Interpreter,
            "native" | "jit" => Backend::Native,
            other => {
                return Err(error(
                    py,
                    Class::Value,
                    "charter::usage",
                    format!("unknown backend `{other}`"),
                    Some("use \"interpreter\" or \"native\""),
                ))
            }
        };
        // Batches follow an explicit choice: the interpreter alone answers
        // them too (`load` leaves batches to native code).
        Ok(Program {
            native_batches: backend == Backend::Native,
            ..Program::from(self.program.with_backend(backend))
        })
    }

    fn __repr__(&self) -> String {
        format!(
            "<charter.Program {:?} ({})>",
            self.program.bundle().title,
            self.backend()
        )
    }

    /// The chair on `date`, as a party code; `None` before the first term
    /// or while the office is vacant.
    fn chair(&self, py: Python<'_>, date: &Bound<'_, PyAny>) -> PyResult<Py<PyAny>> {
        self.builtin(py, Builtin::Chair, &[date])
    }

    /// The chair of the term after the one in office on `date`.
    fn next_chair(&self, py: Python<'_>, date: &Bound<'_, PyAny>) -> PyResult<Py<PyAny>> {
        self.builtin(py, Builtin::NextChair, &[date])
    }

    /// The chair in office on `date` as the history records it.
    fn recorded_chair(&self, py: Python<'_>, date: &Bound<'_, PyAny>) -> PyResult<Py<PyAny>> {
        self.builtin(py, Builtin::RecordedChair, &[date])
    }

    /// The first day of the term in force on `date`.
    fn term_start(&self, py: Python<'_>, date: &Bound<'_, PyAny>) -> PyResult<Py<PyAny>> {
        self.builtin(py, Builtin::TermStart, &[date])
    }

    /// The day the term in force on `date` ends.
    fn term_end(&self, py: Python<'_>, date: &Bound<'_, PyAny>) -> PyResult<Py<PyAny>> {
        self.builtin(py, Builtin::TermEnd, &[date])
    }

    /// The chair or co-chairs in office on `date`, as a frozenset of party
    /// codes.
    fn chairs(&self, py: Python<'_>, date: &Bound<'_, PyAny>) -> PyResult<Py<PyAny>> {
        self.builtin(py, Builtin::Chairs, &[date])
    }

    /// The co-chairs the text names in office on `date`, as a frozenset of
    /// party codes (empty where the text names none).
    fn co_chairs(&self, py: Python<'_>, date: &Bound<'_, PyAny>) -> PyResult<Py<PyAny>> {
        self.builtin(py, Builtin::CoChairs, &[date])
    }

    /// The vice-chairs the text names in office on `date`, as a frozenset
    /// of party codes (empty where the text names none).
    fn vice_chairs(&self, py: Python<'_>, date: &Bound<'_, PyAny>) -> PyResult<Py<PyAny>> {
        self.builtin(py, Builtin::ViceChairs, &[date])
    }

    /// The members on `date`, as a frozenset of party codes.
    fn members(&self, py: Python<'_>, date: &Bound<'_, PyAny>) -> PyResult<Py<PyAny>> {
        self.builtin(py, Builtin::Members, &[date])
    }

    /// The observers on `date`, as a frozenset of party codes.
    fn observers(&self, py: Python<'_>, date: &Bound<'_, PyAny>) -> PyResult<Py<PyAny>> {
        self.builtin(py, Builtin::Observers, &[date])
    }

    /// Whether `party` is a member on `date`.
    fn member(&self, py: Python<'_>, party: &Bound<'_, PyAny>, date: &Bound<'_, PyAny>) -> PyResult<Py<PyAny>> {
        self.builtin(py, Builtin::Member, &[party, date])
    }

    /// `party`'s status on `date`: `"member"`, `"pending"`, `"observer"`,
    /// `"invited"`, `"suspended"` or `"none"`.
    fn status(&self, py: Python<'_>, party: &Bound<'_, PyAny>, date: &Bound<'_, PyAny>) -> PyResult<Py<PyAny>> {
        self.builtin(py, Builtin::Status, &[party, date])
    }

    /// `party`'s status on `date` as the history records it.
    fn recorded_status(
        &self,
        py: Python<'_>,
        party: &Bound<'_, PyAny>,
        date: &Bound<'_, PyAny>,
    ) -> PyResult<Py<PyAny>> {
        self.builtin(py, Builtin::RecordedStatus, &[party, date])
    }

    /// Whether a decision is valid: a recorded decision's id, or a
    /// decision dict as in a facts file.
    fn valid(&self, py: Python<'_>, decision: &Bound<'_, PyAny>) -> PyResult<Py<PyAny>> {
        self.builtin(py, Builtin::Valid, &[decision])
    }

    /// Whether `party` may attend `meeting` (a recorded meeting's id, or a
    /// meeting dict as in a facts file).
    fn may_attend(&self, py: Python<'_>, party: &Bound<'_, PyAny>, meeting: &Bound<'_, PyAny>) -> PyResult<Py<PyAny>> {
        self.builtin(py, Builtin::MayAttend, &[party, meeting])
    }

    /// Whether `party` may speak at `meeting`.
    fn may_speak(&self, py: Python<'_>, party: &Bound<'_, PyAny>, meeting: &Bound<'_, PyAny>) -> PyResult<Py<PyAny>> {
        self.builtin(py, Builtin::MaySpeak, &[party, meeting])
    }

    /// The meeting obligations missed between two days, as dicts.
    fn violations(&self, py: Python<'_>, start: &Bound<'_, PyAny>, end: &Bound<'_, PyAny>) -> PyResult<Py<PyAny>> {
        self.builtin(py, Builtin::Violations, &[start, end])
    }

    /// A built-in query or one of the policy's rules by name, on arguments
    /// read by the types it declares.
    #[pyo3(signature = (name, *args))]
    fn rule(&self, py: Python<'_>, name: &str, args: &Bound<'_, PyTuple>) -> PyResult<Py<PyAny>> {
        let args: Vec<Bound<'_, PyAny>> = args.iter().collect();
        let args: Vec<&Bound<'_, PyAny>> = args.iter().collect();
        let bundle = self.program.bundle();
        let params: Vec<Expected> = if let Some(builtin) = Builtin::from_name(name) {
            builtin
                .signature()
                .params
                .iter()
                .map(|(_, ty)| Expected::of_builtin(*ty))
                .collect()
        } else if let Some(rule) = bundle.rules.iter().find(|r| r.name == name) {
            rule.param_types.iter().map(Expected::of_type).collect()
        } else {
            let names = charter::builtin_names()
                .into_iter()
                .chain(bundle.rules.iter().map(|r| r.name.as_str()));
            return Err(error(
                py,
                Class::Value,
                "charter::unknown-rule",
                format!("no built-in query or rule is called `{name}`"),
                errors::suggestion(name, names).as_deref(),
            ));
        };
        self.call(py, name, &params, &args)
    }

    /// Checks `query` once against the program, with the names and types
    /// of `facts` (a dict, or keyword arguments) in scope, and returns it
    /// ready to evaluate: `prepared(facts)`. Without facts, a query naming
    /// values it does not define is prepared on its first call, from the
    /// facts given then.
    #[pyo3(signature = (query, facts=None, **kwargs))]
    fn prepare(
        &self,
        py: Python<'_>,
        query: String,
        facts: Option<&Bound<'_, PyDict>>,
        kwargs: Option<&Bound<'_, PyDict>>,
    ) -> PyResult<Prepared> {
        let prepared = Prepared {
            program: self.program.clone(),
            query,
            cache: Mutex::new(Vec::new()),
        };
        let given = facts.is_some() || kwargs.is_some_and(|k| !k.is_empty());
        let facts = prepared.facts(py, facts, kwargs)?;
        match py.detach(|| prepared.program.prepare(&prepared.query, &facts)) {
            Ok(checked) => {
                prepared.remember(Prepared::signature(&facts), Arc::new(checked));
            }
            // Names the facts of the first call may define.
            Err(found) if !given && found.iter().all(|d| d.code == "charter::unknown-name") => {}
            Err(found) => return Err(errors::query_failed(py, &prepared.query, &found)),
        }
        Ok(prepared)
    }

    /// The audit of the recorded history against the rules until `until`
    /// (default: today): a `charter.Report`, the JSON `charter report
    /// --format json` prints as a mapping, its text as `str()`.
    #[pyo3(signature = (until=None))]
    fn report(&self, py: Python<'_>, until: Option<&Bound<'_, PyAny>>) -> PyResult<Py<PyAny>> {
        let until = match until {
            Some(day) => convert::day(py, day, &"until")?,
            None => {
                let today = py.import("datetime")?.getattr("date")?.call_method0("today")?;
                convert::day(py, &today, &"today")?
            }
        };
        let program = &self.program;
        let report = py.detach(|| charter::audit(program, until, true));
        match report {
            Ok(report) => {
                let json = serde_json::to_value(&report)
                    .map_err(|e| error(py, Class::Eval, "charter::internal", e.to_string(), None))?;
                let text = charter::report::render_text(&report);
                let data = convert::from_json(py, &json)?;
                Ok(errors::types(py)?.getattr("Report")?.call1((data, text))?.unbind())
            }
            Err(e @ charter::report::ReportError::HorizonTooFar { .. }) => Err(error(
                py,
                Class::Value,
                "charter::horizon-too-far",
                e.to_string(),
                Some("give an earlier `until`"),
            )),
            Err(charter::report::ReportError::Eval(e)) => Err(errors::eval_error(py, &e)),
        }
    }

    /// The chair on each day of a column of days (numpy `datetime64[D]`,
    /// ISO strings, `datetime.date`s, a pyarrow or Polars date column):
    /// a column of party codes, `""` where there is no chair, missing
    /// (masked, null) where the answer is unknown or the day is.
    fn chair_batch(slf: &Bound<'_, Self>, days: &Bound<'_, PyAny>) -> PyResult<Py<PyAny>> {
        batch_call(slf, "chair", &[days])
    }

    /// `chair_batch` as each chair's index in `parties` (-1 where there is
    /// no chair; an Arrow dictionary array from Arrow): no string is made,
    /// the fastest form.
    fn chair_index_batch(slf: &Bound<'_, Self>, days: &Bound<'_, PyAny>) -> PyResult<Py<PyAny>> {
        batch_call(slf, "chair_index", &[days])
    }

    /// The chair of the term after the one in force on each day of a
    /// column, as `chair_batch` gives the chair.
    fn next_chair_batch(slf: &Bound<'_, Self>, days: &Bound<'_, PyAny>) -> PyResult<Py<PyAny>> {
        batch_call(slf, "next_chair", &[days])
    }

    /// The chair the history records in office on each day of a column,
    /// as `chair_batch` gives the chair.
    fn recorded_chair_batch(slf: &Bound<'_, Self>, days: &Bound<'_, PyAny>) -> PyResult<Py<PyAny>> {
        batch_call(slf, "recorded_chair", &[days])
    }

    /// The members on each day of a column of days: for numpy, a masked
    /// boolean array of a row per day and a column per party (in the
    /// order of `parties`), a row masked where the answer is unknown or
    /// the day is missing; for pyarrow and Polars, a list of party codes
    /// per day (null where unknown or missing).
    fn members_batch(slf: &Bound<'_, Self>, days: &Bound<'_, PyAny>) -> PyResult<Py<PyAny>> {
        batch_call(slf, "members", &[days])
    }

    /// The observers on each day of a column, as `members_batch` gives
    /// the members.
    fn observers_batch(slf: &Bound<'_, Self>, days: &Bound<'_, PyAny>) -> PyResult<Py<PyAny>> {
        batch_call(slf, "observers", &[days])
    }

    /// The chair or co-chairs on each day of a column, as `members_batch`
    /// gives the members.
    fn chairs_batch(slf: &Bound<'_, Self>, days: &Bound<'_, PyAny>) -> PyResult<Py<PyAny>> {
        batch_call(slf, "chairs", &[days])
    }

    /// The first day of the term in force on each day of a column: a
    /// column of days (`NaT`, null where there is no term).
    fn term_start_batch(slf: &Bound<'_, Self>, days: &Bound<'_, PyAny>) -> PyResult<Py<PyAny>> {
        batch_call(slf, "term_start", &[days])
    }

    /// The last day of the term in force on each day of a column.
    fn term_end_batch(slf: &Bound<'_, Self>, days: &Bound<'_, PyAny>) -> PyResult<Py<PyAny>> {
        batch_call(slf, "term_end", &[days])
    }

    /// Whether each party of a column of party codes is a member on the
    /// day beside it: a column of bools, missing where unknown.
    fn member_batch(slf: &Bound<'_, Self>, parties: &Bound<'_, PyAny>, days: &Bound<'_, PyAny>) -> PyResult<Py<PyAny>> {
        batch_call(slf, "member", &[parties, days])
    }

    /// Whether each party may attend, by its status, a meeting on the day
    /// beside it (of a kind no body of the policy restricts).
    fn may_attend_batch(
        slf: &Bound<'_, Self>,
        parties: &Bound<'_, PyAny>,
        days: &Bound<'_, PyAny>,
    ) -> PyResult<Py<PyAny>> {
        batch_call(slf, "may_attend", &[parties, days])
    }

    /// `charter._batch`'s evaluation of a day query over an `int64` numpy
    /// array of days.
    fn _days<'py>(&self, py: Python<'py>, query: &str, days: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyByteArray>> {
        let query = match query {
            "chair" => batch::DayQuery::Chair,
            "term_start" => batch::DayQuery::TermStart,
            "term_end" => batch::DayQuery::TermEnd,
            "next_chair" => batch::DayQuery::NextChair,
            "recorded_chair" => batch::DayQuery::RecordedChair,
            other => {
                return Err(error(
                    py,
                    Class::Value,
                    "charter::unknown-rule",
                    format!("no batch `{other}`"),
                    None,
                ))
            }
        };
        batch::days(py, self.asked(), query, days)
    }

    /// `charter._batch`'s evaluation of a set-valued day query over an
    /// `int64` array of days: a byte per party per day, and a missing
    /// mask.
    fn _day_sets<'py>(
        &self,
        py: Python<'py>,
        query: &str,
        days: &Bound<'py, PyAny>,
    ) -> PyResult<(Bound<'py, PyByteArray>, Bound<'py, PyByteArray>)> {
        let query = match query {
            "members" => batch::SetQuery::Members,
            "observers" => batch::SetQuery::Observers,
            "chairs" => batch::SetQuery::Chairs,
            other => {
                return Err(error(
                    py,
                    Class::Value,
                    "charter::unknown-rule",
                    format!("no batch `{other}`"),
                    None,
                ))
            }
        };
        batch::day_sets(py, self.asked(), query, days)
    }

    /// `charter._batch`'s chair over an `int64` numpy array of days, as
    /// party indices (`int32`, -1 for none) and a missing mask.
    fn _chair_indices<'py>(
        &self,
        py: Python<'py>,
        days: &Bound<'py, PyAny>,
    ) -> PyResult<(Bound<'py, PyByteArray>, Bound<'py, PyByteArray>)> {
        batch::chair_indices(py, self.asked(), days)
    }

    /// `charter._batch`'s chair over an `int64` numpy array of days, as the
    /// characters of a numpy `str` array, a missing mask and its width.
    fn _chair_codes<'py>(
        &self,
        py: Python<'py>,
        days: &Bound<'py, PyAny>,
    ) -> PyResult<(Bound<'py, PyByteArray>, Bound<'py, PyByteArray>, usize)> {
        batch::chair_codes(py, self.asked(), days)
    }

    /// `charter._batch`'s evaluation of a (party, day) query over an
    /// `int32` array of party indices and an `int64` array of days.
    fn _pairs<'py>(
        &self,
        py: Python<'py>,
        query: &str,
        parties: &Bound<'py, PyAny>,
        days: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyByteArray>> {
        let query = match query {
            "member" => batch::PairQuery::Member,
            "may_attend" => batch::PairQuery::MayAttend,
            "status" => batch::PairQuery::Status,
            other => {
                return Err(error(
                    py,
                    Class::Value,
                    "charter::unknown-rule",
                    format!("no batch `{other}`"),
                    None,
                ))
            }
        };
        batch::pairs(py, self.asked(), query, parties, days)
    }

    /// The index of each name of a numpy `str` array among the policy's
    /// `names`: "parties", "decision_kinds" or "meeting_kinds".
    fn _indices<'py>(
        &self,
        py: Python<'py>,
        names: &str,
        codes: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyByteArray>> {
        let names = match names {
            "parties" => batch::Names::Parties,
            "decision_kinds" => batch::Names::DecisionKinds,
            "meeting_kinds" => batch::Names::MeetingKinds,
            other => {
                return Err(error(
                    py,
                    Class::Value,
                    "charter::usage",
                    format!("no names `{other}`"),
                    None,
                ))
            }
        };
        batch::indices(py, &self.program, names, codes)
    }

    /// The statuses a status batch answers with, by their index.
    #[getter]
    fn _statuses(&self) -> Vec<&'static str> {
        charter::ir::Status::ALL.iter().map(|s| s.name()).collect()
    }

    /// Each party's status on the day beside it (`"member"`, `"pending"`,
    /// ...): a column of status names, missing where unknown. The
    /// interpreter answers, with the GIL released.
    fn status_batch(slf: &Bound<'_, Self>, parties: &Bound<'_, PyAny>, days: &Bound<'_, PyAny>) -> PyResult<Py<PyAny>> {
        batch_call(slf, "status", &[parties, days])
    }

    /// `charter._batch`'s evaluation of `valid` over columns of decisions.
    fn _valid<'py>(
        &self,
        py: Python<'py>,
        kinds: &Bound<'py, PyAny>,
        meeting_kinds: &Bound<'py, PyAny>,
        days: &Bound<'py, PyAny>,
        present: batch::Sets<'py>,
        objections: batch::Sets<'py>,
    ) -> PyResult<Bound<'py, PyByteArray>> {
        batch::valid(py, self.asked(), kinds, meeting_kinds, days, &present, &objections)
    }

    /// Whether each decision of columns is valid: its kind, its meeting's
    /// kind and day, who was present and who objected (each row a list of
    /// party codes); a column of bools, missing where not judged.
    fn valid_batch(
        slf: &Bound<'_, Self>,
        kinds: &Bound<'_, PyAny>,
        meeting_kinds: &Bound<'_, PyAny>,
        days: &Bound<'_, PyAny>,
        present: &Bound<'_, PyAny>,
        objections: &Bound<'_, PyAny>,
    ) -> PyResult<Py<PyAny>> {
        batch_call(slf, "valid", &[kinds, meeting_kinds, days, present, objections])
    }

    /// The same program, its batches answered by the interpreter (for the
    /// tests: the interpreter answers batches where a policy has no native
    /// code).
    fn _interpreted_batches(&self) -> Program {
        Program {
            native_batches: false,
            ..Program::from(self.program.clone())
        }
    }

    /// The names of the policy's decision kinds.
    #[getter]
    fn decision_kinds(&self) -> Vec<String> {
        self.program.bundle().decision_kinds.clone()
    }

    /// The names of the policy's meeting kinds.
    #[getter]
    fn meeting_kinds(&self) -> Vec<String> {
        self.program.bundle().meeting_kinds.clone()
    }

    /// The check's diagnostics: the warnings of a policy that checked.
    fn check<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        errors::diagnostics(py, self.program.analysis())
    }
}

impl Program {
    fn builtin(&self, py: Python<'_>, builtin: Builtin, args: &[&Bound<'_, PyAny>]) -> PyResult<Py<PyAny>> {
        let params = builtin.signature().params;
        if params.len() != args.len() {
            let params: Vec<Expected> = params.iter().map(|(_, ty)| Expected::of_builtin(*ty)).collect();
            return self.call(py, builtin.name(), &params, args);
        }
        let name = builtin.name();
        let quick = !matches!(builtin, Builtin::Violations);
        let codes = self.codes(py);
        // One argument (`chair(d)`, `valid(decision)`): no vector.
        if let ([(_, ty)], [arg]) = (params, args) {
            let what = Argument { name, index: 1 };
            let value = convert::value(py, &self.program, &codes, arg, &Expected::of_builtin(*ty), &what)?;
            return self.answer(py, name, std::slice::from_ref(&value), quick);
        }
        let values = params
            .iter()
            .zip(args)
            .enumerate()
            .map(|(i, ((_, ty), arg))| {
                let what = Argument { name, index: i + 1 };
                convert::value(py, &self.program, &codes, arg, &Expected::of_builtin(*ty), &what)
            })
            .collect::<PyResult<Vec<Value>>>()?;
        self.answer(py, name, &values, quick)
    }

    fn asked(&self) -> batch::Asked<'_> {
        batch::Asked {
            program: &self.program,
            native: self.native_batches,
        }
    }

    /// The parties' indices by code ([`Program::ids`]).
    fn ids<'py>(&self, py: Python<'py>) -> &Bound<'py, PyDict> {
        self.ids
            .get_or_init(py, || {
                let ids = PyDict::new(py);
                for (i, party) in self.program.bundle().parties.iter().enumerate() {
                    // A str key and an int value: setting it cannot fail.
                    let _ = ids.set_item(&party.id, i);
                }
                ids.unbind()
            })
            .bind(py)
    }

    /// The parties' codes as interned Python strings, made once.
    fn interned(&self, py: Python<'_>) -> &[Py<PyString>] {
        self.codes.get_or_init(py, || {
            let parties = &self.program.bundle().parties;
            parties.iter().map(|p| PyString::intern(py, &p.id).unbind()).collect()
        })
    }

    /// How arguments' party codes and kinds are read ([`convert::Codes`]).
    fn codes<'a, 'py>(&'a self, py: Python<'py>) -> convert::Codes<'a, 'py> {
        let (decision_kinds, meeting_kinds) = self.kinds.get_or_init(py, || {
            let dict = |names: &[String]| {
                let dict = PyDict::new(py);
                for (i, name) in names.iter().enumerate() {
                    // A str key and an int value: setting it cannot fail.
                    let _ = dict.set_item(name, i);
                }
                dict.unbind()
            };
            let bundle = self.program.bundle();
            (dict(&bundle.decision_kinds), dict(&bundle.meeting_kinds))
        });
        convert::Codes {
            interned: self.interned(py),
            ids: self.ids(py),
            decision_kinds: decision_kinds.bind(py),
            meeting_kinds: meeting_kinds.bind(py),
        }
    }

    /// A party's code as a Python string, from those made once.
    fn code(&self, py: Python<'_>, party: charter::PartyId) -> Option<Py<PyAny>> {
        self.interned(py)
            .get(party as usize)
            .map(|code| code.clone_ref(py).into_any())
    }

    /// `name(args)`, each argument read as its parameter's type.
    fn call(&self, py: Python<'_>, name: &str, params: &[Expected], args: &[&Bound<'_, PyAny>]) -> PyResult<Py<PyAny>> {
        if params.len() != args.len() {
            return Err(error(
                py,
                Class::Type,
                "charter::wrong-arity",
                format!("`{name}` takes {} argument(s), {} given", params.len(), args.len()),
                None,
            ));
        }
        let values = params
            .iter()
            .zip(args)
            .enumerate()
            .map(|(i, (expected, arg))| {
                let what = Argument { name, index: i + 1 };
                convert::value(py, &self.program, &self.codes(py), arg, expected, &what)
            })
            .collect::<PyResult<Vec<Value>>>()?;
        let quick = Builtin::from_name(name).is_some_and(|b| !matches!(b, Builtin::Violations));
        self.answer(py, name, &values, quick)
    }

    /// `name(values)`. A built-in query is a lookup in the tables (tens of
    /// nanoseconds: `quick`), which releasing and taking back the GIL
    /// would cost more than it frees; a rule, and the violations over a
    /// span of days, run with it released.
    fn answer(&self, py: Python<'_>, name: &str, values: &[Value], quick: bool) -> PyResult<Py<PyAny>> {
        let program = &self.program;
        let answer = if quick {
            program.call(name, values)
        } else {
            py.detach(|| program.call(name, values))
        };
        match answer {
            Ok(charter::Answer {
                value: Outcome::Known(Value::Party(party)),
                ..
            }) => match self.code(py, party) {
                Some(code) => Ok(code),
                None => convert::outcome(py, program, &Outcome::Known(Value::Party(party))),
            },
            Ok(answer) => convert::outcome(py, program, &answer.value),
            Err(charter::QueryError::Eval(charter::EvalError::Unknown(unknown))) => {
                convert::outcome(py, program, &Outcome::Unknown(*unknown))
            }
            Err(e) => Err(errors::query_error(py, &e)),
        }
    }
}

/// Which argument of which query a value is, for messages (formatted
/// only when one is made).
struct Argument<'a> {
    name: &'a str,
    index: usize,
}

impl std::fmt::Display for Argument<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: argument {}", self.name, self.index)
    }
}

/// `charter._batch.<function>(program, *args)`: the Python layer of the
/// batch queries (numpy, pyarrow and Polars columns in and out).
fn batch_call<'py>(slf: &Bound<'py, Program>, function: &str, args: &[&Bound<'py, PyAny>]) -> PyResult<Py<PyAny>> {
    let py = slf.py();
    let function = py.import("charter._batch")?.getattr(function)?;
    let mut all = vec![slf.clone().into_any()];
    all.extend(args.iter().map(|a| (*a).clone()));
    Ok(function.call1(PyTuple::new(py, all)?)?.unbind())
}

/// The names and kinds of the facts a query was checked with.
type Signature = Vec<(String, &'static str)>;

/// A query checked once, evaluated on facts as often as asked:
/// `prepared(facts)`, `prepared(name=value, ...)`, with `explain=True` for
/// the answer and why.
#[pyclass(frozen, module = "charter")]
struct Prepared {
    program: charter::Program,
    query: String,
    /// The query checked for each set of fact names and types it was
    /// called with.
    /// Shared, so that native code compiled for it on a first call is
    /// kept for the next.
    cache: Mutex<Vec<(Signature, Arc<charter::Prepared>)>>,
}

#[pymethods]
impl Prepared {
    /// The query text.
    #[getter]
    fn query(&self) -> String {
        self.query.clone()
    }

    #[pyo3(signature = (facts=None, *, explain=false, **kwargs))]
    fn __call__(
        &self,
        py: Python<'_>,
        facts: Option<&Bound<'_, PyDict>>,
        explain: bool,
        kwargs: Option<&Bound<'_, PyDict>>,
    ) -> PyResult<Py<PyAny>> {
        let facts = self.facts(py, facts, kwargs)?;
        let checked = self.checked(py, &facts)?;
        let answer = py.detach(|| {
            if explain {
                checked.explain(&facts)
            } else {
                checked.eval(&facts)
            }
        });
        let answer = match answer {
            Ok(answer) => answer,
            Err(charter::EvalFailure::Facts(why)) => return Err(bad_facts(py, why)),
            Err(charter::EvalFailure::Eval(charter::EvalError::Unknown(unknown))) => charter::Answer {
                value: Outcome::Unknown(*unknown),
                explanation: None,
                interpreted_because: None,
            },
            Err(charter::EvalFailure::Eval(e)) => return Err(errors::eval_error(py, &e)),
        };
        let value = convert::outcome(py, &self.program, &answer.value)?;
        match (explain, &answer.explanation) {
            (true, Some(why)) => {
                let types = errors::types(py)?;
                let why = explanation(py, types, why)?;
                Ok(types.getattr("Explained")?.call1((value, why))?.unbind())
            }
            (true, None) | (false, _) => Ok(value),
        }
    }

    fn __repr__(&self) -> String {
        format!("<charter.Prepared {:?}>", self.query)
    }
}

impl Prepared {
    /// Facts from a dict and keyword arguments, decoded against the
    /// program's names as a facts file is.
    fn facts(
        &self,
        py: Python<'_>,
        facts: Option<&Bound<'_, PyDict>>,
        kwargs: Option<&Bound<'_, PyDict>>,
    ) -> PyResult<Facts> {
        let mut top = serde_json::Map::new();
        for dict in [facts, kwargs].into_iter().flatten() {
            for (key, value) in dict.iter() {
                let key: String = key
                    .extract()
                    .map_err(|_| errors::type_error(py, "facts: every key must be a str"))?;
                let root = format!("$.{key}");
                let json = convert::json(py, &value, &convert::Path::Root(&root))?;
                if top.insert(key.clone(), json).is_some() {
                    return Err(bad_facts(py, format!("$.{key}: the fact `{key}` is given twice")));
                }
            }
        }
        if top.is_empty() {
            return Ok(Facts::none());
        }
        self.program
            .facts(&serde_json::Value::Object(top))
            .map_err(|e| bad_facts(py, e.to_string()))
    }

    /// The names and kinds of values the facts give, which the query is
    /// checked against.
    fn signature(facts: &Facts) -> Signature {
        facts
            .values()
            .iter()
            .map(|(name, value)| (name.clone(), kind(value)))
            .collect()
    }

    fn remember(&self, signature: Signature, checked: Arc<charter::Prepared>) {
        if let Ok(mut cache) = self.cache.lock() {
            cache.push((signature, checked));
        }
    }

    /// The query checked for facts of these names and kinds: from the
    /// cache, or checked now.
    fn checked(&self, py: Python<'_>, facts: &Facts) -> PyResult<Arc<charter::Prepared>> {
        let signature = Prepared::signature(facts);
        let found = self
            .cache
            .lock()
            .ok()
            .and_then(|cache| cache.iter().find(|(s, _)| *s == signature).map(|(_, p)| Arc::clone(p)));
        if let Some(checked) = found {
            return Ok(checked);
        }
        let checked = py
            .detach(|| self.program.prepare(&self.query, facts))
            .map_err(|found| errors::query_failed(py, &self.query, &found))?;
        let checked = Arc::new(checked);
        self.remember(signature, Arc::clone(&checked));
        Ok(checked)
    }
}

/// The kind of a fact's value, as far as checking a query needs it.
fn kind(value: &Value) -> &'static str {
    match value {
        Value::Bool(_) => "bool",
        Value::Int(_) => "int",
        Value::Date(_) => "date",
        Value::Duration(_) => "duration",
        Value::None => "none",
        Value::Party(_) => "party",
        Value::Status(_) => "status",
        Value::MeetingKind(_) => "meeting kind",
        Value::DecisionKind(_) => "decision kind",
        Value::Group(_) => "group",
        Value::Meeting(_) => "meeting",
        Value::Decision(_) => "decision",
        Value::Violation(_) => "violation",
        Value::Set(_) => "set",
    }
}

/// An explanation as a `charter.Explanation` tree.
fn explanation<'py>(
    py: Python<'py>,
    types: &Bound<'py, PyModule>,
    why: &charter::Explanation,
) -> PyResult<Bound<'py, PyAny>> {
    let children = PyList::empty(py);
    for child in &why.because {
        children.append(explanation(py, types, child)?)?;
    }
    types
        .getattr("Explanation")?
        .call1((why.fact.clone(), why.clause.clone(), children))
}

/// What changes from `old` to `new` (each a `Program` or a policy's file
/// or folder), as `charter diff` says it, with the chair timeline and the
/// audit until `until` (default: today): a `charter.Diff`.
#[pyfunction]
#[pyo3(signature = (old, new, until=None))]
fn diff(
    py: Python<'_>,
    old: &Bound<'_, PyAny>,
    new: &Bound<'_, PyAny>,
    until: Option<&Bound<'_, PyAny>>,
) -> PyResult<Py<PyAny>> {
    let until = match until {
        Some(day) => convert::day(py, day, &"until")?,
        None => {
            let today = py.import("datetime")?.getattr("date")?.call_method0("today")?;
            convert::day(py, &today, &"today")?
        }
    };
    let (old_label, old) = side(py, old, "old")?;
    let (new_label, new) = side(py, new, "new")?;
    let (old, new) = (old.analysis(), new.analysis());
    for analysis in [old, new] {
        if let [bundle] = analysis.result().bundles.as_slice() {
            if until > charter::report::max_horizon(bundle) {
                return Err(error(
                    py,
                    Class::Value,
                    "charter::horizon-too-far",
                    format!(
                        "`{}` is more than {} years past the policy's last recorded day",
                        charter::date::format(until),
                        charter::report::MAX_HORIZON_YEARS
                    ),
                    Some("give an earlier `until`"),
                ));
            }
        }
    }
    let diff = py.detach(|| {
        let old = charter::diff::Input {
            label: old_label,
            analysis: old,
        };
        let new = charter::diff::Input {
            label: new_label,
            analysis: new,
        };
        charter::diff::diff(&old, &new, until)
    });
    let json =
        serde_json::to_value(&diff).map_err(|e| error(py, Class::Eval, "charter::internal", e.to_string(), None))?;
    let (text, markdown) = (
        charter::diff::render::text(&diff),
        charter::diff::render::markdown(&diff),
    );
    let data = convert::from_json(py, &json)?;
    Ok(errors::types(py)?
        .getattr("Diff")?
        .call1((data, text, markdown))?
        .unbind())
}

/// One side of a diff: a program's analysis, or a policy's file or folder
/// checked now (errors and all: the diff reports them).
enum Side {
    Program(charter::Program),
    Files(charter::Analysis),
}

impl Side {
    fn analysis(&self) -> &charter::Analysis {
        match self {
            Side::Program(program) => program.analysis(),
            Side::Files(analysis) => analysis,
        }
    }
}

fn side(py: Python<'_>, given: &Bound<'_, PyAny>, what: &str) -> PyResult<(String, Side)> {
    if let Ok(program) = given.cast::<Program>() {
        let program = program.get().program.clone();
        return Ok((program.bundle().title.clone(), Side::Program(program)));
    }
    let path: PathBuf = given.extract().map_err(|_| {
        errors::type_error(
            py,
            format!(
                "diff: `{what}` must be a charter.Program or a path, got {}",
                convert::type_name(given)
            ),
        )
    })?;
    match py.detach(|| charter::analyze(&path)) {
        Ok(analysis) => Ok((path.display().to_string(), Side::Files(analysis))),
        Err(e) => Err(error(py, Class::File, &errors::code_of(&e), e.to_string(), None)),
    }
}

#[pymodule]
fn _charter(module: &Bound<'_, PyModule>) -> PyResult<()> {
    module.add_function(wrap_pyfunction!(load, module)?)?;
    module.add_function(wrap_pyfunction!(diff, module)?)?;
    module.add_class::<Program>()?;
    module.add_class::<Prepared>()?;
    Ok(())
}
