"""Allow ``python -m summarize``."""

from __future__ import annotations

from summarize.cli import main

if __name__ == "__main__":
    raise SystemExit(main())
