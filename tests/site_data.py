"""A small, fixed sample archive for the site tests (render input, not recorded HTTP).

Four editions over two months, papers / repos / models, every optional field exercised once:
partial verification, continuity, signals, removed claims, a human edit, an edition that
needs an LLM, a degraded edition with failed sources, and one item full of hostile strings.
Identifiers are fictional (``example-org``, arXiv numbers 2603.2xxxx / 2604.0xxxx).
"""

from __future__ import annotations

import datetime as dt
import functools
from pathlib import Path

from generator import settings as settings_mod
from generator.models import (
    CategoryMatch,
    Commentary,
    Edition,
    EditionEntry,
    GeneratedText,
    Idea,
    InterestMatch,
    Item,
    Relevance,
    RunStats,
    Section,
    Sighting,
    SourceReport,
    Verification,
    text_hash,
)
from generator.store import Archive

REPO = Path(__file__).resolve().parents[1]
CHECKED = dt.datetime(2026, 4, 3, 6, 0, tzinfo=dt.timezone.utc)

HOSTILE_TITLE = (
    "<script>alert('pwned')</script> *bold* | [click](javascript:alert(1)) "
    "{{ config.site_name }} {% if x %} &amp; `tick` # not-a-heading"
)
HOSTILE_ID = "arxiv:2604.00666"


# A fixed taxonomy and site, so the goldens do not move when briefing.yaml is tuned.
SAMPLE_TAXONOMY = [
    dict(slug="llm-agents", name="LLM 智能体", name_en="LLM agents", description="Agents built on language models, tool use, multi-agent systems."),
    dict(slug="reinforcement-learning", name="强化学习", name_en="Reinforcement learning", description="RL methods and RL for language models."),
    dict(slug="reasoning", name="推理", name_en="Reasoning", description="Chain-of-thought, mathematical and latent reasoning."),
    dict(slug="long-context", name="长上下文与记忆", name_en="Long context and memory", description="Long-context modelling, retrieval, memory."),
    dict(slug="multimodal", name="多模态", name_en="Multimodal", description="Vision-language, speech, video."),
    dict(slug="code", name="代码与软件工程", name_en="Code and software engineering", description="Code generation, software-engineering agents."),
    dict(slug="efficiency", name="高效训练与推理", name_en="Efficient training and inference", description="Quantization, distillation, serving."),
    dict(slug="evaluation", name="评测与基准", name_en="Evaluation and benchmarks", description="Benchmarks, evaluation methodology, datasets."),
    dict(slug="safety", name="安全与对齐", name_en="Safety and alignment", description="Alignment, robustness | privacy <b>not bold</b>."),
    dict(slug="theory", name="理论与优化", name_en="Theory and optimization", description="Learning theory, optimization."),
    dict(slug="models", name="模型发布", name_en="Model releases", description="Released model weights worth following.", kinds=["model"]),
    dict(slug="open-source", name="开源项目", name_en="Open-source projects", description="Repositories worth following.", kinds=["repo"]),
]
SAMPLE_SITE = dict(
    title="AI 研究简报",
    url="https://ai-briefing.github.io/ai-briefing/",
    repo_url="https://github.com/ai-briefing/ai-briefing",
    branch="main",
    recent=14,
    feed_items=30,
)


def files_under(folder: Path) -> dict[str, bytes]:
    """Every file below ``folder`` by its relative path, with its bytes (to compare two trees)."""
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(Path(folder).rglob("*")) if p.is_file()}


def sample_settings(data_dir: Path | str = "data", language: str = "zh") -> settings_mod.Settings:
    """The repository's briefing.yaml with a fixed taxonomy and site, the data dir and language replaced."""
    base = settings_mod.load(REPO / "briefing.yaml")
    return base.model_copy(update={
        "data_dir": Path(data_dir),
        "language": language,
        "taxonomy": [settings_mod.Category(**c) for c in SAMPLE_TAXONOMY],
        "site": settings_mod.Site(**SAMPLE_SITE),
    })


def llm(text: str, *, removed: list[str] | None = None) -> GeneratedText:
    return GeneratedText(
        text=text,
        by="llm:sample-model",
        prompt="item.v1",
        date=dt.date(2026, 4, 3),
        generated=text_hash(text),
        removed_claims=removed or [],
    )


def extractive(text: str) -> GeneratedText:
    return GeneratedText(text=text, by="extractive", generated=text_hash(text))


def verified(by: str, url: str) -> Verification:
    return Verification(status="verified", by=by, url=url, checked=CHECKED, matched=["id", "title", "date"])


def paper(number: str, title: str, day: dt.date, *, summary: str, categories: list[str], hf: bool = False,
          commentary: Commentary | None = None, **extra) -> Item:
    seen = [Sighting(source="arxiv-rss", date=day, detail="cs.CL new")]
    if hf:
        seen.append(Sighting(source="hf-daily-papers", date=day))
    return Item(
        id=f"arxiv:{number}",
        kind="paper",
        title=title,
        url=extra.pop("url", f"https://arxiv.org/abs/{number}"),
        published=day - dt.timedelta(days=1),
        authors=extra.pop("authors", ["Ada Example", "Bo Sample"]),
        summary=summary,
        versions=extra.pop("versions", ["v1"]),
        source_categories=["cs.CL", "cs.AI"],
        links=extra.pop("links", {"pdf": f"https://arxiv.org/pdf/{number}"}),
        seen=seen,
        verification=extra.pop("verification", None) or verified("arxiv-api", f"https://export.arxiv.org/api/query?id_list={number}"),
        categories=categories,
        classification=[CategoryMatch(category=c, terms=["sample"]) for c in categories],
        relevance=extra.pop("relevance", Relevance(score=0.8)),
        commentary=commentary or Commentary(),
        **extra,
    )


D1, D2, D3, D4 = (dt.date(2026, 3, 31), dt.date(2026, 4, 1), dt.date(2026, 4, 2), dt.date(2026, 4, 3))


def sample_items() -> dict[str, Item]:
    items = [
        paper(
            "2603.20001",
            "StepWise: Milestone Credit Assignment for Long-Horizon LLM Agents",
            D1,
            hf=True,
            summary="We propose StepWise, which splits agent trajectories at milestones and assigns "
            "credit per segment, improving GRPO on long-horizon tool-use tasks.",
            categories=["llm-agents", "reinforcement-learning"],
            commentary=Commentary(
                contribution=llm("按里程碑切分智能体轨迹,并在段内分配信用,改进长轨迹 GRPO 训练。"),
                why_it_matters=llm("长轨迹任务里稀疏奖励会抹掉局部正确的进展;分段信用分配直接针对这一点。"),
                relation=llm("与 Agentic RL 方向直接相关:里程碑可以当作潜在规划的边界。"),
            ),
        ),
        paper(
            "2603.20002",
            "Thinking in Latent Space: Latent Reasoning with Compressed Thought Tokens",
            D1,
            summary="Latent reasoning replaces verbal chain-of-thought with a few continuous thought "
            "tokens; we show compressed thoughts keep accuracy at a fraction of the cost.",
            categories=["reasoning"],
            commentary=Commentary(
                contribution=extractive("Latent reasoning replaces verbal chain-of-thought with a few continuous thought tokens."),
            ),
            relevance=Relevance(
                score=0.7,
                matched=[InterestMatch(interest="latent-reasoning", terms=["latent reasoning"])],
            ),
        ),
        Item(
            id="github:example-org/stepwise",
            kind="repo",
            title="example-org/stepwise",
            url="https://github.com/example-org/stepwise",
            published=dt.date(2026, 3, 20),
            updated=D2,
            summary="Reference implementation of StepWise milestone credit assignment.",
            related=["arxiv:2603.20001"],
            extra={"language": "Python", "license": "MIT"},
            seen=[Sighting(source="github-trending", date=D2, detail="stars today")],
            rating="relevant",  # the reader's word on it (week and month pages show it)
            verification=verified("github-api", "https://api.github.com/repos/example-org/stepwise"),
            categories=["open-source", "llm-agents"],
            commentary=Commentary(contribution=extractive("Reference implementation of StepWise milestone credit assignment.")),
        ),
        Item(
            id="hf:example-org/Tiny-Reasoner-1B",
            kind="model",
            title="example-org/Tiny-Reasoner-1B",
            url="https://huggingface.co/example-org/Tiny-Reasoner-1B",
            published=dt.date(2026, 3, 28),
            summary="A 1B-parameter reasoning model distilled for math and code.",
            seen=[Sighting(source="hf-trending-models", date=D2)],
            verification=verified("hf-api", "https://huggingface.co/api/models/example-org/Tiny-Reasoner-1B"),
            categories=["models", "efficiency"],
        ),
        paper(
            "2604.00003",
            "MemFold: Folding Long Contexts into Reusable Memory",
            D3,
            hf=True,
            summary="MemFold compresses long contexts into a reusable memory for retrieval-augmented agents.",
            categories=["long-context", "llm-agents"],
            commentary=Commentary(
                contribution=llm("提出 MemFold,把长上下文折叠成可复用的记忆,用于检索增强的智能体。"),
                why_it_matters=llm(
                    "长上下文成本随长度增长;把上下文压缩成记忆比单纯扩大窗口更可行。",
                    removed=["在所有基准上都优于 GPT-5"],
                ),
                flags=["claims-removed"],
            ),
        ),
        paper(
            "2604.00004",
            "Benchmarking Code Agents on Repository-Level Repair",
            D3,
            summary="A benchmark of 500 repository-level repair tasks for coding agents.",
            categories=["code", "evaluation"],
            verification=Verification(
                status="partial",
                by="arxiv-api",
                url="https://export.arxiv.org/api/query?id_list=2604.00004",
                checked=CHECKED,
                matched=["id", "date"],
                mismatched=["title"],
                note="title differs from the listing in punctuation",
            ),
            commentary=Commentary(
                contribution=GeneratedText(text="一个包含 500 个仓库级修复任务的代码智能体基准。(人工改写)", by="human"),
            ),
        ),
        paper(
            HOSTILE_ID.split(":")[1],
            HOSTILE_TITLE,
            D4,
            summary="<img src=x onerror=alert(1)> [a](javascript:alert(2))\n# Heading\n- list item\n\n    code",
            categories=["safety"],
            authors=["Mallory <mallory@example.org>", "Eve *star*"],
            links={"evil": "javascript:alert(2)", "data": "data:text/html,<script>alert(3)</script>"},
            url="javascript:alert(1)",
            commentary=Commentary(
                contribution=llm("**not bold** <b>raw</b> [x](javascript:alert(3)) | pipe {{ x }}"),
            ),
        ),
    ]
    return {item.id: item for item in items}


def sources(day_ok: bool = True) -> list[SourceReport]:
    if day_ok:
        return [
            SourceReport(source="arxiv_rss", status="ok", requests=1, http_statuses={"200": 1}, candidates=120),
            SourceReport(source="huggingface", status="ok", requests=2, http_statuses={"200": 2}, candidates=40),
            SourceReport(
                source="github_api", status="degraded", requests=4, http_statuses={"200": 3, "403": 1}, retries=1,
                candidates=25, notes=["rate limited once; waited 6 s"],
            ),
        ]
    return [
        SourceReport(
            source="arxiv_rss", status="failed", requests=3, http_statuses={"503": 1, "timeout": 2}, retries=2,
            fallback="arxiv_api listing", candidates=0, notes=["feed unreachable"],
        ),
        SourceReport(source="arxiv_api", status="ok", requests=1, http_statuses={"200": 1}, candidates=80),
        SourceReport(source="github_web", status="not-scheduled"),
    ]


def entry(item_id: str, **kw) -> EditionEntry:
    return EditionEntry(item=item_id, score=kw.pop("score", 0.5), **kw)


def sample_editions() -> list[Edition]:
    return [
        Edition(
            date=D1,
            judgment=llm(
                "今天的主线是长轨迹智能体的信用分配:StepWise 把轨迹切成里程碑。\n\n"
                "另一条线是潜空间推理(latent reasoning),用连续思维 token 代替文字链式思考。"
            ),
            sections=[
                Section(slug="highlights", entries=[entry("arxiv:2603.20001", signals={"upvotes": 42}), entry("arxiv:2603.20002")]),
                Section(slug="read-closely", entries=[entry("arxiv:2603.20001"), entry("arxiv:2603.20002")]),
            ],
            ideas=[
                Idea(
                    title=llm("把里程碑当作潜在规划的状态"),
                    body=llm("用轻量动态模型预测下一个里程碑。\n\n再用想象的轨迹筛掉低价值探索。"),
                    items=["arxiv:2603.20001", "arxiv:2603.20002"],
                )
            ],
            category_counts={"llm-agents": 1, "reasoning": 1},
            sources=sources(),
            stats=RunStats(candidates=185, verified=60, partial=1, dropped=3, new_items=2),
        ),
        Edition(
            date=D2,
            judgment=llm("开源实现跟进:StepWise 的代码已经公开,另有一个 1B 推理小模型上榜。"),
            sections=[
                Section(slug="highlights", entries=[entry("arxiv:2603.20001", signals={"upvotes": 77}, continuity=["hf-daily-papers:2-days"])]),
                Section(
                    slug="follow",
                    entries=[
                        entry("github:example-org/stepwise", signals={"stars_today": 120, "stars": 1500}, continuity=["repo-of:arxiv:2603.20001"]),
                        entry("hf:example-org/Tiny-Reasoner-1B", signals={"trending_score": 12.5, "downloads": 3400}),
                    ],
                ),
            ],
            sources=sources(),
            stats=RunStats(candidates=150, verified=50),
        ),
        Edition(
            date=D3,
            judgment=GeneratedText(text="长上下文与代码智能体是今天的两条线。", by="human"),
            sections=[
                Section(slug="highlights", entries=[entry("arxiv:2604.00003", signals={"upvotes": 15})]),
                Section(slug="papers", entries=[entry("arxiv:2604.00004", continuity=["new-version:v2"]), entry("arxiv:2609.99999")]),
                Section(slug="read-closely", entries=[entry("arxiv:2604.00003")]),
            ],
            commentary_notes=["LLM timed out once; 1 item fell back to extractive"],
            sources=sources(),
        ),
        Edition(
            date=D4,
            status="degraded",
            sections=[Section(slug="highlights", entries=[entry(HOSTILE_ID, continuity=["weird:<b>x</b>"])])],
            needs_llm=["judgment", "ideas"],
            sources=sources(day_ok=False),
            replay="sample",
        ),
    ]


def write_archive(root: Path) -> Archive:
    """Write the sample archive under ``root`` with the real store."""
    archive = Archive(root)
    for item in sample_items().values():
        archive.save_item(item)
    for edition in sample_editions():
        archive.save_edition(edition)
    return archive


# --------------------------------------------------------------------------- synthetic archives

_WORDS = (
    "agent reasoning latent memory retrieval policy reward benchmark diffusion vision code "
    "compiler sparse attention context scaling distillation alignment safety planning world model "
    "tool search graph kernel quantization speech video robot"
).split()
_CATEGORIES = ["llm-agents", "reinforcement-learning", "reasoning", "long-context", "multimodal", "code",
               "efficiency", "evaluation", "safety", "theory"]


def synthetic_archive(days: int, per_day: int = 25, start: dt.date = dt.date(2021, 1, 1), seed: int = 7
                      ) -> tuple[dict[str, Item], list[Edition]]:
    """A large, deterministic archive shaped like real ones, for page-weight and speed checks.

    Each day lists ``per_day`` items (5 highlights, papers, 3 repos/models to follow); some
    papers reappear the next day. Only for load tests: the text is word salad.
    """
    import random

    rng = random.Random(seed)
    items: dict[str, Item] = {}
    editions: list[Edition] = []
    previous: list[str] = []
    for offset in range(days):
        day = start + dt.timedelta(days=offset)
        ids: list[str] = []
        for n in range(per_day):
            if n < 2 and previous:
                ids.append(previous[n])
                continue
            words = rng.sample(_WORDS, 6)
            title = " ".join(w.capitalize() for w in words[:4]) + f" ({day:%Y%m%d}-{n})"
            cats = rng.sample(_CATEGORIES, rng.choice([1, 2, 2, 3]))
            if n >= per_day - 3:
                kind, item_id = "repo", f"github:example-org/r{day:%Y%m%d}{n}"
                url = f"https://github.com/{item_id.split(':')[1]}"
            else:
                number = f"{day:%y%m}.{offset % 100:02d}{n:03d}"
                kind, item_id, url = "paper", f"arxiv:{number}", f"https://arxiv.org/abs/{number}"
            summary = " ".join(rng.choice(_WORDS) for _ in range(60)) + "."
            items[item_id] = Item(
                id=item_id, kind=kind, title=title, url=url, published=day, summary=summary,
                authors=["Ada Example", "Bo Sample", "Cy Test"],
                seen=[Sighting(source="arxiv-rss" if kind == "paper" else "github-trending", date=day)],
                verification=verified("arxiv-api", url), categories=cats,
                commentary=Commentary(
                    contribution=extractive(f"提出 {words[0]} {words[1]} 方法,改进 {words[2]}。"),
                    why_it_matters=llm(f"{words[3]} 与 {words[4]} 的结合值得关注。") if n < 5 else None,
                ),
            )
            ids.append(item_id)
        previous = ids[2:4]
        editions.append(Edition(
            date=day,
            judgment=llm("今天的主线:" + ",".join(rng.sample(_WORDS, 5)) + "。"),
            sections=[
                Section(slug="highlights", entries=[entry(i, signals={"upvotes": 10 + k}) for k, i in enumerate(ids[:5])]),
                Section(slug="papers", entries=[entry(i) for i in ids[5:-3]]),
                Section(slug="follow", entries=[entry(i, signals={"stars_today": 50}) for i in ids[-3:]]),
                Section(slug="read-closely", entries=[entry(i) for i in ids[:3]]),
            ],
            sources=sources(),
        ))
    return items, editions


def write_synthetic(root: Path, days: int, per_day: int = 25) -> None:
    """Write a synthetic archive with the real store (slow for years: one fsync per file)."""
    archive = Archive(root)
    items, editions = synthetic_archive(days, per_day)
    for item in items.values():
        archive.save_item(item)
    for edition in editions:
        archive.save_edition(edition)


# --------------------------------------------------------------------------- a realistic archive of weeks


@functools.lru_cache(maxsize=None)
def story_archive(days: int = 60, end: dt.date = dt.date(2026, 4, 30)) -> tuple[dict[str, Item], tuple[Edition, ...]]:
    """``days`` days of benchmarks/make_archive.py's synthetic archive (real classifier, ranker
    and edition code over briefing.yaml's profile and taxonomy: scores, interests and
    categories as a run would give them), in memory, with the reader's rating on every
    seventh listed item (grades and words in turn), as a reader adds them by hand.
    Settings to render it with: :func:`story_settings`. Shared: do not mutate."""
    import sys

    sys.path.insert(0, str(REPO / "benchmarks"))
    import make_archive

    generator = make_archive.Generator(days, end, 0, story_settings())
    editions = tuple(generator.day(day) for day in generator.days)
    listed = list(dict.fromkeys(i for edition in editions for i in edition.item_ids()))
    for n, item_id in enumerate(listed[::7]):
        generator.items[item_id].rating = (3, 0, "relevant", 1, "not-relevant")[n % 5]
    return generator.items, editions


def story_settings(data_dir: Path | str = "data", language: str = "zh") -> settings_mod.Settings:
    """briefing.yaml's settings (the profile and taxonomy story_archive was made with)."""
    base = settings_mod.load(REPO / "briefing.yaml")
    return base.model_copy(update={"data_dir": Path(data_dir), "language": language, "site": settings_mod.Site(**SAMPLE_SITE)})


def iso_week(day: dt.date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def weekly_counts(items, editions) -> tuple[list[str], dict[tuple[str, str], dict[str, int]]]:
    """What the trends charts must show, computed here: the finished ISO weeks (the archive
    holds their Sunday or a later day), oldest first, and {(kind, slug): {week: distinct
    items listed that week that matched the interest / fall in the category}}."""
    from collections import defaultdict

    editions = sorted(editions, key=lambda e: e.date)
    listed: dict[str, set[str]] = defaultdict(set)
    for edition in editions:
        listed[iso_week(edition.date)].update(i for i in edition.item_ids() if i in items)
    monday = editions[0].date - dt.timedelta(days=editions[0].date.weekday())
    weeks = []
    while monday + dt.timedelta(days=6) <= editions[-1].date:
        weeks.append(iso_week(monday))
        monday += dt.timedelta(days=7)
    counts: dict[tuple[str, str], dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for week in weeks:
        for item_id in listed[week]:
            for slug in {m.interest for m in items[item_id].relevance.matched}:
                counts["interests", slug][week] += 1
            for slug in set(items[item_id].categories):
                counts["categories", slug][week] += 1
    return weeks, counts
