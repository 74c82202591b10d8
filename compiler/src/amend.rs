//! `hir::Package` + its lowered IR -> diagnostics on its amendments: each
//! must be adopted by a valid decision of kind `amendment`, judged under
//! the rules in force just before it (the base text and the earlier
//! amendments).

use charter_runtime::{ir, Interpreter};

use crate::diagnostics::AmendDiagnostic;
use crate::hir;
use crate::package::Sink;

/// Checks the amendments of `package`, whose lowered form is `bundle`.
pub fn check(package: &hir::Package, bundle: &ir::Bundle, sink: &mut Sink) {
    for amendment in &package.amendments {
        let decision = &amendment.decision_name;
        let kind = package.decision_kind(package.decision(amendment.decision).kind);
        if kind != "amendment" {
            sink.push(
                amendment.file,
                AmendDiagnostic::NotAnAmendmentDecision {
                    decision: decision.clone(),
                    kind: kind.to_string(),
                    span: amendment.decision_span,
                },
            );
            continue;
        }
        // The version the amendment starts, and the decision as lowered.
        let index = bundle
            .versions
            .iter()
            .position(|v| v.adopted_by.as_ref() == Some(decision) && v.source == amendment.title);
        let record = bundle.history.decisions.iter().find(|d| &d.id == decision);
        let (Some(index), Some(record)) = (index, record) else {
            continue;
        };
        let mut before = bundle.clone();
        before.versions.truncate(index);
        let verdict = Interpreter::new(&before).valid(&record.decision);
        let reasons: Vec<String> = verdict.explanation.because.iter().map(|e| e.fact.clone()).collect();
        match verdict.valid {
            Some(true) => {}
            Some(false) => sink.push(
                amendment.file,
                AmendDiagnostic::InvalidAdoption {
                    decision: decision.clone(),
                    reasons: reasons.join("; "),
                    span: amendment.decision_span,
                },
            ),
            None => sink.push(
                amendment.file,
                AmendDiagnostic::UnjudgedAdoption {
                    decision: decision.clone(),
                    // Why it is not judged (what else holds does not help).
                    reasons: reasons.first().cloned().unwrap_or_default(),
                    span: amendment.decision_span,
                },
            ),
        }
    }
}
