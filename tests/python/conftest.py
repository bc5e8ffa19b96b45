import os

import pytest


@pytest.fixture(scope="session")
def diff_cases() -> int:
    """Cases per operation and rounding mode in the differential tests (CI: 100,000)."""
    return int(os.environ.get("SALESCOMP_DIFF_CASES", "100000"))


@pytest.fixture(scope="session")
def diff_seed() -> int:
    return int(os.environ.get("SALESCOMP_DIFF_SEED", "20261127"))
