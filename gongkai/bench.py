"""``python -m gongkai.bench scale --rows 1000000``: the benchmarks from an installed gongkai.

A thin door to :mod:`bench.__main__` (same arguments). The bench package is imported inside
:func:`main` only: product modules never import demo/ or bench/ at module level
(tests/test_architecture.py).
"""

from __future__ import annotations


def main(argv: list[str] | None = None) -> None:
    """Run ``python -m bench`` with ``argv`` (default: the command line)."""
    from bench.__main__ import main as bench_main

    bench_main(argv)


if __name__ == "__main__":
    main()
