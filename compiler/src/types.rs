//! The types of Charter expressions and the signatures of built-in queries.

use std::fmt;

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Type {
    Bool,
    Int,
    Date,
    Duration,
    Party,
    Status,
    MeetingKind,
    DecisionKind,
    /// A meeting record: kind, date, host, present, observers.
    Meeting,
    /// A decision record: kind, meeting, objections, reservations.
    Decision,
    /// A missed meeting obligation, as `violations(from, to)` lists them.
    Violation,
    Set(Box<Type>),
    /// The type of `none`: an absent party, date or status.
    None,
    /// Stands for a type already reported as wrong, so one mistake is
    /// reported once.
    Error,
}

impl Type {
    /// Whether a value of type `self` may stand where `expected` is wanted.
    pub fn fits(&self, expected: &Type) -> bool {
        match (self, expected) {
            (Type::Error, _) | (_, Type::Error) => true,
            (Type::None, t) | (t, Type::None) => t.may_be_none(),
            (Type::Set(a), Type::Set(b)) => a.fits(b),
            (a, b) => a == b,
        }
    }

    /// Types whose values may be absent: the chair before the first term,
    /// a term boundary before the rotation starts.
    pub fn may_be_none(&self) -> bool {
        matches!(self, Type::Party | Type::Date | Type::Status | Type::None | Type::Error)
    }

    /// The type of a named field of a record type, if it has one.
    pub fn field(&self, name: &str) -> Option<Type> {
        let set = || Type::Set(Box::new(Type::Party));
        Some(match (self, name) {
            (Type::Meeting, "kind") => Type::MeetingKind,
            (Type::Meeting, "date") => Type::Date,
            (Type::Meeting, "host") => Type::Party,
            (Type::Meeting, "present") => set(),
            (Type::Meeting, "observers") => set(),
            (Type::Decision, "kind") => Type::DecisionKind,
            (Type::Decision, "meeting") => Type::Meeting,
            (Type::Decision, "objections") => set(),
            (Type::Decision, "reservations") => set(),
            (Type::Decision, "subjects") => set(),
            (Type::Violation, "kind") => Type::MeetingKind,
            (Type::Violation, "due") => Type::Date,
            (Type::Violation, "party") => Type::Party,
            (Type::Violation, "must") => Type::Bool,
            _ => return None,
        })
    }

    /// Field names of a record type, for "did you mean" and docs.
    pub fn field_names(&self) -> &'static [&'static str] {
        match self {
            Type::Meeting => &["kind", "date", "host", "present", "observers"],
            Type::Decision => &["kind", "meeting", "objections", "reservations", "subjects"],
            Type::Violation => &["kind", "due", "party", "must"],
            _ => &[],
        }
    }

    /// Fields a record literal of this type must give.
    pub fn required_fields(&self) -> &'static [&'static str] {
        match self {
            Type::Meeting => &["kind", "date"],
            Type::Decision => &["kind", "meeting"],
            _ => &[],
        }
    }

    /// The type named in a rule signature.
    pub fn from_name(name: &str) -> Option<Type> {
        Some(match name {
            "bool" => Type::Bool,
            "int" => Type::Int,
            "date" => Type::Date,
            "duration" => Type::Duration,
            "party" => Type::Party,
            "status" => Type::Status,
            "meeting_kind" => Type::MeetingKind,
            "decision_kind" => Type::DecisionKind,
            "meeting" => Type::Meeting,
            "decision" => Type::Decision,
            "violation" => Type::Violation,
            _ => return None,
        })
    }
}

/// Names a rule signature may use, for "did you mean".
pub const TYPE_NAMES: &[&str] = &[
    "bool",
    "int",
    "date",
    "duration",
    "party",
    "status",
    "meeting_kind",
    "decision_kind",
    "meeting",
    "decision",
    "violation",
    "set",
];

impl fmt::Display for Type {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Type::Bool => f.write_str("bool"),
            Type::Int => f.write_str("int"),
            Type::Date => f.write_str("date"),
            Type::Duration => f.write_str("duration"),
            Type::Party => f.write_str("party"),
            Type::Status => f.write_str("status"),
            Type::MeetingKind => f.write_str("meeting_kind"),
            Type::DecisionKind => f.write_str("decision_kind"),
            Type::Meeting => f.write_str("meeting"),
            Type::Decision => f.write_str("decision"),
            Type::Violation => f.write_str("violation"),
            Type::Set(t) => write!(f, "set<{t}>"),
            Type::None => f.write_str("none"),
            Type::Error => f.write_str("?"),
        }
    }
}

/// A built-in query: name, parameter types, result type.
pub struct Builtin {
    pub name: &'static str,
    pub params: &'static [(&'static str, BuiltinType)],
    pub ret: BuiltinType,
}

/// `Type` is not const-constructible with sets, so builtins spell types with this.
#[derive(Clone, Copy)]
pub enum BuiltinType {
    Bool,
    Int,
    Date,
    Party,
    Status,
    Meeting,
    Decision,
    PartySet,
    ViolationSet,
    AnySet,
}

impl BuiltinType {
    pub fn to_type(self) -> Type {
        match self {
            BuiltinType::Bool => Type::Bool,
            BuiltinType::Int => Type::Int,
            BuiltinType::Date => Type::Date,
            BuiltinType::Party => Type::Party,
            BuiltinType::Status => Type::Status,
            BuiltinType::Meeting => Type::Meeting,
            BuiltinType::Decision => Type::Decision,
            BuiltinType::PartySet => Type::Set(Box::new(Type::Party)),
            BuiltinType::ViolationSet => Type::Set(Box::new(Type::Violation)),
            BuiltinType::AnySet => Type::Set(Box::new(Type::Error)),
        }
    }
}

/// The built-in compliance queries, with exactly the names the issues fix.
pub const BUILTINS: &[Builtin] = &[
    Builtin {
        name: "member",
        params: &[("party", BuiltinType::Party), ("date", BuiltinType::Date)],
        ret: BuiltinType::Bool,
    },
    Builtin {
        name: "status",
        params: &[("party", BuiltinType::Party), ("date", BuiltinType::Date)],
        ret: BuiltinType::Status,
    },
    Builtin {
        name: "members",
        params: &[("date", BuiltinType::Date)],
        ret: BuiltinType::PartySet,
    },
    Builtin {
        name: "observers",
        params: &[("date", BuiltinType::Date)],
        ret: BuiltinType::PartySet,
    },
    Builtin {
        name: "chair",
        params: &[("date", BuiltinType::Date)],
        ret: BuiltinType::Party,
    },
    Builtin {
        name: "next_chair",
        params: &[("date", BuiltinType::Date)],
        ret: BuiltinType::Party,
    },
    Builtin {
        name: "term_start",
        params: &[("date", BuiltinType::Date)],
        ret: BuiltinType::Date,
    },
    Builtin {
        name: "term_end",
        params: &[("date", BuiltinType::Date)],
        ret: BuiltinType::Date,
    },
    Builtin {
        name: "valid",
        params: &[("decision", BuiltinType::Decision)],
        ret: BuiltinType::Bool,
    },
    Builtin {
        name: "may_attend",
        params: &[("party", BuiltinType::Party), ("meeting", BuiltinType::Meeting)],
        ret: BuiltinType::Bool,
    },
    Builtin {
        name: "violations",
        params: &[("from", BuiltinType::Date), ("to", BuiltinType::Date)],
        ret: BuiltinType::ViolationSet,
    },
    Builtin {
        name: "count",
        params: &[("set", BuiltinType::AnySet)],
        ret: BuiltinType::Int,
    },
];

pub fn builtin(name: &str) -> Option<&'static Builtin> {
    BUILTINS.iter().find(|b| b.name == name)
}

/// Status names usable as values in expressions (`none` is the keyword).
pub const STATUSES: &[&str] = &["member", "pending", "observer", "invited", "none"];

/// Decision kinds every policy has; `decision K` statements add more.
pub const BUILTIN_DECISION_KINDS: &[&str] = &[
    "ordinary",
    "amendment",
    "admission",
    "invitation",
    "election",
    "handover",
];
