"""The briefing of a real run on seeds/ (tiny models, default engine) passes the page checks."""

from __future__ import annotations

from pathlib import Path

import pytest
import test_editions

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
    names = {path.name for path in seeds_site.glob("*.html")}
    assert set(test_editions.EDITIONS) <= names
    assert len(names - set(test_editions.EDITIONS)) == len(list(SEEDS.glob("*.txt")))


@pytest.mark.parametrize(
    "check",
    [
        test_editions.test_every_page_is_valid_html5,
        test_editions.test_heading_levels_never_skip,
        test_editions.test_every_internal_link_resolves,
        test_editions.test_language_switcher_on_every_page,
        test_editions.test_pages_are_self_contained,
    ],
    ids=lambda check: check.__name__.removeprefix("test_"),
)
def test_page_checks_pass_on_a_real_run(seeds_site: Path, check) -> None:
    check(seeds_site)
