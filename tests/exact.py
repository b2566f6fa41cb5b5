"""The exact best plan of a small station, by CP-SAT: an oracle for tests and benchmarks.

It shares nothing with the planner's model: no OR-Tools routing, no reload nodes, no
drop penalties. Each worker gets a fixed number of possible trips; each trip is a
circuit over the station and the clients that worker may serve (CP-SAT's
``AddCircuit``, with a self-loop for a client left off the trip and one for the
station when the trip is not made). The rules are written out directly:

- a trip leaves at ``D`` no earlier than the meals are ready and the shift starts, and
  no earlier than the previous trip's return plus the reload time; it is back by the
  shift end;
- service starts inside the window, no earlier than the previous stop's end plus the
  travel (waiting allowed), and at most ``max_min_after_departure`` after ``D``;
- the meals of a trip fit its worker's capacity; every client is on at most one trip.

The best plan is lexicographic as the planning rules say: most disabled clients served,
then semi-disabled, then others, then least travel time. It is solved in four stages,
each proved optimal and fixed before the next.

Travel times are computed here too (geodesic x detour factor / speed, rounded to whole
seconds per leg, as the planning rules define them), with geopy.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from geopy.distance import geodesic
from ortools.sat.python import cp_model

from mealroute.model import CareLevel, Client, Station, Worker
from mealroute.settings import Settings

LEVELS = (CareLevel.DISABLED, CareLevel.SEMI_DISABLED, CareLevel.OTHER)


@dataclass(frozen=True)
class Optimum:
    """The best plan: per care level the clients served, the travel, and the trips.

    ``trips[w]`` lists worker ``w``'s trips in order, each as client indices in
    visiting order.
    """

    served: tuple[int, int, int]  # disabled, semi-disabled, other
    travel_s: int
    trips: tuple[tuple[tuple[int, ...], ...], ...]
    proved: bool  # every stage proved optimal

    @property
    def served_total(self) -> int:
        return sum(self.served)


def _seconds(
    points: Sequence[tuple[float, float]], speed_kmh: float, detour: float
) -> list[list[int]]:
    speed = speed_kmh / 3.6
    return [
        [0 if a == b else round(geodesic(a, b).meters * detour / speed) for b in points]
        for a in points
    ]


def exact_optimum(
    station: Station,
    workers: Sequence[Worker],
    clients: Sequence[Client],
    settings: Settings,
    *,
    seconds_per_stage: float = 60.0,
    workers_threads: int = 1,
    wait_at_doors: bool = True,
    travel_stage: bool = True,
) -> Optimum:
    """The lexicographically best plan of one station's due ``clients``.

    Parameters
    ----------
    seconds_per_stage
        Time limit of each of the four CP-SAT solves; ``proved`` says whether all were
        proved optimal within it.
    wait_at_doors
        ``False``: the best plan in which nobody waits between two stops of a trip
        (a worker may still leave the station later); to measure what that costs.
    travel_stage
        ``False``: stop after the served counts (``travel_s`` is then of some plan
        with those counts, not the least, and ``proved`` is about the counts).
    """
    n = len(clients)
    ready = settings.ready_at(station)
    latest = ready + round(settings.max_min_after_ready * 60)
    max_age = round(settings.max_min_after_departure * 60)
    reload = round(settings.reload_min * 60)
    windows = [settings.window_of(c) for c in clients]
    windows = [(s, min(e, latest)) for s, e in windows]
    service = [settings.service_s_of(c) for c in clients]
    points = [(station.lat, station.lon)] + [(c.lat, c.lon) for c in clients]
    travel = {
        mode: _seconds(points, settings.speed_kmh[mode], settings.detour(mode))
        for mode in {w.mode for w in workers}
    }

    model = cp_model.CpModel()
    on_trip: dict[int, list[cp_model.IntVar]] = {i: [] for i in range(n)}
    travel_terms: list[tuple[cp_model.IntVar, int]] = []
    arcs_of: list[list[dict[tuple[int, int], cp_model.IntVar]]] = []
    for worker in workers:
        t = travel[worker.mode]
        earliest = max(ready, worker.shift_start)
        mine = [
            i
            for i, c in enumerate(clients)
            if c.skills <= worker.skills
            and c.meals <= worker.capacity
            and windows[i][0] <= windows[i][1]
        ]
        trips = _max_trips(mine, t, service, windows, earliest, worker.shift_end, reload)
        worker_arcs: list[dict[tuple[int, int], cp_model.IntVar]] = []
        previous_back: cp_model.IntVar | None = None
        previous_used: cp_model.IntVar | None = None
        for _ in range(trips):
            depart = model.new_int_var(earliest, worker.shift_end, "")
            back = model.new_int_var(earliest, worker.shift_end, "")
            used = model.new_bool_var("")
            start = {i: model.new_int_var(windows[i][0], windows[i][1], "") for i in mine}
            visit = {i: model.new_bool_var("") for i in mine}
            arcs: dict[tuple[int, int], cp_model.IntVar] = {}
            circuit = []
            idle = model.new_bool_var("")
            circuit.append((0, 0, idle))
            model.add(idle == 1 - used)
            for i in mine:
                circuit.append((i + 1, i + 1, visit[i].Not()))
                model.add_implication(visit[i], used)
                model.add(start[i] - depart <= max_age).only_enforce_if(visit[i])
                on_trip[i].append(visit[i])
                out = model.new_bool_var("")
                arcs[(0, i + 1)] = out
                model.add(start[i] >= depart + t[0][i + 1]).only_enforce_if(out)
                if not wait_at_doors:
                    model.add(start[i] == depart + t[0][i + 1]).only_enforce_if(out)
                home = model.new_bool_var("")
                arcs[(i + 1, 0)] = home
                model.add(back >= start[i] + service[i] + t[i + 1][0]).only_enforce_if(home)
                for j in mine:
                    if i != j:
                        leg = model.new_bool_var("")
                        arcs[(i + 1, j + 1)] = leg
                        model.add(
                            start[j] >= start[i] + service[i] + t[i + 1][j + 1]
                        ).only_enforce_if(leg)
                        if not wait_at_doors:
                            model.add(
                                start[j] == start[i] + service[i] + t[i + 1][j + 1]
                            ).only_enforce_if(leg)
            circuit += [(a, b, lit) for (a, b), lit in arcs.items()]
            model.add_circuit(circuit)
            model.add(sum(clients[i].meals * visit[i] for i in mine) <= worker.capacity)
            model.add(back >= depart)
            if previous_back is not None and previous_used is not None:
                model.add_implication(used, previous_used)  # trips in order, unused last
                model.add(depart >= previous_back + reload).only_enforce_if(used)
            previous_back, previous_used = back, used
            travel_terms += [(lit, t[a][b]) for (a, b), lit in arcs.items()]
            worker_arcs.append(arcs)
        arcs_of.append(worker_arcs)
    served = {}
    for i in range(n):
        model.add(sum(on_trip[i]) <= 1)
        served[i] = sum(on_trip[i])

    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = seconds_per_stage
    solver.parameters.num_workers = workers_threads
    proved = True
    counts = []
    for level in LEVELS:
        score = sum(served[i] for i in range(n) if clients[i].care_level == level)
        model.maximize(score)
        status = solver.solve(model)
        if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            raise RuntimeError(f"CP-SAT found no plan ({solver.status_name(status)})")
        proved &= status == cp_model.OPTIMAL
        best = round(solver.objective_value)
        counts.append(best)
        model.add(score >= best)
        _hint(model, solver)
    total_travel = sum(lit * seconds for lit, seconds in travel_terms)
    model.minimize(total_travel)
    if not travel_stage:
        solver.parameters.stop_after_first_solution = True
    status = solver.solve(model)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        raise RuntimeError(f"CP-SAT found no plan ({solver.status_name(status)})")
    if travel_stage:  # without it, ``proved`` is about the served counts alone
        proved &= status == cp_model.OPTIMAL
    trips = tuple(
        tuple(order for arcs in worker_arcs if (order := _order(arcs, solver)))
        for worker_arcs in arcs_of
    )
    return Optimum(
        served=(counts[0], counts[1], counts[2]),
        travel_s=round(solver.objective_value),
        trips=trips,
        proved=proved,
    )


def _hint(model: cp_model.CpModel, solver: cp_model.CpSolver) -> None:
    """Start the next stage from this stage's solution."""
    model.clear_hints()
    for k in range(len(model.proto.variables)):
        var = model.get_int_var_from_proto_index(k)
        model.add_hint(var, solver.value(var))


def _order(
    arcs: dict[tuple[int, int], cp_model.IntVar], solver: cp_model.CpSolver
) -> tuple[int, ...]:
    following = {a: b for (a, b), lit in arcs.items() if solver.boolean_value(lit)}
    order = []
    node = following.get(0)
    while node is not None and node != 0:
        order.append(node - 1)
        node = following.get(node)
    return tuple(order)


def _max_trips(
    mine: Sequence[int],
    t: Sequence[Sequence[int]],
    service: Sequence[int],
    windows: Sequence[tuple[int, int]],
    earliest: int,
    shift_end: int,
    reload: int,
) -> int:
    """An upper bound on the trips one worker can make (each serves someone).

    The first services of consecutive trips are at least a service, the shortest way
    home, a reload and the shortest way out apart, and all of them fall inside the
    clients' windows and the shift.
    """
    if not mine:
        return 0
    back = min(service[i] + t[i + 1][0] for i in mine)
    out = min(t[0][i + 1] for i in mine)
    cycle = back + reload + out
    first = max(earliest, min(windows[i][0] for i in mine))
    last = min(shift_end, max(windows[i][1] for i in mine))
    if last < first:
        return 1
    return min(len(mine), 1 + (last - first) // max(1, cycle))


def served_in(station: dict) -> tuple[int, int, int]:
    """Clients served per care level (disabled, semi, other) in a plan.json station."""
    levels = {
        stop["client_id"]: stop["care_level"]
        for route in station["routes"]
        for trip in route["trips"]
        for stop in trip["stops"]
    }
    counts = [sum(1 for level in levels.values() if level == wanted.value) for wanted in LEVELS]
    return counts[0], counts[1], counts[2]
