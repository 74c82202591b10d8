//! SARIF output checked against the OASIS SARIF 2.1.0 JSON schema
//! (`tests/fixtures/sarif-schema-2.1.0.json`, the schema the standard
//! publishes, whose `$id` it keeps).

use charter_tests::cases_dir;

/// Fails with every schema error when `sarif` is not valid SARIF 2.1.0.
pub fn assert_valid(sarif: &serde_json::Value) {
    let path = cases_dir().join("../fixtures/sarif-schema-2.1.0.json");
    let schema: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&path).expect("the SARIF schema")).expect("schema JSON");
    let validator = jsonschema::draft7::new(&schema).expect("a valid schema");
    let errors: Vec<String> = validator
        .iter_errors(sarif)
        .map(|e| format!("{} at {}", e, e.instance_path))
        .collect();
    assert!(errors.is_empty(), "not valid SARIF 2.1.0: {errors:#?}");
}

/// The validator catches what it should: a result with no message.
#[test]
fn invalid_sarif_is_rejected() {
    let bad = serde_json::json!({
        "version": "2.1.0",
        "runs": [{ "tool": { "driver": { "name": "charter" } }, "results": [{ "ruleId": "x" }] }]
    });
    let result = std::panic::catch_unwind(|| assert_valid(&bad));
    assert!(result.is_err(), "a result without a message must be rejected");
}

/// `charter check --format sarif` is valid SARIF 2.1.0, one result a
/// diagnostic with its code, level and place.
#[test]
fn check_as_sarif_is_valid() {
    use clap::Parser as _;
    let case = cases_dir().join("check/quote-in-another-clause");
    let cli = charter_cli::Cli::try_parse_from([
        "charter",
        "check",
        case.to_str().expect("a UTF-8 path"),
        "--format",
        "sarif",
    ])
    .expect("the command line parses");
    let (mut out, mut err) = (Vec::new(), Vec::new());
    assert_eq!(charter_cli::run(cli, &mut out, &mut err, false), 1);
    let sarif: serde_json::Value = serde_json::from_slice(&out).expect("JSON on stdout");
    assert_valid(&sarif);
    let results = sarif["runs"][0]["results"].as_array().expect("results");
    assert_eq!(results.len(), 2, "{sarif:#}");
    let error = results
        .iter()
        .find(|r| r["ruleId"] == "charter::quote-in-another-clause")
        .expect("the error");
    assert_eq!(error["level"], "error");
    assert_eq!(error["locations"][0]["physicalLocation"]["region"]["startLine"], 21);
}
