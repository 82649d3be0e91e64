"""What identifies a story across outlets and runs: its URL, its feed id and its text.

Two copies are one story when their URLs are the same after :func:`normalise_url`, their feed
ids are the same (:func:`guid_key`), or their texts share most of their word sequences: the
Jaccard similarity of their shingle sets, estimated with MinHash (datasketch), is at least
:data:`SIMILARITY_THRESHOLD`. :class:`StoryIndex` answers "which known story is this?" for
both merging the copies within a run and recognising stories an earlier run published.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Hashable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Generic, TypeVar

from summarize.core.records import Article, DuplicateReason
from summarize.core.urls import guid_key, normalise_url
from summarize.inputs.metadata import host_name

if TYPE_CHECKING:
    from datasketch import LeanMinHash

# datasketch is imported where it is used: its package imports scipy (half a second), which
# `summarize check` and `--help` need not pay.


#: Scripts written without spaces between words: each character is a token, and texts mostly
#: in them are compared by character shingles. Kana and Han (Japanese, Chinese), Thai, Lao,
#: Myanmar, Khmer. (Korean puts spaces between words: it is compared by words.)
_UNSPACED = (
    "\u0e00-\u0eff\u1000-\u109f\u1780-\u17ff\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
)
_TOKEN = re.compile(rf"[{_UNSPACED}]|[^\W_{_UNSPACED}]+")
_UNSPACED_CHAR = re.compile(rf"[{_UNSPACED}]")

#: Words per shingle. Three: rewording a sentence changes few of its 3-word sequences, while
#: two different stories on one topic share words and set phrases ("the central bank", "said
#: on Tuesday") but few 3-word sequences. Measured on tests/support/wire.py: one wire report in
#: two outlets shares 0.54-0.59 of its 3-word shingles; different stories 0.04-0.17. Two words
#: let same-topic stories reach 0.23; four or five words bring the copies down towards 0.5.
WORD_SHINGLE = 3
#: Characters per shingle in unspaced text: four, about two Chinese words. Three-character
#: shingles let two Xinhua reports of two rail lines share 0.27 (set phrases such as
#: "设计时速350公里"); four keep them at 0.22 while copies of one report stay near 0.6.
CHARACTER_SHINGLE = 4
#: Hash functions per signature: the estimate's standard error is sqrt(J(1-J)/128), about 0.04
#: at the threshold, well inside the gap the test pairs leave on each side of it; a signature
#: is 128 x 4 bytes (the seen-story memory keeps one per story).
NUM_PERM = 128
#: MinHash's hash family and seed: stored stories are only comparable under the same ones.
MINHASH_SCHEME = "affine32"
MINHASH_SEED = 1
#: Texts sharing at least this share of their shingles (estimated Jaccard) are one story.
#: The copies of one wire report in tests/support/wire.py share 0.54 or more, different
#: stories on one topic 0.22 at most. 0.4 sits in that gap, a little nearer the copies than
#: the different stories: merging two stories hides one from the reader, while missing a
#: merge only shows a story twice.
SIMILARITY_THRESHOLD = 0.4
#: How the LSH index cuts a signature: 64 bands of 2 hash values. A pair becomes a candidate
#: when one band matches whole: with probability 1 - (1 - J**2)**64, over 0.9999 at the
#: threshold (J = 0.4) and 0.006 for unrelated texts (J = 0.01). Each candidate is then
#: checked against SIMILARITY_THRESHOLD. (datasketch's own choice for a 0.3 threshold, 37
#: bands of 3, finds a pair at 0.4 only 91 times in 100.)
_LSH_BANDS = (64, 2)
#: A text with fewer shingles than this (about 20 words) is too short to tell one story from
#: another by its words: it is matched by URL and feed id only.
MIN_SHINGLES = 20


def tokens(text: str) -> list[str]:
    """``text``'s words, case-folded, without punctuation; a character of an unspaced script
    (Chinese, Japanese, Thai, ...) is a token of its own."""
    return _TOKEN.findall(unicodedata.normalize("NFKC", text).casefold())


def shingles(text: str) -> set[str]:
    """The set of ``text``'s consecutive token sequences: WORD_SHINGLE words, or
    CHARACTER_SHINGLE tokens in a text mostly in an unspaced script."""
    words = tokens(text)
    unspaced = len(_UNSPACED_CHAR.findall(text))  # each such character is one token
    size = CHARACTER_SHINGLE if unspaced * 2 > len(words) else WORD_SHINGLE
    return {" ".join(words[i : i + size]) for i in range(len(words) - size + 1)}


def signature(text: str) -> LeanMinHash | None:
    """The MinHash of ``text``'s shingles; None for a text too short to compare."""
    found = shingles(text)
    if len(found) < MIN_SHINGLES:
        return None
    from datasketch import LeanMinHash, MinHash  # see the imports

    minhash = MinHash(
        num_perm=NUM_PERM, seed=MINHASH_SEED, scheme=MINHASH_SCHEME, permutations=_permutations()
    )
    minhash.update_batch([shingle.encode("utf-8") for shingle in found])
    return LeanMinHash(minhash)


@functools.cache
def _permutations() -> tuple[object, object]:
    """The hash family's parameters, drawn once (from the seed) rather than per text."""
    from datasketch import MinHash  # see the imports

    return MinHash(num_perm=NUM_PERM, seed=MINHASH_SEED, scheme=MINHASH_SCHEME).permutations


def signature_from_values(values: list[int]) -> LeanMinHash:
    """A signature from its stored hash values (:attr:`LeanMinHash.hashvalues`)."""
    from datasketch import LeanMinHash  # see the imports

    return LeanMinHash(seed=MINHASH_SEED, hashvalues=values, scheme=MINHASH_SCHEME)


@dataclass(frozen=True)
class Fingerprint:
    """What a story is recognised by."""

    #: Normalised URLs of its copies (its own first).
    urls: tuple[str, ...]
    #: Its feed id, as :func:`guid_key` makes it; None without one.
    guid: str | None
    #: MinHash of its text; None for a text too short to compare.
    signature: LeanMinHash | None


def fingerprint(article: Article) -> Fingerprint:
    """``article``'s fingerprint: its URL, feed id and text."""
    url = normalise_url(article.url)
    publisher = article.source_name or host_name(article.url)
    return Fingerprint(
        urls=(url,) if url else (),
        guid=guid_key(article.guid, publisher),
        signature=signature(article.text),
    )


#: What a caller names its stories by in a StoryIndex.
K = TypeVar("K", bound=Hashable)


@dataclass(frozen=True)
class Match(Generic[K]):
    """A known story an article is a copy of, and why."""

    key: K
    reason: DuplicateReason
    #: The estimated Jaccard similarity of the texts, for ``text``; else None.
    similarity: float | None = None


class StoryIndex(Generic[K]):
    """Known stories by URL, feed id and text (an LSH index, so a look-up compares a text
    with a handful of candidates, never with every story)."""

    def __init__(self) -> None:
        self._urls: dict[str, K] = {}
        self._guids: dict[str, K] = {}
        # Each copy's signature under its own number (LSH keys are unique), and its story.
        self._signatures: list[tuple[K, LeanMinHash]] = []
        from datasketch import MinHashLSH  # see the imports

        self._lsh = MinHashLSH(num_perm=NUM_PERM, params=_LSH_BANDS)

    def add(self, key: K, print_: Fingerprint) -> None:
        """Know the story ``key`` by ``print_`` too: a story is known by every copy added
        under its key (URL, feed id and text), so a third copy matches either of the others."""
        for url in print_.urls:
            self._urls.setdefault(url, key)
        if print_.guid is not None:
            self._guids.setdefault(print_.guid, key)
        if print_.signature is not None:
            self._lsh.insert(len(self._signatures), print_.signature)
            self._signatures.append((key, print_.signature))

    def match(self, print_: Fingerprint) -> Match[K] | None:
        """The known story ``print_`` belongs to, by URL, else feed id, else the most similar
        text at or above SIMILARITY_THRESHOLD (the earliest added of equals); None if new."""
        for url in print_.urls:
            if url in self._urls:
                return Match(self._urls[url], "url")
        if print_.guid is not None and print_.guid in self._guids:
            return Match(self._guids[print_.guid], "guid")
        if print_.signature is None:
            return None
        best: Match[K] | None = None
        for number in sorted(self._lsh.query(print_.signature)):
            key, known = self._signatures[number]
            similarity = round(float(known.jaccard(print_.signature)), 3)
            if similarity >= SIMILARITY_THRESHOLD and (
                best is None or similarity > (best.similarity or 0.0)
            ):
                best = Match(key, "text", similarity)
        return best
