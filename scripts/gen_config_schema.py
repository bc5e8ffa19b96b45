"""Write docs/config-schema.json from salescomp._config.CONFIG_FIELDS (the single source of
truth of config.json).

    PYTHONPATH=build/dev/python .venv/bin/python scripts/gen_config_schema.py [--check]

``--check`` exits 1 when the file on disk differs (tests/python/test_trust_config.py runs it).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "docs" / "config-schema.json"


def render() -> str:
    from salescomp._config import json_schema

    return json.dumps(json_schema(), indent=2) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--check", action="store_true", help="exit 1 if the file is not current")
    args = parser.parse_args(argv)
    text = render()
    if args.check:
        current = OUT.read_text(encoding="utf-8") if OUT.exists() else ""
        if current != text:
            print(f"{OUT} is not current: run scripts/gen_config_schema.py", file=sys.stderr)
            return 1
        return 0
    OUT.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
