"""Would an on-disk Oxigraph store (RocksDB) start `gnlc query` faster than the N-Triples cache?

Usage: python benchmarks/store_open.py [--root DIR] [--runs N] [--json FILE]

The cache keeps the derived graph as N-Triples, which each `gnlc query` loads into an in-memory
store. The alternative kept on disk next to it: the same graph bulk-loaded into a RocksDB folder
(`pyoxigraph.Store(path)`, compacted with `optimize`), opened read-only (`Store.read_only`) by
each run. Each measurement is a fresh process (as a `gnlc query` is: nothing warm but the page
cache), the variants interleaved, CPU time (process_time, all threads) split into opening or
loading the store and running each named query once (with its default parameters, every row
read). Disk use of both is reported. Nothing here is used by gnlc; it is the measurement behind
the choice (benchmarks/README.md).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]

# One run in a fresh process: argv = variant, store location, query files.
CHILD = """
import json, sys, time
clock = time.process_time
start = clock()
import pyoxigraph as ox
variant, where, *queries = sys.argv[1:]
imported = clock()
if variant == "memory":
    store = ox.Store()
    store.load(path=where, format=ox.RdfFormat.N_TRIPLES, lenient=True)
else:
    store = ox.Store.read_only(where)
opened = clock()
times = {}
for name in queries:
    text = open(name, encoding="utf-8").read()
    before = clock()
    result = store.query(text)
    rows = sum(1 for _ in result) if not isinstance(result, ox.QueryBoolean) else 1
    times[name] = (clock() - before, rows)
print(json.dumps({"import": imported - start, "open": opened - imported, "queries": times}))
"""


def _one(variant: str, where: Path, queries: list[Path]) -> dict:
    argv = [sys.executable, "-c", CHILD, variant, str(where), *map(str, queries)]
    return json.loads(subprocess.run(argv, capture_output=True, check=True, text=True).stdout)


def _size(path: Path) -> int:
    if path.is_file():
        return path.stat().st_size
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def main(argv: list[str]) -> int:
    """Build both stores of root's derived graph, time fresh processes, print/write JSON."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", type=Path, default=REPO)
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--json", type=Path, help="also write the result here")
    args = parser.parse_args(argv)

    import pyoxigraph as ox

    from gnlc.sources import load_graph

    root = args.root.resolve()
    queries = sorted((root / "queries").glob("*.rq"))
    with tempfile.TemporaryDirectory(prefix="gnlc-store-open-") as folder:
        dump = Path(folder, "graph.nt")
        store = load_graph(root).store
        store.dump(dump, format=ox.RdfFormat.N_TRIPLES, from_graph=ox.DefaultGraph())
        triples = len(store)
        rocks = Path(folder, "rocksdb")
        disk = ox.Store(str(rocks))
        disk.bulk_load(path=dump, format=ox.RdfFormat.N_TRIPLES, lenient=True)
        disk.optimize()
        disk.flush()
        del disk
        runs: dict[str, list[dict]] = {"memory": [], "rocksdb": []}
        for turn in range(args.runs + 1):
            for variant, where in (("memory", dump), ("rocksdb", rocks)):
                result = _one(variant, where, queries)
                if turn:  # the first turn only warms the page cache
                    runs[variant].append(result)
        sizes = {"memory": _size(dump), "rocksdb": _size(rocks)}

    def ms(values: list[float]) -> float:
        return round(1000 * statistics.median(values), 2)

    out: dict = {"triples": triples, "runs": args.runs, "load_average": os.getloadavg()}
    for variant, found in runs.items():
        per_query = {
            Path(name).stem: ms([r["queries"][name][0] for r in found])
            for name in found[0]["queries"]
        }
        out[variant] = {
            "disk_bytes": sizes[variant],
            "open_ms": ms([r["open"] for r in found]),
            "members_by_country_ms": per_query.get("members-by-country"),
            "all_queries_ms": ms([sum(t for t, _ in r["queries"].values()) for r in found]),
            "queries_ms": per_query,
        }
    out["same_row_counts"] = all(
        [r["queries"][q][1] for r in runs["memory"]]
        == [r["queries"][q][1] for r in runs["rocksdb"]]
        for q in runs["memory"][0]["queries"]
    )
    text = json.dumps(out, indent=1)
    print(text)
    if args.json:
        args.json.write_text(text + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
