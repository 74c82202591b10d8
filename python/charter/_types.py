"""The values and exceptions Charter's answers and errors are made of.

The extension module (``charter._charter``) builds these; they are plain
Python so that they pickle, compare and print as Python users expect.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Dict, Iterator, List, NamedTuple, Optional


class Unknown:
    """An answer the records do not settle: not ``None``, not ``False``.

    ``because`` says, in words, each fact not recorded that the answer
    depends on; ``possible`` lists the answers that remain possible, where
    they were worked out (empty otherwise). An ``Unknown`` has no truth
    value: ``if program.valid(d):`` on an unknown answer raises
    ``TypeError`` instead of silently taking one branch, so test for it
    with ``isinstance(answer, charter.Unknown)``.
    """

    __slots__ = ("because", "possible")

    def __init__(self, because: List[str], possible: Optional[List[Any]] = None) -> None:
        self.because = list(because)
        self.possible = list(possible or [])

    def __bool__(self) -> bool:
        raise TypeError(
            "an unknown answer has no truth value; test isinstance(answer, charter.Unknown) first"
        )

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Unknown):
            return NotImplemented
        return self.because == other.because and self.possible == other.possible

    def __hash__(self) -> int:
        return hash(tuple(self.because))

    def __repr__(self) -> str:
        return f"Unknown(because={self.because!r}, possible={self.possible!r})"

    def __str__(self) -> str:
        text = "unknown: " + "; ".join(self.because)
        if self.possible:
            text += " (possible: " + ", ".join(str(p) for p in self.possible) + ")"
        return text

    def to_dict(self) -> Dict[str, Any]:
        """The JSON form ``charter eval --format json`` gives an unknown."""
        body: Dict[str, Any] = {"because": list(self.because)}
        if self.possible:
            body["possible"] = list(self.possible)
        return {"unknown": body}


@dataclass(frozen=True)
class Diagnostic:
    """One diagnostic of the checker, placed in its file (1-based line and
    column, in characters), as ``charter check --format json`` gives it."""

    code: str
    severity: str
    message: str
    file: str
    line: int
    column: int
    end_line: int
    end_column: int
    help: Optional[str] = None
    rendered: str = field(default="", repr=False, compare=False)
    # For a warning the policy expects (``expect "CODE" because "REASON"``
    # in its header): the reason. ``charter check`` does not count it.
    expected: Optional[str] = None

    def __str__(self) -> str:
        return self.rendered or f"{self.severity}[{self.code}]: {self.file}:{self.line}:{self.column}: {self.message}"

    def to_dict(self) -> Dict[str, Any]:
        return {
            "code": self.code,
            "severity": self.severity,
            "message": self.message,
            "file": self.file,
            "line": self.line,
            "column": self.column,
            "end_line": self.end_line,
            "end_column": self.end_column,
            "help": self.help,
            **({"expected": self.expected} if self.expected is not None else {}),
        }


@dataclass(frozen=True)
class Explanation:
    """Why an answer is what it is: what was established (``fact``), from
    which clause (``clause``, such as ``"§ 3.vi"``, or ``None``), and the
    facts it rests on (``because``)."""

    fact: str
    clause: Optional[str] = None
    because: List["Explanation"] = field(default_factory=list)

    def __str__(self) -> str:
        lines: List[str] = []
        self._lines(0, lines)
        return "\n".join(lines)

    def _lines(self, depth: int, lines: List[str]) -> None:
        clause = f"  [{self.clause}]" if self.clause else ""
        lines.append("  " * depth + ("because " if depth else "") + self.fact + clause)
        for child in self.because:
            child._lines(depth + 1, lines)

    def to_dict(self) -> Dict[str, Any]:
        """The JSON form of ``charter eval --explain --format json``."""
        out: Dict[str, Any] = {"fact": self.fact}
        if self.clause is not None:
            out["clause"] = self.clause
        if self.because:
            out["because"] = [child.to_dict() for child in self.because]
        return out


class Explained(NamedTuple):
    """An answer with its explanation: ``value, why = prepared(facts, explain=True)``."""

    value: Any
    explanation: Explanation


class CharterError(Exception):
    """Any error Charter raises, with its stable code (``charter::...``,
    listed in docs/language.md § 3)."""

    def __init__(self, code: str, message: str, help: Optional[str] = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.help = help

    def __str__(self) -> str:
        text = f"[{self.code}] {self.message}"
        if self.help:
            text += f"\n  help: {self.help}"
        return text


class CheckError(CharterError):
    """The policy does not check into a program: ``diagnostics`` lists
    every diagnostic (errors and warnings); ``str()`` renders them as the
    ``charter`` program prints them."""

    def __init__(self, code: str, message: str, diagnostics: List[Diagnostic], rendered: str) -> None:
        super().__init__(code, message)
        self.diagnostics = diagnostics
        self.rendered = rendered

    def __str__(self) -> str:
        return self.rendered or super().__str__()


class QueryError(CharterError):
    """A query that does not parse or type-check: ``diagnostics`` point into
    the query text (file ``<query>``)."""

    def __init__(self, code: str, message: str, diagnostics: List[Diagnostic], rendered: str) -> None:
        super().__init__(code, message)
        self.diagnostics = diagnostics
        self.rendered = rendered

    def __str__(self) -> str:
        return self.rendered or super().__str__()


class CharterTypeError(CharterError, TypeError):
    """A value of the wrong Python type (``charter::type-mismatch``) or the
    wrong number of arguments (``charter::wrong-arity``)."""


class CharterValueError(CharterError, ValueError):
    """A value Charter cannot read: a party the policy does not declare
    (``charter::unknown-party``), a day off the calendar
    (``charter::invalid-date``), malformed facts (``charter::bad-facts``),
    a rule or record that does not exist."""


class CharterFileError(CharterError, OSError):
    """A policy file or folder that cannot be read (``charter::io``,
    ``charter::not-a-file``, ``charter::not-utf8`` ...)."""


class EvalError(CharterError):
    """Evaluation failed (``charter::eval``): an overflow, a date off the
    calendar, a value that is ``none`` where one is needed."""


class _Document(Mapping):
    """A JSON document of Charter's (a report, a diff) as a read-only
    mapping with attribute access to its top-level fields; ``to_dict()``
    and ``to_json()`` give the JSON the ``charter`` program prints with
    ``--format json``, and ``str()`` its text."""

    __slots__ = ("_data", "_text")

    def __init__(self, data: Dict[str, Any], text: str) -> None:
        object.__setattr__(self, "_data", data)
        object.__setattr__(self, "_text", text)

    def __getitem__(self, key: str) -> Any:
        return self._data[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._data)

    def __len__(self) -> int:
        return len(self._data)

    def __getattr__(self, name: str) -> Any:
        try:
            return self._data[name]
        except KeyError:
            raise AttributeError(f"{type(self).__name__} has no field `{name}`") from None

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError(f"a {type(self).__name__} cannot be changed")

    def __str__(self) -> str:
        return self._text

    def __repr__(self) -> str:
        return f"<charter.{type(self).__name__} {sorted(self._data)}>"

    def to_dict(self) -> Dict[str, Any]:
        """A deep copy of the JSON document, as plain dicts and lists."""
        return copy.deepcopy(self._data)

    def to_json(self, indent: Optional[int] = 2) -> str:
        return json.dumps(self._data, indent=indent, ensure_ascii=False)


@dataclass(frozen=True)
class Finding:
    """One finding of the audit (docs/findings.md): its stable code
    (``audit::...``), severity, certainty, day, clause, parties, the
    recorded meeting and decision it concerns, and its message."""

    code: str
    severity: str
    certainty: str
    day: str
    message: str
    clause: Optional[str] = None
    parties: List[str] = field(default_factory=list)
    meeting: Optional[str] = None
    decision: Optional[str] = None
    raw: Dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def _of(cls, row: Dict[str, Any]) -> "Finding":
        return cls(
            code=row.get("code", ""),
            severity=row.get("severity", ""),
            certainty=row.get("certainty", ""),
            day=row.get("day", ""),
            message=row.get("message", ""),
            clause=row.get("clause"),
            parties=list(row.get("parties", [])),
            meeting=row.get("meeting"),
            decision=row.get("decision"),
            raw=row,
        )

    def to_dict(self) -> Dict[str, Any]:
        return copy.deepcopy(self.raw)


class Report(_Document):
    """The audit of the recorded history against the rules, as ``charter
    report`` makes it: ``report.findings`` are :class:`Finding` objects,
    every other field (``policy``, ``until``, ``chair``, ``status``,
    ``meetings``, ``summary`` ...) the JSON ``charter report --format json``
    prints; ``str(report)`` is its text."""

    __slots__ = ()

    @property
    def findings(self) -> List[Finding]:
        return [Finding._of(row) for row in self._data.get("findings", [])]


class Diff(_Document):
    """What changes from one policy to another, as ``charter diff`` says it
    (docs/diff.md): ``diff.summary`` (``semantic``, ``text_only``,
    ``new_violations`` ...), ``diff.chair``, ``diff.membership``,
    ``diff.decisions`` ... as ``charter diff --format json`` prints them;
    ``str(diff)`` is its text, ``diff.markdown()`` the pull-request
    summary."""

    __slots__ = ("_markdown",)

    def __init__(self, data: Dict[str, Any], text: str, markdown: str) -> None:
        super().__init__(data, text)
        object.__setattr__(self, "_markdown", markdown)

    @property
    def semantic(self) -> bool:
        """Whether some answer differs (not only the text)."""
        return bool(self._data.get("summary", {}).get("semantic", False))

    def markdown(self) -> str:
        return self._markdown
