"""Messages of ``mealroute geocode`` and of geocoded points, in every language."""

from __future__ import annotations

MESSAGES: dict[str, dict[str, str]] = {
    "review_title": {"en": "Geocoded addresses: review", "zh": "地址定位核对"},
    "review_station": {"en": "station {id}", "zh": "站点 {id}"},
    "review_summary": {
        "en": "{rows} rows looked up by address; {doubtful} need a look (orange on the "
        "map, listed below). Green points were found to a door.",
        "zh": "按地址查询 {rows} 行，其中 {doubtful} 行需要核对（地图上为橙色，列在下方）；"
        "绿色为定位到门牌的点。",
    },
    "review_columns": {"en": "id|address|to check", "zh": "编号|地址|待核对"},
    "geocode_needs_key": {
        "en": "{provider} needs a key: set the environment variable {variable}",
        "zh": "使用{provider}需要 key：请设置环境变量 {variable}",
    },
    "geocode_needs_option": {
        "en": "your own Nominatim server needs {options}",
        "zh": "使用自建 Nominatim 服务需要 {options}",
    },
    "geocode_setup": {"en": "cannot geocode: {detail}", "zh": "无法查询坐标：{detail}"},
    "geocode_row": {
        "en": "{table}, row {row} ({id}): {doubts}",
        "zh": "{table}第{row}行（{id}）：{doubts}",
    },
    "geocode_summary": {
        "en": "{rows} rows with an address and no coordinates: {located} located "
        "({asked} requests, {cached} from the cache), {doubtful} to check; written to "
        "{folder}",
        "zh": "有地址、无经纬度的共 {rows} 行：定位 {located} 行（查询 {asked} 次，"
        "缓存 {cached} 行），{doubtful} 行需要核对；结果已写入 {folder}",
    },
    "provider_amap": {"en": "AMap", "zh": "高德地图"},
    "provider_baidu": {"en": "Baidu Maps", "zh": "百度地图"},
    "provider_nominatim": {"en": "Nominatim", "zh": "自建 Nominatim 服务"},
    "level_building": {"en": "building", "zh": "门牌/楼栋"},
    "level_poi": {"en": "place", "zh": "地点"},
    "level_street": {"en": "street", "zh": "道路"},
    "level_district": {"en": "district", "zh": "区县/乡镇"},
    "level_city": {"en": "city", "zh": "城市"},
    "level_unknown": {"en": "unknown", "zh": "未知"},
    "geocode_no_result": {
        "en": "no result for this address: check it, or enter the coordinates by hand",
        "zh": "查不到这个地址：请核对地址，或手工填写经纬度",
    },
    "geocode_vague": {
        "en": "only found to {level} level, not a door: check the point on the review map",
        "zh": "只定位到{level}，不是门牌：请在核对地图上确认位置",
    },
    "geocode_candidates": {
        "en": "{n} candidates: the first was taken; check it is the right one",
        "zh": "有{n}个候选地点，取了第一个：请确认是否正确",
    },
    "geocode_far": {
        "en": "{km} km from its station (more than {limit} km): a wrong district or city?",
        "zh": "距所属站点{km}公里（超过{limit}公里）：是否区县或城市写错？",
    },
    "geocode_other_district": {
        "en": "in {district}, its station's address in {station}: is the district right?",
        "zh": "地址在{district}，所属站点在{station}：区县是否写对？",
    },
    "geocode_not_asked": {
        "en": "not asked yet (the run stopped first): run mealroute geocode again",
        "zh": "尚未查询（本次运行提前停止）：请再次运行 mealroute geocode",
    },
    "geocode_unreadable": {
        "en": "the service could not read this address or answered nonsense: check the address",
        "zh": "地图服务无法识别这个地址或返回了无法解析的结果：请核对地址",
    },
    "geocode_failed": {
        "en": "the service did not answer after several tries: run mealroute geocode again later",
        "zh": "多次重试后地图服务仍无应答：请稍后再次运行 mealroute geocode",
    },
    "geocode_interrupted": {
        "en": "stopped: what was found is saved; run mealroute geocode again to go on",
        "zh": "已中止：已查到的结果都已保存；再次运行 mealroute geocode 即可继续",
    },
    "geocode_quota": {
        "en": "{provider}'s daily quota is spent: what was found is saved; run mealroute "
        "geocode again tomorrow (or with another key) to go on",
        "zh": "{provider} 今日配额已用完：已查到的结果都已保存；明天（或换一个 key）再次运行 "
        "mealroute geocode 即可继续",
    },
    "geocode_refused": {
        "en": "{provider} refused the key (wrong key, IP or service not enabled): nothing more "
        "was asked; check the key",
        "zh": "{provider} 拒绝了这个 key（key 错误、IP 不在白名单或未开通服务）："
        "已停止查询；请检查 key",
    },
}
