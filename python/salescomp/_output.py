"""Output folders that cannot hurt the user (docs/analyst.md, "The output folder").

The rules, in the order :func:`atomic_directory` applies them:

1. **Refusals.** The target must not be a symbolic link or a file; it must not be, or
   contain, a protected folder (the current directory, the home directory, the input
   folder: never, whatever ``force`` says); if it is a non-empty folder it must be one that
   salescomp wrote and that holds nothing but what salescomp wrote (its ``.salescomp-output``
   manifest lists every file), unless ``force`` is given.
2. **Stale temporaries** beside the target (``.NAME.tmp-PID-*`` of a process that is gone)
   are removed; a target that a crash left absent is restored from its ``.NAME.old-PID-*``.
3. **Writing** happens in a fresh temporary folder beside the target (same file system).
   Only names made by :func:`file_name` or fixed names end up in it: no input value ever
   becomes a path component unescaped, so nothing is written outside the folder.
4. **Publishing**: the manifest is written last; every file and folder is fsynced; then one
   atomic rename. An existing target is swapped with the new folder in one step
   (``renameat2(RENAME_EXCHANGE)`` on Linux), so a kill at any instant leaves the old complete
   folder or the new complete one, never none and never a mix. Where the exchange is not
   available (other systems, some file systems) the old folder is first renamed aside and the
   next run restores it if a crash came between the two renames.
5. **Signals**: SIGINT, SIGTERM and SIGHUP while the folder is being written remove the
   temporary folder and leave the target as it was (:class:`Interrupted` is raised; the CLI
   then exits as the signal asks). A SIGKILL leaves the temporary folder, which the next run
   removes (rule 2).
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import hashlib
import json
import os
import re
import secrets
import shutil
import signal
import sys
import threading
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

__all__ = [
    "MARKER",
    "Interrupted",
    "RefusedOutputFolder",
    "atomic_directory",
    "check_target",
    "clean_stale",
    "file_name",
    "write_table",
]

#: The manifest file salescomp writes last into every folder it publishes. Its presence (with
#: ``"created_by": "salescomp"``) is how salescomp recognises its own folders; ``files`` lists
#: every file it wrote, so a folder with anything else in it is not replaced without ``force``.
MARKER = ".salescomp-output"

_MAX_NAME_BYTES = 200  # encoded stems longer than this are shortened with a hash (file systems allow 255)
_WINDOWS_DEVICES = {"con", "prn", "aux", "nul", *(f"com{i}" for i in range(1, 10)),
                    *(f"lpt{i}" for i in range(1, 10))}


class RefusedOutputFolder(FileExistsError):
    """The output folder may not be written (a protected folder, someone else's files...)."""


class Interrupted(BaseException):
    """SIGTERM or SIGHUP arrived while an output folder was being written (it was cleaned up)."""

    def __init__(self, signum: int) -> None:
        super().__init__(f"interrupted by {signal.Signals(signum).name}")
        self.signum = signum


# -- file names ---------------------------------------------------------------------------------

def file_name(text: str, suffix: str = "") -> str:
    """A file name for an arbitrary input value (a person id...), safe and collision-proof.

    Kept as is: ``a-z``, ``0-9``, ``-``, ``_`` and ``.`` (except a leading one). An upper-case
    letter becomes ``+`` and the letter in lower case (``AE_1`` -> ``+a+e_1``), so two ids never
    collide on a case-insensitive file system. Every other UTF-8 byte becomes ``%`` and two
    lower-case hex digits (``/`` -> ``%2f``, ``é`` -> ``%c3%a9``, a leading ``.`` -> ``%2e``).
    A stem that is a Windows device name (``con``, ``nul``, ``com1``...) gets its first letter
    escaped; the empty id is ``%``. The encoding is one-to-one and its result never contains a
    path separator, ``..`` as a component, or a hidden name. A result longer than 200 bytes
    keeps its first 160 bytes, then ``~`` and 32 hex digits of the SHA-256 of the id (``~`` is
    otherwise always escaped, so shortened names cannot collide with unshortened ones).
    """
    out = []
    for i, byte in enumerate(text.encode("utf-8", "surrogatepass")):
        ch = chr(byte)
        if ("a" <= ch <= "z") or ("0" <= ch <= "9") or ch in "-_" or (ch == "." and i > 0):
            out.append(ch)
        elif "A" <= ch <= "Z":
            out.append("+" + ch.lower())
        else:
            out.append(f"%{byte:02x}")
    name = "".join(out) if out else "%"
    stem = name.split(".", 1)[0]
    if stem in _WINDOWS_DEVICES:
        name = f"%{ord(name[0]):02x}{name[1:]}"
    if len(name) > _MAX_NAME_BYTES:
        digest = hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:32]
        name = f"{name[:160]}~{digest}"
    return name + suffix


def _fixed_name(name: str) -> str:
    if not re.fullmatch(r"[a-z0-9_]+", name):
        raise ValueError(f"internal: output name {name!r} is not a fixed lower-case name")
    return name


# -- refusals -----------------------------------------------------------------------------------

def _real(path: Path) -> Path:
    return Path(os.path.realpath(path))


def _is_same_or_ancestor(folder: Path, other: Path) -> bool:
    return folder == other or folder in other.parents


def _read_manifest(folder: Path) -> list[str] | None:
    marker = folder / MARKER
    if marker.is_symlink() or not marker.is_file():
        return None
    try:
        data = json.loads(marker.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or data.get("created_by") != "salescomp" or not isinstance(data.get("files"), list):
        return None
    return [f for f in data["files"] if isinstance(f, str)]


def _files_under(folder: Path) -> list[str]:
    """Every entry under ``folder``, relative, folders with a trailing ``/`` (links not followed)."""
    out = []
    for root, dirs, files in os.walk(folder):
        rel = Path(root).relative_to(folder)
        for d in dirs:
            link = (Path(root) / d).is_symlink()
            out.append((rel / d).as_posix() + ("" if link else "/"))
        out.extend((rel / f).as_posix() for f in files)
    return sorted(out)


def check_target(target: str | os.PathLike[str], *, force: bool = False,
                 protect: Iterable[str | os.PathLike[str]] = ()) -> Path:
    """Refuse a target that :func:`atomic_directory` must not replace; returns its absolute path.

    ``protect``: folders (e.g. the input folder) that the target may neither be nor contain;
    the current directory and the home directory are always protected.
    """
    target = Path(os.path.abspath(target))
    if target.is_symlink():
        raise RefusedOutputFolder(f"{target} is a symbolic link; name the real folder (salescomp does not "
                                  "replace links)")
    if target.exists() and not target.is_dir():
        raise RefusedOutputFolder(f"{target} exists and is not a directory")
    real = _real(target)
    guarded = [(Path.cwd(), "the current directory"), (Path.home(), "the home directory")]
    guarded += [(Path(p), "the input folder") for p in protect]
    for folder, what in guarded:
        folder_real = _real(folder)
        if _is_same_or_ancestor(real, folder_real):
            where = "is" if real == folder_real else "contains"
            raise RefusedOutputFolder(f"{target} {where} {what} ({folder_real}); salescomp never replaces it "
                                      "(--force does not change this): choose a new folder")
    if not target.exists() or force:
        return target
    present = _files_under(target)
    if not present:
        return target
    manifest = _read_manifest(target)
    if manifest is None:
        raise RefusedOutputFolder(f"{target} is a non-empty folder that salescomp did not write (no {MARKER} "
                                  "manifest); choose a new folder or pass --force to replace it")
    foreign = sorted(set(present) - set(manifest) - {MARKER})
    if foreign:
        shown = ", ".join(foreign[:5]) + (f" and {len(foreign) - 5} more" if len(foreign) > 5 else "")
        raise RefusedOutputFolder(f"{target} holds files salescomp did not write ({shown}); move them away or "
                                  "pass --force to replace the folder")
    return target


# -- temporaries and their cleanup -------------------------------------------------------------

def _temp_pattern(target: Path, kind: str) -> re.Pattern[str]:
    return re.compile(rf"\.{re.escape(target.name)}\.{kind}-(\d+)-[0-9a-f]{{8}}")


def _pid_alive(pid: int) -> bool:
    if pid == os.getpid() or sys.platform == "win32":
        return True  # on Windows os.kill(pid, 0) would terminate the process: never clean there
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    except OSError:  # pragma: no cover - e.g. Windows without such a process
        return False
    return True


def _stale(target: Path, kind: str) -> list[Path]:
    pattern = _temp_pattern(target, kind)
    out = []
    for entry in target.parent.iterdir():
        m = pattern.fullmatch(entry.name)
        if m and not entry.is_symlink() and entry.is_dir() and not _pid_alive(int(m.group(1))):
            out.append(entry)
    return sorted(out)


def clean_stale(target: str | os.PathLike[str]) -> list[Path]:
    """Remove the temporaries of dead salescomp processes beside ``target``; restore a target a
    crash left absent between the two renames of the fallback publish. Returns what was removed."""
    target = Path(os.path.abspath(target))
    if not target.parent.is_dir():
        return []
    removed = []
    for old in _stale(target, "old"):
        if not target.exists() and not target.is_symlink():
            os.rename(old, target)
            _fsync_dir(target.parent)
        else:
            shutil.rmtree(old)
            removed.append(old)
    for tmp in _stale(target, "tmp"):
        shutil.rmtree(tmp)
        removed.append(tmp)
    return removed


# -- signals ------------------------------------------------------------------------------------

_CLEANUP_SIGNALS = tuple(getattr(signal, n) for n in ("SIGINT", "SIGTERM", "SIGHUP") if hasattr(signal, n))


# Signals are turned into exceptions by a Python handler, which runs in the main thread
# whichever thread the kernel delivered the signal to; blocking the signal in the main thread
# (pthread_sigmask) would not stop a pyarrow or engine thread from receiving it. So critical
# sections defer at the handler: the signal is remembered and raised when the section ends.
_deferral = {"depth": 0, "pending": 0}


def _interrupted(signum: int) -> BaseException:
    return KeyboardInterrupt() if signum == signal.SIGINT else Interrupted(signum)


def _raise_interrupted(signum: int, frame: Any) -> None:
    if _deferral["depth"]:
        _deferral["pending"] = _deferral["pending"] or signum
        return
    raise _interrupted(signum)


def _raise_pending() -> None:
    signum, _deferral["pending"] = _deferral["pending"], 0
    if signum:
        raise _interrupted(signum)


@contextlib.contextmanager
def _signals_raise() -> Iterator[None]:
    """SIGINT/SIGTERM/SIGHUP raise inside the block (so ``except``/``finally`` clean up);
    a signal the parent set to be ignored stays ignored. Only the main thread can do this."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = {}
    for sig in _CLEANUP_SIGNALS:
        if signal.getsignal(sig) is not signal.SIG_IGN:
            previous[sig] = signal.signal(sig, _raise_interrupted)
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


@contextlib.contextmanager
def _signals_deferred() -> Iterator[None]:
    """A signal arriving inside the block is raised when the block ends (a publish or a
    cleanup is never cut short); after a failing block it stays pending for the caller."""
    _deferral["depth"] += 1
    try:
        yield
    finally:
        _deferral["depth"] -= 1
    if not _deferral["depth"]:
        _raise_pending()


# -- durability and the atomic swap -------------------------------------------------------------

def _fsync_file(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _fsync_dir(path: Path) -> None:
    if sys.platform == "win32":  # pragma: no cover - directories cannot be opened there
        return
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _fsync_tree(folder: Path) -> None:
    for root, _dirs, files in os.walk(folder, topdown=False):
        for f in files:
            _fsync_file(Path(root) / f)
        _fsync_dir(Path(root))


_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths in one atomic step (Linux ``renameat2``); False where unsupported."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):  # pragma: no cover - glibc < 2.28, musl without it
        return False
    renameat2.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    if renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE) == 0:
        return True
    err = ctypes.get_errno()
    if err in (errno.EINVAL, errno.ENOSYS, errno.ENOTSUP, errno.EOPNOTSUPP):
        return False  # this file system cannot exchange; use the fallback
    raise OSError(err, os.strerror(err), str(b))


def _write_manifest(tmp: Path, command: str) -> None:
    from . import __version__

    files = [f for f in _files_under(tmp) if f != MARKER]
    body = {"created_by": "salescomp", "version": __version__, "command": command, "files": files}
    (tmp / MARKER).write_text(json.dumps(body, indent=1) + "\n", encoding="utf-8")


def _publish(tmp: Path, target: Path) -> Path | None:
    """Make ``tmp`` the target in one rename; returns the folder holding the old target (to be
    removed), or None. Runs with the cleanup signals blocked."""
    if not target.exists():
        os.rename(tmp, target)
        return None
    if not any(target.iterdir()):  # an empty folder is replaced by a plain rename
        os.rename(tmp, target)
        return None
    if _exchange(tmp, target):
        return tmp  # tmp now holds the previous output
    old = tmp.with_name(f".{target.name}.old-{os.getpid()}-{secrets.token_hex(4)}")
    os.rename(target, old)  # a crash right here is repaired by clean_stale() of the next run
    os.rename(tmp, target)
    return old


@contextlib.contextmanager
def atomic_directory(target: str | os.PathLike[str], *, force: bool = False,
                     protect: Iterable[str | os.PathLike[str]] = (), command: str = "") -> Iterator[Path]:
    """Write into the yielded directory; on success it becomes ``target`` (see the module doc).

    Raises :class:`RefusedOutputFolder` before anything is written when the target may not be
    replaced; on any failure (or SIGINT/SIGTERM/SIGHUP) the temporary folder is removed and the
    target is left exactly as it was.
    """
    target = check_target(target, force=force, protect=protect)
    target.parent.mkdir(parents=True, exist_ok=True)
    clean_stale(target)
    with _signals_raise():
        tmp = target.parent / f".{target.name}.tmp-{os.getpid()}-{secrets.token_hex(4)}"
        try:
            tmp.mkdir()
            yield tmp
            _write_manifest(tmp, command)
            _fsync_tree(tmp)
            check_target(target, force=force, protect=protect)  # nothing appeared meanwhile
            with _signals_deferred():
                old = _publish(tmp, target)
                _fsync_dir(target.parent)
                if old is not None:
                    shutil.rmtree(old, ignore_errors=True)
        except BaseException as failure:
            with _signals_deferred():
                shutil.rmtree(tmp, ignore_errors=True)
                pending, _deferral["pending"] = _deferral["pending"], 0
            if pending and not isinstance(failure, (Interrupted, KeyboardInterrupt)):
                raise _interrupted(pending) from failure
            raise


def write_table(table: Any, folder: Path, name: str, formats: tuple[str, ...] = ("csv",)) -> list[Path]:
    """Write a pyarrow Table as ``name.csv`` and/or ``name.parquet`` (decimal128 stays
    exact: CSV gets the decimal text, Parquet the decimal type). ``name`` is a fixed name
    (``[a-z0-9_]+``), never an input value."""
    name = _fixed_name(name)
    written = []
    for fmt in formats:
        if fmt == "csv":
            import pyarrow.csv as pacsv

            path = folder / f"{name}.csv"
            pacsv.write_csv(_csv_ready(table), path)
        elif fmt == "parquet":
            import pyarrow.parquet as pq

            path = folder / f"{name}.parquet"
            pq.write_table(table, path)
        else:
            raise ValueError(f"unknown output format {fmt!r} (csv, parquet)")
        written.append(path)
    return written


def _csv_ready(table: Any) -> Any:
    """Dictionary columns decoded (the CSV writer wants plain values)."""
    import pyarrow as pa

    cols = []
    for col in table.columns:
        if pa.types.is_dictionary(col.type):
            col = col.cast(col.type.value_type)
        cols.append(col)
    return pa.table(cols, names=table.column_names)
