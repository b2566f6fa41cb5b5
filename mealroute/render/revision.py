"""The changes page of a re-plan (``changes.html``): per worker, what is new.

Drawn from :attr:`~mealroute.model.Plan.revision` alone, so ``mealroute render``
draws it again from plan.json. The coordinator reads it before telling anyone:
per station, each worker whose day changed, with the stops added (and from whom),
taken off (and to whom), and moved in time; then the workers whose day and page are
as before, who need no new link.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..model import Plan, Revision, StationPlan, StopChange, WorkerChange
from . import paths
from .i18n import html_environment
from .pages import link, write_page


@dataclass(frozen=True)
class ChangeRow:
    """One stop of the changes table: a client, what happened, before and now."""

    change: StopChange
    other: str  # the other worker's name ("" if none)


@dataclass(frozen=True)
class WorkerBlock:
    change: WorkerChange
    rows: tuple[ChangeRow, ...]
    href: str | None  # the worker's page, if they have one now


@dataclass(frozen=True)
class StationBlock:
    station: StationPlan
    workers: tuple[WorkerBlock, ...]
    kept: tuple[str, ...]  # names of workers whose day is unchanged


def _blocks(plan: Plan, revision: Revision) -> list[StationBlock]:
    blocks = []
    for station in plan.stations:
        names = {r.worker_id: r.name or r.worker_id for r in station.routes}
        for change in revision.workers:
            if change.station_id == station.station_id:
                names.setdefault(change.worker_id, change.name or change.worker_id)
        workers = tuple(
            WorkerBlock(
                change=change,
                rows=tuple(
                    ChangeRow(c, c.other_name or names.get(c.other, c.other)) for c in change.stops
                ),
                href=None
                if change.absent or station.lat is None
                else link(
                    paths.CHANGES_HTML, paths.worker_map(station.station_id, change.worker_id)
                ),
            )
            for change in revision.workers
            if change.station_id == station.station_id
        )
        kept = tuple(
            names.get(k.worker_id, k.worker_id)
            for k in revision.kept
            if k.station_id == station.station_id
        )
        if workers or kept:
            blocks.append(StationBlock(station, workers, kept))
    return blocks


def render_changes(plan: Plan, *, lang: str) -> str:
    """The HTML text of ``changes.html`` (``plan`` must have a revision)."""
    assert plan.revision is not None
    template = html_environment(lang).get_template("changes.html")
    return template.render(
        plan=plan,
        revision=plan.revision,
        stations=_blocks(plan, plan.revision),
        index_href=link(paths.CHANGES_HTML, paths.INDEX_HTML),
    )


def write_changes(plan: Plan, out_dir: Path, *, lang: str) -> Path | None:
    """Write ``changes.html`` when ``plan`` is a re-plan; returns it (else ``None``)."""
    if plan.revision is None:
        return None
    return write_page(out_dir, paths.CHANGES_HTML, render_changes(plan, lang=lang))
