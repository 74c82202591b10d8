//! Query text + facts + a checked package -> an IR expression ready to
//! evaluate. The facts become named values in the query's scope; the query
//! is type-checked like a rule body.

use charter_grammar::Diagnostic;
use charter_runtime::facts::{self, FactError};
use charter_runtime::{ir, Value};

use crate::check::{check_each, CheckResult};
use crate::package::{Sink, SourceFile};
use crate::types::Type;

/// A query compiled against one policy package.
pub struct Query {
    pub bundle: ir::Bundle,
    pub expr: ir::Expr,
    /// The facts' values, in the slots the expression refers to.
    pub facts: Vec<Value>,
}

pub enum QueryError {
    /// The policy package has errors (or there is no single policy).
    Check(CheckResult),
    /// The facts file does not fit the policy.
    Facts(FactError),
    /// The query does not parse or check; spans point into the query text.
    Query(Vec<Diagnostic>),
}

/// Compiles `query` against the single policy package in `files`.
pub fn compile(files: &[SourceFile], query: &str, facts_json: Option<&serde_json::Value>) -> Result<Query, QueryError> {
    let parsed = charter_grammar::parse_query(query).map_err(QueryError::Query)?;
    // The expression and the facts' values; the bundle is the one the
    // check returns (not a copy of it).
    let mut outcome: Option<Result<(ir::Expr, Vec<Value>), QueryError>> = None;
    let mut result = check_each(files, |checked, env, bundle| {
        if outcome.is_some() {
            return;
        }
        let named = match facts_json.map(|json| facts::decode(bundle, json)).transpose() {
            Ok(named) => named.unwrap_or_default(),
            Err(e) => {
                outcome = Some(Err(QueryError::Facts(e)));
                return;
            }
        };
        let locals: Vec<(String, Type)> = named
            .iter()
            .map(|(name, value)| (name.clone(), type_of(value)))
            .collect();
        let mut sink = Sink::default();
        let query_file = files.len();
        crate::wellformed::check_query(query_file, &parsed, &mut sink);
        let (_, resolved) = crate::typeck::check_expr(env, checked.typed(), query_file, locals, &parsed, &mut sink);
        let resolved = match resolved {
            Some(resolved) if sink.error_count() == 0 => resolved,
            Some(_) | None => {
                if sink.error_count() == 0 {
                    sink.push(
                        query_file,
                        crate::diagnostics::InternalDiagnostic::Unresolved {
                            what: "the query",
                            span: parsed.span,
                        },
                    );
                }
                outcome = Some(Err(QueryError::Query(
                    sink.diagnostics.into_iter().map(|d| d.diagnostic).collect(),
                )));
                return;
            }
        };
        outcome = Some(Ok((
            crate::lower::expr(&resolved),
            named.into_iter().map(|(_, v)| v).collect(),
        )));
    });
    if result.errors() > 0 || result.bundles.len() != 1 {
        return Err(QueryError::Check(result));
    }
    match outcome {
        Some(Ok((expr, facts))) => match result.bundles.pop() {
            Some(bundle) => Ok(Query { bundle, expr, facts }),
            None => Err(QueryError::Check(result)),
        },
        Some(Err(e)) => Err(e),
        None => Err(QueryError::Check(result)),
    }
}

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
