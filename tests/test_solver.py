"""The OR-Tools model on tiny problems whose optimum is known by hand."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from mealroute.errors import SolverError
from mealroute.solver import RoutingProblem, SearchParams, Vehicle, solve

H11 = 11 * 3600
H13 = 13 * 3600
PARAMS = SearchParams(time_limit_s=30, solution_limit=200)


def line(positions: list[int]) -> np.ndarray:
    """Travel times between points on a line (node 0 is the depot)."""
    return np.array([[abs(a - b) for b in positions] for a in positions], dtype=np.int64)


def problem(
    positions: list[int],
    *,
    windows: list[tuple[int, int]] | None = None,
    demand: list[int] | None = None,
    service: int = 60,
    vehicles: tuple[Vehicle, ...] = (Vehicle(0, 10, 10 * 3600, H13),),
    penalty: int | None = 10**9,
    **kwargs: object,
) -> RoutingProblem:
    n = len(positions) - 1
    travel = line(positions)
    return RoutingProblem(
        distance=travel,
        travel=(travel,),
        service=(0,) + (service,) * n,
        windows=((0, 0), *(windows or [(H11, H13)] * n)),
        demand=(0, *(demand or [1] * n)),
        drop_penalty=(None,) + (penalty,) * n,
        vehicles=vehicles,
        **kwargs,  # type: ignore[arg-type]
    )


def two_tier_day() -> RoutingProblem:
    """Two vehicles of three trips, one disabled client (tier 0) and six others."""
    vehicle = Vehicle(0, capacity=3, earliest_start=10 * 3600, latest_end=H13, max_trips=3)
    return problem(
        [0, 120, 480, -300, 900, 660, -840, 30],
        vehicles=(vehicle, vehicle),
        reload_s=300,
        max_age_s=3600,
        tiers=(0, 0, 1, 1, 1, 1, 1, 1),
    )


def test_one_trip_on_a_line_goes_out_and_back() -> None:
    p = problem([0, 300, 600, 900])
    solution = solve(p, PARAMS)
    assert solution.dropped == ()
    assert solution.cost(p.travel[0]) == 1800  # the optimum: to the far end and back
    (trip,) = solution.trips[0]
    assert set(trip.visits) == {1, 2, 3}


def test_capacity_forces_two_trips_with_a_reload_between_them() -> None:
    vehicle = Vehicle(0, capacity=2, earliest_start=10 * 3600, latest_end=H13, max_trips=3)
    p = problem([0, 300, 600, 900, 1200], vehicles=(vehicle,), reload_s=300)
    solution = solve(p, PARAMS)
    assert solution.dropped == ()
    trips = solution.trips[0]
    assert len(trips) == 2
    assert sorted(sorted(t.visits) for t in trips) == [[1, 2], [3, 4]]  # near pair, far pair
    assert solution.cost(p.travel[0]) == 2 * 1200 + 2 * 600
    first, second = sorted(trips, key=lambda t: t.depart)
    back = first.starts[-1] + 60 + p.travel[0][first.visits[-1], 0]
    assert second.depart >= back + 300


def test_food_age_limit_holds_when_waiting_at_a_client() -> None:
    # Client 1 must be served at 11:00, client 2 not before 12:00. One trip would
    # carry client 2's meal 1h10 (waiting included): the limit forces two trips.
    vehicle = Vehicle(0, capacity=5, earliest_start=10 * 3600, latest_end=H13, max_trips=2)
    windows = [(H11, H11 + 300), (12 * 3600, H13)]
    p = problem([0, 600, 1200], windows=windows, vehicles=(vehicle,), max_age_s=3600)
    solution = solve(p, PARAMS)
    assert solution.dropped == ()
    trips = solution.trips[0]
    assert [t.visits for t in trips] == [(1,), (2,)]
    for trip in trips:
        assert all(start - trip.depart <= 3600 for start in trip.starts)


def test_without_age_limit_the_same_case_is_one_trip() -> None:
    vehicle = Vehicle(0, capacity=5, earliest_start=10 * 3600, latest_end=H13, max_trips=2)
    windows = [(H11, H11 + 300), (12 * 3600, H13)]
    p = problem([0, 600, 1200], windows=windows, vehicles=(vehicle,))
    solution = solve(p, PARAMS)
    assert [t.visits for t in solution.trips[0]] == [(1, 2)]


def test_a_visit_goes_only_to_an_allowed_vehicle() -> None:
    vehicles = (Vehicle(0, 10, 10 * 3600, H13), Vehicle(0, 10, 10 * 3600, H13))
    p = problem(
        [0, 300, -300],
        vehicles=vehicles,
        allowed=(None, frozenset({1}), frozenset({0})),
    )
    solution = solve(p, PARAMS)
    assert [t.visits for t in solution.trips[0]] == [(2,)]
    assert [t.visits for t in solution.trips[1]] == [(1,)]


def test_the_cheaper_visit_to_drop_is_dropped_when_time_runs_out() -> None:
    # Both clients want 11:00-11:05, 10 minutes apart: only one can be served.
    windows = [(H11, H11 + 300), (H11, H11 + 300)]
    p = RoutingProblem(
        distance=line([0, 600, -600]),
        travel=(line([0, 600, -600]),),
        service=(0, 60, 60),
        windows=((0, 0), *windows),
        demand=(0, 1, 1),
        drop_penalty=(None, 1_000_000, 5_000_000),
        vehicles=(Vehicle(0, 10, 10 * 3600, H13),),
    )
    solution = solve(p, PARAMS)
    assert solution.dropped == (1,)


def test_a_mandatory_visit_that_cannot_be_served_is_a_solver_error() -> None:
    p = problem([0, 7200], windows=[(H11, H11)], penalty=None, vehicles=(Vehicle(0, 10, H11, H13),))
    with pytest.raises(SolverError, match="no solution"):
        solve(p, PARAMS)


def test_problem_checks_name_the_field() -> None:
    with pytest.raises(ValueError, match="`service` has 1 entries, expected 2"):
        RoutingProblem(
            distance=line([0, 1]),
            travel=(line([0, 1]),),
            service=(0,),
            windows=((0, 0), (0, 1)),
            demand=(0, 1),
            drop_penalty=(None, 1),
            vehicles=(Vehicle(0, 1, 0, 10),),
        )
    with pytest.raises(ValueError, match="unknown `first_solution` 'FASTEST'"):
        SearchParams(first_solution="FASTEST")


def test_same_problem_same_solution_in_work_bounded_mode() -> None:
    vehicle = Vehicle(0, capacity=3, earliest_start=10 * 3600, latest_end=H13, max_trips=3)
    positions = [0, 120, 480, -300, 900, 660, -840, 30]
    p = problem(positions, vehicles=(vehicle, vehicle), reload_s=300, max_age_s=3600)
    first = solve(p, PARAMS)
    second = solve(p, PARAMS)
    assert first.trips == second.trips


def test_work_bounded_search_ends_where_no_new_solution_exists() -> None:
    # One client, one vehicle: guided local search finds nothing new and, bounded
    # only by solutions, would search until the time limit.
    p = problem([0, 300])
    params = SearchParams(time_limit_s=30, solution_limit=100, branch_limit=1000)
    solution = solve(p, params)
    assert solution.seconds < params.time_limit_s  # the work limit ended it, not the guard
    assert [t.visits for t in solution.trips[0]] == [(1,)]


def test_extra_local_search_operators_are_named_as_or_tools_names_them() -> None:
    from mealroute.solver import SearchParams, _search_parameters

    search = _search_parameters(SearchParams(operators=("exchange_and_make_active",)))
    assert search.local_search_operators.use_exchange_and_make_active == 3  # BOOL_TRUE
    with pytest.raises(ValueError, match="unknown local-search operator 'nope'"):
        SearchParams(operators=("nope",))


def test_a_search_from_given_routes_keeps_them_feasible_and_never_worse() -> None:
    vehicle = Vehicle(0, capacity=3, earliest_start=10 * 3600, latest_end=H13, max_trips=3)
    positions = [0, 120, 480, -300, 900, 660, -840, 30]
    p = problem(positions, vehicles=(vehicle, vehicle), reload_s=300, max_age_s=3600)
    # A poor start: one vehicle zigzags through everyone in three trips.
    start = [[[4, 3, 1], [6, 2, 7], [5]], []]
    poor = sum(
        int(p.travel[0][a, b])
        for trip in start[0]
        for a, b in zip([0, *trip], [*trip, 0], strict=True)
    )
    solution = solve(p, PARAMS, start=start)
    assert solution.dropped == ()
    assert solution.cost(p.travel[0]) <= poor


def test_a_start_that_does_not_fit_the_problem_is_an_error() -> None:
    p = problem([0, 300, 600])
    with pytest.raises(SolverError, match="start has routes for 2 vehicles"):
        solve(p, PARAMS, start=[[[1]], [[2]]])
    with pytest.raises(SolverError, match="do not fit"):
        solve(p, PARAMS, start=[[[1], [2]]])  # two trips, one allowed


def test_each_stage_starts_from_the_one_before_also_with_an_idle_worker() -> None:
    # Stage one (the disabled client alone) leaves one worker without a trip. Its
    # routes must still be read as the next stage's start: a start that cannot be
    # read made the stage search from scratch and lose what the first one found.
    p = two_tier_day()
    solution = solve(p, PARAMS)
    assert solution.stats["stages"] >= 2
    assert solution.stats["starts_lost"] == 0
    assert solution.dropped == ()


def test_descents_search_on_from_the_best_of_several_first_solutions() -> None:
    p = two_tier_day()
    params = replace(PARAMS, descents=("PATH_CHEAPEST_ARC", "SAVINGS"))
    found = solve(p, params)
    # Under a work limit every descent runs, whatever the machine's speed.
    assert found.stats["descents"] == 3
    assert found.stats["descent"] in (PARAMS.first_solution, *params.descents)
    assert found.stats["starts_lost"] == 0
    assert found.dropped == ()
    assert solve(p, params).trips == found.trips


def test_under_a_time_limit_the_first_descent_always_runs() -> None:
    p = problem([0, 120, 480, -300, 900], max_age_s=3600, tiers=(0, 0, 1, 1, 1))
    params = SearchParams(time_limit_s=0.02, descents=("PATH_CHEAPEST_ARC", "SAVINGS"))
    found = solve(p, params)
    assert found.stats["descents"] >= 1
    assert found.dropped == ()


def test_an_unknown_descent_is_named() -> None:
    with pytest.raises(ValueError, match="unknown `first_solution` 'NOPE'"):
        SearchParams(descents=("NOPE",))
