"""The review page of a geocoding run: every point around its station, doubtful ones marked.

``geocoded/review.html`` opens alone from disk (Leaflet is inlined as in the day pack;
only the map tiles come from the internet). A coordinator looks a street's worth of
points over at a glance: green points are found to a door; orange ones need a look
(vague, several candidates, far from the station), each with its id, its address
and what to check; stations are black squares. Rows with no point are listed under
the map. Every text from the data is put on the page as text (escaped in HTML, and
as JSON data that the page's script sets with ``textContent``), never as markup.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

from markupsafe import Markup, escape

from ..atomic import write_text
from ..messages import render
from ..model import Message
from ..render.assets import inline_assets
from ..render.mapkit import OfflineMap, Projector, js_literal, map_script, tiles_of
from .fill import Found

_DRAW = """
(function () {
  var map = window[DATA.map];
  var bounds = [];
  var drawn = {map: map, stations: [], points: []};
  // Popups stay on a phone's narrow screen: the map pans to show the whole of one.
  var POPUP = {maxWidth: 240, autoPanPadding: [12, 12], keepInView: true};
  function popup(lines) {
    var box = document.createElement("div");
    lines.forEach(function (line, k) {
      var p = document.createElement(k ? "div" : "strong");
      p.textContent = line;
      box.appendChild(p);
    });
    return box;
  }
  DATA.stations.forEach(function (s) {
    drawn.stations.push(
      L.marker(s.at, {icon: L.divIcon({className: "station", iconSize: [14, 14]})})
        .bindPopup(popup(s.lines), POPUP).addTo(map));
    bounds.push(s.at);
  });
  DATA.points.forEach(function (p) {
    drawn.points.push(
      L.circleMarker(p.at, {radius: p.doubt ? 9 : 6, weight: 2, fillOpacity: 0.8,
        color: p.doubt ? "#D55E00" : "#009E73"}).bindPopup(popup(p.lines), POPUP)
        .addTo(map));
    bounds.push(p.at);
  });
  if (bounds.length) map.fitBounds(bounds, {padding: [24, 24], maxZoom: 17});
  window.mealroute = drawn;  // for the browser tests, as on the day pack's maps
})();
"""

_STYLE = """
body { margin: 0; font-family: system-ui, "Noto Sans CJK SC", sans-serif; }
.map { height: 75vh; }
.station { background: #000; border: 2px solid #fff; }
main { padding: 0.5rem 1rem; }
.doubt { color: #a33e00; }
table { width: 100%; border-collapse: collapse; table-layout: fixed; }
td, th { padding: 0.2rem 0.4rem; text-align: left; vertical-align: top;
         overflow-wrap: anywhere; border-top: 1px solid #ddd; }
th:first-child { width: 4.5em; }
.leaflet-popup-content { overflow-wrap: anywhere; }
"""


def render_review(
    found: Sequence[Found],
    stations: Mapping[str, tuple[float, float]],
    *,
    lang: str,
    tiles: str = "osm",
) -> str:
    """The review page's HTML."""
    source = tiles_of(tiles)
    project = Projector(source.datum)
    located = [f for f in found if f.point is not None]
    centre = located[0].point if located else next(iter(stations.values()), None)
    fmap = OfflineMap(center=centre, zoom=15, tiles=source)

    def words(code: str, **params: object) -> str:
        return render(Message(code, params), lang)

    data = {
        "map": fmap.get_name(),
        "stations": [
            {"at": project(*point), "lines": [words("review_station", id=ident)]}
            for ident, point in stations.items()
        ],
        "points": [
            {
                "at": project(*f.point),
                "doubt": bool(f.doubts),
                "lines": [
                    f"{f.wanted.ident} · {f.wanted.address}",
                    *(render(m, lang) for m in f.doubts),
                ],
            }
            for f in located
            if f.point is not None
        ],
    }
    assets = inline_assets()
    doubtful = [f for f in found if f.doubts]
    table = "".join(
        f"<tr><td>{escape(f.wanted.ident)}</td><td>{escape(f.wanted.address)}</td>"
        f'<td class="doubt">{escape("；".join(render(m, lang) for m in f.doubts))}</td></tr>'
        for f in doubtful
    )
    title = escape(words("review_title"))
    summary = escape(words("review_summary", rows=len(found), doubtful=len(doubtful)))
    head = escape(words("review_columns"))
    return str(
        Markup(
            '<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8">'
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            "<title>{title}</title><style>{styles}</style><style>{style}</style></head><body>"
            '<div id="{map}" class="map" role="region" aria-label="{title}"></div>'
            "<main><h1>{title}</h1><p>{summary}</p>"
            "<table><thead><tr>{head}</tr></thead><tbody>{table}</tbody></table></main>"
            "<script>{libraries}</script><script>{script}</script>"
            "<script>var DATA = {data};</script><script>{draw}</script></body></html>"
        ).format(
            lang="en" if lang == "en" else "zh-CN",
            title=title,
            styles=assets.leaflet_css,
            style=Markup(_STYLE),
            map=fmap.get_name(),
            summary=summary,
            head=Markup("".join(f"<th>{escape(h)}</th>" for h in str(head).split("|"))),
            table=Markup(table),
            libraries=assets.leaflet_js,
            script=map_script(fmap),
            data=js_literal(data),
            draw=Markup(_DRAW),
        )
    )


def write_review(
    path: Path,
    found: Sequence[Found],
    stations: Mapping[str, tuple[float, float]],
    *,
    lang: str,
    tiles: str = "osm",
) -> Path:
    """Write the review page atomically; returns its path."""
    write_text(path, render_review(found, stations, lang=lang, tiles=tiles))
    return path
