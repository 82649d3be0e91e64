"""The briefing job written straight against CTranslate2: the end-to-end anchor of ``speed.py``.

What a user who knows CTranslate2 writes instead of using ``summarize``: each converted model
loaded once with the best thread and batch setting (``--setting``; ``speed.py`` passes the
winners of its stage sweeps), every article summarised in one ``translate_batch`` call, then,
for each language, every summary sentence in one call. It decodes with the product's options
(beam, forced length, banned tokens) from the product's converted models, on the device and
compute type ``summarize run`` picks by default, and translates the same units the product
does: each summary's sentences, split with the product's splitter.
So both do the same generation work; this script skips everything else the product does
(reading formats, chunking, caching, quality checks, HTML), which makes it a demanding anchor.
Writes ``raw.jsonl`` (one line per article) into the output folder.

Usage::

    python -m benchmarks.raw_ct2_briefing ARTICLES_DIR OUT_DIR --summary-model PATH \\
        --translation-model hu=PATH ... [--setting PATH=INTER,SIZE|even,TYPE ...]

``PATH`` is the Hugging Face folder the product was given; the converted copy is taken from
the product's cache (``$HF_HOME/summarize``). Where the product has not converted a model yet,
this script converts it with the product's code, and its time includes that: ``speed.py`` and
``end_to_end.py`` have ``summarize`` convert every model before timing either.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Any

from benchmarks.briefing_files import Laps, by_language, job_parser, marian_prefix, write_outputs
from benchmarks.common import product_options

#: (inter_threads, max_batch_size or None for "the inputs shared evenly by the workers",
#: batch_type), as ``engine_speed``'s sweep writes them.
Setting = tuple[int, int | None, str]


#: Where ``--setting`` names none: what won the sweeps of ``engine_speed.py`` on 2 cores
#: (articles: batches of 4; sentences: half of them per worker).
DEFAULT_SUMMARY_SETTING: Setting = (2, 4, "examples")
DEFAULT_TRANSLATION_SETTING: Setting = (2, None, "examples")


def parse_setting(text: str) -> tuple[str, Setting]:
    """``PATH=INTER,SIZE,TYPE`` -> (PATH, (INTER, SIZE, TYPE)); SIZE ``even`` -> None."""
    path, _, setting = text.rpartition("=")
    try:
        inter, size, batch_type = setting.split(",")
        parsed = (int(inter), None if size == "even" else int(size), batch_type)
    except ValueError:
        parsed = None
    if not path or parsed is None or batch_type not in ("examples", "tokens"):
        raise argparse.ArgumentTypeError(
            f"expected PATH=INTER,SIZE|even,examples|tokens, not {text!r}"
        )
    return path, parsed


class RawModel:
    """One converted model, its tokenizer and decoding options, used as CTranslate2 users do."""

    def __init__(self, path: str, setting: Setting) -> None:
        import ctranslate2
        from transformers import AutoTokenizer

        from summarize.engines.ctranslate2_engine import compute_type_for
        from summarize.engines.transformers_engine import resolve_device

        # The device and compute type summarize run picks by default (a GPU if there is one;
        # int8 on CPU, int8_float16 on CUDA), so both run the same converted copy.
        device = "cuda" if resolve_device("auto").startswith("cuda") else "cpu"
        compute_type = compute_type_for(device, "auto")
        self.tokenizer = AutoTokenizer.from_pretrained(path)
        # The product's converted copy (converted here by the product's code if it is
        # missing) and its decoding options, so both decode the same tokens.
        model_dir, self.options, self.prefix = product_options(
            Path(path), compute_type, self.tokenizer
        )
        inter, self.max_batch_size, self.batch_type = setting
        cores = os.cpu_count() or 1
        # A GPU runs one worker (as in engine_speed's CUDA sweep); CPU cores are shared out.
        self.workers = inter = 1 if device == "cuda" else min(inter, cores)
        self.translator: Any = ctranslate2.Translator(
            str(model_dir),
            device=device,
            compute_type=compute_type,
            inter_threads=inter,
            intra_threads=0 if device == "cuda" else max(1, cores // inter),
        )

    def run(self, texts: list[str]) -> list[str]:
        """Tokenize (truncating to the model's limit), decode with CTranslate2, detokenize."""
        tokenizer = self.tokenizer
        ids = tokenizer(texts, truncation=True)["input_ids"]
        size = self.max_batch_size or -(-len(texts) // self.workers)
        results = self.translator.translate_batch(
            [tokenizer.convert_ids_to_tokens(row) for row in ids],
            target_prefix=[self.prefix] * len(ids) if self.prefix else None,
            max_batch_size=size,
            batch_type=self.batch_type,
            **self.options,
        )
        return tokenizer.batch_decode(
            [tokenizer.convert_tokens_to_ids(result.hypotheses[0]) for result in results],
            skip_special_tokens=True,
        )


def main(argv: list[str] | None = None) -> int:
    """Summarise every ``*.txt`` in the folder, translate the summaries, write JSON lines."""
    parser = job_parser(__doc__.splitlines()[0])
    parser.add_argument(
        "--setting",
        action="append",
        type=parse_setting,
        default=[],
        metavar="PATH=INTER,SIZE|even,TYPE",
        help="CTranslate2 workers, max_batch_size and batch_type for one model "
        f"(default: {DEFAULT_SUMMARY_SETTING} for the summariser, "
        f"{DEFAULT_TRANSLATION_SETTING} for translators)",
    )
    args = parser.parse_args(argv)
    settings = dict(args.setting)

    from summarize.text.sentences import split_sentences

    timings: dict = {"load_s": 0.0, "summarise_s": 0.0, "translate_s": {}, "sentences": {}}
    lap = Laps()

    files = sorted(args.articles.glob("*.txt"))
    model = RawModel(args.summary_model, settings.get(args.summary_model, DEFAULT_SUMMARY_SETTING))
    timings["load_s"] += lap()
    summaries = model.run([path.read_text("utf-8").strip() for path in files])
    timings["summarise_s"] = lap()
    del model

    sentences = [split_sentences(summary) for summary in summaries]
    translations: dict[str, list[str]] = {}

    def load(path: str) -> RawModel:
        return RawModel(path, settings.get(path, DEFAULT_TRANSLATION_SETTING))

    for language, model in by_language(args.translation_model, load):
        prefix = marian_prefix(language, model.tokenizer.get_vocab())
        timings["load_s"] += lap()
        flat = [prefix + sentence for text in sentences for sentence in text]
        outputs = iter(model.run(flat))
        translations[language] = [" ".join(next(outputs) for _ in text) for text in sentences]
        timings["translate_s"][language] = lap()
        timings["sentences"][language] = len(flat)

    write_outputs(args.output / "raw.jsonl", files, summaries, translations, timings, args.timings)
    return 0


if __name__ == "__main__":
    sys.exit(main())
