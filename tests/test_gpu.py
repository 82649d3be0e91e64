"""The CUDA path: device and dtype flags, half precision end to end, out-of-memory back-off.

Marked ``gpu`` (off by default); run with ``python -m pytest -m gpu`` on a CUDA machine. The same
logic is covered on CPU by test_batching.py (back-off) and test_pipeline.py (plumbing).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

torch = pytest.importorskip("torch")

pytestmark = [
    pytest.mark.gpu,
    pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA GPU"),
]

SEED = Path(__file__).resolve().parent.parent / "seeds" / "000_e00430f6aadd4455.txt"


def test_auto_picks_cuda_and_bfloat16_where_supported() -> None:
    from summarize.engines.transformers_engine import resolve_device, resolve_dtype

    assert resolve_device("auto") == "cuda"
    assert resolve_device("cuda:0") == "cuda:0"
    expected = "bfloat16" if torch.cuda.is_bf16_supported() else "float16"
    assert resolve_dtype("auto", "cuda") == expected


@pytest.mark.parametrize("dtype", ["bfloat16", "float16", "float32"])
def test_whole_run_on_cuda_in_each_dtype(tiny_models, tmp_path, monkeypatch, dtype) -> None:
    from summarize.core.config import RunConfig
    from summarize.engines import transformers_engine as engine
    from summarize.runners.local import run

    placed: list[tuple[str, torch.dtype]] = []
    original_init = engine.TransformersEngine.__init__

    def init(self, name, **kwargs):
        original_init(self, name, **kwargs)
        parameter = next(self.model.parameters())
        placed.append((parameter.device.type, parameter.dtype))

    monkeypatch.setattr(engine.TransformersEngine, "__init__", init)
    outcome = run(
        RunConfig(
            inputs=(SEED,),
            output=tmp_path,
            summary_model=str(tiny_models["bart"]),
            translation_model=str(tiny_models["nllb"]),
            device="cuda",
            engine="transformers",
            dtype=dtype,
        )
    )
    assert outcome.failed == 0
    assert outcome.briefing.run.device == "cuda" and outcome.briefing.run.dtype == dtype
    assert placed == [("cuda", getattr(torch, dtype))] * 2
    record = json.loads((tmp_path / "results.jsonl").read_text("utf-8"))
    assert all(record["translations"][code].strip() for code in ("hu", "zh", "ru", "uk"))


def test_out_of_memory_on_cuda_halves_the_batch_and_finishes(tiny_models, monkeypatch) -> None:
    from summarize.engines.transformers_engine import TransformersEngine

    model = TransformersEngine(
        str(tiny_models["bart"]), device="cuda", dtype="bfloat16", batch_size=32
    )
    original_generate = model.model.generate
    batch_sizes: list[int] = []

    def generate(**inputs):
        batch_sizes.append(inputs["input_ids"].shape[0])
        if inputs["input_ids"].shape[0] > 8:
            raise torch.OutOfMemoryError("CUDA out of memory. Tried to allocate 20.00 GiB")
        return original_generate(**inputs)

    monkeypatch.setattr(model.model, "generate", generate)
    texts = [f"Story number {i} about the economy and the budget." for i in range(40)]
    outputs = model.generate(texts)
    assert len(outputs) == 40 and all(outputs)
    assert batch_sizes[:3] == [32, 16, 8]
    assert max(batch_sizes[3:]) <= 8
    model.close()
    assert torch.cuda.memory_allocated() < 50 * 2**20  # the model's memory was given back


def test_generation_on_cuda_avoids_cudnn_attention() -> None:
    from summarize.engines.transformers_engine import attention_backends

    before = torch.backends.cuda.cudnn_sdp_enabled()
    with attention_backends("cuda"):
        assert not torch.backends.cuda.cudnn_sdp_enabled()
        assert torch.backends.cuda.mem_efficient_sdp_enabled()
    assert torch.backends.cuda.cudnn_sdp_enabled() == before  # restored for other code
