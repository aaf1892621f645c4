"""``python -m demo.portal``: run the imitation portal (see ``gongkai portal --help``)."""

from __future__ import annotations

import argparse
import contextlib

from demo.portal.app import serve


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Serve the imitation portal on 127.0.0.1.")
    parser.add_argument("--port", type=int, default=8790, help="port (0: a free one)")
    parser.add_argument("--projects", type=int, default=16, help="generated projects per area")
    parser.add_argument("--seed", type=int, default=None)
    parser.add_argument("--result-cap", type=int, default=1000, help="ggzy list total cap (real: 1000)")
    parser.add_argument("--stall", type=float, default=30.0, help="seconds a stalled page waits")
    parser.add_argument("--revision", type=int, default=1, help="2: one notice changed (incremental crawls)")
    parser.add_argument("--no-faults", action="store_true", help="no block pages, truncations or slow answers")
    parser.add_argument("--adversarial", action="store_true",
                        help="add hostile cases: links to other hosts, file:/data: links, a malformed list record, "
                             "an endless 429, a GBK page labelled UTF-8, an endless body")
    args = parser.parse_args(argv)

    def ready(port: int) -> None:
        print(f"imitation portal listening on http://127.0.0.1:{port}", flush=True)

    with contextlib.suppress(KeyboardInterrupt):
        serve(args.port, ready=ready, projects=args.projects, seed=args.seed, faults=not args.no_faults,
              result_cap=args.result_cap, stall=args.stall, revision=args.revision,
              adversarial=args.adversarial)


if __name__ == "__main__":
    main()
