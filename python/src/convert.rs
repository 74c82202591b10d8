//! Python objects <-> Charter values. Arguments are read by the type the
//! query or rule expects (a `str` is a party's code where a party is
//! expected, a recorded decision's id where a decision is); answers become
//! plain Python: `str` codes, `datetime.date`, `frozenset`, `dict` for
//! meetings and decisions, and `charter.Unknown` for an unknown answer.

use std::collections::BTreeSet;

use charter::ir::{self, BuiltinType, Type};
use charter::{date, Outcome, Program, Value};
use pyo3::intern;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyBool, PyDict, PyFrozenSet, PyInt, PyList, PyString, PyType};

use crate::errors::{self, bad_facts, error, type_error, Class};

/// What a parameter takes: a built-in query's or a rule's parameter type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Expected {
    Bool,
    Int,
    Date,
    Party,
    Status,
    MeetingKind,
    DecisionKind,
    Group,
    Meeting,
    Decision,
    /// A set whose elements are read as this.
    Set(Box<Expected>),
    /// What Python cannot give (a duration, a violation, `none`): its name.
    Unsupported(&'static str),
}

impl Expected {
    pub fn of_builtin(ty: BuiltinType) -> Expected {
        match ty {
            BuiltinType::Bool => Expected::Bool,
            BuiltinType::Int => Expected::Int,
            BuiltinType::Date => Expected::Date,
            BuiltinType::Party => Expected::Party,
            BuiltinType::Status => Expected::Status,
            BuiltinType::Meeting => Expected::Meeting,
            BuiltinType::Decision => Expected::Decision,
            BuiltinType::Group => Expected::Group,
            BuiltinType::PartySet | BuiltinType::AnySet => Expected::Set(Box::new(Expected::Party)),
            BuiltinType::ViolationSet => Expected::Unsupported("set of violations"),
        }
    }

    pub fn of_type(ty: &Type) -> Expected {
        match ty {
            Type::Bool => Expected::Bool,
            Type::Int => Expected::Int,
            Type::Date => Expected::Date,
            Type::Party => Expected::Party,
            Type::Status => Expected::Status,
            Type::MeetingKind => Expected::MeetingKind,
            Type::DecisionKind => Expected::DecisionKind,
            Type::Group => Expected::Group,
            Type::Meeting => Expected::Meeting,
            Type::Decision => Expected::Decision,
            Type::Set(inner) => Expected::Set(Box::new(Expected::of_type(inner))),
            Type::Duration => Expected::Unsupported("duration"),
            Type::Violation => Expected::Unsupported("violation"),
            Type::None => Expected::Unsupported("none"),
        }
    }

    fn name(&self) -> String {
        match self {
            Expected::Bool => "a bool".to_string(),
            Expected::Int => "an int".to_string(),
            Expected::Date => "a date (datetime.date or \"YYYY-MM-DD\")".to_string(),
            Expected::Party => "a party code (str)".to_string(),
            Expected::Status => "a status name (str)".to_string(),
            Expected::MeetingKind => "a meeting kind name (str)".to_string(),
            Expected::DecisionKind => "a decision kind name (str)".to_string(),
            Expected::Group => "a group name (str)".to_string(),
            Expected::Meeting => "a recorded meeting's id (str) or a meeting dict".to_string(),
            Expected::Decision => "a recorded decision's id (str) or a decision dict".to_string(),
            Expected::Set(inner) => format!("an iterable of {}", inner.name()),
            Expected::Unsupported(what) => format!("a {what}"),
        }
    }
}

static DATE: PyOnceLock<Py<PyType>> = PyOnceLock::new();
static DATETIME: PyOnceLock<Py<PyType>> = PyOnceLock::new();

fn date_type(py: Python<'_>) -> PyResult<&Bound<'_, PyType>> {
    DATE.import(py, "datetime", "date")
}

/// A day from a `datetime.date` (not a `datetime.datetime`, whose time and
/// zone would be dropped silently) or an ISO `YYYY-MM-DD` string.
pub fn day(py: Python<'_>, obj: &Bound<'_, PyAny>, what: &dyn std::fmt::Display) -> PyResult<ir::Day> {
    let text: String = if let Ok(text) = obj.cast::<PyString>() {
        let mut buffer = [0u8; 10];
        if let Some(day) = crate::columns::ascii(text, &mut buffer).and_then(date::parse) {
            return Ok(day);
        }
        text.to_cow()?.into_owned()
    } else if obj.is_instance(DATETIME.import(py, "datetime", "datetime")?)? {
        return Err(type_error(
            py,
            format!("{what}: a datetime.datetime is not a day; pass its .date()"),
        ));
    } else if obj.is_instance(date_type(py)?)? {
        // A date's proleptic Gregorian ordinal: day 1 is 0001-01-01.
        let ordinal: i64 = obj.call_method0(intern!(py, "toordinal"))?.extract()?;
        return i32::try_from(ordinal + i64::from(date::FIRST) - 1)
            .map_err(|_| type_error(py, format!("{what}: {ordinal} is not a day's ordinal")));
    } else {
        return Err(type_error(
            py,
            format!("{what}: expected {}, got {}", Expected::Date.name(), type_name(obj)),
        ));
    };
    date::parse(&text).ok_or_else(|| {
        error(
            py,
            Class::Value,
            "charter::invalid-date",
            format!("{what}: `{text}` is not a calendar date written YYYY-MM-DD (0001-01-01 to 9999-12-31)"),
            None,
        )
    })
}

/// The program's party codes as Python sees them: interned `str` objects
/// (a code written as a literal in Python is the same object, found by
/// identity) and a dict from code to index (any other `str` equal to one,
/// found by Python's cached hash). Neither copies an argument's text.
pub struct Codes<'a, 'py> {
    pub interned: &'a [Py<PyString>],
    pub ids: &'a Bound<'py, PyDict>,
    /// The decision and meeting kinds' indices by name, read the same way.
    pub decision_kinds: &'a Bound<'py, PyDict>,
    pub meeting_kinds: &'a Bound<'py, PyDict>,
}

/// An argument as the value `expected` takes, against `program`'s names.
pub fn value(
    py: Python<'_>,
    program: &Program,
    codes: &Codes<'_, '_>,
    obj: &Bound<'_, PyAny>,
    expected: &Expected,
    what: &dyn std::fmt::Display,
) -> PyResult<Value> {
    let bundle = program.bundle();
    if let (Expected::Party, Some(id)) = (expected, fast::party(codes, obj)) {
        return Ok(Value::Party(id));
    }
    let wrong = || {
        type_error(
            py,
            format!("{what}: expected {}, got {}", expected.name(), type_name(obj)),
        )
    };
    let text = || -> PyResult<String> {
        match obj.cast::<PyString>() {
            Ok(s) => Ok(s.to_cow()?.into_owned()),
            Err(_) => Err(wrong()),
        }
    };
    let named = |names: &[String], code: &str, kind: &str| -> PyResult<u32> {
        let name = text()?;
        names.iter().position(|n| *n == name).map(|i| i as u32).ok_or_else(|| {
            let help = errors::suggestion(&name, names.iter().map(String::as_str));
            error(
                py,
                Class::Value,
                code,
                format!("{what}: unknown {kind} `{name}`"),
                help.as_deref(),
            )
        })
    };
    Ok(match expected {
        Expected::Bool => match obj.cast::<PyBool>() {
            Ok(b) => Value::Bool(b.is_true()),
            Err(_) => return Err(wrong()),
        },
        Expected::Int => {
            if obj.is_instance_of::<PyBool>() || !obj.is_instance_of::<PyInt>() {
                return Err(wrong());
            }
            Value::Int(obj.extract::<i64>().map_err(|_| {
                error(
                    py,
                    Class::Value,
                    "charter::number-too-large",
                    format!("{what}: {obj} does not fit in 64 bits"),
                    None,
                )
            })?)
        }
        Expected::Date => Value::Date(day(py, obj, what)?),
        Expected::Party => Value::Party(party(py, program, &text()?, what)?),
        Expected::Status => {
            let name = text()?;
            Value::Status(ir::Status::from_name(&name).ok_or_else(|| {
                let names: Vec<&str> = ir::Status::ALL.iter().map(|s| s.name()).collect();
                let help = errors::suggestion(&name, names.iter().copied());
                error(
                    py,
                    Class::Value,
                    "charter::unknown-status",
                    format!("{what}: unknown status `{name}`"),
                    help.as_deref(),
                )
            })?)
        }
        Expected::MeetingKind => Value::MeetingKind(named(
            &bundle.meeting_kinds,
            "charter::unknown-meeting",
            "meeting kind",
        )?),
        Expected::DecisionKind => Value::DecisionKind(named(
            &bundle.decision_kinds,
            "charter::unknown-decision-kind",
            "decision kind",
        )?),
        Expected::Group => {
            let names: Vec<String> = bundle.groups.iter().map(|g| g.name.clone()).collect();
            Value::Group(named(&names, "charter::unknown-group", "group")?)
        }
        Expected::Meeting | Expected::Decision if obj.is_instance_of::<PyDict>() => {
            let fast = if matches!(expected, Expected::Meeting) {
                fast::meeting(codes, obj).map(|m| Value::Meeting(Box::new(m)))
            } else {
                fast::decision(codes, obj).map(|d| Value::Decision(Box::new(d)))
            };
            if let Some(value) = fast {
                return Ok(value);
            }
            let decoded = decoded(py, program, obj, what)?;
            match (&decoded, expected) {
                (Value::Meeting(_), Expected::Meeting) | (Value::Decision(_), Expected::Decision) => decoded,
                (_, _) => return Err(wrong()),
            }
        }
        Expected::Meeting => {
            let id = text()?;
            let found = bundle.history.meetings.iter().find(|m| m.id == id);
            match found {
                Some(record) => Value::Meeting(Box::new(record.meeting.clone())),
                None => {
                    return Err(unknown_record(
                        py,
                        "meeting",
                        &id,
                        bundle.history.meetings.iter().map(|m| m.id.as_str()),
                        what,
                    ))
                }
            }
        }
        Expected::Decision => {
            let id = text()?;
            let found = bundle.history.decisions.iter().find(|d| d.id == id);
            match found {
                Some(record) => Value::Decision(Box::new(record.decision.clone())),
                None => {
                    return Err(unknown_record(
                        py,
                        "decision",
                        &id,
                        bundle.history.decisions.iter().map(|d| d.id.as_str()),
                        what,
                    ))
                }
            }
        }
        Expected::Set(inner) => {
            if obj.is_instance_of::<PyString>() || obj.is_instance_of::<PyDict>() {
                return Err(wrong());
            }
            let items = obj.try_iter().map_err(|_| wrong())?;
            let mut set = BTreeSet::new();
            for item in items {
                set.insert(value(py, program, codes, &item?, inner, what)?);
            }
            Value::Set(set)
        }
        Expected::Unsupported(kind) => {
            return Err(type_error(
                py,
                format!("{what}: a {kind} cannot be passed from Python; ask it in a query (Program.prepare)"),
            ))
        }
    })
}

/// A party by its code.
pub fn party(py: Python<'_>, program: &Program, code: &str, what: &dyn std::fmt::Display) -> PyResult<ir::PartyId> {
    program.party(code).ok_or_else(|| {
        let help = errors::suggestion(code, program.bundle().parties.iter().map(|p| p.id.as_str()));
        error(
            py,
            Class::Value,
            "charter::unknown-party",
            format!("{what}: unknown party `{code}`"),
            help.as_deref(),
        )
    })
}

fn unknown_record<'a>(
    py: Python<'_>,
    kind: &str,
    id: &str,
    ids: impl IntoIterator<Item = &'a str>,
    what: &dyn std::fmt::Display,
) -> PyErr {
    let help = errors::suggestion(id, ids);
    error(
        py,
        Class::Value,
        "charter::unknown-record",
        format!("{what}: no {kind} `{id}` is recorded"),
        help.as_deref(),
    )
}

/// A meeting or decision dict, decoded as a facts file's value is.
fn decoded(py: Python<'_>, program: &Program, obj: &Bound<'_, PyAny>, what: &dyn std::fmt::Display) -> PyResult<Value> {
    let mut top = serde_json::Map::new();
    top.insert("argument".to_string(), json(py, obj, &Path::Root("$.argument"))?);
    let facts = program
        .facts(&serde_json::Value::Object(top))
        .map_err(|e| bad_facts(py, format!("{what}: {e}")))?;
    facts
        .values()
        .first()
        .map(|(_, v)| v.clone())
        .ok_or_else(|| bad_facts(py, format!("{what}: no value")))
}

/// A facts dict (or a value inside one) as the JSON a facts file holds:
/// `datetime.date` as `"YYYY-MM-DD"`, any iterable as an array.
pub fn json(py: Python<'_>, obj: &Bound<'_, PyAny>, path: &Path<'_>) -> PyResult<serde_json::Value> {
    use serde_json::Value as J;
    if obj.is_none() {
        return Ok(J::Null);
    }
    if let Ok(b) = obj.cast::<PyBool>() {
        return Ok(J::Bool(b.is_true()));
    }
    if obj.is_instance_of::<PyInt>() {
        return obj
            .extract::<i64>()
            .map(J::from)
            .map_err(|_| bad_facts(py, format!("{path}: {obj} does not fit in 64 bits")));
    }
    if let Ok(s) = obj.cast::<PyString>() {
        return Ok(J::String(text(s)?));
    }
    if obj.is_instance(date_type(py)?)? {
        return Ok(J::String(date::format(day(py, obj, path)?)));
    }
    if let Ok(dict) = obj.cast::<PyDict>() {
        let mut map = serde_json::Map::new();
        for (key, item) in dict.iter() {
            let key = match key.cast::<PyString>() {
                Ok(k) => text(k)?,
                Err(_) => {
                    return Err(type_error(
                        py,
                        format!("{path}: a key must be a str, got {}", type_name(&key)),
                    ))
                }
            };
            let value = json(py, &item, &Path::Key(path, &key))?;
            map.insert(key, value);
        }
        return Ok(J::Object(map));
    }
    if let Ok(items) = obj.try_iter() {
        let mut out = Vec::new();
        for (i, item) in items.enumerate() {
            out.push(json(py, &item?, &Path::Index(path, i))?);
        }
        return Ok(J::Array(out));
    }
    Err(type_error(
        py,
        format!(
            "{path}: a fact is None, a bool, an int, a str, a datetime.date, a dict or an iterable, not {}",
            type_name(obj)
        ),
    ))
}

/// Where a value is in the facts (`$.decision.meeting.present[2]`),
/// written out only when a message names it.
pub enum Path<'a> {
    Root(&'a str),
    Key(&'a Path<'a>, &'a str),
    Index(&'a Path<'a>, usize),
}

impl std::fmt::Display for Path<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Path::Root(root) => write!(f, "{root}"),
            Path::Key(parent, key) => write!(f, "{parent}.{key}"),
            Path::Index(parent, i) => write!(f, "{parent}[{i}]"),
        }
    }
}

/// A `str` as a Rust string: a short ASCII one read into a stack buffer
/// (no Python bytes object made on the way, as the stable ABI of 3.9
/// would), any other through UTF-8.
fn text(s: &Bound<'_, PyString>) -> PyResult<String> {
    let mut buffer = [0u8; 32];
    match crate::columns::ascii_prefix(s, &mut buffer) {
        Some(short) => Ok(short.to_string()),
        None => Ok(s.to_cow()?.into_owned()),
    }
}

/// An answer as Python: the value, or a `charter.Unknown`.
pub fn outcome(py: Python<'_>, program: &Program, outcome: &Outcome) -> PyResult<Py<PyAny>> {
    match outcome {
        Outcome::Known(v) => to_python(py, program, v),
        Outcome::Unknown(unknown) => {
            let possible = PyList::empty(py);
            for v in &unknown.possible {
                possible.append(to_python(py, program, v)?)?;
            }
            Ok(errors::types(py)?
                .getattr("Unknown")?
                .call1((unknown.because.clone(), possible))?
                .unbind())
        }
    }
}

/// A value as Python.
pub fn to_python(py: Python<'_>, program: &Program, v: &Value) -> PyResult<Py<PyAny>> {
    let bundle = program.bundle();
    Ok(match v {
        Value::Bool(b) => PyBool::new(py, *b).to_owned().into_any().unbind(),
        Value::Int(i) => i.into_pyobject(py)?.into_any().unbind(),
        Value::None => py.None(),
        Value::Party(p) => match bundle.parties.get(*p as usize) {
            Some(party) => PyString::new(py, &party.id).into_any().unbind(),
            None => PyString::new(py, &v.to_text(bundle)).into_any().unbind(),
        },
        // A date's proleptic Gregorian ordinal: day 1 is 0001-01-01.
        Value::Date(d) => date_type(py)?
            .call_method1(
                intern!(py, "fromordinal"),
                (i64::from(*d) - i64::from(date::FIRST) + 1,),
            )?
            .unbind(),
        Value::Duration(_) | Value::Status(_) | Value::MeetingKind(_) | Value::DecisionKind(_) | Value::Group(_) => {
            PyString::new(py, &v.to_text(bundle)).into_any().unbind()
        }
        Value::Meeting(_) | Value::Decision(_) | Value::Violation(_) => from_json(py, &v.to_json(bundle))?,
        Value::Set(items) => {
            let hashable = items.iter().all(|item| match item {
                Value::Meeting(_) | Value::Decision(_) | Value::Violation(_) | Value::Set(_) => false,
                Value::Bool(_)
                | Value::Int(_)
                | Value::Date(_)
                | Value::Duration(_)
                | Value::None
                | Value::Party(_)
                | Value::Status(_)
                | Value::MeetingKind(_)
                | Value::DecisionKind(_)
                | Value::Group(_) => true,
            });
            let converted = items
                .iter()
                .map(|item| to_python(py, program, item))
                .collect::<PyResult<Vec<_>>>()?;
            if hashable {
                PyFrozenSet::new(py, &converted)?.into_any().unbind()
            } else {
                PyList::new(py, converted)?.into_any().unbind()
            }
        }
    })
}

/// JSON (a report, a meeting, a decision) as Python dicts, lists and
/// scalars.
pub fn from_json(py: Python<'_>, v: &serde_json::Value) -> PyResult<Py<PyAny>> {
    use serde_json::Value as J;
    Ok(match v {
        J::Null => py.None(),
        J::Bool(b) => PyBool::new(py, *b).to_owned().into_any().unbind(),
        J::Number(n) => match n.as_i64() {
            Some(i) => i.into_pyobject(py)?.into_any().unbind(),
            None => n.as_f64().unwrap_or(f64::NAN).into_pyobject(py)?.into_any().unbind(),
        },
        J::String(s) => PyString::new(py, s).into_any().unbind(),
        J::Array(items) => {
            let list = PyList::empty(py);
            for item in items {
                list.append(from_json(py, item)?)?;
            }
            list.into_any().unbind()
        }
        J::Object(map) => {
            let dict = PyDict::new(py);
            for (k, item) in map {
                dict.set_item(k, from_json(py, item)?)?;
            }
            dict.into_any().unbind()
        }
    })
}

/// A Python object's type name, for messages.
pub fn type_name(obj: &Bound<'_, PyAny>) -> String {
    obj.get_type()
        .name()
        .map_or_else(|_| "an object".to_string(), |n| n.to_string())
}

/// Meeting and decision dicts of the common shape read straight into the
/// IR, as the facts decoder reads them (docs/facts.md: the same fields,
/// kinds and parties by name, sets sorted without repeats). Anything else
/// — another field, a wrong type, an unknown name, a meeting named by a
/// fact or a recorded meeting's id — is `None`, and the facts decoder
/// reads it (and says what is wrong). A test holds both to the same
/// answers.
mod fast {
    use charter::date;
    use charter::ir::{Decision, Field, Meeting, PartyId};
    use pyo3::intern;
    use pyo3::prelude::*;
    use pyo3::types::{PyDict, PyList, PyString, PyTuple};

    use super::Codes;

    pub fn decision(codes: &Codes<'_, '_>, obj: &Bound<'_, PyAny>) -> Option<Decision> {
        let dict = obj.cast::<PyDict>().ok()?;
        let mut decision = Decision {
            kind: u32::MAX,
            meeting: Meeting {
                id: None,
                kind: u32::MAX,
                date: 0,
                host: None,
                present: Vec::new(),
                observers: Vec::new(),
            },
            objections: Vec::new(),
            reservations: Vec::new(),
            subjects: Vec::new(),
            invited_to: None,
        };
        let mut has_meeting = false;
        for (key, value) in dict.iter() {
            match field_of(&key)? {
                Field::Kind => decision.kind = index(codes.decision_kinds, &value)?,
                Field::Meeting => {
                    decision.meeting = meeting(codes, &value)?;
                    has_meeting = true;
                }
                Field::Objections => decision.objections = parties(codes, &value)?,
                Field::Reservations => decision.reservations = parties(codes, &value)?,
                Field::Subjects => decision.subjects = parties(codes, &value)?,
                Field::Date
                | Field::Host
                | Field::Present
                | Field::Observers
                | Field::Due
                | Field::Party
                | Field::Must => return None,
            }
        }
        (has_meeting && decision.kind != u32::MAX).then_some(decision)
    }

    pub fn meeting(codes: &Codes<'_, '_>, obj: &Bound<'_, PyAny>) -> Option<Meeting> {
        let dict = obj.cast::<PyDict>().ok()?;
        let mut meeting = Meeting {
            id: None,
            kind: u32::MAX,
            date: 0,
            host: None,
            present: Vec::new(),
            observers: Vec::new(),
        };
        let mut has_date = false;
        for (key, value) in dict.iter() {
            match field_of(&key)? {
                Field::Kind => meeting.kind = index(codes.meeting_kinds, &value)?,
                Field::Date => {
                    meeting.date = with_short(&value, date::parse)?;
                    has_date = true;
                }
                Field::Host if value.is_none() => meeting.host = None,
                Field::Host => meeting.host = Some(party(codes, &value)?),
                Field::Present => meeting.present = parties(codes, &value)?,
                Field::Observers => meeting.observers = parties(codes, &value)?,
                Field::Meeting
                | Field::Objections
                | Field::Reservations
                | Field::Subjects
                | Field::Due
                | Field::Party
                | Field::Must => return None,
            }
        }
        (has_date && meeting.kind != u32::MAX).then_some(meeting)
    }

    /// A dict's key as a field: by identity with the interned names (a key
    /// written as a literal in Python is one), else by its text.
    fn field_of(key: &Bound<'_, PyAny>) -> Option<Field> {
        let py = key.py();
        let names = [
            (intern!(py, "kind"), Field::Kind),
            (intern!(py, "date"), Field::Date),
            (intern!(py, "present"), Field::Present),
            (intern!(py, "meeting"), Field::Meeting),
            (intern!(py, "objections"), Field::Objections),
            (intern!(py, "host"), Field::Host),
            (intern!(py, "observers"), Field::Observers),
            (intern!(py, "reservations"), Field::Reservations),
            (intern!(py, "subjects"), Field::Subjects),
        ];
        match names.iter().find(|(name, _)| key.is(*name)) {
            Some((_, field)) => Some(*field),
            None => with_short(key, Field::from_name),
        }
    }

    /// `f` of a short ASCII `str` (a code, a kind, a field), read
    /// without an allocation; `None` for anything else (the facts decoder
    /// reads it).
    fn with_short<T>(obj: &Bound<'_, PyAny>, f: impl FnOnce(&str) -> Option<T>) -> Option<T> {
        let mut buffer = [0u8; 32];
        crate::columns::ascii_prefix(obj.cast::<PyString>().ok()?, &mut buffer).and_then(f)
    }

    /// A kind's index by its name, looked up in the program's dict of
    /// names by the `str` itself.
    fn index(names: &Bound<'_, PyDict>, obj: &Bound<'_, PyAny>) -> Option<u32> {
        if !obj.is_instance_of::<PyString>() {
            return None;
        }
        names.get_item(obj).ok()??.extract::<u32>().ok()
    }

    /// A party by its code ([`Codes`]): the interned code itself, or a
    /// `str` equal to one; `None` for anything else.
    pub fn party(codes: &Codes<'_, '_>, obj: &Bound<'_, PyAny>) -> Option<PartyId> {
        let ptr = obj.as_ptr();
        if let Some(i) = codes.interned.iter().position(|c| c.as_ptr() == ptr) {
            return PartyId::try_from(i).ok();
        }
        if !obj.is_instance_of::<PyString>() {
            return None;
        }
        codes.ids.get_item(obj).ok()??.extract::<PartyId>().ok()
    }

    fn parties(codes: &Codes<'_, '_>, obj: &Bound<'_, PyAny>) -> Option<Vec<PartyId>> {
        let mut set = Vec::new();
        if let Ok(list) = obj.cast::<PyList>() {
            set.reserve(list.len());
            for item in list.iter() {
                set.push(party(codes, &item)?);
            }
        } else if let Ok(tuple) = obj.cast::<PyTuple>() {
            set.reserve(tuple.len());
            for item in tuple.iter() {
                set.push(party(codes, &item)?);
            }
        } else {
            return None;
        }
        set.sort_unstable();
        set.dedup();
        Some(set)
    }
}
