//! Policy folders -> the versions a server answers from: each folder's
//! files read once, hashed into a version, checked into a `Program`; a
//! reload swaps a checked version in whole or keeps the last good one and
//! remembers why the edit was refused.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError, RwLock};

use arc_swap::ArcSwap;
use charter::diagnostic::JsonDiagnostic;
use charter::{Program, SourceFile};
use sha2::{Digest as _, Sha256};

use crate::problem::error_json;

/// One checked version of a policy: what every request that loads it
/// answers from, start to end.
pub struct Version {
    /// The name the policy is served as.
    pub name: String,
    /// A content hash of the files it was checked from (16 hex digits).
    pub version: String,
    pub program: Program,
    /// When it was loaded (RFC 3339, UTC).
    pub loaded_at: String,
    /// Each party's code as JSON text, by index: what native code's
    /// answers are written with (`crate::batch`).
    pub party_json: Vec<String>,
    /// The parameters of each built-in query and rule, by name.
    params: HashMap<String, Vec<Param>>,
    /// Queries by name prepared for one shape of arguments, so a call
    /// checks its query text once per version, not per request.
    prepared: RwLock<HashMap<String, Arc<charter::Prepared>>>,
}

/// What a parameter of a query takes, as far as a direct call cares.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Param {
    Date,
    Party,
    Other,
}

/// At most this many prepared calls are kept per version.
const PREPARED_LIMIT: usize = 4096;

impl Version {
    /// Whether a call of `name` on `args` can be asked of the program
    /// directly: every argument a day (`"YYYY-MM-DD"`) or another string
    /// (a party) where the built-in query or rule takes exactly that.
    pub fn is_direct(&self, name: &str, args: &[serde_json::Value]) -> bool {
        let params = match self.params.get(name) {
            Some(params) => params,
            None => return false,
        };
        params.len() == args.len()
            && params.iter().zip(args).all(|(param, arg)| match arg.as_str() {
                Some(text) if charter::date::parse(text).is_some() => *param == Param::Date,
                Some(_) => *param == Param::Party,
                None => false,
            })
    }

    /// The prepared query under `key`, or the one `prepare` makes (kept).
    pub fn prepared(
        &self,
        key: &str,
        prepare: impl FnOnce() -> Result<charter::Prepared, Vec<charter::diagnostic::Diagnostic>>,
    ) -> Result<Arc<charter::Prepared>, Vec<charter::diagnostic::Diagnostic>> {
        if let Some(found) = self.prepared.read().unwrap_or_else(PoisonError::into_inner).get(key) {
            return Ok(Arc::clone(found));
        }
        let prepared = Arc::new(prepare()?);
        let mut cache = self.prepared.write().unwrap_or_else(PoisonError::into_inner);
        if cache.len() >= PREPARED_LIMIT {
            cache.clear();
        }
        cache.insert(key.to_string(), Arc::clone(&prepared));
        Ok(prepared)
    }
}

/// What the last reload of a policy did.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Attempt {
    /// When (RFC 3339, UTC).
    pub at: String,
    /// Whether the edit checked and is now served.
    pub ok: bool,
    /// The version the edited files hash to.
    pub version: Option<String>,
    /// Why it was refused: diagnostics as `charter check --format json`
    /// prints them (errors only).
    pub errors: Vec<serde_json::Value>,
}

/// Reloads counted since the server started.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct ReloadStatus {
    pub reloads: u64,
    pub failures: u64,
    pub last: Option<Attempt>,
}

/// A policy folder being served: its current version, swapped whole.
pub struct Policy {
    pub name: String,
    pub path: PathBuf,
    /// Which evaluator answers; every reloaded version answers with it.
    pub backend: charter::Backend,
    current: ArcSwap<Version>,
    status: Mutex<ReloadStatus>,
}

/// How a reload went.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reloaded {
    /// The files are those of the version already served.
    Unchanged,
    /// A new version is served.
    Swapped(String),
    /// The edit does not check (or could not be read); the last good
    /// version is still served.
    Refused,
}

impl Policy {
    /// Loads the policy at `path` as `name`; its errors (diagnostics as
    /// JSON) when it does not check.
    pub fn load(name: &str, path: &Path, backend: charter::Backend) -> Result<Policy, Vec<serde_json::Value>> {
        let version = check(name, path, backend)?;
        Ok(Policy {
            name: name.to_string(),
            path: path.to_path_buf(),
            backend,
            current: ArcSwap::from_pointee(version),
            status: Mutex::new(ReloadStatus::default()),
        })
    }

    /// The version answering now: a request holds it to the end.
    pub fn current(&self) -> Arc<Version> {
        self.current.load_full()
    }

    pub fn status(&self) -> ReloadStatus {
        self.status.lock().unwrap_or_else(PoisonError::into_inner).clone()
    }

    /// Reads and checks the files again; swaps the new version in if it
    /// checks, else keeps the one served and records why.
    pub fn reload(&self) -> Reloaded {
        let read = charter::files::policy_sources(&self.path);
        let at = now();
        let sources = match read {
            Ok(sources) => sources,
            Err(e) => return self.refused(at, None, vec![error_json(&e)]),
        };
        let version = version_of(&self.path, &sources);
        if version == self.current.load().version {
            let mut status = self.status.lock().unwrap_or_else(PoisonError::into_inner);
            if status.last.as_ref().is_some_and(|last| !last.ok) {
                status.last = Some(Attempt {
                    at,
                    ok: true,
                    version: Some(version),
                    errors: Vec::new(),
                });
            }
            return Reloaded::Unchanged;
        }
        match checked(&self.name, sources, version.clone(), self.backend) {
            Ok(new) => {
                self.current.store(Arc::new(new));
                let mut status = self.status.lock().unwrap_or_else(PoisonError::into_inner);
                status.reloads += 1;
                status.last = Some(Attempt {
                    at,
                    ok: true,
                    version: Some(version.clone()),
                    errors: Vec::new(),
                });
                Reloaded::Swapped(version)
            }
            Err(errors) => self.refused(at, Some(version), errors),
        }
    }

    fn refused(&self, at: String, version: Option<String>, errors: Vec<serde_json::Value>) -> Reloaded {
        let mut status = self.status.lock().unwrap_or_else(PoisonError::into_inner);
        status.failures += 1;
        status.last = Some(Attempt {
            at,
            ok: false,
            version,
            errors,
        });
        Reloaded::Refused
    }
}

/// The version the files of a policy file or folder hash to, as the server
/// names it (what a test compares an answer's version with).
pub fn version_of_path(path: &Path) -> Result<String, charter::FileError> {
    Ok(version_of(path, &charter::files::policy_sources(path)?))
}

/// A content hash of the source files of the policy at `path`: their
/// names relative to its folder, and their texts, in order. Replicas
/// serving the same files name the same version, wherever the folder is.
pub fn version_of(path: &Path, sources: &[SourceFile]) -> String {
    let folder = if path.is_dir() {
        path
    } else {
        path.parent().unwrap_or(Path::new(""))
    };
    let folder = lexical(folder);
    let mut hash = Sha256::new();
    for source in sources {
        let name = lexical(Path::new(&source.name));
        let relative = name.strip_prefix(&folder).unwrap_or(&name).to_string_lossy();
        for part in [relative.as_bytes(), source.text.as_bytes()] {
            hash.update((part.len() as u64).to_le_bytes());
            hash.update(part);
        }
    }
    hash.finalize()
        .iter()
        .take(8)
        .map(|byte| format!("{byte:02x}"))
        .collect()
}

/// `path` with `.` dropped and `..` taken back, without reading the
/// filesystem (a symlink stays as named: a ConfigMap's files keep their
/// names when it is updated).
fn lexical(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for part in path.components() {
        match part {
            std::path::Component::CurDir => {}
            std::path::Component::ParentDir => {
                let up = matches!(out.components().next_back(), Some(std::path::Component::Normal(_)));
                if !(up && out.pop()) {
                    out.push("..");
                }
            }
            std::path::Component::Normal(_) | std::path::Component::RootDir | std::path::Component::Prefix(_) => {
                out.push(part)
            }
        }
    }
    out
}

/// The name a policy path is served under: its folder's (or file's stem).
pub fn name_of(path: &Path) -> String {
    let name = if path.is_dir() {
        path.file_name()
    } else {
        path.file_stem()
    };
    name.map_or_else(|| "policy".to_string(), |n| n.to_string_lossy().into_owned())
}

fn check(name: &str, path: &Path, backend: charter::Backend) -> Result<Version, Vec<serde_json::Value>> {
    let sources = charter::files::policy_sources(path).map_err(|e| vec![error_json(&e)])?;
    let version = version_of(path, &sources);
    checked(name, sources, version, backend)
}

/// The version checked from `sources`, answering with `backend`: native
/// code is compiled here, before the version is served, so no request
/// pays for it (where the policy does not compile, the interpreter
/// answers, as `Program::call` falls back).
fn checked(
    name: &str,
    sources: Vec<SourceFile>,
    version: String,
    backend: charter::Backend,
) -> Result<Version, Vec<serde_json::Value>> {
    let analysis = charter::Analysis::new(sources);
    match analysis.program().map(|p| p.with_backend(backend)) {
        Some(program) => {
            if backend == charter::Backend::Native {
                let _ = program.native();
            }
            Ok(Version {
                name: name.to_string(),
                version,
                params: params(&program),
                party_json: program
                    .bundle()
                    .parties
                    .iter()
                    .map(|p| serde_json::Value::String(p.id.clone()).to_string())
                    .collect(),
                program,
                loaded_at: now(),
                prepared: RwLock::new(HashMap::new()),
            })
        }
        None => Err(errors(&analysis)),
    }
}

/// The parameters of the program's built-in queries and rules.
fn params(program: &Program) -> HashMap<String, Vec<Param>> {
    use charter::ir::{Builtin, BuiltinType, Type};
    let builtin = |ty: &BuiltinType| match ty {
        BuiltinType::Date => Param::Date,
        BuiltinType::Party => Param::Party,
        BuiltinType::Bool
        | BuiltinType::Int
        | BuiltinType::Status
        | BuiltinType::Meeting
        | BuiltinType::Decision
        | BuiltinType::Group
        | BuiltinType::PartySet
        | BuiltinType::ViolationSet
        | BuiltinType::AnySet => Param::Other,
    };
    let declared = |ty: &Type| match ty {
        Type::Date => Param::Date,
        Type::Party => Param::Party,
        Type::Bool
        | Type::Int
        | Type::Duration
        | Type::Status
        | Type::MeetingKind
        | Type::DecisionKind
        | Type::Group
        | Type::Meeting
        | Type::Decision
        | Type::Violation
        | Type::Set(_)
        | Type::None => Param::Other,
    };
    let mut params: HashMap<String, Vec<Param>> = Builtin::ALL
        .iter()
        .map(|b| {
            (
                b.name().to_string(),
                b.signature().params.iter().map(|(_, ty)| builtin(ty)).collect(),
            )
        })
        .collect();
    for rule in &program.bundle().rules {
        params.insert(rule.name.clone(), rule.param_types.iter().map(declared).collect());
    }
    params
}

/// Why an analysis made no program: its errors, or that it holds no or
/// several policies.
fn errors(analysis: &charter::Analysis) -> Vec<serde_json::Value> {
    let mut errors: Vec<serde_json::Value> = analysis
        .files()
        .iter()
        .zip(analysis.diagnostics())
        .flat_map(|(file, list)| {
            list.iter()
                .filter(|d| d.is_error())
                .map(|d| serde_json::to_value(JsonDiagnostic::new(d, &file.name, &file.text)).unwrap_or_default())
        })
        .collect();
    if errors.is_empty() {
        let count = analysis.result().bundles.len();
        errors.push(if count == 0 {
            error_json(&NotOnePolicy::None)
        } else {
            error_json(&NotOnePolicy::Many { count })
        });
    }
    errors
}

#[derive(Debug, thiserror::Error, miette::Diagnostic)]
enum NotOnePolicy {
    #[error("the files hold no policy")]
    #[diagnostic(code("charter::no-policy"))]
    None,
    #[error("the files hold {count} policies, not one")]
    #[diagnostic(code("charter::many-policies"), help("serve one policy file or its own directory"))]
    Many { count: usize },
}

fn now() -> String {
    jiff::Timestamp::now()
        .round(jiff::Unit::Second)
        .map_or_else(|_| jiff::Timestamp::now().to_string(), |t| t.to_string())
}
