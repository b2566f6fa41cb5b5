"""The building blocks of :mod:`.maps`: tiles, colours, and the Folium map of a page.

Folium makes the Leaflet map and its background tiles (:class:`OfflineMap`). Folium's
defaults do not fit pages that must open alone from disk: ``folium.Map`` links
Leaflet, jQuery, Bootstrap and Font Awesome from CDNs, and it writes JavaScript for
every marker. So :class:`OfflineMap` links nothing (the page inlines Leaflet, see
:mod:`.assets`) and :func:`map_script` takes only the map's own script from Folium:
the map and its tile layer. Markers, lines and popups are data (one JSON object per
page) that one shared script draws (``_static/maps.js``).

Everything a page holds as data passes :func:`js_literal`, which keeps it from
closing the ``<script>`` element it sits in.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass

import folium
from branca.element import Figure
from folium.template import Template
from markupsafe import Markup

from ..coords import Datum, from_wgs84

# Okabe & Ito (2008), "Color Universal Design": told apart with the common forms of
# colour blindness. Yellow (faint on a light map) and black come last.
PALETTE = ("#E69F00", "#56B4E9", "#009E73", "#0072B2", "#D55E00", "#CC79A7", "#F0E442", "#000000")
# Past eight workers the colours repeat with another marker shape.
SHAPES = ("circle", "square", "diamond")
# Trip 1 solid, trip 2 dashed, ...: one worker's trips stay apart in one colour.
TRIP_DASHES = (None, "12 8", "3 7", "16 6 3 6")
UNSERVED_COLOR = "#7f7f7f"
CLUSTER_COLOR = "#3b3b3b"


@dataclass(frozen=True)
class Tiles:
    """A background tile source and the datum its tiles are drawn in."""

    url: str
    attribution: str
    subdomains: str
    max_zoom: int
    datum: Datum


TILES = {
    "osm": Tiles(
        url="https://tile.openstreetmap.org/{z}/{x}/{y}.png",
        attribution='&copy; <a href="https://www.openstreetmap.org/copyright">'
        "OpenStreetMap</a> contributors",
        subdomains="abc",
        max_zoom=19,
        datum=Datum.WGS84,
    ),
    "amap": Tiles(
        url="https://webrd0{s}.is.autonavi.com/appmaptile?lang=zh_cn&size=1&scale=1"
        "&style=8&x={x}&y={y}&z={z}",
        attribution='&copy; <a href="https://www.amap.com/">高德地图 AutoNavi</a>',
        subdomains="1234",
        max_zoom=18,
        datum=Datum.GCJ02,
    ),
}


def tiles_of(name: str) -> Tiles:
    """The tile source called ``name`` (``"osm"`` or ``"amap"``)."""
    try:
        return TILES[name]
    except KeyError:
        raise ValueError(f"`tiles` must be one of {', '.join(TILES)}, got {name!r}") from None


def js_literal(value: object) -> Markup:
    """A JSON value that is safe inside an inline ``<script>``.

    ``<``, ``>`` and ``&`` become ``\\u003c``, ``\\u003e`` and ``\\u0026``, so no text
    can close the script element or open a comment; the line separators U+2028 and
    U+2029 are escaped too. Chinese stays as it is (UTF-8, half the bytes of ``\\uXXXX``).
    """
    text = (
        json.dumps(value, ensure_ascii=False, separators=(",", ":"))
        .replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("&", "\\u0026")
        .replace("\u2028", "\\u2028")
        .replace("\u2029", "\\u2029")
    )
    return Markup(text)


def _text_color(background: str) -> str:
    """Black or white, whichever contrasts more with ``background`` (WCAG 2)."""
    channels = [int(background[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    luminance = 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]
    return "#000000" if (luminance + 0.05) / 0.05 > 1.05 / (luminance + 0.05) else "#ffffff"


@dataclass(frozen=True)
class WorkerStyle:
    """How one worker's markers and lines look."""

    color: str
    text_color: str
    shape: str

    @classmethod
    def of(cls, index: int) -> WorkerStyle:
        """The style of the station's worker number ``index`` (0-based)."""
        color = PALETTE[index % len(PALETTE)]
        shape = SHAPES[(index // len(PALETTE)) % len(SHAPES)]
        return cls(color=color, text_color=_text_color(color), shape=shape)

    def to_json(self) -> dict[str, str]:
        return {"color": self.color, "text": self.text_color, "shape": self.shape}


UNSERVED_STYLE = WorkerStyle(UNSERVED_COLOR, "#ffffff", "circle")
CLUSTER_STYLE = WorkerStyle(CLUSTER_COLOR, "#ffffff", "square")


def trip_dash(index: int) -> str | None:
    """The dash pattern of a worker's trip number ``index`` (0-based)."""
    return TRIP_DASHES[index % len(TRIP_DASHES)]


class Projector:
    """Points as the map draws them: WGS-84, or GCJ-02 on AMap tiles."""

    def __init__(self, datum: Datum) -> None:
        self.datum = datum

    def __call__(self, lat: float, lon: float) -> list[float]:
        point = from_wgs84(lat, lon, self.datum)
        return [round(point[0], 7), round(point[1], 7)]


class OfflineMap(folium.Map):
    """``folium.Map`` that links no library (the page inlines Leaflet) and lets the page zoom.

    Its script makes the Leaflet map in the element whose id is :meth:`get_name`;
    the page draws that element itself.
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
            var {{ this.get_name() }} = L.map({{ this.get_name()|tojson }}, {
                center: {{ this.location|tojson }},
                crs: L.CRS.{{ this.crs }},
                ...{{ this.options|tojavascript }}
            });
        {% endmacro %}
        """
    )

    def __init__(self, *, center: Sequence[float] | None, zoom: int, tiles: Tiles) -> None:
        super().__init__(
            location=list(center) if center else [0.0, 0.0],
            zoom_start=zoom if center else 2,
            tiles=None,
            max_zoom=tiles.max_zoom,
        )
        self.default_js = []
        self.default_css = []
        self.tiles = tiles
        # Names of our own instead of Folium's random ones (one map per page): the
        # same plan draws the same page, byte for byte, so a worker whose day a
        # re-plan leaves alone keeps the very page they have.
        self._id = "mealroute"
        layer = folium.TileLayer(
            tiles=tiles.url,
            attr=tiles.attribution,
            name="tiles",
            subdomains=tiles.subdomains,
            max_zoom=tiles.max_zoom,
            control=False,
        )
        layer._id = "mealroute"
        layer.add_to(self)


def map_script(fmap: OfflineMap) -> Markup:
    """The JavaScript Folium writes for ``fmap``: the map and its tile layer, nothing else."""
    figure = Figure()
    figure.add_child(fmap)
    for child in figure._children.values():
        child.render()
    # Folium's own text: map options and the tile URL, no spreadsheet text.
    return Markup(figure.script.render())
