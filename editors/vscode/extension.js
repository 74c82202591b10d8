// Starts `charter lsp` for .charter files (the path from the
// `charter.path` setting): diagnostics, hover, go to definition,
// completion, symbols, formatting and quick fixes come from the server.
const vscode = require("vscode");
const { LanguageClient } = require("vscode-languageclient/node");

let client;

function activate(context) {
  const command = vscode.workspace.getConfiguration("charter").get("path", "charter");
  client = new LanguageClient(
    "charter",
    "Charter",
    { command, args: ["lsp"] },
    { documentSelector: [{ scheme: "file", language: "charter" }] }
  );
  client.start();
  context.subscriptions.push({ dispose: () => client && client.stop() });
}

function deactivate() {
  return client ? client.stop() : undefined;
}

module.exports = { activate, deactivate };
