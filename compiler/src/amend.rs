//! Lowered package -> diagnostics on its amendments: each must be adopted by
//! a valid decision of kind `amendment`, judged under the rules in force
//! just before it (the base text and the earlier amendments).

use charter_runtime::{ir, Interpreter};

use crate::diagnostics::AmendDiagnostic;
use crate::package::{Package, Sink};

/// Checks the amendments of `package`, whose lowered form is `bundle`.
pub fn check(package: &Package<'_>, bundle: &ir::Bundle, sink: &mut Sink) {
    for (index, version) in bundle.versions.iter().enumerate() {
        let Some(decision_id) = &version.adopted_by else {
            continue;
        };
        let Some((file, amendment)) = package
            .amendments
            .iter()
            .find(|(_, a)| &a.decision.name == decision_id && a.title.value == version.source)
        else {
            continue;
        };
        let Some(record) = bundle.history.decisions.iter().find(|d| &d.id == decision_id) else {
            continue;
        };
        let kind = bundle
            .decision_kinds
            .get(record.decision.kind as usize)
            .map_or("", String::as_str);
        if kind != "amendment" {
            sink.push(
                *file,
                AmendDiagnostic::NotAnAmendmentDecision {
                    decision: decision_id.to_string(),
                    kind: kind.to_string(),
                    span: amendment.decision.span,
                },
            );
            continue;
        }
        let mut before = bundle.clone();
        before.versions.truncate(index);
        let verdict = Interpreter::new(&before).valid(&record.decision);
        if !verdict.valid {
            let reasons: Vec<String> = verdict.explanation.because.iter().map(|e| e.fact.clone()).collect();
            sink.push(
                *file,
                AmendDiagnostic::InvalidAdoption {
                    decision: decision_id.to_string(),
                    reasons: reasons.join("; "),
                    span: amendment.decision.span,
                },
            );
        }
    }
}
