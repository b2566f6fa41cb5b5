"""The input format: which columns each table has and the names they may go by.

This is the alias table the README documents (``mealroute validate`` and the
loaders use it; nothing else should spell a column name). Header matching ignores
case, surrounding spaces, a UTF-8 BOM and a bracketed unit, so ``服务时长（分钟）``
and ``Service_Min`` both mean ``service_min``.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..model import CareLevel, ChangeKind, Mode


@dataclass(frozen=True)
class Column:
    name: str
    required: bool
    aliases: tuple[str, ...]
    help: str
    # Headers taken for this column only when none of its names is there, with a
    # warning: a list keyed by 序号 uses it as its ids.
    fallbacks: tuple[str, ...] = ()
    # Required, except when it can be inferred: a single-station folder needs no
    # station column in workers and clients.
    inferable: bool = False
    # With neither this column nor a fallback, the values of this other column are
    # the ids (a station or a worker is named uniquely by its name), with a warning.
    same_as: str | None = None


@dataclass(frozen=True)
class Table:
    name: str  # stations, workers, clients: the file stem and the sheet name
    aliases: tuple[str, ...]  # other sheet / file names
    columns: tuple[Column, ...]
    # How a sheet or file with another name is recognised as this table: its header
    # has, for each group, at least one of the group's columns.
    signature: tuple[tuple[str, ...], ...] = ()
    # Columns whose cells say who a row is: a row with none of them that holds only
    # numbers or a total (合计) is a footer, not a record.
    identifying: tuple[str, ...] = ()
    # A table a data folder may leave out (the changes): no error when it is missing.
    optional: bool = False

    @property
    def required(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns if c.required)

    def column(self, name: str) -> Column:
        """The column called ``name`` (KeyError when the table has none)."""
        for column in self.columns:
            if column.name == name:
                return column
        raise KeyError(name)


_PHONE = ("电话", "联系电话", "手机", "手机号", "tel", "mobile")
# A serial-number column: the ids of a list that has no other id column.
_SERIAL = ("序号", "no.", "no")

STATIONS = Table(
    "stations",
    ("站点", "站点表", "社工站"),
    (
        Column(
            "station_id",
            True,
            ("站点编号", "站点id", "站点代码", "编号", "id"),
            "unique id",
            fallbacks=_SERIAL,
            same_as="name",
        ),
        Column("name", True, ("站点名称", "名称", "站点", "站名"), "station name"),
        Column("lat", True, ("纬度", "latitude"), "latitude, degrees (WGS-84 unless declared)"),
        Column(
            "lon",
            True,
            ("经度", "longitude", "lng", "long"),
            "longitude, degrees (WGS-84 unless declared)",
        ),
        Column("address", False, ("地址", "站点地址"), "street address"),
        Column("meals_ready", False, ("出餐时间", "备餐完成时间"), "HH:MM lunch is boxed"),
        Column("phone", False, _PHONE, "phone number"),
    ),
    signature=(("station_id", "name"), ("lat",), ("lon",)),
    identifying=("name", "lat", "lon", "address", "phone"),
)

WORKERS = Table(
    "workers",
    ("社工", "社工表", "送餐员"),
    (
        Column(
            "worker_id",
            True,
            ("社工编号", "工号", "员工编号", "编号", "id"),
            "unique id",
            fallbacks=_SERIAL,
            same_as="name",
        ),
        Column("name", True, ("姓名", "社工姓名", "名字"), "name"),
        Column(
            "station_id",
            True,
            ("所属站点", "站点编号"),
            "a station_id of stations",
            inferable=True,
        ),
        Column("mode", True, ("出行方式", "交通方式", "交通工具"), "walk, bike, ebike or car"),
        Column("capacity", True, ("载餐量", "每趟份数", "最大份数"), "meals one trip can carry"),
        Column("shift_start", True, ("上班时间",), "HH:MM"),
        Column("shift_end", True, ("下班时间",), "HH:MM"),
        Column(
            "skills", False, ("技能", "技能标签", "skill"), "';'-separated, e.g. female;wheelchair"
        ),
        Column("phone", False, _PHONE, "phone number"),
    ),
    signature=(("mode",), ("capacity",)),
    identifying=("name", "phone"),
)

CLIENTS = Table(
    "clients",
    ("客户", "老人", "客户表", "服务对象"),
    (
        Column(
            "client_id",
            True,
            ("客户编号", "老人编号", "编号", "id"),
            "unique id",
            fallbacks=_SERIAL,
        ),
        Column("name", True, ("姓名", "老人姓名", "客户姓名"), "name"),
        Column(
            "station_id",
            True,
            ("所属站点", "站点编号"),
            "a station_id of stations",
            inferable=True,
        ),
        Column("lat", True, ("纬度", "latitude"), "latitude, degrees (WGS-84 unless declared)"),
        Column(
            "lon",
            True,
            ("经度", "longitude", "lng", "long"),
            "longitude, degrees (WGS-84 unless declared)",
        ),
        Column(
            "care_level",
            True,
            ("失能等级", "护理等级", "失能程度", "照护等级"),
            "disabled, semi-disabled or other",
        ),
        Column("window_start", False, ("送餐时间起", "最早送达", "最早送餐时间"), "HH:MM"),
        Column("window_end", False, ("送餐时间止", "最晚送达", "最晚送餐时间"), "HH:MM"),
        Column("meals", False, ("份数", "餐数", "数量"), "whole number, default 1"),
        Column(
            "diet",
            False,
            ("饮食", "饮食要求", "饮食禁忌", "餐型"),
            "regular, soft, low-salt, diabetic, halal",
        ),
        Column("service_min", False, ("服务时长", "service_minutes"), "minutes at the door"),
        Column("skills", False, ("技能要求", "所需技能", "skill"), "skills the worker must have"),
        Column(
            "days", False, ("服务日", "送餐日", "配送日"), "daily, weekdays or e.g. mon,wed,fri"
        ),
        Column("address", False, ("地址", "住址", "家庭住址", "详细地址"), "street address"),
        Column("phone", False, _PHONE, "phone number"),
        Column("notes", False, ("备注", "说明"), "free text for the worker"),
        Column(
            "usual_worker",
            False,
            ("常用送餐员", "固定送餐员", "熟悉的送餐员", "usual worker"),
            "the worker_id the client is used to (default: from the earlier plans)",
        ),
    ),
    signature=(("care_level",), ("address", "lat", "lon")),
    identifying=("name", "lat", "lon", "address", "phone"),
)

CHANGES = Table(
    "changes",
    ("变动", "变动表", "变更", "调整", "请假停餐"),
    (
        Column(
            "kind",
            True,
            ("类型", "变动类型", "变更类型", "事项", "type"),
            "pause, new, once, window, meals, diet, pin, absent, late, early, mode, meals_ready",
        ),
        Column(
            "subject",
            True,
            ("对象编号", "编号", "客户编号", "社工编号", "站点编号", "对象", "id"),
            "the client_id, worker_id or station_id it is about",
        ),
        Column("start", True, ("开始日期", "日期", "起始日期", "date", "from"), "YYYY-MM-DD"),
        Column(
            "end",
            False,
            ("结束日期", "截止日期", "至", "to", "until"),
            "YYYY-MM-DD, the last day; empty: the start day only (new: for good)",
        ),
        Column("window_start", False, ("送餐时间起", "最早送达"), "HH:MM (window)"),
        Column("window_end", False, ("送餐时间止", "最晚送达"), "HH:MM (window)"),
        Column("meals", False, ("份数", "餐数"), "whole number (meals)"),
        Column("diet", False, ("饮食", "饮食要求", "餐型"), "as in clients (diet)"),
        Column(
            "time",
            False,
            ("时间", "新时间", "上班时间", "下班时间", "出餐时间"),
            "HH:MM (late: starts at, early: leaves at, meals_ready: ready at)",
        ),
        Column("mode", False, ("出行方式", "交通方式"), "walk, bike, ebike or car (mode)"),
        Column("worker", False, ("送餐员", "社工", "工号", "worker_id"), "a worker_id (pin)"),
        Column("note", False, ("原因", "备注", "说明", "reason"), "why, for the coordinator"),
    ),
    signature=(("kind",), ("subject",), ("start",)),
    identifying=("kind", "subject"),
    optional=True,
)

TABLES = (STATIONS, WORKERS, CLIENTS, CHANGES)
# When a sheet looks like more than one table, the first of these wins: a clients
# sheet also has a name and coordinates, as a stations sheet does.
RECOGNITION_ORDER = (CLIENTS, WORKERS, STATIONS, CHANGES)

# Columns coordinators keep for people that mealroute does not read. They are
# listed once as information, not warned about every night.
KEPT_FOR_PEOPLE = (
    "序号",
    "性别",
    "年龄",
    "出生日期",
    "出生年月",
    "身份证号",
    "身份证号码",
    "民族",
    "户籍",
    "社区",
    "所属社区",
    "紧急联系人",
    "家属电话",
    "家属联系电话",
    "监护人",
    "监护人电话",
    "sex",
    "gender",
    "age",
)

# ----------------------------------------------------------------- value aliases
CHANGE_KINDS: dict[str, ChangeKind] = {
    "pause": ChangeKind.PAUSE,
    "暂停": ChangeKind.PAUSE,
    "停餐": ChangeKind.PAUSE,
    "住院": ChangeKind.PAUSE,
    "取消": ChangeKind.PAUSE,
    "cancel": ChangeKind.PAUSE,
    "new": ChangeKind.NEW,
    "新增": ChangeKind.NEW,
    "新客户": ChangeKind.NEW,
    "开始送餐": ChangeKind.NEW,
    "once": ChangeKind.ONCE,
    "加送": ChangeKind.ONCE,
    "临时加送": ChangeKind.ONCE,
    "额外送餐": ChangeKind.ONCE,
    "window": ChangeKind.WINDOW,
    "改时间": ChangeKind.WINDOW,
    "改送餐时间": ChangeKind.WINDOW,
    "meals": ChangeKind.MEALS,
    "改份数": ChangeKind.MEALS,
    "diet": ChangeKind.DIET,
    "改饮食": ChangeKind.DIET,
    "改餐型": ChangeKind.DIET,
    "absent": ChangeKind.ABSENT,
    "请假": ChangeKind.ABSENT,
    "缺勤": ChangeKind.ABSENT,
    "病假": ChangeKind.ABSENT,
    "休假": ChangeKind.ABSENT,
    "late": ChangeKind.LATE,
    "迟到": ChangeKind.LATE,
    "晚到": ChangeKind.LATE,
    "early": ChangeKind.EARLY,
    "早退": ChangeKind.EARLY,
    "提前下班": ChangeKind.EARLY,
    "mode": ChangeKind.MODE,
    "改出行方式": ChangeKind.MODE,
    "换交通工具": ChangeKind.MODE,
    "pin": ChangeKind.PIN,
    "指定送餐员": ChangeKind.PIN,
    "指定": ChangeKind.PIN,
    "固定送餐员": ChangeKind.PIN,
    "meals_ready": ChangeKind.MEALS_READY,
    "meals ready": ChangeKind.MEALS_READY,
    "改出餐时间": ChangeKind.MEALS_READY,
    "出餐推迟": ChangeKind.MEALS_READY,
    "出餐时间": ChangeKind.MEALS_READY,
}

CARE_LEVELS: dict[str, CareLevel] = {
    "disabled": CareLevel.DISABLED,
    "失能": CareLevel.DISABLED,
    "完全失能": CareLevel.DISABLED,
    "重度失能": CareLevel.DISABLED,
    "semi-disabled": CareLevel.SEMI_DISABLED,
    "semi_disabled": CareLevel.SEMI_DISABLED,
    "semi": CareLevel.SEMI_DISABLED,
    "半失能": CareLevel.SEMI_DISABLED,
    "部分失能": CareLevel.SEMI_DISABLED,
    "other": CareLevel.OTHER,
    "其他": CareLevel.OTHER,
    "自理": CareLevel.OTHER,
    "能自理": CareLevel.OTHER,
    # The levels of the national assessment of elderly ability (老年人能力评估):
    "不能自理": CareLevel.DISABLED,
    "中度失能": CareLevel.SEMI_DISABLED,
    "轻度失能": CareLevel.SEMI_DISABLED,
    "半自理": CareLevel.SEMI_DISABLED,
    "能力完好": CareLevel.OTHER,
}

MODES: dict[str, Mode] = {
    "walk": Mode.WALK,
    "foot": Mode.WALK,
    "步行": Mode.WALK,
    "走路": Mode.WALK,
    "bike": Mode.BIKE,
    "bicycle": Mode.BIKE,
    "自行车": Mode.BIKE,
    "单车": Mode.BIKE,
    "骑车": Mode.BIKE,
    "ebike": Mode.EBIKE,
    "e-bike": Mode.EBIKE,
    "电动车": Mode.EBIKE,
    "电瓶车": Mode.EBIKE,
    "电动自行车": Mode.EBIKE,
    "电单车": Mode.EBIKE,
    "car": Mode.CAR,
    "汽车": Mode.CAR,
    "小汽车": Mode.CAR,
    "开车": Mode.CAR,
}

DIETS: dict[str, str] = {
    "regular": "regular",
    "普通": "regular",
    "普食": "regular",
    "普通餐": "regular",
    "normal": "regular",
    "soft": "soft",
    "软食": "soft",
    "软餐": "soft",
    "low-salt": "low-salt",
    "low_salt": "low-salt",
    "低盐": "low-salt",
    "低盐餐": "low-salt",
    "少盐": "low-salt",
    "diabetic": "diabetic",
    "糖尿病": "diabetic",
    "糖尿病餐": "diabetic",
    "低糖": "diabetic",
    "无糖": "diabetic",
    "halal": "halal",
    "清真": "halal",
    "清真餐": "halal",
}

SKILLS: dict[str, str] = {
    "female": "female",
    "女": "female",
    "女性": "female",
    "女社工": "female",
    "wheelchair": "wheelchair",
    "轮椅": "wheelchair",
}

# Weekday words -> 0 (Monday) .. 6 (Sunday); whole-week words -> sets.
WEEKDAY_WORDS: dict[str, int] = {
    **{w: i for i, w in enumerate(("mon", "tue", "wed", "thu", "fri", "sat", "sun"))},
    **{
        w: i
        for i, w in enumerate(
            ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
        )
    },
    **{f"周{c}": i for i, c in enumerate("一二三四五六日")},
    **{f"星期{c}": i for i, c in enumerate("一二三四五六日")},
    **{f"礼拜{c}": i for i, c in enumerate("一二三四五六日")},
    "周天": 6,
    "星期天": 6,
    "礼拜天": 6,
    "tues": 1,
    "thur": 3,
    "thurs": 3,
}
DAY_SETS: dict[str, frozenset[int]] = {
    "": frozenset(range(7)),
    "daily": frozenset(range(7)),
    "every day": frozenset(range(7)),
    "每天": frozenset(range(7)),
    "每日": frozenset(range(7)),
    "weekdays": frozenset(range(5)),
    "工作日": frozenset(range(5)),
    "weekends": frozenset({5, 6}),
    "周末": frozenset({5, 6}),
    "双休日": frozenset({5, 6}),
}
