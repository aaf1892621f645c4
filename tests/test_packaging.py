"""The installable product: the wheel carries what the commands need and runs outside the checkout.

The slow test builds the wheel from a copy of the working tree (nothing is written into the
checkout), installs it with ``--no-deps`` into a fresh venv under ``tmp_path`` and runs
``gongkai init / submit / build / index / publish`` there from a temporary working directory.
The dependencies come from the project venv's site-packages on ``PYTHONPATH`` (its ``.pth``
files, the editable install's finder among them, are not read from there), and the test
asserts that ``gongkai`` and its data are imported from the fresh venv, never from the checkout.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
import tomllib
import zipfile
from pathlib import Path

import pytest

from tests.conftest import write_csv
from tests.test_submit import LAND_HEADERS, LAND_ROW

ROOT = Path(__file__).resolve().parents[1]
# Not product: tests and tools, and what a checkout accumulates (git-ignored state, caches, builds).
NOT_SHIPPED = {"tests", "scripts", ".venv", ".git", "var", "site", "build", "test-results", "bench-results"}


def _pyproject() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))


def test_every_package_of_the_checkout_is_in_the_wheel_list():
    """`packages` is a list (package-dir cannot be combined with discovery): a new package must be added."""
    listed = set(_pyproject()["tool"]["setuptools"]["packages"])
    found = set()
    for init in ROOT.rglob("__init__.py"):
        rel = init.parent.relative_to(ROOT)
        if rel.parts and rel.parts[0] not in NOT_SHIPPED and not rel.parts[0].startswith("."):
            found.add(".".join(rel.parts))
    assert found, "no package found under the checkout"
    assert found <= listed, f"add to [tool.setuptools] packages in pyproject.toml: {sorted(found - listed)}"


def test_data_packages_map_the_repository_folders():
    setuptools = _pyproject()["tool"]["setuptools"]
    assert setuptools["package-dir"] == {"gongkai_templates": "templates", "gongkai_datasette": "datasette"}
    from publish import resources

    assert (resources.templates_dir() / "base.html").is_file()
    assert (resources.static_dir() / "site.css").is_file()
    assert (resources.locale_dir() / "en" / "LC_MESSAGES" / "messages.po").is_file()
    for name in ("metadata.json", "settings.json", "plugins/gongkai_guard.py", "templates/base.html"):
        assert (resources.datasette_dir() / name).is_file(), name


def _copy_tree(dst: Path) -> Path:
    def ignore(directory: str, names: list[str]) -> set[str]:
        skip = {n for n in names if n in {"__pycache__", ".mypy_cache", ".ruff_cache", ".pytest_cache"}
                or n.endswith(".egg-info")}
        if Path(directory) == ROOT:
            skip |= {n for n in names if n in NOT_SHIPPED - {"scripts"} or n.startswith(".")}
        return skip

    shutil.copytree(ROOT, dst, ignore=ignore)
    return dst


def _run(args: list[str], *, cwd: Path, env: dict[str, str], timeout: int = 300) -> subprocess.CompletedProcess:
    out = subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout, check=False)
    assert out.returncode == 0, f"{' '.join(args)} → exit {out.returncode}\n{out.stdout}\n{out.stderr}"
    return out


@pytest.mark.slow
def test_the_installed_wheel_runs_the_pipeline_outside_the_checkout(tmp_path):
    src = _copy_tree(tmp_path / "src")
    wheels = tmp_path / "wheels"
    _run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", str(wheels), str(src)],
         cwd=tmp_path, env=dict(os.environ), timeout=600)
    (wheel,) = wheels.glob("gongkai-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    for data in ("publish/locale/en/LC_MESSAGES/messages.po", "gongkai_templates/base.html",
                 "gongkai_templates/static/site.css", "gongkai_datasette/metadata.json",
                 "gongkai_datasette/settings.json", "gongkai_datasette/plugins/gongkai_search.py",
                 "gongkai_datasette/templates/base.html", "models/data/divisions.csv"):
        assert data in names, f"{data} missing from {wheel.name}"
    assert not [n for n in names if n.startswith(("tests/", "datasette/", "templates/"))]

    venv = tmp_path / "venv"
    _run([sys.executable, "-m", "venv", "--without-pip", str(venv)], cwd=tmp_path, env=dict(os.environ))
    python = venv / "bin" / "python"
    _run([sys.executable, "-m", "pip", "--python", str(python), "install", "--no-deps", "--quiet", str(wheel)],
         cwd=tmp_path, env=dict(os.environ), timeout=600)

    # The dependencies of the project venv, without the checkout: no GONGKAI_* setting, no ROOT on the path.
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GONGKAI_", "PYTHON"))}
    env["PYTHONPATH"] = sysconfig.get_paths()["purelib"]
    assert not Path(env["PYTHONPATH"], "gongkai").exists(), "the project venv holds a non-editable gongkai"
    work = tmp_path / "work"
    work.mkdir()

    where = _run([str(python), "-c", "import gongkai, gongkai_datasette, gongkai_templates; from publish import "
                  "resources; print(gongkai.__file__); print(resources.templates_dir()); "
                  "print(resources.datasette_dir()); print(resources.locale_dir())"], cwd=work, env=env)
    for line in where.stdout.splitlines():
        assert Path(line).resolve().is_relative_to(venv.resolve()), f"{line} is not the installed copy"
        assert not Path(line).resolve().is_relative_to(ROOT), f"{line} is in the checkout"

    gk = [str(venv / "bin" / "gongkai"), "--db", "x.db"]
    _run([*gk, "init"], cwd=work, env=env)
    write_csv(work / "land.csv", LAND_HEADERS, [LAND_ROW])
    _run([*gk, "submit", "land.csv", "--kind", "land", "--agency", "佛山市自然资源局"], cwd=work, env=env)
    _run([*gk, "build", "--out", "site"], cwd=work, env=env)
    _run([*gk, "index"], cwd=work, env=env)
    _run([*gk, "publish"], cwd=work, env=env)

    site = work / "site"
    assert "容桂-住宅地块" in (site / "index.html").read_text(encoding="utf-8")
    notices = list((site / "notice").glob("*.html"))
    assert len(notices) == 1, notices
    page = notices[0].read_text(encoding="utf-8")
    assert "4406062019B07595" in page
    assert "302000" in page.replace(",", "")  # 302,000 万元 as published
    assert (site / "static" / "site.css").read_bytes() == (ROOT / "templates" / "static" / "site.css").read_bytes()
    english = (site / "en" / "index.html").read_text(encoding="utf-8")  # translated by the installed catalogue
    assert "Sources, methodology and licence" in english
    assert (work / "search-index").is_dir()
    assert list((work / "published").glob("**/gongkai.db")), "no published snapshot"
