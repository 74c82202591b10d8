//! A [`Diff`] for people (text), for a pull-request comment (Markdown),
//! and for code scanning (SARIF 2.1.0). All three read the same list of
//! [`Item`]s, so they say the same things.

use serde_json::json;

use super::{Count, Diff, Example, Location, Obligation, Office, Rights};

/// One thing the diff says: which section, a stable rule id (for SARIF),
/// how serious, one line, its details, and where in NEW.
#[derive(Debug, Clone)]
pub struct Item {
    pub section: &'static str,
    pub rule: String,
    /// `error`, `warning` or `note` (SARIF's levels).
    pub level: &'static str,
    pub line: String,
    pub details: Vec<String>,
    pub location: Option<Location>,
}

/// The sections, in the order they are printed, with their titles.
pub const SECTIONS: [(&str, &str); 12] = [
    ("diagnostics", "Check"),
    ("text", "Text"),
    ("procedure", "Procedure"),
    ("chair", "Chair"),
    ("membership", "Membership and status"),
    ("groups", "Groups, offices and standings"),
    ("decisions", "Decisions"),
    ("attendance", "Attendance and observers"),
    ("cadence", "Cadence"),
    ("rules", "Rules"),
    ("history", "History"),
    ("notes", "Not compared"),
];

/// What each diff rule id means (SARIF's rule descriptions).
pub const RULES: [(&str, &str); 11] = [
    (
        "diff::text",
        "A clause, quote, party, rule, test, statement or record of the text differs",
    ),
    (
        "diff::procedure",
        "An amendment the new text adds, and whether it was adopted as the rules allow",
    ),
    (
        "diff::chair",
        "The chair, or the term it falls in, differs over a period",
    ),
    ("diff::membership", "A party's status differs over a period"),
    (
        "diff::groups",
        "Who belongs to a group, or holds an office or standing, differs over a period",
    ),
    (
        "diff::decisions",
        "The set of valid decisions differs at meetings of a kind",
    ),
    (
        "diff::attendance",
        "Who may attend or speak at meetings of a kind differs",
    ),
    ("diff::cadence", "A meeting obligation is added, removed, or changed"),
    ("diff::rules", "A user rule's answers differ"),
    (
        "diff::history-appeared",
        "An audit finding of the recorded history appears under the new text",
    ),
    (
        "diff::history-disappeared",
        "An audit finding of the recorded history disappears under the new text",
    ),
];

fn kinds(list: &[String]) -> String {
    list.iter().map(|k| format!("`{k}`")).collect::<Vec<_>>().join(", ")
}

fn until_text(from: &str, until: Option<&String>) -> String {
    match until {
        Some(until) => format!("from {from} until {until}"),
        None => format!("from {from} on"),
    }
}

fn list(items: &[String]) -> String {
    if items.is_empty() {
        "none".to_string()
    } else {
        items.join(", ")
    }
}

fn office(office: Option<&Office>) -> String {
    match office {
        None => "no term".to_string(),
        Some(o) => {
            let who = if o.chairs.is_empty() {
                "vacant".to_string()
            } else {
                o.chairs.join(" and ")
            };
            let who = if o.vice_chairs.is_empty() {
                who
            } else {
                format!("{who}, vice-chair {}", o.vice_chairs.join(" and "))
            };
            match &o.end {
                Some(end) => format!("{who} (term {} to {end})", o.start),
                None => format!("{who} (since {})", o.start),
            }
        }
    }
}

fn rights(r: Rights) -> String {
    match (r.attend, r.speak) {
        (true, true) => "may attend and speak".to_string(),
        (true, false) => "may attend, not speak".to_string(),
        (false, true) => "may speak, not attend".to_string(),
        (false, false) => "may not attend".to_string(),
    }
}

fn obligation(o: Option<&Obligation>) -> String {
    match o {
        None => "no obligation".to_string(),
        Some(o) => format!(
            "{} every {}{}{}",
            o.strength,
            o.every,
            if o.per_member { " per member" } else { "" },
            if o.hosted_by_chair { ", hosted by the chair" } else { "" }
        ),
    }
}

fn share(count: &Count, domain: &Count) -> String {
    match (count.exact, domain.exact) {
        (Some(_), Some(_)) => format!("{} of {}", count.text(), domain.text()),
        (Some(_), None) | (None, Some(_)) | (None, None) => {
            format!(
                "{} (10^{:.1} of 10^{:.1})",
                count.text(),
                count.ln / std::f64::consts::LN_10,
                domain.ln / std::f64::consts::LN_10
            )
        }
    }
}

fn example(what: &str, e: &Example, domain: &Count) -> String {
    format!(
        "{what}: {} assignments; smallest: present {}; objecting {}",
        share(&e.count, domain),
        list(&e.present),
        list(&e.objecting)
    )
}

/// Everything the diff says, section by section.
pub fn items(diff: &Diff) -> Vec<Item> {
    let mut out = Vec::new();
    let mut push = |section: &'static str,
                    rule: &str,
                    level: &'static str,
                    line: String,
                    details: Vec<String>,
                    location: Option<Location>| {
        out.push(Item {
            section,
            rule: rule.to_string(),
            level,
            line,
            details,
            location,
        });
    };
    for d in &diff.diagnostics {
        let j = &d.diagnostic;
        let level = match j.severity {
            charter_grammar::Severity::Error => "error",
            charter_grammar::Severity::Warning => "warning",
        };
        let location = Location {
            file: j.file.clone(),
            line: j.line,
            column: j.column,
            end_line: j.end_line,
            end_column: j.end_column,
        };
        push(
            "diagnostics",
            &j.code,
            level,
            format!(
                "{} ({}) {}:{}:{}: {}",
                j.code, d.side, j.file, j.line, j.column, j.message
            ),
            j.help.iter().map(|h| format!("help: {h}")).collect(),
            (d.side == "new").then_some(location),
        );
    }
    for t in &diff.text {
        let clause = t.clause.as_ref().map_or_else(String::new, |c| format!("§ {c} "));
        let name = if t
            .clause
            .as_deref()
            .is_some_and(|c| t.name == format!("§ {c}") || t.name.starts_with(&format!("§ {c} #")))
        {
            String::new()
        } else {
            t.name.clone()
        };
        let mut details: Vec<String> = t.quotes_added.iter().map(|q| format!("+ quote \"{q}\"")).collect();
        details.extend(t.quotes_removed.iter().map(|q| format!("- quote \"{q}\"")));
        if t.change == "changed" && t.encoding_changed {
            details.push("what it encodes changed".to_string());
        }
        let line = match t.change {
            "layout" => format!("{} file: only comments and layout differ", t.name),
            _ => format!("{} {} {clause}{name}", t.change, t.what).trim_end().to_string(),
        };
        push("text", "diff::text", "note", line, details, t.location.clone());
    }
    for p in &diff.procedure {
        let verdict = match p.valid {
            Some(true) => "a valid decision".to_string(),
            Some(false) => "a decision that is NOT valid".to_string(),
            None => "a decision that cannot be judged".to_string(),
        };
        let mut details = p.because.clone();
        details.extend(p.errors.iter().map(|e| format!("error: {e}")));
        let level = if p.valid == Some(true) && p.errors.is_empty() {
            "note"
        } else {
            "error"
        };
        push(
            "procedure",
            "diff::procedure",
            level,
            format!(
                "amendment \"{}\" in force from {}, adopted by {} ({verdict})",
                p.amendment,
                p.from,
                p.decision.as_deref().unwrap_or("no recorded decision")
            ),
            details,
            p.location.clone(),
        );
    }
    for c in &diff.chair {
        push(
            "chair",
            "diff::chair",
            "note",
            format!(
                "{} chair {}: {} → {}",
                c.view,
                until_text(&c.from, c.until.as_ref()),
                office(c.before.as_ref()),
                office(c.after.as_ref())
            ),
            Vec::new(),
            c.location.clone(),
        );
    }
    for m in &diff.membership {
        push(
            "membership",
            "diff::membership",
            "note",
            format!(
                "{} {}: {} → {}",
                m.party,
                until_text(&m.from, m.until.as_ref()),
                m.before,
                m.after
            ),
            Vec::new(),
            m.location.clone(),
        );
    }
    for g in &diff.groups {
        let holders = |h: &Option<Vec<String>>| match h {
            None => "(not named)".to_string(),
            Some(codes) if codes.is_empty() => "nobody".to_string(),
            Some(codes) => codes.join(", "),
        };
        push(
            "groups",
            "diff::groups",
            "note",
            format!(
                "{} {}: {} → {}",
                g.group,
                until_text(&g.from, g.until.as_ref()),
                holders(&g.before),
                holders(&g.after)
            ),
            Vec::new(),
            g.location.clone(),
        );
    }
    for d in &diff.decisions {
        let mut details = vec![format!(
            "valid before: {}; after: {}",
            share(&d.valid_before, &d.domain),
            share(&d.valid_after, &d.domain)
        )];
        if let Some(e) = &d.now_invalid {
            details.push(example("valid before, not after", e, &d.domain));
        }
        if let Some(e) = &d.now_valid {
            details.push(example("valid after, not before", e, &d.domain));
        }
        push(
            "decisions",
            "diff::decisions",
            "note",
            format!(
                "at {} meetings, decisions of kind {} {}",
                kinds(&d.meetings),
                kinds(&d.decisions),
                until_text(&d.from, d.until.as_ref())
            ),
            details,
            d.location.clone(),
        );
    }
    for a in &diff.attendance {
        push(
            "attendance",
            "diff::attendance",
            "note",
            format!(
                "at {} meetings {}: {}: {} → {}",
                kinds(&a.meetings),
                until_text(&a.from, a.until.as_ref()),
                a.parties.join(", "),
                rights(a.before),
                rights(a.after)
            ),
            Vec::new(),
            a.location.clone(),
        );
    }
    for c in &diff.cadence {
        push(
            "cadence",
            "diff::cadence",
            "note",
            format!(
                "`{}` {}: {} → {}",
                c.meeting,
                until_text(&c.from, c.until.as_ref()),
                obligation(c.before.as_ref()),
                obligation(c.after.as_ref())
            ),
            Vec::new(),
            c.location.clone(),
        );
    }
    for r in &diff.rules {
        let (line, details) = match r.change {
            "answers" => {
                let mut details = vec![format!("over {}", r.domain.join(" × "))];
                if let Some(e) = &r.example {
                    let args: Vec<String> = e.arguments.iter().map(ToString::to_string).collect();
                    details.push(format!(
                        "e.g. {}({}): {} → {}",
                        r.rule,
                        args.join(", "),
                        e.before,
                        e.after
                    ));
                }
                (
                    format!("rule `{}`: {} of {} answers differ", r.rule, r.differing, r.compared),
                    details,
                )
            }
            "not-compared" => (
                format!("rule `{}` changed and was not compared", r.rule),
                r.reason.iter().cloned().collect(),
            ),
            "signature" => (
                format!("rule `{}`: its parameters or result type changed", r.rule),
                Vec::new(),
            ),
            change => (format!("rule `{}` {change}", r.rule), Vec::new()),
        };
        push("rules", "diff::rules", "note", line, details, r.location.clone());
    }
    for h in &diff.history {
        let f = &h.finding;
        let (rule, level) = match (h.change, f.severity) {
            ("appeared", crate::report::Severity::Violation) => ("diff::history-appeared", "warning"),
            ("appeared", _) => ("diff::history-appeared", "note"),
            (_, _) => ("diff::history-disappeared", "note"),
        };
        push(
            "history",
            rule,
            level,
            format!(
                "{} {} {} {}: {}",
                if h.change == "appeared" { "+" } else { "-" },
                serde_json::to_value(f.severity)
                    .ok()
                    .and_then(|v| v.as_str().map(str::to_string))
                    .unwrap_or_default(),
                f.code,
                f.day,
                f.message
            ),
            Vec::new(),
            h.location.clone(),
        );
    }
    for n in &diff.notes {
        push("notes", "diff::not-compared", "warning", n.clone(), Vec::new(), None);
    }
    out
}

/// The headline: what kind of change this is.
pub fn headline(diff: &Diff) -> String {
    let s = &diff.summary;
    if s.errors > 0 {
        format!(
            "{} error{}: nothing semantic was compared",
            s.errors,
            if s.errors == 1 { "" } else { "s" }
        )
    } else if s.semantic {
        "semantic changes".to_string()
    } else if s.text_only {
        "text only: no answer changes".to_string()
    } else {
        "no change".to_string()
    }
}

fn counts(items: &[Item]) -> Vec<(&'static str, usize)> {
    SECTIONS
        .iter()
        .map(|(key, title)| (*title, items.iter().filter(|i| i.section == *key).count()))
        .collect()
}

fn where_text(location: Option<&Location>) -> String {
    location.map_or_else(String::new, |l| format!(" ({}:{})", l.file, l.line))
}

/// For people.
pub fn text(diff: &Diff) -> String {
    let items = items(diff);
    let mut out = format!("charter diff {} → {} (until {})\n", diff.old, diff.new, diff.until);
    out.push_str(&format!("{}\n", headline(diff)));
    let shown: Vec<String> = counts(&items)
        .into_iter()
        .filter(|(_, n)| *n > 0)
        .map(|(title, n)| format!("{title} {n}"))
        .collect();
    if !shown.is_empty() {
        out.push_str(&format!("changes: {}\n", shown.join(", ")));
    }
    for (key, title) in SECTIONS {
        let section: Vec<&Item> = items.iter().filter(|i| i.section == key).collect();
        if section.is_empty() {
            continue;
        }
        out.push_str(&format!("\n{title}\n"));
        for item in section {
            out.push_str(&format!("  {}{}\n", item.line, where_text(item.location.as_ref())));
            for d in &item.details {
                out.push_str(&format!("      {d}\n"));
            }
        }
    }
    out
}

/// Escapes what Markdown would read as markup in a line of text.
fn md(text: &str) -> String {
    text.replace('|', "\\|").replace('<', "&lt;").replace('>', "&gt;")
}

/// A concise summary for a pull-request comment: the headline, a table of
/// counts, then each section collapsed.
pub fn markdown(diff: &Diff) -> String {
    let items = items(diff);
    let mut out = format!("### Charter diff: `{}` → `{}`\n\n", diff.old, diff.new);
    out.push_str(&format!("**{}** (audit until {})\n\n", headline(diff), diff.until));
    let shown: Vec<(&str, usize)> = counts(&items).into_iter().filter(|(_, n)| *n > 0).collect();
    if !shown.is_empty() {
        out.push_str("| Section | Changes |\n|---|---:|\n");
        for (title, n) in shown {
            out.push_str(&format!("| {title} | {n} |\n"));
        }
    }
    for (key, title) in SECTIONS {
        let section: Vec<&Item> = items.iter().filter(|i| i.section == key).collect();
        if section.is_empty() {
            continue;
        }
        out.push_str(&format!(
            "\n<details><summary>{title} ({})</summary>\n\n",
            section.len()
        ));
        for item in section {
            out.push_str(&format!(
                "- {}{}\n",
                md(&item.line),
                md(&where_text(item.location.as_ref()))
            ));
            for d in &item.details {
                out.push_str(&format!("  - {}\n", md(d)));
            }
        }
        out.push_str("\n</details>\n");
    }
    out
}

/// SARIF 2.1.0: each diagnostic and each change as a result, located in
/// NEW's files where it has a place.
pub fn sarif(diff: &Diff) -> serde_json::Value {
    let items = items(diff);
    let mut rules: Vec<serde_json::Value> = RULES
        .iter()
        .map(|(id, text)| json!({ "id": id, "shortDescription": { "text": text } }))
        .collect();
    rules.push(
        json!({ "id": "diff::not-compared", "shortDescription": { "text": "Something the diff could not compare" } }),
    );
    let mut seen: Vec<String> = rules
        .iter()
        .filter_map(|r| r["id"].as_str().map(str::to_string))
        .collect();
    for item in &items {
        if !seen.contains(&item.rule) {
            seen.push(item.rule.clone());
            rules.push(
                json!({ "id": item.rule, "shortDescription": { "text": format!("charter check: {}", item.rule) } }),
            );
        }
    }
    let results: Vec<serde_json::Value> = items
        .iter()
        .map(|item| {
            let mut text = item.line.clone();
            for d in &item.details {
                text.push('\n');
                text.push_str(d);
            }
            let mut result = serde_json::Map::new();
            result.insert("ruleId".to_string(), json!(item.rule));
            result.insert("level".to_string(), json!(item.level));
            result.insert("message".to_string(), json!({ "text": text }));
            if let Some(l) = &item.location {
                result.insert("locations".to_string(), json!([{
                    "physicalLocation": {
                        "artifactLocation": { "uri": l.file.replace('\\', "/") },
                        "region": {
                            "startLine": l.line,
                            "startColumn": l.column,
                            "endLine": l.end_line.max(l.line),
                            "endColumn": if l.end_line > l.line { l.end_column } else { l.end_column.max(l.column) },
                        }
                    }
                }]));
            }
            serde_json::Value::Object(result)
        })
        .collect();
    json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {
                "driver": {
                    "name": "charter",
                    "version": env!("CARGO_PKG_VERSION"),
                    "rules": rules,
                }
            },
            "results": results,
        }]
    })
}
