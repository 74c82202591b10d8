//! `charter doc` checked in a real browser: the Almaty page opened in
//! headless Chromium renders (its script ran), has one chair bar per term
//! of the report, no broken link, and the coverage colours; a screenshot
//! is written to target/charter-doc/almaty.png for review. Needs
//! `chromium` (or the browser `CHROMIUM` names).

#![allow(
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "a test stops at the first thing that is not as it should be"
)]

use std::path::Path;
use std::process::Command;

fn charter(args: &[&str]) -> String {
    let output = Command::new(env!("CARGO_BIN_EXE_charter"))
        .args(args)
        .current_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join(".."))
        .output()
        .expect("charter runs");
    assert!(
        output.status.success(),
        "charter {args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn chromium(args: &[&str]) -> String {
    let browser = std::env::var("CHROMIUM").unwrap_or_else(|_| "chromium".to_string());
    let output = Command::new(&browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--no-first-run",
        ])
        .args(args)
        .output()
        .unwrap_or_else(|e| {
            panic!("`{browser}` must be installed to test the HTML page (.ci/run installs Debian's chromium): {e}")
        });
    assert!(
        output.status.success(),
        "{browser}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// The value of `name="..."` in an HTML tag.
fn attribute<'a>(tag: &'a str, name: &str) -> Option<&'a str> {
    let start = tag.find(&format!("{name}=\""))? + name.len() + 2;
    tag[start..].split('"').next()
}

#[test]
fn the_almaty_page_renders_in_chromium() {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let out = repo.join("target/charter-doc");
    let out_s = out.display().to_string();
    charter(&["doc", "policies/almaty", "-o", &out_s, "--until", "2026-01-01"]);
    let report: serde_json::Value = serde_json::from_str(&charter(&[
        "report",
        "policies/almaty",
        "--until",
        "2026-01-01",
        "--format",
        "json",
    ]))
    .expect("report JSON");
    let terms = report["chair"].as_array().expect("chair").len();
    assert!(terms >= 6, "{terms}");

    let page = out.join("index.html");
    let url = format!("file://{}", page.canonicalize().expect("page").display());
    let dom = chromium(&["--dump-dom", &url]);
    let body = dom
        .split("<body")
        .nth(1)
        .and_then(|b| b.split('>').next())
        .expect("a body");
    assert_eq!(
        attribute(body, "data-rendered"),
        Some("yes"),
        "the page's script ran: {body}"
    );
    assert_eq!(
        attribute(body, "data-terms"),
        Some(terms.to_string().as_str()),
        "one bar per term"
    );
    assert_eq!(attribute(body, "data-broken-links"), Some("0"), "every link resolves");
    let offices = report["recorded_chair"].as_array().expect("recorded chair").len();
    assert_eq!(
        attribute(body, "data-offices"),
        Some(offices.to_string().as_str()),
        "one bar per recorded office"
    );
    assert_eq!(
        attribute(body, "data-overflow"),
        Some("no"),
        "nothing runs off the side of the window"
    );
    // Auditor first: the findings come before the timelines and the text,
    // in date order, their sources' addresses as links; an open-ended
    // term is in office, not until 9999-12-31.
    let at = |what: &str| dom.find(what).unwrap_or_else(|| panic!("the page has no `{what}`"));
    assert!(at("id=\"findings\"") < at("id=\"chair\"") && at("id=\"chair\"") < at("id=\"text\""));
    assert!(dom.contains("<a href=\"http"), "a finding's source is a link");
    assert!(!dom.contains("9999-12-31"), "no end-of-calendar day on the page");
    let findings = dom.split("class=\"findings\"").nth(1).unwrap_or_default();
    let days: Vec<&str> = findings
        .split("<tr><td>")
        .skip(1)
        .filter_map(|row| row.split("</td>").next())
        .take_while(|d| d.len() == 10)
        .collect();
    assert!(
        days.len() > 10 && days.windows(2).all(|w| w[0] <= w[1]),
        "findings in date order: {days:?}"
    );
    for class in ["sentence covered", "sentence marked", "rect class=\"member\""] {
        assert!(dom.contains(class), "the page shows `{class}`");
    }

    let shot = out.join("almaty.png");
    let _ = std::fs::remove_file(&shot);
    chromium(&[
        "--window-size=1400,2400",
        &format!("--screenshot={}", shot.display()),
        &url,
    ]);
    let size = std::fs::metadata(&shot).expect("a screenshot").len();
    assert!(size > 50_000, "the screenshot is {size} bytes");
    println!("screenshot for review: {}", shot.display());
}
