"""What the pages share: links between output files, and writing a page.

Every page of the day pack (``index.html``, the maps, the route sheets and the
kitchen list) is rendered from the autoescaped templates in ``_templates/`` (see
:func:`mealroute.render.i18n.html_environment`); each renderer returns the page's
text and hands it to :func:`write_page`.
"""

from __future__ import annotations

from pathlib import Path, PurePosixPath
from urllib.parse import quote

from .. import atomic
from . import paths


def link(from_file: PurePosixPath, to_file: PurePosixPath) -> str:
    """A relative, percent-encoded URL from one output file to another."""
    return quote(paths.relative_link(from_file, to_file), safe="/")


def write_page(out_dir: Path, relative: PurePosixPath, text: str) -> Path:
    """Write ``text`` atomically to ``relative`` inside ``out_dir``; returns the file written.

    Raises
    ------
    ValueError
        When ``relative`` would leave ``out_dir`` (see :func:`.paths.inside`).
    """
    target = paths.inside(out_dir, relative)
    atomic.write_text(target, text)
    return target
