"""The script a beginner writes for the briefing job: the baseline of ``end_to_end.py``.

One article at a time: tokenize with truncation, ``generate`` with 4 beams in float32, decode;
then, for each language, one summary at a time through its translation model. Models are
loaded with transformers, each once. Writes ``naive.jsonl`` (one line per article) into the
output folder.

Usage::

    python benchmarks/naive_briefing.py ARTICLES_DIR OUT_DIR --summary-model PATH \\
        --translation-model hu=PATH --translation-model zh=PATH ...
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

#: Target-language tokens of multi-target Marian models (OPUS-MT), put before the source text.
MARIAN_TOKENS = {"zh": ">>cmn_Hans<<", "ru": ">>rus<<", "uk": ">>ukr<<", "hu": ">>hun<<"}
NUM_BEAMS = 4


def main(argv: list[str] | None = None) -> int:
    """Summarise every ``*.txt`` in the folder, translate each summary, write JSON lines."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("articles", type=Path)
    parser.add_argument("output", type=Path)
    parser.add_argument("--summary-model", required=True)
    parser.add_argument("--translation-model", action="append", default=[], metavar="LANG=PATH")
    parser.add_argument(
        "--timings", type=Path, help="write load and generation seconds per stage to this JSON"
    )
    args = parser.parse_args(argv)

    import torch
    from transformers import AutoModelForSeq2SeqLM, AutoTokenizer

    def load(name: str):
        return AutoTokenizer.from_pretrained(name), AutoModelForSeq2SeqLM.from_pretrained(name)

    def run(tokenizer, model, text: str) -> str:
        inputs = tokenizer(text, return_tensors="pt", truncation=True)
        with torch.no_grad():
            output = model.generate(**inputs, num_beams=NUM_BEAMS)
        return tokenizer.decode(output[0], skip_special_tokens=True)

    # Timing is the benchmark's addition; the beginner's script is the rest.
    timings: dict = {"load_s": 0.0, "summarise_s": 0.0, "translate_s": {}}
    clock = time.perf_counter()

    def lap() -> float:
        nonlocal clock
        now = time.perf_counter()
        seconds, clock = now - clock, now
        return seconds

    files = sorted(args.articles.glob("*.txt"))
    tokenizer, model = load(args.summary_model)
    timings["load_s"] += lap()
    summaries = [run(tokenizer, model, path.read_text("utf-8")) for path in files]
    timings["summarise_s"] = lap()
    del tokenizer, model

    translations: dict[str, list[str]] = {}
    loaded: dict[str, tuple] = {}
    for spec in args.translation_model:
        language, _, name = spec.partition("=")
        if name not in loaded:
            loaded.clear()  # one translation model in memory at a time
            loaded[name] = load(name)
        tokenizer, model = loaded[name]
        token = MARIAN_TOKENS.get(language)
        prefix = f"{token} " if token in tokenizer.get_vocab() else ""
        timings["load_s"] += lap()
        translations[language] = [run(tokenizer, model, prefix + s) for s in summaries]
        timings["translate_s"][language] = lap()

    args.output.mkdir(parents=True, exist_ok=True)
    with (args.output / "naive.jsonl").open("w", encoding="utf-8") as out:
        for index, path in enumerate(files):
            record = {
                "id": path.stem,
                "summary": summaries[index],
                "translations": {code: texts[index] for code, texts in translations.items()},
            }
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
    if args.timings:
        timings["articles"] = len(files)
        args.timings.write_text(json.dumps(timings))
    return 0


if __name__ == "__main__":
    sys.exit(main())
