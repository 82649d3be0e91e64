"""Seen-story memory: the stories earlier runs published into an archive, so that a nightly run
does not publish them again.

A story is remembered by what identifies it within a run (:mod:`summarize.inputs.fingerprints`):
its normalised URLs (its own and those of the copies merged into it), its feed id and the
MinHash signature of its text, with the date it was first published and where (the run
folder's name). The memory is one JSON file, written atomically; stories first published
more than MAX_AGE_DAYS before the latest run are forgotten, so it stays small.

The runner calls it as::

    new, seen = hold_back_seen(read.articles, archive / SEEN_FILE, config)
    ...  # summarise and publish ``new`` into the run folder
    remember_published(archive / SEEN_FILE, published_articles, where=folder.name, when=day)
"""

from __future__ import annotations

import base64
import datetime
import json
import logging
import struct
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from summarize.core.config import RunConfig
from summarize.core.files import write_atomic
from summarize.core.records import Article, DuplicateReason
from summarize.core.urls import normalise_url
from summarize.inputs.fingerprints import (
    CHARACTER_SHINGLE,
    MINHASH_SCHEME,
    MINHASH_SEED,
    NUM_PERM,
    WORD_SHINGLE,
    Fingerprint,
    StoryIndex,
    fingerprint,
    signature_from_values,
)

logger = logging.getLogger(__name__)

#: The memory's file name inside an archive folder (hidden: it is no page).
SEEN_FILE = ".summarize-seen.json"
#: A story first published more than this many days before the latest run is forgotten: a
#: news story does not come back after three months, and a nightly archive of a few hundred
#: stories a day then keeps tens of thousands, a few MB.
MAX_AGE_DAYS = 90
#: At most this many stories are kept (the most recent): a bound whatever the dates say.
MAX_STORIES = 100_000
#: Version of the file's layout.
FORMAT_VERSION = 1
#: How the signatures were made: stored ones are compared only under the same settings.
_MINHASH = {
    "num_perm": NUM_PERM,
    "seed": MINHASH_SEED,
    "scheme": MINHASH_SCHEME,
    "shingles": f"words:{WORD_SHINGLE},characters:{CHARACTER_SHINGLE}",
}


@dataclass(frozen=True)
class SeenStory:
    """A story an earlier run published."""

    #: Normalised URLs of the story and the copies merged into it.
    urls: tuple[str, ...]
    #: Its feed id, as :func:`~summarize.inputs.fingerprints.guid_key` makes it; None without.
    guid: str | None
    #: MinHash hash values of its text; None for a text too short to compare.
    signature: tuple[int, ...] | None
    #: The date it was first published, ISO (``2026-12-06``).
    first_published: str
    #: Where: the name of the run folder it was published in.
    where: str


@dataclass(frozen=True)
class SeenMatch:
    """An article of this run that an earlier run published."""

    article: Article
    story: SeenStory
    #: How it was recognised: the same URL, feed id, or near-identical text.
    reason: DuplicateReason
    #: The estimated Jaccard similarity of the texts, for ``text``; else None.
    similarity: float | None = None


class SeenStories:
    """The stories published into one archive, loaded from and saved to one JSON file."""

    def __init__(self, stories: Sequence[SeenStory] = ()) -> None:
        self._stories = list(stories)

    @property
    def stories(self) -> tuple[SeenStory, ...]:
        """Every remembered story, oldest first."""
        return tuple(self._stories)

    def __len__(self) -> int:
        return len(self._stories)

    @classmethod
    def load(cls, path: Path) -> SeenStories:
        """The memory kept in ``path``: empty when there is none yet, and empty with a warning
        when it cannot be read (a run then publishes every story and writes it anew)."""
        try:
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return cls()
        except (OSError, UnicodeDecodeError) as error:
            logger.warning(
                "could not read the seen-story memory %s (%s): every story counts as new this "
                "run; the file is written anew after it",
                path,
                getattr(error, "strerror", None) or error,
            )
            return cls()
        try:
            return cls(_parse(json.loads(text)))
        except (ValueError, TypeError, KeyError, AttributeError, struct.error) as error:
            logger.warning(
                "the seen-story memory %s is damaged (%s): every story counts as new this run; "
                "the file is written anew after it",
                path,
                error,
            )
            return cls()

    def split(
        self, articles: Sequence[Article]
    ) -> tuple[tuple[Article, ...], tuple[SeenMatch, ...]]:
        """``articles`` as (the new ones, those an earlier run published), each in input order;
        recognised by the rules that merge copies within a run."""
        index = self._index()
        new: list[Article] = []
        seen: list[SeenMatch] = []
        for article in articles:
            match = index.match(fingerprint(article))
            if match is None:
                new.append(article)
            else:
                story = self._stories[match.key]
                seen.append(SeenMatch(article, story, match.reason, match.similarity))
        return tuple(new), tuple(seen)

    def remember(self, articles: Sequence[Article], where: str, when: str) -> None:
        """Remember ``articles`` as published on ``when`` (an ISO date or date-time) in the run
        folder named ``where``; a story already remembered keeps its first date and folder and
        is known by the new copy's URL and feed id too. Stories first published more than
        MAX_AGE_DAYS before ``when`` are forgotten."""
        day = datetime.date.fromisoformat(when[:10])
        index = self._index()
        for article in articles:
            print_ = _with_merged_urls(fingerprint(article), article)
            match = index.match(print_)
            if match is None:
                self._stories.append(_story(print_, day.isoformat(), where))
                index.add(len(self._stories) - 1, print_)
            else:
                self._stories[match.key] = _known_by(self._stories[match.key], print_)
        oldest = (day - datetime.timedelta(days=MAX_AGE_DAYS)).isoformat()
        kept = [story for story in self._stories if story.first_published >= oldest]
        if len(kept) < len(self._stories):
            logger.info(
                "forgot %d stories first published before %s",
                len(self._stories) - len(kept),
                oldest,
            )
        self._stories = kept[-MAX_STORIES:]

    def save(self, path: Path) -> None:
        """Write the memory to ``path`` atomically (a reader never sees half a file).

        Raises WriteFailed (a full or read-only disk), naming the path and the fix."""
        document = {
            "version": FORMAT_VERSION,
            "minhash": _MINHASH,
            "stories": [_story_record(story) for story in self._stories],
        }
        write_atomic(path, json.dumps(document, ensure_ascii=False, separators=(",", ":")) + "\n")

    def _index(self) -> StoryIndex[int]:
        index: StoryIndex[int] = StoryIndex()
        for number, story in enumerate(self._stories):
            signature = (
                signature_from_values(list(story.signature))
                if story.signature is not None
                else None
            )
            index.add(number, Fingerprint(story.urls, story.guid, signature))
        return index


def hold_back_seen(
    articles: Sequence[Article], memory: Path, config: RunConfig
) -> tuple[tuple[Article, ...], tuple[SeenMatch, ...]]:
    """For an archive run: (the articles to publish, those held back because an earlier run
    into the archive published them), by the memory in ``memory``. With ``--include-seen``
    every article is published. Each held-back article is logged at info."""
    if config.include_seen:
        return tuple(articles), ()
    new, seen = SeenStories.load(memory).split(articles)
    for match in seen:
        logger.info(
            "%s was published on %s in %s: left out (--include-seen publishes it again)",
            match.article.source,
            match.story.first_published,
            match.story.where,
        )
    if seen:
        logger.info("left out %d stories published in an earlier run", len(seen))
    return new, seen


def remember_published(memory: Path, articles: Sequence[Article], *, where: str, when: str) -> None:
    """Add the ``articles`` a run published (in the run folder ``where``, on ``when``) to the
    memory in ``memory``, forgetting the oldest stories, and save it."""
    stories = SeenStories.load(memory)
    stories.remember(articles, where, when)
    stories.save(memory)


def _with_merged_urls(print_: Fingerprint, article: Article) -> Fingerprint:
    """``print_`` known by the URLs of the copies merged into ``article`` too."""
    merged = (normalise_url(reference.url) for reference in article.also_reported_by)
    urls = tuple(dict.fromkeys([*print_.urls, *(url for url in merged if url)]))
    return replace(print_, urls=urls)


def _story(print_: Fingerprint, day: str, where: str) -> SeenStory:
    values = (
        None if print_.signature is None else tuple(int(v) for v in print_.signature.hashvalues)
    )
    return SeenStory(print_.urls, print_.guid, values, day, where)


def _known_by(story: SeenStory, print_: Fingerprint) -> SeenStory:
    """``story`` known by ``print_``'s URLs (and feed id, if it had none) as well."""
    urls = tuple(dict.fromkeys([*story.urls, *print_.urls]))
    return replace(story, urls=urls, guid=story.guid or print_.guid)


def _story_record(story: SeenStory) -> dict[str, Any]:
    return {
        "urls": list(story.urls),
        "guid": story.guid,
        # The hash values as little-endian 32-bit integers in base64: a third of the JSON
        # numbers' size.
        "signature": None
        if story.signature is None
        else base64.b64encode(struct.pack(f"<{len(story.signature)}I", *story.signature)).decode(
            "ascii"
        ),
        "first_published": story.first_published,
        "where": story.where,
    }


def _parse(document: Any) -> list[SeenStory]:
    """The stories of a memory file; raises ValueError (or TypeError, KeyError) if damaged."""
    if not isinstance(document, dict) or document.get("version") != FORMAT_VERSION:
        raise ValueError(f"not a version {FORMAT_VERSION} seen-story file")
    # Signatures made with other settings cannot be compared: URLs and feed ids still can.
    comparable = document.get("minhash") == _MINHASH
    if not comparable:
        logger.info("the seen-story memory's text signatures were made differently: unused")
    stories = []
    for entry in document["stories"]:
        urls = entry["urls"]
        if not isinstance(urls, list) or not all(isinstance(url, str) for url in urls):
            raise ValueError("a story's urls are not a list of strings")
        guid = entry["guid"]
        if guid is not None and not isinstance(guid, str):
            raise ValueError("a story's guid is not a string")
        signature = None
        if entry["signature"] is not None and comparable:
            raw = base64.b64decode(entry["signature"], validate=True)
            if len(raw) != 4 * NUM_PERM:
                raise ValueError("a story's signature has the wrong length")
            signature = struct.unpack(f"<{NUM_PERM}I", raw)
        first = datetime.date.fromisoformat(entry["first_published"]).isoformat()
        where = entry["where"]
        if not isinstance(where, str):
            raise ValueError("a story's folder is not a string")
        stories.append(SeenStory(tuple(urls), guid, signature, first, where))
    return stories
