"""One module per source. Each has a pure ``parse*(bytes) -> list[Candidate]`` (no IO) and a
``fetch(http, settings, day) -> Fetched`` that does the requests and decides fallbacks.

    common.py       text, dates, feed/JSON checks shared by the parsers
    arxiv.py        arXiv API (Atom) and RSS: listing, backfill, id_list look-ups
    huggingface.py  HF Daily Papers, trending models, the daily-papers mirror feed
    github.py       GitHub search API, repo look-ups, the Trending page (HTML)
"""
