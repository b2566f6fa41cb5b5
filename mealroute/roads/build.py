"""Building a routing network per profile from an OpenStreetMap extract, once.

``build_network(pbf, out)`` runs OSRM's extract, partition and customize (the
multi-level Dijkstra pipeline: no contraction step, so a rebuild after an update is
fast) for each profile, each into a folder of its own built beside the target and
renamed into place only when complete, so an interrupted build never leaves a
half-written network that a plan would read. ``network.json`` records what each
profile was built from (the extract's SHA-256, OSRM's version, the seconds it took);
a profile already built from the same bytes by the same OSRM is reused, not rebuilt.

OpenStreetMap data is under the ODbL: the manifest keeps the attribution, and so must
anything shared that is derived from the network.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any

from ..atomic import write_text
from ..errors import NetworkError
from ..model import Message, Profile

MANIFEST = "network.json"
BASENAME = "map"  # OUT/<profile>/map.osrm.*
ATTRIBUTION = "OpenStreetMap data © OpenStreetMap contributors, ODbL 1.0"
STEPS = ("extract", "partition", "customize")


@dataclass(frozen=True)
class Built:
    """One profile's network: where it is and whether this run built it."""

    profile: Profile
    path: Path  # the .osrm base path OSRM opens
    seconds: float
    reused: bool


def osrm_version() -> str:
    try:
        return metadata.version("osrm-bindings")
    except metadata.PackageNotFoundError:
        raise NetworkError(Message("road_engine_missing")) from None


def profile_path(network: Path, profile: Profile) -> Path:
    """The base path (``…/map.osrm``) of ``profile``'s network in a built folder."""
    return Path(network) / str(profile) / f"{BASENAME}.osrm"


def read_manifest(network: Path) -> dict[str, Any]:
    """``network.json`` of a built folder; a clear error when it is not one."""
    path = Path(network) / MANIFEST
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise NetworkError(Message("road_network_missing", {"path": str(network)})) from None
    except (OSError, ValueError) as error:
        raise NetworkError(
            Message("road_network_unreadable", {"path": str(path), "detail": str(error)})
        ) from None
    if not isinstance(document, dict) or not isinstance(document.get("profiles"), dict):
        raise NetworkError(
            Message("road_network_unreadable", {"path": str(path), "detail": "no profiles"})
        )
    return document


def build_network(
    pbf: Path,
    out: Path,
    profiles: Iterable[Profile] = tuple(Profile),
    *,
    threads: int | None = None,
    force: bool = False,
    progress: Callable[[Profile, str], None] | None = None,
) -> list[Built]:
    """Build (or reuse) the network of each profile from ``pbf`` into ``out``.

    Parameters
    ----------
    pbf
        An OpenStreetMap extract (``.osm.pbf``, or ``.osm``/``.osm.bz2`` XML).
    out
        The network folder; created when missing. Other profiles in it are kept.
    profiles
        Which to build.
    threads
        OSRM's worker threads (default: all cores).
    force
        Rebuild even when the folder holds a network built from the same extract.
    progress
        Called with each profile and step as it starts (the CLI prints it).

    Raises
    ------
    NetworkError
        osrm-bindings is not installed, the extract cannot be read, or a step failed
        (with the last words OSRM said).
    """
    pbf, out = Path(pbf), Path(out)
    version = osrm_version()
    if not pbf.is_file():
        raise NetworkError(Message("road_extract_missing", {"path": str(pbf)}))
    digest = _sha256(pbf)
    out.mkdir(parents=True, exist_ok=True)
    manifest = _manifest_or_empty(out)
    built: list[Built] = []
    for profile in profiles:
        entry = manifest["profiles"].get(str(profile), {})
        target = profile_path(out, profile)
        if (
            not force
            and entry.get("source_sha256") == digest
            and entry.get("osrm") == version
            and target.with_suffix(".osrm.properties").is_file()
        ):
            built.append(Built(profile, target, float(entry.get("seconds", 0)), reused=True))
            continue
        started = time.perf_counter()
        _build_profile(pbf, out, profile, threads, progress)
        seconds = round(time.perf_counter() - started, 3)
        manifest["profiles"][str(profile)] = {
            "source": pbf.name,
            "source_sha256": digest,
            "source_bytes": pbf.stat().st_size,
            "osrm": version,
            "algorithm": "MLD",
            "seconds": seconds,
            "built": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        }
        write_text(out / MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=2) + "\n")
        built.append(Built(profile, target, seconds, reused=False))
    return built


def _manifest_or_empty(out: Path) -> dict[str, Any]:
    try:
        return read_manifest(out)
    except NetworkError:
        return {"attribution": ATTRIBUTION, "profiles": {}}


def _build_profile(
    pbf: Path,
    out: Path,
    profile: Profile,
    threads: int | None,
    progress: Callable[[Profile, str], None] | None,
) -> None:
    import osrm  # the optional engine; osrm_version() has checked it is there

    tools = Path(osrm.__file__).parent
    lua = tools / "share" / "profiles" / f"{profile}.lua"
    staging = Path(tempfile.mkdtemp(prefix=f".{profile}.", suffix=".building", dir=out))
    try:
        source = staging / f"{BASENAME}{_extract_suffix(pbf)}"
        os.symlink(pbf.resolve(), source)
        base = staging / f"{BASENAME}.osrm"
        jobs = ["-t", str(threads)] if threads else []
        commands = {
            "extract": ["osrm-extract", "-p", str(lua), *jobs, str(source)],
            "partition": ["osrm-partition", *jobs, str(base)],
            "customize": ["osrm-customize", *jobs, str(base)],
        }
        for step in STEPS:
            if progress:
                progress(profile, step)
            program, *arguments = commands[step]
            _run(tools / "bin" / program, arguments, step, pbf)
        source.unlink()
        final = out / str(profile)
        old = out / f".{profile}.old"
        shutil.rmtree(old, ignore_errors=True)
        if final.exists():
            os.replace(final, old)
        os.replace(staging, final)
        shutil.rmtree(old, ignore_errors=True)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _run(program: Path, arguments: list[str], step: str, pbf: Path) -> None:
    result = subprocess.run(
        [str(program), *arguments],
        capture_output=True,
        text=True,
        errors="replace",
        check=False,
    )
    if result.returncode != 0:
        said = [line for line in (result.stderr + result.stdout).splitlines() if line.strip()]
        detail = said[-1].strip() if said else f"exit {result.returncode}"
        raise NetworkError(
            Message("road_build_failed", {"step": step, "path": str(pbf), "detail": detail})
        )


def _extract_suffix(pbf: Path) -> str:
    name = pbf.name.lower()
    for suffix in (".osm.pbf", ".osm.bz2", ".osm"):
        if name.endswith(suffix):
            return suffix
    return ".osm.pbf"


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()
