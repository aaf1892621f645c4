"""Deploy the collectors to a Scrapyd server with scrapyd-client (``make scrapyd-deploy``).

scrapyd-deploy builds an egg from the directory holding ``scrapy.cfg`` and writes a
``setup.py`` there when there is none; to keep the repository clean we run it in a
temporary copy of ``collectors/`` with ``scrapy.cfg``. The egg carries the spiders (what
Scrapyd versions and schedules); Scrapyd must run in an environment where gongkai is
installed (``pip install .``), which provides the models, the store, the dependencies and the
data files (a zipped egg cannot serve ``models/data/divisions.csv`` as a file).

    python -m collectors.deploy                       # target "local" of scrapy.cfg
    python -m collectors.deploy --url http://host:6800/ --version 2026-11-24
"""

from __future__ import annotations

import argparse
import configparser
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("collectors",)


def deploy(target: str = "local", *, url: str | None = None, project: str = "gongkai", version: str | None = None
           ) -> subprocess.CompletedProcess:
    """Build the egg in a clean copy and upload it; returns scrapyd-deploy's completed process."""
    deploy_bin = Path(sys.executable).with_name("scrapyd-deploy")
    with tempfile.TemporaryDirectory(prefix="gongkai-deploy-") as tmp:
        work = Path(tmp)
        for pkg in PACKAGES:
            shutil.copytree(ROOT / pkg, work / pkg, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        cfg = configparser.ConfigParser()
        cfg.read(ROOT / "scrapy.cfg", encoding="utf-8")
        section = f"deploy:{target}"
        if not cfg.has_section(section):
            cfg.add_section(section)
        if url:
            cfg.set(section, "url", url)
        cfg.set(section, "project", project)
        with (work / "scrapy.cfg").open("w", encoding="utf-8") as fh:
            cfg.write(fh)
        cmd = [str(deploy_bin), target, "-p", project]
        if version:
            cmd += ["--version", version]
        return subprocess.run(cmd, cwd=work, capture_output=True, text=True, check=False, timeout=300)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("target", nargs="?", default="local")
    parser.add_argument("--url", help="Scrapyd URL (default: the target's url in scrapy.cfg)")
    parser.add_argument("--project", default="gongkai")
    parser.add_argument("--version")
    args = parser.parse_args(argv)
    if not Path(sys.executable).with_name("scrapyd-deploy").exists():
        sys.exit("scrapyd-deploy is not installed in this environment: pip install 'gongkai[scrapyd]'")
    done = deploy(args.target, url=args.url, project=args.project, version=args.version)
    sys.stdout.write(done.stdout)
    sys.stderr.write(done.stderr)
    sys.exit(done.returncode)


if __name__ == "__main__":
    main()
