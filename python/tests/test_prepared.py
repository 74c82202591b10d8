"""Prepared queries: checked once, evaluated on facts as dicts."""

import json

import pytest

import charter

SOM_2016 = {
    "meeting": {
        "kind": "senior_officials",
        "date": "2016-09-19",
        "host": "KAZ",
        "present": ["KAZ", "KGZ", "TJK", "AFG", "AZE", "TUR"],
    },
    "decision": {"kind": "ordinary", "objections": ["KGZ"]},
}


def test_a_query_without_facts(almaty):
    prepared = almaty.prepare("next_chair(2016-01-01)")
    assert prepared() == "TJK"
    assert prepared.query == "next_chair(2016-01-01)"


def test_facts_as_a_dict_or_keywords(almaty, root):
    prepared = almaty.prepare("valid(decision)")
    assert prepared(SOM_2016) is False
    assert prepared(**SOM_2016) is False
    assert prepared(facts=SOM_2016) is False
    # The facts file the README's example reads gives the same answer.
    facts = json.loads((root / "tests/cases/eval/som-2016-kgz-objects.json").read_text())
    assert prepared(facts) is False
    assert prepared(dict(SOM_2016, decision={"kind": "ordinary"})) is True


def test_prepared_with_facts_up_front(almaty):
    prepared = almaty.prepare("host_is_chair(m)", m={"kind": "ministerial", "date": "2016-06-01", "host": "KGZ"})
    assert prepared(m={"kind": "ministerial", "date": "2016-06-01", "host": "KGZ"}) is True
    assert prepared(m={"kind": "ministerial", "date": "2016-06-01", "host": "TJK"}) is False


def test_explain_gives_a_tree(almaty):
    value, why = almaty.prepare("valid(decision)")(SOM_2016, explain=True)
    assert value is False
    assert isinstance(why, charter.Explanation)
    assert why.fact == "the `ordinary` decision at the `senior_officials` meeting of 2016-09-19 is invalid"
    assert why.clause == "§ 3.vi"
    assert [child.fact for child in why.because] == [
        "KGZ objected, a member present on 2016-09-19, so there is no consensus"
    ]
    assert why.to_dict() == {
        "fact": why.fact,
        "clause": "§ 3.vi",
        "because": [{"fact": why.because[0].fact, "clause": "§ 3.vi"}],
    }
    assert str(why).splitlines()[1].startswith("  because KGZ objected")


def test_an_unknown_answer_from_a_query(almaty):
    answer = almaty.prepare("valid(baku_declaration)")()
    assert isinstance(answer, charter.Unknown)
    # ... unless it is the same whichever way the unknown falls.
    assert almaty.prepare("valid(baku_declaration) or true")() is True


def test_a_query_that_does_not_check(almaty):
    with pytest.raises(charter.QueryError) as raised:
        almaty.prepare("chair(KAZ)")
    assert raised.value.code == "charter::type-mismatch"
    diagnostic = raised.value.diagnostics[0]
    assert diagnostic.file == "<query>"
    assert (diagnostic.line, diagnostic.column) == (1, 7)
    assert "charter::type-mismatch" in str(raised.value)


def test_a_query_naming_no_fact_given(almaty):
    prepared = almaty.prepare("valid(decision)")
    with pytest.raises(charter.QueryError) as raised:
        prepared()
    assert raised.value.code == "charter::unknown-name"
