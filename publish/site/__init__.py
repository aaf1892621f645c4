"""The public static site and its feeds (``gongkai build``).

Pipeline (Pelican-style readers → generators → writers): :mod:`.reader` (read-only store
queries) → :mod:`.lists` (list membership, pagination) → :mod:`.pages` and :mod:`.feeds`
(Jinja2 pages in zh-CN and English, Atom/RSS) → :mod:`.writer` (only changed bytes) with
:mod:`.state` (the incremental build state), orchestrated by :mod:`.build` and
:mod:`.jobs` (a fork pool over index ranges). URL design: :mod:`.paths` and the README.
"""
