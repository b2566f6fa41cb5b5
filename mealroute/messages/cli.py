"""What the command line prints: summaries, progress, and why it stopped; and the
problems of mealroute.toml and plan.json files.

A template with ``|`` has a singular and a plural form chosen by ``n``.
"""

from __future__ import annotations

MESSAGES: dict[str, dict[str, str]] = {
    # -- text that has no translation (an exception's own words, a path)
    "plain": {"en": "{detail}", "zh": "{detail}"},
    # -- counts
    "n_stations": {"en": "{n} station|{n} stations", "zh": "{n}个站点"},
    "n_workers": {"en": "{n} worker|{n} workers", "zh": "{n}名送餐员"},
    "n_clients": {"en": "{n} client|{n} clients", "zh": "{n}位服务对象"},
    "n_errors": {"en": "{n} error|{n} errors", "zh": "{n}个错误"},
    "n_warnings": {"en": "{n} warning|{n} warnings", "zh": "{n}个警告"},
    # -- plan
    "no_such_input": {
        "en": "{path}: no such folder or workbook",
        "zh": "{path}：找不到这个文件夹或工作簿",
    },
    "nothing_planned": {
        "en": "nothing could be planned; fix the problems above",
        "zh": "无法规划：请先修正上面列出的问题",
    },
    "unknown_stations": {
        "en": "--stations: unknown station {ids}; known: {known}",
        "zh": "--stations：没有站点{ids}；已有的站点：{known}",
    },
    "time_limit_ignored": {
        "en": "--time-limit has no effect with --reproducible: the search of each station "
        "stops after {steps} steps (--work-limit)",
        "zh": "使用 --reproducible 时 --time-limit 不起作用："
        "每个站点搜索 {steps} 步后停止（--work-limit）",
    },
    "planning": {"en": "planning stations", "zh": "正在规划站点"},
    "summary_title": {"en": "mealroute plan for {date}", "zh": "{date} 送餐规划"},
    "col_station": {"en": "station", "zh": "站点"},
    "col_clients": {"en": "clients", "zh": "服务对象"},
    "col_served": {"en": "served", "zh": "已安排"},
    "col_unserved": {"en": "unserved", "zh": "未安排"},
    "col_workers": {"en": "workers", "zh": "出勤"},
    "col_km": {"en": "km", "zh": "公里"},
    "col_first_out": {"en": "first out", "zh": "出发"},
    "col_last_back": {"en": "last back", "zh": "返回"},
    "failed_mark": {"en": "(failed)", "zh": "（失败）"},
    "station_failed_line": {
        "en": "station {station} failed: {error}",
        "zh": "站点{station}规划失败：{error}",
    },
    "changes_line": {
        "en": "changes applied from the changes table: {n} ({counts}); see index.html",
        "zh": "已按变动表调整 {n} 项（{counts}），详见 index.html",
    },
    "changes_count": {"en": "{kind} {n}", "zh": "{kind}{n}"},
    "unserved_line": {
        "en": "unserved {station} {client}: {reason}",
        "zh": "未安排 {station} {client}：{reason}",
    },
    "advice_line": {
        "en": "advice for {station}: {advice}",
        "zh": "建议 {station}：{advice}",
    },
    "advice_line_more": {
        "en": "advice for {station}: {advice} (and {more} more in index.html)",
        "zh": "建议 {station}：{advice}（另有{more}条见 index.html）",
    },
    "wrote_pack": {
        "en": "wrote {n} files to {path} (open {index}); plan {plan_id}",
        "zh": "已写入{n}个文件到 {path}（请打开 {index}）；规划编号 {plan_id}",
    },
    "merged": {
        "en": "re-planned {replanned} in the day's plan; kept the plans of {kept} other stations",
        "zh": "已在当天的规划中重新规划{replanned}；保留其他{kept}个站点的规划",
    },
    "bad_at": {
        "en": "--at: “{value}” is not a time of day; expected HH:MM, e.g. 11:20",
        "zh": "--at：“{value}”不是时间；应为 时:分，例如 11:20",
    },
    "replan_no_plan": {
        "en": "{path} holds no day plan to re-plan (no plan.json of mealroute); "
        "plan the day first with mealroute plan --out {path}",
        "zh": "{path} 中没有可重新规划的当天规划（没有 mealroute 的 plan.json）；"
        "请先用 mealroute plan --out {path} 规划当天",
    },
    "replan_no_data": {
        "en": "the plan in {path} does not say which data it was made from; pass --data",
        "zh": "{path} 中的规划没有记录用的是哪份数据；请用 --data 指定",
    },
    "replan_refused": {
        "en": "cannot re-plan {path}: {detail}",
        "zh": "无法重新规划 {path}：{detail}",
    },
    "replan_changes_unread": {
        "en": "the changes file {path} could not be used; nothing was re-planned",
        "zh": "变动文件 {path} 无法使用，没有重新规划",
    },
    "replan_line": {
        "en": "re-planned from plan {previous}: {moved} clients moved to another worker, "
        "{workers} workers' days changed, {retimed} stops more than 5 minutes later or "
        "earlier, {new} newly served, {gone} no longer on a route; see changes.html",
        "zh": "已在规划 {previous} 的基础上重新规划：{moved} 位服务对象换了送餐员，"
        "{workers} 名送餐员的安排有变，{retimed} 站时间变动超过 5 分钟，"
        "新安排 {new} 位，{gone} 位不再在路线上；详见 changes.html",
    },
    "merge_other_date": {
        "en": "the folder holds the plan of {date}, not of {wanted}",
        "zh": "文件夹中是{date}的规划，不是{wanted}的",
    },
    "merge_other_rules": {
        "en": "the folder's plan was made with other settings ({sections})",
        "zh": "文件夹中的规划用的是另一套设置（{sections}）",
    },
    "merge_refused": {
        "en": "{path} holds another plan, so re-planning only {stations} cannot keep the rest: "
        "{detail}. Plan every station, or choose another --out",
        "zh": "{path} 中是另一份规划，只重新规划{stations}无法保留其余站点：{detail}。"
        "请规划全部站点，或换一个 --out 文件夹",
    },
    "previous_unreadable": {
        "en": "{path} holds a plan this mealroute cannot read ({detail}); plan every station "
        "into it, or choose another --out",
        "zh": "{path} 中的规划无法读取（{detail}）；请规划全部站点，或换一个 --out 文件夹",
    },
    "pack_failed": {
        "en": "nothing was written: {detail}",
        "zh": "没有写入任何文件：{detail}",
    },
    "draw_failed": {
        "en": "nothing was written: drawing the day pack failed ({detail}); the previous pack, "
        "if any, is unchanged",
        "zh": "没有写入任何文件：生成当天的地图和表格时出错（{detail}）；原有文件未改动",
    },
    "interrupted": {
        "en": "stopped; nothing was written and the previous pack, if any, is unchanged",
        "zh": "已中止：没有写入任何文件，原有文件未改动",
    },
    "stopped": {
        "en": "stopped",
        "zh": "已中止",
    },
    "log_failed": {
        "en": "cannot write the log {path}: {detail}",
        "zh": "无法写入日志 {path}：{detail}",
    },
    # -- validate
    "validate_summary": {
        "en": "{stations}, {workers}, {clients}; {errors}, {warnings}",
        "zh": "{stations}，{workers}，{clients}；{errors}，{warnings}",
    },
    # -- sample
    "sample_wrote": {
        "en": "wrote {stations}, {workers} and {clients} to {path}",
        "zh": "已写入{stations}、{workers}和{clients}到 {path}",
    },
    "sample_exists": {
        "en": "{path} already exists; use --overwrite to replace it",
        "zh": "{path} 已存在；如需替换，请加上 --overwrite",
    },
    # -- render
    "rendered": {
        "en": "wrote {n} files to {path} (open {index}); plan {plan_id}",
        "zh": "已写入{n}个文件到 {path}（请打开 {index}）；规划编号 {plan_id}",
    },
    "not_a_plan": {
        "en": "not a mealroute plan: {detail}",
        "zh": "不是 mealroute 规划文件：{detail}",
    },
    "plan_unreadable": {"en": "cannot read the file: {detail}", "zh": "无法读取文件：{detail}"},
    "plan_too_big": {
        "en": "the file is larger than {limit} MB; not a plan",
        "zh": "文件大于{limit} MB，不是规划文件",
    },
    "plan_not_utf8": {
        "en": "not UTF-8 text; plan.json is always UTF-8",
        "zh": "不是 UTF-8 文本；plan.json 总是 UTF-8 编码",
    },
    "plan_not_json": {"en": "not JSON ({detail})", "zh": "不是 JSON 格式（{detail}）"},
    # -- usage
    "usage_error": {"en": "{detail}", "zh": "用法错误：{detail}"},
    "bad_date": {
        "en": "--date: {value} is not a date; expected YYYY-MM-DD such as 2026-12-01",
        "zh": "--date：{value} 不是日期；请写成 2026-12-01 这样的格式",
    },
    "no_such_option": {"en": "no such option: {option}", "zh": "没有这个选项：{option}"},
    "bad_option_value": {
        "en": "{option}: {detail}",
        "zh": "{option} 的值不对：{detail}",
    },
    "missing_argument": {"en": "missing {what}", "zh": "缺少{what}"},
    "see_help": {"en": "see: {command} --help", "zh": "用法见：{command} --help"},
    "error_prefix": {"en": "error: {detail}", "zh": "错误：{detail}"},
    # -- mealroute.toml
    "settings_unreadable": {
        "en": "cannot read settings: {detail}",
        "zh": "无法读取设置文件：{detail}",
    },
    "settings_too_big": {
        "en": "cannot read settings: the file is larger than {limit} KB",
        "zh": "无法读取设置文件：文件大于{limit} KB",
    },
    "settings_not_utf8": {
        "en": "cannot read settings: the file is not UTF-8 text",
        "zh": "无法读取设置文件：文件不是 UTF-8 文本",
    },
    "settings_not_toml": {
        "en": "cannot read settings: not TOML ({detail})",
        "zh": "无法读取设置文件：不是 TOML 格式（{detail}）",
    },
    "setting_unknown_section": {
        "en": "unknown section [{name}]; expected one of {choices}",
        "zh": "没有设置节 [{name}]；可用的有：{choices}",
    },
    "setting_unknown_key": {
        "en": "unknown key `{name}`; expected one of {choices}",
        "zh": "没有设置项 `{name}`；可用的有：{choices}",
    },
    "setting_missing": {"en": "`{name}` is missing", "zh": "缺少设置项 `{name}`"},
    "setting_not_table": {"en": "`{name}` must be a table", "zh": "`{name}` 应当是一个表"},
    "setting_not_number": {
        "en": "`{name}` must be a number, got {value}",
        "zh": "`{name}` 应当是数字，实际是 {value}",
    },
    "setting_not_whole": {
        "en": "`{name}` must be a whole number, got {value}",
        "zh": "`{name}` 应当是整数，实际是 {value}",
    },
    "setting_out_of_range": {
        "en": "`{name}` must be {low}..{high}, got {value}",
        "zh": "`{name}` 应在 {low}..{high} 之间，实际是 {value}",
    },
    "setting_not_bool": {
        "en": "`{name}` must be true or false, got {value}",
        "zh": "`{name}` 应当是 true 或 false，实际是 {value}",
    },
    "setting_not_datum": {
        "en": "`{name}` must be wgs84, gcj02 or bd09 (or a table of them per table: "
        "stations, clients), got {value}",
        "zh": "`{name}` 应当是 wgs84、gcj02（高德、腾讯）或 bd09（百度），"
        "或按表分别填写（stations、clients），实际是 {value}",
    },
    "setting_not_text": {
        "en": "`{name}` must be text in quotes, got {value}",
        "zh": "`{name}` 应当是带引号的文字，实际是 {value}",
    },
    "setting_not_servers": {
        "en": "`{name}` must be a server's URL, or a table of them per profile "
        "(foot, bicycle, car), got {value}",
        "zh": "`{name}` 应当是一个服务器网址，或按出行方式分别填写（foot、bicycle、car），"
        "实际是 {value}",
    },
    "setting_not_choice": {
        "en": "`{name}` must be one of {choices}, got {value}",
        "zh": "`{name}` 应当是 {choices} 之一，实际是 {value}",
    },
    "setting_not_clock": {
        "en": '`{name}`: {value} is not a time of day; expected "HH:MM" such as "10:30"',
        "zh": '`{name}`：{value} 不是时间；请写成 "10:30" 这样的格式',
    },
    "setting_not_window": {
        "en": '`{name}` must be two times such as ["11:00", "12:30"], start first; got {value}',
        "zh": '`{name}` 应当是两个时间，如 ["11:00", "12:30"]，先早后晚；实际是 {value}',
    },
}
