"""A progress bar (tqdm) for long runs: on in terminals and Jupyter, off when the output
is not a terminal (logs, CI, pipes) unless asked for; a no-op when tqdm is absent."""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any

__all__ = ["Progress", "stage_progress"]


def _in_notebook() -> bool:
    ipython = sys.modules.get("IPython")
    if ipython is None:
        return False
    try:
        shell = ipython.get_ipython()
    except AttributeError:  # pragma: no cover
        return False
    return shell is not None and type(shell).__name__ == "ZMQInteractiveShell"


def _enabled(enabled: bool | None) -> bool:
    """Explicit choice, else on in notebooks and when stderr is a terminal."""
    if enabled is not None:
        return enabled
    if _in_notebook():
        return True
    try:
        return sys.stderr.isatty()
    except (AttributeError, ValueError):
        return False


class Progress:
    """``with Progress(total, desc) as p: p.step("crediting")`` - stages with names."""

    def __init__(self, total: int, desc: str = "salescomp", enabled: bool | None = None) -> None:
        self._bar: Any = None
        if _enabled(enabled):
            try:
                from tqdm.auto import tqdm
            except ImportError:  # pragma: no cover - tqdm is optional
                tqdm = None
            if tqdm is not None:
                self._bar = tqdm(total=total, desc=desc, unit="step", leave=False, file=sys.stderr)

    def step(self, name: str) -> None:
        if self._bar is not None:
            self._bar.set_postfix_str(name, refresh=False)
            self._bar.update(1)

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()
            self._bar = None

    def __enter__(self) -> Progress:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()


def stage_progress(progress: Progress | None) -> Callable[[str], None] | None:
    """The ``step`` callback of a :class:`Progress` bar, or None without one."""
    return None if progress is None else progress.step
