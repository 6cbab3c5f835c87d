"""MkDocs hook: take the site's identity from the briefing settings (briefing.yaml + env).

mkdocs.yml stays static; this fills in what depends on settings before anything is built:
site name and URL, the repository and branch the "edit" buttons open, the UI language.
Hand-written pages live in docs/, so edit_uri points there; generated pages set their edit
path to "../data/..." (see gen_pages.py), which resolves to the YAML at the repository root.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from generator import settings as settings_mod


def on_config(config, **kwargs):
    settings = settings_mod.load()
    site = settings.site
    config["site_name"] = site.title
    config["site_url"] = site.url if site.url.endswith("/") else site.url + "/"
    config["repo_url"] = site.repo_url
    config["repo_name"] = urlsplit(site.repo_url).path.strip("/") or site.repo_url
    config["edit_uri"] = f"edit/{site.branch}/docs/"
    config["theme"]["language"] = settings.language
    return config
