"""Why a client is unserved, why a station could not be planned, and what would
serve the unserved.

Codes are stable: plan.json keeps them, and tools may read them. Times are ``HH:MM``
text, ``window`` and ``shift`` are ``HH:MM–HH:MM``, ``mode`` and ``old_mode`` travel
modes, ``skills`` a list.
"""

from __future__ import annotations

from ..model import Message

MESSAGES: dict[str, dict[str, str]] = {
    # -- a client no worker could serve even alone (most specific first)
    "skill_missing": {
        "en": "no worker with skill {skills}",
        "zh": "没有具备“{skills}”技能的送餐员",
    },
    "skills_not_together": {
        "en": "no worker with all of the skills {skills}",
        "zh": "没有同时具备{skills}技能的送餐员",
    },
    # -- why a client has another worker than their usual one today
    "usual_away": {
        "en": "{worker} is not at work today",
        "zh": "{worker}今天不上班",
    },
    "usual_cannot": {
        "en": "{worker} cannot bring it today: {reason}",
        "zh": "{worker}今天送不到：{reason}",
    },
    "usual_pinned": {
        "en": "pinned to {worker} today (changes table)",
        "zh": "变动表指定今天由{worker}送",
    },
    "usual_busy": {
        "en": "{worker}'s day is full: keeping them would leave someone without lunch or "
        "cost more than {minutes} minutes of travel",
        "zh": "{worker}今天排不开：保持原送餐员会让别人吃不上饭，或多走{minutes}分钟以上的路",
    },
    "pinned_worker_away": {
        "en": "pinned to worker {worker} (changes table), who is not at work today",
        "zh": "变动表指定由送餐员{worker}送餐，但{worker}今天不上班",
    },
    "pinned_worker_cannot": {
        "en": "pinned to worker {worker} (changes table), who cannot bring it: {reason}",
        "zh": "变动表指定由送餐员{worker}送餐，但{worker}送不到：{reason}",
    },
    "too_many_meals": {
        "en": "needs {meals} meals; a trip carries at most {capacity}",
        "zh": "需要{meals}份餐，一趟最多只能带{capacity}份",
    },
    "off_road": {
        "en": "the door is {metres} m from the nearest road this worker can use (at most "
        "{limit} m is trusted); check the coordinates, or raise travel.snap_m",
        "zh": "住址离最近的可通行道路有{metres}米（超过{limit}米不再自动吸附到道路）；"
        "请核对坐标，或调大 travel.snap_m",
    },
    "station_off_road": {
        "en": "the station is {metres} m from the nearest road this worker can use (at most "
        "{limit} m is trusted); check the station's coordinates",
        "zh": "站点离最近的可通行道路有{metres}米（超过{limit}米不再自动吸附到道路）；"
        "请核对站点坐标",
    },
    "no_road_route": {
        "en": "no road connects the station and this address for {mode} in the road network",
        "zh": "道路网络中没有从站点到这个地址的{mode}路线",
    },
    "too_far": {
        "en": "{minutes} min from the station ({mode}); meals must be served within "
        "{limit} min of leaving",
        "zh": "从站点出发（{mode}）需要{minutes}分钟，超过出发后{limit}分钟内送达的食品安全要求",
    },
    "window_after_food_limit": {
        "en": "window {window} starts after the food-safety limit {limit} "
        "(meals ready {ready} + {after} min)",
        "zh": "送餐时段{window}晚于食品安全时限{limit}（出餐{ready}后{after}分钟内须送达）",
    },
    "window_unreachable": {
        "en": "window {window} cannot be reached: earliest arrival {earliest}",
        "zh": "送餐时段{window}赶不上：最早{earliest}才能到达",
    },
    "window_unreachable_food": {
        "en": "window {window} (food-safety limit {limit}) cannot be reached: "
        "earliest arrival {earliest}",
        "zh": "送餐时段{window}（食品安全时限{limit}）赶不上：最早{earliest}才能到达",
    },
    "back_after_shift": {
        "en": "cannot be back at the station by shift end {shift_end} (earliest back {back})",
        "zh": "无法在下班时间{shift_end}前回到站点（最早{back}返回）",
    },
    # -- the station as a whole
    "ran_out": {
        "en": "the station's worker time or capacity ran out",
        "zh": "本站送餐员的时间或运力不够，未能安排",
    },
    "no_workers": {
        "en": "station {station} has no workers",
        "zh": "站点{station}没有送餐员",
    },
    "station_failed": {
        "en": "station could not be planned: {error}",
        "zh": "站点无法规划：{error}",
    },
    "station_missing": {
        "en": "station {station} is not in the stations table (or its row is invalid)",
        "zh": "站点表中没有站点{station}（或该行有错误）",
    },
    "no_station_named": {
        "en": "these client rows name no station; fill in their station column",
        "zh": "这些服务对象的行没有填写所属站点，请补填站点",
    },
    "row_rejected": {
        "en": "{file}, row {row}: {problems}",
        "zh": "{file} 第{row}行：{problems}",
    },
    # -- what would serve the clients a station left unserved (mealroute/advice.py).
    # Each code says one change; its params also hold what a re-plan with it found:
    # ``serves`` of the ``of`` unserved, ``disabled`` of them disabled, ``clients``
    # their ids. ``advice_said`` puts a change and its outcome into one sentence.
    "advice_extra_worker": {
        "en": "one more worker ({mode}, {shift}, {capacity} meals a trip)",
        "zh": "增加一名送餐员（{mode}，{shift}，每趟{capacity}份）",
    },
    "advice_extra_skilled_worker": {
        "en": "one more worker with skill {skills} ({mode}, {shift}, {capacity} meals a trip)",
        "zh": "增加一名具备“{skills}”技能的送餐员（{mode}，{shift}，每趟{capacity}份）",
    },
    "advice_meals_earlier": {
        "en": "meals ready at {ready} instead of {was}",
        "zh": "出餐时间由{was}提前到{ready}",
    },
    "advice_faster_mode": {
        "en": "{worker} goes by {mode} instead of {old_mode}",
        "zh": "{worker}改用{mode}（原为{old_mode}）",
    },
    "advice_longer_shift": {
        "en": "{worker} works {shift} instead of {was} ({minutes} min longer)",
        "zh": "{worker}的班次由{was}改为{shift}（多{minutes}分钟）",
    },
    "advice_more_capacity": {
        "en": "{worker} carries {capacity} meals a trip instead of {was}",
        "zh": "{worker}每趟带餐由{was}份增加到{capacity}份",
    },
    "advice_outcome": {
        "en": "serves {serves} of the {of} unserved",
        "zh": "未安排的{of}位中可送到{serves}位",
    },
    "advice_outcome_disabled": {
        "en": "serves {serves} of the {of} unserved, {disabled} of them disabled",
        "zh": "未安排的{of}位中可送到{serves}位，其中失能{disabled}位",
    },
    "advice_said": {"en": "{change}: {outcome}", "zh": "{change}：{outcome}"},
    # -- why a station failed
    "solver_error": {
        "en": "the routing solver failed ({detail})",
        "zh": "路线求解出错（{detail}）",
    },
    "rule_broken": {
        "en": "the solver's plan breaks a rule ({detail}); no routes were written",
        "zh": "求解结果违反规则（{detail}），未生成路线",
    },
    "internal_error": {
        "en": "internal error {kind}: {detail}",
        "zh": "程序内部错误 {kind}：{detail}",
    },
    "cluster_lost": {
        "en": "the cluster lost the workers planning this station too often ({detail})",
        "zh": "集群中规划本站点的计算节点多次失联（{detail}）",
    },
    "cluster_task_failed": {
        "en": "the cluster could not plan this station ({detail})",
        "zh": "集群未能规划本站点（{detail}）",
    },
    "cluster_unreachable": {
        "en": "the Dask scheduler at {address} cannot be reached ({detail})",
        "zh": "无法连接 Dask 调度器 {address}（{detail}）",
    },
    "cluster_not_installed": {
        "en": "planning on a cluster needs Dask distributed: pip install '{requirement}'",
        "zh": "在集群上规划需要安装 Dask distributed：pip install '{requirement}'",
    },
    "process_died": {
        "en": "the planning process stopped unexpectedly ({how}); the other stations were planned",
        "zh": "规划进程意外终止（{how}），其他站点已正常规划",
    },
}


def advice_text(advice: Message, lang: str) -> str:
    """An advice in words: the change, then how many of the unserved it serves.

    ``advice_extra_worker{mode=ebike, shift=10:30–12:45, capacity=4, serves=5, of=5,
    disabled=2}`` is en "one more worker (e-bike, 10:30–12:45, 4 meals a trip): serves
    5 of the 5 unserved, 2 of them disabled", zh "增加一名送餐员（电动车，10:30–12:45，
    每趟4份）：未安排的5位中可送到5位，其中失能2位".
    """
    from . import render

    params = advice.params
    counts = {key: params[key] for key in ("serves", "of", "disabled")}
    outcome = "advice_outcome_disabled" if counts["disabled"] else "advice_outcome"
    said = Message("advice_said", {"change": advice, "outcome": Message(outcome, counts)})
    return render(said, lang)
