"""Which objects a pickled torch checkpoint would build, read from its opcodes, never executed.

A ``pytorch_model.bin`` (or ``.pt``) is a pickle: loading it unrestricted can run any code its
author chose. torch's ``weights_only`` loader builds only an allow-list of tensor-rebuilding
globals; :func:`unsafe_globals` names the ones a checkpoint references outside that list, so a
model that could only be loaded as an unrestricted pickle is refused before any work starts.

Nothing here imports torch: the scan reads the pickle's opcodes with :mod:`pickletools`.
"""

from __future__ import annotations

import pickletools
import zipfile
from collections.abc import Iterable, Iterator
from typing import IO

__all__ = ["WEIGHTS_ONLY_GLOBALS", "unsafe_globals"]

_DTYPES = (
    "bool",
    "bfloat16",
    "float16",
    "float32",
    "float64",
    "complex32",
    "complex64",
    "complex128",
    "float8_e4m3fn",
    "float8_e4m3fnuz",
    "float8_e5m2",
    "float8_e5m2fnuz",
    "float8_e8m0fnu",
    "float4_e2m1fn_x2",
    "qint8",
    "qint32",
    "quint8",
    "quint4x2",
    "quint2x4",
    "bits1x8",
    "bits2x4",
    "bits4x2",
    "bits8",
    "bits16",
    *(f"int{bits}" for bits in (1, 2, 3, 4, 5, 6, 7, 8, 16, 32, 64)),
    *(f"uint{bits}" for bits in (1, 2, 3, 4, 5, 6, 7, 8, 16, 32, 64)),
    "per_tensor_affine",
    "per_tensor_symmetric",
    "per_channel_affine",
    "per_channel_symmetric",
    "per_channel_affine_float_qparams",
)
_TENSOR_TYPES = ("BFloat16", "Bool", "Byte", "Char", "Double", "Float", "Half", "Int", "Long")
_STORAGE_ONLY = ("ComplexDouble", "ComplexFloat")
_QUANTIZED_STORAGES = ("QInt32", "QInt8", "QUInt2x4", "QUInt4x2", "QUInt8")
_REBUILDERS = (
    "_rebuild_parameter",
    "_rebuild_parameter_with_state",
    "_rebuild_qtensor",
    "_rebuild_tensor",
    "_rebuild_tensor_v2",
    "_rebuild_tensor_v3",
    "_rebuild_sparse_tensor",
    "_rebuild_meta_tensor_no_storage",
    "_rebuild_nested_tensor",
    "_rebuild_wrapper_subclass",
    "_rebuild_device_tensor_from_numpy",
    "_rebuild_device_tensor_from_cpu_tensor",
)
_SPARSE_TYPES = (*(kind for kind in _TENSOR_TYPES if kind != "Bool"), "Short")

#: The globals torch's weights_only unpickler (torch/_weights_only_unpickler.py,
#: ``_get_allowed_globals``) builds without asking; tests/test_engine_security.py keeps the two
#: equal.
WEIGHTS_ONLY_GLOBALS: frozenset[str] = frozenset(
    {
        "_codecs.encode",
        "builtins.bytearray",
        "builtins.complex",
        "builtins.set",
        "collections.Counter",
        "collections.OrderedDict",
        "torch.Size",
        "torch.Tensor",
        "torch.device",
        "torch.nn.parameter.Parameter",
        "torch.serialization._get_layout",
        "torch.storage.TypedStorage",
        "torch.storage.UntypedStorage",
        "torch._tensor._rebuild_from_type_v2",
        *(f"torch.{dtype}" for dtype in _DTYPES),
        *(f"torch._utils.{function}" for function in _REBUILDERS),
        *(
            f"torch.{place}{kind}{suffix}"
            for place in ("", "cuda.")
            for kind in (*_TENSOR_TYPES, "Short")
            for suffix in ("Storage", "Tensor")
        ),
        *(f"torch.{place}{kind}Storage" for place in ("", "cuda.") for kind in _STORAGE_ONLY),
        *(f"torch.{kind}Storage" for kind in _QUANTIZED_STORAGES),
        *(f"torch.{place}sparse.{kind}Tensor" for place in ("", "cuda.") for kind in _SPARSE_TYPES),
    }
)

#: Python 2 module names protocol-2 pickles use for names in the allow-list.
_PYTHON2_MODULES = {"__builtin__": "builtins"}

#: Pickles a legacy (pre-zip) torch.save file starts with: magic number, protocol version,
#: system info, the object itself, the storage keys; the raw tensor bytes follow.
_LEGACY_PICKLES = 5


def unsafe_globals(path: str) -> list[str]:
    """Globals the pickle(s) of the torch checkpoint at ``path`` reference that torch's
    weights_only loader refuses, each once, in order; empty for a plain tensor checkpoint.

    A pickle that cannot be parsed, or that imports a name in a way the weights_only loader does
    not read (``STACK_GLOBAL``, ``INST``), is reported too: that checkpoint would need an
    unrestricted load as well.
    """
    with open(path, "rb") as handle:
        is_zip = handle.read(2) == b"PK"
    if is_zip:
        found: list[str] = []
        with zipfile.ZipFile(path) as archive:
            for member in archive.namelist():
                if member.endswith(".pkl"):  # data.pkl: the object; the rest is raw storage
                    with archive.open(member) as stream:
                        found += _refused(_pickle_globals(stream, 1))
        return list(dict.fromkeys(found))
    with open(path, "rb") as stream:
        return list(dict.fromkeys(_refused(_pickle_globals(stream, _LEGACY_PICKLES))))


def _refused(names: Iterable[str]) -> Iterator[str]:
    return (name for name in names if name not in WEIGHTS_ONLY_GLOBALS)


def _pickle_globals(stream: IO[bytes], count: int) -> Iterator[str]:
    """The names ``count`` consecutive pickles in ``stream`` import (GLOBAL opcodes), with a
    ``<...>`` marker for any import the weights_only loader cannot read."""
    for index in range(count):
        strings: list[str] = []  # the last two string pushes: STACK_GLOBAL's operands
        try:
            for opcode, argument, _position in pickletools.genops(stream):
                if opcode.name == "GLOBAL":
                    module, _space, name = str(argument).partition(" ")
                    # torch.save writes protocol 2, with Python 2's module names; torch's
                    # loader reads them as Python 3's, as pickle does.
                    yield f"{_PYTHON2_MODULES.get(module, module)}.{name}"
                elif opcode.name == "INST":
                    yield f"<INST {argument}>"
                elif opcode.name == "STACK_GLOBAL":
                    yield f"<STACK_GLOBAL {'.'.join(strings[-2:]) or '?'}>"
                elif isinstance(argument, str):
                    strings = [*strings[-1:], argument]
        except ValueError as error:  # not a pickle, or cut short: nothing torch could load
            if str(error).startswith("pickle exhausted") and index > 0:
                return
            yield f"<not a readable pickle: {error}>"
            return
