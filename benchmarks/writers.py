"""CPU seconds of each release writer, one after the other in one process.

Usage: python benchmarks/writers.py ROOT [--repeat N] [--factor F]

ROOT is a gnlc root (the repository for the real data); with --factor a synthetic root of that
size is generated in a temporary folder instead (benchmarks/synthetic.py). The graph is loaded
once; then, N times, the canonical pass (`CanonicalGraph.from_store`) and each dump's writer
run in this process, timed with `time.process_time`, and the best of the N runs is printed as
JSON. CPU time, not wall time, so that other jobs on the machine change the figures little;
`gnlc build` runs JSON-LD and RDF/XML in child processes beside the rest.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def measure(root: Path, repeat: int) -> dict[str, float]:
    """Best CPU seconds of the canonical pass and of each dump writer over repeat runs."""
    from gnlc.canonical import CanonicalGraph
    from gnlc.dumps import GENERATED, dump_writers
    from gnlc.paths import CONTEXT_FILE
    from gnlc.sources import load_graph

    store = load_graph(root).store
    best: dict[str, float] = {}

    def keep(name: str, start: float) -> None:
        best[name] = min(best.get(name, float("inf")), time.process_time() - start)

    for _ in range(repeat):
        start = time.process_time()
        graph = CanonicalGraph.from_store(store)
        keep("canonical pass", start)
        text = b"".join(graph.ntriples(GENERATED))
        writers = dump_writers(
            graph, root / CONTEXT_FILE, f"# {GENERATED}\n", lambda text=text: text
        )
        for name, make in writers.items():
            start = time.process_time()
            for _chunk in make():
                pass
            keep(name, start)
    best["triples"] = graph.count
    return {name: round(value, 4) for name, value in best.items()}


def main(argv: list[str] | None = None) -> int:
    """Print the writers' CPU seconds as JSON."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("root", type=Path, nargs="?", default=REPO)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--factor", type=float, help="a synthetic root of this size instead")
    args = parser.parse_args(argv)
    if args.factor is None:
        print(json.dumps(measure(args.root, args.repeat)))
        return 0
    sys.path.insert(0, str(REPO / "benchmarks"))
    from synthetic import REAL_CITIES, generate

    with tempfile.TemporaryDirectory() as folder:
        cities = max(1, round(REAL_CITIES * args.factor))
        root = generate(Path(folder) / "root", cities, args.root)
        print(json.dumps(measure(root, args.repeat)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
