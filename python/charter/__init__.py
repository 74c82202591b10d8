"""Charter from Python: load a policy into a checked program and ask it
questions — who chairs on a day, whether a decision was valid, a party's
status — with unknown answers as a value of their own.

>>> import charter
>>> program = charter.load("policies/almaty")
>>> program.chair("2016-01-01")
'KGZ'

docs/python.md is the guide.
"""

from charter._charter import Prepared, Program, diff, load
from charter._types import (
    CharterError,
    CharterFileError,
    CharterTypeError,
    CharterValueError,
    CheckError,
    Diagnostic,
    Diff,
    EvalError,
    Explained,
    Explanation,
    Finding,
    QueryError,
    Report,
    Unknown,
)

__all__ = [
    "CharterError",
    "CharterFileError",
    "CharterTypeError",
    "CharterValueError",
    "CheckError",
    "Diagnostic",
    "Diff",
    "EvalError",
    "Explained",
    "Explanation",
    "Finding",
    "Prepared",
    "Program",
    "QueryError",
    "Report",
    "Unknown",
    "diff",
    "load",
]
