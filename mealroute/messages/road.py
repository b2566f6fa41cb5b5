"""Road networks: building them, asking them, and calibrating the straight-line model."""

from __future__ import annotations

MESSAGES: dict[str, dict[str, str]] = {
    # -- errors
    "road_engine_missing": {
        "en": "road travel needs OSRM: pip install 'mealroute[road]' (osrm-bindings, Python 3.12+)",
        "zh": "按道路计算路程需要 OSRM：请运行 pip install 'mealroute[road]'"
        "（osrm-bindings，需要 Python 3.12 以上）",
    },
    "road_not_configured": {
        "en": "travel.source is road, but neither travel.network (a folder from "
        "`mealroute network build`) nor travel.server is set",
        "zh": "travel.source 设为 road，但没有设置 travel.network"
        "（`mealroute network build` 生成的文件夹）或 travel.server",
    },
    "road_extract_missing": {
        "en": "no OpenStreetMap extract at {path}",
        "zh": "找不到 OpenStreetMap 数据文件 {path}",
    },
    "road_network_missing": {
        "en": "{path} is not a road network folder (no network.json); build one with "
        "`mealroute network build CITY.osm.pbf --out {path}`",
        "zh": "{path} 不是道路网络文件夹（没有 network.json）；请先运行 "
        "`mealroute network build 城市.osm.pbf --out {path}`",
    },
    "road_network_unreadable": {
        "en": "cannot read the road network {path}: {detail}",
        "zh": "无法读取道路网络 {path}：{detail}",
    },
    "road_profile_missing": {
        "en": "the road network {path} has no {profile} profile; build it with "
        "`mealroute network build CITY.osm.pbf --out {path} --profile {profile}`",
        "zh": "道路网络 {path} 里没有 {profile} 出行方式；请运行 "
        "`mealroute network build 城市.osm.pbf --out {path} --profile {profile}`",
    },
    "road_build_failed": {
        "en": "building the road network from {path} failed at {step}: {detail}",
        "zh": "由 {path} 生成道路网络时在 {step} 步骤失败：{detail}",
    },
    "road_server_unreachable": {
        "en": "cannot reach the routing server {url}: {detail}",
        "zh": "无法连接路线服务器 {url}：{detail}",
    },
    "road_server_answer": {
        "en": "the routing server {url} answered with an error: {detail}",
        "zh": "路线服务器 {url} 返回了错误：{detail}",
    },
    # -- what `mealroute network` says
    "road_building": {
        "en": "{profile}: {step}…",
        "zh": "{profile}：{step}…",
    },
    "road_built": {
        "en": "{profile}: built in {seconds} s → {path}",
        "zh": "{profile}：已生成，用时 {seconds} 秒 → {path}",
    },
    "road_reused": {
        "en": "{profile}: already built from the same file, reused → {path}",
        "zh": "{profile}：已由同一文件生成过，直接使用 → {path}",
    },
    "road_use_it": {
        "en": "To plan on it, put this in the data folder's mealroute.toml:",
        "zh": "要按这个道路网络排线，请在数据文件夹的 mealroute.toml 里写上：",
    },
    "road_attribution": {
        "en": "Map data © OpenStreetMap contributors (ODbL); keep this notice with anything "
        "you share that is made from it.",
        "zh": "地图数据 © OpenStreetMap 贡献者（ODbL 许可）；分享由它生成的内容时请保留此声明。",
    },
    "calibrate_head": {
        "en": "Road distance ÷ straight-line distance, {pairs} pairs per station and mode:",
        "zh": "道路路程 ÷ 直线距离，每个站点、每种出行方式抽样 {pairs} 对：",
    },
    "calibrate_row": {
        "en": "{station} {mode}: median {median}, middle half {low}–{high} ({pairs} pairs)",
        "zh": "{station} {mode}：中位数 {median}，中间一半在 {low}–{high} 之间（{pairs} 对）",
    },
    "calibrate_suggest": {
        "en": "Suggested for stations without road data (median over all stations):",
        "zh": "没有道路数据的站点建议使用（所有站点的中位数）：",
    },
    "calibrate_none": {
        "en": "{station} {mode}: no pair with a road route (points off the network?)",
        "zh": "{station} {mode}：没有能按道路走通的点对（点在道路网络之外？）",
    },
}
