//! Lowered package -> diagnostics on its amendments: each must be adopted by
//! a valid decision of kind `amendment`, judged under the rules in force
//! just before it (the base text and the earlier amendments).

use charter_grammar::Diagnostic;
use charter_runtime::{ir, Interpreter};

use crate::codes;
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
                Diagnostic::error(
                    codes::AMENDMENT_NOT_VALID,
                    format!("decision `{decision_id}` is of kind `{kind}`, not `amendment`"),
                    amendment.decision.span,
                    "not an amendment decision",
                )
                .with_help("record the adopting decision with `kind amendment` in the history"),
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
                Diagnostic::error(
                    codes::AMENDMENT_NOT_VALID,
                    format!("decision `{decision_id}`, which adopted this amendment, is not valid"),
                    amendment.decision.span,
                    "invalid decision",
                )
                .with_help(format!(
                    "{}; an amendment takes effect only when validly adopted",
                    reasons.join("; ")
                )),
            );
        }
    }
}
