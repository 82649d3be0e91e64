"""Model files are checked before any work: unsafe pickles and translators as summarisers."""

from __future__ import annotations

import json
import pickle
import zipfile
from pathlib import Path

import pytest
from support.cli import run_cli

from summarize.core.languages import DEFAULT_SUMMARY_MODEL
from summarize.engines.pickles import WEIGHTS_ONLY_GLOBALS, unsafe_globals

ARTICLE = "The city council approved plans for a new bridge and a tram line on Monday."


def evil_pickle(marker: Path) -> bytes:
    """A protocol-2 pickle that would call ``os.system`` if it were ever unpickled unrestricted."""
    command = f"touch {marker}".encode()
    return (
        pickle.PROTO
        + b"\x02"
        + pickle.GLOBAL
        + b"os\nsystem\n"
        + pickle.BINUNICODE
        + len(command).to_bytes(4, "little")
        + command
        + pickle.TUPLE1
        + pickle.REDUCE
        + pickle.STOP
    )


def without_safetensors(model: Path, dest: Path) -> Path:
    """A copy of a tiny model folder with every file but its safetensors weights."""
    dest.mkdir()
    for item in model.iterdir():
        if item.suffix != ".safetensors":
            (dest / item.name).write_bytes(item.read_bytes())
    return dest


def with_bin_weights(model: Path, dest: Path) -> Path:
    """A copy of a tiny model whose weights are a plain tensor ``pytorch_model.bin``."""
    import torch
    from safetensors.torch import load_file

    without_safetensors(model, dest)
    torch.save(load_file(model / "model.safetensors"), dest / "pytorch_model.bin")
    return dest


def news_folder(root: Path) -> Path:
    news = root / "news"
    news.mkdir()
    (news / "bridge.txt").write_text(f"New bridge\n\n{ARTICLE}\n", "utf-8")
    return news


def test_the_allow_list_is_torchs_weights_only_list() -> None:
    """Nothing torch's weights_only loader refuses passes, and nothing it loads is refused."""
    from torch import _weights_only_unpickler as unpickler

    assert set(unpickler._get_allowed_globals()) == WEIGHTS_ONLY_GLOBALS


def test_plain_tensor_checkpoints_pass_in_both_torch_formats(tmp_path: Path) -> None:
    import torch

    state = {"weight": torch.zeros(2, 3), "half": torch.ones(2, dtype=torch.float16)}
    torch.save(state, tmp_path / "zip.bin")
    torch.save(state, tmp_path / "legacy.bin", _use_new_zipfile_serialization=False)
    assert unsafe_globals(str(tmp_path / "zip.bin")) == []
    assert unsafe_globals(str(tmp_path / "legacy.bin")) == []


def test_objects_beyond_tensors_are_named_without_unpickling(tmp_path: Path) -> None:
    marker = tmp_path / "ran"
    legacy = tmp_path / "legacy.bin"
    legacy.write_bytes(evil_pickle(marker))
    archive = tmp_path / "zip.bin"
    with zipfile.ZipFile(archive, "w") as folder:
        folder.writestr("archive/data.pkl", evil_pickle(marker))
        folder.writestr("archive/version", "3\n")
    stacked = tmp_path / "stacked.bin"
    stacked.write_bytes(pickle.dumps(print, protocol=4))  # STACK_GLOBAL: weights_only refuses
    assert unsafe_globals(str(legacy)) == ["os.system"]
    assert unsafe_globals(str(archive)) == ["os.system"]
    assert unsafe_globals(str(stacked)) == ["<STACK_GLOBAL builtins.print>"]
    assert not marker.exists()


def test_a_malicious_pickle_is_refused_before_any_summary(tiny_models, tmp_path: Path) -> None:
    marker = tmp_path / "ran"
    evil = without_safetensors(tiny_models["marian"], tmp_path / "evil")
    with zipfile.ZipFile(evil / "pytorch_model.bin", "w") as folder:
        folder.writestr("archive/data.pkl", evil_pickle(marker))
        folder.writestr("archive/version", "3\n")
    news_folder(tmp_path)
    args = ["run", "news", "-o", "out", "--device", "cpu", "--languages", "hu"]
    args += ["--summary-model", str(tiny_models["bart"]), "--translation-model", f"hu={evil}"]
    result = run_cli(args, cwd=tmp_path)
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    assert "os.system" in result.stderr and "safetensors" in result.stderr
    assert "weights_only" not in result.stderr  # torch's advice to load it unrestricted
    assert not (tmp_path / "out" / "results.jsonl").exists()  # refused before any work
    assert not marker.exists()


def test_torchs_own_refusal_is_reworded_too(tiny_models, tmp_path: Path) -> None:
    """Loading straight away, past the up-front check, still never passes on torch's advice."""
    from summarize.core.errors import ModelLoadError
    from summarize.engines.transformers_engine import TransformersEngine

    marker = tmp_path / "ran"
    evil = without_safetensors(tiny_models["marian"], tmp_path / "evil")
    (evil / "pytorch_model.bin").write_bytes(evil_pickle(marker))
    with pytest.raises(ModelLoadError) as refused:
        TransformersEngine(str(evil), device="cpu", dtype="float32", batch_size=2)
    assert str(refused.value).startswith("refusing the weights")
    assert "safetensors" in str(refused.value) and "weights_only" not in str(refused.value)
    assert not marker.exists()


def test_plain_bin_checkpoints_still_run(tiny_models, tmp_path: Path) -> None:
    summariser = with_bin_weights(tiny_models["bart"], tmp_path / "bart-bin")
    translator = with_bin_weights(tiny_models["marian"], tmp_path / "marian-bin")
    news_folder(tmp_path)
    args = ["run", "news", "-o", "out", "--device", "cpu", "--languages", "hu"]
    args += ["--summary-model", str(summariser), "--translation-model", f"hu={translator}"]
    result = run_cli(args, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    [record] = [
        json.loads(line)
        for line in (tmp_path / "out" / "results.jsonl").read_text("utf-8").splitlines()
    ]
    assert record["summary"] and record["translations"]["hu"]


@pytest.mark.parametrize("model", ["marian", "m2m100"])
def test_a_translator_as_summary_model_is_refused(tiny_models, tmp_path: Path, model) -> None:
    news_folder(tmp_path)
    args = ["run", "news", "-o", "out", "--device", "cpu", "--languages", "hu"]
    args += ["--summary-model", str(tiny_models[model])]
    args += ["--translation-model", f"hu={tiny_models['marian']}"]
    result = run_cli(args, cwd=tmp_path)
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    assert "--summary-model" in result.stderr and DEFAULT_SUMMARY_MODEL in result.stderr
    assert not (tmp_path / "out" / "results.jsonl").exists()
