"""Leaflet, copied into the output folder so that every map opens with no network.

Leaflet comes from the ``django-js-lib-leaflet`` package, which ships Leaflet's own
release files (``leaflet.js``, ``leaflet.css`` and the marker and layer-control
images) as package data and depends on nothing (Django is only needed to *serve*
them from a Django site; mealroute only reads the files). Pages link the copies
under ``assets/leaflet/`` by relative URLs, see :func:`leaflet_links`.
"""

from __future__ import annotations

from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path, PurePosixPath

from ..atomic import write_bytes
from ..errors import MealrouteError
from .paths import ASSETS, inside, relative_link

LEAFLET_PACKAGE = "js_lib_leaflet"
LEAFLET_REQUIREMENT = "django-js-lib-leaflet>=1.9.4,<1.10"
LEAFLET_DIR = ASSETS / "leaflet"
LEAFLET_JS = LEAFLET_DIR / "leaflet.js"
LEAFLET_CSS = LEAFLET_DIR / "leaflet.css"
_FILES = ("leaflet.js", "leaflet.css")
_IMAGES = (
    "layers.png",
    "layers-2x.png",
    "marker-icon.png",
    "marker-icon-2x.png",
    "marker-shadow.png",
)


def _leaflet_source() -> Traversable:
    try:
        root = resources.files(LEAFLET_PACKAGE)
    except ModuleNotFoundError:
        raise MealrouteError(
            f"Leaflet is missing: install it with `pip install '{LEAFLET_REQUIREMENT}'`"
        ) from None
    return root.joinpath("static", LEAFLET_PACKAGE)


def leaflet_version() -> str:
    """The version of the Leaflet release that :func:`install_assets` copies."""
    head = _leaflet_source().joinpath("leaflet.js").read_text("utf-8")[:300]
    marker = "Leaflet "
    start = head.index(marker) + len(marker)
    return head[start:].split(",", 1)[0].strip()


def install_assets(out_dir: Path) -> None:
    """Copy Leaflet's JavaScript, CSS and images into ``out_dir/assets/leaflet/``.

    Each file is written atomically; running it again replaces the files.

    Parameters
    ----------
    out_dir
        The day's output folder.

    Raises
    ------
    MealrouteError
        If the package that ships Leaflet is not installed.
    """
    source = _leaflet_source()
    for name in _FILES:
        data = source.joinpath(name).read_bytes()
        write_bytes(inside(out_dir, LEAFLET_DIR / name), data)
    for name in _IMAGES:
        data = source.joinpath("images", name).read_bytes()
        write_bytes(inside(out_dir, LEAFLET_DIR / "images" / name), data)


def leaflet_links(page: PurePosixPath) -> tuple[str, str]:
    """Relative URLs of Leaflet's script and stylesheet as seen from ``page``.

    Parameters
    ----------
    page
        The page's path relative to the output folder.

    Returns
    -------
    tuple of str
        ``(script_url, stylesheet_url)``.
    """
    return relative_link(page, LEAFLET_JS), relative_link(page, LEAFLET_CSS)
