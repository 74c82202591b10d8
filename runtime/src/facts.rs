//! Facts JSON -> named `Value`s, decoded once against a bundle's names.
//!
//! The top level is an object; each key becomes a named value a query may
//! use. A value is decoded by its shape: `null` is none, a boolean or an
//! integer is itself, a `"YYYY-MM-DD"` string is a date, any other string a
//! party identifier, an array a set of parties, an object with a `"date"` a
//! meeting and any other object a decision. Every error names the JSON path
//! of the offending value.

use std::collections::BTreeSet;

use crate::date;
use crate::ir::{Bundle, Decision, Meeting, PartyId};
use crate::value::Value;

/// A facts file that cannot be decoded: where, and what is wrong.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{path}: {message}")]
pub struct FactError {
    /// A JSON path such as `$.decision.objections[1]`.
    pub path: String,
    pub message: String,
}

/// Decodes a facts document into named values, in key order.
pub fn decode(bundle: &Bundle, json: &serde_json::Value) -> Result<Vec<(String, Value)>, FactError> {
    let serde_json::Value::Object(top) = json else {
        return Err(error(
            "$",
            "the facts file must be a JSON object whose keys name values",
        ));
    };
    let decoder = Decoder { bundle, top };
    let mut out = Vec::new();
    for (key, value) in top {
        let path = format!("$.{key}");
        let is_name = key.chars().next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
            && key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
        if !is_name {
            return Err(error(
                &path,
                &format!("`{key}` cannot be used as a name in a query; use letters, digits and `_`"),
            ));
        }
        if let Some(what) = declared(bundle, key) {
            return Err(error(
                &path,
                &format!("`{key}` is already {what}; a fact may not shadow it, so rename the key"),
            ));
        }
        out.push((key.clone(), decoder.value(value, &path)?));
    }
    Ok(out)
}

/// The language's reserved words (`keyword` in grammar/charter.pest): no
/// query can name a fact called so.
const RESERVED: &[&str] = &[
    "and", "all", "any", "or", "not", "none", "implies", "in", "if", "then", "true", "else", "false",
];

/// The classes of parties a query names by keyword (`states`).
const PARTY_CLASSES: &[&str] = &[
    "states",
    "international_organizations",
    "regional_organizations",
    "civil_society",
    "private_sector",
];

/// What `name` already means in the policy, if anything: a fact of that
/// name would silently change what the query's names mean (or, for a
/// reserved word, could not be named at all).
fn declared(bundle: &Bundle, name: &str) -> Option<&'static str> {
    if RESERVED.contains(&name) {
        Some("a reserved word of the language")
    } else if PARTY_CLASSES.contains(&name) {
        Some("the name of a class of parties")
    } else if bundle.history.meetings.iter().any(|m| m.id == name) {
        Some("the name of a recorded meeting")
    } else if bundle.history.decisions.iter().any(|d| d.id == name) {
        Some("the name of a recorded decision")
    } else if bundle.groups.iter().any(|g| g.name == name) {
        Some("the name of a group")
    } else if bundle.parties.iter().any(|p| p.id == name) {
        Some("the name of a party")
    } else if bundle.rules.iter().any(|r| r.name == name) {
        Some("the name of a rule")
    } else if crate::ir::Builtin::from_name(name).is_some() {
        Some("the name of a built-in query")
    } else if bundle.meeting_kinds.iter().any(|k| k == name) {
        Some("the name of a meeting kind")
    } else if bundle.decision_kinds.iter().any(|k| k == name) {
        Some("the name of a decision kind")
    } else if crate::ir::Status::from_name(name).is_some() {
        Some("the name of a status")
    } else {
        None
    }
}

/// Parses facts JSON text, refusing an object that gives a key twice (JSON
/// parsers keep the last silently; a facts file that says two things about
/// one name is a mistake to report, not to resolve).
pub fn parse(text: &str) -> Result<serde_json::Value, FactError> {
    use serde::de::DeserializeSeed as _;
    let mut de = serde_json::Deserializer::from_str(text);
    let value = Strict { path: "$".to_string() }
        .deserialize(&mut de)
        .and_then(|v| de.end().map(|()| v))
        .map_err(|e| {
            let message = e.to_string();
            match message.split_once(DUPLICATE) {
                Some((_, rest)) => {
                    let (path, key) = rest.split_once('\u{1f}').unwrap_or((rest, ""));
                    let key = key.split(" at line").next().unwrap_or(key);
                    error(path, &format!("the key `{key}` is given twice in this object"))
                }
                None => error("$", &format!("not valid JSON: {message}")),
            }
        })?;
    Ok(value)
}

/// Marks a duplicate-key error inside serde's message, with the path.
const DUPLICATE: &str = "\u{1e}duplicate:";

/// A JSON value, deserialized with duplicate keys refused.
struct Strict {
    path: String,
}

impl<'de> serde::de::DeserializeSeed<'de> for Strict {
    type Value = serde_json::Value;

    fn deserialize<D: serde::Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> serde::de::Visitor<'de> for Strict {
    type Value = serde_json::Value;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_bool<E>(self, v: bool) -> Result<Self::Value, E> {
        Ok(serde_json::Value::Bool(v))
    }

    fn visit_i64<E>(self, v: i64) -> Result<Self::Value, E> {
        Ok(serde_json::Value::from(v))
    }

    fn visit_u64<E>(self, v: u64) -> Result<Self::Value, E> {
        Ok(serde_json::Value::from(v))
    }

    fn visit_f64<E>(self, v: f64) -> Result<Self::Value, E> {
        Ok(serde_json::Value::from(v))
    }

    fn visit_str<E>(self, v: &str) -> Result<Self::Value, E> {
        Ok(serde_json::Value::String(v.to_string()))
    }

    fn visit_string<E>(self, v: String) -> Result<Self::Value, E> {
        Ok(serde_json::Value::String(v))
    }

    fn visit_unit<E>(self) -> Result<Self::Value, E> {
        Ok(serde_json::Value::Null)
    }

    fn visit_none<E>(self) -> Result<Self::Value, E> {
        Ok(serde_json::Value::Null)
    }

    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let mut items = Vec::new();
        loop {
            let seed = Strict {
                path: format!("{}[{}]", self.path, items.len()),
            };
            match seq.next_element_seed(seed)? {
                Some(item) => items.push(item),
                None => return Ok(serde_json::Value::Array(items)),
            }
        }
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut object = serde_json::Map::new();
        while let Some(key) = map.next_key::<String>()? {
            let path = format!("{}.{key}", self.path);
            if object.contains_key(&key) {
                return Err(serde::de::Error::custom(format!("{DUPLICATE}{path}\u{1f}{key}")));
            }
            let value = map.next_value_seed(Strict { path })?;
            object.insert(key, value);
        }
        Ok(serde_json::Value::Object(object))
    }
}

fn error(path: &str, message: &str) -> FactError {
    FactError {
        path: path.to_string(),
        message: message.to_string(),
    }
}

struct Decoder<'a> {
    bundle: &'a Bundle,
    top: &'a serde_json::Map<String, serde_json::Value>,
}

impl Decoder<'_> {
    fn value(&self, v: &serde_json::Value, path: &str) -> Result<Value, FactError> {
        use serde_json::Value as J;
        Ok(match v {
            J::Null => Value::None,
            J::Bool(b) => Value::Bool(*b),
            J::Number(n) => Value::Int(
                n.as_i64()
                    .ok_or_else(|| error(path, "only whole numbers are supported"))?,
            ),
            J::String(s) if looks_like_date(s) => Value::Date(self.date(v, path)?),
            J::String(_) => Value::Party(self.party(v, path)?),
            J::Array(_) => Value::parties(self.parties(v, path)?),
            J::Object(map) if map.contains_key("date") => Value::Meeting(Box::new(self.meeting(v, path)?)),
            J::Object(_) => Value::Decision(Box::new(self.decision(v, path)?)),
        })
    }

    fn date(&self, v: &serde_json::Value, path: &str) -> Result<i32, FactError> {
        let text = v
            .as_str()
            .ok_or_else(|| error(path, "expected a date string \"YYYY-MM-DD\""))?;
        date::parse(text).ok_or_else(|| error(path, &format!("`{text}` is not a calendar date written YYYY-MM-DD")))
    }

    fn party(&self, v: &serde_json::Value, path: &str) -> Result<PartyId, FactError> {
        let text = v
            .as_str()
            .ok_or_else(|| error(path, "expected a party identifier string"))?;
        self.bundle
            .parties
            .iter()
            .position(|p| p.id == text)
            .map(|i| i as PartyId)
            .ok_or_else(|| error(path, &format!("unknown party `{text}`")))
    }

    fn parties(&self, v: &serde_json::Value, path: &str) -> Result<Vec<PartyId>, FactError> {
        let items = v
            .as_array()
            .ok_or_else(|| error(path, "expected an array of party identifiers"))?;
        let mut set = BTreeSet::new();
        for (i, item) in items.iter().enumerate() {
            set.insert(self.party(item, &format!("{path}[{i}]"))?);
        }
        Ok(set.into_iter().collect())
    }

    fn kind(&self, v: Option<&serde_json::Value>, names: &[String], what: &str, path: &str) -> Result<u32, FactError> {
        let path = format!("{path}.kind");
        let text = v
            .ok_or_else(|| error(&path, &format!("a {what} needs a `kind`")))?
            .as_str()
            .ok_or_else(|| error(&path, &format!("expected a {what} kind name")))?;
        names.iter().position(|n| n == text).map(|i| i as u32).ok_or_else(|| {
            error(
                &path,
                &format!("unknown {what} kind `{text}`; known: {}", names.join(", ")),
            )
        })
    }

    fn check_fields(
        map: &serde_json::Map<String, serde_json::Value>,
        known: &[&str],
        what: &str,
        path: &str,
    ) -> Result<(), FactError> {
        match map.keys().find(|k| !known.contains(&k.as_str())) {
            Some(k) => Err(error(
                &format!("{path}.{k}"),
                &format!("unknown field `{k}` of a {what}; its fields are {}", known.join(", ")),
            )),
            None => Ok(()),
        }
    }

    fn meeting(&self, v: &serde_json::Value, path: &str) -> Result<Meeting, FactError> {
        let map = v.as_object().ok_or_else(|| error(path, "expected a meeting object"))?;
        // A meeting in facts may also name the recorded meeting it is.
        let known: Vec<&str> = std::iter::once("id")
            .chain(crate::ir::Field::MEETING.iter().map(|f| f.name()))
            .collect();
        Self::check_fields(map, &known, "meeting", path)?;
        let field = |name: &str| map.get(name);
        Ok(Meeting {
            id: match field("id") {
                Some(serde_json::Value::String(s)) => Some(s.clone()),
                Some(_) => return Err(error(&format!("{path}.id"), "expected a string")),
                None => None,
            },
            kind: self.kind(field("kind"), &self.bundle.meeting_kinds, "meeting", path)?,
            date: match field("date") {
                Some(d) => self.date(d, &format!("{path}.date"))?,
                None => return Err(error(path, "a meeting needs a `date`")),
            },
            host: match field("host") {
                None | Some(serde_json::Value::Null) => None,
                Some(h) => Some(self.party(h, &format!("{path}.host"))?),
            },
            present: match field("present") {
                Some(p) => self.parties(p, &format!("{path}.present"))?,
                None => Vec::new(),
            },
            observers: match field("observers") {
                Some(p) => self.parties(p, &format!("{path}.observers"))?,
                None => Vec::new(),
            },
        })
    }

    fn decision(&self, v: &serde_json::Value, path: &str) -> Result<Decision, FactError> {
        let map = v.as_object().ok_or_else(|| error(path, "expected a decision object"))?;
        let known: Vec<&str> = crate::ir::Field::DECISION.iter().map(|f| f.name()).collect();
        Self::check_fields(map, &known, "decision", path)?;
        let list = |name: &str| -> Result<Vec<PartyId>, FactError> {
            match map.get(name) {
                Some(p) => self.parties(p, &format!("{path}.{name}")),
                None => Ok(Vec::new()),
            }
        };
        // The meeting: inline, the name of another top-level fact, or the
        // top-level fact called `meeting`.
        let meeting = match map.get("meeting") {
            Some(serde_json::Value::String(name)) => {
                let target = self
                    .top
                    .get(name)
                    .ok_or_else(|| error(&format!("{path}.meeting"), &format!("no fact named `{name}`")))?;
                self.meeting(target, &format!("$.{name}"))?
            }
            Some(inline) => self.meeting(inline, &format!("{path}.meeting"))?,
            None => match self.top.get("meeting") {
                Some(m) => self.meeting(m, "$.meeting")?,
                None => {
                    return Err(error(
                        path,
                        "a decision needs its `meeting` (inline, by fact name, or a top-level `meeting`)",
                    ))
                }
            },
        };
        Ok(Decision {
            kind: self.kind(map.get("kind"), &self.bundle.decision_kinds, "decision", path)?,
            meeting,
            objections: list("objections")?,
            reservations: list("reservations")?,
            subjects: list("subjects")?,
            invited_to: None,
        })
    }
}

fn looks_like_date(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 10
        && b.iter().enumerate().all(|(i, c)| {
            if i == 4 || i == 7 {
                *c == b'-'
            } else {
                // A signed year is a date off the calendar, not a party.
                c.is_ascii_digit() || (i == 0 && (*c == b'+' || *c == b'-'))
            }
        })
}
