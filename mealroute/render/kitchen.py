"""The kitchen and loading list of a station: what to cook and what goes on each trip.

Meals are counted by diet for the whole station and for every trip of every worker
("W2, trip 1: 5 regular, 2 soft", halal: 1). Halal is always counted and listed on
its own, even when it is 0, so it can be cooked and packed apart: a meal whose diet
includes ``halal`` (``"halal;soft"``) counts as halal, and the other words are shown
beside it ("halal + soft: 1"). Other combined diets (``"soft;low-salt"``) are a kind
of meal of their own. Trips are listed in the order they leave, the order in which
the kitchen packs them.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from ..messages import KNOWN_DIETS, check_lang, diet_word
from ..model import Plan, Route, StationPlan, Stop, Trip, is_halal
from . import paths
from .i18n import diet_words, html_environment, label
from .pages import link, write_page

HALAL = "halal"
__all__ = ["counts_text", "diet_key", "is_halal", "loads", "render_kitchen_list", "tally"]
DietKey = tuple[str, ...]


def diet_key(diet: Iterable[str]) -> DietKey:
    """The kind of meal a diet asks for, as a sorted tuple of words.

    ``halal`` comes first, then known words in the order of
    :data:`~mealroute.messages.KNOWN_DIETS`, then unknown words; ``regular`` is
    dropped when combined with anything else. ``"soft;halal"`` is
    ``("halal", "soft")``, ``"low-salt;soft"`` is ``("soft", "low-salt")`` and ``""``
    is ``("regular",)``.
    """
    words = diet_words(diet)
    if len(words) > 1:
        words = tuple(word for word in words if word != "regular")
    rest = sorted((word for word in words if word != HALAL), key=_word_rank)
    return (HALAL, *rest) if HALAL in words else tuple(rest)


def _word_rank(word: str) -> tuple[int, str]:
    return (KNOWN_DIETS.index(word) if word in KNOWN_DIETS else len(KNOWN_DIETS), word)


def _key_rank(key: DietKey) -> tuple[object, ...]:
    return (len(key) > 1, [_word_rank(word) for word in key])


def diet_key_label(key: DietKey, lang: str) -> str:
    """A kind of meal in words: zh ``"清真+软食"``, en ``"halal + soft"``."""
    joiner = "+" if check_lang(lang) == "zh" else " + "
    return joiner.join(diet_word(word, lang) for word in key)


@dataclass(frozen=True)
class Tally:
    """Meals counted by kind; halal kinds kept apart from the rest."""

    other: tuple[tuple[DietKey, int], ...]
    halal: tuple[tuple[DietKey, int], ...]

    @property
    def halal_meals(self) -> int:
        return sum(count for _, count in self.halal)

    @property
    def other_meals(self) -> int:
        return sum(count for _, count in self.other)

    @property
    def meals(self) -> int:
        return self.halal_meals + self.other_meals

    @property
    def has_combined_halal(self) -> bool:
        return any(len(key) > 1 for key, _ in self.halal)


def tally(stops: Iterable[Stop]) -> Tally:
    """Count the meals of ``stops`` by kind (see :func:`diet_key`)."""
    counts: Counter[DietKey] = Counter()
    for stop in stops:
        counts[diet_key(stop.diet)] += stop.meals
    ordered = sorted(counts.items(), key=lambda item: _key_rank(item[0]))
    return Tally(
        other=tuple(item for item in ordered if HALAL not in item[0]),
        halal=tuple(item for item in ordered if HALAL in item[0]),
    )


def counts_text(counts: Iterable[tuple[DietKey, int]], lang: str) -> str:
    """Counts in words: en ``"5 regular, 2 soft"``, zh ``"普通5份、软食2份"``; ``"—"`` if none."""
    separator = "、" if check_lang(lang) == "zh" else ", "
    parts = [label("diet_count", lang, diet=diet_key_label(key, lang), n=n) for key, n in counts]
    return separator.join(parts) or "—"


@dataclass(frozen=True)
class Load:
    """What is packed for one trip of one worker."""

    route: Route
    number: int  # the trip's number in the worker's day, from 1
    trip: Trip
    tally: Tally


def loads(station: StationPlan) -> list[Load]:
    """Every trip of the station with its tally, in order of departure."""
    result = [
        Load(route, number, trip, tally(trip.stops))
        for route in station.routes
        for number, trip in enumerate(route.trips, start=1)
    ]
    result.sort(key=lambda load: load.trip.depart)
    return result


def render_kitchen_list(plan: Plan, station: StationPlan, *, lang: str) -> str:
    """The HTML text of a station's kitchen and loading list in ``lang``."""
    stops = [stop for route in station.routes for trip in route.trips for stop in trip.stops]
    template = html_environment(lang).get_template("kitchen.html")
    return template.render(
        plan=plan,
        station=station,
        station_tally=tally(stops),
        loads=loads(station),
        idle=[route for route in station.routes if route.idle],
        key_label=lambda key: diet_key_label(key, lang),
        counts_text=lambda counts: counts_text(counts, lang),
        index_href=link(paths.kitchen_list(station.station_id), paths.INDEX_HTML),
    )


def write_kitchen_list(plan: Plan, station: StationPlan, out_dir: Path, *, lang: str) -> Path:
    """Write the kitchen and loading list of ``station``.

    Parameters
    ----------
    plan
        The day's plan (for its date).
    station
        One of ``plan.stations``.
    out_dir
        The output folder; the file goes to :func:`mealroute.render.paths.kitchen_list`.
    lang
        ``"zh"`` or ``"en"``.

    Returns
    -------
    Path
        The file written.
    """
    text = render_kitchen_list(plan, station, lang=lang)
    return write_page(out_dir, paths.kitchen_list(station.station_id), text)
