"""The one shape of every stage: what is waiting, how its model loads, how one wave runs.

A stage is one model's part of a run (pivot, summarise, translate) or a model-free pass
(review). Runners drive the same stage objects: the local runner wave by wave with the cache
(see caching.Cached), the processes runner through the local one, Ray's actors batch by batch.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar, TypeVar

from summarize.core.errors import WriteFailed
from summarize.core.progress import Progress
from summarize.engines.generation import Engine
from summarize.stages.context import StageContext
from summarize.stages.work import WorkItem

T = TypeVar("T")

# Articles summarised (or summaries translated) at once: enough for well-filled, length-sorted
# batches. Finished work is kept batch by batch within a wave (see Stage.run_wave's
# ``finished``), so a wave's size does not bound what an interruption loses.
SUMMARY_WAVE = 32
TRANSLATION_WAVE = 64

#: Hears an article the moment a stage has finished its part of it, so its units can be kept
#: while the rest of the wave is still running.
Finished = Callable[[WorkItem], None]


def nothing_to_keep(item: WorkItem) -> None:
    """A ``finished`` that keeps nothing (for runners that keep work their own way)."""


@dataclass(frozen=True)
class Wave:
    """Articles a stage runs on at once, all in one language where the stage needs one."""

    items: list[WorkItem]
    #: The source language (pivot) or target language (translation); None for the others.
    language: str | None = None


class Stage(ABC):
    """One step of the run, with the same interface for every runner."""

    #: The model's part in the run, as failure messages name it (e.g. ``summary model``).
    role: ClassVar[str] = ""
    #: Articles per wave: the work saved to the cache at once, and Ray's batch size.
    wave_size: ClassVar[int] = SUMMARY_WAVE

    @property
    def label(self) -> str:
        """What its progress bar says."""
        return self.role

    @property
    def editions(self) -> tuple[str, ...]:
        """Target languages that only this stage's model produces: a model that fails to load
        makes them unavailable for the run instead of failing its articles (which keep their
        summary and other languages). None for a stage without which there is nothing to
        publish."""
        return ()

    @abstractmethod
    def waiting(self, work: Sequence[WorkItem]) -> list[WorkItem]:
        """The articles that still need this stage."""

    def waves(self, work: Sequence[WorkItem]) -> Iterator[Wave]:
        """The waiting articles in waves of ``wave_size``."""
        for items in chunks(self.waiting(work), self.wave_size):
            yield Wave(items)

    def load_model(self, context: StageContext) -> Engine:
        """Load the stage's model with the run's settings."""
        raise NotImplementedError(f"{type(self).__name__} runs without a model")

    @abstractmethod
    def run_wave(
        self,
        wave: Wave,
        model: Any,
        context: StageContext,
        progress: Progress,
        finished: Finished = nothing_to_keep,
    ) -> None:
        """Run the stage on one wave, filling in its articles (or their failures).

        ``finished`` hears each article whose part is done as soon as its batch ends.
        """

    @staticmethod
    def restore(item: WorkItem, context: StageContext) -> None:
        """Take this stage's finished units for ``item`` from the cache."""
        return None  # a stage with nothing to cache

    @staticmethod
    def entries(item: WorkItem, context: StageContext) -> dict[str, dict[str, Any]]:
        """This stage's finished units of ``item``: cache key -> entry."""
        return {}


def retry_singly(
    items: Sequence[T], attempt: Callable[[list[T]], None], fail: Callable[[T, Exception], None]
) -> None:
    """Run ``attempt`` on the batch; if it raises, on one item at a time, so one bad input
    does not sink the others: a single item's failure goes to ``fail`` and fails it only.

    A file that cannot be written (full disk, while finished work is kept) is no item's
    fault: it stops the run, as it would anywhere else.
    """
    try:
        attempt(list(items))
    except WriteFailed:
        raise
    except Exception as error:
        if len(items) > 1:
            for item in items:
                retry_singly([item], attempt, fail)
            return
        fail(items[0], error)


def chunks(items: Sequence[T], size: int) -> Iterator[list[T]]:
    """``items`` in consecutive lists of at most ``size``."""
    for start in range(0, len(items), size):
        yield list(items[start : start + size])
