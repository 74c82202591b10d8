"""Shared fixtures: the Almaty policy, loaded once for the session."""

import pathlib

import pytest

import charter

ROOT = pathlib.Path(__file__).resolve().parents[2]
ALMATY = ROOT / "policies" / "almaty"


@pytest.fixture(scope="session")
def root() -> pathlib.Path:
    return ROOT


@pytest.fixture(scope="session")
def almaty() -> charter.Program:
    return charter.load(ALMATY)
