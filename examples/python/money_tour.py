"""A tour of salescomp's exact money core (the Quickstart's main job until the demo company lands).

Run: make demo   (or: .venv/bin/python examples/python/money_tour.py)
"""

from decimal import Decimal

import numpy as np
import salescomp as sc


def main() -> None:
    usd = sc.Currency("USD")
    print(f"salescomp {sc.__version__}: exact money, every rounding named\n")

    deal = sc.Money("100000.01", usd)
    credits = deal.allocate([sc.Rate("0.6"), sc.Rate("0.4")])
    print(f"Deal {deal} split 60/40 -> {credits[0]} + {credits[1]} (sum {credits[0] + credits[1]})")

    for mode in (sc.RoundingMode.HalfEven, sc.RoundingMode.HalfUp, sc.RoundingMode.Down):
        c = credits[0].multiply("0.075", rounding=mode)
        print(f"  7.5% of {credits[0]} rounded {mode.name:<8} = {c}")

    fx = sc.FxTable()
    fx.add("USD", "JPY", "2026-01-01", "151.237")
    fx.add("KWD", "USD", "2026-01-01", "3.2561")
    print(f"\n{sc.Money('12.34', 'USD')} -> {fx.convert(sc.Money('12.34', 'USD'), 'JPY', '2026-03-31')}"
          " (JPY has no minor unit)")
    print(f"{sc.Money('3.27', 'USD')} -> {fx.convert(sc.Money('3.27', 'USD'), 'KWD', '2026-03-31')}"
          " (inverse quote, exact division, KWD has three decimals)")

    # A float column summed in binary floating point drifts; minor units do not.
    amounts = np.full(19785, 1, dtype=np.int64)  # 19,785 conversions of $0.01
    print(f"\nsum of 19,785 x 0.01: float {sum([0.01] * 19785)!r} vs exact "
          f"{sc.batch.sum(amounts, 'USD')}")

    try:
        sc.Money(0.1, "USD")
    except TypeError as e:
        print(f"\nfloat input is refused: {e}")
    try:
        sc.Money("1,000.00", "USD")
    except sc.ValidationError as e:
        print(f"bad text names the field, value and rule: {e}")
    assert credits[0].amount + credits[1].amount == Decimal("100000.01")


if __name__ == "__main__":
    main()
