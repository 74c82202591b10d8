//! Rule call graph -> `charter::recursive-rule` and
//! `charter::call-chain-too-deep` diagnostics. Rules may not call
//! themselves, directly or through others, and a chain of calls is at most
//! [`MAX_CALL_DEPTH`] rules long: with bounded quantifiers too, every
//! evaluation terminates within a bounded stack. The graph is walked
//! without recursion, so a long chain cannot overflow the checker's stack.

use std::collections::{BTreeMap, BTreeSet};

use crate::diagnostics::CycleDiagnostic;
use crate::package::Sink;
use crate::typeck::CallEdge;

pub use crate::limits::MAX_CALL_DEPTH;

/// Where a rule stands in the depth-first walk.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Mark {
    /// On the current path, at this index of it.
    OnPath(usize),
    /// Done, with the length of the longest chain of calls it starts.
    Done(usize),
}

/// Reports each cycle once, at the call that closes it, and each chain of
/// calls longer than [`MAX_CALL_DEPTH`] once, at the call that starts it.
pub fn check(calls: &BTreeMap<String, Vec<CallEdge>>, sink: &mut Sink) {
    let mut marks: BTreeMap<&str, Mark> = BTreeMap::new();
    let mut reported: BTreeSet<Vec<String>> = BTreeSet::new();
    let no_edges: &[CallEdge] = &[];
    for start in calls.keys() {
        if marks.contains_key(start.as_str()) {
            continue;
        }
        // The path from `start`: each rule with the index of its next edge.
        let mut path: Vec<(&str, usize)> = vec![(start.as_str(), 0)];
        marks.insert(start.as_str(), Mark::OnPath(0));
        while let Some((rule, next)) = path.last_mut() {
            let rule: &str = rule;
            let edges = calls.get(rule).map_or(no_edges, Vec::as_slice);
            if let Some(edge) = edges.get(*next) {
                *next += 1;
                let callee = edge.callee.as_str();
                match marks.get(callee) {
                    Some(Mark::OnPath(from)) => {
                        let cycle: Vec<&str> = path.iter().skip(*from).map(|(r, _)| *r).collect();
                        let mut key: Vec<String> = cycle.iter().map(|s| (*s).to_string()).collect();
                        key.sort();
                        if reported.insert(key) {
                            sink.push(edge.file, recursion(rule, callee, &cycle, edge));
                        }
                    }
                    Some(Mark::Done(_)) => {}
                    None if calls.contains_key(callee) => {
                        marks.insert(callee, Mark::OnPath(path.len()));
                        path.push((callee, 0));
                    }
                    // Not a rule (a built-in, or a name reported elsewhere).
                    None => {}
                }
            } else {
                // A rule that calls none is a chain of one.
                let depth = 1 + edges.iter().map(|e| done_depth(&marks, &e.callee)).fold(0, usize::max);
                marks.insert(rule, Mark::Done(depth));
                path.pop();
            }
        }
    }
    report_deep_chains(calls, &marks, sink);
}

fn done_depth(marks: &BTreeMap<&str, Mark>, rule: &str) -> usize {
    match marks.get(rule) {
        Some(Mark::Done(depth)) => *depth,
        Some(Mark::OnPath(_)) | None => 0,
    }
}

/// A chain too long is reported at its head: a rule whose chain is too
/// long and that no rule with a chain too long calls.
fn report_deep_chains(calls: &BTreeMap<String, Vec<CallEdge>>, marks: &BTreeMap<&str, Mark>, sink: &mut Sink) {
    let too_deep = |rule: &str| done_depth(marks, rule) > MAX_CALL_DEPTH;
    let called_by_deep: BTreeSet<&str> = calls
        .iter()
        .filter(|(caller, _)| too_deep(caller))
        .flat_map(|(_, edges)| edges.iter().map(|e| e.callee.as_str()))
        .collect();
    for (rule, edges) in calls {
        if !too_deep(rule) || called_by_deep.contains(rule.as_str()) {
            continue;
        }
        let depth = done_depth(marks, rule);
        let Some(edge) = edges.iter().max_by_key(|e| done_depth(marks, &e.callee)) else {
            continue;
        };
        sink.push(
            edge.file,
            CycleDiagnostic::ChainTooDeep {
                rule: rule.to_string(),
                depth,
                span: edge.span,
            },
        );
    }
}

fn recursion(caller: &str, callee: &str, cycle: &[&str], edge: &CallEdge) -> CycleDiagnostic {
    let message = if cycle.len() == 1 {
        format!("rule `{caller}` calls itself")
    } else {
        let mut chain: Vec<String> = cycle.iter().map(|r| format!("`{r}`")).collect();
        chain.push(format!("`{callee}`"));
        format!("rules call each other in a cycle: {}", chain.join(" -> "))
    };
    CycleDiagnostic::Recursion {
        message,
        span: edge.span,
    }
}
