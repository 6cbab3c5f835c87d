"""Daily AI-research briefing generator.

The data flow of one run (see ARCHITECTURE.md):

    sources/ (fetch + pure parse) -> verify -> merge -> classify/rank -> commentary -> store
    data/ -> render/ (pure: data -> Markdown pages) -> render/mkdocs_plugin.py -> MkDocs
"""

__version__ = "0.1.0"
