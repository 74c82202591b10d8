//! Compiling a module's functions together, on two threads where there
//! are two cores: [`Deferred`] stands in for the module while the emitter
//! builds functions, keeps each function's IR instead of compiling it, and
//! [`Deferred::finish`] compiles them all and defines their code in the
//! module, in the order the emitter defined them. The JIT uses it (time to
//! a ready evaluator is mostly cranelift's); object files are written as
//! before, one function at a time, with their unwind information.

#![allow(
    clippy::result_large_err,
    reason = "cranelift_module's `ModuleError` is the error of every `Module` method this implements or calls"
)]

use cranelift_codegen::control::ControlPlane;
use cranelift_codegen::ir::Function;
use cranelift_codegen::isa::TargetIsa;
use cranelift_codegen::Context;
use cranelift_module::{
    DataDescription, DataId, FuncId, Linkage, Module, ModuleDeclarations, ModuleError, ModuleReloc, ModuleResult,
};

/// A module whose functions are compiled when [`Deferred::finish`] is called.
pub struct Deferred<'m, M: Module> {
    inner: &'m mut M,
    pending: Vec<(FuncId, Function)>,
}

/// A function to compile, with its place in the order of definition.
type Numbered = (usize, (FuncId, Function));

/// One function's machine code, ready to be defined.
struct Code {
    id: FuncId,
    alignment: u64,
    bytes: Vec<u8>,
    relocs: Vec<ModuleReloc>,
}

/// Below this many IR instructions in all, one thread compiles everything
/// (a thread costs tens of microseconds; cranelift about a microsecond per
/// instruction).
const PARALLEL_INSTRUCTIONS: usize = 200;

impl<'m, M: Module> Deferred<'m, M> {
    pub fn new(inner: &'m mut M) -> Self {
        Deferred {
            inner,
            pending: Vec::new(),
        }
    }

    /// Compiles every function defined so far and defines its code in the
    /// module: those in `optimize` for `optimizing` (the same target with
    /// another optimisation level), the others for the module's own. The
    /// functions are split in two halves of about equal size, one compiled
    /// on a second thread, where a second core is free.
    pub fn finish(self, optimize: &[FuncId], optimizing: &dyn TargetIsa) -> ModuleResult<()> {
        let Deferred { inner, pending } = self;
        let total: usize = pending.iter().map(|(_, f)| f.dfg.num_insts()).sum();
        let own = inner.isa();
        let isa = |id: FuncId| if optimize.contains(&id) { optimizing } else { own };
        let codes = if total < PARALLEL_INSTRUCTIONS || !charter_runtime::threads::parallel() {
            pending
                .into_iter()
                .map(|(id, func)| compile(isa(id), id, func))
                .collect::<ModuleResult<Vec<Code>>>()?
        } else {
            let [here, there] = charter_runtime::threads::halves(pending, |(_, f)| f.dfg.num_insts());
            let run = |half: Vec<Numbered>| -> ModuleResult<Vec<(usize, Code)>> {
                half.into_iter()
                    .map(|(i, (id, func))| compile(isa(id), id, func).map(|code| (i, code)))
                    .collect()
            };
            let (mine, theirs) = std::thread::scope(|scope| {
                let other = scope.spawn(|| run(there));
                let mine = run(here);
                match other.join() {
                    Ok(theirs) => (mine, theirs),
                    // A panic in cranelift: re-raised here as it would have
                    // been on one thread.
                    Err(panic) => std::panic::resume_unwind(panic),
                }
            });
            // Defined in the order the emitter defined them.
            let mut all = mine?;
            all.extend(theirs?);
            all.sort_by_key(|(i, _)| *i);
            all.into_iter().map(|(_, code)| code).collect()
        };
        for code in codes {
            inner.define_function_bytes(code.id, code.alignment, &code.bytes, &code.relocs)?;
        }
        Ok(())
    }
}

/// One function compiled, as `define_function` would.
fn compile(isa: &dyn TargetIsa, id: FuncId, func: Function) -> ModuleResult<Code> {
    let mut ctx = Context::for_function(func);
    let compiled = ctx
        .compile(isa, &mut ControlPlane::default())
        .map_err(|e| ModuleError::Compilation(e.inner))?;
    let alignment = u64::from(compiled.buffer.alignment);
    let bytes = compiled.code_buffer().to_vec();
    let relocs = compiled.buffer.relocs().to_vec();
    Ok(Code {
        id,
        alignment,
        bytes,
        relocs: relocs
            .iter()
            .map(|reloc| ModuleReloc::from_mach_reloc(reloc, &ctx.func, id))
            .collect(),
    })
}

impl<M: Module> Module for Deferred<'_, M> {
    fn isa(&self) -> &dyn TargetIsa {
        self.inner.isa()
    }

    fn declarations(&self) -> &ModuleDeclarations {
        self.inner.declarations()
    }

    fn declare_function(
        &mut self,
        name: &str,
        linkage: Linkage,
        signature: &cranelift_codegen::ir::Signature,
    ) -> ModuleResult<FuncId> {
        self.inner.declare_function(name, linkage, signature)
    }

    fn declare_anonymous_function(&mut self, signature: &cranelift_codegen::ir::Signature) -> ModuleResult<FuncId> {
        self.inner.declare_anonymous_function(signature)
    }

    fn declare_data(&mut self, name: &str, linkage: Linkage, writable: bool, tls: bool) -> ModuleResult<DataId> {
        self.inner.declare_data(name, linkage, writable, tls)
    }

    fn declare_anonymous_data(&mut self, writable: bool, tls: bool) -> ModuleResult<DataId> {
        self.inner.declare_anonymous_data(writable, tls)
    }

    /// Keeps the function's IR for [`Deferred::finish`]; `ctx` is left
    /// with an empty function, as `clear_context` would leave it.
    fn define_function_with_control_plane(
        &mut self,
        func: FuncId,
        ctx: &mut Context,
        _ctrl_plane: &mut ControlPlane,
    ) -> ModuleResult<()> {
        if self.pending.iter().any(|(id, _)| *id == func) {
            let name = self
                .inner
                .declarations()
                .get_function_decl(func)
                .linkage_name(func)
                .into_owned();
            return Err(ModuleError::DuplicateDefinition(name));
        }
        self.pending
            .push((func, std::mem::replace(&mut ctx.func, Function::new())));
        Ok(())
    }

    fn define_function_bytes(
        &mut self,
        func: FuncId,
        alignment: u64,
        bytes: &[u8],
        relocs: &[ModuleReloc],
    ) -> ModuleResult<()> {
        self.inner.define_function_bytes(func, alignment, bytes, relocs)
    }

    fn define_data(&mut self, data: DataId, description: &DataDescription) -> ModuleResult<()> {
        self.inner.define_data(data, description)
    }
}
