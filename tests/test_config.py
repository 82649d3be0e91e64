from __future__ import annotations

from pathlib import Path

import pytest

from summarize.commands.arguments import build_parser, settings_from_arguments
from summarize.core.config import RunConfig, build_run_config, load_config_file
from summarize.core.errors import ConfigError


def config_from(argv: list[str]) -> RunConfig:
    return build_run_config(settings_from_arguments(build_parser().parse_args(["run", *argv])))


def test_defaults_read_seeds_into_outputs_in_all_four_languages() -> None:
    config = config_from([])
    assert config.inputs == ("seeds",)
    assert config.output == Path("outputs")
    assert config.languages == ("hu", "zh", "ru", "uk")
    assert config.summary_model == "sshleifer/distilbart-cnn-12-6"
    assert config.translation_model_for("hu") == "Helsinki-NLP/opus-mt-tc-big-en-hu"
    assert config.translation_model_for("ru") == "Helsinki-NLP/opus-mt-tc-big-en-zle"
    assert config.translation_model_for("uk") == "Helsinki-NLP/opus-mt-tc-big-en-zle"
    assert config.translation_model_for("zh") == "Helsinki-NLP/opus-mt-en-zh"


def test_translation_model_flags_per_language_and_for_all() -> None:
    config = config_from(
        ["--translation-model", "facebook/nllb", "--translation-model", "hu=/m/hu"]
    )
    assert config.translation_model_for("hu") == "/m/hu"
    assert config.translation_model_for("zh") == "facebook/nllb"


def test_config_file_then_flags_override(tmp_path: Path) -> None:
    (tmp_path / "summarize.toml").write_text(
        'languages = ["hu", "zh"]\nnum-beams = 2\noutput = "briefings"\n'
        'inputs = ["news"]\n[translation_models]\nhu = "my/hu"\n',
        encoding="utf-8",
    )
    config = config_from(["--config", str(tmp_path / "summarize.toml"), "--num-beams", "5"])
    assert config.languages == ("hu", "zh")
    assert config.num_beams == 5
    assert config.output == tmp_path / "briefings"
    assert config.inputs == (str(tmp_path / "news"),)
    assert config.translation_model_for("hu") == "my/hu"
    assert config_from(["--config", str(tmp_path / "summarize.toml"), "other"]).inputs == ("other",)


def test_quality_switches_are_off_by_default_and_set_by_file_or_flag(tmp_path: Path) -> None:
    assert (config_from([]).retry_suspect, config_from([]).strict) == (False, False)
    (tmp_path / "q.toml").write_text("retry-suspect = true\n", encoding="utf-8")
    config = config_from(["--config", str(tmp_path / "q.toml"), "--strict"])
    assert (config.retry_suspect, config.strict) == (True, True)
    with pytest.raises(ConfigError, match="true or false"):
        build_run_config({"strict": "yes"})


def test_flags_can_switch_off_what_the_config_file_switches_on(tmp_path: Path) -> None:
    path = tmp_path / "on.toml"
    path.write_text(
        "strict = true\nretry_suspect = true\noffline = true\nno_cache = true\n", "utf-8"
    )
    switches = ("strict", "retry_suspect", "offline", "no_cache")
    on = config_from(["--config", str(path)])
    assert [getattr(on, name) for name in switches] == [True] * 4
    flags = ["--no-strict", "--no-retry-suspect", "--no-offline", "--cache"]
    off = config_from(["--config", str(path), *flags])
    assert [getattr(off, name) for name in switches] == [False] * 4


def test_bad_numbers_name_the_flag_the_user_typed() -> None:
    with pytest.raises(ConfigError, match=r"--batch-size \(batch_size\) must be at least 1, got 0"):
        config_from(["--batch-size", "0"])
    with pytest.raises(
        ConfigError, match=r"--min-summary-tokens \(20\) is larger than --max-summary-tokens \(5\)"
    ):
        config_from(["--min-summary-tokens", "20", "--max-summary-tokens", "5"])


def test_unknown_config_key_lists_the_valid_ones(tmp_path: Path) -> None:
    path = tmp_path / "c.toml"
    path.write_text("langauges = ['hu']\n", encoding="utf-8")
    with pytest.raises(ConfigError) as error:
        load_config_file(path)
    assert "langauges" in str(error.value) and "languages" in str(error.value)


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        ({"languages": "hu,xx"}, "unknown language 'xx'"),
        ({"batch_size": 0}, "batch_size"),
        ({"max_batch_tokens": 0}, "max_batch_tokens"),
        ({"num_beams": "4"}, "whole number"),
        ({"dtype": "int4"}, "dtype"),
        ({"translation_models": {"qq": "m"}}, "unknown language 'qq'"),
        ({"min_summary_tokens": 50, "max_summary_tokens": 10}, "min-summary-tokens"),
        ({"languages": "hu,en"}, "'en' is English, the summaries' own language"),
        ({"languages": ["ENG"]}, "drop ENG from --languages"),
    ],
)
def test_bad_values_are_config_errors(settings, message) -> None:
    with pytest.raises(ConfigError, match=message):
        build_run_config(settings)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"languages = 5\n", "'languages' must be a list of language codes"),
        (b"languages = {hu = 1}\n", "'languages' must be a list of language codes"),
        (b'languages = ["hu", 1]\n', "'languages' must be a list of language codes"),
        (b'output = "caf\xe9"\n', "is not UTF-8 text"),
        (b"num-beams = 0\n", r"--num-beams \(num_beams\) must be at least 1"),
    ],
)
def test_config_file_mistakes_are_config_errors_naming_the_file(
    tmp_path: Path, content: bytes, message: str
) -> None:
    path = tmp_path / "c.toml"
    path.write_bytes(content)
    with pytest.raises(ConfigError, match=message) as error:
        load_config_file(path)
    assert str(path) in str(error.value)


def test_config_file_that_is_a_folder_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="is a folder; pass --config the TOML file"):
        load_config_file(tmp_path)


def test_languages_as_a_list_or_a_comma_separated_string(tmp_path: Path) -> None:
    path = tmp_path / "c.toml"
    path.write_text('languages = "hu, zh"\n', encoding="utf-8")
    assert build_run_config(load_config_file(path)).languages == ("hu", "zh")
    path.write_text('languages = ["zh", "hu"]\n', encoding="utf-8")
    assert build_run_config(load_config_file(path)).languages == ("zh", "hu")


def test_language_codes_in_any_case_or_iso_639_2_become_the_tables_codes() -> None:
    assert config_from(["--languages", "HU,zho,ukr,Ru"]).languages == ("hu", "zh", "uk", "ru")
    assert config_from(["--languages", "hun,hu"]).languages == ("hu",)  # one language, once
    # English articles need no translation into English, however the code is written.
    assert config_from(["--source-language", "eng"]).source_language == "en"
    assert config_from(["--source-language", "EN"]).source_language == "en"
    assert config_from(["--source-language", "AUTO"]).source_language == "auto"
    models = config_from(["--translation-model", "HUN=some/model", "--source-model", "Ru=x/y"])
    assert models.translation_model_for("hu") == "some/model"
    assert models.source_model_for("ru") == "x/y"
    with pytest.raises(ConfigError, match="unknown language 'xx'"):
        config_from(["--source-language", "xx"])
    with pytest.raises(ConfigError, match="source model for 'ru' must be a model id"):
        build_run_config({"source_models": {"ru": ""}})


def test_model_paths_in_a_config_file_are_relative_to_it_hub_ids_are_kept(tmp_path: Path) -> None:
    (tmp_path / "models" / "sum").mkdir(parents=True)
    (tmp_path / "conf" / "local" / "hu").mkdir(parents=True)
    path = tmp_path / "conf" / "c.toml"
    path.write_text(
        'summary_model = "../models/sum"\ntranslation_model = "facebook/nllb-200-distilled-600M"\n'
        '[translation_models]\nhu = "local/hu"\nzh = "Helsinki-NLP/opus-mt-en-zh"\n'
        'uk = "~/uk-model"\n[source_models]\nru = "./ru-en"\n',
        encoding="utf-8",
    )
    config = build_run_config(load_config_file(path))
    assert Path(config.summary_model).resolve() == (tmp_path / "models" / "sum").resolve()
    # A Hub id, and a name like one with no such folder next to the file, stay as written.
    assert config.translation_model == "facebook/nllb-200-distilled-600M"
    assert config.translation_model_for("zh") == "Helsinki-NLP/opus-mt-en-zh"
    # An existing folder next to the file is a path even without ./ in front.
    assert Path(config.translation_model_for("hu")) == tmp_path / "conf" / "local" / "hu"
    assert config.translation_model_for("uk") == str(Path("~/uk-model").expanduser())
    assert Path(config.source_model_for("ru")) == tmp_path / "conf" / "ru-en"
    # Flags are relative to the current folder, as always.
    flagged = config_from(["--config", str(path), "--summary-model", "../models/sum"])
    assert flagged.summary_model == "../models/sum"
