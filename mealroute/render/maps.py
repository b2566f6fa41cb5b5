"""The maps of the day pack: a station's overview map and each worker's phone map.

Both are Folium maps made offline by :mod:`.mapkit`: Leaflet from
``assets/leaflet/``, numbered CSS markers, and every spreadsheet text escaped in
HTML and in JavaScript. Opened from disk with no network they show every marker,
line, label and list; only the background tiles need a connection. With
``tiles="amap"`` every point is converted to GCJ-02 first, since AMap draws its
tiles in that datum; navigation links always carry the datum their app expects.

Each page keeps its markers in ``window.mealroute`` (``map``, ``stops`` in visiting
order, ``unserved``, ``station``) for its own code and for the browser tests.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path

import folium

from ..model import Plan, Route, StationPlan, Stop, Trip, Unserved
from . import i18n
from .mapkit import (
    UNSERVED_STYLE,
    Bind,
    OfflineMap,
    Page,
    Projector,
    Raw,
    WorkerStyle,
    add_trip_line,
    declutter,
    esc,
    legend_control,
    line_swatch,
    marker_swatch,
    number_icon,
    station_icon,
    station_swatch,
    trip_dash,
)
from .navigation import navigation_links, tel_link
from .paths import INDEX_HTML, inside, overview_map, relative_link, worker_map

# Words only the maps use; shared words come from i18n.
_LABELS = {
    "zh": {
        "station_short": "站",
        "stops_count": "{n}户",
        "trips_count": "{n}趟",
        "reload_between": "{time} 回到站点装餐，{next} 再出发",
        "day_end": "{time} 回到站点，今天的送餐结束",
        "show_on_map": "在地图上查看第{n}户",
        "details": "详情",
        "no_location": "{n} 位未安排的服务对象没有坐标，不在地图上",
        "trip_times": "第{n}趟 {depart}–{back}",
        "stop_of_worker": "{worker} · 第{trip}趟 · 第{n}户",
        "worker_maps": "送餐员地图",
    },
    "en": {
        "station_short": "S",
        "stops_count": "{n} stops",
        "stops_count_one": "1 stop",
        "trips_count": "{n} trips",
        "trips_count_one": "1 trip",
        "reload_between": "Back at the station {time} to reload; depart again {next}",
        "day_end": "Back at the station {time}; done for the day",
        "show_on_map": "Show stop {n} on the map",
        "details": "Details",
        "no_location": "{n} unserved clients have no location and are not on the map",
        "trip_times": "Trip {n} {depart}–{back}",
        "stop_of_worker": "{worker} · trip {trip} · stop {n}",
        "worker_maps": "Worker maps",
    },
}


def _t(key: str, lang: str, **values: object) -> str:
    """A label: map-specific ones from ``_LABELS``, shared ones from :mod:`.i18n`.

    A count ``n`` of 1 picks the ``<key>_one`` form where a language has one.
    """
    labels = _LABELS[i18n.check_lang(lang)]
    if values.get("n") == 1 and f"{key}_one" in labels:
        key = f"{key}_one"
    mine = labels.get(key)
    if mine is None:
        return i18n.label(key, lang, **values)
    return mine.format(**values) if values else mine


def _time(seconds: int, lang: str) -> str:
    return i18n.format_time(seconds, lang)


def _station_point(station: StationPlan) -> tuple[float, float] | None:
    if station.lat is None or station.lon is None:
        return None
    return station.lat, station.lon


def _worker_label(route: Route) -> str:
    return f"{route.worker_id} {route.name}" if route.name else route.worker_id


# ----------------------------------------------------------------- popups


def _row(name: str, value: str) -> str:
    """A popup line; ``value`` is already escaped."""
    return f'<div class="mr-row"><span class="mr-key">{esc(name)}</span> {value}</div>'


def _stop_popup(stop: Stop, number: int, heading: str, lang: str, link: str | None) -> str:
    meals = f"{i18n.format_meals(stop.meals, lang)} · {i18n.diet_label(stop.diet, lang)}"
    parts = [
        f'<div class="mr-pop"><div class="mr-pop-head">{esc(heading)}</div>',
        f'<div class="mr-pop-name">{number}. {esc(stop.name)}</div>',
        _row(i18n.label("planned_arrival", lang), esc(_time(stop.arrive, lang))),
        _row(i18n.label("window", lang), esc(i18n.format_window(stop.window, lang))),
    ]
    if stop.address:
        parts.append(_row(i18n.label("address", lang), esc(stop.address)))
    parts.append(_row(i18n.label("meals", lang), esc(meals)))
    care = i18n.care_level_label(stop.care_level, lang)
    parts.append(_row(i18n.label("care_level", lang), esc(care)))
    if stop.notes:
        parts.append(_row(i18n.label("notes", lang), esc(stop.notes)))
    if stop.phone:
        tel = tel_link(stop.phone)
        phone = f'<a href="{esc(tel)}">{esc(stop.phone)}</a>' if tel else esc(stop.phone)
        parts.append(_row(i18n.label("phone", lang), phone))
    if link:
        parts.append(f'<a class="mr-pop-link" href="{esc(link)}">{esc(_t("details", lang))} ↓</a>')
    parts.append("</div>")
    return "".join(parts)


def _unserved_popup(item: Unserved, lang: str) -> str:
    care = i18n.care_level_label(item.care_level, lang)
    parts = [
        f'<div class="mr-pop"><div class="mr-pop-head">{esc(i18n.label("unserved", lang))}</div>',
        f'<div class="mr-pop-name">{esc(item.name)}</div>',
        _row(i18n.label("reason", lang), f"<strong>{esc(item.reason.text(lang))}</strong>"),
        _row(i18n.label("care_level", lang), esc(care)),
    ]
    if item.address:
        parts.append(_row(i18n.label("address", lang), esc(item.address)))
    if item.phone:
        parts.append(_row(i18n.label("phone", lang), esc(item.phone)))
    parts.append("</div>")
    return "".join(parts)


def _trip_times(route: Route, lang: str) -> list[str]:
    return [
        _t(
            "trip_times",
            lang,
            n=k + 1,
            depart=_time(trip.depart, lang),
            back=_time(trip.return_, lang),
        )
        for k, trip in enumerate(route.trips)
    ]


def _station_popup(station: StationPlan, routes: Iterable[Route], lang: str) -> str:
    parts = [
        f'<div class="mr-pop"><div class="mr-pop-head">{esc(i18n.label("station", lang))}</div>',
        f'<div class="mr-pop-name">{esc(station.name or station.station_id)}</div>',
    ]
    if station.address:
        parts.append(_row(i18n.label("address", lang), esc(station.address)))
    if station.meals_ready is not None:
        parts.append(_row(i18n.label("meals_ready", lang), esc(_time(station.meals_ready, lang))))
    for route in routes:
        parts.append(_row(_worker_label(route), esc(", ".join(_trip_times(route, lang)))))
    parts.append("</div>")
    return "".join(parts)


def _add_station(
    fmap: OfflineMap,
    station: StationPlan,
    routes: Iterable[Route],
    project: Projector,
    *,
    lang: str,
    size: int,
) -> tuple[float, float] | None:
    where = _station_point(station)
    if where is None:
        return None
    point = project(*where)
    marker = folium.Marker(point, icon=station_icon(_t("station_short", lang), size))
    marker.options["zIndexOffset"] = 1000
    popup = _station_popup(station, routes, lang)
    marker.add_child(Bind("station", popup, esc(station.name or station.station_id)))
    marker.add_to(fmap)
    return point


def _legend_height(legend_html: str) -> int:
    """About how many pixels the legend takes from the bottom of the map."""
    return 36 + 26 * legend_html.count('class="mr-leg-')


# ----------------------------------------------------------------- station overview


def _overview_legend(station: StationPlan, lang: str, without_location: int) -> str:
    rows = [
        f'<div class="mr-leg-title">{esc(i18n.label("legend", lang))}</div>',
        f'<div class="mr-leg-row">{station_swatch(_t("station_short", lang))}'
        f" {esc(i18n.label('station_marker', lang))}</div>",
    ]
    most_trips = max((len(route.trips) for route in station.routes), default=0)
    for k in range(min(most_trips, 4)):
        trip = esc(i18n.label("trip_n", lang, n=k + 1))
        rows.append(f'<div class="mr-leg-row">{line_swatch("#333333", trip_dash(k))} {trip}</div>')
    if station.unserved:
        rows.append(
            f'<div class="mr-leg-row">{marker_swatch(UNSERVED_STYLE)}'
            f" {esc(i18n.label('unserved_marker', lang))} ({len(station.unserved)})</div>"
        )
    if without_location:
        note = _t("no_location", lang, n=without_location)
        rows.append(f'<div class="mr-leg-note">{esc(note)}</div>')
    if station.routes:
        here = overview_map(station.station_id)
        links = " · ".join(
            f'<a href="{esc(relative_link(here, worker_map(station.station_id, r.worker_id)))}">'
            f"{esc(r.worker_id)}</a>"
            for r in station.routes
        )
        rows.append(f'<div class="mr-leg-links">{esc(_t("worker_maps", lang))}: {links}</div>')
    return "".join(rows)


def _add_worker_layer(
    fmap: OfflineMap,
    route: Route,
    style: WorkerStyle,
    station_point: tuple[float, float] | None,
    project: Projector,
    lang: str,
) -> None:
    stops = sum(len(trip.stops) for trip in route.trips)
    name = (
        f"{marker_swatch(style)}{line_swatch(style.color, None)} {esc(_worker_label(route))}"
        f" · {esc(_t('stops_count', lang, n=stops))}"
        f" · {esc(_t('trips_count', lang, n=len(route.trips)))}"
    )
    group = folium.FeatureGroup(name=name, show=True)
    group.add_to(fmap)
    number = 0
    for k, trip in enumerate(route.trips):
        line = [station_point] if station_point else []
        for stop in trip.stops:
            number += 1
            point = project(stop.lat, stop.lon)
            line.append(point)
            heading = _t("stop_of_worker", lang, worker=_worker_label(route), trip=k + 1, n=number)
            marker = folium.Marker(point, icon=number_icon(number, style, 28))
            popup = _stop_popup(stop, number, heading, lang, None)
            marker.add_child(Bind("stops", popup, f"{number}. {esc(stop.name)}"))
            marker.add_to(group)
        if station_point:
            line.append(station_point)
        add_trip_line(group, line, style, trip_dash(k), 4)


def write_station_map(
    plan: Plan, station: StationPlan, out_dir: Path, *, lang: str, tiles: str
) -> Path:
    """Write a station's overview map: every worker's trips, one layer per worker.

    Parameters
    ----------
    plan
        The day's plan (for its date).
    station
        The station to draw.
    out_dir
        The day's output folder; the map goes to :func:`.paths.overview_map` and
        links Leaflet from ``assets/leaflet/`` (see :func:`.assets.install_assets`).
    lang
        ``"zh"`` or ``"en"``.
    tiles
        ``"osm"`` or ``"amap"`` (points are then drawn in GCJ-02).

    Returns
    -------
    Path
        The file written.
    """
    i18n.check_lang(lang)
    relative = overview_map(station.station_id)
    title = f"{station.name or station.station_id} · {i18n.label('overview_map', lang)}"
    page = Page(title=title, lang=lang, body_class="mr-overview")
    fmap = OfflineMap(relative, center=_station_point(station), zoom=14, tiles=tiles)
    page.add_child(fmap)
    project = Projector(fmap.tiles.datum)

    facts = [
        i18n.format_date(plan.date, lang),
        f"{i18n.label('served', lang)} {station.served}/{station.clients}",
        f"{i18n.label('unserved', lang)} {len(station.unserved)}",
        f"{i18n.label('workers_used', lang)} {len(station.busy_routes)}",
    ]
    error = f'<div class="mr-error">{esc(station.error.text(lang))}</div>' if station.error else ""
    back = (
        f'<a class="mr-back" href="{esc(relative_link(relative, INDEX_HTML))}">'
        f"← {esc(i18n.label('back_to_index', lang))}</a>"
    )
    bar = (
        f'<header class="mr-bar">{back}<h1>{esc(title)}</h1>'
        f'<div class="mr-facts">{" · ".join(esc(f) for f in facts)}</div>{error}</header>'
    )
    page.html.add_child(folium.Element(bar), name="mr_bar")

    station_point = _add_station(fmap, station, station.routes, project, lang=lang, size=30)
    for index, route in enumerate(station.routes):
        _add_worker_layer(fmap, route, WorkerStyle.of(index), station_point, project, lang)

    without_location = 0
    if station.unserved:
        name = (
            f"{marker_swatch(UNSERVED_STYLE)} {esc(i18n.label('unserved', lang))}"
            f" ({len(station.unserved)})"
        )
        group = folium.FeatureGroup(name=name).add_to(fmap)
        for item in station.unserved:
            if item.lat is None or item.lon is None:
                without_location += 1
                continue
            icon = number_icon("!", UNSERVED_STYLE, 26, " mr-unserved")
            marker = folium.Marker(project(item.lat, item.lon), icon=icon)
            marker.add_child(Bind("unserved", _unserved_popup(item, lang), esc(item.name)))
            marker.add_to(group)

    control = folium.LayerControl(collapsed=False, position="topright").add_to(fmap)
    legend = _overview_legend(station, lang, without_location)
    fmap.add_child(legend_control(fmap, legend))
    # On a narrow screen the layer list starts folded; its button opens it.
    fmap.add_child(
        Raw(
            script=f"(function (ctl, map) {{ if (window.innerWidth < 700) {{ ctl.collapse();"
            f" map.on('click', function () {{ ctl.collapse(); }}); }} }})"
            f"({control.get_name()}, {fmap.get_name()});"
        )
    )
    fmap.add_child(declutter(28))
    project.fit(fmap, bottom=_legend_height(legend))
    return page.write(inside(out_dir, relative))


# ----------------------------------------------------------------- worker phone map


def _stop_actions(stop: Stop, number: int, route: Route, lang: str) -> str:
    call = ""
    tel = tel_link(stop.phone) if stop.phone else None
    if tel:
        call = (
            f'<a class="mr-btn mr-call" href="{esc(tel)}">{esc(i18n.label("call", lang))}'
            f' <span class="mr-phone">{esc(stop.phone)}</span></a>'
        )
    # The app shows this label; it is the address, never the client's name.
    place = stop.address or f"{i18n.label('stop_no', lang)} {number}"
    names = {"amap": "amap", "baidu": "baidu", "web": "web_map"}
    buttons = []
    for link in navigation_links(stop.lat, stop.lon, place, route.mode):
        attrs = f'href="{esc(link.url)}" data-datum="{esc(link.datum.value)}"'
        if link.ios_url:
            attrs += f' data-ios="{esc(link.ios_url)}"'
        if link.android_url:
            attrs += f' data-android="{esc(link.android_url)}"'
        text = esc(i18n.label(names[link.app], lang))
        buttons.append(f'<a class="mr-btn mr-nav mr-nav-{link.app}" {attrs}>{text}</a>')
    return f'{call}<div class="mr-navs">{"".join(buttons)}</div>'


def _stop_item(stop: Stop, number: int, route: Route, style: WorkerStyle, lang: str) -> str:
    care = i18n.care_level_label(stop.care_level, lang)
    meals = f"{i18n.format_meals(stop.meals, lang)} · {i18n.diet_label(stop.diet, lang)}"
    address = f'<div class="mr-addr">{esc(stop.address)}</div>' if stop.address else ""
    notes = f'<div class="mr-notes">{esc(stop.notes)}</div>' if stop.notes else ""
    button = (
        f'<button type="button" class="mr-num mr-{style.shape} mr-list-num"'
        f' data-stop="{number - 1}" style="background:{style.color};color:{style.text_color}"'
        f' aria-label="{esc(_t("show_on_map", lang, n=number))}"><span>{number}</span></button>'
    )
    when = (
        f'<div class="mr-when"><strong>{esc(_time(stop.arrive, lang))}</strong>'
        f' <span class="mr-window">{esc(i18n.label("window", lang))}'
        f" {esc(i18n.format_window(stop.window, lang))}</span></div>"
    )
    return (
        f'<li class="mr-stop" id="stop-{number}">{button}<div class="mr-body">{when}'
        f'<div class="mr-name">{esc(stop.name)}</div>{address}{notes}'
        f'<div class="mr-meals">{esc(meals)}'
        f' <span class="mr-care mr-care-{esc(stop.care_level)}">{esc(care)}</span></div>'
        f"{_stop_actions(stop, number, route, lang)}</div></li>"
    )


def _trip_header(trip: Trip, k: int, lang: str) -> str:
    text = i18n.label(
        "trip_header",
        lang,
        n=k + 1,
        time=_time(trip.depart, lang),
        meals=i18n.format_meals(trip.meals, lang),
    )
    return f'<h2 class="mr-trip" id="trip-{k + 1}">{esc(text)}</h2>'


def _after_trip(trips: Sequence[Trip], k: int, lang: str) -> str:
    back = _time(trips[k].return_, lang)
    if k + 1 < len(trips):
        text = _t("reload_between", lang, time=back, next=_time(trips[k + 1].depart, lang))
    else:
        text = _t("day_end", lang, time=back)
    return f'<div class="mr-reload">↩ {esc(text)}</div>'


def _phone_legend(route: Route, style: WorkerStyle, lang: str) -> str:
    rows = [
        f'<div class="mr-leg-row">{station_swatch(_t("station_short", lang))}'
        f" {esc(i18n.label('station_marker', lang))}</div>"
    ]
    for k, times in enumerate(_trip_times(route, lang)):
        swatch = line_swatch(style.color, trip_dash(k))
        rows.append(f'<div class="mr-leg-row">{swatch} {esc(times)}</div>')
    return "".join(rows)


def write_worker_map(
    plan: Plan,
    station: StationPlan,
    route: Route,
    out_dir: Path,
    *,
    lang: str,
    tiles: str,
) -> Path:
    """Write the phone map of one worker: the map above, the stops in order below.

    Parameters
    ----------
    plan
        The day's plan (for its date).
    station
        The worker's station (where every trip starts and ends).
    route
        The worker's day; one of ``station.routes`` (its colour follows its place).
    out_dir
        The day's output folder; the page goes to :func:`.paths.worker_map` and
        links Leaflet from ``assets/leaflet/``.
    lang
        ``"zh"`` or ``"en"``.
    tiles
        ``"osm"`` or ``"amap"`` (points are then drawn in GCJ-02; navigation links
        carry the datum of their own app either way).

    Returns
    -------
    Path
        The file written.
    """
    i18n.check_lang(lang)
    relative = worker_map(station.station_id, route.worker_id)
    index = next((i for i, r in enumerate(station.routes) if r.worker_id == route.worker_id), 0)
    style = WorkerStyle.of(index)
    worker_name = route.name or route.worker_id
    date = i18n.format_date(plan.date, lang)
    page = Page(title=f"{worker_name} · {date}", lang=lang, body_class="mr-worker")
    fmap = OfflineMap(relative, center=_station_point(station), zoom=15, tiles=tiles)
    page.add_child(fmap)
    project = Projector(fmap.tiles.datum)

    facts = [
        station.name or station.station_id,
        i18n.mode_label(route.mode, lang),
        _t("stops_count", lang, n=sum(len(trip.stops) for trip in route.trips)),
        i18n.format_meals(sum(trip.meals for trip in route.trips), lang),
        _t("trips_count", lang, n=len(route.trips)),
    ]
    header = (
        f'<header class="mr-top"><div class="mr-who">{esc(worker_name)}'
        f' <span class="mr-date">{esc(date)}</span></div>'
        f'<div class="mr-facts">{" · ".join(esc(f) for f in facts)}</div></header>'
    )
    page.html.add_child(folium.Element(header), name="mr_top")

    station_point = _add_station(fmap, station, [route], project, lang=lang, size=34)
    items: list[str] = []
    number = 0
    for k, trip in enumerate(route.trips):
        items.append(f'{_trip_header(trip, k, lang)}<ol class="mr-stops">')
        line = [station_point] if station_point else []
        for stop in trip.stops:
            number += 1
            point = project(stop.lat, stop.lon)
            line.append(point)
            marker = folium.Marker(point, icon=number_icon(number, style, 40, " mr-big"))
            heading = i18n.label("trip_n", lang, n=k + 1)
            popup = _stop_popup(stop, number, heading, lang, f"#stop-{number}")
            marker.add_child(Bind("stops", popup)).add_to(fmap)
            items.append(_stop_item(stop, number, route, style, lang))
        items.append(f"</ol>{_after_trip(route.trips, k, lang)}")
        if station_point:
            line.append(station_point)
        add_trip_line(fmap, line, style, trip_dash(k), 5)
    if not route.trips:
        items.append(f'<p class="mr-empty">{esc(i18n.label("no_stops", lang))}</p>')

    title = esc(i18n.label("stop_list", lang))
    listing = f'<main class="mr-list"><h2 class="mr-list-title">{title}</h2>{"".join(items)}</main>'
    fmap.add_child(Raw(html_text=listing))
    legend = _phone_legend(route, style, lang)
    fmap.add_child(legend_control(fmap, legend))
    fmap.add_child(Raw(script=_WORKER_SCRIPT))
    fmap.add_child(declutter(40))
    project.fit(fmap, bottom=_legend_height(legend))
    return page.write(inside(out_dir, relative))


# Swap app links to the phone's platform (AMap: iosamap:// on iOS; Baidu: bdapp://
# from Android browsers), and let a stop's number in the list show it on the map.
_WORKER_SCRIPT = """
(function () {
  var ua = navigator.userAgent || '';
  var ios = /iPhone|iPad|iPod/.test(ua), android = /Android/.test(ua);
  document.querySelectorAll('a.mr-nav').forEach(function (a) {
    if (ios && a.dataset.ios) { a.href = a.dataset.ios; }
    if (android && a.dataset.android) { a.href = a.dataset.android; }
  });
  var reg = window.mealroute;
  document.querySelectorAll('button[data-stop]').forEach(function (b) {
    b.addEventListener('click', function () {
      var m = reg.stops[Number(b.dataset.stop)];
      if (!m) { return; }
      reg.map.getContainer().scrollIntoView({behavior: 'smooth', block: 'start'});
      reg.map.setView(m.getLatLng(), Math.max(reg.map.getZoom(), 16));
      m.openPopup();
    });
  });
})();
"""
