"""Every word of the day pack in Chinese and English, and dates, times and amounts.

Pages, sheets and maps never hold literal UI text; they ask :func:`label` for it
(templates through :func:`html_environment`, which binds every formatter to a
language). Words that name a care level, a travel mode, a diet or a skill, and the
sentences of a reason or an error, live in :mod:`mealroute.messages` (one home per
concept); times of day are :func:`mealroute.clock.format_clock`.
Both languages have exactly the same keys (a test checks this), and an unknown key
or language raises instead of showing a blank. Dates, distances and
durations are formatted here by hand, not through the process locale, so the output
does not depend on the machine that draws it.

A label may hold ``{placeholders}``; pass their values as keyword arguments::

    label("trip_header", "en", n=2, time="11:40", meals="6 meals")
    # 'Trip 2 — depart 11:40, 6 meals'
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from functools import cache, partial

import jinja2

from .. import clock, messages
from ..messages.input import change_word
from ..messages.plan import advice_text
from ..model import Change, ChangeKind, Issue, Message, Plan, Route
from .phones import phones

LANGS = messages.LANGS

_ZH: dict[str, str] = {
    # the day and its files
    "day_title": "{date} 送餐安排",
    "generated_by": "由 mealroute 生成",
    "overview_map": "站点总览地图",
    "worker_map": "送餐员地图",
    "route_sheets": "打印路线单",
    "kitchen_list": "厨房与装餐清单",
    "routes_xlsx": "路线表格（Excel）",
    "plan_json": "计划数据（JSON）",
    "files": "文件",
    "downloads": "下载",
    "back_to_index": "返回当日总览",
    # totals and the station table
    "summary": "汇总",
    "total": "合计",
    "stations": "站点",
    "station": "站点",
    "station_id": "站点编号",
    "clients": "服务对象",
    "served": "已安排",
    "unserved": "未安排",
    "workers": "送餐员",
    "workers_used": "出勤送餐员",
    "meals": "份数",
    "trips": "趟数",
    "distance": "里程",
    "first_departure": "首次出发",
    "last_return": "最后返回",
    "meals_ready": "出餐时间",
    "status": "状态",
    "status_ok": "正常",
    "status_failed": "无法规划",
    "all_served": "所有服务对象均已安排送餐。",
    # problems
    "day_chart": "送餐员的一天",
    "day_road": "路上",
    "day_doors": "入户服务",
    "day_waiting": "等候",
    "day_station": "站内装餐",
    "changes_title": "今日变动",
    "changes_help": "今天的安排已按变动表中的以下各行调整。",
    "change_kind": "类型",
    "change_subject": "对象",
    "change_dates": "日期",
    "change_value": "改为",
    "change_note": "原因",
    "change_source": "来源",
    "change_from": "{date}起",
    "change_row": "{file} 第{row}行",
    "unserved_title": "未能安排送餐的服务对象",
    "unserved_help": "以下服务对象今天没有安排送餐，请另行联系或安排。",
    "advice_title": "怎样能送到他们",
    "advice_help": "每条建议都已重新规划验证：只做这一项改动，今天已安排的服务对象仍全部送到。",
    "advice_serves": "可送到：{names}",
    "advice_short": "建议",
    "list_sep": "、",
    "failed_title": "无法规划的站点",
    "failed_help": "以下站点今天没有生成路线，请检查数据后重新规划。",
    "reason": "原因",
    "error": "错误",
    "warnings": "提示",
    # people and stops
    "worker": "送餐员",
    "worker_id": "送餐员编号",
    "client_id": "服务对象编号",
    "date": "日期",
    "mode": "交通方式",
    "capacity": "最多携带",
    "trip": "趟次",
    "trip_n": "第{n}趟",
    "routes_credit": "路线道路 &copy; {osm} 贡献者",
    "trip_header": "第{n}趟 — {time} 出发，{meals}",
    "trip_return": "{time} 返回站点",
    "stop_no": "序号",
    "planned_arrival": "预计到达",
    "window": "送餐时段",
    "window_start": "时段开始",
    "window_end": "时段结束",
    "sheet": "工作表",
    "name": "姓名",
    "address": "地址",
    "phone": "电话",
    "diet": "餐型",
    "care_level": "照护等级",
    "notes": "备注",
    "delivered": "已送达 ✓",
    "signature": "签收",
    "worker_signature": "送餐员签名",
    "coordinator_signature": "站点负责人签名",
    "sign_date": "日期",
    "no_stops": "今天无送餐任务",
    "idle_help": "今天没有安排您送餐。如有疑问，请联系{station}。",
    "call_station": "拨打站点电话",
    # which plan a page belongs to
    "plan": "计划",
    "colon": "：",
    "plan_id": "计划编号 {id}",
    "planned_at": "{moment} 生成",
    # the same familiar face
    "familiar_title": "熟悉的送餐员",
    "stand_in": "平时由{worker}送，今天请您代送",
    "familiar_share": "{known} 位有常用送餐员的服务对象中，{kept} 位今天仍由他/她送（{percent}%）",
    "familiar_changed": "{name} 常由{usual}送，今天由{worker}送",
    # a re-plan: what changed
    "updated_title": "安排已更新（{moment}）",
    "updated_summary": "新增 {added} 站，取消 {removed} 站，{retimed} 站时间有变",
    "updated_small": "送餐顺序和户数不变，时间有小的调整（不超过 5 分钟）",
    "updated_reordered": "送餐顺序有调整",
    "no_longer_yours": "不用再送：{name}",
    "now_with": "改由 {worker} 送",
    "not_on_route": "今天不送",
    "mark_new": "新增",
    "mark_from": "原由 {worker} 送",
    "mark_retimed": "时间改了，原定 {time}",
    "changes_page": "今日调整",
    "replan_title": "{date} 调整前后对比",
    "changes_intro": "与 {moment} 的规划（{id}）相比",
    "changes_totals": "{moved} 位服务对象换了送餐员，{workers} 名送餐员的安排有变，"
    "{retimed} 站时间变动超过 5 分钟，新安排 {new} 位，{gone} 位不再在路线上。",
    "changes_none": "没有任何送餐员的安排有变。",
    "changes_kept": "安排不变的送餐员（页面不变，无需重新发送）：{names}",
    "changes_absent": "今天不出勤，原来的服务对象已改派",
    "col_change": "变化",
    "col_before": "原定",
    "col_after": "现在",
    "col_whence": "来源/去向",
    "kind_added": "新增",
    "kind_removed": "取消",
    "kind_retimed": "改时间",
    "from_worker": "原由 {worker} 送",
    "new_client": "新安排",
    "to_worker": "改由 {worker} 送",
    "not_served_now": "今天不送",
    "open_worker_page": "打开送餐员页面",
    # maps
    "station_short": "站",
    "stops_count": "{n}户",
    "cluster_count": "{n}户",
    "trips_count": "{n}趟",
    "reload_between": "{time} 回到站点装餐，{next} 再出发",
    "day_end": "{time} 回到站点，今天的送餐结束",
    "show_on_map": "在地图上查看第{n}户",
    "details": "详情",
    "no_location": "{n} 位未安排的服务对象没有坐标，不在地图上",
    "trip_times": "第{n}趟 {depart}–{back}",
    "stop_of_worker": "{worker} · 第{trip}趟",
    "stay_minutes": "停留约{n}分钟",
    "map_fallback": "地图无法显示。请按下面的顺序送餐，用导航按钮找路。",
    "map_fallback_station": "地图无法显示。送餐员名单和各自的页面见上方。",
    "idle_short": "无送餐任务",
    # maps
    "legend": "图例",
    "stop_list": "送餐顺序",
    "call": "拨打电话",
    "amap": "高德地图",
    "baidu": "百度地图",
    "web_map": "网页地图",
    "station_marker": "站点（出发与返回）",
    "unserved_marker": "未安排",
    # kitchen
    "kitchen_title": "厨房与装餐清单",
    "station_meals_by_diet": "全站按餐型统计",
    "loading_by_trip": "按送餐员和趟次装餐",
    "halal": "清真",
    "halal_apart": "清真餐单独烹制、单独打包，与其他餐分开装车。",
    "halal_count": "清真：{n}",
    "halal_total": "清真餐（单独打包）",
    "non_halal_total": "非清真餐",
    "packed": "已装 ✓",
    "diet_count": "{diet}{n}份",
    "load": "装餐",
    "nothing_to_cook": "今天本站没有需要配送的餐。",
    "print_hint": "用浏览器打印本页（Ctrl+P）：A4 横向，每位送餐员一页。",
    "print_hint_kitchen": "用浏览器打印本页（Ctrl+P）：A4。",
    # routes.csv headers (English keeps the column names of earlier versions)
    "csv_date": "日期",
    "csv_station_id": "站点编号",
    "csv_station_name": "站点名称",
    "csv_worker_id": "送餐员编号",
    "csv_worker_name": "送餐员姓名",
    "csv_mode": "交通方式",
    "csv_trip": "趟次",
    "csv_trip_depart": "本趟出发",
    "csv_stop": "序号",
    "csv_client_id": "服务对象编号",
    "csv_name": "姓名",
    "csv_address": "地址",
    "csv_phone": "电话",
    "csv_arrive": "预计到达",
    "csv_start": "开始服务",
    "csv_depart": "离开",
    "csv_window_start": "时段开始",
    "csv_window_end": "时段结束",
    "csv_meals": "份数",
    "csv_diet": "餐型",
    "csv_care_level": "照护等级",
    "csv_notes": "备注",
    "csv_travel_s": "路上用时（秒）",
    "csv_distance_m": "路程（米）",
}

_EN: dict[str, str] = {
    "day_title": "Meal delivery, {date}",
    "generated_by": "Made by mealroute",
    "overview_map": "Station overview map",
    "worker_map": "Worker map",
    "route_sheets": "Printable route sheets",
    "kitchen_list": "Kitchen & loading list",
    "routes_xlsx": "Routes workbook (Excel)",
    "plan_json": "Plan data (JSON)",
    "files": "Files",
    "downloads": "Downloads",
    "back_to_index": "Back to the day's overview",
    "summary": "Summary",
    "total": "Total",
    "stations": "Stations",
    "station": "Station",
    "station_id": "Station ID",
    "clients": "Clients",
    "served": "Served",
    "unserved": "Unserved",
    "workers": "Workers",
    "workers_used": "Workers out",
    "meals": "Meals",
    "trips": "Trips",
    "distance": "Distance",
    "first_departure": "First departure",
    "last_return": "Last return",
    "meals_ready": "Meals ready",
    "status": "Status",
    "status_ok": "OK",
    "status_failed": "Not planned",
    "all_served": "Every client has a delivery.",
    "day_chart": "Each worker's day",
    "day_road": "on the road",
    "day_doors": "at the doors",
    "day_waiting": "waiting",
    "day_station": "loading at the station",
    "changes_title": "Today's changes",
    "changes_help": "Today's plan follows these rows of the changes table.",
    "change_kind": "Change",
    "change_subject": "Who",
    "change_dates": "Days",
    "change_value": "Now",
    "change_note": "Why",
    "change_source": "Row",
    "change_from": "from {date}",
    "change_row": "{file}, row {row}",
    "unserved_title": "Clients with no delivery",
    "unserved_help": "These clients get no delivery today; please contact them or arrange one.",
    "advice_title": "What would serve them",
    "advice_help": "Each suggestion was checked by planning the station again with that one "
    "change; everyone served today stays served.",
    "advice_serves": "would serve: {names}",
    "advice_short": "Suggestions",
    "list_sep": ", ",
    "failed_title": "Stations that could not be planned",
    "failed_help": "No routes were made for these stations; check their data and plan again.",
    "reason": "Reason",
    "error": "Error",
    "warnings": "Warnings",
    "worker": "Worker",
    "worker_id": "Worker ID",
    "client_id": "Client ID",
    "date": "Date",
    "mode": "Travels by",
    "capacity": "Carries at most",
    "trip": "Trip",
    "trip_n": "Trip {n}",
    "routes_credit": "routes &copy; {osm} contributors",
    "trip_header": "Trip {n} — depart {time}, {meals}",
    "trip_return": "back at the station {time}",
    "stop_no": "No.",
    "planned_arrival": "Planned arrival",
    "window": "Window",
    "window_start": "Window from",
    "window_end": "Window to",
    "sheet": "Sheet",
    "name": "Name",
    "address": "Address",
    "phone": "Phone",
    "diet": "Diet",
    "care_level": "Care level",
    "notes": "Notes",
    "delivered": "Delivered ✓",
    "signature": "Signature",
    "worker_signature": "Worker's signature",
    "coordinator_signature": "Coordinator's signature",
    "sign_date": "Date",
    "no_stops": "No deliveries today",
    "idle_help": "You have no deliveries today. If in doubt, ask {station}.",
    "call_station": "Call the station",
    "plan": "Plan",
    "colon": ": ",
    "plan_id": "Plan {id}",
    "planned_at": "made {moment}",
    # the same familiar face
    "familiar_title": "Familiar faces",
    "stand_in": "usually brought by {worker}; today by you",
    "familiar_share": "{kept} of {known} clients with a usual worker have them today ({percent}%)",
    "familiar_changed": "{name}, usually with {usual}, today with {worker}",
    # a re-plan: what changed
    "updated_title": "Updated ({moment})",
    "updated_summary": "{added} stops added, {removed} taken off, {retimed} at a new time",
    "updated_small": "Same stops in the same order; times moved by at most 5 minutes",
    "updated_reordered": "The stops are in a new order",
    "no_longer_yours": "No longer yours: {name}",
    "now_with": "now with {worker}",
    "not_on_route": "not delivered today",
    "mark_new": "New",
    "mark_from": "was with {worker}",
    "mark_retimed": "new time, was {time}",
    "changes_page": "Today's changes",
    "replan_title": "{date}: what the re-plan changed",
    "changes_intro": "Against the plan made {moment} ({id})",
    "changes_totals": "{moved} clients moved to another worker, {workers} workers' days "
    "changed, {retimed} stops moved by more than 5 minutes, {new} newly served, {gone} no "
    "longer on a route.",
    "changes_none": "No worker's day changed.",
    "changes_kept": "Workers whose day is unchanged (same page, nothing to resend): {names}",
    "changes_absent": "Not working today; their clients went to others",
    "col_change": "Change",
    "col_before": "Before",
    "col_after": "Now",
    "col_whence": "From / to",
    "kind_added": "added",
    "kind_removed": "taken off",
    "kind_retimed": "new time",
    "from_worker": "was with {worker}",
    "new_client": "newly served",
    "to_worker": "now with {worker}",
    "not_served_now": "not delivered today",
    "open_worker_page": "open the worker's page",
    "station_short": "S",
    "stops_count": "{n} stops",
    "cluster_count": "×{n}",
    "stops_count_one": "1 stop",
    "trips_count": "{n} trips",
    "trips_count_one": "1 trip",
    "reload_between": "Back at the station {time} to reload; depart again {next}",
    "day_end": "Back at the station {time}; done for the day",
    "show_on_map": "Show stop {n} on the map",
    "details": "Details",
    "no_location": "{n} unserved clients have no location and are not on the map",
    "no_location_one": "1 unserved client has no location and is not on the map",
    "trip_times": "Trip {n} {depart}–{back}",
    "stop_of_worker": "{worker} · trip {trip}",
    "stay_minutes": "about {n} min at the door",
    "map_fallback": "The map cannot be shown. Deliver in the order below; "
    "the buttons open navigation.",
    "map_fallback_station": "The map cannot be shown. "
    "The workers and their pages are listed above.",
    "idle_short": "no deliveries",
    "legend": "Legend",
    "stop_list": "Stops in order",
    "call": "Call",
    "amap": "AMap",
    "baidu": "Baidu Maps",
    "web_map": "Web map",
    "station_marker": "Station (start and end)",
    "unserved_marker": "Unserved",
    "kitchen_title": "Kitchen & loading list",
    "station_meals_by_diet": "Meals by diet, whole station",
    "loading_by_trip": "Loading by worker and trip",
    "halal": "Halal",
    "halal_apart": "Cook and pack halal meals apart and load them separately.",
    "halal_count": "halal: {n}",
    "halal_total": "Halal (packed apart)",
    "non_halal_total": "Not halal",
    "packed": "Packed ✓",
    "diet_count": "{n} {diet}",
    "load": "Load",
    "nothing_to_cook": "No meals to deliver from this station today.",
    "print_hint": "Print this page from the browser (Ctrl+P): A4 landscape, one worker per page.",
    "print_hint_kitchen": "Print this page from the browser (Ctrl+P): A4.",
    "csv_date": "date",
    "csv_station_id": "station_id",
    "csv_station_name": "station_name",
    "csv_worker_id": "worker_id",
    "csv_worker_name": "worker_name",
    "csv_mode": "mode",
    "csv_trip": "trip",
    "csv_trip_depart": "trip_depart",
    "csv_stop": "stop",
    "csv_client_id": "client_id",
    "csv_name": "name",
    "csv_address": "address",
    "csv_phone": "phone",
    "csv_arrive": "arrive",
    "csv_start": "start",
    "csv_depart": "depart",
    "csv_window_start": "window_start",
    "csv_window_end": "window_end",
    "csv_meals": "meals",
    "csv_diet": "diet",
    "csv_care_level": "care_level",
    "csv_notes": "notes",
    "csv_travel_s": "travel_s",
    "csv_distance_m": "distance_m",
}

LABELS: Mapping[str, Mapping[str, str]] = {"zh": _ZH, "en": _EN}

_WEEKDAYS = {
    "zh": ("星期一", "星期二", "星期三", "星期四", "星期五", "星期六", "星期日"),
    "en": ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"),
}
_MONTHS_EN = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def check_lang(lang: str) -> str:
    """Return ``lang`` if it is one of :data:`LANGS`; raise ``ValueError`` otherwise."""
    return messages.check_lang(lang)


def label(key: str, lang: str, **values: object) -> str:
    """The text of ``key`` in ``lang``, with ``{placeholders}`` filled from ``values``.

    Parameters
    ----------
    key
        A label key such as ``"planned_arrival"``.
    lang
        ``"zh"`` or ``"en"``.
    **values
        Values for the label's placeholders, if it has any. A count ``n`` of 1 picks
        the ``<key>_one`` form where a language has one (en ``"1 stop"``).

    Raises
    ------
    KeyError
        If ``key`` is not a label (a programming error: it fails loudly, never blank).
    ValueError
        If ``lang`` is not supported.
    """
    labels = LABELS[check_lang(lang)]
    if values.get("n") == 1 and f"{key}_one" in labels:
        key = f"{key}_one"
    try:
        text = labels[key]
    except KeyError:
        raise KeyError(f"no label {key!r} in language {lang!r}") from None
    return text.format(**values) if values else text


def format_window(window: tuple[int, int]) -> str:
    """A delivery window as ``"11:00–12:30"`` (:func:`mealroute.clock.format_window`)."""
    return clock.format_window(window[0], window[1])


def format_date(date: dt.date, lang: str) -> str:
    """A date with its weekday: zh ``"2026年12月1日 星期二"``, en ``"Tue 1 Dec 2026"``."""
    weekday = _WEEKDAYS[check_lang(lang)][date.weekday()]
    if lang == "zh":
        return f"{date.year}年{date.month}月{date.day}日 {weekday}"
    return f"{weekday} {date.day} {_MONTHS_EN[date.month - 1]} {date.year}"


def format_moment(moment: dt.datetime, lang: str) -> str:
    """When something was made, to the minute: zh ``"12月1日 09:05"``, en ``"1 Dec 09:05"``."""
    hhmm = clock.format_clock(moment.hour * 3600 + moment.minute * 60)
    if check_lang(lang) == "zh":
        return f"{moment.month}月{moment.day}日 {hhmm}"
    return f"{moment.day} {_MONTHS_EN[moment.month - 1]} {hhmm}"


def plan_stamp(plan: Plan, lang: str) -> str:
    """Which plan a page belongs to: zh ``"计划 98f9adbb · 12月1日 09:05 生成"``.

    Every page shows it, so a worker can tell an outdated page from the coordinator's
    current one. Parts the plan does not have (an older plan.json) are left out.
    """
    parts = []
    if plan.plan_id:
        parts.append(label("plan_id", lang, id=plan.plan_id))
    if plan.planned_at is not None:
        parts.append(label("planned_at", lang, moment=format_moment(plan.planned_at, lang)))
    return " · ".join(parts)


def diet_words(diet: Iterable[str]) -> tuple[str, ...]:
    """The words of a diet in the kitchen's order (halal first); ``("regular",)`` when empty."""
    return tuple(messages.diet_words_sorted(diet)) or ("regular",)


def diet_label(diet: Iterable[str], lang: str) -> str:
    """A diet in words: ``{"halal", "soft"}`` is zh ``"清真、软食"``, en ``"halal, soft"``."""
    return messages.join((messages.diet_word(word, lang) for word in diet_words(diet)), lang)


def format_meals(count: int, lang: str) -> str:
    """A number of meals: zh ``"6份"``, en ``"1 meal"`` / ``"6 meals"``."""
    if check_lang(lang) == "zh":
        return f"{count}份"
    return f"{count} meal" if count == 1 else f"{count} meals"


def change_value(change: Change, lang: str) -> str:
    """What a change makes of the day, in words: ``11:30–12:00``, ``2份``, ``步行``…"""
    value = change.value
    if change.kind == ChangeKind.WINDOW:
        return format_window(value)
    if change.kind == ChangeKind.MEALS:
        return format_meals(value, lang)
    if change.kind == ChangeKind.DIET:
        return diet_label(value, lang)
    if change.kind in (ChangeKind.LATE, ChangeKind.EARLY, ChangeKind.MEALS_READY):
        return clock.format_clock(value)
    if change.kind == ChangeKind.MODE:
        return messages.mode_word(value, lang)
    if change.kind == ChangeKind.PIN:
        return str(value)
    return ""


def change_dates(change: Change, lang: str) -> str:
    """The days a change holds: one date, ``from … on`` (for good), or ``first – last``."""
    start = format_date(change.start, lang)
    if change.end is None:
        return label("change_from", lang, date=start)
    if change.end == change.start:
        return start
    return f"{start} – {format_date(change.end, lang)}"


def format_distance(metres: float, lang: str) -> str:
    """A distance: under 1 km in whole metres (``"850 m"``), else km to 0.1 (``"3.2 km"``)."""
    zh = check_lang(lang) == "zh"
    if metres < 1000:
        value = f"{round(metres)}"
        return f"{value}米" if zh else f"{value} m"
    value = f"{metres / 1000:.1f}"
    return f"{value}公里" if zh else f"{value} km"


def format_duration(seconds: float, lang: str) -> str:
    """A duration to the nearest minute: zh ``"1小时5分钟"``, en ``"1 h 5 min"``."""
    zh = check_lang(lang) == "zh"
    hours, minutes = divmod(round(seconds / 60), 60)
    if zh:
        return f"{hours}小时{minutes}分钟" if hours else f"{minutes}分钟"
    return f"{hours} h {minutes} min" if hours else f"{minutes} min"


def html_language(lang: str) -> str:
    """The value of an HTML ``lang`` attribute: ``"zh-CN"`` or ``"en"``."""
    return "zh-CN" if check_lang(lang) == "zh" else "en"


def _text(value: object, lang: str) -> object:
    """A message or an issue in ``lang``; anything else as it is."""
    if isinstance(value, Message):
        return messages.render(value, lang)
    if isinstance(value, Issue):
        return value.text(lang)
    return value


@cache
def html_environment(lang: str) -> jinja2.Environment:
    """The Jinja2 environment of the day pack's HTML pages, in ``lang``.

    Templates live in ``mealroute/render/_templates``. Autoescaping is on for every
    template, so text from spreadsheets cannot become markup, and an undefined
    variable raises. Templates call ``t("key", n=...)`` for labels and use the
    filters ``time``, ``window``, ``date``, ``care``, ``diet``, ``mode``,
    ``distance``, ``duration``, ``meals``, ``msg`` (a message or an issue in the
    language), ``advice`` (an advice with what it serves) and ``phones`` (a cell's
    numbers with their ``tel:`` links).
    """
    check_lang(lang)
    environment = jinja2.Environment(
        loader=jinja2.PackageLoader("mealroute.render", "_templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    environment.globals.update(
        t=partial(label, lang=lang),
        lang=lang,
        html_lang=html_language(lang),
        change_word=change_word,
    )
    environment.filters.update(
        msg=partial(_text, lang=lang),
        advice=partial(advice_text, lang=lang),
        phones=phones,
        time=clock.format_clock,
        window=format_window,
        date=partial(format_date, lang=lang),
        stamp=partial(plan_stamp, lang=lang),
        moment=partial(format_moment, lang=lang),
        care=partial(messages.care_word, lang=lang),
        diet=partial(diet_label, lang=lang),
        mode=partial(messages.mode_word, lang=lang),
        distance=partial(format_distance, lang=lang),
        duration=partial(format_duration, lang=lang),
        meals=partial(format_meals, lang=lang),
        change_value=partial(change_value, lang=lang),
        change_dates=partial(change_dates, lang=lang),
    )
    return environment


def worker_label(route: Route) -> str:
    """A worker as lists name them: ``W1 李娜``; the id alone when it is the name."""
    if not route.name or route.name == route.worker_id:
        return route.worker_id
    return f"{route.worker_id} {route.name}"
