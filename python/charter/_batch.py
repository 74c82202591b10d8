"""The built-in queries over columns: numpy arrays (``datetime64[D]``, ISO
strings, ``datetime.date`` objects, party codes), pyarrow arrays and Polars
series in; a column of the same family out.

The extension evaluates each batch natively with the GIL released
(``Program._days``, ``Program._pairs``); this module only turns columns
into the ``int64`` days and ``int32`` party indices it reads, and its
answers back into columns, with numpy and pyarrow doing the work (no Python
loop over a numeric or Arrow column).

An answer that is unknown — or whose day or party is missing (``NaT``, a
null, ``""``) — is masked in a numpy result (``numpy.ma.MaskedArray``) and
null in an Arrow or Polars one: never ``False`` or ``""``.
"""

from __future__ import annotations

import datetime
from typing import Any, Tuple

import numpy as np

from charter._types import CharterTypeError, CharterValueError

# As python/src/batch.rs writes them.
_NO_VALUE = -(2**31)
_UNKNOWN = -(2**31) + 1
_UNKNOWN_TRUTH = 2
_MISSING_DAY = np.iinfo(np.int64).min


def chair(program: Any, days: Any, index: bool = False) -> Any:
    family, name, days = _days(days)
    if family == "numpy" and not index:
        # The str column is made natively, with its mask.
        codes, missing, width = program._chair_codes(days)
        values = np.frombuffer(codes, dtype=f"<U{width}")
        return np.ma.MaskedArray(values, mask=np.frombuffer(missing, dtype=np.bool_))
    if family == "numpy":
        indices, missing = program._chair_indices(days)
        return np.ma.MaskedArray(np.frombuffer(indices, dtype=np.int32), mask=np.frombuffer(missing, dtype=np.bool_))
    raw = np.frombuffer(program._days("chair", days), dtype=np.int32)
    unknown = raw == _UNKNOWN
    import pyarrow as pa
    import pyarrow.compute as pc

    parties = program.parties
    table = pa.array(parties + [""], type=pa.string())
    indices = pa.array(np.where(raw >= 0, raw, len(parties)), mask=unknown)
    if index:
        return _out(family, name, pa.DictionaryArray.from_arrays(indices, table))
    return _out(family, name, pc.take(table, indices))


def chair_index(program: Any, days: Any) -> Any:
    return chair(program, days, index=True)


def next_chair(program: Any, days: Any) -> Any:
    return _chairs(program, "next_chair", days)


def recorded_chair(program: Any, days: Any) -> Any:
    return _chairs(program, "recorded_chair", days)


def _chairs(program: Any, query: str, days: Any) -> Any:
    """A party per day (``""`` for none), as ``chair`` gives the chair."""
    family, name, days = _days(days)
    raw = np.frombuffer(program._days(query, days), dtype=np.int32)
    unknown = raw == _UNKNOWN
    parties = program.parties
    index = np.where(raw >= 0, raw, len(parties))
    if family == "numpy":
        codes = np.array(parties + [""])
        return np.ma.MaskedArray(codes[index], mask=unknown)
    import pyarrow as pa
    import pyarrow.compute as pc

    return _out(family, name, pc.take(pa.array(parties + [""], type=pa.string()), pa.array(index, mask=unknown)))


def members(program: Any, days: Any) -> Any:
    return _sets_of_days(program, "members", days)


def observers(program: Any, days: Any) -> Any:
    return _sets_of_days(program, "observers", days)


def chairs(program: Any, days: Any) -> Any:
    return _sets_of_days(program, "chairs", days)


def _sets_of_days(program: Any, query: str, days: Any) -> Any:
    """A set of parties per day: for numpy a masked boolean array, a row
    per day and a column per party (``program.parties``' order), a row
    masked where the answer is unknown or the day is missing; for Arrow
    and Polars a list of party codes per day, null there."""
    family, name, days = _days(days)
    raw, missing = program._day_sets(query, days)
    parties = program.parties
    rows = np.frombuffer(raw, dtype=np.bool_).reshape(len(days), len(parties))
    gone = np.frombuffer(missing, dtype=np.bool_)
    if family == "numpy":
        return np.ma.MaskedArray(rows, mask=np.repeat(gone[:, None], len(parties), axis=1))
    import pyarrow as pa

    day, party = np.nonzero(rows)
    offsets = np.zeros(len(days) + 1, dtype=np.int32)
    np.cumsum(np.bincount(day, minlength=len(days)), out=offsets[1:])
    codes = pa.array(np.array(parties, dtype=object)[party] if len(party) else [], type=pa.string())
    column = pa.ListArray.from_arrays(pa.array(offsets), codes, mask=pa.array(gone))
    return _out(family, name, column)


def term_start(program: Any, days: Any) -> Any:
    return _term(program, "term_start", days)


def term_end(program: Any, days: Any) -> Any:
    return _term(program, "term_end", days)


def member(program: Any, parties: Any, days: Any) -> Any:
    return _pairs(program, "member", parties, days)


def may_attend(program: Any, parties: Any, days: Any) -> Any:
    return _pairs(program, "may_attend", parties, days)


def status(program: Any, parties: Any, days: Any) -> Any:
    family, name, days = _days(days)
    indices = _parties(program, parties)
    raw = np.frombuffer(program._pairs("status", indices, days), dtype=np.uint8)
    names = program._statuses
    unknown = raw >= len(names)
    index = np.minimum(raw, len(names))
    if family == "numpy":
        return np.ma.MaskedArray(np.array(names + [""])[index], mask=unknown)
    import pyarrow as pa
    import pyarrow.compute as pc

    return _out(family, name, pc.take(pa.array(names + [""]), pa.array(index, mask=unknown)))


def _term(program: Any, query: str, days: Any) -> Any:
    family, name, days = _days(days)
    raw = np.frombuffer(program._days(query, days), dtype=np.int32)
    unknown = raw == _UNKNOWN
    none = (raw == _NO_VALUE) | unknown
    values = np.where(none, _MISSING_DAY, raw.astype(np.int64)).view("datetime64[D]")
    if family == "numpy":
        return np.ma.MaskedArray(values, mask=unknown)
    import pyarrow as pa

    return _out(family, name, pa.array(values, type=pa.date32(), mask=none))


def _pairs(program: Any, query: str, parties: Any, days: Any) -> Any:
    family, name, days = _days(days)
    indices = _parties(program, parties)
    raw = np.frombuffer(program._pairs(query, indices, days), dtype=np.uint8)
    unknown = raw == _UNKNOWN_TRUTH
    values = raw == 1
    if family == "numpy":
        return np.ma.MaskedArray(values, mask=unknown)
    import pyarrow as pa

    return _out(family, name, pa.array(values, mask=unknown))


def _family(values: Any) -> str:
    module = type(values).__module__ or ""
    if module.startswith("pyarrow"):
        return "arrow"
    if module.startswith("polars"):
        return "polars"
    return "numpy"


def _arrow(values: Any) -> Any:
    """A pyarrow array of a pyarrow array, chunked array or Polars series."""
    import pyarrow as pa

    if _family(values) == "polars":
        values = values.to_arrow()
    if isinstance(values, pa.ChunkedArray):
        values = values.combine_chunks()
    return values


def _out(family: str, name: Any, column: Any) -> Any:
    if family == "polars":
        import polars as pl

        return pl.Series(name or "", column)
    return column


def _days(values: Any) -> Tuple[str, Any, np.ndarray]:
    """The family of a column of days, its name (a Polars series's), and
    its days as a contiguous ``int64`` array (``_MISSING_DAY`` where one is
    missing)."""
    family = _family(values)
    name = getattr(values, "name", None) if family == "polars" else None
    if family == "numpy":
        return family, name, _numpy_days(values)
    import pyarrow as pa
    import pyarrow.compute as pc

    column = _arrow(values)
    kind = column.type
    if pa.types.is_date32(kind) or pa.types.is_date64(kind):
        days = pc.cast(pc.cast(column, pa.date32()), pa.int32()).cast(pa.int64())
        return family, name, np.ascontiguousarray(pc.fill_null(days, _MISSING_DAY).to_numpy())
    if pa.types.is_string(kind) or pa.types.is_large_string(kind):
        return family, name, _numpy_days(column.to_numpy(zero_copy_only=False))
    raise CharterTypeError(
        "charter::type-mismatch",
        f"days: expected a column of dates (date32, date64) or ISO strings, got Arrow `{kind}`",
    )


def _numpy_days(values: Any) -> np.ndarray:
    # A list is read item by item (numpy would make [20160101, "2016-01-01"] two strings).
    array = values if isinstance(values, np.ndarray) else np.asarray(values, dtype=object)
    if array.ndim != 1:
        array = array.reshape(-1) if array.ndim == 0 else array
        if array.ndim != 1:
            raise CharterTypeError("charter::type-mismatch", f"days: expected one dimension, got {array.ndim}")
    kind = array.dtype.kind
    if kind == "M":
        days = array.astype("datetime64[D]")
        if array.dtype != days.dtype:
            exact = np.isnat(array) | (days.astype(array.dtype) == array)
            if not exact.all():
                at = int(np.argmin(exact))
                raise CharterTypeError(
                    "charter::type-mismatch",
                    f"days[{at}]: `{array[at]}` has a time of day; a day is a datetime64[D] (use .astype('datetime64[D]'))",
                )
        return np.ascontiguousarray(days.view(np.int64))
    if kind in "US":
        text = array.astype(str)
        lengths = np.char.str_len(text)
        bad = (lengths != 10) & (lengths != 0)
        if bad.any():
            at = int(np.argmax(bad))
            raise _bad_day(at, text[at])
        try:
            days = np.where(lengths == 0, "NaT", text).astype("datetime64[D]")
        except ValueError:
            for at, item in enumerate(text):
                try:
                    np.datetime64(item, "D")
                except ValueError:
                    raise _bad_day(at, item) from None
            raise
        return np.ascontiguousarray(days.view(np.int64))
    if kind == "O":
        out = np.empty(len(array), dtype=np.int64)
        epoch = datetime.date(1970, 1, 1).toordinal()
        for at, item in enumerate(array):
            if item is None:
                out[at] = _MISSING_DAY
            elif isinstance(item, datetime.datetime):
                raise CharterTypeError(
                    "charter::type-mismatch", f"days[{at}]: a datetime.datetime is not a day; pass its .date()"
                )
            elif isinstance(item, datetime.date):
                out[at] = item.toordinal() - epoch
            elif isinstance(item, (str, np.datetime64)):
                try:
                    out[at] = _numpy_days(np.array([item]))[0]
                except CharterValueError as error:
                    raise _bad_day(at, str(item)) from error
            else:
                raise CharterTypeError(
                    "charter::type-mismatch",
                    f"days[{at}]: expected a date (datetime.date or \"YYYY-MM-DD\"), got {type(item).__name__}",
                )
        return out
    raise CharterTypeError(
        "charter::type-mismatch",
        f"days: expected datetime64[D], ISO strings or datetime.date objects, got an array of {array.dtype}",
    )


def _bad_day(at: int, text: str) -> CharterValueError:
    return CharterValueError(
        "charter::invalid-date",
        f"days[{at}]: `{text}` is not a calendar date written YYYY-MM-DD (0001-01-01 to 9999-12-31)",
    )


def _parties(program: Any, values: Any) -> np.ndarray:
    """Party codes as a contiguous ``int32`` array of their indices (-1
    where one is missing); an unknown code raises ``charter::unknown-party``."""
    return _indices(program, "parties", values)


_WHAT = {"parties": "parties", "decision_kinds": "kinds", "meeting_kinds": "meeting_kinds"}
_NOUN = {"parties": "party code", "decision_kinds": "decision kind", "meeting_kinds": "meeting kind"}


def _indices(program: Any, names: str, values: Any) -> np.ndarray:
    """Names (party codes, decision or meeting kinds) as a contiguous
    ``int32`` array of their indices among the policy's (-1 where one is
    missing); an unknown name raises with Charter's code for it."""
    what, noun = _WHAT[names], _NOUN[names]
    if _family(values) != "numpy":
        import pyarrow as pa
        import pyarrow.compute as pc

        column = _arrow(values)
        if not (pa.types.is_string(column.type) or pa.types.is_large_string(column.type)):
            raise CharterTypeError(
                "charter::type-mismatch", f"{what}: expected a column of {noun}s (strings), got Arrow `{column.type}`"
            )
        known = pa.array(getattr(program, names), type=column.type)
        found = pc.index_in(column, value_set=known)
        unknown = pc.and_(pc.is_null(found), pc.and_(pc.is_valid(column), pc.not_equal(column, "")))
        if pc.any(unknown).as_py():
            at = int(pc.index(unknown, True).as_py())
            try:
                program._indices(names, np.array([column[at].as_py()]))
            except CharterValueError as error:
                message = error.message.replace(f"{what}[0]", f"{what}[{at}]", 1)
                raise CharterValueError(error.code, message, error.help) from None
        return np.ascontiguousarray(pc.fill_null(found, -1).cast(pa.int32()).to_numpy())
    array = values if isinstance(values, np.ndarray) else np.asarray(values, dtype=object)
    if array.dtype.kind == "O":
        for at, item in enumerate(array.reshape(-1)):
            if item is not None and not isinstance(item, str):
                raise CharterTypeError(
                    "charter::type-mismatch", f"{what}[{at}]: expected a {noun} (str), got {type(item).__name__}"
                )
        array = np.array(["" if item is None else item for item in array.reshape(-1)], dtype=str).reshape(array.shape)
    elif array.dtype.kind == "S":
        array = array.astype(str)
    elif array.dtype.kind != "U":
        raise CharterTypeError("charter::type-mismatch", f"{what}: expected {noun}s (str), got an array of {array.dtype}")
    if array.ndim != 1:
        raise CharterTypeError("charter::type-mismatch", f"{what}: expected one dimension, got {array.ndim}")
    if array.dtype.itemsize == 0 or len(array) == 0:
        array = np.zeros(len(array), dtype="<U1")
    return np.frombuffer(program._indices(names, np.ascontiguousarray(array)), dtype=np.int32)


def valid(program: Any, kinds: Any, meeting_kinds: Any, days: Any, present: Any, objections: Any) -> Any:
    family, name, days = _days(days)
    kinds = _indices(program, "decision_kinds", kinds).copy()
    meeting_kinds = _indices(program, "meeting_kinds", meeting_kinds)
    present, no_present = _sets(program, "present", present)
    objections, no_objections = _sets(program, "objections", objections)
    # A row whose sets are missing (null) is not judged: its answer is missing.
    if len(no_present) == len(kinds):
        kinds[no_present | no_objections] = -1
    raw = np.frombuffer(program._valid(kinds, meeting_kinds, days, present, objections), dtype=np.uint8)
    unknown = raw == _UNKNOWN_TRUTH
    values = raw == 1
    if family == "numpy":
        return np.ma.MaskedArray(values, mask=unknown)
    import pyarrow as pa

    return _out(family, name, pa.array(values, mask=unknown))


def _sets(program: Any, what: str, values: Any) -> Tuple[Tuple[np.ndarray, np.ndarray], np.ndarray]:
    """A column of sets of party codes (a list column of Arrow or Polars,
    or a sequence of sequences) as (offsets, party indices), and which rows
    are missing (null)."""
    if _family(values) != "numpy":
        import pyarrow as pa
        import pyarrow.compute as pc

        column = _arrow(values)
        if not (pa.types.is_list(column.type) or pa.types.is_large_list(column.type)):
            raise CharterTypeError(
                "charter::type-mismatch", f"{what}: expected a list column of party codes, got Arrow `{column.type}`"
            )
        missing = column.is_null().to_numpy(zero_copy_only=False)
        offsets = column.offsets.to_numpy().astype(np.int64)
        offsets = offsets - offsets[0]
        flat = column.flatten()
        if flat.null_count:
            raise CharterValueError("charter::bad-facts", f"{what}: a set holds a null party")
        parties = _indices(program, "parties", flat)
        return (np.ascontiguousarray(offsets), np.ascontiguousarray(parties)), missing
    rows = values if isinstance(values, (list, tuple)) else list(values)
    lengths = np.zeros(len(rows) + 1, dtype=np.int64)
    flat = []
    missing = np.zeros(len(rows), dtype=bool)
    for at, row in enumerate(rows):
        if row is None:
            missing[at] = True
            row = ()
        elif isinstance(row, (str, bytes)) or not hasattr(row, "__iter__"):
            raise CharterTypeError(
                "charter::type-mismatch", f"{what}[{at}]: expected a set of party codes, got {type(row).__name__}"
            )
        items = list(row)
        lengths[at + 1] = len(items)
        flat.extend(items)
    parties = _indices(program, "parties", np.array(flat, dtype=object))
    if (parties < 0).any():
        raise CharterValueError("charter::bad-facts", f"{what}: a set holds a missing party")
    return (np.cumsum(lengths), np.ascontiguousarray(parties)), missing
