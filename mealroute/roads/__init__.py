"""Road networks: travel along streets instead of straight lines.

How data flows:

1. :mod:`.build` turns an OpenStreetMap extract (``CITY.osm.pbf``) into one routing
   network per profile (foot, bicycle, car) with OSRM's own tools, once, into a folder
   that every plan reuses (``mealroute network build``).
2. :mod:`.engine` answers tables of road distances between a station's points, from
   that folder in this process or from a routing server the user runs (OSRM or
   Valhalla, :mod:`.servers`), and says how far each point lies from the nearest
   road. :class:`RoadTravel` is a travel source with
   the same ``matrices`` method as :class:`mealroute.travel.GeodesicTravel`, so the
   planner does not care which one it has. It also draws legs along the streets for
   the maps.
3. :mod:`.calibrate` compares road distances with straight lines around each station
   and suggests a detour factor per mode for stations without road data.

OSRM is in the optional dependency ``osrm-bindings`` (``pip install mealroute[road]``);
a server needs only HTTP. The straight-line model needs nothing of this package.
"""

from .build import build_network, read_manifest
from .engine import UNREACHABLE_M, RoadTravel, travel_source

__all__ = ["UNREACHABLE_M", "RoadTravel", "build_network", "read_manifest", "travel_source"]
