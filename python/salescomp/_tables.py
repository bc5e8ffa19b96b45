"""Moved to :mod:`salescomp.tables` (the one table module); kept while callers move."""

from .tables import *  # noqa: F403
from .tables import (  # noqa: F401
    MISSING_DAY,
    as_arrow_columns,
    check_columns,
    currency_codes,
    date_array,
    days,
    decimal_array,
    decimal_text,
    dictionary,
    id_text,
    integers,
    rate_array,
    require,
    strings,
)
