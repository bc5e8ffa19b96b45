"""Column kernels over numpy ``int64`` arrays of minor units (and Rate raw units).

Each runs in C++ with the GIL released and does no per-element Python work.
Rates are given as a :class:`salescomp.Rate` (broadcast) or an ``int64`` array
of raw units of 1e-12. Float arrays are refused: they are not exact money.
"""

from __future__ import annotations

from ._core.batch import (  # type: ignore[import-not-found]
    allocate,
    divide_rates,
    format,
    multiply,
    multiply_divide,
    multiply_rates,
    multiply_two,
    parse,
    sum,
)

__all__ = [
    "allocate",
    "divide_rates",
    "format",
    "multiply",
    "multiply_divide",
    "multiply_rates",
    "multiply_two",
    "parse",
    "sum",
]
