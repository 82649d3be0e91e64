"""The table of settings: a new setting is one entry, and every derived place picks it up."""

from __future__ import annotations

import json
import re
from dataclasses import fields, replace
from pathlib import Path

import pytest

from summarize.commands.arguments import build_parser, settings_from_arguments
from summarize.core.config import (
    FIELD_NAMES,
    OPTIONS,
    RunConfig,
    build_run_config,
    load_config_file,
)
from summarize.core.errors import ConfigError
from summarize.core.options import key_fields, run_settings

#: Settings with no flag of their own: set by another setting's flag, or in a config file only.
WITHOUT_FLAGS = {"translation_models": "--translation-model", "revisions": None}


def help_of(capsys: pytest.CaptureFixture[str], *command: str) -> str:
    with pytest.raises(SystemExit):
        build_parser().parse_args([*command, "--help"])
    return capsys.readouterr().out


def has_flag(text: str, name: str) -> bool:
    return re.search(rf"(?<![\w-]){re.escape(name)}(?![\w-])", text) is not None


def test_every_runconfig_field_is_a_setting() -> None:
    assert FIELD_NAMES == tuple(field.name for field in fields(RunConfig)) == tuple(OPTIONS)
    assert all(OPTIONS[name].name == name for name in OPTIONS)


def test_each_config_gets_its_own_tables() -> None:
    first, second = RunConfig(), RunConfig()
    assert first.source_models == {} and first.source_models is not second.source_models


def test_every_setting_has_a_flag_in_run_help(capsys: pytest.CaptureFixture[str]) -> None:
    text = help_of(capsys, "run")
    for option in OPTIONS.values():
        names = [name for flag in option.flags for name in flag.names]
        if not names:
            assert option.name in WITHOUT_FLAGS, f"{option.name} has no flag"
            names = [WITHOUT_FLAGS[option.name]] if WITHOUT_FLAGS[option.name] else []
        for name in names:
            assert has_flag(text, name if name.startswith("-") else "INPUT"), name


def test_models_commands_share_the_model_and_decoding_flags(
    capsys: pytest.CaptureFixture[str],
) -> None:
    listing, pull = help_of(capsys, "models", "list"), help_of(capsys, "models", "pull")
    for option in OPTIONS.values():
        if option.group == "run":
            continue
        for name in (name for flag in option.flags for name in flag.names):
            assert has_flag(listing, name), name
            assert has_flag(pull, name) == (option.group == "model"), name


def test_every_flag_sets_its_setting() -> None:
    # A value each flag accepts; a setting that takes none is a switch.
    values = {"inputs": "news", "engine": "auto", "dtype": "float32", "source_models": "de=x/y"}
    for option in OPTIONS.values():
        for flag in option.flags:
            argv = ["run"]
            if flag.action in ("store_true", "store_false", "switch"):
                argv.append(flag.names[-1])
            elif flag.names[0].startswith("-"):
                argv += [flag.names[-1], values.get(option.name, "3" if flag.type is int else "x")]
            else:
                argv.append(values[option.name])
            settings = settings_from_arguments(build_parser().parse_args(argv))
            assert option.name in settings, flag.names


def test_every_setting_is_a_config_file_key(tmp_path: Path) -> None:
    path = tmp_path / "c.toml"
    path.write_text("no_such_setting = 1\n", encoding="utf-8")
    with pytest.raises(ConfigError) as error:
        load_config_file(path)
    valid = str(error.value).partition("valid keys: ")[2].split(", ")
    assert valid == list(FIELD_NAMES)


def test_each_setting_checks_its_values() -> None:
    # A value of no setting's kind: each setting names itself when refusing it.
    for name in OPTIONS:
        if name in (
            "inputs",
            "inputs_from",
            "output",
            "archive",
            "templates",
            "cache_dir",
            "models_dir",
        ):
            continue  # anything can be a path
        with pytest.raises(ConfigError, match=name.replace("_", ".")):
            build_run_config({name: object()})


# run.json's settings as the code before the table wrote them (issue #21), plus the input size
# limit (issue #23), then the input list file, the feed entry cap, the archive and feed
# settings, --include-seen and --keep-duplicates (issue #20), added at the end.
RUN_JSON_DEFAULT = (
    '{"inputs": ["seeds"], "output": "outputs", "engine": "auto", "dtype": "auto", '
    '"batch_size": null, "max_batch_tokens": null, "threads": null, "num_beams": null, '
    '"max_summary_tokens": null, "min_summary_tokens": null, "templates": null, '
    '"source_language": "auto", "source_models": {}, "models_dir": null, "offline": false, '
    '"cache": "outputs/.cache", "retry_suspect": false, "strict": false, "max_input_mb": 10, '
    '"inputs_from": null, "max_feed_entries": 50, "archive": null, "keep": null, "site_url": null, '
    '"include_seen": false, "keep_duplicates": false}'
)
RUN_JSON_SET = (
    '{"inputs": ["a", "b/c"], "output": "o", "engine": "ctranslate2", "dtype": "float16", '
    '"batch_size": 3, "max_batch_tokens": 100, "threads": 2, "num_beams": 4, '
    '"max_summary_tokens": 50, "min_summary_tokens": 5, "templates": "t", '
    '"source_language": "de", "source_models": {"de": "x/y"}, "models_dir": "m", '
    '"offline": true, "cache": null, "retry_suspect": true, "strict": true, "max_input_mb": 20, '
    '"inputs_from": "l.txt", "max_feed_entries": 7, "archive": "arch", "keep": 7, '
    '"site_url": "https://example.org/news/", "include_seen": true, "keep_duplicates": true}'
)


def test_run_json_settings_are_byte_for_byte_as_before() -> None:
    computed = {"offline": False, "cache": "outputs/.cache"}
    assert json.dumps(run_settings(RunConfig(), computed)) == RUN_JSON_DEFAULT
    config = RunConfig(
        inputs=(Path("a"), Path("b/c")),
        output=Path("o"),
        engine="ctranslate2",
        dtype="float16",
        batch_size=3,
        max_batch_tokens=100,
        threads=2,
        num_beams=4,
        max_summary_tokens=50,
        min_summary_tokens=5,
        templates=Path("t"),
        source_language="de",
        source_models={"de": "x/y"},
        models_dir=Path("m"),
        no_cache=True,
        retry_suspect=True,
        strict=True,
        max_input_mb=20,
        inputs_from=Path("l.txt"),
        max_feed_entries=7,
        archive=Path("arch"),
        keep=7,
        site_url="https://example.org/news/",
        include_seen=True,
        keep_duplicates=True,
    )
    computed = {"offline": True, "cache": None}
    assert json.dumps(run_settings(config, computed)) == RUN_JSON_SET


def test_run_json_reports_the_marked_settings_once_each() -> None:
    reported = [option for option in OPTIONS.values() if option.report is not None]
    assert len({option.report for option in reported}) == len(reported)
    names = [option.report_as or option.name for option in reported]
    assert sorted(run_settings(RunConfig(), {})) == sorted(names)


def test_key_fields_name_each_marked_setting_per_stage() -> None:
    config = RunConfig(num_beams=2, max_summary_tokens=40, min_summary_tokens=4)
    assert key_fields(config, "pivot") == {"num_beams": 2}
    assert key_fields(config, "summary") == {
        "num_beams": 2,
        "max_new_tokens": 40,
        "min_new_tokens": 4,
    }
    # Keys made without --retry-suspect stay as they were before it existed.
    assert key_fields(config, "translation") == {"num_beams": 2}
    retried = replace(config, retry_suspect=True)
    assert key_fields(retried, "translation") == {"num_beams": 2, "retry_suspect": True}


def test_every_setting_marked_for_keys_changes_them() -> None:
    changed = {
        "num_beams": 5,
        "max_summary_tokens": 7,
        "min_summary_tokens": 1,
        "retry_suspect": True,
    }
    for option in OPTIONS.values():
        for stage in option.keys:
            other = replace(RunConfig(), **{option.name: changed[option.name]})
            assert key_fields(other, stage) != key_fields(RunConfig(), stage), option.name
