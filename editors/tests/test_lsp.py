"""`charter lsp` driven by a real LSP client (pytest-lsp): open ->
diagnostics -> hover -> definition -> completion -> formatting -> quick fix,
on a copy of the Almaty policy. `CHARTER` names the binary (default: the
debug build)."""

import asyncio
import os
import pathlib
import shutil

import pytest
import pytest_lsp
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient

REPO = pathlib.Path(__file__).resolve().parents[2]
CHARTER = os.environ.get("CHARTER", str(REPO / "target" / "debug" / "charter"))


@pytest_lsp.fixture(config=ClientServerConfig(server_command=[CHARTER, "lsp"]))
async def client(lsp_client: LanguageClient):
    lsp_client.initialized_with = await lsp_client.initialize_session(
        types.InitializeParams(
            capabilities=types.ClientCapabilities(
                text_document=types.TextDocumentClientCapabilities(
                    hover=types.HoverClientCapabilities(content_format=[types.MarkupKind.Markdown]),
                    publish_diagnostics=types.PublishDiagnosticsClientCapabilities(related_information=True),
                )
            )
        )
    )
    yield
    await lsp_client.shutdown_session()


@pytest.fixture()
def policy(tmp_path):
    folder = tmp_path / "almaty"
    shutil.copytree(REPO / "policies" / "almaty", folder)
    return folder / "modalities-2013.charter"


def position_of(text: str, needle: str, offset: int = 0) -> types.Position:
    index = text.index(needle) + offset
    line = text.count("\n", 0, index)
    character = index - (text.rfind("\n", 0, index) + 1)
    return types.Position(line=line, character=character)


async def until(ready, what: str, seconds: float = 60):
    """Waits until `ready()` holds (diagnostics arrive as notifications)."""
    for _ in range(int(seconds * 20)):
        if ready():
            return
        await asyncio.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


async def open_document(client: LanguageClient, path: pathlib.Path, text: str) -> str:
    uri = path.as_uri()
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(
            text_document=types.TextDocumentItem(uri=uri, language_id="charter", version=1, text=text)
        )
    )
    await until(lambda: uri in client.diagnostics, "diagnostics on open")
    return uri


def errors(client: LanguageClient, uri: str):
    return [d for d in client.diagnostics.get(uri, []) if d.severity == types.DiagnosticSeverity.Error]


async def test_open_hover_definition_completion_formatting(client: LanguageClient, policy: pathlib.Path):
    text = policy.read_text()
    uri = await open_document(client, policy, text)

    # Diagnostics on open: the Almaty text's drafting warnings, with codes.
    diagnostics = client.diagnostics[uri]
    codes = {d.code for d in diagnostics}
    assert "charter::no-quorum" in codes, codes
    # Each is a gap of the text the policy expects (`expect ... because`):
    # a hint, with the reason.
    assert all(d.severity == types.DiagnosticSeverity.Hint for d in diagnostics)
    assert all("expected by the policy: " in d.message for d in diagnostics)

    # A typo on change: an error with its code and range, and a quick fix.
    broken = text.replace("members KAZ, KGZ, TJK,", "members KAZ, KZG, TJK,", 1)
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=2),
            content_changes=[types.TextDocumentContentChangeWholeDocument(text=broken)],
        )
    )
    await until(lambda: errors(client, uri), "the error on change")
    found = errors(client, uri)
    assert [d.code for d in found] == ["charter::unknown-party"], found
    error = found[0]
    assert error.range.start == position_of(broken, "KZG"), error.range
    actions = await client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            range=error.range,
            context=types.CodeActionContext(diagnostics=[error]),
        )
    )
    assert actions and actions[0].edit.changes[uri][0].new_text == "KGZ", actions

    # Back to the text as it was.
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=3),
            content_changes=[types.TextDocumentContentChangeWholeDocument(text=text)],
        )
    )
    await until(lambda: not errors(client, uri), "the error to go")

    # Hover on a party: its names and its status today.
    hover = await client.text_document_hover_async(
        types.HoverParams(text_document=types.TextDocumentIdentifier(uri=uri), position=position_of(text, "TUR", 1))
    )
    assert "Republic of Türkiye" in hover.contents.value and "status today" in hover.contents.value, hover
    # Hover on a quote: the sentence of the source text and its clause.
    hover = await client.text_document_hover_async(
        types.HoverParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            position=position_of(text, "The term of office will be two years.", 4),
        )
    )
    assert "§ 3.ii" in hover.contents.value, hover
    # Hover on a built-in query: its signature and meaning.
    hover = await client.text_document_hover_async(
        types.HoverParams(text_document=types.TextDocumentIdentifier(uri=uri), position=position_of(text, "chair(m.date)", 1))
    )
    assert "chair(date: date): party" in hover.contents.value and "docs/semantics.md" in hover.contents.value, hover
    # Its signature and first sentence, not the whole section.
    assert len(hover.contents.value) < 800, len(hover.contents.value)

    # Hover on a rule: its signature and the clause it encodes.
    hover = await client.text_document_hover_async(
        types.HoverParams(text_document=types.TextDocumentIdentifier(uri=uri), position=position_of(text, "host_is_chair", 2))
    )
    assert "rule host_is_chair(m: meeting): bool" in hover.contents.value and "§ 3.ii" in hover.contents.value, hover

    # Definition: a party used in a statement goes to its declaration.
    use = text.index("members KAZ") + len("members ")
    found = await client.text_document_definition_async(
        types.DefinitionParams(text_document=types.TextDocumentIdentifier(uri=uri), position=position_of(text, "KAZ", use - text.index("KAZ")))
    )
    assert found and found[0].range.start == position_of(text, "KAZ"), found
    # From a quote to the sentence in the legal text.
    found = await client.text_document_definition_async(
        types.DefinitionParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            position=position_of(text, "The term of office will be two years.", 4),
        )
    )
    assert found and found[0].uri.endswith("operating-modalities-2013.txt"), found

    # From a `§` citation to the clause's heading in the legal text.
    found = await client.text_document_definition_async(
        types.DefinitionParams(
            text_document=types.TextDocumentIdentifier(uri=uri), position=position_of(text, "§ 3.ii chairmanship", 3)
        )
    )
    assert found and found[0].uri.endswith("operating-modalities-2013.txt"), found
    legal = (policy.parent / "source" / "operating-modalities-2013.txt").read_text().splitlines()
    assert legal[found[0].range.start.line].lstrip().startswith("ii."), legal[found[0].range.start.line]

    # Completion: party codes, keywords, clause numbers.
    completion = await client.text_document_completion_async(
        types.CompletionParams(text_document=types.TextDocumentIdentifier(uri=uri), position=types.Position(line=0, character=0))
    )
    labels = {item.label for item in (completion.items if hasattr(completion, "items") else completion)}
    assert {"KAZ", "UZB", "ministerial", "members", "3.ii", "chair"} <= labels, sorted(labels)[:40]

    # Document symbols: the clause blocks.
    symbols = await client.text_document_document_symbol_async(
        types.DocumentSymbolParams(text_document=types.TextDocumentIdentifier(uri=uri))
    )
    assert any(s.name == "§ 3.ii chairmanship" for s in symbols), [s.name for s in symbols]

    # Formatting through `charter fmt`: a disturbed layout comes back canonical.
    messy = text.replace("  members KAZ, KGZ", "      members   KAZ,   KGZ", 1)
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=4),
            content_changes=[types.TextDocumentContentChangeWholeDocument(text=messy)],
        )
    )
    edits = await client.text_document_formatting_async(
        types.DocumentFormattingParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            options=types.FormattingOptions(tab_size=2, insert_spaces=True),
        )
    )
    assert len(edits) == 1 and edits[0].new_text == text, edits


async def test_answers_while_the_folder_has_errors(client: LanguageClient, policy: pathlib.Path):
    """A drafter mistypes one party on a `members` line: the error is
    reported, and every other name still answers hover, definition and
    completion (the name table is kept whatever else fails)."""
    text = policy.read_text().replace("members KAZ, KGZ, TJK,", "members KAZ, KZG, TJK,", 1)
    uri = await open_document(client, policy, text)
    await until(lambda: errors(client, uri), "the error on open")
    found = errors(client, uri)
    assert [d.code for d in found] == ["charter::unknown-party"], found
    assert found[0].range.start == position_of(text, "KZG"), found[0].range

    # Hover on KGZ in its `state` line: its names, and no status made up.
    hover = await client.text_document_hover_async(
        types.HoverParams(
            text_document=types.TextDocumentIdentifier(uri=uri), position=position_of(text, 'state KGZ "', 7)
        )
    )
    assert hover is not None, "no hover while the folder has errors"
    assert "Kyrgyz Republic" in hover.contents.value, hover
    assert "not known while the folder has errors" in hover.contents.value, hover
    # What the history records of it answers from the records that resolved,
    # and the statement with the error is counted, not shown.
    assert "took the chair between 2016-10-01 and 2016-11-30" in hover.contents.value, hover
    assert "do not resolve while the folder has errors: 1" in hover.contents.value, hover
    # Hover on a rule: the clause it encodes.
    hover = await client.text_document_hover_async(
        types.HoverParams(text_document=types.TextDocumentIdentifier(uri=uri), position=position_of(text, "host_is_chair", 2))
    )
    assert hover is not None and "§ 3.ii" in hover.contents.value, hover

    # Definition of a party used after the error goes to its declaration.
    use = text.index("members KAZ, KZG, TJK,") + len("members KAZ, KZG, ")
    found = await client.text_document_definition_async(
        types.DefinitionParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            position=position_of(text, "TJK", use - text.index("TJK")),
        )
    )
    assert found and found[0].range.start == position_of(text, "TJK"), found

    # Hover on a recorded meeting in the history file (not open; read from
    # disk): what the history records of it, from the records that resolve.
    history = policy.parent / "history.charter"
    history_text = history.read_text()
    hover = await client.text_document_hover_async(
        types.HoverParams(
            text_document=types.TextDocumentIdentifier(uri=history.as_uri()),
            position=position_of(history_text, "meeting som_2016 {", len("meeting ") + 2),
        )
    )
    assert hover is not None, "no hover on a recorded meeting while the folder has errors"
    assert "senior_officials" in hover.contents.value and "2016-09-19" in hover.contents.value, hover
    assert "host KAZ" in hover.contents.value, hover

    # Completion still offers the folder's names.
    completion = await client.text_document_completion_async(
        types.CompletionParams(text_document=types.TextDocumentIdentifier(uri=uri), position=types.Position(line=0, character=0))
    )
    labels = {item.label for item in (completion.items if hasattr(completion, "items") else completion)}
    assert {"KAZ", "KGZ", "UZB", "ministerial", "host_is_chair"} <= labels, sorted(labels)[:40]


async def test_references_highlight_and_rename(client: LanguageClient, policy: pathlib.Path):
    text = policy.read_text()
    history = (policy.parent / "history.charter").read_text()
    uri = await open_document(client, policy, text)
    history_uri = (policy.parent / "history.charter").as_uri()
    at_kgz = position_of(text, "members KAZ, KGZ", len("members KAZ, "))

    # References: the declaration and every use, across the folder's files.
    refs = await client.text_document_references_async(
        types.ReferenceParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            position=at_kgz,
            context=types.ReferenceContext(include_declaration=True),
        )
    )
    in_policy = [r for r in refs if r.uri == uri]
    in_history = [r for r in refs if r.uri == history_uri]
    # Every whole word KGZ of the policy outside comments and strings.
    assert len(in_policy) >= 2 and len(in_history) >= 1, refs
    assert all(r.range.end.character - r.range.start.character == 3 for r in refs), refs
    without = await client.text_document_references_async(
        types.ReferenceParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            position=at_kgz,
            context=types.ReferenceContext(include_declaration=False),
        )
    )
    assert len(without) == len(refs) - 1, (len(without), len(refs))

    # Highlight: the uses in this document only.
    highlights = await client.text_document_document_highlight_async(
        types.DocumentHighlightParams(text_document=types.TextDocumentIdentifier(uri=uri), position=at_kgz)
    )
    assert len(highlights) == len(in_policy), highlights

    # Rename: every place at once, in both files.
    edit = await client.text_document_rename_async(
        types.RenameParams(text_document=types.TextDocumentIdentifier(uri=uri), position=at_kgz, new_name="KYR")
    )
    assert len(edit.changes[uri]) == len(in_policy) and len(edit.changes[history_uri]) == len(in_history), edit
    assert all(e.new_text == "KYR" for e in edit.changes[uri])

    # A name already defined, or a keyword, is refused with why.
    for bad, why in [("KAZ", "already defined"), ("members", "keyword"), ("1x", "not a name")]:
        with pytest.raises(Exception, match=why):
            await client.text_document_rename_async(
                types.RenameParams(text_document=types.TextDocumentIdentifier(uri=uri), position=at_kgz, new_name=bad)
            )

    # On no name the folder defines: nothing.
    nothing = await client.text_document_references_async(
        types.ReferenceParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            position=position_of(text, "members KAZ", 2),
            context=types.ReferenceContext(include_declaration=True),
        )
    )
    assert not nothing, nothing
    assert "KGZ" in history


async def test_signature_help(client: LanguageClient, policy: pathlib.Path):
    text = policy.read_text()
    uri = await open_document(client, policy, text)
    # Inside `chair(m.date)`: the built-in's signature, at its one argument.
    help = await client.text_document_signature_help_async(
        types.SignatureHelpParams(
            text_document=types.TextDocumentIdentifier(uri=uri), position=position_of(text, "chair(m.date)", 6)
        )
    )
    assert help and help.signatures[0].label == "chair(date: date): party", help
    assert help.active_parameter == 0 and [p.label for p in help.signatures[0].parameters] == ["date: date"], help
    # Outside any call: nothing.
    none = await client.text_document_signature_help_async(
        types.SignatureHelpParams(
            text_document=types.TextDocumentIdentifier(uri=uri), position=position_of(text, "members KAZ", 2)
        )
    )
    assert none is None, none


async def test_semantic_tokens(client: LanguageClient, policy: pathlib.Path):
    text = policy.read_text()
    uri = await open_document(client, policy, text)
    result = await client.text_document_semantic_tokens_full_async(
        types.SemanticTokensParams(text_document=types.TextDocumentIdentifier(uri=uri))
    )
    legend = client.initialized_with.capabilities.semantic_tokens_provider.legend.token_types
    lines = text.split("\n")
    tokens, line, start = {}, 0, 0
    data = result.data
    for i in range(0, len(data), 5):
        delta_line, delta_start, length, kind = data[i : i + 4]
        line += delta_line
        start = start + delta_start if delta_line == 0 else delta_start
        word = lines[line][start : start + length]
        tokens.setdefault(legend[kind], set()).add(word)
    assert {"KAZ", "KGZ", "TJK"} <= tokens["enumMember"], tokens.get("enumMember")
    assert "members" in tokens["keyword"] and "chair" in tokens["function"], tokens
    assert "host_is_chair" in tokens["function"], tokens["function"]
    assert "2013-06-05" in tokens["number"], tokens["number"]
    assert "3.ii" in tokens["namespace"], tokens["namespace"]
    assert any(w.startswith('"') for w in tokens["string"])
    assert any(w.startswith("//") for w in tokens["comment"])


async def test_inlay_hints(client: LanguageClient, policy: pathlib.Path):
    history_path = policy.parent / "history.charter"
    history = history_path.read_text()
    uri = await open_document(client, history_path, history)
    lines = history.split("\n")
    hints = await client.text_document_inlay_hint_async(
        types.InlayHintParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            range=types.Range(start=types.Position(line=0, character=0), end=types.Position(line=len(lines), character=0)),
        )
    )
    # After each recorded meeting's date: the chair the rules derive then.
    chairs = [h for h in hints if str(h.label).startswith("chair ")]
    assert chairs, hints
    for hint in chairs:
        assert lines[hint.position.line].strip().startswith("date "), (hint, lines[hint.position.line])
    # The 2016-09-19 Senior Officials' Meeting: KGZ held the chair then.
    at = [h for h in chairs if "2016-09-19" in lines[h.position.line]]
    assert at and at[0].label == "chair KGZ", at
