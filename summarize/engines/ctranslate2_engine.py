"""A CTranslate2 backend behind the :class:`~summarize.engines.generation.Engine` protocol.

Models are converted from their transformers checkpoint on first use and cached under
``cache_root/ct2/``; later runs load the converted copy in well under a second. Tokenising and
detokenising stay with the model's own Hugging Face tokenizer, so inputs, language tokens and
output text are the same as with :class:`summarize.engines.transformers_engine.TransformersEngine`.

``ctranslate2`` is imported inside functions only, so this module imports without it.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import tempfile
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

from transformers import AutoConfig

from summarize.core.errors import ConfigError, ModelLoadError
from summarize.core.options import DTYPE_CHOICES
from summarize.engines.batching import even_chunks, run_sorted_batches
from summarize.engines.decoding import Decoding
from summarize.engines.families import CTRANSLATE2_MODEL_TYPES, family_of
from summarize.engines.generation import GenerationOverrides, Target
from summarize.engines.hub import folder_fingerprint, model_folder
from summarize.engines.tokenizing import (
    CheckpointDecoding,
    count_tokens,
    decodable_ids,
    encode_inputs,
    load_failure,
    load_tokenizer,
    max_input_tokens,
    token_spans,
)

logger = logging.getLogger(__name__)

#: ``config.model_type`` values whose CTranslate2 4.8 converter works on our checkpoints and
#: whose greedy float32 output equals transformers' token for token (checked in
#: tests/test_ct2_engine.py): BART, Marian (single and multi-target), M2M100 (NLLB-200 and
#: M2M100 share it), mBART-50 and T5 (see summarize.engines.families). Beam search matches too
#: when the model stops at ``num_beams`` ended outputs and no likely token is blocked;
#: otherwise CTranslate2 can decide close calls differently (it never searches past
#: ``num_beams`` ended outputs, and it renormalises after blocking tokens; see docs/models.md,
#: Engines).
SUPPORTED_MODEL_TYPES: frozenset[str] = CTRANSLATE2_MODEL_TYPES

# Vocabulary files a converted model may hold (shared, or target for separate vocabularies).
_VOCABULARY_FILES = ("shared_vocabulary.json", "target_vocabulary.json")
#: Batches per CPU worker in one call to CTranslate2 (see CTranslate2Engine.generate).
_BATCHES_PER_WORKER = 4


def ctranslate2_available() -> bool:
    """Whether the ``ctranslate2`` package can be imported here."""
    try:
        import ctranslate2  # noqa: F401
    except ImportError:
        return False
    return True


def compute_type_for(device: str, dtype: str) -> str:
    """CTranslate2 compute type for a device and the user's dtype request.

    Pass the user's request (one of DTYPE_CHOICES: ``auto``, ``float32``, ``bfloat16``,
    ``float16``),
    not a dtype already resolved for torch: torch resolves ``auto`` to float32 on CPU, while
    CTranslate2's best CPU choice is int8.

    - CPU: ``int8`` unless float32 is asked for. int8 weights with int8 matrix products ran
      well ahead of CTranslate2 float32 (figures: benchmarks/README.md). CTranslate2's CPU
      backends have no 16-bit float types, so ``bfloat16`` / ``float16`` requests (reduced
      precision for speed) get int8 too. ``float32`` is honoured: it reproduces transformers'
      output exactly.
    - CUDA: ``auto`` gives ``int8_float16`` (int8 weights, half the memory of
      float16, fp16 activations); ``bfloat16``, ``float16`` and ``float32`` are kept as asked.
    """
    if dtype not in DTYPE_CHOICES:
        raise ConfigError(f"unknown dtype {dtype!r}; use {', '.join(DTYPE_CHOICES)}")
    if device == "cpu":
        return "float32" if dtype == "float32" else "int8"
    if device.startswith("cuda"):
        return "int8_float16" if dtype == "auto" else dtype
    raise ConfigError(f"CTranslate2 runs on cpu or cuda[:N], not {device!r}; use --device cpu")


def converted_model_dir(
    name: str, *, compute_type: str, cache_root: Path, revision: str | None = None
) -> Path:
    """Folder of ``name`` converted for CTranslate2 with ``compute_type`` weights.

    Converts on first use into ``cache_root/ct2/<key>-<name>/`` and reuses that folder later.
    The key hashes the name, revision, quantization, CTranslate2 version and the source files'
    sizes and modification times, so an updated model or library converts afresh. The
    conversion is written to a temporary folder and renamed into place, so an interrupted one
    never leaves a half model behind. ``name`` is a local folder or a Hub id (with
    ``HF_HUB_OFFLINE=1`` only the local cache is used); the user's files are never modified.
    """
    import ctranslate2  # optional: imported only where it runs

    source = model_folder(name, revision)
    final = converted_copy_path(
        name, source, compute_type=compute_type, cache_root=cache_root, revision=revision
    )
    if (final / "model.bin").is_file():
        return final
    final.parent.mkdir(parents=True, exist_ok=True)
    logger.info("converting %s for CTranslate2 (first use only)", name)
    # The temp folder lives beside the final one, so os.replace is a same-filesystem rename.
    with tempfile.TemporaryDirectory(prefix=".converting-", dir=final.parent) as scratch:
        work = Path(scratch)
        model_source = _with_legacy_config(source, work / "source")
        output = work / "model"
        try:
            converter = ctranslate2.converters.TransformersConverter(str(model_source))
            converter.convert(str(output), quantization=compute_type)
        except Exception as error:
            # Only supported model types get here, so the files are the likelier cause.
            raise ModelLoadError(
                f"could not convert {name!r} for CTranslate2: {error}\n"
                "Check that the model's files are complete (fetch it again if a download or "
                "copy was interrupted); if they are, run it with --engine transformers."
            ) from error
        _fill_special_tokens(output, source)
        try:
            os.replace(output, final)
        except OSError:
            # Another process finished the same conversion first: use its copy.
            if not (final / "model.bin").is_file():
                raise
    return final


def converted_copy_path(
    name: str, source: Path, *, compute_type: str, cache_root: Path, revision: str | None = None
) -> Path:
    """Where :func:`converted_model_dir` keeps ``name`` (files in ``source``) converted for
    CTranslate2 with ``compute_type`` weights; holds ``model.bin`` once converted."""
    import ctranslate2  # optional: imported only where it runs

    key = json.dumps(
        [name, revision, compute_type, ctranslate2.__version__, folder_fingerprint(source)]
    )
    digest = hashlib.sha256(key.encode("utf-8")).hexdigest()[:16]
    safe_name = re.sub(r"[^A-Za-z0-9._-]+", "-", name).strip("-.")[-60:] or "model"
    return cache_root / "ct2" / f"{digest}-{safe_name}"


def _with_legacy_config(source: Path, scratch: Path) -> Path:
    """``source``, or a linked copy of it whose config.json has the keys the converter needs.

    The copy links every file but config.json (no weights are duplicated), so the user's
    folder or Hub cache is never written to.
    """
    config = json.loads((source / "config.json").read_text(encoding="utf-8"))
    support = family_of(config.get("model_type")).ctranslate2
    if support is None:
        return source
    missing = {key: value for key, value in support.legacy_config.items() if key not in config}
    # v5 drops the tokenizer class from config.json; tokenizer_config.json still names it.
    if support.reads_tokenizer_class and "tokenizer_class" not in config:
        tokenizer_config = source / "tokenizer_config.json"
        if tokenizer_config.is_file():
            tokenizer_class = json.loads(tokenizer_config.read_text(encoding="utf-8")).get(
                "tokenizer_class"
            )
            if tokenizer_class:
                missing["tokenizer_class"] = tokenizer_class
    if not missing:
        return source
    scratch.mkdir(parents=True)
    for path in source.iterdir():
        if path.name != "config.json":
            os.symlink(path.resolve(), scratch / path.name)
    (scratch / "config.json").write_text(json.dumps({**config, **missing}), encoding="utf-8")
    return scratch


def _fill_special_tokens(output: Path, source: Path) -> None:
    """Give the converted config a bos token where the tokenizer had none.

    CTranslate2 refuses to load a config whose ``bos_token`` is null, which the converter
    writes for tokenizers without one (transformers v5's MBart50Tokenizer keeps ``<s>`` only
    as its cls token). Seq2seq decoding never reads it unless the source gets a bos added.
    """
    config_path = output / "config.json"
    config = json.loads(config_path.read_text(encoding="utf-8"))
    if config.get("bos_token") is not None:
        return
    vocabulary = _read_vocabulary(output)
    model_config = json.loads((source / "config.json").read_text(encoding="utf-8"))
    bos_id = model_config.get("bos_token_id")
    if isinstance(bos_id, int) and 0 <= bos_id < len(vocabulary):
        config["bos_token"] = vocabulary[bos_id]
    else:
        config["bos_token"] = config.get("eos_token")
    config_path.write_text(json.dumps(config, indent=2), encoding="utf-8")


def _read_vocabulary(model_dir: Path) -> list[str]:
    """Target vocabulary of a converted model, in id order."""
    for filename in _VOCABULARY_FILES:
        path = model_dir / filename
        if path.is_file():
            return json.loads(path.read_text(encoding="utf-8"))
    raise ModelLoadError(f"no vocabulary file in the converted model {model_dir}")


def translate_options(decoding: Decoding, vocabulary: Sequence[str]) -> dict[str, Any]:
    """``translate_batch`` keyword arguments that decode as transformers does with ``decoding``.

    ``vocabulary`` is the converted model's target vocabulary, which names banned tokens.
    """
    # CTranslate2's decoding lengths count generated tokens (a target prefix included, like
    # a forced bos), as Decoding does. transformers' forced_eos_token_id turns the last allowed
    # token into eos, so an output that reaches the limit holds one text token less; stopping
    # one step earlier does the same. This holds for a user's or a retry's bound too.
    max_new = decoding.max_new_tokens
    if decoding.forced_eos_token_id is not None:
        max_new = max(1, max_new - 1)
    # Banned sequences: bad_words_ids and suppress_tokens, named by the converted vocabulary
    # (same ids as the model's; it also names ids the tokenizer lacks, such as M2M100's
    # "madeupword" entries). Ids past it are skipped: Marian's <pad>, which the converter drops
    # and CTranslate2 never generates.
    banned = [list(ids) for ids in decoding.bad_words_ids]
    banned += [[token_id] for token_id in decoding.suppress_tokens]
    suppress = [
        [vocabulary[i] for i in ids]
        for ids in banned
        if ids and all(0 <= i < len(vocabulary) for i in ids)
    ]
    options: dict[str, Any] = {
        "beam_size": decoding.num_beams,
        "max_decoding_length": max_new,
        "min_decoding_length": min(decoding.min_new_tokens, max_new),
        "length_penalty": decoding.length_penalty,
        "repetition_penalty": decoding.repetition_penalty,
        "no_repeat_ngram_size": decoding.no_repeat_ngram_size,
        # Over-long inputs are refused before generation; CTranslate2 would silently cut
        # anything past 1024 tokens otherwise.
        "max_input_length": 0,
    }
    if suppress:
        options["suppress_sequences"] = suppress
    return options


def _wait_for_all(pending: Sequence[Any]) -> list[Any]:
    """The results of CTranslate2's asynchronous calls, in order, once all have ended.

    Every call is waited for even after one fails, so no batch is still running when the
    error reaches the caller (which may retry the wave with smaller batches).
    """
    results, error = [], None
    for future in pending:
        try:
            results.append(future.result())
        except Exception as failure:  # re-raised below, after the others have ended
            error = error or failure
    if error is not None:
        raise error
    return results


def _is_out_of_memory(error: BaseException) -> bool:
    return isinstance(error, RuntimeError) and "out of memory" in str(error).lower()


class CTranslate2Engine:
    """A seq2seq model run by CTranslate2 on one device (converted on first use).

    ``dtype`` is the user's request (see :func:`compute_type_for`); ``cache_root`` holds the
    converted models; ``threads`` caps CPU threads (default: all cores).
    """

    def __init__(
        self,
        name: str,
        *,
        device: str,
        dtype: str,
        batch_size: int,
        overrides: GenerationOverrides = GenerationOverrides(),
        cache_root: Path,
        threads: int | None = None,
        max_batch_tokens: int | None = None,
        revision: str | None = None,
    ) -> None:
        import ctranslate2  # optional: imported only where it runs

        self.name = name
        self.revision = revision
        self.device = device
        self.batch_size = batch_size
        self.max_batch_tokens = max_batch_tokens
        self.overrides = overrides
        self.compute_type = compute_type_for(device, dtype)
        folder = model_folder(name, revision)
        try:
            config = AutoConfig.from_pretrained(folder, trust_remote_code=False)
        except Exception as error:
            raise load_failure(name, "model", error) from error
        if config.model_type not in SUPPORTED_MODEL_TYPES:
            raise ModelLoadError(
                f"{name!r} is a {config.model_type!r} model, which the CTranslate2 engine does "
                f"not support (it supports {', '.join(sorted(SUPPORTED_MODEL_TYPES))}); "
                "use the transformers engine for it"
            )
        self.tokenizer = load_tokenizer(str(folder))
        self.max_input_tokens = max_input_tokens(config, self.tokenizer)
        #: The checkpoint's decoding settings per task (before the user's overrides).
        self.decoding = CheckpointDecoding(
            str(folder),
            None,
            input_limit=self.max_input_tokens,
            decodable_ids=decodable_ids(self.tokenizer),
        )
        model_dir = converted_model_dir(
            name, compute_type=self.compute_type, cache_root=cache_root, revision=revision
        )
        device_type, _, index = device.partition(":")
        cores = threads or os.cpu_count() or 1
        # On CPU, two batches decode in parallel with half the cores each: beam search on one
        # batch leaves cores idle between its small matrix products, so 2 workers x 1 thread
        # beat one worker x 2 threads on 2 cores (figures: benchmarks/README.md). The
        # workers share the model's weights. A GPU gets one worker (0: CTranslate2 chooses).
        self._workers = min(2, cores) if device_type == "cpu" else 1
        self._translator: Any = ctranslate2.Translator(
            str(model_dir),
            device=device_type,
            device_index=int(index or 0),
            compute_type=self.compute_type,
            inter_threads=self._workers,
            intra_threads=cores // self._workers if device_type == "cpu" else 0,
        )
        self._vocabulary = _read_vocabulary(model_dir)
        logger.debug("loaded %s with CTranslate2 on %s as %s", name, device, self.compute_type)

    def options(
        self, target: Target = Target(), overrides: GenerationOverrides | None = None
    ) -> tuple[dict[str, Any], list[str]]:
        """``translate_batch`` options for ``target``, and the tokens every output starts with
        (the target's language token, or the one the checkpoint forces; none for most)."""
        decoding = self.decoding(target.task).overridden(self.overrides.merged(overrides))
        forced = target.forced_bos_token
        if forced is None and decoding.forced_bos_token_id is not None:
            forced = self.tokenizer.convert_ids_to_tokens(decoding.forced_bos_token_id)
        return translate_options(decoding, self._vocabulary), [] if forced is None else [forced]

    def count_tokens(self, texts: Sequence[str], *, special_tokens: bool = False) -> list[int]:
        """Number of tokens of each text."""
        return count_tokens(self.tokenizer, texts, special_tokens=special_tokens)

    def token_spans(self, text: str) -> list[tuple[int, int]]:
        """Character (start, end) of each token of ``text``, without special tokens."""
        return token_spans(self.tokenizer, text)

    def generate(
        self,
        texts: Sequence[str],
        target: Target = Target(),
        on_batch: Callable[[Mapping[int, str]], None] | None = None,
        *,
        overrides: GenerationOverrides | None = None,
    ) -> list[str]:
        """Generate one output per text, in input order, batching inputs of similar length.

        ``overrides`` changes decoding for this call only.
        """
        if not texts:
            return []
        if self._translator is None:
            raise RuntimeError(f"the CTranslate2 engine for {self.name} was closed")
        encoded = encode_inputs(self.tokenizer, texts, target, self.name, self.max_input_tokens)
        options, prefix = self.options(target, overrides)
        # Each call hands CTranslate2 a length-sorted wave of several batches per worker; a
        # worker takes the next batch as soon as it finishes one, so no core idles while
        # another ends a long batch. One batch per worker per call ran slower on articles
        # of mixed length (figures: benchmarks/README.md). batch_size and max_batch_tokens stay
        # per batch, so memory per worker is what they say. A GPU runs one worker, so its
        # wave is one batch, and an out-of-memory wave is halved as before.
        workers = self._workers
        per_call = workers * (_BATCHES_PER_WORKER if workers > 1 else 1)
        return run_sorted_batches(
            encoded,
            [len(ids) for ids in encoded],
            self.batch_size * per_call,
            lambda wave, report: self._generate_wave(wave, prefix, report, options),
            is_out_of_memory=_is_out_of_memory,
            on_batch=on_batch,
            max_batch_tokens=None
            if self.max_batch_tokens is None
            else self.max_batch_tokens * per_call,
        )

    def _generate_wave(
        self,
        wave: list[list[int]],
        prefix: list[str],
        report: Callable[[Mapping[int, str]], None],
        options: dict[str, Any],
    ) -> list[str]:
        """Decode a length-sorted wave as batches that ``self._workers`` workers share; each
        batch's outputs are reported (by position in the wave) as soon as it ends."""
        limit = self.batch_size
        if self.max_batch_tokens is not None:
            limit = max(1, min(limit, self.max_batch_tokens // max(1, max(map(len, wave)))))
        # As few batches as the limit allows, rounded up to a multiple of the workers and
        # filled evenly, so every worker gets the same work: 34 inputs with a limit of 16 on 2
        # workers make 9 + 9 + 8 + 8, not 16 + 16 + 2 with one worker idle for the last.
        count = -(-len(wave) // limit)
        count = min(len(wave), -(-count // self._workers) * self._workers)
        chunks = even_chunks(wave, count)
        # Submitted together, so the workers take the batches from one queue as they free up.
        pending = [
            self._translator.translate_batch(
                [self.tokenizer.convert_ids_to_tokens(ids) for ids in chunk],
                target_prefix=[prefix] * len(chunk) if prefix else None,
                asynchronous=True,
                **options,
            )
            for chunk in chunks
        ]
        # Waited for in the order the workers take them, so a batch is reported (and its work
        # kept) about when it ends, not when the whole wave does.
        outputs: list[str] = []
        error: Exception | None = None
        for batch in pending:
            try:
                decoded = [self._decode(result, prefix) for result in _wait_for_all(batch)]
            except Exception as failure:  # raised once every batch has ended
                error = error or failure
                continue
            if error is None:
                report(dict(enumerate(decoded, len(outputs))))
                outputs.extend(decoded)
        if error is not None:
            raise error
        return outputs

    def _decode(self, result: Any, prefix: list[str]) -> str:
        """The text of CTranslate2's best hypothesis."""
        tokens = result.hypotheses[0]
        # The forced first token is returned with the output; it is never text.
        if prefix and tokens[: len(prefix)] == prefix:
            tokens = tokens[len(prefix) :]
        ids = self.tokenizer.convert_tokens_to_ids(tokens)
        return self.tokenizer.decode(ids, skip_special_tokens=True).strip()

    def close(self) -> None:
        """Free the model's memory (CTranslate2 releases it when the translator is deleted)."""
        translator = self._translator
        self._translator = None
        if translator is not None:
            translator.unload_model()
            del translator
