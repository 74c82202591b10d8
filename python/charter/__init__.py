"""Charter from Python: load a policy into a checked program and ask it
questions — who chairs on a day, whether a decision was valid, a party's
status — with unknown answers as a value of their own.

>>> import charter
>>> program = charter.load("policies/almaty")
>>> program.chair("2016-01-01")
'KGZ'

docs/python.md is the guide.
"""

from charter._charter import Prepared, Program, load
from charter._types import (
    CharterError,
    CharterFileError,
    CharterTypeError,
    CharterValueError,
    CheckError,
    Diagnostic,
    EvalError,
    Explained,
    Explanation,
    QueryError,
    Unknown,
)

__all__ = [
    "CharterError",
    "CharterFileError",
    "CharterTypeError",
    "CharterValueError",
    "CheckError",
    "Diagnostic",
    "EvalError",
    "Explained",
    "Explanation",
    "Prepared",
    "Program",
    "QueryError",
    "Unknown",
    "load",
]
