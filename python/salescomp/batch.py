"""Column kernels over numpy ``int64`` arrays of minor units (and Rate raw units).

Each runs in C++ with the GIL released and does no per-element Python work.
Rates are given as a :class:`salescomp.Rate` (broadcast to every row) or an
``int64`` array of raw units of 1e-12. Float arrays are refused with
``TypeError``: they are not exact money. An error names the failing row.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

from . import _core
from ._core import Currency, Money, Rate, RoundingMode
from ._errors import InputTypeError, ValidationError

IntArray = npt.ArrayLike
RateArg = Rate | str | IntArray

_k = _core.batch


def sum(minor_units: IntArray, currency: Currency | str | None = None) -> int | Money:  # noqa: A001
    """Exact sum in 128 bits: a Python ``int``, or ``Money`` (checked to fit int64) with a currency."""
    return _k.sum(minor_units, currency)


def multiply(minor_units: IntArray, rate: RateArg, rounding: RoundingMode = RoundingMode.HalfEven) -> np.ndarray:
    """``minor x rate`` per row, rounded once."""
    return _k.multiply(minor_units, rate, rounding)


def multiply_two(minor_units: IntArray, rate_a: RateArg, rate_b: RateArg,
                 rounding: RoundingMode = RoundingMode.HalfEven) -> np.ndarray:
    """``minor x rate_a x rate_b`` per row with a single rounding (256-bit intermediate)."""
    return _k.multiply_two(minor_units, rate_a, rate_b, rounding)


def multiply_divide(minor_units: IntArray, numerator: int | IntArray, denominator: int | IntArray,
                    rounding: RoundingMode = RoundingMode.HalfEven) -> np.ndarray:
    """``minor x numerator / denominator`` per row, rounded once (proration)."""
    return _k.multiply_divide(minor_units, numerator, denominator, rounding)


def allocate(total: int, weights: IntArray, tie_keys: IntArray | None = None) -> np.ndarray:
    """Largest-remainder split of ``total`` minor units by integer weights; the parts sum to total."""
    return _k.allocate(total, weights, tie_keys)


def multiply_rates(a: IntArray, b: RateArg, rounding: RoundingMode = RoundingMode.HalfEven) -> np.ndarray:
    """Rate raw units ``a x b`` per row, rounded once to 12 places."""
    return _k.multiply_rates(a, b, rounding)


def divide_rates(a: IntArray, b: RateArg, rounding: RoundingMode = RoundingMode.HalfEven) -> np.ndarray:
    """Rate raw units ``a / b`` per row, rounded once to 12 places."""
    return _k.divide_rates(a, b, rounding)


def _scale(scale: int) -> int:
    """A scale argument checked: an int (not bool) in 0..38."""
    if isinstance(scale, bool) or not isinstance(scale, (int, np.integer)):
        raise InputTypeError(f"scale must be an int, got {type(scale).__name__}")
    if not 0 <= int(scale) <= 38:
        raise ValidationError(f"[SC-DECIMAL-SCALE] scale {int(scale)}: a scale (decimal places) must be 0..38")
    return int(scale)


def parse(texts: Sequence[str], scale: int, rounding: RoundingMode | None = None) -> np.ndarray:
    """Strictly parse decimal strings into integer units of ``10^-scale``; every bad row is reported.
    ``scale`` is an int in 0..38 (a negative scale is refused, never a silent truncation)."""
    return _k.parse(list(texts), _scale(scale), rounding)


def format(minor_units: IntArray, scale: int) -> list[str]:  # noqa: A001
    """Canonical decimal text of each value at ``scale`` decimals (an int in 0..38)."""
    return _k.format(minor_units, _scale(scale))


__all__ = ["allocate", "divide_rates", "format", "multiply", "multiply_divide", "multiply_rates",
           "multiply_two", "parse", "sum"]
