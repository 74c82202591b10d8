//! The API's OpenAPI 3.1 document: the `json openapi` block of
//! docs/server.md, the one copy, served at `/v1/openapi.json`.

use std::sync::OnceLock;

const SERVER_DOC: &str = include_str!("../../docs/server.md");
const OPENING: &str = "```json openapi\n";

/// The document, parsed once.
pub fn document() -> &'static serde_json::Value {
    static DOCUMENT: OnceLock<serde_json::Value> = OnceLock::new();
    DOCUMENT.get_or_init(|| {
        let block = SERVER_DOC
            .split_once(OPENING)
            .and_then(|(_, rest)| rest.split_once("\n```"))
            .map_or("", |(block, _)| block);
        serde_json::from_str(block).unwrap_or_else(
            |e| serde_json::json!({ "error": format!("docs/server.md's OpenAPI block does not parse: {e}") }),
        )
    })
}
