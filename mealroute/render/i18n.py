"""Every word of the day pack in Chinese and English, and dates, times and amounts.

Pages, sheets and maps never hold literal UI text; they ask :func:`label` for it
(templates through :func:`html_environment`, which binds every formatter to a
language).
Both languages have exactly the same keys (a test checks this), and an unknown key
or language raises instead of showing a blank. Dates, times, distances and
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

from ..messages import diet_words_sorted, render
from ..model import CareLevel, Message, Mode

LANGS = ("zh", "en")

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
    "unserved_title": "未能安排送餐的服务对象",
    "unserved_help": "以下服务对象今天没有安排送餐，请另行联系或安排。",
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
    "no_stops": "今天没有送餐任务。",
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
    "unserved_title": "Clients with no delivery",
    "unserved_help": "These clients get no delivery today; please contact them or arrange one.",
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
    "no_stops": "No deliveries today.",
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
}

LABELS: Mapping[str, Mapping[str, str]] = {"zh": _ZH, "en": _EN}

_WEEKDAYS = {
    "zh": ("星期一", "星期二", "星期三", "星期四", "星期五", "星期六", "星期日"),
    "en": ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"),
}
_MONTHS_EN = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")

_CARE_LEVELS = {
    "zh": {CareLevel.DISABLED: "失能", CareLevel.SEMI_DISABLED: "半失能", CareLevel.OTHER: "其他"},
    "en": {
        CareLevel.DISABLED: "disabled",
        CareLevel.SEMI_DISABLED: "semi-disabled",
        CareLevel.OTHER: "other",
    },
}

_MODES = {
    "zh": {Mode.WALK: "步行", Mode.BIKE: "自行车", Mode.EBIKE: "电动车", Mode.CAR: "汽车"},
    "en": {Mode.WALK: "on foot", Mode.BIKE: "bicycle", Mode.EBIKE: "e-bike", Mode.CAR: "car"},
}

#: The diets every kitchen knows, in the order lists show them.
KNOWN_DIETS = ("regular", "soft", "low-salt", "diabetic", "halal")

_DIETS = {
    "zh": {
        "regular": "普通",
        "soft": "软食",
        "low-salt": "低盐",
        "diabetic": "糖尿病餐",
        "halal": "清真",
    },
    "en": {
        "regular": "regular",
        "soft": "soft",
        "low-salt": "low-salt",
        "diabetic": "diabetic",
        "halal": "halal",
    },
}

_NO_VALUE = "—"


def check_lang(lang: str) -> str:
    """Return ``lang`` if it is one of :data:`LANGS`; raise ``ValueError`` otherwise."""
    if lang not in LABELS:
        raise ValueError(f"`lang` must be one of {', '.join(LANGS)}, got {lang!r}")
    return lang


def label(key: str, lang: str, **values: object) -> str:
    """The text of ``key`` in ``lang``, with ``{placeholders}`` filled from ``values``.

    Parameters
    ----------
    key
        A label key such as ``"planned_arrival"``.
    lang
        ``"zh"`` or ``"en"``.
    **values
        Values for the label's placeholders, if it has any.

    Raises
    ------
    KeyError
        If ``key`` is not a label (a programming error: it fails loudly, never blank).
    ValueError
        If ``lang`` is not supported.
    """
    labels = LABELS[check_lang(lang)]
    try:
        text = labels[key]
    except KeyError:
        raise KeyError(f"no label {key!r} in language {lang!r}") from None
    return text.format(**values) if values else text


def format_time(seconds: int, lang: str) -> str:
    """A time of day as ``"11:05"`` (24-hour clock, the same in both languages).

    Seconds are dropped (rounded down), so a feasible arrival never shows after the
    end of its window. Times past midnight keep counting hours (``"24:10"``).
    """
    check_lang(lang)
    minutes = int(seconds) // 60
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def format_window(window: tuple[int, int], lang: str) -> str:
    """A delivery window as ``"11:00–12:30"``."""
    return f"{format_time(window[0], lang)}–{format_time(window[1], lang)}"


def format_date(date: dt.date, lang: str) -> str:
    """A date with its weekday: zh ``"2026年12月1日 星期二"``, en ``"Tue 1 Dec 2026"``."""
    weekday = _WEEKDAYS[check_lang(lang)][date.weekday()]
    if lang == "zh":
        return f"{date.year}年{date.month}月{date.day}日 {weekday}"
    return f"{weekday} {date.day} {_MONTHS_EN[date.month - 1]} {date.year}"


def care_level_label(level: CareLevel | str | None, lang: str) -> str:
    """The care level in words (zh 失能/半失能/其他); ``"—"`` when unknown."""
    check_lang(lang)
    if level is None or level == "":
        return _NO_VALUE
    try:
        return _CARE_LEVELS[lang][CareLevel(level)]
    except ValueError:
        return str(level)


def mode_label(mode: Mode | str, lang: str) -> str:
    """How a worker travels in words (zh 步行/自行车/电动车/汽车)."""
    check_lang(lang)
    try:
        return _MODES[lang][Mode(mode)]
    except ValueError:
        return str(mode)


def diet_words(diet: Iterable[str]) -> tuple[str, ...]:
    """The words of a diet in the kitchen's order; ``("regular",)`` when empty."""
    return tuple(diet_words_sorted(diet)) or ("regular",)


def diet_word_label(word: str, lang: str) -> str:
    """One diet word in ``lang``; an unknown word is returned as written."""
    check_lang(lang)
    return _DIETS[lang].get(word.strip().lower(), word.strip())


def diet_label(diet: Iterable[str], lang: str) -> str:
    """A diet in words: ``{"halal", "soft"}`` is zh ``"软食、清真"``, en ``"soft, halal"``."""
    separator = "、" if check_lang(lang) == "zh" else ", "
    return separator.join(diet_word_label(word, lang) for word in diet_words(diet))


def format_meals(count: int, lang: str) -> str:
    """A number of meals: zh ``"6份"``, en ``"1 meal"`` / ``"6 meals"``."""
    if check_lang(lang) == "zh":
        return f"{count}份"
    return f"{count} meal" if count == 1 else f"{count} meals"


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


def tel_uri(phone: str) -> str:
    """A ``tel:`` link for ``phone`` with only digits and a leading ``+``; ``""`` if none."""
    digits = "".join(ch for ch in phone if ch.isascii() and ch.isdigit())
    if not digits:
        return ""
    return "tel:" + ("+" if phone.strip().startswith("+") else "") + digits


def html_language(lang: str) -> str:
    """The value of an HTML ``lang`` attribute: ``"zh-CN"`` or ``"en"``."""
    return "zh-CN" if check_lang(lang) == "zh" else "en"


@cache
def html_environment(lang: str) -> jinja2.Environment:
    """The Jinja2 environment of the day pack's HTML pages, in ``lang``.

    Templates live in ``mealroute/render/_templates``. Autoescaping is on for every
    template, so text from spreadsheets cannot become markup, and an undefined
    variable raises. Templates call ``t("key", n=...)`` for labels and use the
    filters ``time``, ``window``, ``date``, ``care``, ``diet``, ``mode``,
    ``distance``, ``duration`` and ``meals``.
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
        t=partial(label, lang=lang), lang=lang, html_lang=html_language(lang)
    )
    environment.filters.update(
        msg=lambda message: render(message, lang) if isinstance(message, Message) else message,
        tel=tel_uri,
        time=partial(format_time, lang=lang),
        window=partial(format_window, lang=lang),
        date=partial(format_date, lang=lang),
        care=partial(care_level_label, lang=lang),
        diet=partial(diet_label, lang=lang),
        mode=partial(mode_label, lang=lang),
        distance=partial(format_distance, lang=lang),
        duration=partial(format_duration, lang=lang),
        meals=partial(format_meals, lang=lang),
    )
    return environment
