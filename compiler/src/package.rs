//! Source files -> packages. A package is one policy file with the amendment
//! and history files that name it (by title or by `ref`). Grouping needs
//! only the parsed headers; everything else is left to the checking stages.

use charter_grammar::ast::{self, FileKind};
use charter_grammar::Diagnostic;

use crate::diagnostics::PackageDiagnostic;
use crate::suggest::did_you_mean;

/// Index of a file in the list given to the checker.
pub type FileId = usize;

/// A file's name (as shown in diagnostics), its text and what it holds.
/// The compiler does no IO: the command-line program reads files and hands
/// them over as these.
#[derive(Debug, Clone)]
pub struct SourceFile {
    pub name: String,
    pub text: String,
    pub kind: SourceKind,
}

/// What a source file holds. The caller says so: a file's name never
/// decides whether it is checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SourceKind {
    /// Charter text: a policy, amendment or history file.
    Charter,
    /// A legal source text that quotes are checked against.
    LegalText,
    /// A legal text a policy names whose path resolves outside the
    /// policy's folder (through a symlink): it is not read (its text is
    /// empty), and the checker reports `charter::source-outside-policy`.
    OutsideFolder,
}

impl SourceFile {
    /// A Charter file (policy, amendment or history), whatever its name.
    pub fn charter(name: impl Into<String>, text: impl Into<String>) -> Self {
        SourceFile {
            name: name.into(),
            text: text.into(),
            kind: SourceKind::Charter,
        }
    }

    /// A legal source text that a policy names with `source`.
    pub fn legal_text(name: impl Into<String>, text: impl Into<String>) -> Self {
        SourceFile {
            name: name.into(),
            text: text.into(),
            kind: SourceKind::LegalText,
        }
    }

    /// A legal text a policy names that resolves outside the policy's
    /// folder: named, never read.
    pub fn outside_folder(name: impl Into<String>) -> Self {
        SourceFile {
            name: name.into(),
            text: String::new(),
            kind: SourceKind::OutsideFolder,
        }
    }

    /// A legal source text that quotes are checked against (or one refused
    /// for being outside the policy's folder), rather than a Charter file.
    pub fn is_legal_text(&self) -> bool {
        match self.kind {
            SourceKind::LegalText | SourceKind::OutsideFolder => true,
            SourceKind::Charter => false,
        }
    }
}

/// A diagnostic and the file whose text its spans point into.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileDiagnostic {
    pub file: FileId,
    pub diagnostic: Diagnostic,
}

/// Collects diagnostics from every stage, in the order they were found.
#[derive(Debug, Default)]
pub struct Sink {
    pub diagnostics: Vec<FileDiagnostic>,
}

impl Sink {
    /// Keeps a stage's diagnostic (a variant of one of the enums in
    /// [`crate::diagnostics`], or one already captured).
    pub fn push(&mut self, file: FileId, diagnostic: impl Into<Diagnostic>) {
        self.diagnostics.push(FileDiagnostic {
            file,
            diagnostic: diagnostic.into(),
        });
    }

    pub fn error_count(&self) -> usize {
        self.diagnostics.iter().filter(|d| d.diagnostic.is_error()).count()
    }
}

/// One policy and the files that belong to it.
#[derive(Debug, Clone)]
pub struct Package<'a> {
    pub policy_file: FileId,
    pub policy: &'a ast::PolicyFile,
    pub amendments: Vec<(FileId, &'a ast::AmendmentFile)>,
    pub histories: Vec<(FileId, &'a ast::HistoryFile)>,
}

/// Groups parsed files into packages. Files whose policy is not among them
/// get `charter::unknown-policy`, unless some file failed to parse: a
/// policy that failed to parse cannot be found by title, and saying its
/// amendments name an unknown policy would only add noise.
pub fn group<'a>(files: &[(FileId, &'a ast::File)], some_failed_to_parse: bool, sink: &mut Sink) -> Vec<Package<'a>> {
    let mut packages: Vec<Package<'a>> = Vec::new();
    for (id, file) in files {
        if let FileKind::Policy(policy) = &file.kind {
            let title = &policy.header.title.value;
            if packages.iter().any(|p| &p.policy.header.title.value == title) {
                sink.push(
                    *id,
                    PackageDiagnostic::DuplicatePolicy {
                        title: title.clone(),
                        span: policy.header.title.span,
                    },
                );
                continue;
            }
            packages.push(Package {
                policy_file: *id,
                policy,
                amendments: Vec::new(),
                histories: Vec::new(),
            });
        }
    }
    for (id, file) in files {
        let (name, span) = match &file.kind {
            FileKind::Policy(_) => continue,
            FileKind::Amendment(a) => (&a.policy, a.policy.span),
            FileKind::History(h) => (&h.policy, h.policy.span),
        };
        // A name two policies answer to (one's title, another's `ref`, or
        // a `ref` both give) would attach the file to the first silently.
        let named = packages
            .iter()
            .filter(|p| names_policy(&p.policy.header, &name.value))
            .count();
        if named > 1 {
            sink.push(
                *id,
                PackageDiagnostic::NamesTwo {
                    name: name.value.clone(),
                    count: named,
                    span,
                },
            );
            continue;
        }
        let Some(package) = packages
            .iter_mut()
            .find(|p| names_policy(&p.policy.header, &name.value))
        else {
            let titles: Vec<&str> = packages.iter().map(|p| p.policy.header.title.value.as_str()).collect();
            let help = match did_you_mean(&name.value, titles.iter().copied()) {
                Some(title) => format!("did you mean `{title}`?"),
                None => "check the policy's title or `ref`, and that its file is beside this one or named on the command line".to_string(),
            };
            if !some_failed_to_parse {
                sink.push(
                    *id,
                    PackageDiagnostic::UnknownPolicy {
                        title: name.value.clone(),
                        span,
                        help,
                    },
                );
            }
            continue;
        };
        match &file.kind {
            FileKind::Amendment(a) => package.amendments.push((*id, a)),
            FileKind::History(h) => package.histories.push((*id, h)),
            FileKind::Policy(_) => {}
        }
    }
    packages
}

/// Whether `name` is the title or the `ref` of a policy.
pub fn names_policy(header: &ast::PolicyHeader, name: &str) -> bool {
    header.title.value == name
        || header
            .fields
            .iter()
            .any(|f| matches!(f, ast::HeaderField::Ref(r) if r.value == name))
}
