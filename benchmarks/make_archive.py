"""Write a synthetic archive of N days into a data folder, deterministically.

    python benchmarks/make_archive.py --days 365 --out /tmp/archive-365/data

Each day has about 25 listed items: ~18 papers, ~5 repos, ~2 models, with realistic lengths
(English abstracts of ~1,200 characters with a long-tailed vocabulary, Chinese commentary in
three GeneratedText fields with provenance, a Chinese judgment and two ideas), categories
and relevance computed by the real classifier from briefing.yaml, continuity computed by the
real merge code (repos and models come back on later days; some papers are listed twice),
sections assembled by the real edition builder, source reports and run stats. Files are
written with the real models and ``Archive`` (so ``briefing validate`` passes).

Search targets: "latent reasoning" (English) appears in ~3 % of papers and 长上下文 in the
commentary of long-context items; both are forced into the first paper of known days
(first, middle and last day), which ``manifest.json`` beside the data folder lists.

Same arguments, same bytes: every random choice comes from one seeded ``random.Random``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import multiprocessing
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import common  # noqa: E402  (sets sys.path for the generator package)

from generator import classify, edition as edition_mod, merge, rank  # noqa: E402
from generator.messages import note  # noqa: E402
from generator.models import (  # noqa: E402
    Commentary,
    Edition,
    GeneratedText,
    Idea,
    Item,
    RunStats,
    Sighting,
    SourceReport,
    Verification,
    text_hash,
)
from generator.store import Archive  # noqa: E402

DEFAULT_END = dt.date(2026, 4, 30)
LLM_BY = "llm:qwen-max"
# Bump when the generated content changes: cached archives with another version are rebuilt.
FORMAT_VERSION = 3

# --------------------------------------------------------------------------- vocabulary

TOPICS: dict[str, dict[str, list[str]]] = {
    # English phrases for titles/abstracts (many are taxonomy or profile phrases, so the real
    # classifier files items the way it would file real ones), Chinese phrases for commentary.
    "agents": {
        "en": ["LLM agents", "tool use", "multi-agent collaboration", "web agents", "GUI agents", "agentic workflows",
               "long-horizon planning", "language agents", "agentic reinforcement learning", "credit assignment"],
        "task": ["web navigation", "multi-step tool use", "software automation", "embodied instruction following",
                 "interactive decision making", "travel planning", "household tasks"],
        "zh": ["智能体", "工具调用", "多智能体协作", "长轨迹规划", "智能体强化学习", "信用分配"],
    },
    "rl": {
        "en": ["reinforcement learning", "policy optimization", "GRPO", "PPO", "RLVR", "reward shaping",
               "verifiable reward", "RLHF", "preference optimization", "DPO"],
        "task": ["mathematical problem solving", "instruction following", "reward modelling", "alignment tuning",
                 "continuous control"],
        "zh": ["强化学习", "策略优化", "可验证奖励", "奖励塑形", "偏好优化", "后训练"],
    },
    "reasoning": {
        "en": ["reasoning", "chain-of-thought", "test-time scaling", "math reasoning", "theorem proving",
               "self-consistency", "process supervision"],
        "task": ["competition mathematics", "multi-hop question answering", "formal theorem proving", "logical deduction",
                 "scientific reasoning"],
        "zh": ["推理", "思维链", "测试时扩展", "数学推理", "过程监督"],
    },
    "latent": {
        "en": ["latent reasoning", "latent space", "continuous thought", "latent planning", "implicit chain-of-thought"],
        "task": ["multi-step reasoning", "planning in latent space", "compressed reasoning"],
        "zh": ["隐空间推理", "连续思维", "潜在规划", "隐式思维链"],
    },
    "long-context": {
        "en": ["long-context", "long context", "memory", "retrieval", "RAG", "KV cache", "context compression"],
        "task": ["long-document question answering", "repository-level code completion", "multi-session dialogue",
                 "book summarization", "needle-in-a-haystack retrieval"],
        "zh": ["长上下文", "记忆机制", "检索增强", "KV 缓存", "上下文压缩"],
    },
    "multimodal": {
        "en": ["vision-language", "multimodal", "image", "video", "speech", "audio", "visual grounding"],
        "task": ["video understanding", "visual question answering", "image generation", "speech recognition",
                 "chart understanding", "document parsing"],
        "zh": ["多模态", "视觉语言模型", "视频理解", "语音", "图像生成"],
    },
    "code": {
        "en": ["code generation", "program synthesis", "software engineering", "coding agents", "compiler",
               "code LLM", "SWE-bench"],
        "task": ["issue resolution", "unit test generation", "code repair", "repository-level editing",
                 "program translation"],
        "zh": ["代码生成", "程序合成", "软件工程", "代码智能体", "自动修复"],
    },
    "efficiency": {
        "en": ["quantization", "distillation", "mixture of experts", "efficient inference", "speculative decoding",
               "pruning", "sparse attention"],
        "task": ["LLM serving", "on-device inference", "low-bit training", "throughput optimization"],
        "zh": ["量化", "蒸馏", "混合专家", "高效推理", "投机解码", "剪枝"],
    },
    "evaluation": {
        "en": ["benchmark", "evaluation", "dataset", "leaderboard", "human evaluation", "contamination analysis"],
        "task": ["model evaluation", "capability measurement", "benchmark construction", "data curation"],
        "zh": ["评测基准", "评测方法", "数据集", "排行榜", "数据污染"],
    },
    "safety": {
        "en": ["safety", "alignment", "jailbreak", "privacy", "fairness", "robustness", "adversarial attack"],
        "task": ["red teaming", "harmful content detection", "membership inference", "bias mitigation"],
        "zh": ["安全", "对齐", "越狱攻击", "隐私", "公平性", "鲁棒性"],
    },
    "theory": {
        "en": ["convergence", "optimization", "gradient descent", "regret bound", "generalization bound",
               "sample complexity"],
        "task": ["non-convex optimization", "online learning", "in-context learning theory", "scaling laws"],
        "zh": ["收敛性", "优化理论", "泛化界", "样本复杂度"],
    },
    "world-models": {
        "en": ["world model", "model-based reinforcement learning", "dynamics model", "simulator", "planning"],
        "task": ["robot manipulation", "autonomous driving", "game playing", "video prediction"],
        "zh": ["世界模型", "基于模型的强化学习", "动力学模型", "模拟器"],
    },
}
TOPIC_WEIGHTS = {"agents": 14, "rl": 11, "reasoning": 12, "latent": 3, "long-context": 8, "multimodal": 12, "code": 8,
                 "efficiency": 9, "evaluation": 9, "safety": 7, "theory": 4, "world-models": 4}
ARXIV_CATS = ["cs.CL", "cs.LG", "cs.AI", "cs.CV", "cs.SE", "cs.CR", "stat.ML", "cs.RO", "cs.DC", "math.OC", "cs.IR"]

ADJ = ["scalable", "robust", "efficient", "unified", "adaptive", "hierarchical", "modular", "lightweight", "principled",
       "data-efficient", "general-purpose", "training-free", "self-improving", "interpretable", "compositional",
       "sparse", "contrastive", "iterative", "progressive", "calibrated", "structured", "dynamic", "parameter-efficient"]
APPROACH = ["framework", "method", "architecture", "training recipe", "algorithm", "benchmark suite", "objective",
            "pipeline", "decoding strategy", "curriculum"]
MECHANISM = [
    "decomposes each task into verifiable sub-goals", "learns a compact representation of intermediate states",
    "reuses cached computations across steps", "aligns intermediate predictions with a learned critic",
    "interleaves retrieval with generation", "distills trajectories from a stronger teacher",
    "allocates computation adaptively per token", "replaces dense attention with a routed sparse variant",
    "trains a value model on synthetic rollouts", "filters noisy supervision with an agreement score",
    "estimates uncertainty to decide when to stop", "builds a graph of entities and relations on the fly",
    "shares a memory buffer between specialised modules", "searches over candidate programs with execution feedback",
]
LIMITATION = [
    "scales poorly with sequence length", "requires expensive human annotation", "fails to generalize beyond the training distribution",
    "suffers from reward hacking", "ignores the structure of the input", "wastes computation on easy instances",
    "is brittle under distribution shift", "cannot recover from early mistakes", "depends on hand-crafted prompts",
]
BENEFIT = [
    "stable training at scale", "faster convergence", "lower inference cost", "better sample efficiency",
    "more faithful intermediate steps", "strong zero-shot transfer", "robustness to noisy inputs",
    "interpretable decisions", "consistent gains across model sizes",
]
FINDING = [
    "most of the gains come from the first few iterations", "larger models benefit more from the proposed objective",
    "the learned representations transfer across domains", "performance saturates beyond a moderate budget",
    "errors concentrate on long-tail entities", "the method is complementary to existing fine-tuning techniques",
    "simple baselines are surprisingly competitive when tuned carefully", "data quality matters more than data quantity",
]
BENCHES = ["GSM8K", "MATH", "AIME", "HumanEval", "MBPP", "SWE-bench Verified", "LiveCodeBench", "MMLU", "GPQA",
           "BIG-Bench Hard", "ARC-AGI", "WebArena", "OSWorld", "ALFWorld", "LongBench", "RULER", "InfiniteBench",
           "MMMU", "VideoMME", "DocVQA", "ChartQA", "TruthfulQA", "HarmBench", "AlpacaEval", "MT-Bench", "HotpotQA",
           "Natural Questions", "TAU-bench", "BFCL", "Terminal-Bench"]
METRICS = ["accuracy", "pass@1", "success rate", "F1", "exact match", "win rate", "throughput", "perplexity"]
FIRST = ["Wei", "Yang", "Jie", "Xin", "Hao", "Yu", "Chen", "Lin", "Ming", "Jun", "Lei", "Tao", "Zhi", "Anna", "David",
         "Maria", "James", "Sara", "Omar", "Priya", "Kenji", "Lucas", "Elena", "Ahmed", "Sofia", "Noah", "Mei", "Ravi",
         "Julia", "Tom", "Hyun", "Min-jun", "Aisha", "Pierre", "Ingrid", "Mateo", "Yuki", "Fatima", "Ivan", "Leila"]
LAST = ["Zhang", "Wang", "Li", "Liu", "Chen", "Yang", "Huang", "Zhao", "Wu", "Zhou", "Xu", "Sun", "Ma", "Zhu", "Hu",
        "Smith", "Johnson", "Garcia", "Müller", "Rossi", "Kim", "Park", "Tanaka", "Sato", "Nguyen", "Singh", "Kumar",
        "Patel", "Cohen", "Silva", "Novak", "Dubois", "Andersson", "Ivanova", "Hassan", "Okafor", "Fischer", "Lopez"]
ORGS = ["deepmind-labs", "open-lab", "nlp-group", "ml-collective", "tsinghua-ai", "pku-nlp", "sjtu-lab", "fudan-nlp",
        "zju-ai", "stanford-crfm", "berkeley-ai", "cmu-lti", "mit-han-lab", "ai2-open", "eleuther-like", "nous-like",
        "mistral-like", "qwen-like", "deepseek-like", "zhipu-like", "baai-open", "shanghai-ai-lab", "hkust-nlp"]
LANGS = ["Python", "Python", "Python", "TypeScript", "Rust", "Go", "C++", "Jupyter Notebook", "JavaScript"]
LICENSES = ["apache-2.0", "mit", "llama3", "other", "cc-by-nc-4.0", "qwen"]
PIPELINES = ["text-generation", "image-text-to-text", "text-to-image", "automatic-speech-recognition",
             "feature-extraction", "text-to-speech", "any-to-any"]
GH_TOPICS = ["llm", "ai-agents", "agent", "rag", "reinforcement-learning", "deep-learning", "pytorch", "mcp",
             "claude-code", "inference", "quantization", "multimodal", "benchmark", "evaluation", "llmops", "memory",
             "vector-database", "code-generation", "fine-tuning", "transformers", "diffusion", "robotics", "cuda"]

ZH_INTRO = ["该工作", "作者", "本文", "这篇论文", "研究团队"]
ZH_CONTRIB = ["提出了 {m}，{mech}，在 {b} 上{res}。", "系统研究了{z}问题，给出 {m} 方法，核心是{mech2}，在 {b} 与 {b2} 上{res}。",
              "构建了面向{z}的新基准并提出 {m}，{res2}。"]
ZH_MECH = ["将任务拆解为可验证的子目标", "在推理过程中复用中间计算", "用学习到的评价模型对齐中间步骤", "交替进行检索与生成",
           "从更强的教师模型蒸馏轨迹", "按 token 自适应分配计算", "以稀疏路由替代稠密注意力", "在合成轨迹上训练价值模型",
           "用一致性得分过滤噪声监督", "在模块之间共享记忆缓冲区"]
ZH_RESULT = ["显著优于强基线", "取得了新的最好成绩", "以更低成本达到相当效果", "在多个模型规模上都有稳定提升", "大幅降低了推理开销"]
ZH_WHY = [
    "{z}是当前{z2}落地的主要瓶颈之一，这一结果说明{f}。", "如果结论成立，{z}方向的训练流程可以简化不少；但实验规模有限，{f}这一点仍需更多验证。",
    "它把{z}和{z2}联系起来，给出了一个可复现的基线，值得关注后续开源情况。", "方法简单、开销小，适合作为{z}研究的默认对照；作者也坦承{f}。",
    "这类工作说明{z}的收益很大程度上来自数据与评测设计，而不只是模型结构。",
]
ZH_FIND = ["收益主要来自前几轮迭代", "模型越大收益越明显", "数据质量比数量更重要", "简单基线经过调参后依然很有竞争力", "错误集中在长尾实体上"]
ZH_TREND = [
    "今天的主线是{z}：多篇论文从不同角度讨论同一个问题，{z2}相关工作也明显增多。",
    "值得注意的是{z}方向出现了可复现的开源实现，和{z2}的结合可能是下一阶段的重点。",
    "整体来看，{z}仍是热点，但评测口径不一致，结论需要谨慎对比；{z2}方向的工作更扎实。",
]

# --------------------------------------------------------------------------- generation


def pseudo_words(rng: random.Random, count: int) -> list[str]:
    """A long-tailed vocabulary of made-up technical words (method names, rare terms)."""
    onsets = ["b", "c", "d", "f", "g", "k", "l", "m", "n", "p", "r", "s", "t", "v", "z", "br", "cr", "fl", "gr", "pl",
              "pr", "qu", "st", "tr", "sk", "sp", "th", "sh", "ch", "x"]
    vowels = ["a", "e", "i", "o", "u", "ai", "ea", "io", "ou", "y"]
    codas = ["", "", "", "n", "r", "s", "x", "l", "m", "nt", "ng"]
    words, seen = [], set()
    while len(words) < count:
        word = "".join(rng.choice(onsets) + rng.choice(vowels) + rng.choice(codas) for _ in range(rng.choice((2, 2, 2, 3))))
        if word not in seen:
            seen.add(word)
            words.append(word)
    return words


def an(word: str) -> str:
    return ("an " if word[:1] in "aeiou" else "a ") + word


class Generator:
    def __init__(self, days: int, end: dt.date, seed: int, settings):
        self.rng = random.Random(seed)
        self.days = [end - dt.timedelta(days=n) for n in range(days - 1, -1, -1)]
        self.settings = settings
        self.ranker = rank.Ranker(settings.profile, [])  # no library: synthetic items resemble none
        self.vocab = pseudo_words(random.Random(seed + 1), 40_000)
        self.items: dict[str, Item] = {}
        self.month_counter: dict[str, int] = {}
        self.recent_repos: list[str] = []
        self.recent_models: list[str] = []
        self.yesterday_papers: list[str] = []
        middle = self.days[len(self.days) // 2]
        self.known_days = sorted({self.days[0], middle, self.days[-1]})
        self.interest_names = [i.name for i in settings.profile.interests]

    # ---- text pieces
    def rare(self, n: int) -> list[str]:
        # Zipf-like: a heavy head and a long tail over the made-up vocabulary.
        return [self.vocab[int(len(self.vocab) * self.rng.random() ** 2.5)] for _ in range(n)]

    def method_name(self) -> str:
        word = self.rare(1)[0]
        style = self.rng.random()
        if style < 0.4:
            return word.capitalize()
        if style < 0.7:
            return word[:5].upper()
        return word.capitalize() + self.rng.choice(["-R1", "Net", "-Zero", "LM", "-VL", "Bench", "-Agent", "Former"])

    def topics(self, forced: str | None = None) -> list[str]:
        names, weights = zip(*TOPIC_WEIGHTS.items())
        chosen = [forced] if forced else []
        while len(chosen) < self.rng.choice((1, 2, 2, 3)):
            topic = self.rng.choices(names, weights)[0]
            if topic not in chosen:
                chosen.append(topic)
        return chosen

    def phrase(self, topic: str) -> str:
        return self.rng.choice(TOPICS[topic]["en"])

    def task(self, topic: str) -> str:
        return self.rng.choice(TOPICS[topic]["task"])

    def zh(self, topic: str) -> str:
        return self.rng.choice(TOPICS[topic]["zh"])

    def abstract(self, method: str, topics: list[str]) -> str:
        rng, t0 = self.rng, topics[0]
        t1 = topics[1] if len(topics) > 1 else t0
        rare = self.rare(8)
        sentences = [
            f"{self.phrase(t0).capitalize()} remains {rng.choice(['challenging', 'an open problem', 'costly', 'poorly understood'])} "
            f"for {self.task(t0)}, as current systems {rng.choice(LIMITATION)}.",
            f"Existing approaches based on {self.phrase(t1)} and {rare[0]} {rng.choice(['heuristics', 'objectives', 'pipelines', 'models'])} "
            f"{rng.choice(LIMITATION)}, and offer little insight into {self.task(t1)}.",
            f"We propose {method}, {an(rng.choice(ADJ))} {rng.choice(APPROACH)} that {rng.choice(MECHANISM)}.",
            f"{method} combines {self.phrase(t0)} with {an(rng.choice(ADJ))} {rare[1]} module and {an(rare[2])} objective, "
            f"enabling {rng.choice(BENEFIT)} and {rng.choice(BENEFIT)}.",
            f"We instantiate it on {rng.choice(['7B', '8B', '14B', '32B', '70B', '1.5B', '3B'])} open models and train on "
            f"{rng.randint(2, 900)}K {rng.choice(['synthetic', 'curated', 'filtered', 'human-written'])} examples of {self.task(t1)}.",
            f"Experiments on {', '.join(rng.sample(BENCHES, 3))} show that {method} improves {rng.choice(METRICS)} by "
            f"{rng.randint(2, 25)}.{rng.randint(0, 9)}% over the strongest {rare[3]} baseline while using "
            f"{rng.randint(20, 80)}% less compute.",
            f"Ablations attribute the gains to the {rare[4]} component and to {self.phrase(t1)}, and we find that {rng.choice(FINDING)}.",
            f"We further analyze {rare[5]} and {rare[6]} behaviour under {self.task(t0)}, finding that {rng.choice(FINDING)}.",
        ]
        if rng.random() < 0.4:
            sentences.append(f"Our analysis of {rare[7]} suggests that {rng.choice(FINDING)}, which has implications for {self.task(t1)}.")
        if rng.random() < 0.5:
            sentences.append("Code, data and model checkpoints are publicly available.")
        return " ".join(sentences)

    def gtext(self, text: str, day: dt.date, inputs: str, prompt: str = "item.v1") -> GeneratedText:
        return GeneratedText(text=text, by=LLM_BY, prompt=prompt, date=day, inputs=inputs, generated=text_hash(text))

    def commentary(self, item: Item, topics: list[str], day: dt.date, method: str, force_zh: bool) -> Commentary:
        rng = self.rng
        t0 = topics[0]
        t1 = topics[1] if len(topics) > 1 else t0
        inputs = text_hash(item.title + item.summary)
        benches = rng.sample(BENCHES, 2)
        contribution = rng.choice(ZH_INTRO) + rng.choice(ZH_CONTRIB).format(
            m=method, mech=rng.choice(ZH_MECH), mech2=rng.choice(ZH_MECH), b=benches[0], b2=benches[1],
            res=rng.choice(ZH_RESULT), res2=rng.choice(ZH_RESULT), z=self.zh(t0))
        why = rng.choice(ZH_WHY).format(z=self.zh(t0), z2=self.zh(t1), f=rng.choice(ZH_FIND))
        if force_zh:
            why = f"它直接面向长上下文场景：{why}"
        matched = [m.interest for m in item.relevance.matched]
        names = {i.slug: i.name for i in self.settings.profile.interests}
        if matched:
            relation = "；".join(f"与「{names[s]}」相关：{rng.choice(['方法可直接借鉴', '实验设置值得对照', '可作为基线', '结论与你关注的问题一致'])}"
                                for s in matched[:2])
        else:
            relation = f"与你的研究兴趣关联较弱，可作为{self.zh(t0)}方向的背景阅读。"
        return Commentary(
            contribution=self.gtext(contribution, day, inputs),
            why_it_matters=self.gtext(why, day, inputs),
            relation=self.gtext(relation, day, inputs),
        )

    def checked(self, day: dt.date) -> dt.datetime:
        return dt.datetime.combine(day, dt.time(23, 30), tzinfo=dt.timezone.utc)

    # ---- items
    def paper(self, day: dt.date, forced: str | None) -> tuple[Item, dict]:
        rng = self.rng
        published = day - dt.timedelta(days=rng.choice((0, 1, 1, 1, 2)))
        yymm = f"{published:%y%m}"
        number = self.month_counter.get(yymm, rng.randint(100, 900)) + rng.randint(1, 35)
        self.month_counter[yymm] = number
        bare = f"{yymm}.{number:05d}"
        item_id = f"arxiv:{bare}"
        topics = self.topics("latent" if forced else None)
        method = self.method_name()
        t0 = topics[0]
        title = rng.choice([
            f"{method}: {rng.choice(ADJ).capitalize()} {self.phrase(t0).title()} for {self.task(t0).title()}",
            f"{rng.choice(ADJ).capitalize()} {self.phrase(t0)} via {self.phrase(topics[-1])}",
            f"On the {rng.choice(['Limits', 'Role', 'Scaling', 'Robustness', 'Dynamics'])} of {self.phrase(t0).title()} in {self.task(topics[-1]).title()}",
            f"{method}: Towards {rng.choice(ADJ).capitalize()} {self.task(t0).title()} with {self.phrase(topics[-1]).title()}",
        ])
        summary = self.abstract(method, topics)
        if forced:
            title = f"{method}: Latent Reasoning for {self.task(topics[-1]).title()}"
            summary = f"We study latent reasoning for long-context {self.task('long-context')}. " + summary
        sources = ["arxiv-rss"] if rng.random() < 0.6 else (["hf-daily-papers"] if rng.random() < 0.5 else ["arxiv-rss", "hf-daily-papers"])
        seen = [Sighting(source=s, date=day, detail=("cs.CL new" if s == "arxiv-rss" else None)) for s in sources]
        versions = ["v1"] if rng.random() < 0.85 else ["v1", "v2"]
        links = {"abs": f"https://arxiv.org/abs/{bare}", "pdf": f"https://arxiv.org/pdf/{bare}"}
        if "hf-daily-papers" in sources:
            links["hf"] = f"https://huggingface.co/papers/{bare}"
        if rng.random() < 0.25:
            links["github"] = f"https://github.com/{rng.choice(ORGS)}/{method.lower()}"
        primary = rng.choice(ARXIV_CATS[:4])
        item = Item(
            id=item_id, kind="paper", title=title, url=f"https://arxiv.org/abs/{bare}", published=published,
            updated=published + dt.timedelta(days=3) if len(versions) > 1 else None,
            authors=[f"{rng.choice(FIRST)} {rng.choice(LAST)}" for _ in range(rng.randint(2, 12))],
            summary=summary, versions=versions,
            source_categories=list(dict.fromkeys([primary] + rng.sample(ARXIV_CATS, rng.randint(0, 2)))),
            links=links, seen=seen,
            verification=Verification(status="verified", by="arxiv-api", url=f"https://export.arxiv.org/api/query?id_list={bare}",
                                      checked=self.checked(day), matched=["id", "title", "date"]),
        )
        self.classify(item)
        item.commentary = self.commentary(item, topics, day, method, force_zh=bool(forced) or "long-context" in item.categories)
        signals = {"upvotes": rng.randint(1, 120)} if "hf-daily-papers" in sources else {}
        return item, signals

    def classify(self, item: Item) -> None:
        classify.apply_all([item], self.settings.taxonomy)
        item.relevance = self.ranker.rank([rank.item_document(item)])[item.id]

    def repo(self, day: dt.date) -> tuple[Item, dict]:
        rng = self.rng
        if self.recent_repos and rng.random() < 0.35:
            item = self.items[rng.choice(self.recent_repos[-40:])]
            if all(s.date != day for s in item.seen):
                item.seen.append(Sighting(source="github-trending", date=day, detail="stars today"))
                return item, {"stars": rng.randint(500, 90_000), "forks": rng.randint(10, 9000), "stars_today": rng.randint(20, 2500)}
        owner = rng.choice(ORGS + self.rare(3))
        topic = self.topics()[0]
        name = "-".join(self.rare(rng.choice((1, 2)))) + rng.choice(["", "", "-ai", "-agent", "-rl", "-kit", ".cpp", "-bench"])
        full = f"{owner}/{name}"
        item_id = f"github:{full.lower()}"
        if item_id in self.items:
            return self.repo(day)
        summary = (
            f"{rng.choice(ADJ).capitalize()} {rng.choice(APPROACH)} for {self.task(topic)} with {self.phrase(topic)}. "
            f"{rng.choice(['Supports', 'Includes', 'Ships with'])} {', '.join(self.rare(3))} and {self.phrase(self.topics()[0])}."
        )
        if rng.random() < 0.5:
            summary += f" {rng.choice(MECHANISM).capitalize()} and gives {rng.choice(BENEFIT)} out of the box."
        item = Item(
            id=item_id, kind="repo", title=full, url=f"https://github.com/{full}",
            published=day - dt.timedelta(days=rng.randint(3, 900)), updated=day, summary=summary,
            source_categories=sorted(rng.sample(GH_TOPICS, rng.randint(2, 12))), extra={"language": rng.choice(LANGS)},
            seen=[Sighting(source=rng.choice(["github-trending", "github-search"]), date=day, detail="stars today")],
            verification=Verification(status="verified", by="github-api", url=f"https://api.github.com/repos/{full}",
                                      checked=self.checked(day), matched=["id", "title", "date"]),
        )
        self.classify(item)
        item.commentary = self.commentary(item, [topic], day, name, force_zh="long-context" in item.categories)
        self.items[item_id] = item
        self.recent_repos.append(item_id)
        return item, {"stars": rng.randint(100, 60_000), "forks": rng.randint(5, 6000), "stars_today": rng.randint(20, 2500)}

    def model(self, day: dt.date) -> tuple[Item, dict]:
        rng = self.rng
        if self.recent_models and rng.random() < 0.5:
            item = self.items[rng.choice(self.recent_models[-20:])]
            if all(s.date != day for s in item.seen):
                item.seen.append(Sighting(source="hf-trending-models", date=day))
                return item, {"likes": rng.randint(50, 5000), "downloads": rng.randint(1000, 2_000_000), "trending_score": rng.randint(10, 900)}
        org = rng.choice(ORGS)
        name = f"{self.rare(1)[0].capitalize()}-{rng.choice(['0.5B', '1.5B', '3B', '7B', '8B', '14B', '32B', '72B', '235B-A22B'])}" \
               f"{rng.choice(['', '-Instruct', '-Chat', '-GGUF', '-AWQ', '-VL', '-Thinking'])}"
        item_id = f"hf:{org}/{name}"
        if item_id in self.items:
            return self.model(day)
        topic = self.topics()[0]
        pipeline = rng.choice(PIPELINES)
        summary = (
            f"{name} is {an(rng.choice(ADJ))} {pipeline.replace('-', ' ')} model trained for {self.task(topic)}. "
            f"It uses {self.phrase(topic)} and {', '.join(self.rare(2))} and reports strong results on {', '.join(rng.sample(BENCHES, 2))}."
        )
        item = Item(
            id=item_id, kind="model", title=f"{org}/{name}", url=f"https://huggingface.co/{org}/{name}",
            published=day - dt.timedelta(days=rng.randint(1, 60)), summary=summary,
            source_categories=[pipeline] + sorted(rng.sample(["transformers", "safetensors", "gguf", "conversational", "en", "zh"], 3)),
            extra={"pipeline_tag": pipeline, "license": rng.choice(LICENSES)},
            seen=[Sighting(source="hf-trending-models", date=day)],
            verification=Verification(status="verified", by="hf-api", url=f"https://huggingface.co/api/models/{org}/{name}",
                                      checked=self.checked(day), matched=["id", "title"]),
        )
        self.classify(item)
        item.commentary = self.commentary(item, [topic], day, name, force_zh="long-context" in item.categories)
        self.items[item_id] = item
        self.recent_models.append(item_id)
        return item, {"likes": rng.randint(50, 5000), "downloads": rng.randint(1000, 2_000_000), "trending_score": rng.randint(10, 900)}

    # ---- a day
    def day(self, day: dt.date) -> Edition:
        rng = self.rng
        known = day in self.known_days
        todays: dict[str, Item] = {}
        signals: dict[str, dict] = {}
        for n in range(rng.randint(16, 20)):
            item, sig = self.paper(day, forced="latent reasoning" if known and n == 0 else None)
            self.items[item.id] = todays[item.id] = item
            signals[item.id] = sig
        if self.yesterday_papers and rng.random() < 0.3:  # a paper still on HF Daily Papers
            again = self.items[rng.choice(self.yesterday_papers)]
            again.seen.append(Sighting(source="hf-daily-papers", date=day))
            todays[again.id], signals[again.id] = again, {"upvotes": rng.randint(20, 300)}
        self.yesterday_papers = [i for i, it in todays.items() if it.kind == "paper" and it.first_seen() == day]
        for maker, count in ((self.repo, rng.randint(4, 6)), (self.model, rng.randint(1, 3))):
            for _ in range(count):
                item, sig = maker(day)
                todays[item.id], signals[item.id] = item, sig
        papers = {i: it for i, it in todays.items() if it.kind == "paper"}
        entries = [edition_mod.entry(item, signals[i], merge.continuity(item, day, papers)) for i, item in todays.items()]
        degraded = rng.random() < 0.05
        reports = self.reports(len(todays), degraded)
        edition = edition_mod.build(day, todays, entries, reports, self.settings)
        listed = edition.item_ids()
        inputs = text_hash(day.isoformat() + "".join(listed))
        top = [todays[i] for i in listed[:6]]
        zh_topics = [self.zh(self.topics()[0]) for _ in range(4)]
        counts = sorted(edition.category_counts.items(), key=lambda kv: -kv[1])[:3]
        names = {c.slug: c.name for c in self.settings.taxonomy}
        judgment = (
            f"今日共 {len(listed)} 条：论文 {sum(1 for i in listed if todays[i].kind == 'paper')}、"
            f"仓库 {sum(1 for i in listed if todays[i].kind == 'repo')}、模型 {sum(1 for i in listed if todays[i].kind == 'model')}。"
            f"条目最多的类别：{'、'.join(f'{names.get(s, s)} {n}' for s, n in counts)}。"
            + rng.choice(ZH_TREND).format(z=zh_topics[0], z2=zh_topics[1])
            + f"\n\n最值得细读的是《{top[0].title}》：{rng.choice(ZH_MECH)}，{rng.choice(ZH_RESULT)}。"
            + rng.choice(ZH_TREND).format(z=zh_topics[2], z2=zh_topics[3])
        )
        if known:
            judgment += "\n\n另外，latent reasoning 与长上下文的结合是今天反复出现的主题。"
        ideas = []
        for n in range(2):
            picked = rng.sample(listed[: min(len(listed), 10)], 2)
            title = f"把{self.zh(self.topics()[0])}用于{self.zh(self.topics()[0])}"
            body = (f"{rng.choice(ZH_INTRO)}的结果提示，{rng.choice(ZH_MECH)}或许可以迁移到你的问题上："
                    f"先在小规模任务上复现，再比较{rng.choice(METRICS)}。{rng.choice(ZH_WHY).format(z=zh_topics[n], z2=zh_topics[n + 1], f=rng.choice(ZH_FIND))}")
            ideas.append(Idea(title=self.gtext(title, day, inputs, "day.v1"), body=self.gtext(body, day, inputs, "day.v1"), items=picked))
        edition.judgment = self.gtext(judgment, day, inputs, "day.v1")
        edition.ideas = ideas
        batches = len(listed) // 5 + 1
        edition.commentary_notes = [note("llm-batches", model="qwen-max", ok=batches, n=batches),
                                    note("items-written", written=len(listed), kept=0)]
        edition.stats = RunStats(
            candidates=rng.randint(150, 260), verified=len(todays) + rng.randint(60, 140), partial=rng.randint(0, 4),
            dropped=rng.randint(0, 6), new_items=sum(1 for i in listed if todays[i].first_seen() == day),
            returning_items=sum(1 for i in listed if todays[i].first_seen() < day),
        )
        return edition

    def reports(self, n: int, degraded: bool) -> list[SourceReport]:
        rng = self.rng
        reports = [
            SourceReport(source="arxiv_rss", status="ok", requests=1, http_statuses={"200": 1}, candidates=rng.randint(120, 200)),
            SourceReport(source="arxiv_api", status="ok", requests=1, http_statuses={"200": 1}, candidates=0),
            SourceReport(source="huggingface", status="ok", requests=2, http_statuses={"200": 2}, candidates=rng.randint(30, 80)),
            SourceReport(source="github_web", status="ok", requests=1, http_statuses={"200": 1}, candidates=rng.randint(10, 25)),
            SourceReport(source="github_api", status="ok", requests=3 + n // 5, http_statuses={"200": 3 + n // 5}, candidates=rng.randint(20, 60)),
        ]
        if degraded:
            bad = rng.choice(reports)
            bad.status = "degraded"
            bad.retries = 2
            bad.requests += 2
            bad.http_statuses = {"200": bad.requests - 2, "429": 2}
            bad.notes = [note("after-attempts", url=f"https://api.example.org/{bad.source}", problem=note("problem-http", status=429),
                              attempts=3)]
        return reports


# --------------------------------------------------------------------------- writing


_ARCHIVE: Archive | None = None
_TO_WRITE: list = []


def _write_chunk(bounds: tuple[int, int]) -> int:
    start, stop = bounds
    for obj in _TO_WRITE[start:stop]:
        if isinstance(obj, Item):
            _ARCHIVE.save_item(obj)
        else:
            _ARCHIVE.save_edition(obj)
    return stop - start


def generate(out: Path, days: int, *, end: dt.date = DEFAULT_END, seed: int = 0, jobs: int = 2, progress=print) -> dict:
    """Write the archive under ``out`` (the data folder) and ``manifest.json`` beside it."""
    global _ARCHIVE, _TO_WRITE
    started = time.perf_counter()
    out = Path(out)
    if out.exists() and any(out.iterdir()):
        raise SystemExit(f"{out} is not empty; pass a new folder")
    settings = common.briefing_settings(out)
    gen = Generator(days, end, seed, settings)
    editions = []
    for n, day in enumerate(gen.days):
        editions.append(gen.day(day))
        if progress and (n + 1) % 365 == 0:
            progress(f"  generated {n + 1}/{days} days ({time.perf_counter() - started:.0f} s)")
    _ARCHIVE = Archive(out)
    _TO_WRITE = list(gen.items.values()) + editions
    chunk = max(1, len(_TO_WRITE) // (jobs * 8))
    bounds = [(i, min(i + chunk, len(_TO_WRITE))) for i in range(0, len(_TO_WRITE), chunk)]
    if jobs > 1 and len(_TO_WRITE) > 2000:
        with multiprocessing.get_context("fork").Pool(jobs) as pool:
            written = sum(pool.map(_write_chunk, bounds))
    else:
        written = sum(map(_write_chunk, bounds))
    kinds = {k: sum(1 for i in gen.items.values() if i.kind == k) for k in ("paper", "repo", "model")}
    manifest = {
        "format": FORMAT_VERSION,
        "days": days,
        "seed": seed,
        "first": gen.days[0].isoformat(),
        "last": gen.days[-1].isoformat(),
        "items": len(gen.items),
        "kinds": kinds,
        "editions": len(editions),
        "listed": sum(len(e.item_ids()) for e in editions),
        "files": written,
        "bytes": common.du(out),
        "known_days": {"latent reasoning": [d.isoformat() for d in gen.known_days], "长上下文": [d.isoformat() for d in gen.known_days]},
        "seconds": round(time.perf_counter() - started, 1),
    }
    (out.parent / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=2), encoding="utf-8")
    _TO_WRITE = []
    return manifest


def source_version() -> str:
    """Cached archives are reused only if made by this very generator."""
    text = Path(__file__).read_bytes()
    return f"{FORMAT_VERSION}-" + hashlib.sha256(text).hexdigest()[:12]


def ensure_archive(days: int, *, seed: int = 0, progress=print) -> tuple[Path, dict]:
    """The cached archive of ``days`` days (generated on first use): (data dir, manifest)."""
    folder = common.cache_dir() / f"archive-{days}-s{seed}"
    data, stamp = folder / "data", folder / "version"
    if stamp.exists() and stamp.read_text() == source_version() and (folder / "manifest.json").exists():
        return data, json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    if folder.exists():
        import shutil

        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    if progress:
        progress(f"generating a {days}-day archive in {data} ...")
    manifest = generate(data, days, seed=seed, progress=progress)
    stamp.write_text(source_version())
    if progress:
        progress(f"  {manifest['items']} items, {manifest['editions']} editions, {common.fmt_bytes(manifest['bytes'])} in {manifest['seconds']} s")
    return data, manifest


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--days", type=int, required=True, help="number of consecutive daily editions")
    parser.add_argument("--out", type=Path, required=True, help="the data folder to create (items/ and briefings/); manifest.json goes beside it")
    parser.add_argument("--end", type=dt.date.fromisoformat, default=DEFAULT_END, help=f"the last day (default {DEFAULT_END})")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--jobs", type=int, default=2, help="processes writing files (default 2)")
    args = parser.parse_args(argv)
    manifest = generate(args.out, args.days, end=args.end, seed=args.seed, jobs=args.jobs)
    print(json.dumps(manifest, ensure_ascii=False, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
