"""The one look-up / compute / store helper (generator.memo) every cache of the build uses."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest

from generator.memo import Memo, digest


class DictStore:
    """The build cache's tables as a dict."""

    def __init__(self):
        self.rows: dict[tuple[str, str], bytes] = {}

    def get(self, table, key):
        return self.rows.get((table, key))

    def put(self, table, key, value):
        self.rows[(table, key)] = value


@dataclass(frozen=True)
class Row:
    title: str
    day: dt.date


class Opaque:
    def __repr__(self):
        return "Opaque()"  # the same repr whatever it holds: no key may rest on it


def test_digest_is_the_value_and_refuses_what_it_cannot_see_into():
    assert digest(Row("a", dt.date(2026, 1, 1))) == digest(Row("a", dt.date(2026, 1, 1)))
    assert digest(Row("a", dt.date(2026, 1, 1))) != digest(Row("a", dt.date(2026, 1, 2)))
    assert digest({"a": 1, "b": 2}) != digest({"b": 2, "a": 1})  # order is part of what a page shows
    assert digest(dt.date(2026, 1, 1)) != digest("2026-01-01") != digest(dt.datetime(2026, 1, 1))
    assert digest({1, 2}) == digest({2, 1})
    with pytest.raises(TypeError, match="Opaque"):
        digest([Opaque()])


def test_a_memo_computes_once_per_input_and_not_without_a_store():
    calls = []

    def compute(text):
        calls.append(text)
        return text.upper()

    memo = Memo(DictStore(), "pages", "salt")
    assert memo(lambda: compute("a"), "a") == "A"
    assert memo(lambda: compute("a"), "a") == "A"
    assert memo(lambda: compute("b"), "b") == "B"
    assert calls == ["a", "b"]
    assert Memo(DictStore(), "pages", "other salt")(lambda: compute("a"), "a") == "A" and calls[-1] == "a"
    calls.clear()
    off = Memo(None, "pages")
    assert off(lambda: compute("a"), "a") == "A" and off(lambda: compute("a"), "a") == "A"
    assert calls == ["a", "a"]


def test_many_looks_up_together_and_computes_only_the_missing():
    store = DictStore()
    memo = Memo(store, "files", dump=str.encode, load=bytes.decode)
    asked = []

    def compute(names):
        asked.append(list(names))
        return ((name, name * 2) for name in names)

    assert memo.many({"a": "k-a", "b": "k-b"}, compute) == {"a": "aa", "b": "bb"}
    assert memo.many({"c": "k-c", "a": "k-a", "b": "k-b"}, compute) == {"c": "cc", "a": "aa", "b": "bb"}
    assert asked == [["a", "b"], ["c"]]
