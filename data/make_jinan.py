"""Rebuild the bundled sample ``data/jinan/`` from :func:`mealroute.sample.write_sample`.

Run from the repository root (mealroute importable: installed, or ``PYTHONPATH=.``)::

    python data/make_jinan.py            # rewrites data/jinan/*.csv
    python data/make_jinan.py OUT_DIR    # writes somewhere else

What it does to the generated sample, so the bundle looks like files a station sends:

- each station has a seeded 30-45 clients (and the workers generated for that many):
  stations of a sample are generated independently, so station k is taken from a
  ``write_sample`` run with its own ``clients_per_station``;
- ``stations.csv`` stays as generated: UTF-8 with a BOM, English headers;
- ``workers.csv``: UTF-8 without a BOM, English headers;
- ``clients.csv``: GBK with CRLF line ends (what Chinese Excel's "CSV" writes), Chinese
  headers (the first alias in :mod:`mealroute.read.columns`, 服务时长 with its unit) and
  Chinese values: 失能/半失能/其他, 软食、低盐, 女、轮椅, 每天/工作日/周一、周三、周五.

The same run always writes the same bytes.
"""

from __future__ import annotations

import csv
import io
import random
import sys
import tempfile
from pathlib import Path

from mealroute.read.columns import CARE_LEVELS, CLIENTS, DAY_SETS, DIETS, SKILLS, WEEKDAY_WORDS
from mealroute.sample import write_sample

SEED = 9  # four central-city street offices, three county seats and a town
STATIONS = 8
CLIENTS_PER_STATION = (30, 45)  # 5 workers serve ~45 at the default settings

CARE_ZH = {"disabled": "失能", "semi-disabled": "半失能", "other": "其他"}
DIET_ZH = {
    "regular": "普通",
    "soft": "软食",
    "low-salt": "低盐",
    "diabetic": "糖尿病餐",
    "halal": "清真",
}
SKILL_ZH = {"female": "女", "wheelchair": "轮椅"}
DAYS_ZH = {
    "": "",
    "daily": "每天",
    "weekdays": "工作日",
    "mon,wed,fri": "周一、周三、周五",
    "tue,thu,sat": "周二、周四、周六",
}
HEADER_ZH = {column.name: column.aliases[0] for column in CLIENTS.columns}
HEADER_ZH["service_min"] = "服务时长（分钟）"


def _check_words() -> None:
    """Every Chinese word written here must read back as the English it replaces."""
    assert all(CARE_LEVELS[zh] == en for en, zh in CARE_ZH.items())
    assert all(DIETS[zh] == en for en, zh in DIET_ZH.items())
    assert all(SKILLS[zh] == en for en, zh in SKILL_ZH.items())
    for en, zh in DAYS_ZH.items():
        english = DAY_SETS.get(en) or {WEEKDAY_WORDS[w] for w in en.split(",")}
        chinese = DAY_SETS.get(zh) or {WEEKDAY_WORDS[w] for w in zh.split("、")}
        assert english == chinese, (en, zh)


def _words(value: str, table: dict[str, str]) -> str:
    return "、".join(table[word] for word in value.split(";") if word)


def _read(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        return list(reader.fieldnames or ()), list(reader)


def _text(header: list[str], rows: list[dict[str, str]], line_end: str) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=header, lineterminator=line_end)
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue()


def _client_zh(row: dict[str, str]) -> dict[str, str]:
    chinese = dict(row)
    chinese["care_level"] = CARE_ZH[row["care_level"]]
    chinese["diet"] = _words(row["diet"], DIET_ZH)
    chinese["skills"] = _words(row["skills"], SKILL_ZH)
    chinese["days"] = DAYS_ZH[row["days"]]
    return {HEADER_ZH[name]: value for name, value in chinese.items()}


def _generated() -> tuple[bytes, list[str], list[dict[str, str]], list[str], list[dict[str, str]]]:
    """stations.csv as bytes; workers and clients as (header, rows) with varying counts."""
    rng = random.Random(f"make_jinan:{SEED}")
    counts = [rng.randint(*CLIENTS_PER_STATION) for _ in range(STATIONS)]
    workers: list[dict[str, str]] = []
    clients: list[dict[str, str]] = []
    with tempfile.TemporaryDirectory() as tmp:
        for index, count in enumerate(counts):
            run = Path(tmp) / str(count)
            if not run.exists():
                write_sample(run, stations=STATIONS, clients_per_station=count, seed=SEED)
            station_id = _read(run / "stations.csv")[1][index]["station_id"]
            worker_header, rows = _read(run / "workers.csv")
            workers += [row for row in rows if row["station_id"] == station_id]
            client_header, rows = _read(run / "clients.csv")
            clients += [row for row in rows if row["station_id"] == station_id]
        stations = (run / "stations.csv").read_bytes()
    return stations, worker_header, workers, client_header, clients


def build(out_dir: Path) -> None:
    """Write the bundled sample's three CSV files into ``out_dir`` (replacing them)."""
    _check_words()
    stations, worker_header, workers, client_header, clients = _generated()
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / "stations.csv").write_bytes(stations)
    (out_dir / "workers.csv").write_bytes(_text(worker_header, workers, "\n").encode("utf-8"))
    chinese = [_client_zh(row) for row in clients]
    header = [HEADER_ZH[name] for name in client_header]
    (out_dir / "clients.csv").write_bytes(_text(header, chinese, "\r\n").encode("gbk"))


if __name__ == "__main__":
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).parent / "jinan"
    build(target)
    print(f"wrote {target}")
