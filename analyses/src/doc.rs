//! `charter doc`: one static HTML page per policy, for a committee: the
//! legal text beside the encoding (each sentence coloured by coverage and
//! linked to the blocks that quote it, each block linked back), the chair
//! as the rules derive it and as the history records it (SVG, one bar per
//! term, departures marked), every party's status over time (SVG and a
//! table), and the audit's findings with their codes and sources. No
//! server, no network, no external asset: the page is one file. A short
//! inline script counts the bars and checks the page's links when a browser
//! opens it (`data-terms`, `data-broken-links` on `<body>`), which the
//! headless-Chromium test reads.

use std::fmt::Write as _;

use charter_grammar::ast::Item;
use charter_runtime::date;
use charter_runtime::ir::{self, Day};

use crate::report::{Report, Severity};
use charter_compiler::citations::fold;
use charter_compiler::Analysis;

/// `text` with `&`, `<`, `>` and `"` escaped.
pub fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// A clause block of the policy or an amendment, as the page shows it.
struct Block {
    id: String,
    heading: String,
    quotes: Vec<String>,
    source: String,
    file: String,
}

fn blocks(analysis: &Analysis) -> Vec<Block> {
    let mut out = Vec::new();
    for (source, items) in analysis.item_lists() {
        for item in items {
            if let Item::Block(b) = item {
                let heading = match &b.label {
                    Some(label) => format!("§ {} {}", b.clause.text, label.name),
                    None => format!("§ {}", b.clause.text),
                };
                out.push(Block {
                    id: format!("b{}", out.len() + 1),
                    heading,
                    quotes: b.quotes.iter().map(|q| fold(&q.value)).collect(),
                    source: source
                        .text
                        .get(b.span.start..b.span.end)
                        .unwrap_or_default()
                        .to_string(),
                    file: source.name.clone(),
                });
            }
        }
    }
    out
}

/// Where days fall on the timelines' horizontal axis.
struct Axis {
    from: Day,
    to: Day,
    left: f64,
    width: f64,
}

impl Axis {
    fn x(&self, day: Day) -> f64 {
        let span = f64::from((self.to - self.from).max(1));
        self.left + self.width * f64::from(day.clamp(self.from, self.to) - self.from) / span
    }

    /// Year ticks, at most a dozen.
    fn ticks(&self, out: &mut String, top: f64, bottom: f64) {
        let (first, last) = (year_of(self.from), year_of(self.to));
        let step = ((last - first) / 12).max(1);
        let mut year = first;
        while year <= last {
            if let Some(day) = i16::try_from(year).ok().and_then(|y| date::from_ymd(y, 1, 1)) {
                if day >= self.from {
                    let x = self.x(day);
                    let _ = write!(
                        out,
                        r#"<line class="tick" x1="{x:.1}" x2="{x:.1}" y1="{top}" y2="{bottom}"/><text class="year" x="{x:.1}" y="{}">{year}</text>"#,
                        bottom + 12.0
                    );
                }
            }
            year += step;
        }
    }
}

fn year_of(day: Day) -> i32 {
    date::to_date(day).map_or(1970, |d| i32::from(d.year()))
}

fn status_class(status: &str) -> &'static str {
    match status {
        "member" => "member",
        "pending" => "pending",
        "observer" => "observer",
        "invited" => "invited",
        "suspended" => "suspended",
        _ => "none",
    }
}

const STYLE: &str = r#"
body { font: 15px/1.45 system-ui, sans-serif; margin: 0 auto; max-width: 1400px; padding: 1em 2em; color: #1d232b; }
h1 { margin-bottom: 0.1em; } h2 { border-bottom: 1px solid #ccd; margin-top: 2em; }
.meta { color: #555; }
.columns { display: grid; grid-template-columns: 1fr 1fr; gap: 2em; align-items: start; }
.sentence { padding: 0.3em 0.5em; margin: 0.3em 0; border-left: 4px solid; }
.sentence.covered { background: #e7f6ea; border-color: #2e8b57; }
.sentence.marked { background: #f0f0f4; border-color: #8a8aa0; }
.sentence.uncovered { background: #fde8e6; border-color: #c0392b; }
.clause { font-weight: 600; margin-right: 0.5em; }
.block { border: 1px solid #dde; border-radius: 4px; margin: 0.6em 0; padding: 0.4em 0.8em; }
.block pre { white-space: pre-wrap; font-size: 13px; margin: 0.3em 0; }
.block:target, .sentence:target { outline: 3px solid #f1c40f; }
.legend span { display: inline-block; padding: 0 0.6em; margin-right: 0.6em; border-left: 4px solid; }
svg text { font-size: 11px; } svg .year { fill: #666; text-anchor: middle; }
svg .tick { stroke: #e3e3ea; }
svg rect.term { fill: #4a78b5; } svg rect.term.vacant { fill: #bbb; }
svg rect.term.departs, svg rect.departs { stroke: #c0392b; stroke-width: 2; }
svg rect.office { fill: #8e6bbf; } svg rect.office.vacant { fill: #bbb; }
svg rect.member { fill: #2e8b57; } svg rect.pending { fill: #e1a73b; } svg rect.observer { fill: #5dade2; }
svg rect.invited { fill: #c39bd3; } svg rect.suspended { fill: #c0392b; } svg rect.none { fill: #eee; }
svg .bar-label { fill: white; font-weight: 600; }
table { border-collapse: collapse; width: 100%; } td { overflow-wrap: anywhere; }
.findings td:first-child { white-space: nowrap; }
@media (max-width: 1000px) { body { padding: 0.5em; } .columns { grid-template-columns: 1fr; } svg { max-width: 100%; height: auto; } } td, th { border-bottom: 1px solid #e3e3ea; padding: 0.25em 0.5em; text-align: left; vertical-align: top; }
.violation { color: #c0392b; font-weight: 600; } .advisory { color: #b9770e; } .note { color: #555; }
"#;

/// Counts the bars and checks the links once the page is open, so a
/// browser (and the headless test) can tell the page rendered whole.
const SCRIPT: &str = r##"
document.addEventListener("DOMContentLoaded", function () {
  var broken = 0;
  document.querySelectorAll('a[href^="#"]').forEach(function (a) {
    if (!document.getElementById(a.getAttribute("href").slice(1))) { broken += 1; }
  });
  document.body.dataset.terms = document.querySelectorAll("svg.chair rect.term").length;
  document.body.dataset.offices = document.querySelectorAll("svg.chair rect.office").length;
  document.body.dataset.brokenLinks = broken;
  // Whether anything runs off the side of the window.
  var root = document.documentElement;
  document.body.dataset.overflow = root.scrollWidth > root.clientWidth ? "yes" : "no";
  document.body.dataset.rendered = "yes";
});
"##;

/// The page for one checked policy and its report.
pub fn page(analysis: &Analysis, bundle: &ir::Bundle, report: &Report) -> String {
    let mut out = String::new();
    let title = escape(&report.policy.title);
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>{title}</title><style>{STYLE}</style><script>{SCRIPT}</script></head><body>\n"
    );
    let _ = writeln!(
        out,
        "<h1>{title}</h1><p class=\"meta\">{}adopted {} · audited until {} · {} violations, {} advisories, {} notes</p>",
        report
            .policy
            .reference
            .as_deref()
            .map_or_else(String::new, |r| format!("{} · ", escape(r))),
        escape(&report.policy.adopted),
        report.until,
        report.summary.violations,
        report.summary.advisories,
        report.summary.notes
    );
    // Auditor first: the findings and the timelines, then the text
    // beside its encoding.
    out.push_str(
        "<nav><a href=\"#findings\">Findings</a> · <a href=\"#chair\">Chair</a> · <a href=\"#parties\">Parties</a> · <a href=\"#text\">Text and encoding</a></nav>\n",
    );
    findings_section(&mut out, report);
    let until = report.until.0;
    let axis = Axis {
        from: bundle.adopted,
        to: until.max(bundle.adopted + 1),
        left: 90.0,
        width: 1180.0,
    };
    chair_section(&mut out, bundle, report, &axis);
    parties_section(&mut out, bundle, report, &axis);
    text_section(&mut out, analysis);
    out.push_str("</body></html>\n");
    out
}

fn text_section(out: &mut String, analysis: &Analysis) {
    let blocks = blocks(analysis);
    out.push_str("<h2 id=\"text\">Text and encoding</h2>\n");
    out.push_str("<p class=\"legend\"><span class=\"sentence covered\">encoded by a rule</span><span class=\"sentence marked\">marked non-normative</span><span class=\"sentence uncovered\">not encoded</span></p>\n");
    out.push_str("<div class=\"columns\"><div>\n");
    // The sentences each block quotes.
    let mut quotes: Vec<Vec<usize>> = vec![Vec::new(); blocks.len()];
    match analysis.coverage().first() {
        None => out.push_str("<p>The policy names no source text.</p>\n"),
        Some(coverage) => {
            let _ = writeln!(out, "<h3>{}</h3>", escape(&coverage.scope()));
            for (i, sentence) in coverage.sentences.iter().enumerate() {
                let folded = fold(&sentence.text);
                let by: Vec<usize> = blocks
                    .iter()
                    .enumerate()
                    .filter(|(_, b)| {
                        b.quotes
                            .iter()
                            .any(|q| folded.contains(q.as_str()) || q.contains(folded.as_str()))
                    })
                    .map(|(j, _)| j)
                    .collect();
                for j in &by {
                    if let Some(list) = quotes.get_mut(*j) {
                        list.push(i);
                    }
                }
                let class = match sentence.state {
                    charter_compiler::citations::CoverageState::Covered { .. } => "covered",
                    charter_compiler::citations::CoverageState::Marked { .. } => "marked",
                    charter_compiler::citations::CoverageState::NotCovered => "uncovered",
                };
                let links: Vec<String> = by
                    .iter()
                    .filter_map(|j| blocks.get(*j))
                    .map(|b| format!("<a href=\"#{}\">{}</a>", b.id, escape(&b.heading)))
                    .collect();
                let _ = writeln!(
                    out,
                    "<p class=\"sentence {class}\" id=\"s{}\"><span class=\"clause\">§ {}</span>{} {}</p>",
                    i + 1,
                    escape(&sentence.clause),
                    escape(&sentence.text),
                    if links.is_empty() {
                        String::new()
                    } else {
                        format!("— {}", links.join(", "))
                    }
                );
            }
        }
    }
    out.push_str("</div><div>\n<h3>The encoding</h3>\n");
    for (block, sentences) in blocks.iter().zip(&quotes) {
        let links: Vec<String> = sentences
            .iter()
            .map(|i| format!("<a href=\"#s{}\">sentence {}</a>", i + 1, i + 1))
            .collect();
        let _ = writeln!(
            out,
            "<section class=\"block\" id=\"{}\"><strong>{}</strong> <span class=\"meta\">{}</span><pre>{}</pre>{}</section>",
            block.id,
            escape(&block.heading),
            escape(&block.file),
            escape(&block.source),
            if links.is_empty() {
                String::new()
            } else {
                format!("<div class=\"meta\">quotes {}</div>", links.join(", "))
            }
        );
    }
    out.push_str("</div></div>\n");
}

fn chair_section(out: &mut String, bundle: &ir::Bundle, report: &Report, axis: &Axis) {
    out.push_str("<h2 id=\"chair\">Chair</h2>\n<p>Top: the chair the rules derive, one bar per term (a red outline where the recorded office departs from it). Bottom: the chair as the history records it.</p>\n");
    let height = 110.0;
    let _ = write!(
        out,
        r#"<svg class="chair" width="{}" height="{height}" role="img" aria-label="chair timeline">"#,
        axis.left + axis.width + 20.0
    );
    axis.ticks(out, 10.0, 80.0);
    out.push_str(r#"<text x="0" y="32">rules</text><text x="0" y="67">recorded</text>"#);
    for term in &report.chair {
        let (start, end) = (term.start.0, term.end.0);
        let (x1, x2) = (axis.x(start), axis.x(end));
        let who = if term.chairs.is_empty() {
            "vacant".to_string()
        } else {
            term.chairs.join(" and ")
        };
        let class = match (term.chairs.is_empty(), term.departs) {
            (true, _) => "term vacant",
            (false, true) => "term departs",
            (false, false) => "term",
        };
        let _ = write!(
            out,
            r#"<rect class="{class}" x="{x1:.1}" y="20" width="{:.1}" height="20" data-chair="{}"><title>{} to {}: {}</title></rect>"#,
            (x2 - x1 - 1.0).max(1.0),
            escape(&who),
            term.start,
            term.end,
            escape(&who)
        );
        if x2 - x1 > 30.0 {
            let _ = write!(
                out,
                r#"<text class="bar-label" x="{:.1}" y="34">{}</text>"#,
                x1 + 3.0,
                escape(&who)
            );
        }
    }
    let offices = bundle.history.recorded_offices();
    for (i, (start, party)) in offices.iter().enumerate() {
        let end = offices.get(i + 1).map_or(axis.to, |(d, _)| *d);
        let who = party.map_or_else(
            || "vacant".to_string(),
            |p| {
                bundle
                    .parties
                    .get(p as usize)
                    .map_or_else(String::new, |x| x.id.clone())
            },
        );
        let (x1, x2) = (axis.x(*start), axis.x(end));
        let _ = write!(
            out,
            r#"<rect class="office{}" x="{x1:.1}" y="55" width="{:.1}" height="20"><title>{} from {}</title></rect>"#,
            if party.is_none() { " vacant" } else { "" },
            (x2 - x1 - 1.0).max(1.0),
            escape(&who),
            date::format(*start)
        );
        if x2 - x1 > 30.0 {
            let _ = write!(
                out,
                r#"<text class="bar-label" x="{:.1}" y="69">{}</text>"#,
                x1 + 3.0,
                escape(&who)
            );
        }
    }
    out.push_str("</svg>\n<table><tr><th>term</th><th>the rules' chair</th><th>recorded</th></tr>\n");
    for term in &report.chair {
        let _ = writeln!(
            out,
            "<tr><td>{} to {}</td><td>{}</td><td{}>{}</td></tr>",
            term.start,
            // An open-ended term has no end day: it is in office.
            if term.end.0 >= date::LAST {
                "in office".to_string()
            } else {
                term.end.to_string()
            },
            escape(&if term.chairs.is_empty() {
                "vacant".to_string()
            } else {
                term.chairs.join(" and ")
            }),
            // Marked where a finding on the chair falls in the term; a
            // term that only runs apart from the rules' sequence is not.
            if term.new_departure { " class=\"violation\"" } else { "" },
            escape(&term.recorded.join(", "))
        );
    }
    out.push_str("</table>\n");
}

fn parties_section(out: &mut String, bundle: &ir::Bundle, report: &Report, axis: &Axis) {
    out.push_str("<h2 id=\"parties\">Parties</h2>\n<p>Each party's status over time: the upper bar as the rules derive it, the lower as the history records it, outlined in red where they differ.</p>\n");
    let parties: Vec<_> = report
        .status
        .iter()
        .filter(|p| !p.periods.is_empty() || !p.recorded.is_empty())
        .collect();
    let row_height = 24.0;
    let height = 30.0 + row_height * parties.len() as f64;
    let _ = write!(
        out,
        r#"<svg class="membership" width="{}" height="{height}" role="img" aria-label="membership timeline">"#,
        axis.left + axis.width + 20.0
    );
    axis.ticks(out, 5.0, height - 20.0);
    // The recorded view, on every day either view may change.
    let interp = charter_runtime::Interpreter::new(bundle);
    let mut days: Vec<Day> = interp
        .change_points()
        .into_iter()
        .filter(|d| *d >= axis.from && *d < axis.to)
        .collect();
    if days.first() != Some(&axis.from) {
        days.insert(0, axis.from);
    }
    for (row, party) in parties.iter().enumerate() {
        let y = 8.0 + row_height * row as f64;
        let _ = write!(
            out,
            r##"<text x="0" y="{:.1}"><a href="#party-{}">{}</a></text>"##,
            y + 13.0,
            escape(&party.party),
            escape(&party.party)
        );
        for period in &party.periods {
            let from = period.from.0;
            // A period still open runs to the axis's end.
            let until = period.until.map_or(axis.to, |u| u.0);
            let (x1, x2) = (axis.x(from), axis.x(until));
            let _ = write!(
                out,
                r#"<rect class="{}" x="{x1:.1}" y="{y:.1}" width="{:.1}" height="9"><title>{}: {} from {}</title></rect>"#,
                status_class(&period.status),
                (x2 - x1).max(1.0),
                escape(&party.party),
                escape(&period.status),
                period.from
            );
        }
        let Some(id) = bundle.parties.iter().position(|p| p.id == party.party) else {
            continue;
        };
        // Runs of one recorded status that agrees, or not, with the rules.
        let mut runs: Vec<(Day, Day, &str, bool)> = Vec::new();
        for (i, day) in days.iter().enumerate() {
            let until = days.get(i + 1).copied().unwrap_or(axis.to);
            let recorded = interp.tables().recorded_status(bundle, id as u32, *day).name();
            let differs = recorded != interp.status(id as u32, *day).name();
            match runs.last_mut() {
                Some(last) if last.2 == recorded && last.3 == differs => last.1 = until,
                Some(_) | None => runs.push((*day, until, recorded, differs)),
            }
        }
        for (day, until, recorded, differs) in &runs {
            let (x1, x2) = (axis.x(*day), axis.x(*until));
            let _ = write!(
                out,
                r#"<rect class="{}{}" x="{x1:.1}" y="{:.1}" width="{:.1}" height="9"><title>{}: recorded {} from {}</title></rect>"#,
                status_class(recorded),
                if *differs { " departs" } else { "" },
                y + 11.0,
                (x2 - x1).max(1.0),
                escape(&party.party),
                recorded,
                date::format(*day)
            );
        }
    }
    out.push_str("</svg>\n<table><tr><th>party</th><th>status over time</th><th>recorded</th></tr>\n");
    for party in &report.status {
        let periods: Vec<String> = party
            .periods
            .iter()
            .map(|p| match &p.until {
                Some(until) => format!(
                    "{} {} to {}",
                    p.status,
                    p.from_as.clone().unwrap_or_else(|| p.from.to_string()),
                    p.until_as.clone().unwrap_or_else(|| until.to_string())
                ),
                None => format!(
                    "{} from {}",
                    p.status,
                    p.from_as.clone().unwrap_or_else(|| p.from.to_string())
                ),
            })
            .collect();
        let _ = writeln!(
            out,
            "<tr id=\"party-{}\"><td>{}</td><td>{}</td><td>{}</td></tr>",
            escape(&party.party),
            escape(&party.party),
            escape(&periods.join("; ")),
            escape(&party.recorded.join("; "))
        );
    }
    out.push_str("</table>\n");
}

fn findings_section(out: &mut String, report: &Report) {
    let _ = writeln!(
        out,
        "<h2 id=\"findings\">Findings</h2>\n<p>Where the recorded history departs from the rules: {} violations, {} advisories, {} notes (docs/findings.md describes each code).</p>",
        report.summary.violations, report.summary.advisories, report.summary.notes
    );
    out.push_str("<table class=\"findings\"><tr><th>day</th><th>finding</th><th>code</th><th>sources</th></tr>\n");
    // In date order (the report groups them by kind).
    let mut findings: Vec<_> = report.findings.iter().collect();
    findings.sort_by_key(|f| f.day.0);
    for f in findings {
        let class = match f.severity {
            Severity::Violation => "violation",
            Severity::Advisory => "advisory",
            Severity::Note => "note",
        };
        let _ = writeln!(
            out,
            "<tr><td>{}</td><td><span class=\"{class}\">{class}</span> {}</td><td><code>{}</code></td><td>{}</td></tr>",
            f.day,
            escape(&f.message),
            escape(&f.code),
            f.sources.iter().map(|s| linked(s)).collect::<Vec<_>>().join("; ")
        );
    }
    out.push_str("</table>\n");
}

/// A source as the page shows it: escaped, its web addresses as links.
fn linked(source: &str) -> String {
    let mut out = String::new();
    let mut rest = source;
    while let Some(at) = rest.find("http://").or_else(|| rest.find("https://")) {
        let (before, from) = rest.split_at(at);
        let end = from
            .find(|c: char| c.is_whitespace() || c == ',' || c == ';')
            .unwrap_or(from.len());
        let url = from.get(..end).unwrap_or(from).trim_end_matches(['.', ')']);
        out.push_str(&escape(before));
        let _ = write!(out, "<a href=\"{0}\" rel=\"noreferrer\">{0}</a>", escape(url));
        rest = from.get(url.len()..).unwrap_or_default();
    }
    out.push_str(&escape(rest));
    out
}

#[cfg(test)]
mod tests {
    use super::{escape, linked};

    #[test]
    fn a_source_s_web_address_is_a_link() {
        assert_eq!(
            linked("UNHCR, Events, https://example.org/a?b=1&c=2, a <quote>."),
            "UNHCR, Events, <a href=\"https://example.org/a?b=1&amp;c=2\" rel=\"noreferrer\">https://example.org/a?b=1&amp;c=2</a>, a &lt;quote&gt;."
        );
        assert_eq!(linked("no address"), "no address");
    }

    #[test]
    fn markup_is_escaped() {
        assert_eq!(
            escape("<a href=\"x\">&</a>"),
            "&lt;a href=&quot;x&quot;&gt;&amp;&lt;/a&gt;"
        );
    }
}
