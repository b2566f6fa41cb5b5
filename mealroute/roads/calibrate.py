"""How much longer the streets are than straight lines, around each station.

``calibrate`` samples pairs among each station and its clients (the trips workers
really make), asks the road network for each pair's distance and divides by the
geodesic distance. The median over the pairs is the detour factor that makes the
straight-line model match the streets there; the middle half shows how much a single
leg can differ. A station without road data can then use the median of the stations
that have it (setting ``travel.detour_factor``).

Pairs closer than :data:`MIN_PAIR_M` are left out: a few metres of walking out to the
road would dominate them.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from ..model import PROFILE_OF, Mode
from ..travel import geodesic_matrix_m
from .engine import UNREACHABLE_M, RoadTravel

MIN_PAIR_M = 200.0


@dataclass(frozen=True)
class Ratio:
    """Road ÷ straight distance for one station and mode, over sampled pairs."""

    station_id: str
    mode: Mode
    pairs: int  # pairs with a road route
    median: float | None
    low: float | None  # 25th percentile
    high: float | None  # 75th percentile


def calibrate(
    stations: Sequence[tuple[str, Sequence[tuple[float, float]]]],
    road: RoadTravel,
    modes: Sequence[Mode],
    *,
    pairs: int = 200,
    seed: int = 0,
) -> list[Ratio]:
    """Road ÷ straight-line ratios per station and mode.

    Parameters
    ----------
    stations
        ``(station_id, points)`` with the station's own point first, then its clients'.
    road
        The road network to measure.
    modes
        The modes to measure (each on its profile, see :data:`mealroute.model.PROFILE_OF`).
    pairs
        At most this many pairs per station and mode, sampled reproducibly.
    seed
        The sampling seed.
    """
    ratios = []
    for station_id, given in stations:
        points = list(given)
        if len(points) < 2:
            continue
        lat, lon = np.asarray(points, dtype=float).T
        straight = geodesic_matrix_m(lat, lon)
        candidates = [
            (i, j)
            for i in range(len(points))
            for j in range(len(points))
            if i != j and straight[i, j] >= MIN_PAIR_M
        ]
        chosen = random.Random(f"{seed}:{station_id}").sample(
            candidates, min(pairs, len(candidates))
        )
        for mode in modes:
            legs, _ = road.table(points, PROFILE_OF[mode])
            values = np.array(
                [legs[i, j] / straight[i, j] for i, j in chosen if legs[i, j] < UNREACHABLE_M]
            )
            if values.size == 0:
                ratios.append(Ratio(station_id, mode, 0, None, None, None))
                continue
            low, median, high = np.percentile(values, [25, 50, 75])
            ratios.append(
                Ratio(
                    station_id,
                    mode,
                    int(values.size),
                    round(float(median), 3),
                    round(float(low), 3),
                    round(float(high), 3),
                )
            )
    return ratios


def suggested(ratios: Sequence[Ratio]) -> dict[Mode, float]:
    """Per mode, the median of the stations' medians (stations with no route left out)."""
    by_mode: dict[Mode, list[float]] = {}
    for ratio in ratios:
        if ratio.median is not None:
            by_mode.setdefault(ratio.mode, []).append(ratio.median)
    return {mode: round(float(np.median(values)), 2) for mode, values in by_mode.items()}
