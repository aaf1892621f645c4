"""Jinja2 environments (one per language, autoescape always on) and page rendering."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

import jinja2
import orjson

from publish import resources
from publish.site import i18n, text
from store import paths


def _tojson(value: Any) -> jinja2.utils.markupsafe.Markup:
    # JSON for a <script type="application/ld+json"> block: <, >, & and ' escaped as \uXXXX.
    raw = orjson.dumps(value).decode()
    for ch, esc in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"), ("'", "\\u0027")):
        raw = raw.replace(ch, esc)
    return jinja2.utils.markupsafe.Markup(raw)


def _finalize(value: Any) -> Any:
    """Every ``{{ … }}`` output: control characters and bidi overrides removed (Markup passes as is)."""
    if isinstance(value, str) and not isinstance(value, jinja2.utils.markupsafe.Markup):
        return text.clean(value)
    return value


def make_env(lang: str, templates: Path | None = None) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(templates or resources.templates_dir()),
        # Collected text is untrusted: escape everything, in files and in strings (bandit B701).
        autoescape=jinja2.select_autoescape(default_for_string=True, default=True),
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        auto_reload=False,  # templates do not change during a build: skip the per-render stat()
        finalize=_finalize,
    )
    env.install_gettext_translations(i18n.translations(lang), newstyle=False)  # type: ignore[attr-defined]
    # A plain gettext for `_()`: the extension's alias costs a context lookup per call. Strings
    # with placeholders use `_("… %(n)s …")|format(n=…)`; the output is autoescaped as usual.
    env.globals["_"] = i18n.gettext_for(lang)
    env.filters.update({
        "money": lambda v: text.money(v, lang),
        "fen": lambda v: text.money(v, lang, fen=True),
        "number": text.number,
        "date": text.date,
        "beijing": lambda v: text.beijing(v, lang),  # a system time, labelled (北京时间)
        "clean": text.clean,
        "choice": lambda v: text.clean(i18n.choice_label(str(v), lang)),  # a codelist value (采购方式 …) in the page's language
        "http_url": text.http_url,
        "paragraphs": text.paragraphs,
        "kind_label": partial(_label, i18n.kind_label, lang),
        "type_label": partial(_label, i18n.notice_type_label, lang),
        "status_label": partial(_label, i18n.status_label, lang),
        "role_label": partial(_label, i18n.role_label, lang),
        "tojson": _tojson,
    })
    env.globals.update({"lang": lang, "html_lang": i18n.HTML_LANG[lang]})
    return env


def _label(fn: Callable[[str, str], str], lang: str, value: Any) -> str:
    return fn(str(value), lang) if value is not None else ""


class Renderer:
    """Renders a page in one language: the links in it are relative to the page's own path."""

    def __init__(self, templates: Path | None = None) -> None:
        self.envs = {lang: make_env(lang, templates) for lang in i18n.LANGS}

    def render(self, template: str, rel: str, lang: str, feeds: list[tuple[str, str, str]] | None = None,
               **context: Any) -> bytes:
        """Render ``template`` as the page ``rel`` (site-relative, language-neutral) in ``lang``."""
        page = paths.in_lang(rel, lang)
        other = "en" if lang == "zh" else "zh"

        def url(target: str) -> str:
            return paths.link(page, paths.in_lang(target, lang))

        ctx = {
            "url": url,
            "asset": lambda target: paths.link(page, target),
            "page_rel": rel,
            "alternates": [(i18n.HTML_LANG[x], paths.link(page, paths.in_lang(rel, x))) for x in i18n.LANGS],
            "other_lang_url": paths.link(page, paths.in_lang(rel, other)),
            "feeds": [(title, paths.link(page, atom), paths.link(page, rss)) for title, atom, rss in (feeds or [])],
            **context,
        }
        return self.envs[lang].get_template(template).render(ctx).encode("utf-8")
