"""Screenshots of the demo company's report for docs/analyst.md, taken in headless Chromium.

    PYTHONPATH=build/dev/python .venv/bin/python scripts/report_screenshots.py [--out docs/images]

Closes FY2026-Q3 of the demo company, writes its report to a temporary folder, opens it at
1200 x 900 CSS pixels (see chromium_page.py: no port, no network) and saves the top of the
page (title and headline) and the pacing section as PNG. Fails if the page logs an error.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))
from chromium_page import inspect_page  # noqa: E402

#: file name -> CSS selector of what it shows
SHOTS = {"report.png": "#top", "report-attainment.png": "#attainment", "report-pacing.png": "#pacing"}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", default=str(ROOT / "docs" / "images"))
    args = ap.parse_args()
    from salescomp import demo, report

    close = report.close_quarter(demo.load(), 3, progress=False)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        page = report.write_report(close, tmp)
        result = inspect_page(page, width=1200, height=900, screenshots=SHOTS)
    if result.errors:
        print("the page logged errors:\n" + "\n".join(result.errors), file=sys.stderr)
        return 1
    for name, png in result.screenshots.items():
        (out / name).write_bytes(png)
        print(f"wrote {out / name} ({len(png) / 1024:.0f} KiB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
