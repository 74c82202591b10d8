//! `charter doc`: one static HTML page per policy, auditor first: the
//! audit's findings (counted by code, then in date order, sources' web
//! addresses as links); the chair as the rules derive it and as the history
//! records it (SVG, one bar per term, departures outlined as the table marks
//! them, windows of approximately dated records drawn as ranges); every
//! party's status over time (SVG and a table); and the legal text with each
//! block of the encoding beside the first sentence it quotes. Every colour
//! and mark has a legend. No server, no network, no external asset: the
//! page is one file. A short inline script measures the page when a browser
//! opens it (`data-terms`, `data-broken-links`, `data-unlegended`,
//! `data-chart-departs`, `data-misalignment`, `data-overflow` on `<body>`),
//! which the headless-Chromium test reads.

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
.row { display: grid; grid-template-columns: 1fr 1fr; gap: 2em; align-items: start; }
.row > div { min-width: 0; }
.sentence { padding: 0.3em 0.5em; margin: 0.3em 0; border-left: 4px solid; }
.sentence.covered { background: #e7f6ea; border-color: #2e8b57; }
.sentence.marked { background: #f0f0f4; border-color: #8a8aa0; }
.sentence.uncovered { background: #fde8e6; border-color: #c0392b; }
.clause { font-weight: 600; margin-right: 0.5em; }
.block { border: 1px solid #dde; border-radius: 4px; margin: 0.3em 0; padding: 0.4em 0.8em; }
.block pre { white-space: pre-wrap; overflow-wrap: anywhere; font-size: 13px; margin: 0.3em 0; }
.block:target, .sentence:target { outline: 3px solid #f1c40f; }
.legend { margin: 0.4em 0; } .legend .item { display: inline-block; margin: 0 1.2em 0.2em 0; }
.legend svg { vertical-align: middle; margin-right: 0.35em; }
.legend .swatch { display: inline-block; width: 1.1em; height: 1em; padding: 0; margin: 0 0.35em 0 0; vertical-align: middle; }
svg text { font-size: 11px; } svg .year { fill: #666; text-anchor: middle; }
svg .tick { stroke: #e3e3ea; }
svg rect.term { fill: #4a78b5; } svg rect.term.vacant { fill: #bbb; }
svg rect.term.approximate { fill-opacity: 0.55; }
svg rect.departs { stroke: #c0392b; stroke-width: 2; }
svg rect.apart { stroke: #b9770e; stroke-width: 2; stroke-dasharray: 4 2; }
svg rect.office { fill: #8e6bbf; } svg rect.office.vacant { fill: #bbb; }
svg rect.window { fill: #fff; fill-opacity: 0.65; stroke: #333; stroke-width: 1; stroke-dasharray: 2 2; }
svg rect.member { fill: #2e8b57; } svg rect.pending { fill: #e1a73b; } svg rect.observer { fill: #5dade2; }
svg rect.invited { fill: #c39bd3; } svg rect.suspended { fill: #c0392b; } svg rect.none { fill: #eee; }
svg .bar-label { fill: white; font-weight: 600; }
table { border-collapse: collapse; width: 100%; } td { overflow-wrap: anywhere; }
td, th { border-bottom: 1px solid #e3e3ea; padding: 0.25em 0.5em; text-align: left; vertical-align: top; }
.findings td:first-child { white-space: nowrap; } .findings td:nth-child(3) { overflow-wrap: normal; }
.violation { color: #c0392b; font-weight: 600; } .advisory, .apart { color: #b9770e; } .note { color: #555; }
@media (max-width: 1000px) { body { padding: 0.5em; } .row { grid-template-columns: 1fr; gap: 0; } svg.chair, svg.membership { max-width: 100%; height: auto; } .findings td:first-child { white-space: normal; } }
"#;

/// Counts the bars and checks the links once the page is open, so a
/// browser (and the headless test) can tell the page rendered whole, and
/// measures what the test asserts: marks with no legend, departures in the
/// chart and in the table, how far each block sits from the sentence it
/// encodes, and whether anything runs off the side of the window.
const SCRIPT: &str = r##"
document.addEventListener("DOMContentLoaded", function () {
  var data = document.body.dataset;
  var broken = 0;
  document.querySelectorAll('a[href^="#"]').forEach(function (a) {
    if (!document.getElementById(a.getAttribute("href").slice(1))) { broken += 1; }
  });
  data.terms = document.querySelectorAll("svg.chair rect.term").length;
  data.offices = document.querySelectorAll("svg.chair rect.office").length;
  data.brokenLinks = broken;
  // Every class of a mark in a chart has a swatch in a legend.
  var legended = {};
  document.querySelectorAll(".legend rect").forEach(function (r) {
    r.classList.forEach(function (c) { legended[c] = true; });
  });
  var missing = {};
  document.querySelectorAll("svg.chair rect, svg.membership rect").forEach(function (r) {
    r.classList.forEach(function (c) { if (!legended[c]) { missing[c] = true; } });
  });
  data.unlegended = Object.keys(missing).sort().join(" ");
  data.chartDeparts = document.querySelectorAll("svg.chair rect.term.departs").length;
  data.tableDeparts = document.querySelectorAll("table.chair td.violation").length;
  data.chartApart = document.querySelectorAll("svg.chair rect.term.apart").length;
  data.tableApart = document.querySelectorAll("table.chair td.apart").length;
  // The median distance, in pixels, from a block's top to the top of the
  // sentence it is shown beside.
  var gaps = [];
  document.querySelectorAll(".row").forEach(function (row) {
    var sentence = row.querySelector(".sentence");
    row.querySelectorAll(".block").forEach(function (b) {
      if (sentence) { gaps.push(Math.abs(b.getBoundingClientRect().top - sentence.getBoundingClientRect().top)); }
    });
  });
  gaps.sort(function (a, b) { return a - b; });
  data.misalignment = gaps.length ? Math.round(gaps[Math.floor(gaps.length / 2)]) : 0;
  var root = document.documentElement;
  data.overflow = root.scrollWidth > root.clientWidth ? "yes" : "no";
  data.rendered = "yes";
});
"##;

/// A legend item: a swatch drawn with the chart's own classes, and what it
/// means.
fn swatch(class: &str, meaning: &str) -> String {
    format!(
        r#"<span class="item"><svg width="26" height="14" aria-hidden="true"><rect class="{class}" x="2" y="2" width="22" height="10"/></svg>{meaning}</span>"#
    )
}

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
    out.push_str("<p class=\"legend\"><span class=\"item\"><span class=\"swatch sentence covered\"></span>encoded by a rule</span><span class=\"item\"><span class=\"swatch sentence marked\"></span>marked non-normative</span><span class=\"item\"><span class=\"swatch sentence uncovered\"></span>not encoded</span> Each block of the encoding stands beside the first sentence it quotes.</p>\n");
    let Some(coverage) = analysis.coverage().first() else {
        out.push_str("<p>The policy names no source text.</p>\n");
        for block in &blocks {
            block_html(out, block, &[]);
        }
        return;
    };
    // The sentences each block quotes, and the blocks each sentence has
    // beside it (those whose first quoted sentence it is).
    let mut quotes: Vec<Vec<usize>> = vec![Vec::new(); blocks.len()];
    let mut by_sentence: Vec<Vec<usize>> = Vec::with_capacity(coverage.sentences.len());
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
        by_sentence.push(by);
    }
    let _ = writeln!(
        out,
        "<div class=\"row\"><div><h3>{}</h3></div><div><h3>The encoding</h3></div></div>",
        escape(&coverage.scope())
    );
    for (i, (sentence, by)) in coverage.sentences.iter().zip(&by_sentence).enumerate() {
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
        let _ = write!(
            out,
            "<div class=\"row\"><div><p class=\"sentence {class}\" id=\"s{}\"><span class=\"clause\">§ {}</span>{} {}</p></div><div>",
            i + 1,
            escape(&sentence.clause),
            escape(&sentence.text),
            if links.is_empty() {
                String::new()
            } else {
                format!("— {}", links.join(", "))
            }
        );
        for j in by {
            let (Some(block), Some(quoted)) = (blocks.get(*j), quotes.get(*j)) else {
                continue;
            };
            if quoted.first() == Some(&i) {
                block_html(out, block, quoted);
            }
        }
        out.push_str("</div></div>\n");
    }
    // Blocks that quote no sentence of the text, after it.
    let unquoted: Vec<&Block> = blocks
        .iter()
        .zip(&quotes)
        .filter(|(_, q)| q.is_empty())
        .map(|(b, _)| b)
        .collect();
    if !unquoted.is_empty() {
        out.push_str(
            "<div class=\"row\"><div><p class=\"meta\">Blocks that quote no sentence of the text:</p></div><div>",
        );
        for block in unquoted {
            block_html(out, block, &[]);
        }
        out.push_str("</div></div>\n");
    }
}

/// One block of the encoding, linked to the sentences it quotes.
fn block_html(out: &mut String, block: &Block, sentences: &[usize]) {
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

fn chair_section(out: &mut String, bundle: &ir::Bundle, report: &Report, axis: &Axis) {
    out.push_str("<h2 id=\"chair\">Chair</h2>\n<p>Top: the chair the rules derive, one bar per term. Bottom: the chair as the history records it, from each recorded taking of office to the next.</p>\n");
    out.push_str("<p class=\"legend\">");
    for (class, meaning) in [
        ("term", "a term as the rules derive it"),
        ("term vacant", "vacant"),
        (
            "term departs",
            "the record departs from the rules in this term (a finding)",
        ),
        (
            "term apart",
            "the record runs apart from the rules' sequence since an earlier departure",
        ),
        ("term approximate", "a bound rests on a record dated only approximately"),
        ("office", "the chair as recorded"),
        ("office vacant", "recorded vacant"),
        ("window", "the days the sources allow for a recorded change"),
    ] {
        out.push_str(&swatch(class, meaning));
    }
    out.push_str("</p>\n");
    let height = 110.0;
    let _ = write!(
        out,
        r#"<svg class="chair" width="{}" height="{height}" viewBox="0 0 {} {height}" role="img" aria-label="chair timeline">"#,
        axis.left + axis.width + 20.0,
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
        let mut class = String::from("term");
        if term.chairs.is_empty() {
            class.push_str(" vacant");
        }
        // The marks of the table's "recorded" cell, the same terms.
        if let Some(mark) = departure(term) {
            class.push(' ');
            class.push_str(mark);
        }
        if term.bounds_approximate {
            class.push_str(" approximate");
        }
        let _ = write!(
            out,
            r#"<rect class="{class}" x="{x1:.1}" y="20" width="{:.1}" height="20" data-chair="{}"><title>{} to {}: {}</title></rect>"#,
            (x2 - x1 - 1.0).max(1.0),
            escape(&who),
            term.start,
            end_of(term.end),
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
    // Each recorded office from the last day its record allows to the
    // first the next one allows; between, the window the sources leave.
    let offices = bundle.history.recorded_office_windows();
    let name = |party: Option<ir::PartyId>| {
        party.map_or_else(
            || "vacant".to_string(),
            |p| {
                bundle
                    .parties
                    .get(p as usize)
                    .map_or_else(String::new, |x| x.id.clone())
            },
        )
    };
    for (i, office) in offices.iter().enumerate() {
        let end = offices.get(i + 1).map_or(axis.to, |next| next.earliest);
        let who = name(office.party);
        let taken = if office.earliest < office.latest {
            let (w1, w2) = (axis.x(office.earliest), axis.x(office.latest.saturating_add(1)));
            let _ = write!(
                out,
                r#"<rect class="window" x="{w1:.1}" y="53" width="{:.1}" height="24"><title>{} took office between {} and {}</title></rect>"#,
                (w2 - w1).max(2.0),
                escape(&who),
                date::format(office.earliest),
                date::format(office.latest)
            );
            format!(
                "between {} and {}",
                date::format(office.earliest),
                date::format(office.latest)
            )
        } else {
            date::format(office.earliest)
        };
        let (x1, x2) = (axis.x(office.latest.max(office.earliest)), axis.x(end));
        let _ = write!(
            out,
            r#"<rect class="office{}" x="{x1:.1}" y="55" width="{:.1}" height="20"><title>{} from {taken}</title></rect>"#,
            if office.party.is_none() { " vacant" } else { "" },
            (x2 - x1 - 1.0).max(1.0),
            escape(&who),
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
    out.push_str("</svg>\n<table class=\"chair\"><tr><th>term</th><th>the rules' chair</th><th>recorded</th></tr>\n");
    for term in &report.chair {
        let _ = writeln!(
            out,
            "<tr><td>{} to {}{}</td><td>{}</td><td{}>{}</td></tr>",
            term.start,
            end_of(term.end),
            if term.bounds_approximate {
                " <span class=\"meta\" title=\"a bound rests on a record dated only approximately\">(approximate)</span>"
            } else {
                ""
            },
            escape(&if term.chairs.is_empty() {
                "vacant".to_string()
            } else {
                term.chairs.join(" and ")
            }),
            departure(term).map_or_else(String::new, |mark| format!(
                " class=\"{}\"",
                if mark == "departs" { "violation" } else { mark }
            )),
            escape(&term.recorded.join(", "))
        );
    }
    out.push_str("</table>\n");
}

/// An open-ended term has no end day: it is in office.
fn end_of(end: date::IsoDay) -> String {
    if end.0 >= date::LAST {
        "in office".to_string()
    } else {
        end.to_string()
    }
}

/// How a term departs from the rules, as the chart and the table mark it:
/// `departs` where a finding on the chair falls in it, `apart` where the
/// record only runs apart from the rules' sequence since an earlier
/// departure.
fn departure(term: &crate::report::TermRow) -> Option<&'static str> {
    if term.new_departure {
        Some("departs")
    } else if term.departs {
        Some("apart")
    } else {
        None
    }
}

fn parties_section(out: &mut String, bundle: &ir::Bundle, report: &Report, axis: &Axis) {
    out.push_str("<h2 id=\"parties\">Parties</h2>\n<p>Each party's status over time: the upper bar as the rules derive it, the lower as the history records it.</p>\n<p class=\"legend\">");
    for (class, meaning) in [
        ("member", "member"),
        ("pending", "pending (silence procedure)"),
        ("observer", "observer"),
        ("invited", "invited"),
        ("suspended", "suspended"),
        ("none", "no status"),
        ("none departs", "the recorded status differs from the rules'"),
        ("window", "the days the sources allow for a change of status"),
    ] {
        out.push_str(&swatch(class, meaning));
    }
    out.push_str("</p>\n");
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
        let id = bundle.parties.iter().position(|p| p.id == party.party);
        for (i, period) in party.periods.iter().enumerate() {
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
                escape(&period.from_as.clone().unwrap_or_else(|| period.from.to_string()))
            );
            // A start the sources date only approximately: the days they
            // allow, between the period before and this one's end.
            let previous = i.checked_sub(1).and_then(|j| party.periods.get(j)).map(|p| p.from.0);
            let window = id.and_then(|id| {
                let record = crate::report::membership_record(bundle, id as ir::PartyId, from)?;
                let precision = record.provenance.precision;
                (!precision.is_exact()).then(|| precision.window(from, previous, period.until.map(|u| u.0)))
            });
            if let Some((earliest, latest)) = window.filter(|(e, l)| e < l) {
                let (w1, w2) = (axis.x(earliest), axis.x(latest.saturating_add(1)));
                let _ = write!(
                    out,
                    r#"<rect class="window" x="{w1:.1}" y="{:.1}" width="{:.1}" height="11"><title>{}: {} from between {} and {}</title></rect>"#,
                    y - 1.0,
                    (w2 - w1).max(2.0),
                    escape(&party.party),
                    escape(&period.status),
                    date::format(earliest),
                    date::format(latest)
                );
            }
        }
        let Some(id) = id else {
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
    // In date order (the report groups them by kind).
    let mut findings: Vec<_> = report.findings.iter().collect();
    findings.sort_by_key(|f| f.day.0);
    let class_of = |f: &crate::report::Finding| match f.severity {
        Severity::Violation => "violation",
        Severity::Advisory => "advisory",
        Severity::Note => "note",
    };
    // Grouped by code first: how many, when, and a link to the first.
    // (code, severity, count, the first's row and day)
    let mut codes: Vec<(&str, &str, usize, usize, String)> = Vec::new();
    for (i, f) in findings.iter().enumerate() {
        match codes.iter_mut().find(|c| c.0 == f.code) {
            Some(code) => code.2 += 1,
            None => codes.push((&f.code, class_of(f), 1, i, f.day.to_string())),
        }
    }
    codes.sort_by(|a, b| {
        (a.1 != "violation", a.1 != "advisory", a.0).cmp(&(b.1 != "violation", b.1 != "advisory", b.0))
    });
    if !codes.is_empty() {
        out.push_str("<table class=\"codes\"><tr><th>code</th><th>severity</th><th>findings</th><th>first</th></tr>\n");
        for (code, class, count, first, day) in &codes {
            let _ = writeln!(
                out,
                "<tr><td><code>{}</code></td><td><span class=\"{class}\">{class}</span></td><td>{count}</td><td><a href=\"#f{}\">{day}</a></td></tr>",
                escape(code),
                first + 1
            );
        }
        out.push_str("</table>\n<h3>In date order</h3>\n");
    }
    out.push_str("<table class=\"findings\"><tr><th>day</th><th>finding</th><th>code</th><th>sources</th></tr>\n");
    for (i, f) in findings.iter().enumerate() {
        let class = class_of(f);
        let _ = writeln!(
            out,
            "<tr id=\"f{}\"><td>{}</td><td><span class=\"{class}\">{class}</span> {}</td><td><code>{}</code></td><td>{}</td></tr>",
            i + 1,
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
    // The first address, of either scheme (an archived page's address
    // holds the original's).
    while let Some(at) = [rest.find("http://"), rest.find("https://")]
        .into_iter()
        .flatten()
        .min()
    {
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
        // An archived page's address holds the original's: one link.
        assert_eq!(
            linked("https://web.archive.org/web/2016/http://example.org/a"),
            "<a href=\"https://web.archive.org/web/2016/http://example.org/a\" rel=\"noreferrer\">https://web.archive.org/web/2016/http://example.org/a</a>"
        );
    }

    #[test]
    fn markup_is_escaped() {
        assert_eq!(
            escape("<a href=\"x\">&</a>"),
            "&lt;a href=&quot;x&quot;&gt;&amp;&lt;/a&gt;"
        );
    }
}
