"""Batches: the built-in queries over numpy, pyarrow and Polars columns,
evaluated natively, answer as the interpreter answers one call at a time
(unknown answers masked or null, never False or "")."""

import datetime
import threading

import numpy as np
import pyarrow as pa
import polars as pl
import pytest

import charter

from conftest import ROOT


@pytest.fixture(scope="module")
def puebla():
    # Its history dates a chair's taking of office and the Dominican
    # Republic's joining only by windows: some answers are unknown.
    return charter.load(ROOT / "policies" / "puebla")


def every_day(first, last, step=1):
    return np.arange(np.datetime64(first), np.datetime64(last), step)


def scalar(answer):
    """A scalar answer as a batch gives it: unknown as masked."""
    if isinstance(answer, charter.Unknown):
        return np.ma.masked
    return "" if answer is None else answer


@pytest.mark.parametrize("policy", ["almaty", "puebla"])
def test_chair_batch_answers_as_each_call(policy):
    program = charter.load(ROOT / "policies" / policy)
    days = every_day("1990-01-01", "2040-01-01", 3)
    answers = program.chair_batch(days)
    assert isinstance(answers, np.ma.MaskedArray) and len(answers) == len(days)
    for day, answer in zip(days.tolist(), answers):
        assert answer is scalar(program.chair(day)) or answer == scalar(program.chair(day)), day


def test_unknown_answers_are_masked(puebla):
    days = every_day("1996-01-01", "2026-01-01")
    chairs = puebla.chair_batch(days)
    masked = np.ma.getmaskarray(chairs)
    assert masked.any()
    first = days[masked][0].item()
    assert isinstance(puebla.chair(first), charter.Unknown)
    members = puebla.member_batch(np.full(len(days), "DOM"), days)
    masked = np.ma.getmaskarray(members)
    assert masked.any()
    for day in days[masked][::50].tolist():
        assert isinstance(puebla.member("DOM", day), charter.Unknown)


def test_terms_are_days(almaty):
    days = np.array(["2010-01-01", "2016-01-01"], dtype="datetime64[D]")
    ends = almaty.term_end_batch(days)
    assert ends.dtype == np.dtype("datetime64[D]")
    assert np.isnat(ends[0])
    assert ends[1] == np.datetime64("2017-08-31")
    assert almaty.term_start_batch(days)[1] == np.datetime64("2015-08-31")


def test_days_as_strings_dates_and_missing(almaty):
    expected = ["KGZ", "TJK"]
    assert almaty.chair_batch(["2016-01-01", "2017-09-01"]).tolist() == expected
    assert almaty.chair_batch([datetime.date(2016, 1, 1), datetime.date(2017, 9, 1)]).tolist() == expected
    # A missing day (NaT, "", None) has a missing answer.
    answers = almaty.chair_batch(np.array(["2016-01-01", "NaT"], dtype="datetime64[D]"))
    assert answers.tolist() == ["KGZ", None]
    assert almaty.chair_batch(["2016-01-01", ""]).tolist() == ["KGZ", None]
    assert almaty.chair_batch([None, datetime.date(2016, 1, 1)]).tolist() == [None, "KGZ"]
    # No chair before the first term is "", not missing.
    assert almaty.chair_batch(["2010-01-01"]).tolist() == [""]
    assert almaty.chair_batch(np.array([], dtype="datetime64[D]")).tolist() == []


def test_member_and_may_attend_batches(almaty):
    rng = np.random.default_rng(7)
    parties = rng.choice(np.array(almaty.parties), 3000)
    days = rng.integers(np.datetime64("2012-01-01").astype(int), np.datetime64("2030-01-01").astype(int), 3000)
    days = days.astype("datetime64[D]")
    members = almaty.member_batch(parties, days)
    attending = almaty.may_attend_batch(parties, days)
    for party, day, member, attend in zip(parties.tolist(), days.tolist(), members, attending):
        assert member is scalar(almaty.member(party, day)) or member == almaty.member(party, day)
        meeting = {"kind": "senior_officials", "date": day.isoformat()}
        expected = almaty.may_attend(party, meeting)
        assert attend is scalar(expected) or attend == expected, (party, day)


@pytest.mark.parametrize("policy", ["almaty", "puebla"])
def test_status_batch_answers_as_each_call(policy):
    program = charter.load(ROOT / "policies" / policy)
    days = every_day("1995-01-01", "2030-01-01", 7)
    parties = np.resize(np.array(program.parties), len(days))
    statuses = program.status_batch(parties, days)
    masked = 0
    for party, day, status in zip(parties.tolist(), days.tolist(), statuses):
        expected = program.status(party, day)
        if isinstance(expected, charter.Unknown):
            masked += 1
            assert status is np.ma.masked, (party, day)
        else:
            assert status == expected, (party, day)
    arrow = program.status_batch(pa.array(parties), pa.array(days))
    assert arrow.to_pylist() == statuses.tolist()
    if policy == "almaty":  # IRN's observer status is dated by a window
        assert program.status_batch(["IRN"], ["2013-07-01"]).tolist() == [None]


def test_arrow_in_arrow_out(almaty):
    days = pa.array([datetime.date(2016, 1, 1), None, datetime.date(2010, 1, 1)])
    chairs = almaty.chair_batch(days)
    assert isinstance(chairs, pa.Array)
    assert chairs.to_pylist() == ["KGZ", None, ""]
    chunked = pa.chunked_array([days, days])
    assert almaty.chair_batch(chunked).to_pylist() == ["KGZ", None, ""] * 2
    parties = pa.array(["KAZ", "IRN", None])
    members = almaty.member_batch(parties, pa.array([datetime.date(2016, 1, 1)] * 3))
    assert members.to_pylist() == [True, False, None]
    ends = almaty.term_end_batch(pa.array(["2016-01-01", "2010-01-01"]))
    assert ends.type == pa.date32()
    assert ends.to_pylist() == [datetime.date(2017, 8, 31), None]


def test_polars_in_polars_out(almaty):
    days = pl.Series("day", [datetime.date(2016, 1, 1), None])
    chairs = almaty.chair_batch(days)
    assert isinstance(chairs, pl.Series)
    assert chairs.name == "day"
    assert chairs.to_list() == ["KGZ", None]


def test_a_program_is_shared_by_threads(almaty):
    days = every_day("2013-01-01", "2100-01-01")
    parties = np.resize(np.array(almaty.parties), len(days))
    expected_chairs = almaty.chair_batch(days).tolist()
    expected_members = almaty.member_batch(parties, days).tolist()
    expected_scalar = [almaty.chair(d) for d in days[::400].tolist()]
    failures = []

    def work():
        try:
            for _ in range(3):
                assert almaty.chair_batch(days).tolist() == expected_chairs
                assert almaty.member_batch(parties, days).tolist() == expected_members
                assert [almaty.chair(d) for d in days[::400].tolist()] == expected_scalar
        except BaseException as error:  # noqa: BLE001 (reported below)
            failures.append(error)

    threads = [threading.Thread(target=work) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []


def test_native_code_compiled_once_by_racing_threads():
    program = charter.load(ROOT / "policies" / "almaty")  # fresh: no native code yet
    days = every_day("2013-01-01", "2020-01-01")
    results = []
    threads = [threading.Thread(target=lambda: results.append(program.chair_batch(days).tolist())) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(results) == 4 and all(r == results[0] for r in results)


def random_decisions(program, n, seed):
    import random

    rng = random.Random(seed)
    parties = program.parties
    first, last = datetime.date(1990, 1, 1).toordinal(), datetime.date(2040, 12, 31).toordinal()
    decisions = []
    for _ in range(n):
        day = datetime.date.fromordinal(rng.randint(first, last)).isoformat()
        decisions.append(
            {
                "kind": rng.choice(program.decision_kinds),
                "meeting": {
                    "kind": rng.choice(program.meeting_kinds),
                    "date": day,
                    "present": [p for p in parties if rng.random() < 0.5],
                },
                "objections": [p for p in parties if rng.random() < 0.1],
            }
        )
    return decisions


def columns(decisions):
    return (
        [d["kind"] for d in decisions],
        [d["meeting"]["kind"] for d in decisions],
        [d["meeting"]["date"] for d in decisions],
        [d["meeting"]["present"] for d in decisions],
        [d["objections"] for d in decisions],
    )


@pytest.mark.parametrize("policy", ["almaty", "puebla", "khartoum"])
def test_valid_batch_answers_as_each_call(policy):
    program = charter.load(ROOT / "policies" / policy)
    decisions = random_decisions(program, 1500, seed=len(policy))
    answers = program.valid_batch(*columns(decisions))
    for decision, answer in zip(decisions, answers):
        assert answer is scalar(program.valid(decision)) or answer == program.valid(decision), decision
    kinds, meeting_kinds, days, present, objections = columns(decisions)
    table = pa.table({"present": present, "objections": objections})
    arrow = program.valid_batch(
        pa.array(kinds), pa.array(meeting_kinds), pa.array(days).cast(pa.date32()), table["present"], table["objections"]
    )
    assert arrow.to_pylist() == answers.tolist()


def test_valid_batch_missing_rows(almaty):
    answers = almaty.valid_batch(
        ["ordinary", "ordinary", None],
        ["senior_officials", "senior_officials", "senior_officials"],
        ["2016-09-19", "2016-09-19", "2016-09-19"],
        [["KAZ", "KGZ"], None, ["KAZ"]],
        [["KGZ"], [], []],
    )
    assert answers.tolist() == [False, None, None]


def test_chair_batch_as_indices(almaty):
    days = np.array(["2010-01-01", "2016-01-01", "NaT"], dtype="datetime64[D]")
    indices = almaty.chair_index_batch(days)
    assert indices.dtype == np.int32
    assert indices.tolist() == [-1, almaty.parties.index("KGZ"), None]
    arrow = almaty.chair_index_batch(pa.array(days))
    assert isinstance(arrow, pa.DictionaryArray)
    assert arrow.to_pylist() == ["", "KGZ", None]


@pytest.mark.parametrize("policy", ["almaty", "puebla"])
def test_batches_on_the_interpreter_answer_as_native_code(policy):
    # Where a policy has no native code, the interpreter answers batches.
    program = charter.load(ROOT / "policies" / policy)
    interpreted = program._interpreted_batches()
    days = every_day("1990-01-01", "2040-01-01", 5)
    parties = np.resize(np.array(program.parties), len(days))
    for name in ["chair_batch", "chair_index_batch", "term_start_batch", "term_end_batch"]:
        expected = getattr(program, name)(days)
        got = getattr(interpreted, name)(days)
        assert got.tolist() == expected.tolist(), name
    for name in ["member_batch", "may_attend_batch", "status_batch"]:
        assert getattr(interpreted, name)(parties, days).tolist() == getattr(program, name)(parties, days).tolist()
    decisions = columns(random_decisions(program, 500, seed=11))
    assert interpreted.valid_batch(*decisions).tolist() == program.valid_batch(*decisions).tolist()


@pytest.mark.parametrize("policy", ["almaty", "khartoum", "colombo-process"])
@pytest.mark.parametrize("backend", ["interpreter", "native"])
def test_next_and_recorded_chair_batches_answer_as_each_call(policy, backend):
    program = charter.load(ROOT / "policies" / policy).with_backend(backend)
    days = every_day("2000-01-01", "2030-01-01", 37)
    for batch, single in [("next_chair_batch", program.next_chair), ("recorded_chair_batch", program.recorded_chair)]:
        got = getattr(program, batch)(days)
        expected = []
        for day in days.tolist():
            answer = single(day)
            expected.append(None if isinstance(answer, charter.Unknown) else (answer or ""))
        assert got.tolist() == expected, batch
        arrow = getattr(program, batch)(pa.array(days))
        assert arrow.to_pylist() == expected, batch


def test_batches_on_terms_a_windowed_hand_over_shifts_answer_as_each_call():
    # Native code answers the rules' terms from one day of the hand-over's
    # window; the batches leave it to the interpreter, as each call does.
    program = charter.load(ROOT / "tests" / "cases" / "eval" / "term-shift").with_backend("native")
    days = every_day("2013-01-01", "2022-01-01", 3)
    for batch, single in [
        ("chair_batch", program.chair),
        ("term_start_batch", program.term_start),
        ("term_end_batch", program.term_end),
    ]:
        got = getattr(program, batch)(days).tolist()
        expected = []
        for day in days.tolist():
            answer = single(day)
            if isinstance(answer, charter.Unknown):
                expected.append(None)
            elif batch == "chair_batch":
                expected.append(answer or "")
            else:
                expected.append(answer)
        assert got == expected, batch
    assert any(a is None for a in program.chair_batch(days).tolist()), "the window's days are unknown"


def test_an_interpreter_program_answers_batches_on_the_interpreter():
    program = charter.load(ROOT / "policies" / "almaty")
    assert program.with_backend("interpreter").chair_batch(every_day("2013-06-01", "2020-01-01", 30)).tolist() == (
        program.with_backend("native").chair_batch(every_day("2013-06-01", "2020-01-01", 30)).tolist()
    )


@pytest.mark.parametrize("policy", ["almaty", "puebla", "bali"])
@pytest.mark.parametrize("backend", ["interpreter", "native"])
def test_set_batches_answer_as_each_call(policy, backend):
    # Puebla dates the Dominican Republic's joining by a window: members
    # are unknown on its days, masked (numpy) or null (Arrow, Polars).
    program = charter.load(ROOT / "policies" / policy).with_backend(backend)
    days = every_day("1995-01-01", "2030-01-01", 41)
    parties = program.parties
    for batch, single in [
        ("members_batch", program.members),
        ("observers_batch", program.observers),
        ("chairs_batch", program.chairs),
    ]:
        expected = []
        for day in days.tolist():
            answer = single(day)
            expected.append(None if isinstance(answer, charter.Unknown) else sorted(answer))
        rows = getattr(program, batch)(days)
        assert rows.shape == (len(days), len(parties))
        got = [None if row is np.ma.masked or np.ma.is_masked(row) else sorted(p for p, x in zip(parties, row) if x) for row in rows]
        assert got == expected, batch
        arrow = getattr(program, batch)(pa.array(days))
        assert [None if v is None else sorted(v) for v in arrow.to_pylist()] == expected, batch
        series = getattr(program, batch)(pl.Series("day", days))
        assert series.name == "day"
        assert [None if v is None else sorted(v) for v in series.to_list()] == expected, batch
    if policy == "puebla":
        assert any(row is None for row in expected), "the joining's window is unknown"


def test_set_batches_mark_missing_days(almaty):
    days = np.array(["2016-01-01", "NaT"], dtype="datetime64[D]")
    rows = almaty.members_batch(days)
    assert not np.ma.is_masked(rows[0]) and np.ma.is_masked(rows[1])
    assert almaty.members_batch(pa.array([datetime.date(2016, 1, 1), None])).to_pylist()[1] is None
