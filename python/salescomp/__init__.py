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
from ._core import (  # type: ignore[attr-defined]
    BusinessCalendar,
    Currency,
    FiscalCalendar,
    FxTable,
    Money,
    Period,
    Rate,
    RoundingMode,
    __version__,
    allocate,
    compare_ratio,
    compare_scaled,
    parse_date,
    parse_json,
    ratio,
    spread_annual_quota,
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

__all__ = [
    "__version__",
    "Currency",
    "FxTable",
    "Money",
    "Rate",
    "RoundingMode",
    "accounting",
    "allocate",
    "attribution",
    "batch",
    "engine",
    "plan",
    "Plan",
    "synthetic",
    "compare_ratio",
    "parse_json",
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

# Area submodules come last: they import the names above.
from . import _html, accounting, attribution, engine, plan  # noqa: E402
from .plan import Plan  # noqa: E402

# Jupyter display of the compiled money types (the renderers live in salescomp._html).
Money._repr_html_ = _html.money_html  # type: ignore[attr-defined]
Rate._repr_html_ = _html.rate_html  # type: ignore[attr-defined]

# The table APIs (organisation, crediting, quotas) need pyarrow (the `dataframes`
# extra); they are imported on first use so `import salescomp` needs only numpy.
_TABLE_API = {
    "Organisation": "org",
    "Deals": "crediting",
    "Credits": "crediting",
    "credit": "crediting",
    "Attainment": "quota",
    "EffectiveQuotas": "quota",
    "attainment": "quota",
    "attainment_distribution": "quota",
    "effective_quotas": "quota",
    "pacing": "quota",
}


def __getattr__(name: str) -> object:
    """The table APIs and the ``synthetic`` module, imported on first use (they need pyarrow)."""
    import importlib

    if name == "synthetic":
        return importlib.import_module(".synthetic", __name__)
    module = _TABLE_API.get(name)
    if module is None:
        raise AttributeError(f"module 'salescomp' has no attribute {name!r}")
    return getattr(importlib.import_module(f".{module}", __name__), name)
