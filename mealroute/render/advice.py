"""A station's advice as the pages show it: the sentence, and whom it would serve.

The sentence is :func:`mealroute.messages.plan.advice_text` (templates use the
``advice`` filter); the clients it would serve are named as the page names its
unserved clients (so a redacted pack shows them redacted too).
"""

from __future__ import annotations

from dataclasses import dataclass

from ..model import Message, Plan, StationPlan


@dataclass(frozen=True)
class AdviceEntry:
    """One advice of a station and the names of the unserved clients it would serve."""

    message: Message
    names: tuple[str, ...]


@dataclass(frozen=True)
class StationAdvice:
    """A station that has advice, with its advice best first."""

    station: StationPlan
    entries: tuple[AdviceEntry, ...]


def advice_entries(station: StationPlan) -> tuple[AdviceEntry, ...]:
    """The station's advice, best first, each with the names of whom it would serve."""
    names = {client.client_id: client.name or client.client_id for client in station.unserved}
    return tuple(
        AdviceEntry(
            message=advice,
            names=tuple(names.get(str(ident), str(ident)) for ident in advice.params["clients"]),
        )
        for advice in station.advice
    )


def advised_stations(plan: Plan) -> list[StationAdvice]:
    """Every station of the day that has advice, in the plan's order."""
    return [
        StationAdvice(station, advice_entries(station))
        for station in plan.stations
        if station.advice
    ]
