"""What the map pages inline so that each is one file that works alone.

A worker's page is forwarded on its own in WeChat or DingTalk; a script or style
it linked from a folder beside it would not travel with it. So every map page
carries, inline:

- Leaflet's script and stylesheet, from the ``django-js-lib-leaflet`` package
  (Leaflet's own release files as package data; Django is only needed to *serve*
  them from a Django site, mealroute only reads them);
- the Leaflet.markercluster plugin, from ``xstatic-leaflet-markercluster``
  (the plugin's release files as package data);
- mealroute's own stylesheet and script for the maps (``_static/`` beside this
  module): one script draws a page from the JSON data the page holds.

Library files are read once, then trimmed of what a page opened from disk cannot
use: source-map comments (a browser would look for a ``.map`` file) and CSS
comments. Leaflet's stylesheet points at images (``images/layers.png``, the default
marker) that the pages never show (markers are drawn with CSS, the layer list is
mealroute's own); those ``url()``\\ s become ``none`` so that nothing refers to a
file that is not there.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from importlib import resources
from importlib.resources.abc import Traversable

from markupsafe import Markup

from ..errors import MealrouteError

LEAFLET_PACKAGE = "js_lib_leaflet"
LEAFLET_REQUIREMENT = "django-js-lib-leaflet>=1.9.4,<1.10"
CLUSTER_PACKAGE = "xstatic.pkg.leaflet_markercluster"
CLUSTER_REQUIREMENT = "xstatic-leaflet-markercluster>=1.4.1,<1.5"

_SOURCE_MAP = re.compile(r"^\s*//# sourceMappingURL=.*$", re.MULTILINE)
_CSS_COMMENT = re.compile(r"/\*.*?\*/", re.DOTALL)
_IMAGE_URL = re.compile(r"url\(\s*['\"]?images/[^)]*\)")
# Text that would end the inline element early, or open an HTML comment in a script.
_CLOSERS = re.compile(r"</(script|style)|<!--", re.IGNORECASE)


def _package_dir(package: str, requirement: str, *parts: str) -> Traversable:
    try:
        root = resources.files(package)
    except ModuleNotFoundError:
        raise MealrouteError(
            f"a map library is missing: install it with `pip install '{requirement}'`"
        ) from None
    return root.joinpath(*parts)


def _leaflet() -> Traversable:
    return _package_dir(LEAFLET_PACKAGE, LEAFLET_REQUIREMENT, "static", LEAFLET_PACKAGE)


def _cluster() -> Traversable:
    return _package_dir(CLUSTER_PACKAGE, CLUSTER_REQUIREMENT, "data")


def _own(name: str) -> str:
    return resources.files(__package__).joinpath("_static", name).read_text("utf-8")


def _script(text: str, name: str) -> Markup:
    text = _SOURCE_MAP.sub("", text).strip()
    if _CLOSERS.search(text):
        raise MealrouteError(f"{name} cannot be inlined: it holds </script>, </style> or <!--")
    return Markup(text)


def _style(text: str, name: str) -> Markup:
    text = _IMAGE_URL.sub("none", _CSS_COMMENT.sub("", text))
    text = "\n".join(line.rstrip() for line in text.splitlines() if line.strip())
    return _script(text, name)


@dataclass(frozen=True)
class Inline:
    """The scripts and stylesheets a map page inlines, trusted and ready to insert."""

    leaflet_js: Markup
    leaflet_css: Markup
    cluster_js: Markup
    cluster_css: Markup
    maps_js: Markup
    maps_css: Markup

    @property
    def styles(self) -> Markup:
        """Every stylesheet in cascade order: Leaflet, the plugin, then mealroute's."""
        return Markup("\n").join((self.leaflet_css, self.cluster_css, self.maps_css))

    @property
    def libraries(self) -> Markup:
        """Leaflet, then the plugin that extends it."""
        return Markup("\n").join((self.leaflet_js, self.cluster_js))


@cache
def inline_assets() -> Inline:
    """The inlined files of every map page (read once per process).

    Raises
    ------
    MealrouteError
        If a package that ships a library is not installed, or a file could not be
        inlined safely.
    """
    leaflet, cluster = _leaflet(), _cluster()
    return Inline(
        leaflet_js=_script(leaflet.joinpath("leaflet.js").read_text("utf-8"), "leaflet.js"),
        leaflet_css=_style(leaflet.joinpath("leaflet.css").read_text("utf-8"), "leaflet.css"),
        cluster_js=_script(
            cluster.joinpath("leaflet.markercluster.js").read_text("utf-8"),
            "leaflet.markercluster.js",
        ),
        cluster_css=_style(
            cluster.joinpath("MarkerCluster.css").read_text("utf-8"), "MarkerCluster.css"
        ),
        maps_js=_script(_own("maps.js"), "maps.js"),
        maps_css=_style(_own("maps.css"), "maps.css"),
    )


def leaflet_version() -> str:
    """The version of the Leaflet release the pages inline."""
    head = _leaflet().joinpath("leaflet.js").read_text("utf-8")[:300]
    marker = "Leaflet "
    start = head.index(marker) + len(marker)
    return head[start:].split(",", 1)[0].strip()


def cluster_version() -> str:
    """The version of Leaflet.markercluster the pages inline."""
    try:
        from xstatic.pkg import leaflet_markercluster
    except ModuleNotFoundError:
        raise MealrouteError(
            f"a map library is missing: install it with `pip install '{CLUSTER_REQUIREMENT}'`"
        ) from None
    return str(leaflet_markercluster.VERSION)
