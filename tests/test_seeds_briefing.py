"""The briefing of a real run on seeds/ (tiny models, default engine) passes the page checks."""

from __future__ import annotations

from pathlib import Path

import pytest
from support.briefings import EDITIONS
from support.pages import SITE_CHECKS, pages

from summarize.core.config import RunConfig

SEEDS = Path(__file__).resolve().parent.parent / "seeds"


@pytest.fixture(scope="module")
def seeds_site(tiny_models, tmp_path_factory) -> Path:
    from summarize.runners.local import run

    output = tmp_path_factory.mktemp("seeds-briefing")
    outcome = run(
        RunConfig(
            inputs=(SEEDS,),
            output=output,
            summary_model=str(tiny_models["bart"]),
            translation_models={
                "hu": str(tiny_models["marian"]),
                "zh": str(tiny_models["marian_multi_zh"]),
                "ru": str(tiny_models["marian_multi_zle"]),
                "uk": str(tiny_models["marian_multi_zle"]),
            },
            device="cpu",
            quiet=True,
        )
    )
    assert outcome.failed == 0
    return output


def test_five_editions_and_a_page_per_article(seeds_site: Path) -> None:
    names = {path.name for path in pages(seeds_site)}
    assert set(EDITIONS) <= names
    # Each edition has its own page of every article, and its "About this briefing" page.
    abouts = {name for name in names if name.startswith("about.")}
    assert len(abouts) == len(EDITIONS)
    articles = names - set(EDITIONS) - abouts
    assert len(articles) == len(EDITIONS) * len(list(SEEDS.glob("*.txt")))


@pytest.mark.parametrize("check", SITE_CHECKS, ids=lambda check: check.__name__)
def test_page_checks_pass_on_a_real_run(seeds_site: Path, check) -> None:
    check(seeds_site)
