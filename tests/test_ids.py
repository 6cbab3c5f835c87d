"""arXiv ID normalisation and archive paths (property-based)."""

import pytest
from hypothesis import given, strategies as st

from generator import ids

new_style = st.builds(
    lambda yy, mm, n, width: f"{yy:02d}{mm:02d}.{n:0{width}d}",
    st.integers(7, 99), st.integers(1, 12), st.integers(0, 9999), st.sampled_from([4, 5]),
)
version = st.one_of(st.just(""), st.integers(1, 30).map(lambda v: f"v{v}"))
prefix = st.sampled_from(["", "arxiv:", "http://arxiv.org/abs/", "https://arxiv.org/abs/", "https://arxiv.org/pdf/", "oai:arXiv.org:", "https://export.arxiv.org/abs/"])


@given(new_style, version, prefix)
def test_bare_id_drops_prefix_and_version(bare, ver, pre):
    assert ids.bare_arxiv_id(f"{pre}{bare}{ver}") == bare
    assert ids.split_arxiv_id(f"{pre}{bare}{ver}")[1] == (ver or None)


@given(new_style, version)
def test_normalisation_is_idempotent_and_versions_collapse(bare, ver):
    once = ids.paper_id(bare + ver)
    assert ids.paper_id(once) == once == ids.paper_id(bare)


@given(st.sampled_from(["astro-ph", "hep-th", "cond-mat", "math.AG", "cs"]), st.integers(0, 9999999), version)
def test_old_style_ids(archive, number, ver):
    raw = f"{archive}/{number:07d}{ver}"
    assert ids.bare_arxiv_id(raw) == f"{archive}/{number:07d}"


@pytest.mark.parametrize("junk", ["", "abc", "2604.269", "2604.269045v", "see 2604.26904", "https://example.org/2604.26904"])
def test_junk_is_rejected(junk):
    with pytest.raises(ValueError):
        ids.bare_arxiv_id(junk)


def test_item_paths_are_sharded():
    assert str(ids.item_path("arxiv:2604.26904")) == "paper/2604/2604.26904.yaml"
    assert str(ids.item_path("arxiv:astro-ph/0601001")) == "paper/0601/astro-ph-0601001.yaml"
    repo = ids.item_path(ids.repo_id("NousResearch/Hermes-Agent"))
    assert repo.parts[0] == "repo" and len(repo.parts[1]) == 2 and repo.name == "nousresearch--hermes-agent.yaml"
    assert ids.item_path("hf:moonshotai/Kimi-K2").name == "moonshotai--Kimi-K2.yaml"


def test_anchor_is_stable_and_url_safe():
    assert ids.anchor("arxiv:2604.26904") == "arxiv-2604-26904"
    assert ids.anchor("github:owner/my_repo") == "github-owner-my-repo"
