//! IR bundle -> an evaluator: the tables built once, native code where the
//! JIT compiles it, the interpreter for everything else. For a bundle with
//! no source behind it (the benchmark's generated policies); a policy read
//! from its files is a [`crate::Program`], which embedders hold instead.

use charter_runtime::ir::{self, Day, PartyId};
use charter_runtime::{evaluator, EvalError, Evaluator, Interpreter, QueryError, Tables, Value};

use crate::codegen::Jit;

/// A compiled policy: its IR, the semantic core's tables, and native code
/// when the JIT could compile it.
pub struct Compiled {
    bundle: ir::Bundle,
    tables: Tables,
    jit: Option<Jit>,
}

impl Compiled {
    /// The tables, and native code compiled from them.
    pub fn new(bundle: ir::Bundle) -> Compiled {
        let tables = Tables::build(&bundle);
        let jit = Jit::compile(&bundle, &tables).ok();
        Compiled { bundle, tables, jit }
    }

    /// The tables alone, answered by the interpreter.
    pub fn interpreted(bundle: ir::Bundle) -> Compiled {
        let tables = Tables::build(&bundle);
        Compiled {
            bundle,
            tables,
            jit: None,
        }
    }

    /// Whether native code answers the built-in queries.
    pub fn is_native(&self) -> bool {
        self.jit.is_some()
    }

    /// The native code, for batch entry points (`valid_batch`, `chair_batch`).
    pub fn jit(&self) -> Option<&Jit> {
        self.jit.as_ref()
    }

    /// The semantic core's tables.
    pub fn tables(&self) -> &Tables {
        &self.tables
    }

    /// An interpreter answering from this policy's tables.
    pub fn interpreter(&self) -> Interpreter<'_> {
        Interpreter::with_tables(&self.bundle, &self.tables)
    }
}

impl Evaluator for Compiled {
    fn bundle(&self) -> &ir::Bundle {
        &self.bundle
    }

    fn query(&self, name: &str, args: &[Value]) -> Result<Value, QueryError> {
        // A built-in query or a rule, natively when native code has it.
        let native = self.jit.as_ref().and_then(|jit| match ir::Builtin::from_name(name) {
            Some(builtin) => jit.call(builtin, args).map(Ok),
            None => {
                let index = self.bundle.rules.iter().position(|r| r.name == name)?;
                jit.native().call_rule(index, args, &self.bundle).ok()
            }
        });
        match native {
            Some(Ok(value)) => Ok(value),
            Some(Err(e)) => Err(QueryError::Eval(e)),
            None => evaluator::query_with(&self.interpreter(), name, args),
        }
    }

    fn chair(&self, day: Day) -> Result<Option<PartyId>, EvalError> {
        match &self.jit {
            Some(jit) => Ok(jit.chair(day)),
            None => Ok(self.interpreter().term_at(day)?.and_then(|t| t.chair)),
        }
    }

    fn valid(&self, decision: &ir::Decision) -> Result<bool, EvalError> {
        match self.jit.as_ref().and_then(|jit| jit.valid(decision)) {
            Some(valid) => Ok(valid),
            None => Ok(self.interpreter().is_valid(decision)),
        }
    }
}
