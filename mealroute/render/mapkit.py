"""Folium made offline and safe: the building blocks of :mod:`.maps`.

Folium's defaults do not fit pages that must open from disk with no network and
that show names typed into spreadsheets:

* ``folium.Map`` links Leaflet, jQuery, Bootstrap, Font Awesome and awesome-markers
  from CDNs. :class:`OfflineMap` links only the Leaflet copy under
  ``assets/leaflet/`` (see :mod:`.assets`) by a relative URL, and drops Folium's
  ``user-scalable=no`` so that a page can be zoomed.
* ``folium.Popup`` needs jQuery, and both it and ``folium.Tooltip`` put their text
  into a JavaScript template literal, where ``${...}`` runs as code. :class:`Bind`
  passes popup and tooltip HTML as an escaped JSON string instead.
* Markers are :func:`number_icon` divs drawn with CSS (``maps.css``); no icon font.

Everything from a spreadsheet goes through :func:`esc` before it becomes HTML and
through :func:`js_literal` before it enters a script.
"""

from __future__ import annotations

import html
import json
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path, PurePosixPath

import folium
from branca.element import Figure, MacroElement
from folium.template import Template

from ..atomic import write_text
from ..coords import Datum, from_wgs84
from .assets import leaflet_links

# Okabe & Ito (2008), "Color Universal Design": told apart with the common forms of
# colour blindness. Yellow (faint on a light map) and black come last.
PALETTE = ("#E69F00", "#56B4E9", "#009E73", "#0072B2", "#D55E00", "#CC79A7", "#F0E442", "#000000")
# Past eight workers the colours repeat with another marker shape.
SHAPES = ("circle", "square", "diamond")
# Trip 1 solid, trip 2 dashed, ...: one worker's trips stay apart in one colour.
TRIP_DASHES = (None, "12 8", "3 7", "16 6 3 6")
UNSERVED_COLOR = "#7f7f7f"


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


def esc(text: object) -> str:
    """Escape text for HTML content and attribute values."""
    return html.escape(str(text), quote=True)


def js_literal(value: object) -> str:
    """A JSON value that is safe inside an inline ``<script>``.

    ``<``, ``>`` and ``&`` become ``\\u003c``, ``\\u003e`` and ``\\u0026``, so no text
    can close the script element or open a comment; the output is ASCII.
    """
    return (
        json.dumps(value, ensure_ascii=True)
        .replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("&", "\\u0026")
    )


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


UNSERVED_STYLE = WorkerStyle(UNSERVED_COLOR, "#ffffff", "circle")


def trip_dash(index: int) -> str | None:
    """The dash pattern of a worker's trip number ``index`` (0-based)."""
    return TRIP_DASHES[index % len(TRIP_DASHES)]


@cache
def stylesheet() -> str:
    """The CSS of the map pages (``maps.css`` beside this module)."""
    return resources.files(__package__).joinpath("maps.css").read_text("utf-8")


# ----------------------------------------------------------------- page and map


class Page(Figure):
    """A Folium figure with a language, a UTF-8 charset, an escaped title and a body class."""

    _template = Template(
        "<!DOCTYPE html>\n"
        '<html lang="{{ this.lang }}">\n<head>\n'
        '<meta charset="utf-8">\n'
        "<title>{{ this.safe_title }}</title>\n"
        "{{ this.header.render(**kwargs) }}\n"
        '</head>\n<body class="{{ this.body_class }}">\n{{ this.html.render(**kwargs) }}\n'
        "<script>\n{{ this.script.render(**kwargs) }}\n</script>\n"
        "</body>\n</html>\n"
    )

    def __init__(self, *, title: str, lang: str, body_class: str) -> None:
        super().__init__()
        self.header._children.clear()  # Folium's http-equiv meta; the charset is above
        self.safe_title = esc(title)
        self.lang = "zh-CN" if lang == "zh" else "en"
        self.body_class = body_class

    def write(self, path: Path) -> Path:
        """Render the page and write it to ``path`` atomically."""
        write_text(path, self.render())
        return path


class OfflineMap(folium.Map):
    """``folium.Map`` that links only the local Leaflet and lets the page zoom."""

    _template = Template(
        """
        {% macro header(this, kwargs) %}
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <style>#{{ this.get_name() }} {position: relative; z-index: 0;}</style>
        {% endmacro %}
        {% macro html(this, kwargs) %}
            <div class="folium-map mr-map" id={{ this.get_name()|tojson }}></div>
        {% endmacro %}
        {% macro script(this, kwargs) %}
            var {{ this.get_name() }} = L.map({{ this.get_name()|tojson }}, {
                center: {{ this.location|tojson }},
                crs: L.CRS.{{ this.crs }},
                ...{{ this.options|tojavascript }}
            });
        {% endmacro %}
        """
    )

    def __init__(
        self, page: PurePosixPath, *, center: Sequence[float] | None, zoom: int, tiles: str
    ) -> None:
        super().__init__(
            location=list(center) if center else [0.0, 0.0],
            zoom_start=zoom if center else 2,
            tiles=None,
        )
        script, css = leaflet_links(page)
        self.default_js = [("leaflet", script)]
        self.default_css = [("leaflet_css", css)]
        try:
            self.tiles = TILES[tiles]
        except KeyError:
            raise ValueError(f"`tiles` must be one of {', '.join(TILES)}, got {tiles!r}") from None
        folium.TileLayer(
            tiles=self.tiles.url,
            attr=self.tiles.attribution,
            name=tiles,
            subdomains=self.tiles.subdomains,
            max_zoom=self.tiles.max_zoom,
            control=False,
        ).add_to(self)
        # Our stylesheet after Leaflet's, and the registry the page's own code uses.
        self.add_child(Raw(header=f"<style>{stylesheet()}</style>"))
        self.add_child(
            Raw(
                script=f"window.mealroute = {{map: {self.get_name()}, stops: [], unserved: [],"
                " station: []};"
            )
        )


class Raw(MacroElement):
    """Trusted markup: header, HTML and script text assembled (and escaped) by the caller."""

    _template = Template(
        "{% macro header(this, kwargs) %}{{ this.header_text }}{% endmacro %}"
        "{% macro html(this, kwargs) %}{{ this.html_text }}{% endmacro %}"
        "{% macro script(this, kwargs) %}{{ this.script_text }}{% endmacro %}"
    )

    def __init__(self, *, header: str = "", html_text: str = "", script: str = "") -> None:
        super().__init__()
        self._name = "Raw"
        self.header_text = header
        self.html_text = html_text
        self.script_text = script


class Bind(MacroElement):
    """Give the parent marker a popup and a tooltip, and list it in ``window.mealroute``.

    The popup keeps clear of the map's corner controls and fits a phone's width.

    ``kind`` is ``"stops"``, ``"unserved"`` or ``"station"``; the browser tests and the
    page's own code find markers there.
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
            {{ this._parent.get_name() }}.bindPopup({{ this.popup }}, {
                maxWidth: Math.min(300, window.innerWidth - 150), autoPanPadding: [52, 12]
            });
            {%- if this.tooltip %}
            {{ this._parent.get_name() }}.bindTooltip({{ this.tooltip }}, {direction: "top"});
            {%- endif %}
            window.mealroute.{{ this.kind }}.push({{ this._parent.get_name() }});
        {% endmacro %}
        """
    )

    def __init__(self, kind: str, popup_html: str, tooltip_html: str | None = None) -> None:
        super().__init__()
        if kind not in ("stops", "unserved", "station"):
            raise ValueError(f"`kind` must be stops, unserved or station, got {kind!r}")
        self._name = "Bind"
        self.kind = kind
        self.popup = js_literal(popup_html)
        self.tooltip = js_literal(tooltip_html) if tooltip_html else None


def legend_control(fmap: folium.Map, legend_html: str) -> Raw:
    """A Leaflet control in the bottom-left corner holding ``legend_html`` (trusted)."""
    return Raw(
        script=(
            "(function () { var c = L.control({position: 'bottomleft'});"
            " c.onAdd = function () { var d = L.DomUtil.create('div', 'mr-legend');"
            f" d.innerHTML = {js_literal(legend_html)};"
            " L.DomEvent.disableClickPropagation(d); L.DomEvent.disableScrollPropagation(d);"
            f" return d; }}; c.addTo({fmap.get_name()}); }})();"
        )
    )


# Markers that would overlap on screen (clients in one building) are laid out as a
# small grid around their common centre, each still anchored at its own point:
# clusters whose grids overlap merge until none do. Redone on every zoom and layer
# switch, so zooming in brings each marker back onto its point.
_DECLUTTER = """
(function (reg, step) {
  function layout(c) {
    var n = c.items.length, cols = Math.ceil(Math.sqrt(n)), rows = Math.ceil(n / cols);
    var x = 0, y = 0;
    c.items.sort(function (a, b) { return a.order - b.order; });
    c.items.forEach(function (it) { x += it.p.x / n; y += it.p.y / n; });
    c.box = [x - cols * step / 2, y - rows * step / 2, x + cols * step / 2, y + rows * step / 2];
    c.items.forEach(function (it, i) {
      it.dx = n > 1 ? x + (i % cols - (cols - 1) / 2) * step - it.p.x : 0;
      it.dy = n > 1 ? y + (Math.floor(i / cols) - (rows - 1) / 2) * step - it.p.y : 0;
    });
  }
  function overlap(a, b) {
    return a.box[0] < b.box[2] && b.box[0] < a.box[2] && a.box[1] < b.box[3] && b.box[1] < a.box[3];
  }
  function declutter() {
    var map = reg.map, clusters = [];
    reg.station.concat(reg.stops, reg.unserved).forEach(function (m, order) {
      var el = m.getElement();
      if (!el || !map.hasLayer(m)) { return; }
      var p = map.latLngToLayerPoint(m.getLatLng());
      var c = {items: [{el: el.firstChild, p: p, order: order}]};
      layout(c);
      clusters.push(c);
    });
    for (var merged = true; merged;) {
      merged = false;
      for (var i = 0; i < clusters.length && !merged; i++) {
        for (var j = i + 1; j < clusters.length && !merged; j++) {
          if (overlap(clusters[i], clusters[j])) {
            clusters[i].items = clusters[i].items.concat(clusters[j].items);
            clusters.splice(j, 1);
            layout(clusters[i]);
            merged = true;
          }
        }
      }
    }
    clusters.forEach(function (c) {
      c.items.forEach(function (it) {
        it.el.style.left = it.dx ? it.dx + 'px' : '';
        it.el.style.top = it.dy ? it.dy + 'px' : '';
      });
    });
  }
  reg.map.on('zoomend overlayadd overlayremove', declutter);
  declutter();
})(window.mealroute, STEP);
"""


def declutter(size: int) -> Raw:
    """Keep markers of ``size`` pixels from hiding each other (add before fitting the view)."""
    return Raw(script=_DECLUTTER.replace("STEP", str(size + 4)))


class Projector:
    """Points as the map draws them (WGS-84, or GCJ-02 on AMap tiles), remembered for the view."""

    def __init__(self, datum: Datum) -> None:
        self.datum = datum
        self.seen: list[tuple[float, float]] = []

    def __call__(self, lat: float, lon: float) -> tuple[float, float]:
        point = from_wgs84(lat, lon, self.datum)
        self.seen.append(point)
        return point

    def fit(self, fmap: folium.Map, *, bottom: int) -> None:
        """Fit the map to every point drawn, with ``bottom`` pixels kept for the legend."""
        if not self.seen:
            return
        lats = [p[0] for p in self.seen]
        lons = [p[1] for p in self.seen]
        fmap.fit_bounds(
            [[min(lats), min(lons)], [max(lats), max(lons)]],
            padding_top_left=(30, 30),
            padding_bottom_right=(30, bottom),
            max_zoom=17,
        )


# ----------------------------------------------------------------- markers and lines


def number_icon(
    number: int | str, style: WorkerStyle, size: int, extra: str = ""
) -> folium.DivIcon:
    """A numbered marker drawn with CSS, centred on its point."""
    html_text = (
        f'<div class="mr-num mr-{style.shape}{extra}" style="width:{size}px;height:{size}px;'
        f'background:{style.color};color:{style.text_color}"><span>{esc(number)}</span></div>'
    )
    half = size // 2
    return folium.DivIcon(
        html=html_text,
        icon_size=(size, size),
        icon_anchor=(half, half),
        popup_anchor=(0, -half),
        class_name="mr-icon",
    )


def station_icon(text: str, size: int) -> folium.DivIcon:
    """The station's marker: a black square with white ``text``."""
    half = size // 2
    return folium.DivIcon(
        html=f'<div class="mr-station" style="width:{size}px;height:{size}px;'
        f'line-height:{size - 6}px">{esc(text)}</div>',
        icon_size=(size, size),
        icon_anchor=(half, half),
        popup_anchor=(0, -half),
        class_name="mr-icon",
    )


def marker_swatch(style: WorkerStyle, size: int = 14) -> str:
    """A small marker of ``style`` for legends."""
    return (
        f'<span class="mr-num mr-{style.shape} mr-swatch" style="width:{size}px;'
        f'height:{size}px;background:{style.color}"></span>'
    )


def line_swatch(color: str, dash: str | None) -> str:
    """A short line of ``color`` and ``dash`` for legends."""
    pattern = f' stroke-dasharray="{esc(dash)}"' if dash else ""
    return (
        f'<svg class="mr-line" width="34" height="10" aria-hidden="true">'
        f'<line x1="1" y1="5" x2="33" y2="5" stroke="{esc(color)}" stroke-width="4"{pattern}/>'
        "</svg>"
    )


def station_swatch(text: str) -> str:
    """The station marker, small, for legends."""
    return f'<span class="mr-station mr-swatch-station">{esc(text)}</span>'


def add_trip_line(
    target: folium.Map | folium.FeatureGroup,
    points: list[tuple[float, float]],
    style: WorkerStyle,
    dash: str | None,
    weight: int,
) -> None:
    """Draw a trip as a line in the worker's colour over a white casing."""
    if len(points) < 2:
        return
    # The casing keeps the coloured line visible on any tile colour.
    folium.PolyLine(points, color="#ffffff", weight=weight + 4, opacity=0.9).add_to(target)
    line = folium.PolyLine(points, color=style.color, weight=weight, opacity=0.95, dash_array=dash)
    line.add_to(target)
