"""The Solomon benchmark's reader and independent solution checker (benchmarks/solomon.py).

The data lives outside the project (``../shared/benchmarks/solomon``); tests that need
it are skipped when it is absent. Timings are never asserted here: they are measured by
``python -m benchmarks.run_solomon`` and written down in ``benchmarks/README.md``.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from benchmarks.engines import integer_matrices, routing_problem, run_ortools
from benchmarks.solomon import (
    Instance,
    check_routes,
    family_of,
    find_solomon_dir,
    instance_names,
    read_bks,
    read_instance,
    read_routes,
)

SOLOMON = find_solomon_dir()
needs_data = pytest.mark.skipif(
    SOLOMON is None,
    reason="Solomon data absent: expected ../shared/benchmarks/solomon next to the repository, "
    "/work/shared/benchmarks/solomon, or $MEALROUTE_SOLOMON_DIR",
)


@pytest.fixture(scope="module")
def c101() -> Instance:
    assert SOLOMON is not None
    return read_instance(SOLOMON / "C101.txt")


@pytest.fixture(scope="module")
def bks_routes() -> list[list[int]]:
    assert SOLOMON is not None
    return read_routes(SOLOMON / "C101.bks.sol")


@needs_data
def test_read_c101(c101: Instance) -> None:
    assert (c101.name, c101.num_vehicles, c101.capacity) == ("C101", 25, 200)
    assert c101.num_customers == 100
    assert c101.horizon == 1236
    # customer 1: 45 68 10 912 967 90
    assert (c101.x[1], c101.y[1], c101.demand[1]) == (45.0, 68.0, 10)
    assert (c101.ready[1], c101.due[1], c101.service[1]) == (912, 967, 90)
    assert c101.family == "C1"


@needs_data
def test_all_56_instances_read() -> None:
    assert SOLOMON is not None
    names = instance_names(SOLOMON)
    assert len(names) == 56
    bks = read_bks(SOLOMON / "bks.csv")
    assert set(bks) == set(names)
    for name in names:
        instance = read_instance(SOLOMON / f"{name}.txt")
        assert instance.num_customers == 100, name
        assert instance.name == name


@needs_data
def test_checker_accepts_the_best_known_c101(c101: Instance, bks_routes: list[list[int]]) -> None:
    check = check_routes(c101, bks_routes)
    assert check.feasible, check.problems
    assert check.vehicles == 10
    assert check.distance == pytest.approx(828.9369, abs=5e-5)
    assert SOLOMON is not None
    best = read_bks(SOLOMON / "bks.csv")["C101"]
    assert (best.vehicles, best.distance) == (10, pytest.approx(check.distance, abs=0.005))


@needs_data
def test_checker_finds_a_missing_and_a_repeated_customer(
    c101: Instance, bks_routes: list[list[int]]
) -> None:
    routes = [list(r) for r in bks_routes]
    moved = routes[0].pop()
    routes[1].append(routes[1][0])
    check = check_routes(c101, routes)
    assert not check.feasible
    assert f"1 customers not served: [{moved}]" in check.problems
    assert f"customer {routes[1][0]} served 2 times" in check.problems


@needs_data
def test_checker_finds_a_late_service(c101: Instance, bks_routes: list[list[int]]) -> None:
    routes = [list(reversed(bks_routes[0])), *bks_routes[1:]]
    check = check_routes(c101, routes)
    assert not check.feasible
    assert any(p.startswith("route 1: customer") and "> due" in p for p in check.problems)


@needs_data
def test_checker_finds_an_overloaded_route(c101: Instance) -> None:
    # one route with every customer: its load is far above one vehicle's 200
    check = check_routes(c101, [list(range(1, 101))])
    load = sum(c101.demand[1:])
    assert f"route 1: load {load} > capacity 200" in check.problems


@needs_data
def test_checker_finds_too_many_vehicles(c101: Instance) -> None:
    check = check_routes(c101, [[c] for c in range(1, 101)])
    assert "100 routes, fleet is 25" in check.problems
    # one customer per route is otherwise fine on C101
    assert len(check.problems) == 1


@needs_data
def test_checker_finds_a_late_return(c101: Instance) -> None:
    late = dataclasses.replace(c101, due=(100, *c101.due[1:]))  # horizon 100: nobody is back
    check = check_routes(late, [[c] for c in range(1, 26)] + [list(range(26, 101))])
    assert any("back at the depot" in p for p in check.problems)


@needs_data
def test_mealroute_solver_solves_c101_feasibly(c101: Instance) -> None:
    # Solomon's times x1000 exceed two days: the solver must size its horizon itself.
    problem = routing_problem(c101)
    assert problem.num_visits == 100
    assert len(problem.vehicles) == 25
    # the integer distance of the best-known routes is the real one to within rounding
    distance, travel = integer_matrices(c101)
    assert SOLOMON is not None
    routes = read_routes(SOLOMON / "C101.bks.sol")
    legs = [(a, b) for r in routes for a, b in zip((0, *r), (*r, 0), strict=True)]
    assert sum(int(distance[a, b]) for a, b in legs) / 1000 == pytest.approx(828.9369, abs=0.06)
    assert all(travel[a, b] >= distance[a, b] for a, b in legs)
    run = run_ortools(
        c101,
        seconds=2.0,
        first_solution="PARALLEL_CHEAPEST_INSERTION",
        metaheuristic="GUIDED_LOCAL_SEARCH",
    )
    assert run.check.feasible, run.check.problems
    assert run.check.vehicles >= 10  # no solution of C101 uses fewer


def test_family_of() -> None:
    assert [family_of(n) for n in ("C101", "c208", "R112", "RC201")] == ["C1", "C2", "R1", "RC2"]
    with pytest.raises(ValueError, match="not a Solomon instance name: 'X101'"):
        family_of("X101")


def test_read_instance_without_customer_table(tmp_path: Path) -> None:
    path = tmp_path / "C999.txt"
    path.write_text("C999\n\nVEHICLE\nNUMBER     CAPACITY\n  25         200\n\nCUSTOMER\n")
    with pytest.raises(ValueError, match="must start with the depot"):
        read_instance(path)


def test_read_instance_without_vehicle_line(tmp_path: Path) -> None:
    path = tmp_path / "C998.txt"
    path.write_text("C998\n\nCUSTOMER\n    0  40  50  0  0  1236  0\n")
    with pytest.raises(ValueError, match="no 'NUMBER CAPACITY' line"):
        read_instance(path)
