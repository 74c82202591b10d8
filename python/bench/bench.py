"""Charter from Python, measured in one run on the Almaty policy
(BENCHMARKS.md, "Python"). Nothing here is a test: run it by hand, from
the repository root, with the package built in release mode:

    python3 -m venv /tmp/bench-venv
    /tmp/bench-venv/bin/pip install ./python numpy cedarpy
    cargo build --release -p charter-cli -p charter-bench
    /tmp/bench-venv/bin/python python/bench/bench.py [--quick] [--json]

Rows (nanoseconds per question unless stated):

- chair(d) and valid(decision) per call from Python (native code and the
  interpreter), a decision given as a recorded id and as a dict;
- chair over 1,000,000 numpy days (datetime64[D] in, a masked array of
  party codes out: conversion included), beside the Rust batch
  (`charter-bench`'s W1 `charter_jit`, run as a subprocess in the same run);
- a hand-written pure-Python chair (a table of term starts and bisect);
- `charter eval` run as a subprocess per question (the baseline a Python
  user has without the package);
- ctypes on a shared library linked from `charter build`'s object file;
- cedarpy (PyPI), the same decisions in the Cedar encoding the Rust
  benchmark uses, per call and in its batch call.

Every engine's answers are checked against Charter's before it is timed.
"""

from __future__ import annotations

import argparse
import bisect
import ctypes
import datetime
import json
import os
import pathlib
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

import numpy as np

import charter

ROOT = pathlib.Path(__file__).resolve().parents[2]
ALMATY = ROOT / "policies" / "almaty"
EPOCH = datetime.date(1970, 1, 1)
PARTIES = ["KAZ", "KGZ", "TJK", "TKM", "UZB", "AFG", "AZE", "IRN", "PAK", "TUR", "UNHCR", "IOM", "OSCE", "UNRCCA", "EU"]


def per_call(function, inputs, rounds=3):
    """Nanoseconds per call of `function` over `inputs`: the best of
    `rounds` passes."""
    best = float("inf")
    for _ in range(rounds):
        start = time.perf_counter_ns()
        for item in inputs:
            function(item)
        best = min(best, (time.perf_counter_ns() - start) / len(inputs))
    return best


def once(function, rounds=3):
    best = float("inf")
    for _ in range(rounds):
        start = time.perf_counter_ns()
        function()
        best = min(best, time.perf_counter_ns() - start)
    return best


def random_days(rng, n, first="2013-01-01", last="2100-12-31"):
    lo, hi = (datetime.date.fromisoformat(d).toordinal() for d in (first, last))
    return [datetime.date.fromordinal(rng.randint(lo, hi)) for _ in range(n)]


def random_decisions(rng, n):
    """Decisions as W2 draws them: days 2013-2040, both meeting kinds,
    random present and objecting subsets of all 15 parties."""
    decisions = []
    for day in random_days(rng, n, "2013-01-01", "2040-12-31"):
        present = [p for p in PARTIES if rng.random() < 0.5]
        objections = [p for p in PARTIES if rng.random() < 0.1]
        decisions.append(
            {
                "kind": rng.choice(["ordinary", "amendment", "admission", "election"]),
                "meeting": {
                    "kind": rng.choice(["ministerial", "senior_officials"]),
                    "date": day.isoformat(),
                    "present": present,
                },
                "objections": objections,
            }
        )
    return decisions


class HandwrittenChair:
    """The chair of Almaty as a Python programmer would write it: two-year
    terms from 31 August 2013 in the order of § 3.ii (English alphabetical
    order of the founding members, as the rules derive it), a table of term
    starts and a binary search."""

    def __init__(self):
        order = ["KAZ", "KGZ", "TJK", "TUR", "AFG", "AZE"]
        self.starts, self.chairs = [], []
        year = 2013
        while year <= 9999:
            self.starts.append(datetime.date(year, 8, 31))
            self.chairs.append(order[len(self.chairs) % len(order)])
            year += 2

    def chair(self, day):
        i = bisect.bisect_right(self.starts, day) - 1
        return self.chairs[i] if i >= 0 else None


CEDAR_POLICY = """
permit(principal, action == Action::"decide", resource)
when {{
  (context.kind != "amendment" || context.meeting_kind == "ministerial") &&
  {}
}};
"""


def cedar_setup():
    adopted = (datetime.date(2013, 6, 5) - EPOCH).days
    members = ["KAZ", "KGZ", "TJK", "AFG", "AZE", "TUR"]
    conjuncts = " &&\n  ".join(
        f'!(context.objections.contains("{p}") && context.present.contains("{p}") && context.day >= {adopted})'
        for p in members
    )
    return CEDAR_POLICY.format(conjuncts), []


def cedar_request(decision):
    meeting = decision["meeting"]
    return {
        "principal": 'Meeting::"m"',
        "action": 'Action::"decide"',
        "resource": 'Meeting::"m"',
        "context": {
            "kind": decision["kind"],
            "meeting_kind": meeting["kind"],
            "day": (datetime.date.fromisoformat(meeting["date"]) - EPOCH).days,
            "present": meeting["present"],
            "objections": decision["objections"],
        },
    }


def built(name):
    """A program of the workspace, built in release (else debug) mode in
    `CARGO_TARGET_DIR` or `target/`."""
    targets = [pathlib.Path(os.environ["CARGO_TARGET_DIR"])] if os.environ.get("CARGO_TARGET_DIR") else []
    for profile in ["release", "debug"]:
        for target in targets + [ROOT / "target"]:
            path = target / profile / name
            if path.exists():
                return path, profile
    return None, None


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer inputs: a smoke run, not for the table")
    parser.add_argument("--json", action="store_true", help="print the rows as one JSON object")
    args = parser.parse_args()
    n_calls = 20_000 if args.quick else 200_000
    n_batch = 1_000_000
    rng = random.Random(0x00C4A27E2013)
    rows = {}
    notes = []

    program = charter.load(ALMATY)
    native = program.with_backend("native")
    native.chair("2016-01-01")  # compile native code before timing

    # ------------------------------------------------------------ chair
    days = random_days(rng, n_calls)
    texts = [d.isoformat() for d in days]
    hand = HandwrittenChair()
    for day in days[:10_000]:
        expected = program.chair(day)
        assert native.chair(day) == expected, day
        assert hand.chair(day) == expected, day
    rows["chair_per_call_native_str"] = per_call(native.chair, texts)
    rows["chair_per_call_native_date"] = per_call(native.chair, days)
    rows["chair_per_call_interp_str"] = per_call(program.chair, texts[: n_calls // 4])
    rows["chair_handwritten_python"] = per_call(hand.chair, days)

    # ------------------------------------------------------------ valid
    decisions = random_decisions(rng, n_calls // 4)
    recorded = [d for d in program.decisions if isinstance(program.valid(d), bool)]
    for decision in decisions[:2_000]:
        assert native.valid(decision) == program.valid(decision)
    rows["valid_per_call_native_dict"] = per_call(native.valid, decisions)
    rows["valid_per_call_interp_dict"] = per_call(program.valid, decisions[: n_calls // 20])
    rows["valid_per_call_native_recorded_id"] = per_call(native.valid, recorded * (n_calls // len(recorded)))
    prepared = native.prepare("valid(decision)")
    rows["valid_prepared_native_dict"] = per_call(lambda d: prepared(decision=d), decisions[: n_calls // 20])

    # ------------------------------------------------------------ batch
    batch_days = np.random.default_rng(1).integers(
        (datetime.date(2013, 1, 1) - EPOCH).days, (datetime.date(2100, 12, 31) - EPOCH).days, n_batch
    ).astype("datetime64[D]")
    answers = program.chair_batch(batch_days)
    for i in range(0, n_batch, n_batch // 2_000):
        day = batch_days[i].item()
        assert answers[i] == (program.chair(day) or ""), day
    rows["chair_batch_numpy_1M_per_day"] = once(lambda: program.chair_batch(batch_days)) / n_batch
    indices = program.chair_index_batch(batch_days)
    assert [program.parties[i] if i >= 0 else "" for i in indices[:1000].tolist()] == answers[:1000].tolist()
    rows["chair_index_batch_numpy_1M_per_day"] = once(lambda: program.chair_index_batch(batch_days)) / n_batch
    raw = np.ascontiguousarray(batch_days.view(np.int64))
    rows["chair_batch_numpy_1M_native_only_per_day"] = once(lambda: program._days("chair", raw)) / n_batch
    members = np.random.default_rng(2).choice(np.array(program.parties), n_batch)
    rows["member_batch_numpy_1M_per_pair"] = once(lambda: program.member_batch(members, batch_days)) / n_batch

    try:
        import pyarrow as pa
    except ImportError:
        notes.append("pyarrow is not installed: no valid_batch row")
    else:
        kinds, meeting_kinds, vdays, present, objections = arrow_decisions(program, n_batch)
        answers = program.valid_batch(kinds, meeting_kinds, vdays, present, objections)
        for i in range(0, n_batch, n_batch // 500):
            decision = {
                "kind": kinds[i].as_py(),
                "meeting": {"kind": meeting_kinds[i].as_py(), "date": vdays[i].as_py().isoformat(), "present": present[i].as_py()},
                "objections": objections[i].as_py(),
            }
            expected = program.valid(decision)
            assert answers[i].as_py() == (None if isinstance(expected, charter.Unknown) else expected), decision
        rows["valid_batch_arrow_1M_per_decision"] = (
            once(lambda: program.valid_batch(kinds, meeting_kinds, vdays, present, objections)) / n_batch
        )

    bench, profile = built("charter-bench")
    if bench is not None and profile == "release":
        run = subprocess.run([str(bench), "--quick", "--json"], capture_output=True, text=True, cwd=ROOT, check=False)
        try:
            w1 = json.loads(run.stdout)["W1"]
            rows["rust_chair_batch_charter_jit"] = w1["charter_jit"]
            rows["rust_chair_per_call_charter_jit"] = w1["charter_jit_per_call"]
            rows["rust_chair_handwritten"] = w1["handwritten"]
            rows["rust_valid_batch_charter_jit"] = json.loads(run.stdout)["W2"]["charter_jit"]
        except (ValueError, KeyError) as error:
            notes.append(f"charter-bench gave no W1 ({error}): {run.stderr.strip()[:200]}")
    else:
        notes.append("no release charter-bench: `cargo build --release -p charter-bench` for the Rust batch row")

    # ------------------------------------------------------- subprocess
    cli, profile = built("charter")
    if cli is not None:
        questions = texts[:10] if args.quick else texts[:40]
        for text in questions[:5]:
            run = subprocess.run(
                [str(cli), "eval", str(ALMATY), "--query", f"chair({text})", "--format", "json"],
                capture_output=True,
                text=True,
                check=True,
            )
            assert json.loads(run.stdout)["value"] == program.chair(text)
        times = []
        for text in questions:
            start = time.perf_counter_ns()
            subprocess.run(
                [str(cli), "eval", str(ALMATY), "--query", f"chair({text})", "--format", "json"],
                capture_output=True,
                check=True,
            )
            times.append(time.perf_counter_ns() - start)
        rows[f"chair_subprocess_charter_eval_{profile}"] = statistics.median(times)
        rows.update(ctypes_rows(cli, program, days))
    else:
        notes.append("no `charter` built: `cargo build --release -p charter-cli` for the subprocess and ctypes rows")

    # ------------------------------------------------------------ cedar
    try:
        import cedarpy
    except ImportError:
        notes.append("cedarpy is not installed (pip install cedarpy)")
    else:
        policies, entities = cedar_setup()
        judged = [d for d in decisions if isinstance(program.valid(d), bool)]
        requests = [cedar_request(d) for d in judged]
        for decision, request in list(zip(judged, requests))[:1_000]:
            allowed = cedarpy.is_authorized(request, policies, entities).allowed
            assert allowed == program.valid(decision), decision
        n_cedar = 2_000 if args.quick else 20_000
        rows["valid_cedarpy_per_call"] = per_call(
            lambda r: cedarpy.is_authorized(r, policies, entities), requests[:n_cedar], rounds=1
        )
        rows["valid_cedarpy_batch_per_decision"] = (
            once(lambda: cedarpy.is_authorized_batch(requests[:n_cedar], policies, entities), rounds=1) / n_cedar
        )
        try:
            from importlib.metadata import version

            notes.append(f"cedarpy {version('cedarpy')}")
        except Exception:  # noqa: BLE001 (a version is only a note)
            notes.append("cedarpy (version unknown)")

    ratios = {}

    def ratio(name, slow, fast):
        if slow in rows and fast in rows:
            ratios[name] = rows[slow] / rows[fast]

    ratio("cedarpy_per_call / charter valid per call (native, dict)", "valid_cedarpy_per_call", "valid_per_call_native_dict")
    ratio("cedarpy_batch / charter valid per call (native, dict)", "valid_cedarpy_batch_per_decision", "valid_per_call_native_dict")
    ratio("handwritten Python chair / charter chair per call (native, date)", "chair_handwritten_python", "chair_per_call_native_date")
    ratio("numpy batch / Rust batch (chair)", "chair_batch_numpy_1M_per_day", "rust_chair_batch_charter_jit")
    ratio("numpy index batch / Rust batch (chair)", "chair_index_batch_numpy_1M_per_day", "rust_chair_batch_charter_jit")
    ratio("handwritten Python chair / charter chair per call (native, str)", "chair_handwritten_python", "chair_per_call_native_str")
    ratio("handwritten Python chair / charter chair_batch per day", "chair_handwritten_python", "chair_batch_numpy_1M_per_day")
    ratio("cedarpy_per_call / charter valid per call (recorded id)", "valid_cedarpy_per_call", "valid_per_call_native_recorded_id")
    ratio("Arrow batch / Rust batch (valid)", "valid_batch_arrow_1M_per_decision", "rust_valid_batch_charter_jit")
    ratio("cedarpy_per_call / charter valid_batch (Arrow)", "valid_cedarpy_per_call", "valid_batch_arrow_1M_per_decision")
    for key in list(rows):
        if key.startswith("chair_subprocess_charter_eval"):
            ratio("subprocess charter eval / charter chair per call (native, str)", key, "chair_per_call_native_str")
    ratio("ctypes chair per call / charter chair per call (native, date)", "chair_ctypes_per_call", "chair_per_call_native_date")

    machine = f"{os.cpu_count()} cores, Python {sys.version.split()[0]}, numpy {np.__version__}"
    if args.json:
        print(json.dumps({"rows": rows, "ratios": ratios, "notes": notes, "machine": machine}, indent=2))
        return
    print(f"# {machine}")
    for key, value in rows.items():
        print(f"{key:55} {value:>14,.1f}" if isinstance(value, float) else f"{key:55} {value:>14}")
    for key, value in ratios.items():
        print(f"{key:70} {value:>10,.1f}x")
    for note in notes:
        print("note:", note)


def arrow_decisions(program, n):
    """W2's decisions as Arrow columns: kinds, meeting kinds, days
    2013-2040, present and objecting sets drawn from all parties."""
    import pyarrow as pa

    rng = np.random.default_rng(3)
    parties = np.array(program.parties)
    kinds = pa.array(rng.choice(np.array(["ordinary", "amendment", "admission", "election"]), n))
    meeting_kinds = pa.array(rng.choice(np.array(["ministerial", "senior_officials"]), n))
    lo, hi = (datetime.date(2013, 1, 1) - EPOCH).days, (datetime.date(2040, 12, 31) - EPOCH).days
    days = pa.array(rng.integers(lo, hi, n).astype("int32")).cast(pa.date32())

    def sets(p):
        chosen = rng.random((n, len(parties))) < p
        offsets = np.concatenate([[0], np.cumsum(chosen.sum(axis=1))]).astype(np.int32)
        values = pa.array(parties[np.nonzero(chosen)[1]], type=pa.string())
        if isinstance(values, pa.ChunkedArray):
            values = values.combine_chunks()
        return pa.ListArray.from_arrays(pa.array(offsets), values)

    return kinds, meeting_kinds, days, sets(0.5), sets(0.1)


def ctypes_rows(cli, program, days):
    """`charter build`'s object file linked into a shared library, its
    `charter_chair(day)` called through ctypes."""
    cc = os.environ.get("CC") or shutil.which("cc")
    if cc is None:
        return {}
    with tempfile.TemporaryDirectory() as tmp:
        tmp = pathlib.Path(tmp)
        obj, header, lib = tmp / "almaty.o", tmp / "almaty.h", tmp / "libalmaty.so"
        subprocess.run([str(cli), "build", str(ALMATY), "-o", str(obj), "--header", str(header)], check=True, capture_output=True)
        subprocess.run([cc, "-shared", "-o", str(lib), str(obj)], check=True, capture_output=True)
        library = ctypes.CDLL(str(lib))
        chair = library.charter_chair
        chair.argtypes = [ctypes.c_int32]
        chair.restype = ctypes.c_int32
        parties = program.parties

        def call(day):
            raw = chair((day - EPOCH).days)
            return parties[raw] if 0 <= raw < len(parties) else None

        for day in days[:2_000]:
            assert call(day) == program.chair(day), day
        return {"chair_ctypes_per_call": per_call(call, days)}


if __name__ == "__main__":
    main()
