"""The README's figures, computed: members and coverage from `gnlc stats --format json`, the
test count and time from the last recorded full test run.

Usage:
  gnlc stats --format json | python scripts/readme_figures.py   # print the figures block
  python scripts/readme_figures.py --check [README.md]   # exit 1 (with a diff) when it differs
  python scripts/readme_figures.py --write [README.md]   # rewrite the README's figure blocks

The README marks each block it takes from here with HTML comments, which Markdown hides:
  <!-- figures:start --> ... <!-- figures:end -->   the "Current figures" table and lines
  <!-- tests:start --> ... <!-- tests:end -->       the test count and time
Text outside the markers is never touched. The test figures come from tests/last-full-run.json,
written by a full run of the suite with GNLC_RECORD_RUN=1 (tests/record_run.py):
  GNLC_RECORD_RUN=1 python -m pytest -q && python scripts/readme_figures.py --write
"""

from __future__ import annotations

import argparse
import csv
import difflib
import json
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RECORDED_RUN = ROOT / "tests" / "last-full-run.json"
RECORDED_FAST_RUN = ROOT / "tests" / "last-fast-run.json"
BLOCK = re.compile(
    r"(<!-- (?P<name>[a-z]+):start -->\n)(?P<body>.*?)(<!-- (?P=name):end -->)", re.S
)


def cell(value: object) -> str:
    """An empty cell for None."""
    return "" if value is None else str(value)


def review_counts(root: Path) -> dict[str, int]:
    """GeoNames matches left for a person (scripts/import/geonames-review.csv), by status."""
    path = root / "scripts" / "import" / "geonames-review.csv"
    with path.open(encoding="utf-8", newline="") as handle:
        return dict(Counter(row["status"] for row in csv.DictReader(handle)))


def render(stats: dict, review: dict[str, int] | None = None) -> str:
    """The markdown table and summary lines (and the GeoNames review's counts, if given)."""
    latest = stats["latest_announced"] or {}
    unknown = stats["year_unknown"]
    lines = [
        f"This graph records **{stats['members']} member cities in {stats['countries']}"
        f" countries** (UNESCO announced {latest.get('members')} in {latest.get('countries')}"
        f" after the {latest.get('year')} cohort); {unknown['members']} of them in"
        f" {unknown['countries']} countries are members whose joining year no source gives"
        f" ({unknown['undated']['members']} of these are named only by pages that show no date).",
        "",
        "| cohort | announced | recorded | of announced | countries recorded | of announced"
        " | network after |",
        "|---|---|---|---|---|---|---|",
    ]
    for c in stats["cohorts"]:
        after = (
            f"{c['announced_total_members']} in {c['announced_total_countries']} countries"
            if c["announced_total_members"]
            else ""
        )
        year = f"{c['year']}" if c["announced"] else f"{c['year']} (on application)"
        lines.append(
            f"| {year} | {cell(c['announced'])} | {c['recorded_members']}"
            f" | {cell(c['announced_new_members'])} | {c['recorded_countries']}"
            f" | {cell(c['announced_new_countries'])} | {after} |"
        )
    lines.append(f"| year unknown | | {unknown['members']} | | {unknown['countries']} | | |")
    undated = unknown["undated"]
    lines.append(
        f"| of which no dated page | | {undated['members']} | | {undated['countries']} | | |"
    )
    regions = ", ".join(f"{r['region']} {r['members']}" for r in stats["by_region"])
    e = stats["enrichment"]
    lines += [
        "",
        f"- Members per UNESCO region: {regions}.",
        f"- Enrichment: {e['coordinates']} members have GeoNames coordinates and ids;"
        f" {e['thai_labels']} have an official Thai name; {e['thai_alternative_labels']} have"
        " Thai alternative names from GeoNames.",
    ]
    if review is not None:
        lines.append(
            f"- GeoNames review: {review.get('ambiguous', 0)} matches are ambiguous,"
            f" {review.get('doubtful', 0)} doubtful and {review.get('missing', 0)} places are"
            " not in GeoNames' populated places (districts, consortia, councils): see"
            " `scripts/import/geonames-review.csv`."
        )
    return "\n".join(lines) + "\n"


def render_tests(run: dict) -> str:
    """The sentence giving the size and duration of the last recorded full test run."""
    minutes = run["seconds"] / 60
    workers = run.get("workers", 1)
    how = f"{workers} pytest-xdist workers" if workers > 1 else "one process"
    return (
        f"{run['tests']:,} tests, {minutes:.1f} minutes on {run['cpus']} cores ({how}) in the"
        f" last recorded full run ({run['date']}, Python {run['python']}):\n"
    )


def stats_json(root: Path) -> dict:
    """`gnlc stats --format json` for root, run as a user would."""
    done = subprocess.run(
        [sys.executable, "-m", "gnlc", "--root", str(root), "stats", "--format", "json"],
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(done.stdout)


def render_fast(run: dict) -> str:
    """The sentence giving the size and duration of the last recorded fast loop."""
    workers = run.get("workers", 1)
    how = f"{workers} pytest-xdist workers" if workers > 1 else "one process"
    return (
        f"{run['tests']:,} tests in {run['seconds']:.0f} s on {run['cpus']} cores ({how}) in the"
        f" last recorded fast loop ({run['date']})\n"
    )


def blocks(
    stats: dict, run: dict | None, fast: dict | None = None, review: dict[str, int] | None = None
) -> dict[str, str]:
    """Block name -> its text."""
    out = {"figures": render(stats, review)}
    if run is not None:
        out["tests"] = render_tests(run)
    if fast is not None:
        out["fast"] = render_fast(fast)
    return out


def rewrite(text: str, replacements: dict[str, str]) -> str:
    """text with each marked block's body replaced (unknown names and missing blocks: as is)."""

    def body(match: re.Match) -> str:
        name = match.group("name")
        new = replacements.get(name, match.group("body"))
        return match.group(1) + new + match.group(4)

    return BLOCK.sub(body, text)


def check_or_write(readme: Path, write: bool, root: Path = ROOT) -> int:
    """Compare (or rewrite) the README's marked blocks with the computed figures."""
    text = readme.read_text(encoding="utf-8")
    found = {m.group("name") for m in BLOCK.finditer(text)}
    run, fast = (
        json.loads(path.read_text(encoding="utf-8")) if path.is_file() else None
        for path in (RECORDED_RUN, RECORDED_FAST_RUN)
    )
    wanted = blocks(stats_json(root), run, fast, review_counts(root))
    missing = sorted(set(wanted) - found)
    if missing:
        print(f"{readme}: no <!-- {missing[0]}:start --> block", file=sys.stderr)
        return 2
    new = rewrite(text, wanted)
    if new == text:
        return 0
    if write:
        readme.write_text(new, encoding="utf-8")
        print(f"{readme}: figures rewritten")
        return 0
    diff = difflib.unified_diff(
        text.splitlines(keepends=True), new.splitlines(keepends=True), str(readme), "computed"
    )
    sys.stderr.writelines(diff)
    print(
        f"{readme}: figures differ from the data (python {Path(__file__).name} --write)",
        file=sys.stderr,
    )
    return 1


def main(argv: list[str] | None = None) -> int:
    """Print the figures from JSON on standard input, or check/rewrite a README."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--check", action="store_true", help="exit 1 when the README differs")
    mode.add_argument("--write", action="store_true", help="rewrite the README's blocks")
    parser.add_argument("readme", nargs="?", type=Path, default=ROOT / "README.md")
    args = parser.parse_args(argv)
    if args.check or args.write:
        return check_or_write(args.readme, write=args.write)
    sys.stdout.write(render(json.load(sys.stdin)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
