"""Allow ``python -m summarize``."""

from __future__ import annotations

from summarize.commands.cli import main

if __name__ == "__main__":
    raise SystemExit(main())
