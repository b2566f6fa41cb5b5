"""``--redact``: a plan whose maps and sheets may be forwarded.

A route map is often passed on (to a stand-in worker, a volunteer, a WeChat group).
:func:`redact_plan` keeps what is needed to bring a meal to the right door and
removes what is not:

- client names become surname and initial (:func:`redact_name`);
- client phone numbers and notes are dropped (notes often hold health details; a
  stand-in calls the station, whose phone stays, not the client);
- the plan's warnings are dropped (they quote spreadsheet values verbatim);
- addresses, coordinates, meals, diet, care level and windows stay: the door,
  floor and room cannot be found from the marker alone, the diet decides which box
  is handed over, and the care level tells the worker to go in and help;
- client IDs stay (they let the coordinator match a report back to the list), and
  so do workers' and stations' names and phones (staff, not clients).
"""

from __future__ import annotations

import dataclasses
import re

from ..model import Plan, Route, StationPlan, Stop, Trip, Unserved

#: Two-character Chinese surnames (复姓) in use today.
# fmt: off
COMPOUND_SURNAMES = frozenset(
    (
        "欧阳", "司马", "诸葛", "上官", "东方", "皇甫", "尉迟", "公孙", "慕容", "长孙",
        "宇文", "司徒", "夏侯", "轩辕", "令狐", "钟离", "闻人", "澹台", "申屠", "太史",
        "端木", "独孤", "南宫", "西门", "百里", "呼延", "万俟", "拓跋", "东郭", "第五",
        "司空", "濮阳", "淳于", "赫连", "羊舌", "微生", "左丘", "谷梁", "公冶", "公良",
        "乐正", "壤驷", "漆雕", "巫马", "亓官", "司寇", "仉督", "子车", "颛孙", "段干",
        "鲜于", "闾丘", "公羊", "歐陽", "司馬", "諸葛", "長孫", "鍾離", "東方", "東郭",
        "軒轅", "聞人", "萬俟",
    )
)
# fmt: on

_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f]")
_CJK_RUN = re.compile(
    r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f]"
    r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f·•・]*"
)
_NAME_DOTS = re.compile(r"[·•・]")
_SOMEONE = "某"


def _chinese_surname(given_run: str) -> str:
    if len(given_run) >= 3 and given_run[:2] in COMPOUND_SURNAMES:
        return given_run[:2]
    return given_run[0]


def _initial(word: str) -> str:
    for char in word:
        if char.isalnum():
            upper = char.upper()
            return upper if len(upper) == 1 else char  # "ß".upper() is "SS"
    return ""


def redact_name(name: str) -> str:
    """A client's name reduced to surname and initial.

    - Chinese names keep the surname and replace the given name with 某, as Chinese
      notices and judgments do: 王建国 → 王某, 欧阳秀英 → 欧阳某 (two-character
      surnames from :data:`COMPOUND_SURNAMES`, when the name has at least three
      characters), 王 → 王某. Only the first run of Chinese characters counts, so
      王建国（老伴） and ``"Dr. 王建国"`` are both 王某.
    - Names joined by a middle dot (买买提·艾力, transliterated minority names) keep
      the last part and the initial of the first: 买·艾力.
    - Other names keep the surname and the initial of the first given name:
      ``"Alice Mary Smith"`` → ``"A. Smith"``. The surname is the last word, or the
      part before a comma (``"Smith, Alice"``), or the one word in capitals
      (``"WANG Jianguo"`` → ``"J. WANG"``, the passport way of writing pinyin names
      family-first). A single word keeps only its initial: ``"Alice"`` → ``"A."``.

    Redacting twice gives the same result as redacting once.
    """
    text = name.strip()
    if not text:
        return ""
    if _CJK.search(text):
        run = _CJK_RUN.search(text)
        assert run is not None
        parts = [part for part in _NAME_DOTS.split(run.group()) if part]
        if len(parts) > 1:
            return f"{parts[0][0]}·{parts[-1]}"
        return _chinese_surname(parts[0]) + _SOMEONE
    words = text.split()
    capitals = [word for word in words if len(word) > 1 and word.isalpha() and word.isupper()]
    if "," in text:
        before, _, after = text.partition(",")
        surname = before.split()[-1] if before.split() else ""
        words = after.split()
    elif len(capitals) == 1 and len(words) > 1:
        surname = capitals[0]
        words.remove(surname)
    else:
        *words, surname = words
    initial = _initial(words[0]) if words else ""
    if surname and initial:
        return f"{initial}. {surname}"
    initial = initial or _initial(surname)
    return f"{initial}." if initial else ""


def _redact_stop(stop: Stop) -> Stop:
    return dataclasses.replace(stop, name=redact_name(stop.name), phone="", notes="")


def _redact_trip(trip: Trip) -> Trip:
    return dataclasses.replace(trip, stops=tuple(_redact_stop(stop) for stop in trip.stops))


def _redact_route(route: Route) -> Route:
    return dataclasses.replace(route, trips=tuple(_redact_trip(trip) for trip in route.trips))


def _redact_unserved(client: Unserved) -> Unserved:
    return dataclasses.replace(client, name=redact_name(client.name), phone="")


def _redact_station(station: StationPlan) -> StationPlan:
    continuity = station.continuity
    if continuity is not None:
        continuity = dataclasses.replace(
            continuity,
            changed=tuple(
                dataclasses.replace(face, name=redact_name(face.name))
                for face in continuity.changed
            ),
        )
    return dataclasses.replace(
        station,
        continuity=continuity,
        routes=tuple(_redact_route(route) for route in station.routes),
        unserved=tuple(_redact_unserved(client) for client in station.unserved),
    )


def redact_plan(plan: Plan) -> Plan:
    """A copy of ``plan`` fit to forward: see the module docstring for what is kept.

    Client names become surname and initial (:func:`redact_name`); client phone
    numbers, client notes and the plan's warnings are removed. The plan's routes,
    times, addresses and coordinates are unchanged, so maps and sheets drawn from
    it show the same day.
    """
    revision = plan.revision
    if revision is not None:
        revision = dataclasses.replace(
            revision,
            workers=tuple(
                dataclasses.replace(
                    worker,
                    stops=tuple(
                        dataclasses.replace(stop, name=redact_name(stop.name))
                        for stop in worker.stops
                    ),
                )
                for worker in revision.workers
            ),
        )
    return dataclasses.replace(
        plan,
        stations=tuple(_redact_station(station) for station in plan.stations),
        warnings=(),
        revision=revision,
    )
