"""Writing output files only when their bytes change (unchanged files keep bytes and mtime)."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from store.paths import safe_join


class Writer:
    """Writes site-relative paths under ``out``; ``known`` maps paths to the sha256 last written."""

    def __init__(self, out: Path, known: dict[str, tuple[str, int]] | None = None) -> None:
        self.out = out
        self.known = known if known is not None else {}
        self.written: list[tuple[str, str, int]] = []  # (path, sha256, size) of every file produced
        self.changed = 0
        self._dirs: set[Path] = set()

    def write(self, rel: str, data: bytes) -> bool:
        """Write ``data`` to ``rel`` unless the file already holds exactly these bytes; True if written."""
        target = safe_join(self.out, rel)
        sha = hashlib.sha256(data).hexdigest()
        self.written.append((rel, sha, len(data)))
        prior = self.known.get(rel)
        try:
            st = target.stat()
        except FileNotFoundError:
            st = None
        if st is not None and st.st_size == len(data):
            if prior is not None and prior[0] == sha:
                return False
            if prior is None and target.read_bytes() == data:
                return False
        if st is None:
            if target.parent not in self._dirs:
                target.parent.mkdir(parents=True, exist_ok=True)
                self._dirs.add(target.parent)
            target.write_bytes(data)  # a new file: nobody can be reading it yet
        else:
            tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
            tmp.write_bytes(data)
            tmp.replace(target)  # atomic: a reader never sees half a page
        self.changed += 1
        return True
