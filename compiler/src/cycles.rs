//! Rule call graph -> `charter::recursive-rule` diagnostics. Rules may not
//! call themselves, directly or through others: with no recursion and only
//! bounded quantifiers, every evaluation terminates.

use std::collections::{BTreeMap, BTreeSet};

use charter_grammar::Diagnostic;

use crate::codes;
use crate::package::Sink;
use crate::typeck::CallEdge;

/// Reports each cycle once, at the call that closes it.
pub fn check(calls: &BTreeMap<String, Vec<CallEdge>>, sink: &mut Sink) {
    let mut done: BTreeSet<&str> = BTreeSet::new();
    let mut reported: BTreeSet<Vec<String>> = BTreeSet::new();
    for start in calls.keys() {
        let mut path: Vec<&str> = Vec::new();
        visit(start, calls, &mut path, &mut done, &mut reported, sink);
    }
}

fn visit<'a>(
    rule: &'a str,
    calls: &'a BTreeMap<String, Vec<CallEdge>>,
    path: &mut Vec<&'a str>,
    done: &mut BTreeSet<&'a str>,
    reported: &mut BTreeSet<Vec<String>>,
    sink: &mut Sink,
) {
    if done.contains(rule) {
        return;
    }
    path.push(rule);
    for edge in calls.get(rule).map(Vec::as_slice).unwrap_or_default() {
        let callee = edge.callee.as_str();
        if let Some(pos) = path.iter().position(|r| *r == callee) {
            let cycle: Vec<&str> = path.get(pos..).unwrap_or_default().to_vec();
            let mut key: Vec<String> = cycle.iter().map(|s| (*s).to_string()).collect();
            key.sort();
            if reported.insert(key) {
                sink.push(edge.file, recursion(rule, callee, &cycle, edge));
            }
        } else {
            visit(callee, calls, path, done, reported, sink);
        }
    }
    path.pop();
    done.insert(rule);
}

fn recursion(caller: &str, callee: &str, cycle: &[&str], edge: &CallEdge) -> Diagnostic {
    let message = if cycle.len() == 1 {
        format!("rule `{caller}` calls itself")
    } else {
        let mut chain: Vec<String> = cycle.iter().map(|r| format!("`{r}`")).collect();
        chain.push(format!("`{callee}`"));
        format!("rules call each other in a cycle: {}", chain.join(" -> "))
    };
    Diagnostic::error(codes::RECURSIVE_RULE, message, edge.span, "this call closes the cycle").with_help(
        "Charter rules may not recurse, so that every evaluation ends; quantify over a set with `all` or `any` instead",
    )
}
