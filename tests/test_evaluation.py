"""``summarize eval``: references built from a tiny-model run, scores checked against the
libraries' own results for the same strings."""

from __future__ import annotations

import importlib.util
import json
import logging
import subprocess
import sys
import unicodedata
from dataclasses import replace
from pathlib import Path

import pytest
import sacrebleu
from rouge_score import rouge_scorer
from support.articles import LONG_ARTICLE
from support.cli import run_cli
from support.configs import marian_config

from summarize.commands.evaluation import (
    EVAL_FILE,
    evaluate,
    read_references,
    score_summaries,
    score_translations,
)
from summarize.core.errors import ConfigError, InputError

LANGUAGES = ("hu", "zh")
# Words and letters that the tiny models' vocabularies never produce.
UNRELATED = "qqxv zzkj wwpf vvgq xxjz kkqw jjvx ffzq"


@pytest.fixture(scope="module")
def finished(tiny_models, tmp_path_factory) -> tuple[Path, list[dict]]:
    """An output folder of a tiny run (three articles, hu and zh) and its results."""
    from summarize.runners.local import run

    news = tmp_path_factory.mktemp("news")
    (news / "a.txt").write_text("Budget grows again\n\n" + LONG_ARTICLE, "utf-8")
    (news / "b.txt").write_text("Rain is expected across the region tomorrow.", "utf-8")
    (news / "c.md").write_text("# Markets\n\nShares rose on Monday in every market.", "utf-8")
    output = tmp_path_factory.mktemp("out")
    config = replace(marian_config(tiny_models, (news,), output), languages=LANGUAGES)
    assert run(config).failed == 0
    records = [
        json.loads(line) for line in (output / "results.jsonl").read_text("utf-8").splitlines()
    ]
    return output, records


def write_jsonl(path: Path, records: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), "utf-8")
    return path


def references_from(records: list[dict], change) -> list[dict]:
    """Reference records: each output text passed through ``change(text)``."""
    return [
        {
            "id": r["id"],
            "summary": change(r["summary"]),
            "translations": {code: change(text) for code, text in r["translations"].items()},
        }
        for r in records
    ]


# Hand-written texts (the tiny models' outputs are repeats of one or two words: identical
# texts without any two-word sequence have no ROUGE-2 to match).
NATURAL = {
    "summary": "The government raised the budget for schools and hospitals on Monday.",
    "hu": "A kormány hétfőn megemelte az iskolák és a kórházak költségvetését.",
    "zh": "政府周一提高了学校和医院的预算。",
}


def test_identical_natural_text_scores_100_and_unrelated_text_0() -> None:
    same = score_summaries([NATURAL["summary"]], [NATURAL["summary"]])
    assert (same.rouge1, same.rouge2, same.rougeL) == pytest.approx((100, 100, 100))
    other = score_summaries([NATURAL["summary"]], [UNRELATED])
    assert (other.rouge1, other.rouge2, other.rougeL) == (0, 0, 0)
    for code in ("hu", "zh"):
        same_translation = score_translations([NATURAL[code]], [NATURAL[code]], code)
        assert (same_translation.bleu, same_translation.chrf) == pytest.approx((100, 100))
        unrelated = score_translations([NATURAL[code]], [UNRELATED], code)
        assert unrelated.bleu < 1 and unrelated.chrf < 10


def test_a_letter_typed_decomposed_scores_as_the_same_letter() -> None:
    # NFD, as some macOS tools save text: "ő" as "o" + a combining double acute accent.
    decomposed = {key: unicodedata.normalize("NFD", text) for key, text in NATURAL.items()}
    assert decomposed["hu"] != NATURAL["hu"]
    summary = score_summaries(
        ["Viktor Orbán spoke in São Paulo."],
        [unicodedata.normalize("NFD", "Viktor Orbán spoke in São Paulo.")],
    )
    assert (summary.rouge1, summary.rouge2, summary.rougeL) == pytest.approx((100, 100, 100))
    for code in ("hu", "zh"):
        scores = score_translations([NATURAL[code]], [decomposed[code]], code)
        assert (scores.bleu, scores.chrf) == pytest.approx((100, 100))


def test_a_reference_wrapped_over_lines_scores_as_one_line(tmp_path) -> None:
    line = "Az EU-tagállamok hétfőn megemelték a költségvetést. A döntés vitát váltott ki."
    hypothesis = "Az EU-tagállamok kedden emelték a költségvetést. A döntés vitát váltott ki."
    # A hard-wrapped reference file, a compound broken after its hyphen: sacrebleu's 13a alone
    # would delete the hyphen and the break ("EUtagállamok").
    wrapped = "Az EU-\ntagállamok hétfőn megemelték a költségvetést.\n\nA döntés vitát\nváltott ki."
    scores = score_translations([hypothesis], [wrapped], "hu")
    assert scores.bleu == pytest.approx(sacrebleu.corpus_bleu([hypothesis], [[line]]).score)
    assert scores.chrf == pytest.approx(sacrebleu.corpus_chrf([hypothesis], [[line]]).score)
    assert 0 < scores.bleu < 100
    assert score_translations([line], [wrapped], "hu").bleu == pytest.approx(100)


def test_bleu_in_languages_written_without_spaces_counts_characters_or_words(
    caplog, monkeypatch
) -> None:
    from summarize.commands import evaluation

    # Without MeCab, sacrebleu's standard tokeniser for Japanese (pip install 'sacrebleu[ja]').
    monkeypatch.setattr(evaluation, "_installed", lambda *modules: False)
    # One sentence, one word changed. 13a would make each sentence one "word": BLEU 0.
    cases = {
        "ja": ("政府は月曜日に予算を引き上げました。", "政府は火曜日に予算を引き上げました。"),
        "th": ("รัฐบาลเพิ่มงบประมาณเมื่อวันจันทร์", "รัฐบาลเพิ่มงบประมาณเมื่อวันอังคาร"),
        "yue": ("政府星期一加咗預算。", "政府星期二加咗預算。"),
    }
    expected_tokenizer = {"ja": "char", "th": "char", "yue": "zh"}
    for code, (reference, hypothesis) in cases.items():
        tokenize = expected_tokenizer[code]
        with caplog.at_level(logging.WARNING):
            scores = score_translations([hypothesis], [reference], code)
        bleu = sacrebleu.corpus_bleu([hypothesis], [[reference]], tokenize=tokenize)
        assert scores.bleu == pytest.approx(bleu.score) and 0 < scores.bleu < 100, code
        assert f"tok:{tokenize}" in scores.bleu_signature
        assert sacrebleu.corpus_bleu([hypothesis], [[reference]], tokenize="13a").score == 0
    # The report says the Japanese number is not the usual tok:ja-mecab one.
    assert "Japanese BLEU is counted by character (tok:char)" in caplog.text
    for code, tokenize in [("hu", "13a"), ("ru", "13a"), ("uk", "13a"), ("zh", "zh")]:
        assert f"tok:{tokenize}" in score_translations(["a"], ["a"], code).bleu_signature


def test_identical_references_score_100(finished, tmp_path) -> None:
    output, records = finished
    scores = evaluate(write_jsonl(tmp_path / "refs.jsonl", references_from(records, str)), output)
    assert scores.matched == 3 and scores.missing == ()
    summary = scores.summary
    assert (summary.articles, summary.rouge1, summary.rougeL) == (3, 100, 100)
    assert list(scores.translations) == list(LANGUAGES)
    for language in scores.translations.values():
        assert language.segments == 3
        assert language.bleu == pytest.approx(100)
        assert language.chrf == pytest.approx(100)


def test_unrelated_references_score_near_0(finished, tmp_path) -> None:
    output, records = finished
    path = write_jsonl(tmp_path / "refs.jsonl", references_from(records, lambda _: UNRELATED))
    scores = evaluate(path, output)
    assert scores.summary.rouge1 == scores.summary.rouge2 == scores.summary.rougeL == 0
    for language in scores.translations.values():
        assert language.bleu < 1
        assert language.chrf < 10


def half_right(text: str) -> str:
    """The first half of the text's words, then unrelated words: a partly right reference."""
    words = text.split()
    return " ".join(words[: (len(words) + 1) // 2] + UNRELATED.split()[:3])


def test_scores_equal_the_libraries_own_results(finished, tmp_path) -> None:
    output, records = finished
    references = references_from(records, half_right)
    scores = evaluate(write_jsonl(tmp_path / "refs.jsonl", references), output)

    scorer = rouge_scorer.RougeScorer(["rouge1", "rouge2", "rougeL"], use_stemmer=True)
    pairs = [
        scorer.score(ref["summary"], r["summary"])
        for ref, r in zip(references, records, strict=True)
    ]
    for name in ("rouge1", "rouge2", "rougeL"):
        expected = 100 * sum(p[name].fmeasure for p in pairs) / len(pairs)
        assert getattr(scores.summary, name) == pytest.approx(expected)
    # (ROUGE-2 is 0: the tiny summaries have no two-word sequence in common with anything.)
    assert 0 < scores.summary.rouge1 < 100 and 0 < scores.summary.rougeL < 100
    for code, tokenize in [("hu", "13a"), ("zh", "zh")]:
        hypotheses = [r["translations"][code] for r in records]
        refs = [[ref["translations"][code] for ref in references]]
        bleu = sacrebleu.corpus_bleu(hypotheses, refs, tokenize=tokenize)
        chrf = sacrebleu.corpus_chrf(hypotheses, refs)
        assert scores.translations[code].bleu == pytest.approx(bleu.score)
        assert scores.translations[code].chrf == pytest.approx(chrf.score)
        assert 0 < bleu.score < 100 and 0 < chrf.score < 100
        assert f"tok:{tokenize}" in scores.translations[code].bleu_signature


def test_a_folder_of_text_files_reads_like_jsonl(finished, tmp_path) -> None:
    _, records = finished
    folder = tmp_path / "refs"
    folder.mkdir()
    for record in records:
        (folder / f"{record['id']}.summary.txt").write_text(record["summary"] + "\n", "utf-8")
        for code, text in record["translations"].items():
            (folder / f"{record['id']}.{code}.txt").write_text(text, "utf-8")
    (folder / "sub").mkdir()
    # Saved by a Windows editor: a byte-order mark first, which is no part of the text.
    (folder / "sub" / "x.hu.txt").write_text("only a Hungarian reference", "utf-8-sig")
    from_folder = read_references(folder)
    jsonl = write_jsonl(tmp_path / "r.jsonl", references_from(records, str))
    jsonl.write_text(jsonl.read_text("utf-8"), "utf-8-sig")
    from_jsonl = read_references(jsonl)
    assert {key: from_folder[key] for key in from_jsonl} == from_jsonl
    assert from_folder["sub/x"].summary is None
    assert dict(from_folder["sub/x"].translations) == {"hu": "only a Hungarian reference"}


def test_references_that_match_nothing_or_no_results_name_the_problem(finished, tmp_path) -> None:
    output, _ = finished
    other = write_jsonl(tmp_path / "refs.jsonl", [{"id": "nope", "summary": "x"}])
    with pytest.raises(ConfigError, match="none of the 1 reference ids"):
        evaluate(other, output)
    with pytest.raises(InputError, match=r"results\.jsonl not found"):
        evaluate(other, tmp_path)
    (tmp_path / "bad.jsonl").write_text('{"summary": "no id"}\n', "utf-8")
    with pytest.raises(InputError, match=r"bad\.jsonl:1: not a reference record"):
        evaluate(tmp_path / "bad.jsonl", output)


def test_bad_references_or_output_stop_eval_with_exit_2_naming_the_file(finished, tmp_path) -> None:
    output, _ = finished
    (tmp_path / "number.jsonl").write_text('{"id": "a", "summary": 5}\n', "utf-8")
    (tmp_path / "hu.jsonl").write_text('{"id": "a", "translations": {"hu": 5}}\n', "utf-8")
    twice = '{"id": "a", "summary": "one"}\n\n{"id": "a", "summary": "two"}\n'
    (tmp_path / "twice.jsonl").write_text(twice, "utf-8")
    (tmp_path / "refs").mkdir()
    (tmp_path / "refs" / "a.summary.txt").write_text("A summary.", "utf-8")
    (tmp_path / "refs" / "a.zh.txt").write_bytes(b"\xff\xfe")
    (tmp_path / "good.jsonl").write_text('{"id": "a", "summary": "A summary."}\n', "utf-8")
    (tmp_path / "afile").write_text("not a folder", "utf-8")
    cases = {
        "number.jsonl": "number.jsonl:1: not a reference record ('summary' must be a string)",
        "hu.jsonl": "hu.jsonl:1: not a reference record (translations must be strings; hu is not)",
        "twice.jsonl": "twice.jsonl:3: id 'a' already has a reference record on line 1",
        "refs": "a.zh.txt: reference is not UTF-8 text",
    }
    for references, message in cases.items():
        result = run_cli(["eval", references, "-o", str(output)], cwd=tmp_path)
        assert (result.returncode, result.stdout) == (2, ""), result.stderr
        assert message in result.stderr and "Traceback" not in result.stderr
    result = run_cli(["eval", "good.jsonl", "-o", "afile"], cwd=tmp_path)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "afile/results.jsonl not found: pass the folder a finished" in result.stderr


def test_a_results_file_with_a_broken_record_names_its_line(tmp_path) -> None:
    references = write_jsonl(tmp_path / "refs.jsonl", [{"id": "a", "summary": "A summary."}])
    cases = {
        '{"id": "a"}': "'summary' must be a string",
        '{"id": "a", "summary": "s", "translations": {"hu": 5}}': "'translations' must be",
        "[1, 2]": "expected a JSON object, got list",
    }
    for line, problem in cases.items():
        output = tmp_path / f"out{len(line)}"
        output.mkdir()
        good = json.dumps({"id": "b", "summary": "s", "translations": {}})
        (output / "results.jsonl").write_text(f"{good}\n{line}\n", "utf-8")
        with pytest.raises(InputError, match=r"results\.jsonl:2: ") as caught:
            evaluate(references, output)
        assert problem in str(caught.value)


def test_eval_json_that_cannot_be_written_is_an_input_error(finished, tmp_path, monkeypatch):
    from summarize.commands import evaluation

    output, records = finished
    references = write_jsonl(tmp_path / "refs.jsonl", [{"id": records[0]["id"], "summary": "x"}])

    def read_only(path, text):
        raise PermissionError(13, "Permission denied", str(path))

    monkeypatch.setattr(evaluation, "write_atomic", read_only)
    with pytest.raises(InputError, match=r"cannot write .*eval\.json: Permission denied"):
        evaluate(references, output)


def test_references_in_a_language_the_run_lacks_are_named(finished, tmp_path, caplog) -> None:
    output, records = finished
    reference = {"id": records[0]["id"], "translations": {"hu": "Egy mondat.", "de": "Ein Satz."}}
    with caplog.at_level(logging.WARNING):
        scores = evaluate(write_jsonl(tmp_path / "refs.jsonl", [reference]), output)
    assert set(scores.translations) == {"hu"}
    assert "reference translations into de have no translation" in caplog.text


def test_eval_command_prints_a_table_and_writes_eval_json(finished, tmp_path) -> None:
    output, records = finished
    refs = references_from(records, half_right)
    write_jsonl(tmp_path / "refs.jsonl", [*refs, {"id": "not-run", "summary": "missing"}])
    result = run_cli(["eval", "refs.jsonl", "-o", str(output), "--comet"], cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    saved = json.loads((output / EVAL_FILE).read_text("utf-8"))
    assert saved["matched"] == 3 and saved["missing"] == ["not-run"]
    lines = result.stdout.splitlines()
    assert lines[0] == "3 article(s) scored against refs.jsonl"
    summary_row = lines[next(i for i, line in enumerate(lines) if line.startswith("summaries")) + 1]
    assert summary_row.split() == [
        "en",
        "3",
        *(f"{saved['summary'][name]:.1f}" for name in ("rouge1", "rouge2", "rougeL")),
    ]
    zh_row = next(line for line in lines if line.startswith("zh "))
    zh = saved["translations"]["zh"]
    assert zh_row.split() == ["zh", "3", f"{zh['bleu']:.1f}", f"{zh['chrf']:.1f}"]
    # COMET is optional and not installed here: a note, not a failure.
    assert "COMET not computed: install it with `pip install unbabel-comet`" in result.stdout
    assert saved["comet_note"].startswith("COMET not computed")


def test_new_commands_help_does_not_import_torch() -> None:
    code = (
        "import sys\nfrom summarize.commands.cli import main\n"
        "for args in (['--help'], ['models', 'pull', '--help'], ['eval', '--help']):\n"
        "    try:\n        main(args)\n    except SystemExit:\n        pass\n"
        "assert 'torch' not in sys.modules and 'transformers' not in sys.modules\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert "--models-dir" in result.stdout and "REFERENCES" in result.stdout


# A stand-in for unbabel-comet (not installed here, and it could not download a model): its
# download_model raises KeyError "not supported" whenever the Hub cannot be reached.
FAKE_COMET = """
from types import SimpleNamespace

loaded = []
predicted = []


def download_model(model, saving_directory=None, local_files_only=False):
    raise KeyError(f"Model '{model}' not supported by COMET.")


def load_from_checkpoint(checkpoint_path, **kwargs):
    loaded.append(checkpoint_path)

    def predict(samples, batch_size=16, gpus=1, progress_bar=True, **kwargs):
        predicted.append((list(samples), gpus))
        return SimpleNamespace(system_score=0.5)

    return SimpleNamespace(predict=predict)
"""


@pytest.fixture
def fake_comet(tmp_path, monkeypatch):
    """The module ``comet`` of FAKE_COMET, importable here and in a CLI subprocess."""
    folder = tmp_path / "fake_comet"
    folder.mkdir()
    (folder / "comet.py").write_text(FAKE_COMET, "utf-8")
    monkeypatch.setenv("PYTHONPATH", str(folder))
    spec = importlib.util.spec_from_file_location("comet", folder / "comet.py")
    comet = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(comet)
    monkeypatch.setitem(sys.modules, "comet", comet)  # gone again after the test
    return comet


def test_a_comet_model_that_cannot_be_downloaded_is_a_clear_note(
    finished, tmp_path, fake_comet
) -> None:
    output, records = finished
    write_jsonl(tmp_path / "refs.jsonl", references_from(records, half_right))
    result = run_cli(["eval", "refs.jsonl", "-o", str(output), "--comet"], cwd=tmp_path)
    assert result.returncode == 0 and "Traceback" not in result.stderr, result.stderr
    note = (
        "COMET not computed: model Unbabel/wmt22-comet-da could not be downloaded or loaded "
        "(KeyError: \"Model 'Unbabel/wmt22-comet-da' not supported by COMET.\"); run once with "
        "network access, or pass --comet with the folder of a downloaded COMET model"
    )
    assert note in result.stdout and note in result.stderr
    saved = json.loads((output / EVAL_FILE).read_text("utf-8"))
    assert saved["comet_note"] == note
    assert all(scores["comet"] is None for scores in saved["translations"].values())
    assert saved["translations"]["hu"]["bleu"] > 0


def test_comet_scores_with_a_downloaded_model_folder(finished, tmp_path, fake_comet) -> None:
    output, records = finished
    model = tmp_path / "wmt22-comet-da"
    (model / "checkpoints").mkdir(parents=True)
    (model / "checkpoints" / "model.ckpt").write_bytes(b"")
    refs = references_from(records, half_right)
    scores = evaluate(write_jsonl(tmp_path / "refs.jsonl", refs), output, comet=str(model))
    assert scores.comet_note is None
    assert fake_comet.loaded == [str(model / "checkpoints" / "model.ckpt")]
    assert [scores.translations[code].comet for code in LANGUAGES] == [0.5, 0.5]
    # Source: the English summary that was translated; reference: the reference translation.
    samples, gpus = fake_comet.predicted[0]
    assert samples[0] == {
        "src": records[0]["summary"],
        "mt": records[0]["translations"]["hu"],
        "ref": refs[0]["translations"]["hu"],
    }
    import torch

    assert gpus == (1 if torch.cuda.is_available() else 0)  # COMET asks for a GPU unless told
