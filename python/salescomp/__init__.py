"""salescomp: exact, explainable sales compensation, quota attainment and attribution.

Money is exact: amounts are integer minor units, rates are 12-place fixed
point, every narrowing is one explicit rounding with a named mode. Inputs are
``decimal.Decimal``, ``str`` or ``int``; ``float`` and ``bool`` are refused.

>>> import salescomp as sc
>>> sc.Money("10.00", "USD")
Money('10.00', 'USD')
"""

from __future__ import annotations

from ._errors import (
    AmountOverflowError,
    CurrencyMismatchError,
    DivisionByZeroError,
    Error,
    InexactError,
    InputTypeError,
    MissingDataError,
    ParseError,
    UnknownCurrencyError,
    ValidationError,
)
from ._core import (
    Currency,
    FxTable,
    Money,
    Rate,
    RoundingMode,
    __version__,
    allocate,
    compare_ratio,
    compare_scaled,
    parse_date,
    ratio,
)
from . import batch, engine, plan
from .plan import Plan

__all__ = [
    "__version__",
    "Currency",
    "FxTable",
    "Money",
    "Rate",
    "RoundingMode",
    "allocate",
    "batch",
    "engine",
    "plan",
    "Plan",
    "compare_ratio",
    "compare_scaled",
    "parse_date",
    "ratio",
    "Error",
    "ValidationError",
    "ParseError",
    "UnknownCurrencyError",
    "CurrencyMismatchError",
    "AmountOverflowError",
    "DivisionByZeroError",
    "InexactError",
    "MissingDataError",
    "InputTypeError",
]
