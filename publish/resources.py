"""The files the product ships beside its code, found with :mod:`importlib.resources`.

In the repository they live where a reader expects them: ``templates/`` (the site's Jinja2
templates and static assets), ``datasette/`` (the Datasette configuration directory: metadata,
settings, templates, plugins) and ``publish/locale/`` (the interface catalogues). The wheel
carries them as the data packages ``gongkai_templates`` and ``gongkai_datasette``
(``[tool.setuptools.package-dir]`` in ``pyproject.toml``) and ``publish/locale``, so an
installed ``gongkai`` finds them wherever it runs; an editable install (``make setup``) maps
the same names to the checkout. Nothing here walks up from a source file.

The data folders have no ``__init__.py`` (a ``datasette/__init__.py`` would shadow the real
Datasette package whenever the checkout is on ``sys.path``), so they are namespace packages;
they are top-level because setuptools' editable finder cannot place a namespace package inside
a regular one. :func:`importlib.resources.files` gives a multiplexed path over the one
directory; on Python 3.11 it refuses the placeholder entry an editable install adds to the
package's path (``NotADirectoryError``), and the directory is then read from the import spec.
"""

from __future__ import annotations

import importlib.util
from functools import cache
from importlib.resources import files
from importlib.resources.abc import Traversable
from pathlib import Path

SITE_TEMPLATES = "gongkai_templates"
DATASETTE_CONFIG = "gongkai_datasette"


class ResourceMissing(RuntimeError):
    """The installed package lacks a data directory (a broken or zipped install)."""


@cache
def _directory(package: str, subdir: str = "") -> Path:
    name = f"{package}{'/' + subdir if subdir else ''}"
    try:
        found: Traversable | None = files(package)
    except ModuleNotFoundError as e:
        raise ResourceMissing(f"{name}: not installed with gongkai ({e}); reinstall it "
                              "(`pip install .`; in a checkout `make setup`)") from e
    except NotADirectoryError:  # Python 3.11, editable install: a placeholder beside the real directory
        spec = importlib.util.find_spec(package)
        locations = (spec.submodule_search_locations or []) if spec else []
        found = next((Path(p) for p in locations if Path(p).is_dir()), None)
    if found is not None and subdir:
        found = found / subdir
    if found is not None and not isinstance(found, Path):  # a namespace package's multiplexed path
        found = next((entry.parent for entry in found.iterdir() if isinstance(entry, Path)), None)
    if not (isinstance(found, Path) and found.is_dir()):
        raise ResourceMissing(f"{name}: no such directory in the installed gongkai (installed as a zip? "
                              "install it as files with `pip install .`)")
    return found


def templates_dir() -> Path:
    """The site's Jinja2 templates (``templates/`` in the repository)."""
    return _directory(SITE_TEMPLATES)


def static_dir() -> Path:
    """The site's static assets, copied to ``static/`` of every build."""
    return templates_dir() / "static"


def locale_dir() -> Path:
    """The interface catalogues: ``<lang>/LC_MESSAGES/messages.po``."""
    return _directory("publish", "locale")


def datasette_dir() -> Path:
    """The Datasette configuration directory (``datasette/`` in the repository)."""
    return _directory(DATASETTE_CONFIG)
