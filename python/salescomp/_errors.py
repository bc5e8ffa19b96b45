"""The salescomp exception hierarchy.

Every error is a :class:`salescomp.Error` and also the builtin exception a
Python user would expect (``ValidationError`` is a ``ValueError``...). Errors
raised by the compiled core carry ``id`` (a stable identifier such as
``"SC-PARSE-DECIMAL"``) and ``issues``: one dict per bad input with ``row``,
``field``, ``value`` and ``rule``.
"""

from __future__ import annotations

from typing import Any


class Error(Exception):
    """Base class of every salescomp error."""

    id: str = "SC-ERROR"
    issues: list[dict[str, Any]]

    def __init__(self, *args: object) -> None:
        super().__init__(*args)
        self.issues = []


class ValidationError(Error, ValueError):
    """Bad input: ``issues`` lists every problem found (row, field, value, rule)."""


class ParseError(ValidationError):
    """Text that is not a strict decimal (``-?digits[.digits]``) or has too many decimals."""


class UnknownCurrencyError(ValidationError):
    """A currency code that is not in the ISO 4217 table."""


class CurrencyMismatchError(Error, ValueError):
    """Arithmetic or comparison across two currencies."""


class AmountOverflowError(Error, OverflowError):
    """A result that does not fit in 64 bits (never a wrapped value)."""


class DivisionByZeroError(Error, ZeroDivisionError):
    """Division by zero."""


class InexactError(Error, ArithmeticError):
    """``RoundingMode.Unnecessary`` met a result that needs rounding."""


class MissingDataError(Error, LookupError):
    """A lookup with no answer: no FX rate on or before a date, an unknown person..."""


class InputTypeError(Error, TypeError):
    """A value of the wrong type, e.g. a float or bool where money is expected."""


__all__ = [
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
