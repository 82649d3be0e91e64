"""``summarize models list/pull``, ``run --models-dir``, ``--offline`` and pinned revisions.

The Hub is never reached: tiny models are placed into a Hugging Face cache layout under ids
like ``tiny-org/bart`` (what a download leaves behind), and a run that must stay offline runs
with every socket connection refused and recorded.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from support.articles import ENGLISH, HUNGARIAN
from support.hub_cache import put_in_hub_cache

from summarize.commands.catalog import planned_models
from summarize.core.config import RunConfig
from summarize.core.errors import ConfigError, ModelLoadError
from summarize.core.tables import format_size
from summarize.engines.hub import (
    HubCheck,
    ModelSources,
    export_folder_name,
    folder_size,
    model_folder,
)

# Hub ids the tests give the tiny models (key in the tiny_models fixture).
TINY_IDS = {
    "tiny-org/bart": "bart",
    "tiny-org/marian": "marian",
    "tiny-org/marian-zh": "marian_multi_zh",
}
MODEL_FLAGS = [
    "--languages",
    "hu,zh",
    "--summary-model",
    "tiny-org/bart",
    "--translation-model",
    "hu=tiny-org/marian",
    "--translation-model",
    "zh=tiny-org/marian-zh",
    "--device",
    "cpu",
]

# Runs the summarize command with every way of opening a network connection replaced by one
# that writes where it was called from to $SOCKET_LOG and ends the process (exit 97) at once:
# libraries catch connection errors and retry for minutes, and fall back to the cache.
SOCKET_GUARD = """
import os, socket, sys, traceback

def refuse(*args, **kwargs):
    with open(os.environ["SOCKET_LOG"], "a") as log:
        log.write("network access: " + repr(args[-1:]) + "\\n" + "".join(traceback.format_stack()))
    os._exit(97)

socket.socket.connect = refuse
socket.socket.connect_ex = refuse
socket.create_connection = refuse
socket.getaddrinfo = refuse
"""
RUN_COMMAND = "from summarize.commands.cli import main\nsys.exit(main(sys.argv[1:]))\n"


def guarded_cli(
    args: list[str], cwd: Path, hf_home: Path, offline_env: bool
) -> tuple[subprocess.CompletedProcess[str], list[str]]:
    """Run ``summarize ARGS`` with sockets refused; returns the result and the attempts."""
    env = {**os.environ, "HF_HOME": str(hf_home), "SOCKET_LOG": str(cwd / "sockets.log")}
    if not offline_env:
        env.pop("HF_HUB_OFFLINE", None)
        env.pop("TRANSFORMERS_OFFLINE", None)
    result = subprocess.run(
        [sys.executable, "-c", SOCKET_GUARD + RUN_COMMAND, *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )
    log = cwd / "sockets.log"
    attempts = log.read_text("utf-8").split("network access: ")[1:] if log.is_file() else []
    return result, attempts


def test_socket_guard_stops_a_run_that_would_go_online(tiny_models, tmp_path) -> None:
    # Without --offline or HF_HUB_OFFLINE, loading a Hub id asks the Hub for its latest
    # revision: the guard used by the tests below must catch exactly that.
    hf_home = tmp_path / "hf"
    for repo_id, key in TINY_IDS.items():
        put_in_hub_cache(hf_home / "hub", repo_id, tiny_models[key])
    (tmp_path / "news").mkdir()
    (tmp_path / "news" / "a.txt").write_text(ENGLISH, "utf-8")
    result, attempts = guarded_cli(
        ["run", "news", "-o", "out", *MODEL_FLAGS], tmp_path, hf_home, offline_env=False
    )
    assert result.returncode == 97
    assert attempts and "huggingface_hub" in attempts[0]


def test_planned_models_follow_the_run_configuration() -> None:
    uses = [(u.model, u.stage, u.languages, u.on_demand) for u in planned_models(RunConfig())]
    assert uses[:4] == [
        ("sshleifer/distilbart-cnn-12-6", "summary", (), False),
        ("Helsinki-NLP/opus-mt-tc-big-en-hu", "translation", ("hu",), False),
        ("Helsinki-NLP/opus-mt-en-zh", "translation", ("zh",), False),
        ("Helsinki-NLP/opus-mt-tc-big-en-zle", "translation", ("ru", "uk"), False),
    ]
    sources = {languages: model for model, stage, languages, _ in uses if stage == "source"}
    assert sources[("hu",)] == "Helsinki-NLP/opus-mt-hu-en"
    assert sources[("*",)] == "Helsinki-NLP/opus-mt-mul-en"
    assert all(on_demand for _, stage, _, on_demand in uses if stage == "source")
    english_only = planned_models(RunConfig(source_language="en"))
    assert [use.stage for use in english_only] == ["summary", *["translation"] * 3]
    one_language = planned_models(RunConfig(source_language="hu", source_models={"hu": "m/hu"}))
    assert [(u.model, u.on_demand) for u in one_language if u.stage == "source"] == [
        ("m/hu", False)
    ]


def test_models_folder_without_a_manifest_or_model_names_the_fix(tmp_path) -> None:
    with pytest.raises(ConfigError, match="summarize models pull --to"):
        ModelSources.open({}, tmp_path)
    (tmp_path / "manifest.json").write_text(
        json.dumps({"format": 1, "models": {"a/b": {"folder": "a--b", "revision": None}}}),
        "utf-8",
    )
    sources = ModelSources.open({}, tmp_path)
    assert sources.locate("a/b") == (str(tmp_path / "a--b"), None)
    with pytest.raises(ModelLoadError, match=r"'c/d' is not in the models folder.*holds a/b"):
        sources.locate("c/d")


def test_missing_pinned_revision_is_named(tmp_path) -> None:
    with pytest.raises(ModelLoadError, match="at revision 'v9'"):
        model_folder("tiny-org/nowhere", "v9", local_only=True)


def test_list_shows_licence_availability_size_and_engine(tiny_models, tmp_path) -> None:
    hf_home = tmp_path / "hf"
    for repo_id in ("tiny-org/bart", "tiny-org/marian"):
        put_in_hub_cache(hf_home / "hub", repo_id, tiny_models[TINY_IDS[repo_id]])
    flags = [*MODEL_FLAGS[:7], "zh=facebook/nllb-200-distilled-600M", "--source-language", "en"]
    result, attempts = guarded_cli(["models", "list", *flags], tmp_path, hf_home, False)
    assert result.returncode == 0, result.stderr
    assert attempts == []  # listing never touches the network, even without HF_HUB_OFFLINE
    rows = {line.split()[2]: line.split() for line in result.stdout.splitlines()[1:4]}
    bart_size = format_size(folder_size(tiny_models["bart"]))
    assert rows["tiny-org/bart"][:2] == ["summary", "-"]
    assert " ".join(rows["tiny-org/bart"][4:]) == f"see model card yes {bart_size} ctranslate2"
    assert rows["tiny-org/marian"][1] == "hu" and "yes" in rows["tiny-org/marian"]
    nllb = rows["facebook/nllb-200-distilled-600M"]
    assert nllb[:2] == ["translation", "zh"] and nllb[4:6] == ["CC-BY-NC-4.0", "no"]
    assert "1 not available locally: run `summarize models pull`" in result.stdout
    notices = [line for line in result.stderr.splitlines() if "non-commercial" in line]
    assert notices == [
        "summarize: WARNING: facebook/nllb-200-distilled-600M is licensed CC-BY-NC-4.0: "
        "non-commercial use only (see its model card)"
    ]


def test_pull_downloads_checks_and_exports_a_folder_a_run_needs_alone(
    tiny_models, tmp_path, monkeypatch, capsys
) -> None:
    import huggingface_hub

    from summarize.commands.cli import main
    from summarize.engines import hub

    cache = tmp_path / "hf" / "hub"
    real_download = huggingface_hub.snapshot_download
    downloaded: list[str] = []

    def download(repo_id, *, revision=None, allow_patterns=None, local_files_only=False):
        if not local_files_only:  # stands in for the network: the files arrive in the cache
            downloaded.append(repo_id)
            put_in_hub_cache(cache, repo_id, tiny_models[TINY_IDS[repo_id]])
        return real_download(
            repo_id, revision=revision, allow_patterns=allow_patterns, local_files_only=True
        )

    monkeypatch.setattr(huggingface_hub.constants, "HF_HUB_CACHE", str(cache))
    monkeypatch.setattr(huggingface_hub.constants, "HF_HUB_OFFLINE", False)
    monkeypatch.setattr(huggingface_hub, "snapshot_download", download)
    # The Hub answers the run's one probe, as the download above stands in for it.
    monkeypatch.setattr(hub, "hub_problem", lambda timeout: None)
    export = tmp_path / "export"
    code = main(["models", "pull", *MODEL_FLAGS, "--source-language", "en", "--to", str(export)])
    assert code == 0
    assert sorted(set(downloaded)) == sorted(TINY_IDS)
    manifest = json.loads((export / "manifest.json").read_text("utf-8"))
    assert manifest["models"]["tiny-org/bart"] == {
        "folder": "tiny-org--bart",
        "revision": hashlib.sha1(b"tiny-org/bart").hexdigest(),
    }
    for entry in manifest["models"].values():
        folder = export / entry["folder"]
        assert (folder / "config.json").is_file() and not (folder / "config.json").is_symlink()
    printed = capsys.readouterr().out
    assert "3 model(s) ready and checked" in printed and f"--models-dir {export}" in printed

    # The copied folder is all a run needs: fresh HF_HOME, no network, models by Hub id.
    (tmp_path / "news").mkdir()
    (tmp_path / "news" / "a.txt").write_text(ENGLISH, "utf-8")
    result, attempts = guarded_cli(
        ["run", "news", "-o", "out", *MODEL_FLAGS, "--models-dir", str(export)],
        tmp_path,
        tmp_path / "empty-hf-home",
        offline_env=False,
    )
    assert result.returncode == 0, result.stderr
    assert attempts == []
    report = json.loads((tmp_path / "out" / "run.json").read_text("utf-8"))
    assert report["models"]["summary"] == "tiny-org/bart"
    assert report["settings"]["models_dir"] == str(export)
    assert (
        report["settings"]["revisions"]["tiny-org/marian"]
        == manifest["models"]["tiny-org/marian"]["revision"]
    )


@pytest.mark.parametrize(
    "names",
    [
        ("models/nllb", "models--nllb"),  # a local path shaped like a Hub id, and a folder name
        ("org/a b", "org/a-b"),
        ("t5-small", "./t5-small"),
        ("/data/models/x", "data/models/x"),
    ],
)
def test_export_folder_names_differ_for_names_that_used_to_share_one(names) -> None:
    folders = [export_folder_name(name) for name in names]
    assert len(set(folders)) == len(names), folders
    assert all("/" not in folder and not folder.startswith(".") for folder in folders)


def test_export_folder_of_a_hub_id_stays_readable() -> None:
    assert export_folder_name("Helsinki-NLP/opus-mt-en-hu") == "Helsinki-NLP--opus-mt-en-hu"
    assert export_folder_name("t5-small") == "t5-small"


def test_pull_exports_models_whose_names_used_to_clash_into_their_own_folders(
    tiny_models, tmp_path, monkeypatch, capsys
) -> None:
    from summarize.commands.cli import main

    monkeypatch.chdir(tmp_path)
    # Two local models; both names used to map to the folder models--marian.
    shutil.copytree(tiny_models["marian"], tmp_path / "models" / "marian")
    shutil.copytree(tiny_models["marian_multi_zh"], tmp_path / "models--marian")
    flags = [
        *("--summary-model", str(tiny_models["bart"]), "--languages", "hu,zh"),
        *("--translation-model", "hu=models/marian", "--translation-model", "zh=models--marian"),
        *("--source-language", "en", "--device", "cpu"),
    ]
    assert main(["models", "pull", *flags, "--to", "export"]) == 0
    models = json.loads((tmp_path / "export" / "manifest.json").read_text("utf-8"))["models"]
    for name in ("models/marian", "models--marian"):
        copy = tmp_path / "export" / models[name]["folder"] / "model.safetensors"
        assert copy.read_bytes() == (tmp_path / name / "model.safetensors").read_bytes()
    assert models["models/marian"]["folder"] != models["models--marian"]["folder"]

    # A folder that an older version's manifest gives to a model this pull leaves alone:
    # refused before anything is copied.
    old = tmp_path / "old"
    old.mkdir()
    manifest = {"format": 1, "models": {"models--marian": {"folder": "models--marian"}}}
    (old / "manifest.json").write_text(json.dumps(manifest), "utf-8")
    hu_only = [*flags[:2], "--languages", "hu", "--translation-model", "hu=models/marian"]
    capsys.readouterr()
    assert main(["models", "pull", *hu_only, *flags[-4:], "--to", "old"]) == 2
    assert "old/manifest.json gives that folder to 'models--marian'" in capsys.readouterr().err
    assert [path.name for path in old.iterdir()] == ["manifest.json"]
    assert json.loads((old / "manifest.json").read_text("utf-8")) == manifest


def test_pull_to_a_file_is_refused_before_any_download(tiny_models, tmp_path, monkeypatch, capsys):
    from summarize.commands.cli import main

    monkeypatch.chdir(tmp_path)
    (tmp_path / "afile").write_text("not a folder", "utf-8")
    flags = [
        *("--summary-model", str(tiny_models["bart"]), "--languages", "hu"),
        *("--translation-model", f"hu={tiny_models['marian']}", "--source-language", "en"),
    ]
    assert main(["models", "pull", *flags, "--to", "afile"]) == 2
    error = capsys.readouterr().err
    assert "--to afile: afile is a file, not a folder" in error and "Traceback" not in error
    assert (tmp_path / "afile").read_text("utf-8") == "not a folder"


def test_pull_while_offline_says_that_offline_is_what_blocks_it(tmp_path, monkeypatch, capsys):
    from summarize.commands.cli import main

    monkeypatch.chdir(tmp_path)  # HF_HUB_OFFLINE=1 and an empty HF_HOME, as in every test
    assert (
        main(["models", "pull", "--summary-model", "no-org/not-cached", "--languages", "hu"]) == 2
    )
    error = capsys.readouterr().err
    assert "could not find the model 'no-org/not-cached'" in error
    assert "Downloads are off here (HF_HUB_OFFLINE=1, --offline or offline = true)" in error
    # A run says the same when the model it checks first is not here.
    (tmp_path / "a.txt").write_text("Rain is expected across the region tomorrow.", "utf-8")
    assert main(["run", "a.txt", "--summary-model", "no-org/not-cached", "--languages", "hu"]) == 2
    assert "Downloads are off here" in capsys.readouterr().err


@pytest.mark.slow  # two whole runs, 10 s each; CI runs the slow tier
@pytest.mark.parametrize("how", ["--offline", "HF_HUB_OFFLINE=1"])
def test_offline_run_opens_no_socket_and_records_the_pinned_revision(
    tiny_models, tmp_path, how
) -> None:
    hf_home = tmp_path / "hf"
    commits = {
        repo_id: put_in_hub_cache(hf_home / "hub", repo_id, tiny_models[key])
        for repo_id, key in TINY_IDS.items()
    }
    (tmp_path / "news").mkdir()
    (tmp_path / "news" / "a_english.txt").write_text(ENGLISH, "utf-8")
    (tmp_path / "news" / "b_magyar.txt").write_text(HUNGARIAN, "utf-8")
    (tmp_path / "summarize.toml").write_text(
        f'[revisions]\n"tiny-org/bart" = "{commits["tiny-org/bart"]}"\n', "utf-8"
    )
    flags = [*MODEL_FLAGS, "--source-model", "hu=tiny-org/marian", "--config", "summarize.toml"]
    # Every stage: detection, pivot, summary, translation; the default engine converts the
    # models for CTranslate2 first. Either --offline alone or HF_HUB_OFFLINE=1 keeps it local.
    offline_flag = ["--offline"] if how == "--offline" else []
    result, attempts = guarded_cli(
        ["run", "news", "-o", "out", *offline_flag, *flags],
        tmp_path,
        hf_home,
        offline_env=how == "HF_HUB_OFFLINE=1",
    )
    assert result.returncode == 0, result.stderr
    assert attempts == []
    report = json.loads((tmp_path / "out" / "run.json").read_text("utf-8"))
    assert report["settings"]["offline"] is True
    assert report["settings"]["revisions"] == {
        "tiny-org/marian": commits["tiny-org/marian"],
        "tiny-org/bart": commits["tiny-org/bart"],
        "tiny-org/marian-zh": commits["tiny-org/marian-zh"],
    }
    assert {item["id"]: item["pivot"] for item in report["items"]} == {
        "a_english": None,
        "b_magyar": "tiny-org/marian",
    }
    assert {model["engine"] for model in report["settings"]["engines"].values()} == {"ctranslate2"}

    # The list now shows the converted copies the run made.
    listing, attempts = guarded_cli(["models", "list", *flags], tmp_path, hf_home, False)
    assert listing.returncode == 0, listing.stderr
    assert attempts == []
    bart = next(line for line in listing.stdout.splitlines() if "tiny-org/bart" in line)
    assert commits["tiny-org/bart"][:12] in bart
    assert f"ctranslate2 (converted: {hf_home / 'summarize' / 'ct2'}" in bart


def test_config_file_sets_revisions_models_dir_and_offline(tmp_path) -> None:
    from summarize.core.config import build_run_config, load_config_file

    path = tmp_path / "summarize.toml"
    path.write_text(
        'models_dir = "models"\noffline = true\n[revisions]\n"org/model" = "v1.0"\n', "utf-8"
    )
    config = build_run_config(load_config_file(path))
    assert (config.models_dir, config.offline) == (tmp_path / "models", True)
    assert config.revisions == {"org/model": "v1.0"}
    with pytest.raises(ConfigError, match="'revisions' must map model ids to revisions"):
        build_run_config({"revisions": {"org/model": 3}})


@pytest.mark.parametrize("engine", ["transformers", "ctranslate2"])
def test_both_engines_load_the_pinned_revision_only(
    tiny_models, tmp_path, monkeypatch, engine
) -> None:
    import huggingface_hub

    from summarize.engines.backends import EngineChoice, load_engine
    from summarize.engines.generation import GenerationOverrides

    cache = tmp_path / "hub"
    commit = put_in_hub_cache(cache, "tiny-org/marian", tiny_models["marian"])
    monkeypatch.setattr(huggingface_hub.constants, "HF_HUB_CACHE", str(cache))
    monkeypatch.setattr(huggingface_hub.constants, "HF_HOME", str(tmp_path))

    def load(revision: str):
        return load_engine(
            "tiny-org/marian",
            EngineChoice(engine),
            device="cpu",
            dtype="float32",
            batch_size=2,
            max_batch_tokens=None,
            overrides=GenerationOverrides(),
            threads=1,
            revision=revision,
        )

    model = load(commit)
    assert model.generate(["Rain is expected tomorrow."])[0]
    model.close()
    with pytest.raises(ModelLoadError, match=f"'tiny-org/marian' at revision '{'0' * 40}'"):
        load("0" * 40)


def test_a_pinned_revision_is_part_of_the_cache_key_only_when_pinned() -> None:
    from summarize.core.cache import unit_key

    def key(config: RunConfig) -> str:
        sources = ModelSources.open(config.revisions, None)
        return unit_key("summary", text="t", **sources.identity("org/model"))

    unpinned = key(RunConfig())
    assert unpinned == unit_key("summary", text="t", model="org/model")  # old caches stay valid
    pinned = {key(RunConfig(revisions={"org/model": rev})) for rev in ("v1", "v2")}
    assert len(pinned) == 2 and unpinned not in pinned


def test_an_unpinned_hub_model_is_keyed_by_the_cached_commit_it_loads(
    tiny_models, tmp_path, monkeypatch
) -> None:
    import huggingface_hub

    cache = tmp_path / "hub"
    monkeypatch.setattr(huggingface_hub.constants, "HF_HUB_CACHE", str(cache))
    sources = ModelSources.open({}, None)
    first = put_in_hub_cache(cache, "tiny-org/bart", tiny_models["bart"])
    assert sources.identity("tiny-org/bart") == {"model": "tiny-org/bart", "revision": first}

    # The cache moves to a new commit (a later download): the old results are not its results.
    later = "f" * 40
    repo = cache / "models--tiny-org--bart"
    shutil.copytree(tiny_models["t5"], repo / "snapshots" / later)
    (repo / "refs" / "main").write_text(later, encoding="utf-8")
    assert sources.identity("tiny-org/bart") == {"model": "tiny-org/bart", "revision": later}


def test_a_non_commercial_model_gets_one_notice_when_a_run_chooses_it(tmp_path, caplog) -> None:
    from summarize.runners.local import run

    (tmp_path / "a.txt").write_text(ENGLISH, "utf-8")
    config = RunConfig(
        inputs=(tmp_path / "a.txt",),
        output=tmp_path / "out",
        translation_model="facebook/nllb-200-distilled-600M",
        device="cpu",
    )
    with pytest.raises(ModelLoadError):  # not in this empty cache: the notice comes first
        run(config)
    notices = [r.getMessage() for r in caplog.records if "non-commercial" in r.getMessage()]
    assert notices == [
        "facebook/nllb-200-distilled-600M is licensed CC-BY-NC-4.0: non-commercial use only "
        "(see its model card)"
    ]


@pytest.fixture(scope="module")
def distilbart_and_opus(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Replicas of the default summariser and Hungarian translator (real config.json files)."""
    from support.replicas import build_replica

    root = tmp_path_factory.mktemp("verbose-replicas")
    return {
        "summary": build_replica("sshleifer/distilbart-cnn-12-6", root / "distilbart"),
        "hu": build_replica("Helsinki-NLP/opus-mt-tc-big-en-hu", root / "opus-hu"),
    }


def verbose_blocks(stdout: str) -> dict[str, str]:
    """The blocks ``models list --verbose`` prints after the table, by their first line's
    stage, each with its lines joined by single spaces (they wrap at 80 columns)."""
    blocks = stdout.split("\n\n")[1:]
    return {block.split(":")[0]: " ".join(block.split()) for block in blocks}


def test_verbose_list_shows_what_each_model_is_given_and_how_it_decodes(
    distilbart_and_opus, tmp_path
) -> None:
    models = distilbart_and_opus
    flags = [
        *("--summary-model", str(models["summary"]), "--languages", "hu,zh"),
        *("--translation-model", f"hu={models['hu']}", "--source-language", "en"),
        *("--translation-model", "zh=no-org/not-here", "--device", "cpu"),
    ]
    plain, _ = guarded_cli(["models", "list", *flags], tmp_path, tmp_path / "hf", False)
    result, attempts = guarded_cli(
        ["models", "list", "-v", *flags], tmp_path, tmp_path / "hf", False
    )
    assert result.returncode == 0, result.stderr
    assert attempts == []  # read from the local files only, as the plain list is
    assert result.stdout.startswith(plain.stdout)  # the table as it was, then the blocks
    blocks = verbose_blocks(result.stdout)
    summary = blocks["summary"]
    # distilBART keeps its settings as legacy config.json keys (max_length 142 counts the
    # decoder start token) and its summarisation task entry; its articles start with a space.
    assert "engine: ctranslate2" in summary
    assert "input: at most 1024 tokens per article (longer ones are split) prefix ' '" in summary
    assert "decoding: from config.json + task_specific_params[summarization]" in summary
    assert (
        "num_beams=4, min_new_tokens=55, max_new_tokens=141, length_penalty=2.0, "
        "repetition_penalty=1.0, no_repeat_ngram_size=3, early_stopping=True" in summary
    )
    hungarian = blocks["translation (hu)"]
    assert "decoding: from config.json num_beams=4, min_new_tokens=0, max_new_tokens=511" in (
        hungarian
    )
    # It forces an end token: CTranslate2 stops a step earlier for the same text.
    assert "on CTranslate2: min_decoding_length=0, max_decoding_length=510" in hungarian
    assert blocks["translation (zh)"] == (
        "translation (zh): no-org/not-here files: not available locally: run "
        "`summarize models pull`"
    )
    table_lines = len(plain.stdout.splitlines())
    for line in result.stdout.splitlines()[table_lines:]:
        header = line and not line.startswith(" ")  # "stage: model path" is never wrapped
        assert header or len(line) <= 80, line


def test_verbose_list_applies_the_decoding_flags_a_run_would_apply(
    distilbart_and_opus, tmp_path
) -> None:
    models = distilbart_and_opus
    flags = [
        *("--summary-model", str(models["summary"]), "--languages", "hu"),
        *("--translation-model", f"hu={models['hu']}", "--source-language", "en"),
        *("--engine", "transformers", "--num-beams", "2", "--max-summary-tokens", "60"),
    ]
    result, attempts = guarded_cli(
        ["models", "list", "--verbose", *flags], tmp_path, tmp_path / "hf", False
    )
    assert result.returncode == 0, result.stderr
    assert attempts == []
    blocks = verbose_blocks(result.stdout)
    assert (
        "from config.json + task_specific_params[summarization] + your settings: num_beams, "
        "max_new_tokens num_beams=2, min_new_tokens=55, max_new_tokens=60," in blocks["summary"]
    )
    # The summary's length flags are the summariser's alone; beams apply to every stage.
    assert (
        "from config.json + your settings: num_beams num_beams=2, min_new_tokens=0, "
        "max_new_tokens=511," in blocks["translation (hu)"]
    )
    assert "engine: transformers" in blocks["summary"]
    assert "CTranslate2" not in result.stdout


def test_hub_is_probed_once_for_hub_ids_and_unreachable_means_the_cache(
    tiny_models, tmp_path, monkeypatch, caplog
) -> None:
    import huggingface_hub

    from summarize.engines import hub

    cache = tmp_path / "hub"
    put_in_hub_cache(cache, "tiny-org/bart", tiny_models["bart"])
    monkeypatch.setattr(huggingface_hub.constants, "HF_HUB_CACHE", str(cache))
    monkeypatch.setattr(huggingface_hub.constants, "HF_HUB_OFFLINE", False)
    monkeypatch.delenv("HF_HUB_OFFLINE", raising=False)
    probes: list[float] = []

    def probe(timeout: float) -> str:
        probes.append(timeout)
        return "ConnectError: [Errno 111] Connection refused"

    monkeypatch.setattr(hub, "hub_problem", probe)
    check = HubCheck()
    check.require(str(tiny_models["bart"]))  # a local folder
    check.require("./no/such/folder")  # no Hub id: nothing to download
    assert probes == []
    # A cached model with no Hub to answer is read from the cache at once, as offline: the
    # retries of huggingface_hub (minutes) are skipped.
    with caplog.at_level(logging.WARNING, logger="summarize.engines.hub"):
        check.require("tiny-org/bart")
    assert probes == [3.0]
    assert huggingface_hub.constants.HF_HUB_OFFLINE is True
    assert "could not be reached" in caplog.text and "local cache" in caplog.text
    for name in ("no-org/first", "no-org/second"):
        with pytest.raises(ModelLoadError) as raised:
            check.require(name, "v1")
        message = str(raised.value)
        assert message.startswith(f"could not find the model {name!r} at revision 'v1'")
        assert "run `summarize models pull`" in message
        assert message.endswith(
            f"The Hugging Face Hub at {huggingface_hub.constants.ENDPOINT} could not be reached "
            "(waited up to 3 s): ConnectError: [Errno 111] Connection refused"
        )
    assert probes == [3.0]  # once per run
    # Offline by the user's choice, nothing is probed: huggingface_hub refuses at once by
    # itself, with the offline advice.
    HubCheck().require("no-org/first")
    assert probes == [3.0]
