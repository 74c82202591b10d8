//! The real policies the query and facts targets ask questions of: every
//! folder under `policies/` and every policy an `.eval` case of
//! `tests/cases/eval` names, each checked once and kept. An input names
//! one by its path from the repository root.

use std::collections::BTreeMap;
use std::sync::{Mutex, OnceLock};

/// The policies an input may name, by path from the repository root.
pub fn names() -> &'static [String] {
    static NAMES: OnceLock<Vec<String>> = OnceLock::new();
    NAMES.get_or_init(|| {
        let root = crate::repo_dir();
        let mut names: Vec<String> = std::fs::read_dir(root.join("policies"))
            .map(|dir| {
                dir.filter_map(|e| e.ok())
                    .filter(|e| e.path().is_dir())
                    .map(|e| format!("policies/{}", e.file_name().to_string_lossy()))
                    .collect()
            })
            .unwrap_or_default();
        let eval = root.join("tests/cases/eval");
        for entry in std::fs::read_dir(&eval).into_iter().flatten().flatten() {
            let path = entry.path();
            if path.extension().is_some_and(|e| e == "eval") {
                if let Some(policy) = eval_policy(&path) {
                    names.push(policy);
                }
            }
        }
        names.sort();
        names.dedup();
        names
    })
}

/// The policy an `.eval` case names (`// policy: PATH`), from the root.
pub fn eval_policy(case: &std::path::Path) -> Option<String> {
    let text = std::fs::read_to_string(case).ok()?;
    let relative = text.lines().find_map(|l| l.strip_prefix("// policy:"))?.trim();
    let mut parts: Vec<String> = vec!["tests".into(), "cases".into(), "eval".into()];
    for part in relative.split('/') {
        match part {
            ".." => {
                parts.pop();
            }
            "." | "" => {}
            other => parts.push(other.to_string()),
        }
    }
    Some(parts.join("/"))
}

/// The program of the policy `name`, if it is one of [`names`] and checks.
pub fn get(name: &str) -> Option<charter::Program> {
    static PROGRAMS: OnceLock<Mutex<BTreeMap<String, Option<charter::Program>>>> = OnceLock::new();
    if !names().iter().any(|n| n == name) {
        return None;
    }
    let programs = PROGRAMS.get_or_init(Default::default);
    let mut programs = programs.lock().unwrap_or_else(|e| e.into_inner());
    programs
        .entry(name.to_string())
        .or_insert_with(|| charter::load(crate::repo_dir().join(name)).ok())
        .clone()
}
