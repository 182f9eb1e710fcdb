"""A map of the member cities that have coordinates (GeoNames points), coloured by region.

Usage: python examples/members_map.py map.png
An equirectangular scatter plot (longitude, latitude); no map tiles are fetched.
"""

from __future__ import annotations

import sys

import gnlc


def main() -> None:
    if len(sys.argv) != 2:
        sys.exit(__doc__.splitlines()[2])
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    placed = [m for m in gnlc.members() if m.latitude is not None]
    figure, axes = plt.subplots(figsize=(12, 6))
    for region in sorted({m.region or "(not recorded)" for m in placed}):
        points = [m for m in placed if (m.region or "(not recorded)") == region]
        axes.scatter(
            [m.longitude for m in points], [m.latitude for m in points], s=12, label=region
        )
    axes.set_xlim(-180, 180)
    axes.set_ylim(-90, 90)
    axes.set_aspect("equal")
    axes.set_xlabel("longitude")
    axes.set_ylabel("latitude")
    axes.set_title(f"{len(placed)} UNESCO learning cities with coordinates")
    axes.legend(fontsize="small", loc="lower left")
    figure.tight_layout()
    figure.savefig(sys.argv[1], dpi=100)
    print(f"{len(placed)} cities plotted to {sys.argv[1]}")


if __name__ == "__main__":
    main()
