"""Print the README's "Current figures" table and summary lines from `gnlc stats --format json`.

Usage: gnlc stats --format json | python scripts/readme_figures.py

The README's figures are pasted from this output, never typed.
"""

from __future__ import annotations

import json
import sys


def cell(value: object) -> str:
    """An empty cell for None."""
    return "" if value is None else str(value)


def render(stats: dict) -> str:
    """The markdown table and summary lines."""
    latest = stats["latest_announced"] or {}
    unknown = stats["year_unknown"]
    lines = [
        f"This graph records **{stats['members']} member cities in {stats['countries']}"
        f" countries** (UNESCO announced {latest.get('members')} in {latest.get('countries')}"
        f" after the {latest.get('year')} cohort); {unknown['members']} of them in"
        f" {unknown['countries']} countries are members whose joining year no source gives.",
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
    regions = ", ".join(f"{r['region']} {r['members']}" for r in stats["by_region"])
    e = stats["enrichment"]
    lines += [
        "",
        f"- Members per UNESCO region: {regions}.",
        f"- Enrichment: {e['coordinates']} members have GeoNames coordinates and ids;"
        f" {e['thai_labels']} have an official Thai name; {e['thai_alternative_labels']} have"
        " Thai alternative names from GeoNames.",
    ]
    return "\n".join(lines) + "\n"


def main() -> int:
    """Read the JSON on standard input, print the markdown."""
    sys.stdout.write(render(json.load(sys.stdin)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
