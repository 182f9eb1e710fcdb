"""The offline world map: Natural Earth countries (npm `world-atlas`) drawn as inline SVG.

The TopoJSON is decoded here and projected with the Natural Earth I projection, so the map needs
no JavaScript and nothing from the network. Rings that cross the antimeridian are unwrapped and
drawn twice (shifted by 360 degrees); a clip path on the globe's outline cuts off the overhang.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from html import escape
from pathlib import Path

ATLAS = Path(__file__).resolve().parent / "static" / "world-atlas" / "countries-110m.json"
ANTARCTICA = "010"  # ISO 3166-1 numeric; no members, and it would take a fifth of the height
SOUTH_LIMIT = -58.0  # degrees: the map is cropped just below the southernmost inhabited land
WIDTH = 960.0

Ring = list[tuple[float, float]]


@dataclass(frozen=True)
class MapPoint:
    """One member on the map: position, link target and accessible name."""

    longitude: float
    latitude: float
    href: str
    label: str
    lang: str
    key: str


def natural_earth(longitude: float, latitude: float) -> tuple[float, float]:
    """Natural Earth I projection (Šavrič et al. 2011) of degrees, in sphere radii."""
    lam, phi = math.radians(longitude), math.radians(latitude)
    phi2 = phi * phi
    phi4 = phi2 * phi2
    x = lam * (
        0.8707 - 0.131979 * phi2 + phi4 * (-0.013791 + phi4 * (0.003971 * phi2 - 0.001529 * phi4))
    )
    y = phi * (
        1.007226 + phi2 * (0.015085 + phi4 * (-0.044475 + 0.028874 * phi2 - 0.005916 * phi4))
    )
    return x, y


class Frame:
    """Maps projected coordinates to SVG user units (x right, y down, width WIDTH)."""

    def __init__(self) -> None:
        xmax, _ = natural_earth(180.0, 0.0)
        _, ytop = natural_earth(0.0, 90.0)
        _, ybottom = natural_earth(0.0, SOUTH_LIMIT)
        self.scale = WIDTH / (2 * xmax)
        self.xmax, self.ytop, self.ybottom = xmax, ytop, ybottom
        self.height = (ytop - ybottom) * self.scale

    def point(self, longitude: float, latitude: float) -> tuple[float, float]:
        """SVG coordinates of a longitude/latitude in degrees."""
        x, y = natural_earth(longitude, latitude)
        return (x + self.xmax) * self.scale, (self.ytop - y) * self.scale


def decode_arcs(topology: dict) -> list[Ring]:
    """The arcs of a quantized TopoJSON topology as lists of (longitude, latitude)."""
    transform = topology.get("transform")
    arcs: list[Ring] = []
    for arc in topology["arcs"]:
        if not transform:
            arcs.append([(float(p[0]), float(p[1])) for p in arc])
            continue
        (sx, sy), (tx, ty) = transform["scale"], transform["translate"]
        x = y = 0
        ring: Ring = []
        for dx, dy in arc:
            x += dx
            y += dy
            ring.append((x * sx + tx, y * sy + ty))
        arcs.append(ring)
    return arcs


def ring_of(indices: Sequence[int], arcs: list[Ring]) -> Ring:
    """Join arcs (negative index = reversed arc ~i) into one ring, dropping shared end points."""
    ring: Ring = []
    for index in indices:
        arc = arcs[index] if index >= 0 else arcs[~index][::-1]
        ring.extend(arc[1:] if ring else arc)
    return ring


def polygons(geometry: dict, arcs: list[Ring]) -> list[list[Ring]]:
    """The polygons (each a list of rings) of a Polygon or MultiPolygon geometry."""
    if geometry.get("type") == "Polygon":
        return [[ring_of(r, arcs) for r in geometry["arcs"]]]
    if geometry.get("type") == "MultiPolygon":
        return [[ring_of(r, arcs) for r in polygon] for polygon in geometry["arcs"]]
    return []


def unwrap(ring: Ring) -> Ring:
    """Make longitudes continuous where a ring jumps across the antimeridian."""
    out: Ring = []
    offset = 0.0
    previous = None
    for lon, lat in ring:
        if previous is not None:
            step = lon - previous
            if step > 180:
                offset -= 360
            elif step < -180:
                offset += 360
        previous = lon
        out.append((lon + offset, lat))
    return out


def path_data(rings: Iterable[Ring], frame: Frame) -> str:
    """SVG path data for rings, one decimal place, with copies shifted across the antimeridian."""
    parts: list[str] = []
    for raw in rings:
        ring = unwrap(raw)
        lons = [lon for lon, _ in ring]
        shifts = [0.0]
        if max(lons) > 180:
            shifts.append(-360.0)
        if min(lons) < -180:
            shifts.append(360.0)
        for shift in shifts:
            coords = []
            last = None
            for lon, lat in ring:
                x, y = frame.point(lon + shift, max(lat, SOUTH_LIMIT - 2))
                xy = f"{x:.1f} {y:.1f}"
                if xy != last:
                    coords.append(xy)
                last = xy
            if len(coords) > 2:
                parts.append("M" + "L".join(coords) + "Z")
    return "".join(parts)


@lru_cache(maxsize=1)
def basemap() -> tuple[tuple[str, str, str], ...]:
    """(numeric id, English name, path data) for every country but Antarctica, sorted by id."""
    topology = json.loads(ATLAS.read_text(encoding="utf-8"))
    arcs = decode_arcs(topology)
    frame = Frame()
    shapes = []
    for geometry in topology["objects"]["countries"]["geometries"]:
        identifier = str(geometry.get("id", ""))
        if identifier == ANTARCTICA:
            continue
        rings = [ring for polygon in polygons(geometry, arcs) for ring in polygon]
        name = geometry.get("properties", {}).get("name", "")
        shapes.append((identifier, name, path_data(rings, frame)))
    return tuple(sorted(shapes))


def outline(frame: Frame, steps: int = 90) -> str:
    """Path data of the map's edge: the globe's outline, cropped at SOUTH_LIMIT."""
    south = SOUTH_LIMIT
    left = [frame.point(-180.0, south + (90 - south) * i / steps) for i in range(steps + 1)]
    right = [frame.point(180.0, 90 - (90 - south) * i / steps) for i in range(steps + 1)]
    coords = " ".join(f"{x:.1f} {y:.1f}" for x, y in left + right)
    return f"M{coords}Z"


def graticule(frame: Frame) -> str:
    """Path data of meridians and parallels every 30 degrees."""
    parts = []
    for lon in range(-180, 181, 30):
        lats = [SOUTH_LIMIT + (90 - SOUTH_LIMIT) * i / 30 for i in range(31)]
        parts.append("M" + "L".join("{:.1f} {:.1f}".format(*frame.point(lon, t)) for t in lats))
    for lat in range(-30, 90, 30):
        lons = [-180 + 12 * i for i in range(31)]
        parts.append("M" + "L".join("{:.1f} {:.1f}".format(*frame.point(g, lat)) for g in lons))
    return "".join(parts)


def world_map_svg(points: Sequence[MapPoint], title: str, description: str, lang: str) -> str:
    """The inline SVG map: basemap, then one focusable link per member point."""
    frame = Frame()
    height = frame.height
    # The atlas names countries in English (Natural Earth), also on the Thai pages: marked so.
    countries = "".join(
        f'<path class="country" d="{d}"><title lang="en">{escape(name)}</title></path>'
        for _, name, d in basemap()
    )
    marks = []
    for point in points:
        x, y = frame.point(point.longitude, point.latitude)
        name = escape(point.label)
        marks.append(
            f'<a class="member-point" href="{escape(point.href)}" data-city="{escape(point.key)}" '
            f'aria-label="{name}"><circle cx="{x:.1f}" cy="{y:.1f}" r="4"/>'
            f'<title lang="{point.lang}">{name}</title></a>'
        )
    return (
        f'<svg class="world-map" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH:.0f} '
        f'{height:.0f}" role="group" aria-labelledby="map-title map-desc" lang="{lang}" '
        f'data-points="{len(points)}">'
        f'<title id="map-title">{escape(title)}</title>'
        f'<desc id="map-desc">{escape(description)}</desc>'
        f'<defs><clipPath id="map-clip"><path d="{outline(frame)}"/></clipPath></defs>'
        f'<path class="ocean" d="{outline(frame)}"/>'
        f'<g clip-path="url(#map-clip)"><path class="graticule" d="{graticule(frame)}"/>'
        f'<g class="countries">{countries}</g></g>'
        f'<g class="members">{"".join(marks)}</g></svg>'
    )
