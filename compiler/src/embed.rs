//! The embedding API: compile a policy once at load, then ask it questions
//! through [`charter_runtime::Evaluator`]. The semantic core's tables are
//! built once; native code answers the built-in queries from them, the
//! interpreter (from the same tables) everything else.
//!
//! The compiler does no IO: [`compile`] takes the policy's files as
//! [`SourceFile`]s. `charter_cli::load` reads them from a folder.
//!
//! ```no_run
//! use charter_runtime::Evaluator;
//!
//! let path = "policies/almaty/modalities-2013.charter";
//! let sources = vec![charter_compiler::SourceFile::charter(path, std::fs::read_to_string(path)?)];
//! let evaluator = charter_compiler::embed::compile(&sources)?;
//! let day = charter_runtime::date::parse("2016-01-01").expect("a date");
//! let chair = evaluator.chair(day)?.map(|p| evaluator.bundle().parties[p as usize].id.clone());
//! assert_eq!(chair.as_deref(), Some("KGZ"));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use charter_runtime::ir::{self, Day, PartyId};
use charter_runtime::{evaluator, EvalError, Evaluator, Interpreter, QueryError, Tables, Value};

use crate::codegen::Jit;
use crate::package::SourceFile;

/// A compiled policy: its IR, the semantic core's tables, and native code
/// when the JIT could compile it.
pub struct Compiled {
    bundle: ir::Bundle,
    tables: Tables,
    jit: Option<Jit>,
}

/// Why a policy could not be compiled.
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
pub enum LoadError {
    /// The policy has errors; the rendered diagnostics.
    #[error("the policy does not check:\n{0}")]
    #[diagnostic(code("charter::policy-does-not-check"))]
    Check(String),
}

/// Checks and compiles a policy from its source files.
pub fn compile(sources: &[SourceFile]) -> Result<Compiled, LoadError> {
    let result = crate::check(sources);
    if result.errors() > 0 || result.bundles.len() != 1 {
        let mut text = String::new();
        for (source, diagnostics) in sources.iter().zip(&result.diagnostics) {
            text.push_str(&charter_grammar::diagnostic::render_human(
                diagnostics,
                &source.name,
                &source.text,
                false,
            ));
        }
        if result.errors() == 0 {
            text.push_str(&format!("expected one policy, found {}\n", result.bundles.len()));
        }
        return Err(LoadError::Check(text));
    }
    let bundle = result
        .bundles
        .into_iter()
        .next()
        .ok_or_else(|| LoadError::Check("no policy".to_string()))?;
    Ok(Compiled::new(bundle))
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
