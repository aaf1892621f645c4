"""Interface strings: extraction with Babel and the English catalogue's upkeep (``make messages``).

``python -m publish.site.messages`` extracts every message id from the templates (Jinja2
``_()``) and from :mod:`publish.site` (``gettext()``, ``_()``, ``N_()``) and merges them into
``publish/locale/en/LC_MESSAGES/messages.po``: new ids are added untranslated (the test
suite then fails until someone translates them), ids no longer used are dropped.
"""

from __future__ import annotations

import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po, write_po

from publish import resources

SITE_CODE = Path(__file__).resolve().parent  # publish/site: the N_() marks in Python
KEYWORDS = {"_": None, "gettext": None, "N_": None, "ngettext": (1, 2)}


def extract() -> dict[str, list[str]]:
    """Message id → where it is used (file:line)."""
    found: dict[str, list[str]] = {}
    sources = [
        (resources.templates_dir(), [("**.html", "jinja2")],
         {"**.html": {"extensions": "jinja2.ext.i18n", "trim_blocks": "true", "lstrip_blocks": "true"}}),
        (SITE_CODE, [("**.py", "python")], {}),
    ]
    for base, method_map, options in sources:
        for filename, lineno, message, _comments, _ctx in extract_from_dir(
                base, method_map, options_map=options, keywords=KEYWORDS):
            ids = message if isinstance(message, tuple) else (message,)
            for mid in ids:
                if mid:
                    found.setdefault(mid, []).append(f"{base.name}/{filename}:{lineno}")
    # labels declared once on the models and translated where they are shown (lot summaries)
    from models.kinds import LOT_SUMMARY

    line = {c.column: n for n, c in enumerate(LOT_SUMMARY, start=1)}
    for column in LOT_SUMMARY:
        found.setdefault(column.label, []).append(f"models/kinds.py(LOT_SUMMARY):{line[column.column]}")
    return found


def po_path(lang: str = "en") -> Path:
    return resources.locale_dir() / lang / "LC_MESSAGES" / "messages.po"


def update(lang: str = "en") -> tuple[int, int]:
    """Merge the extracted ids into the catalogue; return (ids, untranslated)."""
    path = po_path(lang)
    old = Catalog(locale=lang)
    if path.exists():
        with path.open("rb") as fh:
            old = read_po(fh, locale=lang)
    new = Catalog(locale=lang, project="gongkai", domain="messages", fuzzy=False)
    for mid, places in sorted(extract().items()):
        prior = old.get(mid)
        new.add(mid, prior.string if prior else "", locations=[(p.rsplit(":", 1)[0], int(p.rsplit(":", 1)[1]))
                                                                  for p in places])
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as fh:
        write_po(fh, new, width=120, omit_header=False, sort_output=True)
    missing = sum(1 for m in new if m.id and not m.string)
    return len(new), missing


if __name__ == "__main__":
    total, missing = update()
    print(f"{po_path()}: {total} messages, {missing} untranslated")
    sys.exit(1 if missing else 0)
