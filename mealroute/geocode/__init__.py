"""Geocoding: addresses to points through AMap (高德), Baidu and a self-hosted Nominatim.

How a run flows (``mealroute geocode DATA``)::

    read/ tables ─▶ fill.wanted_rows ─▶ cache.py (asked before?) ─▶ providers.py ─▶ geopy
                                                  │                  (amap.py: AMap)
    geocoded/stations.csv, clients.csv ◀─ fill.py ◀┘  review.html ◀─ review.py
          │
          └─▶ sidecar.read_geocoded ─▶ read/load.py (rows whose coordinates are empty)

:mod:`~mealroute.geocode.amap` is the AMap adapter, written in geopy's own style;
:mod:`~mealroute.geocode.providers` puts the three services behind one interface;
:mod:`~mealroute.geocode.cache` keeps every answer; :mod:`~mealroute.geocode.fill`
runs it; :mod:`~mealroute.geocode.sidecar` is all the reader needs to take the points
back; :mod:`~mealroute.geocode.review` draws them for a person to check.
"""
