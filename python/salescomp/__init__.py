"""salescomp: exact, explainable sales compensation, quota attainment and attribution.

Money is exact: amounts are integer minor units, rates are 12-place fixed
point, every narrowing is one explicit rounding with a named mode. Inputs are
``decimal.Decimal``, ``str`` or ``int``; ``float`` and ``bool`` are refused.

>>> import salescomp as sc
>>> sc.Money("10.00", "USD")
Money('10.00', 'USD')
"""

from __future__ import annotations

from . import batch
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
from .crediting import Credits, Deals, credit
from .org import BusinessCalendar, FiscalCalendar, Organisation, Period
from .quota import (
    Attainment,
    EffectiveQuotas,
    attainment,
    attainment_distribution,
    effective_quotas,
    pacing,
    spread_annual_quota,
)

__all__ = [
    "__version__",
    "Currency",
    "FxTable",
    "Money",
    "Rate",
    "RoundingMode",
    "allocate",
    "batch",
    "compare_ratio",
    "compare_scaled",
    "parse_date",
    "ratio",
    "Attainment",
    "BusinessCalendar",
    "Credits",
    "Deals",
    "EffectiveQuotas",
    "FiscalCalendar",
    "Organisation",
    "Period",
    "attainment",
    "attainment_distribution",
    "credit",
    "effective_quotas",
    "pacing",
    "spread_annual_quota",
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
