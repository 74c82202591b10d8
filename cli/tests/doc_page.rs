//! `charter doc` checked in a real browser: the Almaty page opened in
//! headless Chromium renders (its script ran), has one chair bar per term
//! of the report, no broken link, and the coverage colours; and every
//! policy's page, at 1,400 and 800 px, has a legend for every mark of its
//! charts, the same departures in the chair chart as in its table, each
//! block beside the sentence it encodes, and nothing running off the
//! window. Screenshots are kept for review as test artefacts in
//! target/charter-doc/ (`POLICY-1400.png`, `POLICY-800.png`). Needs
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
        .split("<tr id=\"f")
        .skip(1)
        .filter_map(|row| row.split("<td>").nth(1)?.split("</td>").next())
        .take_while(|d| d.len() == 10)
        .collect();
    assert!(
        days.len() > 10 && days.windows(2).all(|w| w[0] <= w[1]),
        "findings in date order: {days:?}"
    );
    for class in ["sentence covered", "sentence marked", "rect class=\"member\""] {
        assert!(dom.contains(class), "the page shows `{class}`");
    }

    assert!(dom.contains("<table class=\"codes\">"), "findings grouped by code");
}

/// The `<body>` tag of a page as Chromium leaves it at a window `width`
/// pixels wide, after the page's script ran.
fn body_at(url: &str, width: u32) -> String {
    let dom = chromium(&[&format!("--window-size={width},1200"), "--dump-dom", url]);
    let body = dom
        .split("<body")
        .nth(1)
        .and_then(|b| b.split('>').next())
        .expect("a body")
        .to_string();
    assert_eq!(
        attribute(&body, "data-rendered"),
        Some("yes"),
        "{url}: the script ran: {body}"
    );
    body
}

/// One policy's page, at both widths; a screenshot of each is kept.
fn check_page(repo: &Path, policy: &str) {
    let out = repo.join("target/charter-doc").join(policy);
    charter(&[
        "doc",
        &format!("policies/{policy}"),
        "-o",
        &out.display().to_string(),
        "--until",
        "2026-01-01",
    ]);
    let page = out.join("index.html");
    let url = format!("file://{}", page.canonicalize().expect("page").display());
    let html = std::fs::read_to_string(&page).expect("page");
    assert!(html.contains("class=\"legend\""), "{policy}: a legend");
    let report: serde_json::Value = serde_json::from_str(&charter(&[
        "report",
        &format!("policies/{policy}"),
        "--until",
        "2026-01-01",
        "--format",
        "json",
    ]))
    .expect("report JSON");
    let with_address = report["findings"].as_array().expect("findings").iter().any(|f| {
        f["sources"]
            .as_array()
            .is_some_and(|s| s.iter().any(|s| s.as_str().is_some_and(|s| s.contains("http"))))
    });
    if with_address {
        assert!(
            html.contains("<a href=\"http"),
            "{policy}: a finding's source is a link"
        );
    }
    for width in [1400, 800] {
        let body = body_at(&url, width);
        let at = |name: &str| attribute(&body, name).unwrap_or_default().to_string();
        assert_eq!(
            at("data-broken-links"),
            "0",
            "{policy} at {width} px: every link resolves"
        );
        assert_eq!(at("data-unlegended"), "", "{policy}: marks with no legend");
        assert_eq!(
            at("data-chart-departs"),
            at("data-table-departs"),
            "{policy}: departures outlined in the chart as the table marks them"
        );
        assert_eq!(at("data-chart-apart"), at("data-table-apart"), "{policy}: terms apart");
        assert_eq!(
            at("data-overflow"),
            "no",
            "{policy} at {width} px: nothing runs off the window"
        );
        if width == 1400 {
            let gap: f64 = at("data-misalignment").parse().expect("a number");
            assert!(gap <= 12.0, "{policy}: blocks sit {gap} px from their sentences");
        }
        let shot = repo.join("target/charter-doc").join(format!("{policy}-{width}.png"));
        let _ = std::fs::remove_file(&shot);
        chromium(&[
            &format!("--window-size={width},2400"),
            &format!("--screenshot={}", shot.display()),
            &url,
        ]);
        let size = std::fs::metadata(&shot).expect("a screenshot").len();
        assert!(size > 20_000, "{policy}: the screenshot is {size} bytes");
    }
}

#[test]
fn every_policy_s_page_has_legends_departures_alignment_and_no_overflow() {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut policies: Vec<String> = std::fs::read_dir(repo.join("policies"))
        .expect("policies")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    policies.sort();
    assert!(policies.iter().any(|p| p == "almaty"), "{policies:?}");
    // Two at a time: each page opens Chromium four times.
    let (odd, even): (Vec<_>, Vec<_>) = policies.iter().enumerate().partition(|(i, _)| i % 2 == 1);
    std::thread::scope(|scope| {
        for half in [odd, even] {
            let repo = &repo;
            scope.spawn(move || {
                for (_, policy) in half {
                    check_page(repo, policy);
                }
            });
        }
    });
    println!("screenshots for review: {}", repo.join("target/charter-doc").display());
}
