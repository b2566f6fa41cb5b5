"""mealroute: lunch routes for community meal delivery to elderly people at home.

Data flows one way: ``load`` (files -> model) -> ``planner`` (one station's day ->
``solver`` -> plan) -> ``output`` (plan.json, routes.csv) -> ``render`` (maps, sheets).
"""

__version__ = "0.1.0"
