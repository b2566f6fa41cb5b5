"""The day's folder, changed as a whole or not at all.

A day pack (``plan.json``, ``routes.csv``, the maps, sheets and lists drawn from
them) is written into a fresh folder beside the target, ``.<name>.partial-<id>``,
and swapped into place only when every file is complete. So the folder always holds
exactly one plan's files: a worker who had a route in the last plan and none in this
one finds her new page, not her old one; an interrupted or failed run (SIGTERM,
SIGKILL, a drawing error, a full disk) leaves the previous pack as it was, and the
next run clears what the interrupted one left behind.

On Linux the swap is one ``renameat2(RENAME_EXCHANGE)``, so there is no moment
without a pack; elsewhere it is two renames.

The replaced pack's ``plan.json`` is kept in ``<out>.history/`` beside the folder
(:func:`history_dir`), so the plan workers were given before is never lost.

Only a folder that is empty or holds a pack (it has the ``.mealroute-pack`` mark)
is ever replaced, so ``--out ~/Desktop`` cannot delete anybody's files. Two runs
into one folder at once wait for each other (a lock file beside it).
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import json
import os
import secrets
import shutil
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

from .atomic import write_bytes
from .errors import MealrouteError
from .model import Plan

MARK = ".mealroute-pack"
HISTORY_KEPT = 50  # replaced plans kept beside a day's folder
_PARTIAL = ".partial-"
_OLD = ".old-"


class PackError(MealrouteError, OSError):
    """The day's folder cannot be written (it is not a pack, or the disk said no)."""


def is_pack(folder: Path) -> bool:
    """Whether ``folder`` holds a day pack that mealroute wrote (also an older one)."""
    if (folder / MARK).is_file():
        return True
    plan = folder / "plan.json"
    with contextlib.suppress(OSError):
        return plan.is_file() and b'"generator": "mealroute' in plan.read_bytes()[:4096]
    return False


def _target(out_dir: Path) -> Path:
    """The real folder to replace (a symlink to a folder is followed)."""
    out = Path(out_dir).expanduser()
    out = out.resolve() if out.is_symlink() else Path(os.path.abspath(out))
    if out.exists() and not out.is_dir():
        raise PackError(f"{out} is a file, not a folder; choose a folder for the day's pack")
    if out.is_dir() and any(out.iterdir()) and not is_pack(out):
        raise PackError(
            f"{out} is not empty and holds no mealroute day pack; mealroute replaces the "
            "whole folder, so choose an empty or new folder"
        )
    return out


@contextlib.contextmanager
def _locked(out: Path) -> Iterator[None]:
    """Hold a lock beside ``out`` so two runs do not swap one folder at once."""
    out.parent.mkdir(parents=True, exist_ok=True)
    lock = out.parent / f".{out.name}.lock"
    with open(lock, "a+b") as handle:
        try:
            import fcntl
        except ImportError:  # not POSIX: no lock, the swap is still whole-or-nothing
            yield
            return
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _clear_leftovers(out: Path) -> None:
    """Remove what an interrupted run left beside ``out`` (under the lock)."""
    for stale in out.parent.glob(f".{out.name}{_PARTIAL}*"):
        shutil.rmtree(stale, ignore_errors=True)
    for stale in out.parent.glob(f".{out.name}{_OLD}*"):
        shutil.rmtree(stale, ignore_errors=True)


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths atomically (Linux ``renameat2``); False where it is not available."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    at_fdcwd, rename_exchange = -100, 2
    result = renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange)
    if result == 0:
        return True
    if ctypes.get_errno() in (errno.EINVAL, errno.ENOSYS, errno.ENOTSUP):
        return False  # a file system without RENAME_EXCHANGE
    raise OSError(ctypes.get_errno(), os.strerror(ctypes.get_errno()), str(b))


def _swap_in(staged: Path, out: Path) -> None:
    if not out.exists():
        os.rename(staged, out)
        return
    if _exchange(staged, out):
        _keep_plan(staged, out)  # staged is now the old pack
        shutil.rmtree(staged, ignore_errors=True)
        return
    old = out.parent / f".{out.name}{_OLD}{secrets.token_hex(4)}"
    os.rename(out, old)
    os.rename(staged, out)
    _keep_plan(old, out)
    shutil.rmtree(old, ignore_errors=True)


def history_dir(out: Path) -> Path:
    """Where the plans a day's folder held before are kept: ``<out>.history`` beside it."""
    return out.parent / f"{out.name}.history"


def _keep_plan(old_pack: Path, out: Path) -> None:
    """Keep the replaced pack's plan.json in the history, named by when it was made.

    The pages can be drawn again from it (``mealroute render``). At most
    :data:`HISTORY_KEPT` are kept; the oldest go first. A plan that cannot be kept (a
    full disk) does not stop the new pack, which is already in place.
    """
    plan = old_pack / "plan.json"
    if not plan.is_file():
        return
    with contextlib.suppress(OSError, ValueError):
        data = plan.read_bytes()
        head = json.loads(data)
        moment = str(head.get("planned_at") or "").replace(":", "").replace("-", "")
        name = f"plan-{moment or 'unknown'}-{head.get('plan_id') or 'unknown'}.json"
        folder = history_dir(out)
        folder.mkdir(exist_ok=True)
        write_bytes(folder / name, data)
        kept = sorted(folder.glob("plan-*.json"), key=lambda path: path.stat().st_mtime_ns)
        for path in kept[:-HISTORY_KEPT]:
            path.unlink()


def write_pack(
    out_dir: Path,
    fill: Callable[[Path], list[Path]],
) -> list[Path]:
    """Write a day pack with ``fill`` into a staging folder, then swap it into ``out_dir``.

    Parameters
    ----------
    out_dir
        The day's folder: created, or replaced as a whole if it holds a pack.
    fill
        Writes every file of the pack into the folder it is given and returns them.

    Returns
    -------
    list of Path
        The files of the pack, at their final place.

    Raises
    ------
    PackError
        ``out_dir`` is a file, or a folder that is not empty and not a pack, or the
        disk refused (permissions, space). The previous pack is then untouched.
    """
    out = _target(out_dir)
    try:
        with _locked(out):
            _clear_leftovers(out)
            staged = out.parent / f".{out.name}{_PARTIAL}{secrets.token_hex(4)}"
            try:
                staged.mkdir()
                (staged / MARK).write_text(
                    "mealroute day pack: this folder is replaced as a whole\n"
                )
                written = fill(staged)
                _fsync_tree(staged)
                _swap_in(staged, out)
            except BaseException:
                shutil.rmtree(staged, ignore_errors=True)
                raise
    except OSError as error:
        raise PackError(
            f"cannot write the day's folder {out}: {error.strerror or error}"
        ) from error
    return [out / path.relative_to(staged) for path in written]


def _fsync_tree(folder: Path) -> None:
    """Flush the staged files to disk before they replace the old pack."""
    for path in folder.rglob("*"):
        if path.is_file():
            with contextlib.suppress(OSError), open(path, "rb") as handle:
                os.fsync(handle.fileno())


def pack_plan(
    plan: Plan,
    out_dir: Path,
    *,
    lang: str,
    tiles: str,
    redact: bool = False,
) -> list[Path]:
    """Write the whole day pack of ``plan`` (plan.json, routes.csv, pages) into ``out_dir``."""
    from .output import write_plan_json, write_routes_csv
    from .render import render_day

    def fill(folder: Path) -> list[Path]:
        written = [write_plan_json(plan, folder), write_routes_csv(plan, folder, lang=lang)]
        written += render_day(plan, folder, lang=lang, tiles=tiles, redact=redact)
        return written

    return write_pack(out_dir, fill)
