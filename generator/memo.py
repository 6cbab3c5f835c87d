"""One look-up / compute / store for every cache of the build.

A cached value is a pure function of what it is computed from: ``Memo(store, table, salt)``
called as ``memo(compute, *inputs)`` returns ``compute()``, from ``store`` when an earlier
build stored it for the same inputs. The key is the hash of the inputs *as values*
(:func:`digest`): plain data, dataclasses and pydantic models are encoded field by field, and
anything else is refused (a ``TypeError`` in the tests, never a key that silently leaves part
of an input out, as ``repr`` can). ``salt`` stands for what every value of the memo depends on
besides its inputs (the code and templates, the settings). Without a store a memo computes.

The store is ``generator.buildcache.BuildCache`` (tables of bytes in SQLite); tests pass a dict.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
import functools
import hashlib
import json
import operator
from pathlib import PurePath
from typing import Callable, Generic, Iterable, Mapping, Protocol, TypeVar

T = TypeVar("T")
K = TypeVar("K")


class Store(Protocol):
    """Where memos keep their values between builds (``buildcache.BuildCache``)."""

    def get(self, table: str, key: str) -> bytes | None: ...

    def put(self, table: str, key: str, value: bytes) -> None: ...


@functools.lru_cache(maxsize=None)
def _fields_of(cls: type) -> Callable[[object], tuple] | None:
    """A dataclass's fields as a tuple getter (None: not a dataclass)."""
    if not dataclasses.is_dataclass(cls):
        return None
    names = [f.name for f in dataclasses.fields(cls)]
    getter = operator.attrgetter(*names)
    return (lambda value: (getter(value),)) if len(names) == 1 else getter


def _plain(value: object) -> object:
    """A value json cannot encode, as data json can (the ``default`` of :func:`digest`)."""
    fields = _fields_of(type(value))
    if fields is not None:
        return [type(value).__qualname__, *fields(value)]
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return [type(value).__name__, value.isoformat()]
    if isinstance(value, set | frozenset):
        return ["set", sorted(_encode(v) for v in value)]
    if isinstance(value, enum.Enum):
        return [type(value).__qualname__, value.value]
    if isinstance(value, PurePath):
        return ["path", value.as_posix()]
    if isinstance(value, bytes):
        return ["bytes", value.hex()]
    dump = getattr(value, "model_dump", None)  # a pydantic model
    if callable(dump):
        return [type(value).__qualname__, dump(mode="json")]
    raise TypeError(f"a memo key cannot hold a {type(value).__qualname__}: pass plain values (str, numbers, "
                    "lists, dicts, dates, dataclasses, pydantic models)")


def _encode(value: object) -> str:
    return json.dumps(value, default=_plain, ensure_ascii=False, separators=(",", ":"))


def digest(*values: object) -> str:
    """The SHA-256 of ``values`` encoded as data (order of lists and dicts included)."""
    return hashlib.sha256(_encode(values).encode("utf-8", "surrogatepass")).hexdigest()


def _utf8(text: str) -> bytes:
    return text.encode("utf-8")


def _text(raw: bytes) -> str:
    return raw.decode("utf-8")


class Memo(Generic[T]):
    """Look-up, compute, store, in one table of a store; values are text unless ``dump`` and
    ``load`` say how to turn them into bytes and back."""

    def __init__(
        self,
        store: Store | None,
        table: str,
        salt: object = "",
        *,
        dump: Callable[[T], bytes] = _utf8,  # type: ignore[assignment]
        load: Callable[[bytes], T] = _text,  # type: ignore[assignment]
    ) -> None:
        self.store, self.table, self.salt = store, table, salt
        self.dump, self.load = dump, load

    def key(self, *inputs: object) -> str:
        return digest(self.salt, *inputs)

    def __call__(self, compute: Callable[[], T], *inputs: object) -> T:
        """``compute()``, or what it returned for the same ``inputs`` before."""
        if self.store is None:
            return compute()
        return self.by_key(self.key(*inputs), compute)

    def by_key(self, key: str, compute: Callable[[], T]) -> T:
        """As calling the memo, for a caller that has the key already (a file's fingerprint)."""
        found = self.lookup(key)
        if found is not None:
            return found
        value = compute()
        self.store_value(key, value)
        return value

    def lookup(self, key: str) -> T | None:
        """The value stored under ``key`` (None: none), for a caller whose compute step is
        not one call (MkDocs converts a page between two plugin events)."""
        raw = self.store.get(self.table, key) if self.store is not None else None
        return self.load(raw) if raw is not None else None

    def store_value(self, key: str, value: T) -> None:
        if self.store is not None:
            self.store.put(self.table, key, self.dump(value))

    def many(self, keys: Mapping[K, str], compute: Callable[[list[K]], Iterable[tuple[K, T]]]) -> dict[K, T]:
        """A value for each of ``keys`` (name -> key), in their order: the stored ones in one
        look-up, the others from ``compute(names missing)``, which yields ``(name, value)``
        and may compute them together (in two processes, say)."""
        get_many = getattr(self.store, "get_many", None)
        if get_many is not None:
            found = get_many(self.table, keys.values())
        else:
            found = {key: raw for key in keys.values() if self.store is not None and (raw := self.store.get(self.table, key)) is not None}
        computed = {}
        for name, value in compute([name for name, key in keys.items() if key not in found]):
            if self.store is not None:
                self.store.put(self.table, keys[name], self.dump(value))
            computed[name] = value
        return {name: computed[name] if name in computed else self.load(found[key]) for name, key in keys.items()}
