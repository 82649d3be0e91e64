"""The translate stage: English summaries into each target language, sentence by sentence.

Translation models are trained on sentences; long inputs make them drop or repeat text. So each
summary is split into sentences, every distinct sentence of every summary is translated in shared
batches, and the translations are rejoined in order.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace

from summarize.core.errors import UnsupportedLanguageError
from summarize.core.languages import (
    ENGLISH,
    FLORES_CODE,
    LANGUAGES,
    M2M_CODE,
    MARIAN_TOKEN,
    MBART_CODE,
    Language,
    get_language,
    iso_names,
    usual_individual_language,
)
from summarize.core.progress import Progress, SilentProgress
from summarize.engines.families import TargetStyle, family_of
from summarize.engines.generation import Engine, GenerationOverrides, ModelInfo, Target
from summarize.quality import SentencePair
from summarize.text.sentences import split_oversized, split_sentences

# Single-pair OPUS-MT ids name both languages: opus-mt-en-hu, opus-mt-tc-big-en-hu, opus-mt-hu-en.
_OPUS_PAIR = re.compile(r"opus-mt-(?:tc-big-)?([a-z]{2,3})-([a-z]{2,3})(?:$|[-_/])")


def resolve_target(
    info: ModelInfo, language: Language, source: Language = ENGLISH, *, fix: str | None = None
) -> Target:
    """How to ask this model for ``language`` from ``source``, or an error naming both.

    Every code is one the model's vocabulary has (a code it lacks would reach it as
    ``<unk>``): the language's own, else the one the vocabulary uses for it (see
    ``_vocabulary_code``). ``fix`` ends the error with what to pass instead: by default another
    --translation-model; the pivot into English, which that flag does not set, passes its own.
    """
    tokens = info.language_tokens
    fix = fix or f"pass --translation-model {language.code}=MODEL with a model that covers it"
    style = family_of(info.model_type).target_style
    if style is TargetStyle.MARIAN_TOKEN:
        marian_tokens = sorted(token for token in tokens if MARIAN_TOKEN.match(token))
        if marian_tokens:
            # Tatoeba models use three-letter tokens (>>fra<<), older OPUS-MT ones two-letter
            # tokens (>>fr<< in opus-mt-en-ROMANCE): the table's most specific ones first.
            candidates = [*language.marian_tokens, f">>{language.code}<<"]
            usual = usual_individual_language(language.code)
            if usual:
                candidates.append(f">>{usual}<<")
            token = _vocabulary_code(info, language, candidates, marian_tokens, fix)
            return Target(prefix=f"{token} ")
        named_source, named = _opus_pair(info.name)
        # A two-letter source is one language (opus-mt-hu-en); three letters may be a group
        # (opus-mt-zle-en: East Slavic, opus-mt-mul-en: many), which is not checked here.
        if (
            language == ENGLISH
            and named == "en"
            and len(named_source) == 2
            and named_source not in _codes_of(source)
        ):
            raise UnsupportedLanguageError(
                f"{info.name!r} translates {named_source!r} into English only, not "
                f"{source.name} ({source.code}); {fix}"
            )
        if named_source == "en" and named not in _codes_of(language):
            raise UnsupportedLanguageError(
                f"{info.name!r} translates English into {named!r} only, not {language.name} "
                f"({language.code}); {fix}"
            )
        return Target()
    if style is TargetStyle.M2M100_CODE:
        flores = sorted(token for token in tokens if FLORES_CODE.match(token))
        if flores:  # NLLB-200
            return Target(
                src_lang=_vocabulary_code(info, source, _nllb_codes(source), flores, fix, "from"),
                forced_bos_token=_vocabulary_code(
                    info, language, _nllb_codes(language), flores, fix
                ),
            )
        m2m = sorted(token for token in tokens if M2M_CODE.match(token))
        forced = _vocabulary_code(info, language, (f"__{language.m2m_code}__",), m2m, fix)
        src = _vocabulary_code(info, source, (f"__{source.m2m_code}__",), m2m, fix, "from")
        # The tokenizer takes the bare code and wraps it itself.
        return Target(src_lang=src.strip("_"), forced_bos_token=forced)
    if style is TargetStyle.MBART_CODE:
        mbart = sorted(token for token in tokens if MBART_CODE.match(token))
        return Target(
            src_lang=_vocabulary_code(info, source, (source.mbart_code,), mbart, fix, "from"),
            forced_bos_token=_vocabulary_code(info, language, (language.mbart_code,), mbart, fix),
        )
    if style is TargetStyle.T5_PROMPT:
        task = f"translation_{source.code}_to_{language.code}"
        if task in info.task_prefixes:
            # The task's entry also holds its beams and lengths (see summarize.engines.decoding).
            return Target(prefix=info.task_prefixes[task], task=task)
        offered = sorted(t for t in info.task_prefixes if t.startswith("translation_"))
        if offered:
            if source == ENGLISH:
                raise _unsupported(info, language, offered, fix)
            raise _unsupported(info, source, offered, fix, "from")
        return Target(prefix=f"translate {source.t5_name} to {language.t5_name}: ")
    # Any other encoder-decoder family is taken as a single-pair model for this language.
    return Target()


def _nllb_codes(language: Language) -> tuple[str, ...]:
    """FLORES-200 codes for a language, best first: FLORES names a macrolanguage's usual
    individual language (Persian: Iranian Persian, ``pes_Arab``; not ``fas_Arab``)."""
    usual = usual_individual_language(language.code)
    script = language.nllb_code.partition("_")[2]
    return (language.nllb_code, f"{usual}_{script}") if usual else (language.nllb_code,)


def _vocabulary_code(
    info: ModelInfo,
    language: Language,
    preferred: Sequence[str],
    offered: Sequence[str],
    fix: str,
    direction: str = "into",
) -> str:
    """The first of ``preferred`` that the model offers; else the one code it offers whose
    language part is one of the language's ISO codes (or those of its individual languages)
    in its script (Pashto: Southern Pashto ``pbt_Arab``, the only one NLLB has); else an error.
    """
    for code in preferred:
        if code in offered:
            return code
    if language.code in LANGUAGES:
        # The table's codes are chosen, not derived: Chinese (Simplified) is not Cantonese
        # (>>yue<<), though both are Chinese macrolanguage members.
        raise _unsupported(info, language, offered, fix, direction)
    names = iso_names(language.code)
    script = language.nllb_code.partition("_")[2]
    parts = {code: code.strip("<>_").partition("_") for code in offered}
    # A qualifier is a script (Arab, Hans) or a region (pt_br, fa_IR).
    in_script = [
        code
        for code, (part, _, qualifier) in parts.items()
        if part in names and (qualifier == script or not _is_script(qualifier))
    ]
    # CLDR's script may not be the vocabulary's (Korean: Kore, NLLB's kor_Hang): the
    # language's own code in the one script the vocabulary has for it will do.
    own = {language.code, language.nllb_code.partition("_")[0]}
    matches = in_script or [code for code, (part, _, _) in parts.items() if part in own]
    if len(matches) == 1:
        return matches[0]
    # Several (Arabic: Egyptian, Levantine, ... but no Standard Arabic): not ours to guess.
    raise _unsupported(info, language, matches or offered, fix, direction)


def _is_script(qualifier: str) -> bool:
    """Whether a code's qualifier is an ISO 15924 script (``Latn``), not a region (``br``)."""
    return len(qualifier) == 4 and qualifier.istitle()


def check_model_languages(info: ModelInfo, languages: Sequence[str]) -> dict[str, Target]:
    """Resolve every language one model is asked for; fail before any work if it can't."""
    targets = {code: resolve_target(info, get_language(code)) for code in languages}
    if len(targets) > 1 and all(target == Target() for target in targets.values()):
        raise UnsupportedLanguageError(
            f"{info.name!r} has no way to choose its output language, so it cannot translate "
            f"into {', '.join(targets)} at once; give each language its own model with "
            "--translation-model LANG=MODEL"
        )
    return targets


def _opus_pair(name: str) -> tuple[str | None, str | None]:
    """The (source, target) languages a single-pair OPUS-MT id names, else (None, None)."""
    match = _OPUS_PAIR.search(name.lower())
    return (match.group(1), match.group(2)) if match else (None, None)


def _codes_of(language: Language) -> set[str]:
    marian = {token.strip("<>").split("_")[0] for token in language.marian_tokens}
    return marian | iso_names(language.code)


def _unsupported(
    info: ModelInfo,
    language: Language,
    offered: Sequence[str],
    fix: str,
    direction: str = "into",
) -> UnsupportedLanguageError:
    """The error for a language the model lacks (``direction``: ``into`` it or ``from`` it)."""
    sample = ", ".join(offered[:12]) + (" …" if len(offered) > 12 else "")
    return UnsupportedLanguageError(
        f"{info.name!r} ({info.model_type}) cannot translate {direction} {language.name} "
        f"({language.code}): it offers {sample or 'no language tokens'}; {fix}."
    )


class ModelTranslator:
    """Translates texts sentence by sentence with one loaded model, into each language it serves."""

    def __init__(
        self,
        engine: Engine,
        targets: dict[str, Target],
        progress: Progress | None = None,
        *,
        source_language: str = ENGLISH.code,
    ) -> None:
        self.engine = engine
        self.targets = targets
        self.progress = progress or SilentProgress()
        #: Language of the input texts, for sentence splitting.
        self.source_language = source_language

    def translate(self, texts: Sequence[str], target: str) -> list[str]:
        """Translate texts into ``target`` sentence by sentence; empty texts stay empty."""
        return [join_sentences(pairs, target) for pairs in self.translate_sentences(texts, target)]

    def translate_sentences(
        self,
        texts: Sequence[str],
        target: str,
        on_text: Callable[[int, list[SentencePair]], None] | None = None,
    ) -> list[list[SentencePair]]:
        """Each text's sentences (over-long ones split) with their translations, in order.

        ``on_text`` hears each text's pairs (by its position in ``texts``) as soon as the
        batch that translates its last sentence ends.
        """
        model_target = self.targets[target]
        budget = (
            self.engine.max_input_tokens
            - self.engine.count_tokens([model_target.prefix], special_tokens=True)[0]
            - 1
        )
        per_text = [
            split_oversized(
                split_sentences(text, self.source_language),
                self.engine.count_tokens,
                budget,
                token_spans=self.engine.token_spans,
            )
            if text.strip()
            else []
            for text in texts
        ]
        unique = list(dict.fromkeys(sentence for sentences in per_text for sentence in sentences))
        self.progress.grow(len(unique))
        pending = _PendingTexts(per_text, unique)

        def batch_done(finished: Mapping[int, str]) -> None:
            self.progress.update(len(finished))
            for index, pairs in pending.hear(finished):
                if on_text is not None:
                    on_text(index, pairs)

        batch_done({})  # texts without sentences are done already
        generated = self.engine.generate(unique, model_target, on_batch=batch_done)
        # An engine that reported only part of its outputs (or none) is caught up here.
        batch_done(pending.unheard(generated))
        return [
            [(sentence, pending.translated[sentence]) for sentence in sentences]
            for sentences in per_text
        ]

    def retranslate(self, sentences: Sequence[str], target: str) -> list[str]:
        """Translate sentences again with decoding that resists loops and runaway length.

        For sentences an automatic check flagged: repeated trigrams are banned, repeated
        tokens penalised, and each output is capped near its input's length.
        """
        model_target = self.targets[target]
        counts = self.engine.count_tokens(list(sentences))
        by_limit: dict[int, list[int]] = {}
        for index, count in enumerate(counts):
            by_limit.setdefault(retry_token_limit(count), []).append(index)
        results = [""] * len(sentences)
        for limit, indexes in by_limit.items():
            outputs = self.engine.generate(
                [sentences[i] for i in indexes],
                model_target,
                overrides=replace(SAFER_DECODING, max_new_tokens=limit),
            )
            for index, output in zip(indexes, outputs, strict=True):
                results[index] = output
        return results


class _PendingTexts:
    """Texts whose sentences are being translated, and which of them are complete."""

    def __init__(self, per_text: Sequence[Sequence[str]], unique: Sequence[str]) -> None:
        self.per_text = per_text
        self.unique = unique
        #: Sentence -> its translation, so far.
        self.translated: dict[str, str] = {}
        # Texts waiting for a sentence, by sentence; and how many sentences each still lacks.
        self.waiting: dict[str, list[int]] = {}
        self.missing = [len(set(sentences)) for sentences in per_text]
        for index, sentences in enumerate(per_text):
            for sentence in set(sentences):
                self.waiting.setdefault(sentence, []).append(index)
        self.reported = [False] * len(per_text)

    def hear(self, finished: Mapping[int, str]) -> list[tuple[int, list[SentencePair]]]:
        """Take translations by position in ``unique``; return the texts now complete."""
        complete = []
        for position, translation in finished.items():
            sentence = self.unique[position]
            if sentence in self.translated:
                continue
            self.translated[sentence] = translation
            for index in self.waiting.get(sentence, ()):
                self.missing[index] -= 1
        for index, missing in enumerate(self.missing):
            if missing == 0 and not self.reported[index]:
                self.reported[index] = True
                pairs = [(sentence, self.translated[sentence]) for sentence in self.per_text[index]]
                complete.append((index, pairs))
        return complete

    def unheard(self, generated: Sequence[str]) -> dict[int, str]:
        """The outputs of ``generated`` (all of them, by position) not heard yet."""
        return {
            position: output
            for position, output in enumerate(generated)
            if self.unique[position] not in self.translated
        }


#: Decoding for a retry: bans a repeated 3-gram (a loop needs one) and penalises tokens
#: already used (1.2: the CTRL paper's value, a common default against repetition).
SAFER_DECODING = GenerationOverrides(repetition_penalty=1.2, no_repeat_ngram_size=3)


def retry_token_limit(source_tokens: int) -> int:
    """Most tokens a retried translation may have: twice its source, plus room for a short one.

    A correct translation into hu, ru, uk or zh stays well under twice the English token
    count; a loop runs to the model's limit (often 512 tokens).
    """
    return 2 * source_tokens + 8


def join_sentences(pairs: Sequence[SentencePair], target: str) -> str:
    """The translations of one text's sentences, joined as the target language writes them."""
    joiner = get_language(target).sentence_joiner
    # Stripped one by one: an empty translation or stray spaces leave no double space.
    pieces = (translated.strip() for _, translated in pairs)
    return joiner.join(piece for piece in pieces if piece)
