"""Moved to :mod:`salescomp.tables` (the one table module); kept while callers move."""

from .tables import Table, arrow_source, table_specs  # noqa: F401
