//! Facts -> their types: a query is type-checked like a rule body with the
//! facts as named values in scope (`Program::prepare`).

use charter_runtime::Value;

use crate::types::Type;

/// The type of a decoded fact.
pub fn type_of(value: &Value) -> Type {
    match value {
        Value::Bool(_) => Type::Bool,
        Value::Int(_) => Type::Int,
        Value::Date(_) => Type::Date,
        Value::Duration(_) => Type::Duration,
        Value::None => Type::None,
        Value::Party(_) => Type::Party,
        Value::Status(_) => Type::Status,
        Value::MeetingKind(_) => Type::MeetingKind,
        Value::DecisionKind(_) => Type::DecisionKind,
        Value::Group(_) => Type::Group,
        Value::Meeting(_) => Type::Meeting,
        Value::Decision(_) => Type::Decision,
        Value::Violation(_) => Type::Violation,
        Value::Set(items) => Type::Set(Box::new(items.iter().next().map_or(Type::Error, type_of))),
    }
}
