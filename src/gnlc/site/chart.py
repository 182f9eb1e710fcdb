"""The growth chart: current members and their countries, cumulative by cohort year, as SVG."""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from html import escape


@dataclass(frozen=True)
class GrowthRow:
    """One cohort year: new and cumulative members and countries."""

    year: str
    new_members: int
    members: int
    new_countries: int
    countries: int


def growth(members: Iterable[tuple[str, str | None]]) -> list[GrowthRow]:
    """Rows per year from (start year, country IRI or None) of each current member."""
    by_year: dict[str, list[str | None]] = {}
    for year, country in members:
        by_year.setdefault(year, []).append(country)
    rows = []
    seen: set[str] = set()
    total = 0
    for year in sorted(by_year):
        countries = {c for c in by_year[year] if c}
        fresh = countries - seen
        seen |= countries
        total += len(by_year[year])
        rows.append(GrowthRow(year, len(by_year[year]), total, len(fresh), len(seen)))
    return rows


def _nice_step(top: int, ticks: int = 5) -> int:
    raw = max(top, 1) / ticks
    magnitude = 10 ** math.floor(math.log10(raw)) if raw >= 1 else 1
    for factor in (1, 2, 5, 10):
        if magnitude * factor >= raw:
            return int(magnitude * factor)
    return int(magnitude * 10)


def growth_svg(rows: list[GrowthRow], labels: dict[str, str], lang: str) -> str:
    """A grouped bar chart (members, countries per year), labelled, with no script."""
    width, height = 720.0, 340.0
    left, right, top, bottom = 56.0, 16.0, 44.0, 40.0
    plot_w, plot_h = width - left - right, height - top - bottom
    peak = max([r.members for r in rows] + [1])
    step = _nice_step(peak)
    y_max = step * math.ceil(peak / step)
    total_members = rows[-1].members if rows else 0
    total_countries = rows[-1].countries if rows else 0

    def y(value: int) -> float:
        return top + plot_h - plot_h * value / y_max

    parts = [
        f'<svg class="growth-chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width:.0f} '
        f'{height:.0f}" role="img" aria-labelledby="chart-title chart-desc" lang="{lang}" '
        f'data-total-members="{total_members}" data-total-countries="{total_countries}">',
        f'<title id="chart-title">{escape(labels["title"])}</title>',
        f'<desc id="chart-desc">{escape(labels["desc"])}</desc>',
    ]
    for tick in range(0, y_max + 1, step):
        ty = y(tick)
        parts.append(
            f'<line class="grid" x1="{left}" x2="{width - right}" y1="{ty:.1f}" y2="{ty:.1f}"/>'
            f'<text class="tick" x="{left - 8}" y="{ty + 4:.1f}" text-anchor="end">{tick}</text>'
        )
    band = plot_w / max(len(rows), 1)
    bar = min(band * 0.36, 34.0)
    for i, row in enumerate(rows):
        cx = left + band * (i + 0.5)
        for offset, value, cls, name in (
            (-bar, row.members, "bar-members", labels["members"]),
            (0.0, row.countries, "bar-countries", labels["countries"]),
        ):
            bx, by = cx + offset, y(value)
            parts.append(
                f'<rect class="{cls}" x="{bx:.1f}" y="{by:.1f}" width="{bar:.1f}" '
                f'height="{top + plot_h - by:.1f}"><title>{escape(row.year)}: {value} '
                f"{escape(name)}</title></rect>"
                f'<text class="value" x="{bx + bar / 2:.1f}" y="{by - 4:.1f}" '
                f'text-anchor="middle">{value}</text>'
            )
        parts.append(
            f'<text class="year" x="{cx:.1f}" y="{height - bottom + 18:.1f}" '
            f'text-anchor="middle">{escape(row.year)}</text>'
        )
    parts.append(
        f'<line class="axis" x1="{left}" x2="{width - right}" y1="{top + plot_h:.1f}" '
        f'y2="{top + plot_h:.1f}"/>'
    )
    legend_y = 18.0
    parts.append(
        f'<rect class="bar-members" x="{left}" y="{legend_y - 10}" width="12" height="12"/>'
        f'<text class="legend" x="{left + 18}" y="{legend_y}">{escape(labels["members"])}</text>'
        f'<rect class="bar-countries" x="{left + 220}" y="{legend_y - 10}" width="12" '
        f'height="12"/><text class="legend" x="{left + 238}" y="{legend_y}">'
        f"{escape(labels['countries'])}</text>"
        f'<text class="legend total" x="{width - right}" y="{legend_y}" text-anchor="end">'
        f"{escape(labels['total'])}: {total_members} / {total_countries}</text>"
    )
    if not rows:
        parts.append(
            f'<text class="empty" x="{width / 2}" y="{height / 2}" text-anchor="middle">'
            f"{escape(labels['empty'])}</text>"
        )
    parts.append("</svg>")
    return "".join(parts)
