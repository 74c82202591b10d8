"""Every bad value raises a Python exception with Charter's code; none
crashes the interpreter."""

import datetime

import numpy as np
import pyarrow as pa
import pytest

import charter

DAYS = np.array(["2016-01-01", "2017-01-01"], dtype="datetime64[D]")


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
        (lambda p: p.member(["KAZ"], "2016-01-01"), TypeError, "charter::type-mismatch"),
        (lambda p: p.rule("members", {"not": "a day"}), TypeError, "charter::type-mismatch"),
        (lambda p: p.rule("member", "KAZ", 10**30), TypeError, "charter::type-mismatch"),
        (lambda p: p.prepare("chair(d)")(d=object()), TypeError, "charter::type-mismatch"),
        (lambda p: p.prepare("chair(d)")({1: "2016-01-01"}), TypeError, "charter::type-mismatch"),
        (lambda p: p.prepare("chair(d)")({"d": "2016-01-01"}, d="2016-01-01"), ValueError, "charter::bad-facts"),
        (lambda p: p.prepare("count(x)")(x=10**30), ValueError, "charter::bad-facts"),
        (lambda p: p.prepare("chair(")(), charter.QueryError, None),
        (lambda p: charter.diff(p, 42), TypeError, "charter::type-mismatch"),
        (lambda p: charter.diff(p, "/no/such/policy"), OSError, None),
        # Batches: every bad column.
        (lambda p: p.chair_batch(np.array([20160101])), TypeError, "charter::type-mismatch"),
        (lambda p: p.chair_batch(np.array([1.5])), TypeError, "charter::type-mismatch"),
        (lambda p: p.chair_batch([object()]), TypeError, "charter::type-mismatch"),
        (lambda p: p.chair_batch([datetime.datetime(2016, 1, 1)]), TypeError, "charter::type-mismatch"),
        (lambda p: p.chair_batch(np.array(["2016-01-01T10:00"], dtype="datetime64[m]")), TypeError, "charter::type-mismatch"),
        (lambda p: p.chair_batch(DAYS.reshape(2, 1)), TypeError, "charter::type-mismatch"),
        (lambda p: p.chair_batch(["2016-02-30"]), ValueError, "charter::invalid-date"),
        (lambda p: p.chair_batch(["2016-01-01", "tomorrow!!"]), ValueError, "charter::invalid-date"),
        (lambda p: p.chair_batch(["2016"]), ValueError, "charter::invalid-date"),
        (lambda p: p.chair_batch(np.array(["10000-01-01"], dtype="datetime64[D]")), ValueError, "charter::invalid-date"),
        (lambda p: p.chair_batch(np.array(["-0001-01-01"], dtype="datetime64[D]")), ValueError, "charter::invalid-date"),
        (lambda p: p.chair_batch(pa.array([1, 2])), TypeError, "charter::type-mismatch"),
        (lambda p: p.chair_batch(pa.array(["2016-13-01"])), ValueError, "charter::invalid-date"),
        (lambda p: p.member_batch(["KAZ", "KZG"], DAYS), ValueError, "charter::unknown-party"),
        (lambda p: p.member_batch(pa.array(["KAZ", "KZG"]), DAYS), ValueError, "charter::unknown-party"),
        (lambda p: p.member_batch(np.array([1, 2]), DAYS), TypeError, "charter::type-mismatch"),
        (lambda p: p.member_batch([1, "KAZ"], DAYS), TypeError, "charter::type-mismatch"),
        (lambda p: p.member_batch(pa.array([1, 2]), DAYS), TypeError, "charter::type-mismatch"),
        (lambda p: p.may_attend_batch(["KAZ"], DAYS), ValueError, "charter::batch-lengths"),
        (lambda p: p._days("chair", DAYS.astype("datetime64[s]")), TypeError, "charter::type-mismatch"),
        (lambda p: p._days("chair", DAYS[::-1][::2].astype("datetime64[D]").view("i8")[::1]), None, None),
        (lambda p: p._days("chair", np.arange(10, dtype="i8")[::2]), TypeError, "charter::type-mismatch"),
        (lambda p: p._days("chair", [1, 2]), TypeError, "charter::type-mismatch"),
        (lambda p: p._days("nothing", DAYS), ValueError, "charter::unknown-rule"),
        (lambda p: p._pairs("member", np.array([99], dtype="i4"), DAYS[:1]), ValueError, "charter::unknown-party"),
        (lambda p: p.valid_batch(["ordinary"], ["summit"], DAYS[:1], [[]], [[]]), ValueError, "charter::unknown-meeting"),
        (lambda p: p.valid_batch(["ordinry"], ["ministerial"], DAYS[:1], [[]], [[]]), ValueError, "charter::unknown-decision-kind"),
        (lambda p: p.valid_batch(["ordinary"], ["ministerial"], DAYS[:1], ["KAZ"], [[]]), TypeError, "charter::type-mismatch"),
        (lambda p: p.valid_batch(["ordinary"], ["ministerial"], DAYS[:1], [["KAZ", None]], [[]]), ValueError, "charter::bad-facts"),
        (lambda p: p.valid_batch(["ordinary"], ["ministerial"], DAYS[:1], [["KZG"]], [[]]), ValueError, "charter::unknown-party"),
        (lambda p: p.valid_batch(["ordinary"], ["ministerial"], DAYS, [[]], [[]]), ValueError, "charter::batch-lengths"),
        (lambda p: p.valid_batch(["ordinary"], ["ministerial"], DAYS[:1], pa.array(["KAZ"]), [[]]), TypeError, "charter::type-mismatch"),
        (lambda p: p.valid_batch(["ordinary"], ["ministerial"], DAYS[:1], pa.array([["KAZ", None]]), [[]]), ValueError, "charter::bad-facts"),
        (lambda p: p._valid(np.zeros(1, "i4"), np.zeros(1, "i4"), DAYS[:1].view("i8"), (np.array([0, 2]), np.zeros(1, "i4")), (np.array([0, 0]), np.zeros(0, "i4"))), ValueError, "charter::bad-facts"),
    ],
)
def test_bad_values_raise_with_codes(almaty, call, exception, code):
    if exception is None:  # a case that must not raise
        call(almaty)
        return
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


def test_unknown_party_in_a_column_says_where_and_suggests(almaty):
    for parties in (["KAZ", "KAZ", "KZG"], pa.array(["KAZ", "KAZ", "KZG"])):
        with pytest.raises(charter.CharterValueError) as raised:
            almaty.member_batch(parties, np.resize(DAYS, 3))
        assert raised.value.message == "parties[2]: unknown party `KZG`"
        assert raised.value.help == "did you mean `KGZ`?"


def test_bad_day_in_a_column_says_where(almaty):
    with pytest.raises(charter.CharterValueError) as raised:
        almaty.chair_batch(["2016-01-01", "2016-01-02", "2016-02-30"])
    assert raised.value.message.startswith("days[2]: `2016-02-30`")
