"""What accelerators this machine has, for code outside the engines (which may not import torch).

torch is imported inside the functions only, so importing this module stays cheap.
"""

from __future__ import annotations


def cuda_available() -> bool:
    """Whether torch sees a CUDA GPU here."""
    import torch  # only when asked: --help and check never load torch

    return torch.cuda.is_available()
