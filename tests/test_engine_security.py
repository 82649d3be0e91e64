"""Model loading never runs repository code and never unpickles arbitrary objects."""

from __future__ import annotations

from pathlib import Path


def test_every_load_refuses_remote_code_and_unsafe_pickles(tiny_models, monkeypatch) -> None:
    import transformers

    from summarize.engines import transformers_engine as engine

    calls: list[tuple[str, dict]] = []
    for cls_name in ("AutoConfig", "AutoTokenizer", "AutoModelForSeq2SeqLM"):
        cls = getattr(transformers, cls_name)
        original = cls.from_pretrained

        def spy(name, *args, _original=original, _cls=cls_name, **kwargs):
            calls.append((_cls, kwargs))
            return _original(name, *args, **kwargs)

        monkeypatch.setattr(cls, "from_pretrained", spy)
    path = str(tiny_models["marian"])
    engine.inspect_model(path)
    engine.TransformersEngine(path, device="cpu", dtype="float32", batch_size=2).close()
    assert {cls for cls, _ in calls} == {"AutoConfig", "AutoTokenizer", "AutoModelForSeq2SeqLM"}
    assert all(kwargs.get("trust_remote_code") is False for _, kwargs in calls)
    model_calls = [kwargs for cls, kwargs in calls if cls == "AutoModelForSeq2SeqLM"]
    assert model_calls and all(kwargs.get("weights_only") is True for kwargs in model_calls)


def test_pickle_checkpoint_loads_through_weights_only(tiny_models, tmp_path: Path) -> None:
    """A .bin-only model (as some Helsinki-NLP repositories are) still loads, safely."""
    import torch
    from safetensors.torch import load_file

    from summarize.engines.transformers_engine import TransformersEngine

    folder = tmp_path / "bin-only"
    folder.mkdir()
    for item in Path(tiny_models["marian"]).iterdir():
        if item.suffix != ".safetensors":
            (folder / item.name).write_bytes(item.read_bytes())
    state = load_file(Path(tiny_models["marian"]) / "model.safetensors")
    torch.save(state, folder / "pytorch_model.bin")
    model = TransformersEngine(str(folder), device="cpu", dtype="float32", batch_size=2)
    assert model.generate(["A test sentence."])[0]
    model.close()
