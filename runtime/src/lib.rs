//! What an embedding program links: the IR (the contract between compiler
//! and runtime), value layouts, date arithmetic and the reference
//! interpreter. This crate depends on neither pest nor cranelift nor the
//! compiler, and never sees source text.

// Every match on an enum names its variants, so a new variant makes the
// compiler point at each place that must handle it.

pub mod date;
pub mod dump;
pub mod evaluator;
pub mod facts;
pub mod interp;
pub mod ir;
pub mod tables;
pub mod threads;
pub mod value;

pub use evaluator::{Evaluator, QueryError};
pub use interp::{EvalError, Explanation, Interpreter};
pub use tables::Tables;
pub use value::{Outcome, Unknown, Value};
