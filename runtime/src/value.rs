//! Values the interpreter computes, and their JSON form.

use std::collections::BTreeSet;

use serde_json::json;

use crate::date;
use crate::ir::{Bundle, Day, Decision, Duration, Meeting, MeetingKindId, PartyId, Status, Strength, Unit};

/// An answer the records do not settle: what it depends on, and where
/// known the answers that remain possible.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unknown {
    /// Each fact not recorded that the answer depends on, in words.
    pub because: Vec<String>,
    /// The answers the facts not recorded leave possible (empty where they
    /// were not worked out).
    pub possible: Vec<Value>,
}

impl Unknown {
    pub fn because(why: impl Into<String>) -> crate::EvalError {
        crate::EvalError::Unknown(Box::new(Unknown {
            because: vec![why.into()],
            possible: Vec::new(),
        }))
    }

    /// This unknown and `other`'s reasons together.
    pub fn and(mut self, other: &Unknown) -> Unknown {
        for why in &other.because {
            if !self.because.contains(why) {
                self.because.push(why.clone());
            }
        }
        self.possible.clear();
        self
    }
}

/// What a question answers: a value, or unknown with what it depends on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    Known(Value),
    Unknown(Unknown),
}

impl Outcome {
    /// An evaluation's result as an answer: an unknown is an answer, any
    /// other error stays an error.
    pub fn of(result: Result<Value, crate::EvalError>) -> Result<Outcome, crate::EvalError> {
        match result {
            Ok(value) => Ok(Outcome::Known(value)),
            Err(crate::EvalError::Unknown(unknown)) => Ok(Outcome::Unknown(*unknown)),
            Err(e) => Err(e),
        }
    }

    /// The value, where known.
    pub fn known(&self) -> Option<&Value> {
        match self {
            Outcome::Known(v) => Some(v),
            Outcome::Unknown(_) => None,
        }
    }

    /// The answer as JSON: the value's JSON, or for an unknown an object
    /// `{"unknown": {"because": [...], "possible": [...]}}`, which no value
    /// takes (never `true`, `false` or `null`).
    pub fn to_json(&self, bundle: &Bundle) -> serde_json::Value {
        match self {
            Outcome::Known(v) => v.to_json(bundle),
            Outcome::Unknown(u) => {
                let mut body = serde_json::Map::new();
                body.insert("because".to_string(), json!(u.because));
                if !u.possible.is_empty() {
                    body.insert(
                        "possible".to_string(),
                        serde_json::Value::Array(u.possible.iter().map(|v| v.to_json(bundle)).collect()),
                    );
                }
                json!({ "unknown": body })
            }
        }
    }

    /// The answer in words: the value, or `unknown (because ...)`.
    pub fn to_text(&self, bundle: &Bundle) -> String {
        match self {
            Outcome::Known(v) => v.to_text(bundle),
            Outcome::Unknown(u) => {
                let mut text = format!("unknown: {}", u.because.join("; "));
                if !u.possible.is_empty() {
                    let possible: Vec<String> = u.possible.iter().map(|v| v.to_text(bundle)).collect();
                    text.push_str(&format!(" (possible: {})", possible.join(", ")));
                }
                text
            }
        }
    }
}

/// A missed meeting obligation.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Violation {
    pub due: Day,
    pub kind: MeetingKindId,
    /// For an obligation of each member: whose.
    pub party: Option<PartyId>,
    pub strength: Strength,
    pub clause: String,
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Value {
    Bool(bool),
    Int(i64),
    Date(Day),
    Duration(Duration),
    None,
    Party(PartyId),
    Status(Status),
    MeetingKind(MeetingKindId),
    DecisionKind(u32),
    Group(u32),
    Meeting(Box<Meeting>),
    Decision(Box<Decision>),
    Violation(Box<Violation>),
    Set(BTreeSet<Value>),
}

impl Value {
    pub fn parties(set: impl IntoIterator<Item = PartyId>) -> Value {
        Value::Set(set.into_iter().map(Value::Party).collect())
    }

    /// The JSON form `charter eval` prints: a party as its identifier, a
    /// date as `YYYY-MM-DD`, a set as a sorted array, none as `null`, a
    /// status as its lowercase name.
    pub fn to_json(&self, bundle: &Bundle) -> serde_json::Value {
        let party = |p: &PartyId| {
            bundle
                .parties
                .get(*p as usize)
                .map_or_else(|| format!("#{p}"), |x| x.id.clone())
        };
        let kind = |k: &u32, names: &[String]| names.get(*k as usize).cloned().unwrap_or_default();
        match self {
            Value::Bool(b) => json!(b),
            Value::Int(i) => json!(i),
            Value::Date(d) => json!(date::format(*d)),
            Value::Duration(d) => json!(duration_text(d)),
            Value::None => serde_json::Value::Null,
            Value::Party(p) => json!(party(p)),
            Value::Status(s) => json!(s.name()),
            Value::MeetingKind(k) => json!(kind(k, &bundle.meeting_kinds)),
            Value::DecisionKind(k) => json!(kind(k, &bundle.decision_kinds)),
            Value::Group(g) => json!(bundle
                .groups
                .get(*g as usize)
                .map_or_else(|| format!("#{g}"), |x| x.name.clone())),
            Value::Meeting(m) => meeting_json(m, bundle),
            Value::Decision(d) => json!({
                "kind": kind(&d.kind, &bundle.decision_kinds),
                "meeting": meeting_json(&d.meeting, bundle),
                "objections": sorted(d.objections.iter().map(party)),
                "reservations": sorted(d.reservations.iter().map(party)),
            }),
            Value::Violation(v) => json!({
                "kind": kind(&v.kind, &bundle.meeting_kinds),
                "due": date::format(v.due),
                "party": v.party.as_ref().map(party),
                "strength": match v.strength { Strength::Must => "must", Strength::Should => "should" },
                "finding": match v.strength { Strength::Must => "violation", Strength::Should => "advisory" },
                "clause": v.clause,
            }),
            Value::Set(items) => {
                let mut values: Vec<serde_json::Value> = items.iter().map(|v| v.to_json(bundle)).collect();
                values.sort_by_key(|v| v.to_string());
                serde_json::Value::Array(values)
            }
        }
    }

    /// The text form `charter eval` and `charter test` print.
    pub fn to_text(&self, bundle: &Bundle) -> String {
        match self.to_json(bundle) {
            serde_json::Value::String(s) => s,
            serde_json::Value::Null => "none".to_string(),
            json @ (serde_json::Value::Bool(_)
            | serde_json::Value::Number(_)
            | serde_json::Value::Array(_)
            | serde_json::Value::Object(_)) => json.to_string(),
        }
    }
}

fn sorted(items: impl Iterator<Item = String>) -> Vec<String> {
    let mut v: Vec<String> = items.collect();
    v.sort();
    v
}

fn meeting_json(m: &Meeting, bundle: &Bundle) -> serde_json::Value {
    let party = |p: &PartyId| {
        bundle
            .parties
            .get(*p as usize)
            .map_or_else(|| format!("#{p}"), |x| x.id.clone())
    };
    json!({
        "id": m.id,
        "kind": bundle.meeting_kinds.get(m.kind as usize),
        "date": date::format(m.date),
        "host": m.host.as_ref().map(party),
        "present": sorted(m.present.iter().map(party)),
        "observers": sorted(m.observers.iter().map(party)),
    })
}

pub fn duration_text(d: &Duration) -> String {
    let unit = match (d.unit, d.amount == 1) {
        (Unit::Days, true) => "day",
        (Unit::Days, false) => "days",
        (Unit::Months, true) => "month",
        (Unit::Months, false) => "months",
        (Unit::Years, true) => "year",
        (Unit::Years, false) => "years",
    };
    format!("{} {unit}", d.amount)
}
