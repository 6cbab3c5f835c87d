"""Make a Pagefind bundle's filter files byte-identical from one build to the next.

Pagefind 1.5 writes each filter's values, and the filters listed in the metadata file, in the
order of a Rust hash map, which changes from run to run (so do the files' content-hash names).
No option turns that off, so after indexing, :func:`sort_filters` rewrites them in sorted
order under names hashed from the sorted content, and points ``pagefind-entry.json`` at the
new metadata file. Nothing else in the bundle changes; Pagefind's JS only looks files up by
the names the metadata and entry give.

The files are gzip of ``pagefind_dcd`` followed by CBOR (decoded and encoded with cbor2, whose
encoding of Pagefind's arrays of strings and integers is byte-identical to Pagefind's own).
"""

from __future__ import annotations

import gzip
import hashlib
import json
from pathlib import Path

import cbor2

from ..errors import BuildError

SIGNATURE = b"pagefind_dcd"
ENTRY = "pagefind-entry.json"


def _read(path: Path):
    raw = gzip.decompress(path.read_bytes())
    if not raw.startswith(SIGNATURE):
        raise BuildError(f"{path}: not a Pagefind data file (no {SIGNATURE.decode()} signature); "
                         "was it written by a Pagefind other than 1.x?")
    return cbor2.loads(raw[len(SIGNATURE):])


def _write(folder: Path, pattern: str, language: str, value, digits: int) -> str:
    """Write ``value`` into ``folder`` under ``pattern`` filled with a name hashed from it
    (``<language>_<hex>``, as long as Pagefind's); returns that name."""
    body = SIGNATURE + cbor2.dumps(value)
    name = f"{language}_{hashlib.sha256(body).hexdigest()[:digits]}"
    (folder / pattern.format(name)).write_bytes(gzip.compress(body, mtime=0))
    return name


def _sorted_filter(bundle: Path, language: str, old: str) -> str:
    path = bundle / "filter" / f"{old}.pf_filter"
    name, values = _read(path)
    values = sorted([value, sorted(pages)] for value, pages in values)
    path.unlink()
    return _write(bundle / "filter", "{}.pf_filter", language, [name, values], len(old) - len(language) - 1)


def sort_filters(bundle: Path | str) -> None:
    """Rewrite ``bundle``'s filter files and metadata in sorted order (see the module doc)."""
    bundle = Path(bundle)
    entry_path = bundle / ENTRY
    entry = json.loads(entry_path.read_text(encoding="utf-8"))
    for language, about in sorted(entry["languages"].items()):
        meta_path = bundle / f"pagefind.{about['hash']}.pf_meta"
        meta = _read(meta_path)
        # [version, pages, index chunks, filters, sorts, meta fields]: filters are [name, file hash]
        meta[3] = sorted([name, _sorted_filter(bundle, language, old)] for name, old in meta[3])
        meta_path.unlink()
        about["hash"] = _write(bundle, "pagefind.{}.pf_meta", language, meta, len(about["hash"]) - len(language) - 1)
    entry_path.write_text(json.dumps(entry, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
