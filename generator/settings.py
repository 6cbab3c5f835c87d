"""The one typed settings object.

Built in ``cli.main()`` from ``briefing.yaml`` (documented with comments) and overridden by
environment variables in the pydantic-settings convention ``BRIEFING_<SECTION>__<KEY>``,
e.g. ``BRIEFING_SOURCES__ARXIV_API__BASE_URL=http://127.0.0.1:8000``.
Never built at import time. Secrets (LLM key, tokens) come only from the environment.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, SecretStr, ValidationError
from pydantic_settings import BaseSettings, SettingsConfigDict

from .errors import ConfigError

DEFAULT_CONFIG = "briefing.yaml"


class SettingsSection(BaseModel):
    """A group of settings: unknown keys are errors (a typo never passes silently)."""

    model_config = ConfigDict(extra="forbid")


class Interest(SettingsSection):
    """One research interest of the reader."""

    slug: str = Field(description="Stable identifier, used in stored relevance explanations.")
    name: str = Field(description="Display name in the configured language.")
    name_en: str = Field("", description="English display name (used when language is en).")
    description: str = Field("", description="What the interest covers, in a sentence.")
    phrases: list[str] = Field(default_factory=list, description="Key phrases matched in titles and abstracts (case-insensitive).")
    weight: float = Field(1.0, ge=0, description="Relative importance in ranking.")


class LibraryEntry(SettingsSection):
    """A paper, repo or model the reader follows: new items close to it rank up."""

    id: str = Field(description="Item id: arxiv:<id>, github:<owner>/<repo> or hf:<org>/<model>.")
    title: str = Field("", description="Its title (or name and a line on it); stands in for the text until it is fetched.")


class UnwantedTopic(SettingsSection):
    """A topic the reader skips: an item about it ranks down, whatever else it matches."""

    slug: str = Field(description="Stable identifier, named in stored relevance explanations.")
    name: str = Field(description="Display name in the configured language.")
    name_en: str = Field("", description="English display name (used when language is en).")
    phrases: list[str] = Field(default_factory=list, description="Phrases that show an item is about this topic.")
    kinds: list[Literal["paper", "repo", "model", "dataset"]] = Field(default_factory=list, description="If set, only items of these kinds.")


class Profile(SettingsSection):
    def names(self, language: str) -> dict[str, str]:
        """Display names of the interests and unwanted topics, by slug, in ``language``."""
        return {t.slug: (t.name_en if language == "en" and t.name_en else t.name) for t in [*self.interests, *self.unwanted]}


    name: str = Field("reader", description="How commentary addresses the reader.")
    interests: list[Interest] = Field(default_factory=list, description="The research interests ranking scores against.")
    library: list[LibraryEntry] = Field(default_factory=list, description="Papers, repos and models the reader follows.")
    unwanted: list[UnwantedTopic] = Field(default_factory=list, description="Topics the reader does not want.")
    labs: list[str] = Field(default_factory=list, description=(
        "Organisations (GitHub or Hugging Face owners) whose open releases the reader follows: their repos, "
        "models and datasets are worth a place in the follow list unless about a topic the reader skips."))
    context: list[str] = Field(default_factory=list, description=(
        "Phrases that show a text is in the reader's field (e.g. language model, LLM); where none occurs, "
        "evidence of an interest counts for little (\"agent\" in a paper on robot swarms). Empty: no such rule."))


class Category(SettingsSection):
    """One taxonomy entry; an item may fall into several."""

    slug: str = Field(description="URL-safe identifier (category page path, stored in items).")
    name: str = Field(description="Display name in the configured language.")
    name_en: str = Field("", description="English display name (used when language is en).")
    description: str = Field("", description="What belongs here, in the configured language (shown on the category pages).")
    description_en: str = Field("", description="English description (used when language is en).")
    phrases: list[str] = Field(default_factory=list, description="Phrases matched in title and summary (case-insensitive, word-bounded).")
    title_phrases: list[str] = Field(default_factory=list, description="Phrases that count only in the title (words every abstract uses in passing).")
    arxiv_categories: list[str] = Field(default_factory=list, description="arXiv primary/cross categories that count as a match.")
    kinds: list[Literal["paper", "repo", "model", "dataset"]] = Field(default_factory=list, description="If set, only these kinds can fall in this category.")
    catch_all: bool = Field(False, description="Given to an item that no other category matched, so every item has one.")


class SourceBase(SettingsSection):
    enabled: bool = Field(True, description="Fetch this source at all.")
    base_url: str = Field(description="Scheme and host (and optional prefix); the code appends the service's paths.")
    timeout: float = Field(30.0, gt=0, description="Per-request timeout in seconds.")
    min_interval: float = Field(0.0, ge=0, description="Minimum seconds between two requests to this host.")
    max_retries: int = Field(3, ge=0, le=10, description="Retries after the first attempt on 429/5xx/timeouts.")


class ArxivApiSource(SourceBase):
    base_url: str = "https://export.arxiv.org"
    min_interval: float = Field(3.0, description="arXiv asks for at most one request every 3 s.")
    categories: list[str] = Field(default_factory=lambda: ["cs.AI", "cs.CL", "cs.LG"], description="Listed when backfilling or when RSS fails.")
    max_results: int = Field(200, ge=1, le=2000, description="Entries per listing request.")
    batch_size: int = Field(100, ge=1, le=200, description="IDs per id_list verification request.")


class ArxivRssSource(SourceBase):
    base_url: str = "https://rss.arxiv.org"
    min_interval: float = 3.0
    categories: list[str] = Field(default_factory=lambda: ["cs.AI", "cs.CL", "cs.LG"], description="Joined with '+' into one feed request.")
    announce_types: list[str] = Field(default_factory=lambda: ["new", "cross"], description="RSS announce types kept (replace = new version of an old paper).")


class HuggingFaceSource(SourceBase):
    base_url: str = "https://huggingface.co"
    daily_papers_limit: int = Field(100, ge=1, le=200, description="Entries asked of /api/daily_papers.")
    trending_models_limit: int = Field(30, ge=0, le=200, description="Models asked of /api/models?sort=trendingScore (0 disables).")
    trending_datasets_limit: int = Field(30, ge=0, le=200, description="Datasets asked of /api/datasets?sort=trendingScore (0 disables).")
    daily_papers_days_back: int = Field(1, ge=0, le=7, description="Which HF list a run reads: 1 = the previous day's (HF fills a day's list during US daytime, so at a morning run the current day's list is still nearly empty).")
    mirror_feed_url: str = Field("", description="Full URL of an RSS mirror of HF Daily Papers, used when the API fails ('' disables).")


class GithubApiSource(SourceBase):
    base_url: str = "https://api.github.com"
    queries: list[str] = Field(default_factory=list, description="Search queries; empty = one per profile interest, from its phrases. The code adds a date window.")
    per_page: int = Field(20, ge=1, le=100, description="Results per search query.")
    window_days: int = Field(7, ge=1, le=90, description="Date window for search queries.")


class GithubWebSource(SourceBase):
    base_url: str = "https://github.com"
    since: Literal["daily", "weekly", "monthly"] = "daily"
    language: str = Field("", description="Optional language filter for /trending/<language>.")


class Sources(SettingsSection):
    arxiv_api: ArxivApiSource = Field(default_factory=ArxivApiSource)
    arxiv_rss: ArxivRssSource = Field(default_factory=ArxivRssSource)
    huggingface: HuggingFaceSource = Field(default_factory=HuggingFaceSource)
    github_api: GithubApiSource = Field(default_factory=GithubApiSource)
    github_web: GithubWebSource = Field(default_factory=GithubWebSource)


class HttpSettings(SettingsSection):
    contact: str = Field("briefing@example.org", description="Contact address put in the User-Agent, as arXiv asks.")
    user_agent: str = Field("ai-briefing/0.1 (+https://github.com/ai-briefing/ai-briefing; mailto:{contact})", description="User-Agent; {contact} is filled in.")
    backoff_base: float = Field(1.0, ge=0, description="First retry delay in seconds; doubles each retry, with jitter.")
    backoff_max: float = Field(60.0, ge=0, description="Longest single wait; a server asking for a longer one (Retry-After, rate-limit reset) fails the request at once.")


class EditionLimits(SettingsSection):
    """How many items each section of an edition lists."""

    highlights: int = Field(5, ge=0, description="Items in 'highlighted'.")
    papers: int = Field(20, ge=0, description="Other papers listed.")
    follow: int = Field(8, ge=0, description="Repos and models to follow.")
    read_closely: int = Field(3, ge=0, description="The ones to read closely.")
    min_score: float = Field(0.0, ge=0, le=1, description="Papers scoring below are kept out of the edition (the follow list is ranked, not cut).")
    require_evidence: bool = Field(True, description=(
        "List only items that show evidence of the reader's interests (phrases in the reader's field, taste, "
        "library, ratings, a followed lab); false lists whatever the sources bring."))


class Llm(SettingsSection):
    base_url: str = Field("", description="OpenAI-compatible base URL, e.g. https://api.openai.com/v1; empty = extractive only.")
    model: str = Field("", description="Model name sent in requests.")
    api_key: SecretStr | None = Field(None, description="From BRIEFING_LLM__API_KEY only; never written anywhere.")
    timeout: float = Field(60.0, gt=0, description="Per-request timeout in seconds.")
    max_retries: int = Field(2, ge=0, le=6, description="Retries on 429/5xx/timeout.")
    batch_size: int = Field(5, ge=1, le=20, description="Items per completion request.")
    token_budget: int = Field(200_000, ge=0, description="Tokens per run; when spent the rest falls back to extractive.")
    grade_batch_size: int = Field(10, ge=1, le=50, description="Items per grading request (the shortlist is graded 0-3 against the profile).")
    grade_budget_share: float = Field(0.3, ge=0, le=1, description="Share of token_budget grading may spend; commentary gets the rest.")
    temperature: float = Field(0.2, ge=0, le=2)


class Site(SettingsSection):
    title: str = Field("AI 研究简报", description="Site title.")
    title_en: str = Field("", description="English site title (used when language is en).")
    url: str = Field("https://ai-briefing.github.io/ai-briefing/", description="Published base URL (feeds need absolute links).")
    repo_url: str = Field("https://github.com/ai-briefing/ai-briefing", description="Repository on GitHub; 'correct this' links open files here.")
    branch: str = Field("main", description="Branch that edit links point at.")
    recent: int = Field(14, ge=1, description="Editions listed on the home page.")
    feed_items: int = Field(30, ge=1, description="Entries per feed.")


class Settings(BaseSettings):
    """All settings. See briefing.yaml for the documented defaults."""

    model_config = SettingsConfigDict(env_prefix="BRIEFING_", env_nested_delimiter="__", extra="forbid")

    language: Literal["zh", "en"] = Field("zh", description="Language of commentary and site UI.")
    data_dir: Path = Field(Path("data"), description="Archive root (items/ and briefings/).")
    profile: Profile = Field(default_factory=Profile)
    taxonomy: list[Category] = Field(default_factory=list)
    sources: Sources = Field(default_factory=Sources)
    http: HttpSettings = Field(default_factory=HttpSettings)
    edition: EditionLimits = Field(default_factory=EditionLimits)
    llm: Llm = Field(default_factory=Llm)
    site: Site = Field(default_factory=Site)

    @classmethod
    def settings_customise_sources(cls, settings_cls, init_settings, env_settings, dotenv_settings, file_secret_settings):
        # Precedence: explicit init args > environment > YAML file (passed as init via load()).
        return (env_settings, init_settings)

    def user_agent(self) -> str:
        return self.http.user_agent.format(contact=self.http.contact)

    @property
    def site_title(self) -> str:
        """The site's title in the configured language."""
        return self.site.title_en if self.language == "en" and self.site.title_en else self.site.title


def load(path: Path | str | None = None, *, root: Path | None = None) -> Settings:
    """Read the YAML file, apply environment overrides, validate.

    ``path`` defaults to ``$BRIEFING_CONFIG`` or ``briefing.yaml`` in the current directory.
    A relative ``data_dir`` is resolved against the config file's folder.
    """
    config_path = Path(path or os.environ.get("BRIEFING_CONFIG") or DEFAULT_CONFIG)
    raw: dict[str, Any] = {}
    if config_path.exists():
        try:
            raw = yaml.safe_load(config_path.read_text(encoding="utf-8")) or {}
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            where = f"{config_path}:{mark.line + 1}" if mark else str(config_path)
            raise ConfigError(f"{where}: not valid YAML ({getattr(exc, 'problem', exc)}); fix the syntax") from None
        if not isinstance(raw, dict):
            raise ConfigError(f"{config_path}: expected a mapping of settings at the top level")
    elif path is not None:
        raise ConfigError(f"{config_path}: settings file not found; pass --config or create it from briefing.yaml")
    if "llm" in raw and isinstance(raw["llm"], dict) and raw["llm"].get("api_key"):
        raise ConfigError(f"{config_path}: llm.api_key must not be in a file; set BRIEFING_LLM__API_KEY in the environment")
    try:
        settings = Settings(**raw)
    except ValidationError as exc:
        first = exc.errors()[0]
        field = ".".join(str(p) for p in first["loc"])
        raise ConfigError(f"{config_path}: {field}: {first['msg']} (or the BRIEFING_ environment override for it)") from None
    if not settings.data_dir.is_absolute():
        base = (root or config_path.resolve().parent)
        settings.data_dir = base / settings.data_dir
    return settings


def deep_merge(base: dict, extra: dict) -> dict:
    """``base`` with ``extra`` laid over it, nested mappings merged key by key."""
    merged = dict(base)
    for key, value in extra.items():
        merged[key] = deep_merge(merged[key], value) if isinstance(value, dict) and isinstance(merged.get(key), dict) else value
    return merged


def with_overrides(settings: Settings, overrides: dict) -> Settings:
    """``settings`` with ``overrides`` (nested, as in briefing.yaml) laid over it, validated again.

    The LLM key is carried over as the secret it is (a dump would only hold its mask).
    """
    data = deep_merge(settings.model_dump(mode="python"), overrides)
    data["llm"]["api_key"] = settings.llm.api_key
    return Settings.model_validate(data)


def resolved(settings: Settings) -> dict[str, Any]:
    """The settings as plain data for ``briefing config show``; secrets masked."""
    data = settings.model_dump(mode="json")
    key = settings.llm.api_key
    data["llm"]["api_key"] = "(set)" if key and key.get_secret_value() else "(not set)"
    for token in ("GITHUB_TOKEN", "HF_TOKEN"):
        data.setdefault("tokens", {})[token] = "(set)" if os.environ.get(token) else "(not set)"
    return data
