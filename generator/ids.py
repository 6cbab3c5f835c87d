"""Identities: one item per thing across sources and days.

* papers: ``arxiv:<bare id>``: the arXiv ID without version (``2604.26904``, ``astro-ph/0601001``);
  an HF Daily Papers entry *is* its arXiv paper.
* repos: ``github:<owner>/<repo>`` (GitHub names are case-insensitive: stored lower-case).
* models: ``hf:<org>/<name>`` (case preserved, as HF URLs are case-sensitive).
* datasets: ``hfd:<org>/<name>`` (likewise; a dataset and a model may share a name).
"""

from __future__ import annotations

import hashlib
import re
from pathlib import PurePosixPath

NEW_STYLE = re.compile(r"^(?P<id>\d{4}\.\d{4,5})(?P<version>v\d+)?$")
OLD_STYLE = re.compile(r"^(?P<id>[a-z][a-z.-]*[a-z](?:\.[A-Z]{2})?/\d{7})(?P<version>v\d+)?$")
# Prefixes seen in the wild before the bare ID.
_ARXIV_PREFIXES = re.compile(
    r"^(?:https?://(?:www\.|export\.)?arxiv\.org/(?:abs|pdf|api)/|arxiv:|oai:arxiv\.org:|"
    r"http://arxiv\.org/abs/)",
    re.IGNORECASE,
)


def split_arxiv_id(raw: str) -> tuple[str, str | None]:
    """``'http://arxiv.org/abs/2104.12255v1'`` -> ``('2104.12255', 'v1')``.

    Raises ValueError when ``raw`` is not an arXiv identifier.
    """
    text = _ARXIV_PREFIXES.sub("", raw.strip())
    text = text.removesuffix(".pdf")
    for pattern in (NEW_STYLE, OLD_STYLE):
        match = pattern.match(text)
        if match:
            return match["id"], match["version"]
    raise ValueError(f"not an arXiv identifier: {raw!r}")


def bare_arxiv_id(raw: str) -> str:
    return split_arxiv_id(raw)[0]


def arxiv_abs_url(bare: str) -> str:
    """The paper's abstract page on arxiv.org, for a bare ID (``2104.12255``)."""
    return f"https://arxiv.org/abs/{bare}"


def arxiv_pdf_url(bare: str) -> str:
    """The paper's PDF on arxiv.org, for a bare ID."""
    return f"https://arxiv.org/pdf/{bare}"


def paper_id(raw: str) -> str:
    return "arxiv:" + bare_arxiv_id(raw)


def repo_id(full_name: str) -> str:
    owner, _, name = full_name.strip().strip("/").partition("/")
    if not owner or not name or "/" in name:
        raise ValueError(f"not a GitHub owner/repo: {full_name!r}")
    return f"github:{owner.lower()}/{name.lower()}"


def model_id(name: str) -> str:
    name = name.strip().strip("/")
    if not name:
        raise ValueError("empty Hugging Face model id")
    return f"hf:{name}"


# The kind of item each id prefix names.
KIND_OF_PREFIX = {"arxiv": "paper", "github": "repo", "hf": "model", "hfd": "dataset"}


def dataset_id(name: str) -> str:
    name = name.strip().strip("/")
    if "/" not in name:
        raise ValueError(f"not a Hugging Face dataset id (owner/name): {name!r}")
    return f"hfd:{name}"


def item_path(item_id: str) -> PurePosixPath:
    """Where an item lives below ``data/items``; sharded so no folder holds more than ~1000 files.

    Papers shard by the ID's year-month (we keep tens a day, so a few hundred a month);
    repos and models by two hex digits of a hash of the id (256 folders).
    """
    prefix, _, rest = item_id.partition(":")
    if prefix == "arxiv":
        if "/" in rest:  # old style: astro-ph/0601001 -> paper/0601/astro-ph-0601001.yaml
            archive, number = rest.split("/")
            return PurePosixPath("paper", number[:4], f"{archive}-{number}.yaml")
        return PurePosixPath("paper", rest[:4], f"{rest}.yaml")
    if prefix in ("github", "hf", "hfd"):
        shard = hashlib.sha1(item_id.encode("utf-8")).hexdigest()[:2]
        return PurePosixPath(KIND_OF_PREFIX[prefix], shard, rest.replace("/", "--") + ".yaml")
    raise ValueError(f"unknown item id prefix in {item_id!r} (expected arxiv:, github:, hf: or hfd:)")


def anchor(item_id: str) -> str:
    """A stable HTML anchor for an item on a page: ``arxiv-2604-26904``, ``github-owner-repo``."""
    return re.sub(r"[^a-z0-9]+", "-", item_id.lower()).strip("-")
