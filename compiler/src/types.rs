//! The types of Charter expressions and the signatures of built-in queries.

use std::fmt;

use charter_runtime::ir::{self, Field};

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
    /// A named group of parties.
    Group,
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

    /// The type of a field of a record type, if it has one.
    pub fn field(&self, field: Field) -> Option<Type> {
        let set = || Type::Set(Box::new(Type::Party));
        match self {
            Type::Meeting => match field {
                Field::Kind => Some(Type::MeetingKind),
                Field::Date => Some(Type::Date),
                Field::Host => Some(Type::Party),
                Field::Present | Field::Observers => Some(set()),
                Field::Meeting
                | Field::Objections
                | Field::Reservations
                | Field::Subjects
                | Field::Due
                | Field::Party
                | Field::Must => None,
            },
            Type::Decision => match field {
                Field::Kind => Some(Type::DecisionKind),
                Field::Meeting => Some(Type::Meeting),
                Field::Objections | Field::Reservations | Field::Subjects => Some(set()),
                Field::Date
                | Field::Host
                | Field::Present
                | Field::Observers
                | Field::Due
                | Field::Party
                | Field::Must => None,
            },
            Type::Violation => match field {
                Field::Kind => Some(Type::MeetingKind),
                Field::Due => Some(Type::Date),
                Field::Party => Some(Type::Party),
                Field::Must => Some(Type::Bool),
                Field::Date
                | Field::Host
                | Field::Present
                | Field::Observers
                | Field::Meeting
                | Field::Objections
                | Field::Reservations
                | Field::Subjects => None,
            },
            Type::Bool
            | Type::Int
            | Type::Date
            | Type::Duration
            | Type::Party
            | Type::Status
            | Type::MeetingKind
            | Type::DecisionKind
            | Type::Group
            | Type::Set(_)
            | Type::None
            | Type::Error => None,
        }
    }

    /// Field names of a record type, for "did you mean" and docs.
    pub fn field_names(&self) -> Vec<&'static str> {
        let fields: &[Field] = match self {
            Type::Meeting => &Field::MEETING,
            Type::Decision => &Field::DECISION,
            Type::Violation => &Field::VIOLATION,
            Type::Bool
            | Type::Int
            | Type::Date
            | Type::Duration
            | Type::Party
            | Type::Status
            | Type::MeetingKind
            | Type::DecisionKind
            | Type::Group
            | Type::Set(_)
            | Type::None
            | Type::Error => &[],
        };
        fields.iter().map(|f| f.name()).collect()
    }

    /// Fields a record literal of this type must give.
    pub fn required_fields(&self) -> &'static [Field] {
        match self {
            Type::Meeting => &[Field::Kind, Field::Date],
            Type::Decision => &[Field::Kind, Field::Meeting],
            Type::Bool
            | Type::Int
            | Type::Date
            | Type::Duration
            | Type::Party
            | Type::Status
            | Type::MeetingKind
            | Type::DecisionKind
            | Type::Group
            | Type::Violation
            | Type::Set(_)
            | Type::None
            | Type::Error => &[],
        }
    }

    /// The type named in a rule signature.
    pub fn from_name(name: &str) -> Option<Type> {
        NAMED_TYPES.iter().find(|t| t.to_string() == name).cloned()
    }
}

/// The types a rule signature names (besides `set<...>`).
const NAMED_TYPES: [Type; 12] = [
    Type::Bool,
    Type::Int,
    Type::Date,
    Type::Duration,
    Type::Party,
    Type::Status,
    Type::MeetingKind,
    Type::DecisionKind,
    Type::Group,
    Type::Meeting,
    Type::Decision,
    Type::Violation,
];

/// Names a rule signature may use, for "did you mean".
pub fn type_names() -> Vec<String> {
    NAMED_TYPES
        .iter()
        .map(ToString::to_string)
        .chain(std::iter::once("set".to_string()))
        .collect()
}

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
            Type::Group => f.write_str("group"),
            Type::Meeting => f.write_str("meeting"),
            Type::Decision => f.write_str("decision"),
            Type::Violation => f.write_str("violation"),
            Type::Set(t) => write!(f, "set<{t}>"),
            Type::None => f.write_str("none"),
            Type::Error => f.write_str("?"),
        }
    }
}

/// A built-in query's signature: the query (whose name it is called by),
/// parameter types, result type — as `ir::Builtin::signature` declares it.
pub struct Builtin {
    pub query: ir::Builtin,
    pub params: &'static [(&'static str, BuiltinType)],
    pub ret: BuiltinType,
}

pub use ir::BuiltinType;

/// A built-in type as the checker's `Type` (`Type` is not
/// const-constructible with sets, so the catalogue spells types this way).
pub fn to_type(ty: BuiltinType) -> Type {
    match ty {
        BuiltinType::Bool => Type::Bool,
        BuiltinType::Int => Type::Int,
        BuiltinType::Date => Type::Date,
        BuiltinType::Party => Type::Party,
        BuiltinType::Status => Type::Status,
        BuiltinType::Meeting => Type::Meeting,
        BuiltinType::Decision => Type::Decision,
        BuiltinType::Group => Type::Group,
        BuiltinType::PartySet => Type::Set(Box::new(Type::Party)),
        BuiltinType::ViolationSet => Type::Set(Box::new(Type::Violation)),
        BuiltinType::AnySet => Type::Set(Box::new(Type::Error)),
    }
}

/// The built-in compliance query called `name`, with its signature.
pub fn builtin(name: &str) -> Option<Builtin> {
    let query = ir::Builtin::from_name(name)?;
    let signature = query.signature();
    Some(Builtin {
        query,
        params: signature.params,
        ret: signature.ret,
    })
}

/// Decision kinds every policy has; `decision K` statements add more.
pub const BUILTIN_DECISION_KINDS: &[&str] = &[
    "ordinary",
    "amendment",
    "admission",
    "invitation",
    "election",
    "handover",
];

#[cfg(test)]
mod tests {
    use super::*;

    /// The type table and the IR's field lists agree: a record type has a
    /// type for exactly the fields its list names.
    #[test]
    fn record_fields_have_types_exactly_where_the_ir_lists_them() {
        for (ty, listed) in [
            (Type::Meeting, &Field::MEETING[..]),
            (Type::Decision, &Field::DECISION[..]),
            (Type::Violation, &Field::VIOLATION[..]),
        ] {
            for field in Field::ALL {
                assert_eq!(
                    ty.field(field).is_some(),
                    listed.contains(&field),
                    "{ty}.{}",
                    field.name()
                );
            }
        }
    }
}
