"""``summarize check``: the run's quality checks on JSONL made elsewhere, through the real
command: hand-made lines of every shape, standard input, bad lines, and a run's results.jsonl."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from support.cli import run_cli
from support.configs import marian_config

KEYS = ["stage", "language", "kind", "detail"]
SOURCE = "The government announced new measures on Tuesday. Markets rose 2 percent."
HUNGARIAN = "A kormány kedden új intézkedéseket jelentett be. A piacok 2 százalékot emelkedtek."
ARTICLE = (
    "Budget plans\n\nThe government announced new measures on Tuesday, Finance Minister Anna "
    "Kovacs said in Budapest. Markets rose 2 percent after the announcement."
)
SUMMARY = "The government announced new measures on Tuesday. Markets rose 2 percent."

GOOD = [
    {"id": "hu", "source": SOURCE, "translation": HUNGARIAN, "language": "hu"},
    {"id": "summary", "article": ARTICLE, "summary": SUMMARY},
    {"id": "both", "article": ARTICLE, "summary": SUMMARY, "translations": {"hu": HUNGARIAN}},
]
FLAWED = [
    # Traditional characters where Simplified Chinese was asked.
    {
        "id": "zh",
        "source": SOURCE,
        "translation": "政府週二宣佈了新措施。市場上漲了2%。",
        "language": "zh",
    },
    # The English copied.
    {"id": "ru", "source": SOURCE, "translation": SOURCE, "language": "ru"},
    # A number and a name the article does not have.
    {
        "id": "invented",
        "article": ARTICLE,
        "summary": SUMMARY.replace("2", "7") + " Crowds in Paris cheered.",
    },
]


def write_jsonl(path: Path, records: list[object]) -> Path:
    path.write_text(
        "".join(
            (json.dumps(r, ensure_ascii=False) if not isinstance(r, str) else r) + "\n"
            for r in records
        ),
        encoding="utf-8",
    )
    return path


def output_records(stdout: str) -> list[dict]:
    return [json.loads(line) for line in stdout.splitlines()]


def kinds(record: dict) -> set[str]:
    return {warning["kind"] for warning in record["warnings"]}


def test_correct_lines_pass_with_exit_0(tmp_path: Path) -> None:
    result = run_cli(["check", str(write_jsonl(tmp_path / "in.jsonl", GOOD))], cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    records = output_records(result.stdout)
    assert [record["id"] for record in records] == ["hu", "summary", "both"]
    assert all(record == {"id": record["id"], "warnings": []} for record in records)
    assert result.stderr.strip() == "summarize: 3 checked, 0 flagged (0 warnings), 0 unusable"


def test_flawed_lines_are_flagged_with_exit_1(tmp_path: Path) -> None:
    result = run_cli(
        ["check", str(write_jsonl(tmp_path / "in.jsonl", GOOD + FLAWED))], cwd=tmp_path
    )
    assert result.returncode == 1, result.stderr
    records = {record["id"]: record for record in output_records(result.stdout)}
    assert "wrong_script" in kinds(records["zh"])
    assert "untranslated" in kinds(records["ru"])
    assert {"unsupported_number", "unsupported_name"} <= kinds(records["invented"])
    for record in records.values():
        assert all(list(warning) == KEYS for warning in record["warnings"])
    assert records["zh"]["warnings"][0]["stage"] == "translation"
    assert records["invented"]["warnings"][0]["language"] == "en"
    assert "6 checked, 3 flagged" in result.stderr


def test_bad_lines_are_reported_by_number_and_the_rest_checked(tmp_path: Path) -> None:
    lines = [
        GOOD[0],
        "not json",
        {"id": "empty"},
        "",
        {"id": "lang", "source": SOURCE, "translation": HUNGARIAN, "language": "xx-nope"},
        [1, 2],
        FLAWED[1],
    ]
    path = write_jsonl(tmp_path / "in.jsonl", lines)
    with path.open("ab") as handle:
        handle.write(b'{"id": "latin1", "summary": "caf\xe9"}\n')
    result = run_cli(["check", str(path)], cwd=tmp_path)
    assert result.returncode == 2
    records = output_records(result.stdout)
    # One record per non-blank line, in order; the unusable ones say why.
    assert [record.get("error") is None for record in records] == [
        True,
        False,
        False,
        False,
        False,
        True,
        False,
    ]
    assert records[-2]["id"] == "ru" and "untranslated" in kinds(records[-2])
    stderr = result.stderr
    for number in (2, 3, 5, 6, 8):
        assert f"summarize: line {number}: " in stderr
    assert "line 8: not UTF-8" in stderr
    assert "unknown language 'xx-nope'" in stderr
    last = stderr.splitlines()[-1]
    assert last.startswith("summarize: 2 checked, 1 flagged (") and last.endswith(", 5 unusable")


def test_standard_input_and_output_file(tmp_path: Path) -> None:
    text = write_jsonl(tmp_path / "in.jsonl", FLAWED[:1]).read_text("utf-8")
    command = [sys.executable, "-m", "summarize", "check", "-", "-o", str(tmp_path / "out.jsonl")]
    result = subprocess.run(command, input=text, capture_output=True, text=True, cwd=tmp_path)
    assert result.returncode == 1 and result.stdout == ""
    (record,) = output_records((tmp_path / "out.jsonl").read_text("utf-8"))
    assert record["id"] == "zh" and kinds(record) == {"wrong_script"}


def test_a_missing_file_is_a_usage_error(tmp_path: Path) -> None:
    result = run_cli(["check", str(tmp_path / "nope.jsonl")], cwd=tmp_path)
    assert result.returncode == 2
    assert "nope.jsonl: no such file" in result.stderr and "Traceback" not in result.stderr


def test_help_lists_the_command(tmp_path: Path) -> None:
    result = run_cli(["check", "--help"], cwd=tmp_path)
    assert result.returncode == 0 and "results.jsonl" in result.stdout
    assert "check" in run_cli(["--help"], cwd=tmp_path).stdout


def test_check_loads_no_model_library(tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "in.jsonl", GOOD + FLAWED)
    script = (
        "import sys\n"
        "from summarize.commands.cli import main\n"
        f"code = main(['check', {str(path)!r}, '-o', {str(tmp_path / 'out.jsonl')!r}])\n"
        "heavy = [name for name in ('torch', 'transformers', 'ctranslate2')\n"
        "         if name in sys.modules]\n"
        "print(code, heavy)\n"
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert result.stdout.strip() == "1 []", result.stderr


@pytest.fixture(scope="module")
def finished_run(tiny_models, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A tiny-model run (garbage translations) from the folder above its output, as usual."""
    from summarize.runners.local import run

    root = tmp_path_factory.mktemp("run")
    news = root / "news"
    news.mkdir()
    (news / "a.txt").write_text(
        "Markets rally\n\nShares rose 4 percent on Monday. Analysts in London were surprised.",
        encoding="utf-8",
    )
    (news / "b.txt").write_text(
        "Rain ahead\n\nRain is expected across the region tomorrow. Farmers welcomed it.",
        encoding="utf-8",
    )
    run(marian_config(tiny_models, (news,), root / "out"))
    return root / "out"


def test_results_jsonl_is_checked_as_it_is(finished_run: Path, tmp_path: Path) -> None:
    results = finished_run / "results.jsonl"
    result = run_cli(["check", str(results)], cwd=tmp_path)  # another folder: found via run.json
    assert result.returncode == 1, result.stderr
    expected = [json.loads(line) for line in results.read_text("utf-8").splitlines()]
    records = output_records(result.stdout)
    assert [record["id"] for record in records] == [record["id"] for record in expected]
    for record, original in zip(records, expected, strict=True):
        run_flags = [w for w in original["warnings"] if w["stage"] != "input"]
        # The summary has the run's own warnings, compared with the article read again.
        assert [w for w in record["warnings"] if w["stage"] == "summary"] == [
            w for w in run_flags if w["stage"] == "summary"
        ]
        # Random weights translate into no language: every edition is flagged, as in the run.
        flagged = {w["language"] for w in record["warnings"] if w["stage"] == "translation"}
        assert flagged == {w["language"] for w in run_flags if w["stage"] == "translation"}
    assert "without their article" not in result.stderr


def test_results_jsonl_without_its_inputs(finished_run: Path, tmp_path: Path) -> None:
    copy = tmp_path / "elsewhere"
    shutil.copytree(finished_run, copy)
    (copy / "run.json").unlink()
    result = run_cli(["check", str(copy / "results.jsonl")], cwd=tmp_path)
    assert result.returncode == 1
    assert "2 summaries without their article (numbers and names not checked)" in result.stderr
    records = output_records(result.stdout)
    assert not any(
        w["kind"] in {"unsupported_number", "unsupported_name"}
        for record in records
        for w in record["warnings"]
    )


def test_relative_inputs_are_found_beside_the_output_folder(
    finished_run: Path, tmp_path: Path
) -> None:
    # `summarize run news -o out` from the folder holding both, checked from elsewhere.
    moved = tmp_path / "project"
    shutil.copytree(finished_run, moved / "out")
    shutil.copytree(finished_run.parent / "news", moved / "news")
    report = json.loads((moved / "out" / "run.json").read_text("utf-8"))
    report["settings"]["inputs"] = ["news"]
    (moved / "out" / "run.json").write_text(json.dumps(report), encoding="utf-8")
    (tmp_path / "cwd").mkdir()
    result = run_cli(["check", str(moved / "out" / "results.jsonl")], cwd=tmp_path / "cwd")
    assert result.returncode == 1, result.stderr
    assert "without their article" not in result.stderr
