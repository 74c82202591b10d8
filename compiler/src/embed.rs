//! The embedding API: compile a policy once at load, then ask it questions
//! through [`charter_runtime::Evaluator`]. Native code answers the hot
//! queries; the reference interpreter the rest.
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
use charter_runtime::{evaluator, EvalError, Evaluator, Interpreter, QueryError, TermTable, Value};

use crate::codegen::{fold, Jit};
use crate::package::SourceFile;

/// A compiled policy: its IR, and native code when the JIT could compile it.
pub struct Compiled {
    bundle: ir::Bundle,
    jit: Option<Jit>,
    /// The terms of office the interpreter has worked out, kept for every
    /// later query.
    terms: TermTable,
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
    /// Native code when the policy fits it (at most 64 parties), else the
    /// interpreter alone.
    pub fn new(bundle: ir::Bundle) -> Compiled {
        let jit = Jit::compile(&bundle).ok();
        Compiled {
            bundle,
            jit,
            terms: TermTable::default(),
        }
    }

    /// The reference interpreter alone.
    pub fn interpreted(bundle: ir::Bundle) -> Compiled {
        Compiled {
            bundle,
            jit: None,
            terms: TermTable::default(),
        }
    }

    /// Whether native code answers the hot queries.
    pub fn is_native(&self) -> bool {
        self.jit.is_some()
    }

    /// The native code, for batch entry points (`valid_batch`, `chair_batch`).
    pub fn jit(&self) -> Option<&Jit> {
        self.jit.as_ref()
    }

    fn interpreter(&self) -> Interpreter<'_> {
        let interpreter = match &self.jit {
            Some(jit) => Interpreter::with_accelerator(&self.bundle, jit),
            None => Interpreter::new(&self.bundle),
        };
        interpreter.sharing_terms(&self.terms)
    }
}

impl Evaluator for Compiled {
    fn bundle(&self) -> &ir::Bundle {
        &self.bundle
    }

    fn query(&self, name: &str, args: &[Value]) -> Result<Value, QueryError> {
        evaluator::query_with(&self.interpreter(), name, args)
    }

    fn chair(&self, day: Day) -> Result<Option<PartyId>, EvalError> {
        if let Some(jit) = &self.jit {
            match jit.native().chair(day) {
                fold::NONE => return Ok(None),
                fold::BEYOND => {}
                party => return Ok(Some(party as PartyId)),
            }
        }
        Ok(Interpreter::new(&self.bundle)
            .sharing_terms(&self.terms)
            .term_at(day)?
            .and_then(|t| t.chair))
    }

    fn valid(&self, decision: &ir::Decision) -> Result<bool, EvalError> {
        if let Some((jit, record)) = self.jit.as_ref().and_then(|j| j.record(decision).map(|r| (j, r))) {
            return Ok(jit.native().valid(&record));
        }
        Ok(Interpreter::new(&self.bundle).valid(decision).valid)
    }
}
