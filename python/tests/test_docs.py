"""docs/python.md's examples and the package's docstrings run as doctests,
from the repository root, so the docs cannot drift from the package."""

import doctest

import charter


def run(monkeypatch, root, test):
    monkeypatch.chdir(root)
    flags = doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE
    return test(optionflags=flags)


def test_docs_python_md(monkeypatch, root):
    path = root / "docs" / "python.md"
    result = run(monkeypatch, root, lambda optionflags: doctest.testfile(
        str(path), module_relative=False, optionflags=optionflags, raise_on_error=False))
    assert result.attempted > 20
    assert result.failed == 0


def test_package_docstrings(monkeypatch, root):
    result = run(monkeypatch, root, lambda optionflags: doctest.testmod(charter, optionflags=optionflags))
    assert result.attempted > 0
    assert result.failed == 0
