"""Random edits to a small archive and its site's configuration: after each, a build with the
cache gives the same site as a build without it, byte for byte (search index included).

The edits are the ones a reader, a daily run or a maintainer makes: an item's text, a
rating, a new day, a deleted item, a category renamed in the settings, mkdocs.yml, a hook.
Hypothesis chooses their order and targets; the cache carries over from step to step.
"""

from __future__ import annotations

import datetime as dt
import shutil
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings as hypothesis_settings, strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule

from generator.render.build import build_site
from generator.store import Archive
from site_data import files_under, sample_settings, synthetic_archive
from test_build_cache import project_copy, save_day

pytestmark = pytest.mark.slow

DAYS, MORE_DAYS = 3, 2
MKDOCS_EDITS = [
    ("toc_depth: 3", "toc_depth: 2"),
    ("primary: indigo", "primary: teal"),
    ("strict: true", "strict: true\nextra:\n  generator: false"),
    ("  - navigation.top\n", ""),
]
HOOK = '''
def on_page_markdown(markdown, page, **kwargs):
    return markdown + "\\n\\n{text}\\n"


def on_post_page(output, page, **kwargs):
    return output.replace("</body>", "<!-- {text} --></body>")
'''


class WarmEqualsCold(RuleBasedStateMachine):
    @initialize()
    def archive(self):
        self.tmp = Path(tempfile.mkdtemp(prefix="warm-cold-"))
        items, editions = synthetic_archive(days=DAYS + MORE_DAYS, per_day=4, start=dt.date(2025, 12, 30))
        self.items, self.later = items, editions[DAYS:]
        self.store = Archive(self.tmp / "data")
        for edition in editions[:DAYS]:
            save_day(self.store, edition, items)
        self.settings = sample_settings(self.store.root)
        self.root = project_copy(self.tmp)
        self.builds = 0

    def teardown(self):
        shutil.rmtree(self.tmp, ignore_errors=True)

    def _item(self, index: int):
        items = self.store.load_items()
        return items[sorted(items)[index % len(items)]] if items else None

    @rule(index=st.integers(0, 10**6), text=st.sampled_from(["A corrected title", "Titel mit Ümlaut", "<b>not bold</b>"]))
    def edit_an_item(self, index, text):
        item = self._item(index)
        if item is not None:
            self.store.save_item(item.model_copy(update={"title": text, "summary": item.summary + " " + text}))

    @rule(index=st.integers(0, 10**6), rating=st.sampled_from(["relevant", "not-relevant", None]))
    def rate_an_item(self, index, rating):
        item = self._item(index)
        if item is not None:
            self.store.save_item(item.model_copy(update={"rating": rating}))

    @rule()
    def add_a_day(self):
        if self.later:
            save_day(self.store, self.later.pop(0), self.items)

    @rule(index=st.integers(0, 10**6))
    def delete_an_item(self, index):
        paths = sorted(self.store.item_files())
        if len(paths) > 1:
            paths[index % len(paths)].unlink()

    @rule(index=st.integers(0, 10**6), name=st.sampled_from(["改名的类别", "Renamed"]))
    def rename_a_category(self, index, name):
        taxonomy = list(self.settings.taxonomy)
        i = index % len(taxonomy)
        taxonomy[i] = taxonomy[i].model_copy(update={"name": name, "name_en": name})
        self.settings = self.settings.model_copy(update={"taxonomy": taxonomy})

    @rule(edit=st.sampled_from(MKDOCS_EDITS))
    def edit_mkdocs_yml(self, edit):
        config = self.root / "mkdocs.yml"
        config.write_text(config.read_text(encoding="utf-8").replace(*edit, 1), encoding="utf-8")

    @rule(text=st.sampled_from(["hooked one", "hooked two"]))
    def add_or_edit_a_hook(self, text):
        hook = self.root / "hooks" / "edit.py"
        if not hook.exists():
            hook.parent.mkdir(exist_ok=True)
            config = self.root / "mkdocs.yml"
            config.write_text(config.read_text(encoding="utf-8") + "\nhooks:\n  - hooks/edit.py\n", encoding="utf-8")
        hook.write_text(HOOK.format(text=text), encoding="utf-8")

    @invariant()
    def warm_build_equals_cold_build(self):
        self.builds += 1
        warm, cold = self.tmp / f"warm-{self.builds}", self.tmp / f"cold-{self.builds}"
        build_site(self.settings, warm, root=self.root, cache_dir=self.tmp / "cache")
        build_site(self.settings, cold, root=self.root)
        warm_files, cold_files = files_under(warm), files_under(cold)
        assert sorted(warm_files) == sorted(cold_files)
        assert [path for path in warm_files if warm_files[path] != cold_files[path]] == []
        shutil.rmtree(warm)
        shutil.rmtree(cold)


WarmEqualsCold.TestCase.settings = hypothesis_settings(
    max_examples=3, stateful_step_count=4, deadline=None, suppress_health_check=[HealthCheck.too_slow],
)
test_warm_build_equals_cold_build = WarmEqualsCold.TestCase
