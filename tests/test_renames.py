"""A renamed repository is one item under its new id, with the old id as an alias.

GitHub follows renames: ``/repos/<old owner>/<old name>`` answers with the repository's
current ``full_name``. End to end: ``briefing run --replay`` on the README's recorded day, with
one more route answering the look-up of a Trending repo under another name.
"""

from __future__ import annotations

import datetime as dt
import json

from conftest import payload
from fixtures_util import briefing_cli, replay_manifest_variant
from generator.sources import github
from generator.store import Archive
from generator.validate import validate

OLD, NEW = "bytedance/deer-flow", "bytedance/deerflow"
OLD_ID, NEW_ID = "github:" + OLD, "github:" + NEW
DAY, NEXT_DAY = dt.date(2026, 4, 30), dt.date(2026, 5, 1)


def derived_renamed_repo() -> bytes:
    """``GET /repos/bytedance/deer-flow`` as GitHub answers it after a rename to ``bytedance/deerflow``.

    No capture of a renamed repo's look-up exists, so this is DERIVED, and says so (see
    tests/fixtures/sources/SOURCES.md): the real recorded ``/repos/PyGithub/PyGithub`` object
    (its schema and every other field), with the identity fields (``name``, ``full_name``,
    ``owner.login``, ``html_url``, ``url``) set to the new name and ``description`` to that of
    the real Trending row of ``bytedance/deer-flow``.
    """
    repo = json.loads(payload("github/get_repo_PyGithub_PyGithub_2026-01-10.response.json"))["body"]
    row = next(c for c in github.parse_trending(payload("github/trending_daily_2026-06-24_slice_16_rows.html")) if c.title == OLD)
    owner, name = NEW.split("/")
    repo.update(name=name, full_name=NEW, html_url=f"https://github.com/{NEW}", url=f"https://api.github.com/repos/{NEW}",
                description=row.summary)
    repo["owner"]["login"] = owner
    return json.dumps(repo).encode("utf-8")


def manifest_with_rename(folder) -> str:
    """The README's replay manifest plus the derived answer for the renamed repo's look-up."""
    renamed = folder / "repos_bytedance_deer-flow_renamed.DERIVED.json"
    renamed.write_bytes(derived_renamed_repo())
    route = {"path": f"/repos/{OLD}", "file": str(renamed), "content_type": "application/json; charset=utf-8"}
    return str(replay_manifest_variant(folder, routes=(route,)))


def replay(manifest: str, data_dir, day: dt.date):
    # Every repo of the day is listed: these tests are about identity, not about selection.
    return briefing_cli("run", "--replay", manifest, "--date", day.isoformat(), "--ok-if-degraded", data_dir=data_dir,
                        env={"BRIEFING_EDITION__FOLLOW": "100"})


def test_renamed_repo_is_one_item_and_later_sightings_under_the_old_name_merge(tmp_path):
    manifest, data_dir = manifest_with_rename(tmp_path), tmp_path / "data"
    first = replay(manifest, data_dir, DAY)
    assert first.returncode == 0, first.stderr
    archive = Archive(data_dir)
    item = archive.load_item(NEW_ID)
    assert item is not None and item.aliases == [OLD_ID]
    assert item.verification.status == "verified" and item.url == f"https://github.com/{NEW}"
    assert archive.load_item(OLD_ID) is None  # one item, not two
    assert NEW_ID in archive.load_edition(DAY).item_ids() and OLD_ID not in archive.load_edition(DAY).item_ids()

    # The next day Trending still shows the old name, and the look-up is not recorded (partial):
    # the sighting joins the renamed item through its alias.
    second = replay(str(replay_manifest_variant(tmp_path)), data_dir, NEXT_DAY)
    assert second.returncode == 0, second.stderr
    item = archive.load_item(NEW_ID)
    assert [(s.source, s.date) for s in item.seen] == [("github-trending", DAY), ("github-trending", NEXT_DAY)]
    assert item.aliases == [OLD_ID]  # kept, so the day after merges too
    assert item.verification.status == "verified"  # today's failed look-up does not demote it
    assert archive.load_item(OLD_ID) is None
    assert NEW_ID in archive.load_edition(NEXT_DAY).item_ids()
    assert validate(data_dir) == []


def test_a_rename_noticed_later_carries_the_stored_history(tmp_path):
    """The recorded day stored the repo under its old name; on the next day its look-up
    answers the new name: the new item starts from the old one's history, which stays on
    disk unchanged for the edition that names it."""
    data_dir = tmp_path / "data"
    assert replay(str(replay_manifest_variant(tmp_path)), data_dir, DAY).returncode == 0
    old_file = Archive(data_dir).item_file(OLD_ID)
    before = old_file.read_bytes()
    result = replay(manifest_with_rename(tmp_path), data_dir, NEXT_DAY)
    assert result.returncode == 0, result.stderr
    item = Archive(data_dir).load_item(NEW_ID)
    assert item is not None and item.aliases == [OLD_ID]
    assert [s.date for s in item.seen] == [DAY, NEXT_DAY]
    assert old_file.read_bytes() == before
    assert validate(data_dir) == []
