"""Benchmarks of the mealroute solver (Solomon VRPTW against PyVRP; a city end to end).

Not part of the installed package: run from the repository root, e.g.
``python -m benchmarks.run_solomon --help``.
"""
