"""Every bad value raises a Python exception with Charter's code; none
crashes the interpreter."""

import datetime

import pytest

import charter


@pytest.mark.parametrize(
    "call, exception, code",
    [
        (lambda p: p.chair(20160101), TypeError, "charter::type-mismatch"),
        (lambda p: p.chair(None), TypeError, "charter::type-mismatch"),
        (lambda p: p.chair(datetime.datetime(2016, 1, 1)), TypeError, "charter::type-mismatch"),
        (lambda p: p.chair("2016-02-30"), ValueError, "charter::invalid-date"),
        (lambda p: p.chair("yesterday"), ValueError, "charter::invalid-date"),
        (lambda p: p.chair("0000-01-01"), ValueError, "charter::invalid-date"),
        (lambda p: p.status("KZG", "2016-01-01"), ValueError, "charter::unknown-party"),
        (lambda p: p.status(42, "2016-01-01"), TypeError, "charter::type-mismatch"),
        (lambda p: p.member("KAZ"), TypeError, None),
        (lambda p: p.valid("no_such_decision"), ValueError, "charter::unknown-record"),
        (lambda p: p.valid({"kind": "ordinary"}), ValueError, "charter::bad-facts"),
        (lambda p: p.may_attend("IRN", "no_such_meeting"), ValueError, "charter::unknown-record"),
        (lambda p: p.rule("no_such_rule", 1), ValueError, "charter::unknown-rule"),
        (lambda p: p.rule("chair"), TypeError, "charter::wrong-arity"),
        (lambda p: p.rule("chair", "2016-01-01", "2016-01-02"), TypeError, "charter::wrong-arity"),
        (lambda p: p.rule("host_is_chair", {"kind": "nope", "date": "2016-01-01"}), ValueError, "charter::bad-facts"),
        (lambda p: p.prepare("valid(d)")(d={"kind": "ordinary", "objectionz": []}), ValueError, "charter::bad-facts"),
        (lambda p: p.prepare("valid(d)")(d=1.5), TypeError, "charter::type-mismatch"),
        (lambda p: p.prepare("valid(d)")(d={"kind": "ordinary", "meeting": {"kind": "ministerial", "date": "2016-13-01"}}), ValueError, "charter::bad-facts"),
        (lambda p: p.prepare("chair(d)")(KAZ="2016-01-01"), ValueError, "charter::bad-facts"),
        (lambda p: p.report(until="9999-12-31"), ValueError, "charter::horizon-too-far"),
        (lambda p: p.with_backend("gpu"), ValueError, "charter::usage"),
    ],
)
def test_bad_values_raise_with_codes(almaty, call, exception, code):
    with pytest.raises(exception) as raised:
        call(almaty)
    if code is not None:
        assert isinstance(raised.value, charter.CharterError)
        assert raised.value.code == code
        assert code in str(raised.value)


def test_unknown_party_suggests_the_nearest(almaty):
    with pytest.raises(charter.CharterValueError) as raised:
        almaty.status("KZG", "2016-01-01")
    assert raised.value.help == "did you mean `KGZ`?"


def test_a_policy_with_errors_raises_check_error(root):
    # The checker's own case: a misspelt party, with a suggestion.
    text = (root / "tests/cases/check/unknown-party-did-you-mean.charter").read_text(encoding="utf-8")
    with pytest.raises(charter.CheckError) as raised:
        charter.Program.from_files({"policy.charter": text})
    error = raised.value
    assert error.code == "charter::policy-does-not-check"
    codes = [d.code for d in error.diagnostics]
    assert "charter::unknown-party" in codes
    unknown = next(d for d in error.diagnostics if d.code == "charter::unknown-party")
    assert (unknown.file, unknown.severity) == ("policy.charter", "error")
    assert (unknown.line, unknown.column) == (12, 16)
    assert unknown.message == "unknown party `KZG`"
    assert unknown.help == "did you mean `KGZ`?"
    # Rendered as the charter program prints it.
    assert "charter::unknown-party" in str(unknown)
    assert "╭─[policy.charter:12:16]" in str(unknown)
    assert str(unknown) in str(error)


def test_a_missing_folder_raises_a_file_error(tmp_path):
    with pytest.raises(charter.CharterFileError) as raised:
        charter.load(tmp_path / "nothing-here")
    assert isinstance(raised.value, OSError)
    assert raised.value.code.startswith("charter::")


def test_from_files_wants_text():
    with pytest.raises(TypeError):
        charter.Program.from_files({"policy.charter": b"bytes"})
