"""The script a beginner writes for the briefing job: the baseline of ``end_to_end.py``.

One article at a time: tokenize with truncation, ``generate`` with 4 beams in float32, decode;
then, for each language, one summary at a time through its translation model. Models are
loaded with transformers, each once. Writes ``naive.jsonl`` (one line per article) into the
output folder.

Usage::

    python -m benchmarks.naive_briefing ARTICLES_DIR OUT_DIR --summary-model PATH \\
        --translation-model hu=PATH --translation-model zh=PATH ...
"""

from __future__ import annotations

import sys

from benchmarks.briefing_files import Laps, by_language, job_parser, marian_prefix, write_outputs

NUM_BEAMS = 4


def main(argv: list[str] | None = None) -> int:
    """Summarise every ``*.txt`` in the folder, translate each summary, write JSON lines."""
    parser = job_parser(__doc__.splitlines()[0])
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
    lap = Laps()

    files = sorted(args.articles.glob("*.txt"))
    tokenizer, model = load(args.summary_model)
    timings["load_s"] += lap()
    summaries = [run(tokenizer, model, path.read_text("utf-8")) for path in files]
    timings["summarise_s"] = lap()
    del tokenizer, model

    translations: dict[str, list[str]] = {}
    for language, (tokenizer, model) in by_language(args.translation_model, load):
        prefix = marian_prefix(language, tokenizer.get_vocab())
        timings["load_s"] += lap()
        translations[language] = [run(tokenizer, model, prefix + s) for s in summaries]
        timings["translate_s"][language] = lap()

    write_outputs(
        args.output / "naive.jsonl", files, summaries, translations, timings, args.timings
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
