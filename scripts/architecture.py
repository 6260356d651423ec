#!/usr/bin/env python3
"""Draw the apps and their imports into docs/architecture.md (`--check`: only say whether
the picture there is the one the code draws; test_layers asks the same)."""

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from open137.web.layers import import_graph, picture, picture_in  # noqa: E402

DOC = ROOT / "docs" / "architecture.md"
NAME = DOC.relative_to(ROOT)


def main() -> None:
    text = DOC.read_text(encoding="utf-8")
    old, new = picture_in(text), picture(import_graph())
    if not old:
        sys.exit(f"{NAME} has no picture to replace; put the two marker lines in it.")
    if "--check" in sys.argv[1:]:
        sys.exit(0 if old == new else f"{NAME} is out of date: run scripts/architecture.py")
    DOC.write_text(text.replace(old, new), encoding="utf-8")
    print(f"wrote the picture in {NAME}")


if __name__ == "__main__":
    main()
