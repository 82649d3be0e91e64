"""A second translation of the sentences the checks flag, kept where it is better."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from summarize.quality.kinds import SentencePair
from summarize.quality.tokens import word_tokens
from summarize.quality.translations import check_sentence


def suspect_sentences(pairs: Sequence[SentencePair], language: str) -> list[int]:
    """Indexes of the pairs whose translation a sentence-level check flags."""
    return [
        index
        for index, (source, translated) in enumerate(pairs)
        if word_tokens(source) and check_sentence(source, translated, language)
    ]


def retry_suspects(
    texts: Sequence[Sequence[SentencePair]],
    language: str,
    retranslate: Callable[[list[str]], list[str]],
) -> tuple[list[list[SentencePair]], int]:
    """Translate the flagged sentences of every text once more, keeping the better version.

    ``texts`` holds each text's sentence pairs; ``retranslate`` turns source sentences into
    new translations (with safer decoding), called once for all of them. A new translation
    replaces the old one only when it draws fewer sentence-level warnings. Returns the pairs
    and how many sentences were replaced.
    """
    suspects = [
        (number, index)
        for number, pairs in enumerate(texts)
        for index in suspect_sentences(pairs, language)
    ]
    improved = [list(pairs) for pairs in texts]
    if not suspects:
        return improved, 0
    sources = list(dict.fromkeys(texts[number][index][0] for number, index in suspects))
    retried = dict(zip(sources, retranslate(sources), strict=True))
    replaced = 0
    for number, index in suspects:
        source, old = texts[number][index]
        candidate = retried[source]
        if len(check_sentence(source, candidate, language)) < len(
            check_sentence(source, old, language)
        ):
            improved[number][index] = (source, candidate)
            replaced += 1
    return improved, replaced
