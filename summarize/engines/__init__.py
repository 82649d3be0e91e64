"""Models and how they run: the Engine protocol, transformers, CTranslate2, the Hub."""

from __future__ import annotations

# Its modules that other packages import (the rest are internal to it); they are not
# imported here: some import torch, which only a run needs.
__all__ = [
    "allocator",
    "backends",
    "collective",
    "ctranslate2_engine",
    "decoding",
    "devices",
    "families",
    "generation",
    "hub",
    "tokenizing",
    "transformers_engine",
]
