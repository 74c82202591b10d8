"""The built-in queries and rules, answered as `charter eval` answers them
on policies/almaty (README, "Asking questions")."""

import datetime

import pytest

import charter

from conftest import ROOT


def test_chair_as_the_cli_answers(almaty):
    # charter eval policies/almaty --query 'chair(2016-01-01)'  ->  KGZ
    assert almaty.chair("2016-01-01") == "KGZ"
    assert almaty.chair(datetime.date(2016, 1, 1)) == "KGZ"
    assert almaty.chair("2017-09-01") == "TJK"
    assert almaty.next_chair("2016-01-01") == "TJK"
    assert almaty.recorded_chair("2017-01-01") == "KGZ"


def test_no_chair_before_the_first_term_is_none(almaty):
    assert almaty.chair("2010-01-01") is None


def test_terms_are_dates(almaty):
    assert almaty.term_start("2016-01-01") == datetime.date(2015, 8, 31)
    assert almaty.term_end("2016-01-01") == datetime.date(2017, 8, 31)


def test_members_are_a_frozenset_of_codes(almaty):
    members = almaty.members("2016-01-01")
    assert isinstance(members, frozenset)
    assert members == frozenset({"AFG", "AZE", "KAZ", "KGZ", "TJK", "TUR"})
    assert almaty.member("KAZ", "2016-01-01") is True
    assert almaty.member("IRN", "2016-01-01") is False


def test_unknown_is_an_answer_not_none_or_false(almaty):
    answer = almaty.valid("baku_declaration")
    assert isinstance(answer, charter.Unknown)
    assert answer is not None and answer is not False
    assert answer.because == [
        "who was present at ministerial_2025 is not recorded, so whether a member "
        "objected and how many took part is not known"
    ]
    assert answer.possible == []
    assert answer.to_dict() == {"unknown": {"because": answer.because}}
    with pytest.raises(TypeError, match="no truth value"):
        bool(answer)


def test_unknown_status_says_what_remains_possible(almaty):
    answer = almaty.status("IRN", "2013-07-01")
    assert isinstance(answer, charter.Unknown)
    assert answer.possible == ["pending", "observer"]
    assert "2013-06-06 and 2013-08-31" in answer.because[0]
    assert almaty.status("IRN", "2014-01-01") == "observer"
    assert almaty.status("KAZ", "2014-01-01") == "member"


def test_attendance_of_a_recorded_meeting(almaty):
    assert almaty.may_attend("IRN", "ministerial_2013") is True
    assert "ministerial_2013" in almaty.meetings


def test_violations_are_dicts(almaty):
    found = almaty.violations("2013-06-05", "2015-01-01")
    assert isinstance(found, list)
    assert {
        "kind": "national_consultation",
        "due": "2014-06-05",
        "party": "AFG",
        "strength": "should",
        "finding": "advisory",
        "clause": "§ 3.v",
    } in found


def test_rules_and_builtins_by_name(almaty):
    assert "host_is_chair" in almaty.rules
    planned = {"kind": "ministerial", "date": "2016-06-01", "host": "KGZ"}
    assert almaty.rule("host_is_chair", planned) is True
    assert almaty.rule("host_is_chair", dict(planned, host="KAZ")) is False
    assert almaty.rule("chair", "2016-01-01") == "KGZ"
    assert almaty.rule("member", "KAZ", "2016-01-01") is True


def test_both_backends_agree(almaty):
    native = almaty.with_backend("native")
    assert native.backend == "native"
    for day in ["2013-01-01", "2014-02-03", "2016-01-01", "2017-09-01", "2024-05-05"]:
        assert native.chair(day) == almaty.chair(day)
        assert native.members(day) == almaty.members(day)
    assert native.valid("baku_declaration") == almaty.valid("baku_declaration")


def test_from_files_gives_the_program_load_gives(root):
    folder = root / "policies" / "almaty"
    files = {
        str(path.relative_to(folder)): path.read_text(encoding="utf-8")
        for path in folder.rglob("*")
        if path.is_file()
    }
    program = charter.Program.from_files(files)
    assert program.title == charter.load(folder).title
    assert program.chair("2016-01-01") == "KGZ"


def test_a_program_answers_many_threads(almaty):
    from concurrent.futures import ThreadPoolExecutor

    days = [f"{year}-0{month}-15" for year in range(2013, 2026) for month in range(1, 10)]
    expected = [almaty.chair(day) for day in days]
    with ThreadPoolExecutor(max_workers=4) as pool:
        for _ in range(3):
            assert list(pool.map(almaty.chair, days)) == expected


@pytest.mark.parametrize("policy", ["almaty", "puebla", "khartoum"])
def test_dicts_read_as_facts_files_are(policy, root):
    # Decision and meeting dicts of the common shape are read straight into
    # Charter's values; the facts decoder (a prepared query's facts) must
    # give the same answers, on both backends.
    import random

    program = charter.load(root / "policies" / policy)
    rng = random.Random(len(policy))
    first, last = datetime.date(1990, 1, 1).toordinal(), datetime.date(2040, 12, 31).toordinal()
    valid, attend = program.prepare("valid(d)"), program.prepare("may_attend(p, m)")
    for _ in range(400):
        day = datetime.date.fromordinal(rng.randint(first, last)).isoformat()
        sets = lambda share: [p for p in program.parties if rng.random() < share]
        meeting = {"kind": rng.choice(program.meeting_kinds), "date": day, "present": sets(0.5)}
        if rng.random() < 0.3:
            meeting["host"] = rng.choice(program.parties + [None])
        if rng.random() < 0.3:
            meeting["observers"] = tuple(sets(0.2))
        decision = {"kind": rng.choice(program.decision_kinds), "meeting": meeting, "objections": sets(0.1)}
        if rng.random() < 0.2:
            decision["reservations"] = sets(0.1)
        for backend in [program, program.with_backend("native")]:
            assert backend.valid(decision) == valid(d=decision), decision
            party = rng.choice(program.parties)
            assert backend.may_attend(party, meeting) == attend(p=party, m=meeting), (party, meeting)


def test_answers_inside_a_status_window_agree_on_both_backends():
    # A joining and a broken silence dated only by windows: where every
    # world gives the same answer, native code gives it as the interpreter
    # does; where worlds differ, both say unknown.
    program = charter.load(ROOT / "tests" / "cases" / "eval" / "membership-window")
    native, interpreted = program.with_backend("native"), program.with_backend("interpreter")
    ministerial = {"kind": "ministerial", "date": "2014-03-10"}
    plenary = {"kind": "plenary", "date": "2014-03-10"}
    joined = {"kind": "ministerial", "date": "2015-03-01", "present": ["AAA", "CCC"]}
    questions = [
        ("may_speak", ("EEE", ministerial), True),
        ("may_attend", ("EEE", plenary), True),
        ("may_speak", ("EEE", plenary), None),
        ("member", ("CCC", "2015-03-01"), None),
        ("valid", ({"kind": "ordinary", "meeting": joined},), True),
        ("valid", ({"kind": "ordinary", "meeting": joined, "objections": ["CCC"]},), None),
        ("valid", ({"kind": "ordinary", "meeting": joined, "objections": ["AAA"]},), False),
    ]
    for name, args, expected in questions:
        for p in (native, interpreted):
            answer = getattr(p, name)(*args)
            if expected is None:
                assert isinstance(answer, charter.Unknown), (name, args, answer)
            else:
                assert answer is expected, (name, args, answer)


def test_seats_beside_the_chair():
    program = charter.load(ROOT / "tests" / "cases" / "report" / "named-chairs")
    assert program.chair("2019-06-01") == "SRB"
    assert program.co_chairs("2019-06-01") == frozenset({"TUR"})
    assert program.vice_chairs("2019-06-01") == frozenset({"AUT"})
    assert program.vice_chairs("2010-01-01") == frozenset()
    native = program.with_backend("native")
    assert native.co_chairs("2007-01-01") == frozenset({"HUN"})
    assert native.vice_chairs("2019-06-01") == frozenset({"AUT"})
