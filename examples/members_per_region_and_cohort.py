"""Members per UNESCO region and cohort year: a table on stdout and a bar chart (PNG).

Usage: python examples/members_per_region_and_cohort.py [--chart members.png]
Run inside a gnlc checkout (or anywhere gnlc is installed: it then uses the bundled data).
Members whose joining year no source gives are counted under "year unknown", never in a cohort.
"""

from __future__ import annotations

import argparse
from collections import Counter

import gnlc

UNKNOWN = "year unknown"


def counts() -> tuple[list[str], list[str], Counter]:
    """(regions, years, Counter of (region, year)) over the current members."""
    table = Counter()
    for member in gnlc.members():
        year = str(member.cohort_year) if member.cohort_year else UNKNOWN
        table[(member.region or "(not recorded)", year)] += 1
    regions = sorted({region for region, _ in table})
    years = sorted({year for _, year in table}, key=lambda y: (y == UNKNOWN, y))
    return regions, years, table


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--chart", help="write a stacked bar chart to this PNG file")
    args = parser.parse_args()
    regions, years, table = counts()
    width = max(len(r) for r in regions)
    print("region".ljust(width), *(y.rjust(12 if y == UNKNOWN else 4) for y in years), "total")
    for region in regions:
        row = [table[(region, y)] for y in years]
        cells = (str(n).rjust(12 if y == UNKNOWN else 4) for n, y in zip(row, years, strict=True))
        print(region.ljust(width), *cells, str(sum(row)).rjust(5))
    if args.chart:
        import matplotlib

        matplotlib.use("Agg")  # no screen needed
        import matplotlib.pyplot as plt

        figure, axes = plt.subplots(figsize=(10, 5))
        bottom = [0] * len(years)
        for region in regions:
            heights = [table[(region, y)] for y in years]
            axes.bar(years, heights, bottom=bottom, label=region)
            bottom = [b + h for b, h in zip(bottom, heights, strict=True)]
        axes.set_ylabel("member cities")
        axes.set_title("UNESCO GNLC members by cohort and region")
        axes.legend(fontsize="small")
        figure.tight_layout()
        figure.savefig(args.chart, dpi=100)
        print(f"wrote {args.chart}")


if __name__ == "__main__":
    main()
