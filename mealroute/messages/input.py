"""What ``validate`` and ``plan`` find in the input files: the problems of a table,
a row or a cell, and what was done about them.

The location (file, row, column as the file spells it, the cell's value) is not in
these sentences: an :class:`~mealroute.model.Issue` carries it and
:func:`mealroute.messages.render_issue` puts it in front. A rejected client row's
reason names its file and row itself (``row_rejected`` in :mod:`.plan`).

Lists and quotes differ between the languages (``'a', 'b' and 'c'`` against
``“a”、“b”和“c”``), so they are messages too: build them with :func:`and_list`,
:func:`or_list`, :func:`quoted` and :func:`quoted_list`. Column and table names are
messages (:func:`column_word`, :func:`table_word`): English keeps the column's
name (``shift_end``), Chinese says it in words (下班时间).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from ..coords import Datum
from ..model import WEEKDAYS, Message
from ..read.columns import TABLES

# ---------------------------------------------------------------- building blocks


def quoted(text: object) -> Message:
    """``'text'`` in English, ``“text”`` in Chinese."""
    return Message("quoted", {"text": str(text)})


def _fold(items: Sequence[Any], last: str, limit: int | None) -> Any:
    items = list(items)
    total = len(items)
    if limit is not None and total > limit:
        items = [*items[:limit], Message("more", {"n": total})]
        last = "comma"
    if not items:
        return ""
    if len(items) == 1:
        return items[0]
    head: Any = items[0]
    for item in items[1:-1]:
        head = Message("comma", {"head": head, "last": item})
    return Message(last, {"head": head, "last": items[-1]})


def and_list(items: Sequence[Any], *, limit: int | None = None) -> Any:
    """``a, b and c`` / ``a、b和c``; at most ``limit`` items, then ``… (12 in all)``."""
    return _fold(items, "and", limit)


def or_list(items: Sequence[Any], *, limit: int | None = None) -> Any:
    """``a, b or c`` / ``a、b或c``."""
    return _fold(items, "or", limit)


def quoted_list(items: Sequence[object], *, limit: int | None = None) -> Any:
    """Each item quoted, in an :func:`and_list`."""
    return and_list([quoted(item) for item in items], limit=limit)


def choices(mapping: Mapping[str, Any]) -> Any:
    """The values of an alias table, each with its first Chinese word:
    ``walk (步行), bike (自行车), ebike (电动车) or car (汽车)``."""
    first: dict[str, str] = {}
    for word, value in mapping.items():
        name = str(value)
        first.setdefault(name, "")
        if not first[name] and not word.isascii():
            first[name] = word
    return or_list(
        [
            Message("choice", {"name": name, "word": word}) if word else name
            for name, word in first.items()
        ]
    )


def table_word(table: str) -> Message:
    """A table's name: en ``clients``, zh 服务对象表."""
    return Message(f"table_{table}")


def column_word(table: str, column: str) -> Message:
    """A column's name: en ``shift_end``, zh 下班时间."""
    return Message(f"column_{table}_{column}")


def change_word(kind: object) -> Message:
    """A kind of change: en ``pause``, zh 暂停."""
    return Message(f"change_{kind}")


def coordinate_word(column: str) -> Message:
    """``lat`` -> latitude (纬度), ``lon`` -> longitude (经度)."""
    return Message({"lat": "word_latitude", "lon": "word_longitude"}[column])


def datum_word(datum: Datum) -> Message:
    """A datum as a coordinator knows it: en ``GCJ-02 (AMap, Tencent)``, zh GCJ-02（高德、腾讯）."""
    return Message(f"datum_{datum.name.lower()}")


DATUM_NAME = {datum: datum_word(datum) for datum in Datum}


def weekday_word(day: int) -> Message:
    """0 -> en ``mon``, zh 周一."""
    return Message(f"weekday_{WEEKDAYS[day]}")


# A column in Chinese words, by table; the English is the column's own name.
_COLUMNS_ZH: dict[str, dict[str, str]] = {
    "stations": {
        "station_id": "站点编号",
        "name": "站点名称",
        "lat": "纬度",
        "lon": "经度",
        "address": "地址",
        "meals_ready": "出餐时间",
        "phone": "电话",
    },
    "workers": {
        "worker_id": "工号",
        "name": "姓名",
        "station_id": "所属站点",
        "mode": "出行方式",
        "capacity": "载餐量",
        "shift_start": "上班时间",
        "shift_end": "下班时间",
        "skills": "技能",
        "phone": "电话",
    },
    "clients": {
        "client_id": "服务对象编号",
        "name": "姓名",
        "station_id": "所属站点",
        "lat": "纬度",
        "lon": "经度",
        "care_level": "失能等级",
        "window_start": "最早送达时间",
        "window_end": "最晚送达时间",
        "meals": "份数",
        "diet": "饮食",
        "service_min": "服务时长",
        "skills": "所需技能",
        "days": "送餐日",
        "address": "地址",
        "phone": "电话",
        "notes": "备注",
        "usual_worker": "常用送餐员",
    },
    "changes": {
        "kind": "类型",
        "subject": "对象编号",
        "start": "开始日期",
        "end": "结束日期",
        "window_start": "送餐时间起",
        "window_end": "送餐时间止",
        "meals": "份数",
        "diet": "饮食",
        "time": "时间",
        "mode": "出行方式",
        "worker": "送餐员",
        "note": "原因",
    },
}
_TABLES_ZH = {
    "stations": "站点表",
    "workers": "送餐员表",
    "clients": "服务对象表",
    "changes": "变动表",
}
_CHANGES_ZH = {
    "pause": "暂停",
    "new": "新增",
    "once": "加送",
    "window": "改时间",
    "meals": "改份数",
    "diet": "改饮食",
    "absent": "请假",
    "late": "迟到",
    "early": "早退",
    "mode": "改出行方式",
    "meals_ready": "改出餐时间",
    "pin": "指定送餐员",
}
_WEEKDAYS_ZH = ("周一", "周二", "周三", "周四", "周五", "周六", "周日")

_WORDS: dict[str, dict[str, str]] = {
    **{
        f"column_{table.name}_{column.name}": {
            "en": column.name,
            "zh": _COLUMNS_ZH[table.name][column.name],
        }
        for table in TABLES
        for column in table.columns
    },
    **{f"table_{name}": {"en": name, "zh": zh} for name, zh in _TABLES_ZH.items()},
    **{
        f"weekday_{day}": {"en": day, "zh": zh}
        for day, zh in zip(WEEKDAYS, _WEEKDAYS_ZH, strict=True)
    },
    **{
        f"change_{kind}": {"en": str(kind).replace("_", " "), "zh": zh}
        for kind, zh in _CHANGES_ZH.items()
    },
    "datum_wgs84": {"en": "WGS-84 (GPS)", "zh": "WGS-84（GPS）"},
    "datum_gcj02": {"en": "GCJ-02 (AMap, Tencent)", "zh": "GCJ-02（高德、腾讯）"},
    "datum_bd09": {"en": "BD-09 (Baidu)", "zh": "BD-09（百度）"},
    "word_latitude": {"en": "latitude", "zh": "纬度"},
    "word_longitude": {"en": "longitude", "zh": "经度"},
    "quoted": {"en": "'{text}'", "zh": "“{text}”"},
    "and": {"en": "{head} and {last}", "zh": "{head}和{last}"},
    "or": {"en": "{head} or {last}", "zh": "{head}或{last}"},
    "comma": {"en": "{head}, {last}", "zh": "{head}、{last}"},
    "more": {"en": "… ({n} in all)", "zh": "…（共{n}个）"},
    "choice": {"en": "{name} ({word})", "zh": "{word}（{name}）"},
    "diet_words": {"en": "{diet}", "zh": "{diet}"},
}

# ------------------------------------------------------------------ the folder

_FOLDER: dict[str, dict[str, str]] = {
    "data_dir_missing": {"en": "data directory not found", "zh": "找不到数据文件夹"},
    "no_such_data": {"en": "no such folder or workbook", "zh": "找不到这个文件夹或工作簿"},
    "lock_file": {
        "en": "this is the lock file Excel keeps while a workbook is open; pass the workbook "
        "({workbook}) or its folder",
        "zh": "这是 Excel 打开工作簿时生成的临时锁定文件；请改用工作簿本身（{workbook}）"
        "或它所在的文件夹",
    },
    "one_text_file": {
        "en": "a CSV file holds only one table; pass the folder that holds the stations, "
        "workers and clients tables ({folder})",
        "zh": "一个 CSV 文件只有一张表；请改用存放站点表、送餐员表和服务对象表的文件夹（{folder}）",
    },
    "not_data": {
        "en": "pass a folder holding the stations, workers and clients tables (.csv or .xlsx), "
        "or one .xlsx workbook holding them as sheets",
        "zh": "请使用存放站点表、送餐员表和服务对象表（.csv 或 .xlsx）的文件夹，"
        "或一个把三张表作为工作表的 .xlsx 工作簿",
    },
    "usual_not_of_station": {
        "en": "{worker} is not a worker of station {station}; the usual worker is taken "
        "from the earlier plans instead",
        "zh": "{worker}不是站点{station}的送餐员；常用送餐员改为按以往的规划推断",
    },
    "not_a_table_file": {
        "en": "pass a .csv file or an .xlsx workbook holding the {table} table",
        "zh": "请使用存放{table}的 .csv 文件或 .xlsx 工作簿",
    },
    "table_missing": {
        "en": "no {table} table: expected {name}.csv or {name}.xlsx, or a sheet named {name} "
        "in a workbook (other accepted names: {aliases})",
        "zh": "没有{table}：应有 {name}.csv 或 {name}.xlsx，或工作簿中名为 {name} 的工作表"
        "（也可以叫：{aliases}）",
    },
    "table_missing_unused": {
        "en": "no {table} table: expected {name}.csv or {name}.xlsx, or a sheet named {name} "
        "in a workbook (other accepted names: {aliases}); files not used: {unused}",
        "zh": "没有{table}：应有 {name}.csv 或 {name}.xlsx，或工作簿中名为 {name} 的工作表"
        "（也可以叫：{aliases}）；未使用的文件：{unused}",
    },
    "table_twice": {
        "en": "two sources for the {table} table: {sources}; keep only one",
        "zh": "{table}有两个来源：{sources}；请只保留一个",
    },
    "table_ambiguous": {
        "en": "{sources} both look like the {table} table by their columns; name the one to "
        "plan {name} (or {alias}), or remove the other",
        "zh": "按列名判断，{sources}都像是{table}；请把要用的那个命名为 {name}（或{alias}），"
        "或删除另一个",
    },
    "table_only_hidden": {
        "en": "the only {table} table is the hidden sheet '{sheet}', and hidden sheets are "
        "not read; if it is the list to plan, unhide it (right-click a sheet tab, Unhide), "
        "else delete it",
        "zh": "唯一的{table}是隐藏的工作表“{sheet}”，隐藏的工作表不会读取；如果它就是要用的"
        "名单，请取消隐藏（右键点工作表标签，选“取消隐藏”），否则请删除它",
    },
    "table_only_very_hidden": {
        "en": "the only {table} table is the sheet '{sheet}', which is 'very hidden' (only "
        "Excel's VBA editor shows it), and hidden sheets are not read; copy the list to a "
        "visible sheet, or make it visible in the VBA editor (Alt+F11)",
        "zh": "唯一的{table}是工作表“{sheet}”，它被设为“深度隐藏”（只有 Excel 的 VBA 编辑器能"
        "看到），隐藏的工作表不会读取；请把名单复制到可见的工作表，或在 VBA 编辑器"
        "（Alt+F11）中把它设为可见",
    },
    "read_sheet_as": {
        "en": "sheet '{sheet}' is read as the {table} table",
        "zh": "工作表“{sheet}”作为{table}读取",
    },
    "read_by_columns": {
        "en": "read as the {table} table, recognised by its columns {headers}",
        "zh": "按列名（{headers}）识别为{table}并读取",
    },
    "also_looks_like": {
        "en": "looks like the {table} table too, but {used} is read as it; this one is not read",
        "zh": "看起来也像{table}，但读取的是{used}；这一份未读取",
    },
    "hidden_sheet_skipped": {
        "en": "the hidden sheet '{sheet}' looks like the {table} table and is not read; "
        "delete it if it is an old list",
        "zh": "隐藏的工作表“{sheet}”看起来像{table}，未读取；如果是旧名单，请删除它",
    },
    "very_hidden_sheet_skipped": {
        "en": "the 'very hidden' sheet '{sheet}' (only Excel's VBA editor shows it) looks like "
        "the {table} table and is not read; delete it if it is an old list",
        "zh": "“深度隐藏”的工作表“{sheet}”（只有 Excel 的 VBA 编辑器能看到）看起来像{table}，"
        "未读取；如果是旧名单，请删除它",
    },
    "hidden_sheets_not_read": {
        "en": "the hidden sheet {sheets} is not read|the hidden sheets {sheets} are not read",
        "zh": "隐藏的工作表{sheets}未读取",
    },
    "sheets_not_read": {
        "en": "sheet {sheets} is not read: it is not a stations, workers or clients table"
        "|sheets {sheets} are not read: they are not stations, workers or clients tables",
        "zh": "工作表{sheets}不是站点表、送餐员表或服务对象表，未读取",
    },
    "sheet_not_read": {
        "en": "sheet '{sheet}' is not read: {why}",
        "zh": "工作表“{sheet}”未读取：{why}",
    },
    "table_not_read": {
        "en": "the table cannot be read: {why}",
        "zh": "无法读取此表：{why}",
    },
}

# ------------------------------------------------------------------ files

_FILES: dict[str, dict[str, str]] = {
    "file_unreadable": {"en": "cannot read the file: {detail}", "zh": "无法读取文件：{detail}"},
    "file_too_big": {
        "en": "the file is {size} MB; a table file may be at most {limit} MB",
        "zh": "文件有 {size} MB，一个表格文件最大 {limit} MB",
    },
    "text_too_big": {
        "en": "the file has more than {rows} rows or more than {columns} columns, more than a "
        "table may have",
        "zh": "文件超过 {rows} 行或 {columns} 列，超出了一张表的上限",
    },
    "not_text": {
        "en": "cannot decode the file: it is neither UTF-8 nor GBK/GB18030 text (byte {byte} "
        "on line {line}); save it from Excel as 'CSV UTF-8 (comma delimited)'",
        "zh": "无法识别文件的编码：它既不是 UTF-8 也不是 GBK/GB18030 文本（第{line}行的字节 "
        "{byte}）；请在 Excel 中另存为“CSV UTF-8（逗号分隔）”",
    },
    "resave_spreadsheet": {
        "en": "{suffix} files cannot be read; open it and save it as an Excel workbook (.xlsx) "
        "or as CSV",
        "zh": "无法读取 {suffix} 文件；请打开它，另存为 Excel 工作簿（.xlsx）或 CSV",
    },
    "workbook_unreadable": {
        "en": "cannot read the workbook ({detail}); it is not an .xlsx file, or it is damaged "
        "or password-protected",
        "zh": "无法读取工作簿（{detail}）：它不是 .xlsx 文件，或已损坏，或设有密码",
    },
    "workbook_too_big": {
        "en": "the workbook is {size} MB; a workbook may be at most {limit} MB",
        "zh": "工作簿有 {size} MB，最大 {limit} MB",
    },
    "workbook_too_many_parts": {
        "en": "the workbook holds {parts} files inside, more than the {limit} a workbook may "
        "hold; it is damaged or not a normal workbook",
        "zh": "工作簿内部有 {parts} 个文件，超过上限 {limit} 个；它已损坏或不是普通的工作簿",
    },
    "workbook_unpacks_too_big": {
        "en": "the workbook unpacks to {size} MB, more than the {limit} MB allowed; it is "
        "damaged or not a normal workbook (copy the lists into a new workbook)",
        "zh": "工作簿解压后有 {size} MB，超过上限 {limit} MB；它已损坏或不是普通的工作簿"
        "（请把名单复制到一个新工作簿）",
    },
    "workbook_has_dtd": {
        "en": "the workbook's part {part} declares XML entities, which Excel never writes; "
        "it is not read",
        "zh": "工作簿的组成部分 {part} 声明了 XML 实体（Excel 从不这样写），不予读取",
    },
    "sheet_unreadable": {
        "en": "the sheet is damaged ({detail})",
        "zh": "工作表已损坏（{detail}）",
    },
    "sheet_too_far": {
        "en": "it has a value in cell {cell}, beyond the {rows} rows and {columns} columns "
        "(up to column {last}) that are read; delete what is in that cell (Ctrl+End goes to "
        "the last cell) and save",
        "zh": "单元格 {cell} 有内容，超出了读取范围（{rows} 行、{columns} 列，即到 {last} 列）；"
        "请删除该单元格的内容（Ctrl+End 可跳到最后一个单元格）后保存",
    },
    "sheet_too_many_cells": {
        "en": "it has more than {limit} cells with a value (merged ranges counted cell by "
        "cell), more than a table may have",
        "zh": "有内容的单元格超过 {limit} 个（合并单元格按格计算），超出了一张表的上限",
    },
}

# ------------------------------------------------------------------ a table

_TABLE: dict[str, dict[str, str]] = {
    "table_empty": {
        "en": "the table is empty; expected a header row with {columns}",
        "zh": "表格是空的；应有一行表头，包括 {columns}",
    },
    "no_rows": {
        "en": "there are no rows below the header (row {row}); at least one is needed",
        "zh": "表头（第{row}行）下面没有数据行；至少要有一行",
    },
    "header_below_title": {
        "en": "the header is row {row}; row {above} above it is not read"
        "|the header is row {row}; rows {above} above it are not read",
        "zh": "表头在第{row}行；上面的第{above}行不读取",
    },
    "column_missing": {
        "en": "missing required column {column} (also accepted: {aliases}); the header in "
        "row {row} has: {found}",
        "zh": "缺少必填列 {column}（也可以叫：{aliases}）；第{row}行的表头有：{found}",
    },
    "column_twice_required": {
        "en": "columns '{first}' and '{second}' both mean {column}; keep only one",
        "zh": "“{first}”和“{second}”两列都是{column}；请只保留一列",
    },
    "column_twice": {
        "en": "columns '{first}' and '{second}' both mean {column}; using '{first}' and "
        "ignoring '{second}'",
        "zh": "“{first}”和“{second}”两列都是{column}；使用“{first}”，忽略“{second}”",
    },
    "columns_unknown": {
        "en": "unknown columns are ignored: {columns}",
        "zh": "无法识别的列已忽略：{columns}",
    },
    "columns_for_people": {
        "en": "columns kept for people and not read by mealroute: {columns}",
        "zh": "以下列供工作人员查看，mealroute 不读取：{columns}",
    },
    "ids_from_serial": {
        "en": "there is no {column} column, so the numbers in column '{header}' are the ids; "
        "they must stay the same from day to day (plans and re-plans find rows by id), so do "
        "not renumber rows after deleting or sorting",
        "zh": "没有{column}列，使用“{header}”列的数字作为编号；编号必须每天保持不变（规划和"
        "重新规划按编号找到每一行），删除或排序后请不要重新编号",
    },
    "ids_from_names": {
        "en": "there is no {column} column, so each row's '{header}' is its id; give no two "
        "rows the same '{header}', and keep it the same from day to day",
        "zh": "没有{column}列，使用“{header}”作为编号；“{header}”不能重复，并请每天保持不变",
    },
    "values_without_header": {
        "en": "values in column {columns} have no header and are ignored"
        "|values in columns {columns} have no header and are ignored",
        "zh": "第{columns}列有内容但没有表头，已忽略",
    },
    "footer_skipped": {
        "en": "a total or footer row ('{word}'), not a record; skipped",
        "zh": "合计或表尾行（“{word}”），不是数据，已跳过",
    },
    "numbers_only_skipped": {
        "en": "row {rows} holds only numbers (a total, or a numbered empty row); skipped"
        "|rows {rows} hold only numbers (totals, or numbered empty rows); skipped",
        "zh": "第{rows}行只有数字（合计，或只填了序号的空行），已跳过",
    },
    "rows_span_lines": {
        "en": "row {rows} has a line break inside a quoted cell, so it takes several lines of "
        "the file|rows {rows} have line breaks inside quoted cells, so each takes several "
        "lines of the file",
        "zh": "第{rows}行的单元格内有换行，一行占了文件中的多行",
    },
    "station_inferred": {
        "en": "there is no station column; all {rows} belong to the only station, '{station}'",
        "zh": "没有站点列；这{rows}都属于唯一的站点“{station}”",
    },
    "station_column_missing": {
        "en": "missing required column station_id (also accepted: {aliases}); the header in "
        "row {row} has: {found}. It may be left out only when there is one station, and "
        "the stations table has {stations}",
        "zh": "缺少必填列 station_id（也可以叫：{aliases}）；第{row}行的表头有：{found}。只有"
        "一个站点时才可以不填，而站点表有 {stations} 个站点",
    },
    "no_stations_table_rows": {
        "en": "there is no usable stations table, so none of the {rows} can be used",
        "zh": "没有可用的站点表，这{rows}都无法使用",
    },
}

# ------------------------------------------------------------------ a row, a cell

_ROW: dict[str, dict[str, str]] = {
    "row_too_long": {
        "en": "the row has {n} more value than the header has columns; a value probably "
        "holds an unquoted delimiter|the row has {n} more values than the header has "
        "columns; a value probably holds an unquoted delimiter",
        "zh": "这一行比表头多 {n} 个值，可能某个值里有未加引号的分隔符",
    },
    "stray_quote": {
        "en": "a stray quote at the start of this cell is not closed on its line, so lines "
        "{first}–{last} of the file ran together into one value, up to row {end}; the quote "
        "was taken out and those lines read as their own rows. Remove the quote (or close "
        "it) and check this row",
        "zh": "此单元格开头的引号没有配对，使文件第{first}–{last}行连成了一个值（到第{end}行）；"
        "已去掉这个引号，这些行已各自读成一行。请删除或补全这个引号，并核对本行",
    },
    "stray_quote_in_row": {
        "en": "a stray quote at the start of this cell ran on over the next cells of the row, "
        "so they were out of place; the row was read again without it. Remove the quote (or "
        "close it) and check this row",
        "zh": "此单元格开头的引号没有配对，使本行后面的几个单元格错位；已去掉这个引号重新读取。"
        "请删除或补全这个引号，并核对本行",
    },
    "cell_too_long": {
        "en": "the cell has {length} characters; a cell may have at most {limit}",
        "zh": "单元格有 {length} 个字符，最多允许 {limit} 个",
    },
    "record_invalid": {"en": "{detail}", "zh": "数据不合规：{detail}"},
    "required_empty": {
        "en": "{column} is empty; every row needs one",
        "zh": "{column}为空；每一行都必须填写",
    },
    "duplicate_id": {
        "en": "duplicate {column} '{value}'; row {row} has it too",
        "zh": "{column}“{value}”重复；第{row}行也是这个编号",
    },
    "not_a_number": {"en": "{what} '{value}' is not a number", "zh": "{what}“{value}”不是数字"},
    "coordinate_empty": {
        "en": "{what} is empty; expected degrees (WGS-84 unless the header or input.datum "
        "says otherwise)",
        "zh": "{what}为空，应填写经纬度（度；除非表头或 input.datum 另有说明，按 WGS-84）",
    },
    "coordinate_empty_geocode": {
        "en": "{what} is empty but the row has an address: run `mealroute geocode` to look "
        "the address up",
        "zh": "{what}为空，但这一行有地址：运行 `mealroute geocode` 可按地址查出坐标",
    },
    "coordinates_geocoded": {
        "en": "{n} rows without coordinates take them from {file} (looked up by address)",
        "zh": "{n} 行没有经纬度，已按地址取自 {file}",
    },
    "datum_looks_other": {
        "en": "the coordinates of {n} rows lie a median {far} m from where their addresses "
        "are, read as {declared}; read as {other} they lie {near} m away. They look picked "
        "in {other}: say so with a header such as 经度(高德) or with input.datum",
        "zh": "按{declared}读取，{n} 行的经纬度距其地址的位置中位数为 {far} 米；若按{other}"
        "读取则只有 {near} 米。这些坐标像是用{other}取的点：请在表头注明（如“经度(高德)”）"
        "或设置 input.datum",
    },
    "geocoded_to_check": {
        "en": "the coordinates looked up for this address need a look: {check}",
        "zh": "按地址查出的坐标需要核对：{check}",
    },
    "lat_out_of_range": {
        "en": "latitude {value} is outside -90..90",
        "zh": "纬度 {value} 超出了 -90 到 90 的范围",
    },
    "lat_out_of_range_swapped": {
        "en": "latitude {value} is outside -90..90; latitude and longitude look swapped",
        "zh": "纬度 {value} 超出了 -90 到 90 的范围；经纬度可能填反了",
    },
    "lon_out_of_range": {
        "en": "longitude {value} is outside -180..180",
        "zh": "经度 {value} 超出了 -180 到 180 的范围",
    },
    "datum_headers_differ": {
        "en": "the coordinate headers {headers} name different datums ({datums}); rename "
        "them so both name the map the points were picked in",
        "zh": "经纬度的表头{headers}写的坐标系不一致（{datums}）；请改成取点所用地图的同一个坐标系",
    },
    "datum_converted": {
        "en": "coordinates read as {datum} ({why}) and converted to WGS-84",
        "zh": "经纬度按{datum}读取（{why}），已转换为 WGS-84",
    },
    "datum_from_header": {"en": "the header {header} says so", "zh": "表头“{header}”注明"},
    "datum_from_settings": {
        "en": "input.datum in mealroute.toml",
        "zh": "mealroute.toml 中的 input.datum",
    },
    "datum_header_over_settings": {
        "en": "the header {header} names {header_datum}, mealroute.toml's input.datum "
        "says {datum}; the header is followed",
        "zh": "表头“{header}”注明 {header_datum}，mealroute.toml 的 input.datum 为 "
        "{datum}；按表头读取",
    },
    "coordinates_zero": {
        "en": "latitude and longitude are both 0; the address was not geocoded",
        "zh": "经纬度都是 0：地址没有转换成坐标",
    },
    "time_empty": {
        "en": "{column} is empty; expected a time such as 11:30",
        "zh": "{column}为空，应填写时间，如 11:30",
    },
    "time_bad": {
        "en": "{column} '{value}' is not a time of day; expected HH:MM such as 11:30 "
        "(also 11:30:00 or 11点30)",
        "zh": "{column}“{value}”不是时间；应写成 11:30 这样的格式（也可以写 11:30:00 或 11点30）",
    },
    "time_out_of_range": {
        "en": "{column} '{value}' is not a time of day; hours 0-24, minutes 0-59",
        "zh": "{column}“{value}”不是有效的时间：小时为 0–24，分钟为 0–59",
    },
    "end_before_start": {
        "en": "{end_column} {end} is before {start_column} {start}",
        "zh": "{end_column} {end} 早于{start_column} {start}",
    },
    "whole_empty": {
        "en": "{column} is empty; expected a whole number such as 6",
        "zh": "{column}为空，应填写整数，如 6",
    },
    "not_whole": {
        "en": "{column} '{value}' is not a whole number",
        "zh": "{column}“{value}”不是整数",
    },
    "below_one": {
        "en": "{column} {value} must be at least 1",
        "zh": "{column}是 {value}，至少应为 1",
    },
    "capacity_too_many": {
        "en": "capacity {value} is more than {limit}, the most meals one trip may carry",
        "zh": "载餐量 {value} 超过了一趟最多能带的 {limit} 份",
    },
    "meals_too_many": {
        "en": "meals {value} is more than {limit}, the most for one client",
        "zh": "份数 {value} 超过了每位服务对象最多 {limit} 份",
    },
    "not_minutes": {
        "en": "{column} '{value}' is not a number of minutes",
        "zh": "{column}“{value}”不是分钟数",
    },
    "minutes_out_of_range": {
        "en": "{column} {value} is outside 0..240 minutes",
        "zh": "{column} {value} 超出了 0–240 分钟的范围",
    },
    "choice_empty": {
        "en": "{column} is empty; expected {choices}",
        "zh": "{column}为空，应为{choices}",
    },
    "choice_unknown": {
        "en": "unknown {column} '{value}'; expected {choices}",
        "zh": "无法识别的{column}“{value}”，应为{choices}",
    },
    "days_unknown": {
        "en": "days '{value}': unknown day '{day}'; expected daily, weekdays, weekends, a list "
        "such as mon,wed,fri or 周一、周三、周五, or a range such as mon-fri or 周一至周五",
        "zh": "送餐日“{value}”中的“{day}”不是星期几；可以写每天、工作日、周末，列举如"
        "周一、周三、周五，或写范围如周一至周五",
    },
    "diet_unknown": {
        "en": "unknown diet '{word}' is kept as it is; known diets: {known}",
        "zh": "无法识别的饮食“{word}”按原样保留；已知的饮食有：{known}",
    },
    "diet_from_notes": {
        "en": "the notes name the diet {words} and there is no diet column, so the meal is "
        "planned as {diet}; add a diet column (饮食) to say it plainly",
        "zh": "备注中写有{words}，而表中没有饮食列，已按{diet}安排；请增加“饮食”列写明",
    },
    "diet_from_notes_empty": {
        "en": "the notes name the diet {words} but the diet cell is empty, so the meal is "
        "planned as {diet}; fill in the diet cell",
        "zh": "备注中写有{words}，但饮食一栏是空的，已按{diet}安排；请填写饮食一栏",
    },
    "diet_contradicts_notes": {
        "en": "the notes name the diet {words} but the diet cell says {was}, so the meal is "
        "planned as {diet}; correct the diet cell or the notes",
        "zh": "备注中写有{words}，但饮食一栏是{was}，已按{diet}安排；请改正饮食一栏或备注",
    },
    "phone_digits_lost": {
        "en": "the phone number is in scientific notation (such as 1.38E+10), so its last "
        "digits are lost; format the column as text in Excel and type the number again",
        "zh": "电话号码被存成了科学计数法（如 1.38E+10），后几位已经丢失；请在 Excel 中把这一列"
        "设为文本格式，重新输入号码",
    },
    # -- the station a row refers to
    "no_stations_table": {"en": "there is no usable stations table", "zh": "没有可用的站点表"},
    "station_unusable": {
        "en": "station '{station}' is not usable: {file}, row {row}: {problems}",
        "zh": "站点“{station}”不可用：{file} 第{row}行：{problems}",
    },
    "station_unknown": {
        "en": "unknown station '{station}'; known stations: {known}",
        "zh": "没有站点“{station}”；已有的站点：{known}",
    },
    "station_unknown_none": {
        "en": "unknown station '{station}'; no station is usable",
        "zh": "没有站点“{station}”；也没有任何可用的站点",
    },
    "station_empty_only": {
        "en": "the station is empty; the row belongs to the only station, '{station}'",
        "zh": "站点为空；这一行属于唯一的站点“{station}”",
    },
    "station_column_missing_row": {
        "en": "there is no station column, and there are {stations} stations",
        "zh": "没有站点列，而站点有 {stations} 个",
    },
    # the changes table
    "date_empty": {
        "en": "{column} is empty; expected a date such as 2026-12-03",
        "zh": "{column}为空，应填写日期，如 2026-12-03",
    },
    "date_bad": {
        "en": "{column} '{value}' is not a date; expected e.g. 2026-12-03 or 2026/12/3",
        "zh": "{column}“{value}”不是日期，应填写如 2026-12-03 或 2026/12/3",
    },
    "date_end_before_start": {
        "en": "the end date {end} is before the start date {start}",
        "zh": "结束日期 {end} 早于开始日期 {start}",
    },
    "change_subject_unknown": {
        "en": "a '{kind}' change is about {what}, and there is none with this id",
        "zh": "“{kind}”变动针对的是{what}，但没有这个编号",
    },
    "change_about_client": {"en": "a client", "zh": "服务对象"},
    "change_about_worker": {"en": "a worker", "zh": "送餐员"},
    "change_about_station": {"en": "a station", "zh": "站点"},
    "change_needs": {
        "en": "a '{kind}' change needs {columns}",
        "zh": "“{kind}”变动需要填写{columns}",
    },
    "change_pin_elsewhere": {
        "en": "worker '{worker}' is of station '{station}', the client of station '{client}'",
        "zh": "送餐员“{worker}”属于站点“{station}”，而该服务对象属于站点“{client}”",
    },
    "change_pin_unknown": {
        "en": "there is no worker '{worker}'",
        "zh": "没有送餐员“{worker}”",
    },
    "change_overrides": {
        "en": "this '{kind}' row overrides row {row} from {date} on (the later row wins)",
        "zh": "这一行“{kind}”从 {date} 起覆盖第{row}行（以后一行为准）",
    },
    "change_outside_shift": {
        "en": "'{kind}' at {value} is not inside the worker's shift {start}–{end}",
        "zh": "“{kind}”的时间 {value} 不在该送餐员的班次 {start}–{end} 之内",
    },
}

# ------------------------------------------------------------ checks across rows

_CHECKS: dict[str, dict[str, str]] = {
    "clients_due": {
        "en": "{due} of {clients} are due on {date} ({weekday})",
        "zh": "{clients}中有 {due} 位在 {date}（{weekday}）需要送餐",
    },
    "station_no_workers": {
        "en": "station '{station}' has no workers",
        "zh": "站点“{station}”没有送餐员",
    },
    "station_no_workers_clients": {
        "en": "station '{station}' has no workers; its {clients} cannot be served",
        "zh": "站点“{station}”没有送餐员；它的{clients}无法送餐",
    },
    "station_no_workers_clients_on": {
        "en": "station '{station}' has no workers; its {clients} due on {date} ({weekday}) "
        "cannot be served",
        "zh": "站点“{station}”没有送餐员；{date}（{weekday}）需要送餐的{clients}无法送达",
    },
    "station_no_clients": {
        "en": "station '{station}' has no clients",
        "zh": "站点“{station}”没有服务对象",
    },
    "station_no_clients_on": {
        "en": "station '{station}' has no clients due on {date} ({weekday})",
        "zh": "站点“{station}”在 {date}（{weekday}）没有需要送餐的服务对象",
    },
    "shift_ends_before_ready": {
        "en": "worker '{worker}''s shift ends at {end}, before lunch is ready at station "
        "'{station}' ({ready})",
        "zh": "送餐员“{worker}”{end} 下班，早于站点“{station}”的出餐时间（{ready}）",
    },
    "station_swapped": {
        "en": "station '{station}': latitude and longitude look swapped; {far} of its "
        "{clients} are more than {km} km away, and {near} would be within {km} km with the "
        "two swapped",
        "zh": "站点“{station}”的经纬度可能填反了：它的{clients}中有 {far} 位距离超过 {km} "
        "公里，对调经纬度后有 {near} 位在 {km} 公里以内",
    },
    "client_far_swapped": {
        "en": "client '{client}' is {distance} km from station '{station}'; its latitude and "
        "longitude look swapped (swapped, it would be {swapped} km away)",
        "zh": "服务对象“{client}”距站点“{station}” {distance} 公里；经纬度可能填反了"
        "（对调后为 {swapped} 公里）",
    },
    "client_far": {
        "en": "client '{client}' is {distance} km from station '{station}' (more than {km} km); "
        "check its latitude and longitude",
        "zh": "服务对象“{client}”距站点“{station}” {distance} 公里（超过 {km} 公里）；请核对经纬度",
    },
    "client_at_row": {"en": "'{client}' (row {row})", "zh": "“{client}”（第{row}行）"},
    "same_point": {
        "en": "clients {clients} are at one point (within {metres} m) but live in "
        "{buildings} different buildings; the coordinates probably mark a compound or "
        "street, not each home",
        "zh": "服务对象{clients}的坐标在同一点（{metres} 米以内），却住在 {buildings} 栋不同的"
        "楼；坐标标的可能是小区或街道，而不是各自的家",
    },
    "window_inverted": {
        "en": "client '{client}': the delivery window {window} ends before it starts; the "
        "missing bound comes from the default lunch window {lunch}",
        "zh": "服务对象“{client}”：送餐时段 {window} 的结束早于开始；缺少的一端取自默认午餐"
        "时段 {lunch}",
    },
    "window_short": {
        "en": "client '{client}': the delivery window {window} ({minutes} min) is shorter "
        "than the service time ({service} min)",
        "zh": "服务对象“{client}”：送餐时段 {window}（{minutes} 分钟）短于服务时长"
        "（{service} 分钟）",
    },
    "window_before_ready": {
        "en": "client '{client}' wants lunch by {end}, but station '{station}' has it ready "
        "only at {ready}",
        "zh": "服务对象“{client}”要求 {end} 前送到，但站点“{station}” {ready} 才出餐",
    },
    "meals_over_capacity": {
        "en": "client '{client}' needs {meals} meals, but the workers of station '{station}' "
        "carry at most {most} per trip",
        "zh": "服务对象“{client}”需要 {meals} 份，但站点“{station}”的送餐员一趟最多带 {most} 份",
    },
    "skills_lacking": {
        "en": "client '{client}' needs {skills}, but no worker of station '{station}' has it"
        "|client '{client}' needs {skills}, but no worker of station '{station}' has all "
        "of them",
        "zh": "服务对象“{client}”需要{skills}，但站点“{station}”没有送餐员具备这项技能"
        "|服务对象“{client}”需要{skills}，但站点“{station}”没有送餐员同时具备这些技能",
    },
}

MESSAGES: dict[str, dict[str, str]] = {
    **_WORDS,
    **_FOLDER,
    **_FILES,
    **_TABLE,
    **_ROW,
    **_CHECKS,
}
