"""Cache keys, byte for byte: a user's cache must survive any refactoring.

Each key below was computed before the code was restructured (issue #21). A change here
invalidates every user's cache; if it is meant, bump CACHE_FORMAT and update these on purpose.
"""

from __future__ import annotations

from dataclasses import replace

import pytest

from summarize.core.cache import WorkCache
from summarize.core.config import RunConfig
from summarize.core.progress import silent_progress
from summarize.core.records import Article
from summarize.engines.hub import ModelSources
from summarize.stages.context import StageContext
from summarize.stages.keys import language_key, pivot_key, summary_key, translation_key
from summarize.stages.work import WorkItem

BASE = RunConfig(
    summary_model="org/summary",
    translation_models={"hu": "org/en-hu", "zh": "org/en-zh", "ru": "org/en-ru", "uk": "org/en-uk"},
    source_models={"de": "org/de-en"},
    engine="transformers",
    dtype="float32",
)
ENGLISH = Article(
    id="world/heatwave.txt", slug="world-heatwave", title="Heat", text="Hot day.", source="x.txt"
)
GERMAN = Article(id="de.txt", slug="de", title="Hitze", text="Ein heißer Tag.", source="de.txt")


def keys(config: RunConfig, *, device: str = "cpu") -> dict[str, str]:
    """Every kind of key one run of ``config`` builds, by a name for each."""
    context = StageContext(
        config=config,
        cache=WorkCache(None),
        device=device,
        progress=silent_progress,
        sources=ModelSources(revisions=dict(config.revisions)),
    )
    english = WorkItem(article=ENGLISH)
    german = WorkItem(article=GERMAN, language="de", pivot_model="org/de-en")
    found = {
        "summary": summary_key(english, context),
        "summary-pivot": summary_key(german, context),
        "pivot": pivot_key(german, context),
        "language": language_key(ENGLISH.text, "lingua-1.0"),
    }
    for code in config.languages:
        found[f"translation-{code}"] = translation_key("A summary.", code, context)
    return found


GOLDEN: dict[str, dict[str, str]] = {
    "auto-engine": {
        "language": "754abfd3024eb24a17961217395b98668bed50fb2f2f83a385fdb8c048beaa07",
        "pivot": "c49cc22e5b6c97e5e877717e550b3228b44bcc2ad8c9a8010a3f31318bf5f3d9",
        "summary": "185eeee92220935f3b3ea7db98465d6406f077e2b9f6f94daab306f2b026e540",
        "summary-pivot": "7f9365c0c3bb363e8bc91ec5dc0fa8fee4783e924611aad1021e91aabd162fd1",
        "translation-hu": "d1eff1810b1f668664b50a52945efaf849aa970fa03fbd240ab9433ecb5c5ea4",
        "translation-ru": "0b2fe3553db9142ec3c3ff23f30b6d0e0bbad063fcca9819439590636be7d611",
        "translation-uk": "1895c8b1931259b2eaf5674bb54fa99e0e3d4fed8e9b311a6219100adbdd27c6",
        "translation-zh": "84c608b8061384c880bbe3d64919359f60148fede41b3acf445cd01f5484b8f5",
    },
    "beams": {
        "language": "754abfd3024eb24a17961217395b98668bed50fb2f2f83a385fdb8c048beaa07",
        "pivot": "9ad4f1a757370dda9bb0c21888811f73ee67d5299fd32f488c2b6078a4857f60",
        "summary": "8c73a67da25ef62350024c7c8756876f7860f5f821cc2ae1f0019e7e42e9925d",
        "summary-pivot": "8a762c98f2f7994f9bccaf7cffce688c4a7527626265c5e729f1bcfa9ffc55e9",
        "translation-hu": "fbd98e90797c2bb2f9dad729eef0252ecfa90a78fb902ded1021ed34ac3aaf72",
        "translation-ru": "55dc265ad4214861415da7f062ed0b63d32adf9aaf1f1a0471abbd676731ed4f",
        "translation-uk": "0eac8a43c1c227ff04119aa4bf88d6c589dc9a3a514a5fa456c409daab4a3ee4",
        "translation-zh": "e9b576bd9b20b0570284734b9892aa26e499a354cbfa73fb65ca0e637a8451b1",
    },
    "ctranslate2": {
        "language": "754abfd3024eb24a17961217395b98668bed50fb2f2f83a385fdb8c048beaa07",
        "pivot": "8d97b60c2b63766848893be6e1d68978cacfe09690b1ed75ca2ae236b2344e0b",
        "summary": "6fff48a65e3237f09f5505b171c69de65d2b5c97a0396fddcd2f6a186da7de3d",
        "summary-pivot": "d9a2e847ef9f3b6684f86b935f932af81d7476a1fd03d0dd2a51f12d30613d59",
        "translation-hu": "e27932db5a2de95239170ed1be4a5e7c5d41b1d15be79aba6c8b5d957c817f60",
        "translation-ru": "edf38e193e9dd7068e97f6ad1a3488aa75c51c665954f42681840fa7460d30eb",
        "translation-uk": "09fb97ba81683c9423d5c14e22dca719713545e284d0a48a7939a81d046d5edf",
        "translation-zh": "7d8bbdca2836f1532ea41c723f3408168f432816f43ab4e35c7b41fe7fbbadcb",
    },
    "cuda": {
        "language": "754abfd3024eb24a17961217395b98668bed50fb2f2f83a385fdb8c048beaa07",
        "pivot": "7853832eb5f8624ad30257c2e4a3ebbc00a780d4b4eff1f88a52add90dab798a",
        "summary": "e76c3a7c5ba9a793eba588e2b0fd07bd2273ce4894b0b7091b569e62c1f5a03a",
        "summary-pivot": "970836269a69e092f9f35b6c884223d303ba099ac79d5f024cd0d08467bc67d9",
        "translation-hu": "410b346be30eae7406ba86929bff8a64f13bb727aca4be62ee89a37f539de990",
        "translation-ru": "cedd0c585b54ae67a1466f15499b65bfd2d55f5177e7348aa8a57510e04ef57a",
        "translation-uk": "c53f3a8a40d747177ab82a65deeb909dcd6cd724657e9fb64884cae09833034c",
        "translation-zh": "245b462fe568d4dafc0b2573f41b8149ff6cd2b272cb3f6db0e431b43245676e",
    },
    "default": {
        "language": "754abfd3024eb24a17961217395b98668bed50fb2f2f83a385fdb8c048beaa07",
        "pivot": "78e41a40a87db0f51b8b00a9afacc54590391b4eabe39979e3adb5b71ff4be11",
        "summary": "d57e8cf56790ab0660ffa239ff7ec13b37645fce816ae7f227d677170f8bccfb",
        "summary-pivot": "43f6af112187aea23e5534357affc3bf1e06ce5ea1fb624cfca7b0ac2aa2d2f9",
        "translation-hu": "e73eddf19825498dbeae9f054368142e7506601751a94d69ff6f20a77d6ce865",
        "translation-ru": "1acf752e80ed22d25c456db53d6f18942cc66a16e467a7bc567f76ad827a192b",
        "translation-uk": "5075d0573227f58181b37104a0e90760ad4c1b72c9bc9a25e5b1b3994a8b8c69",
        "translation-zh": "0554a1ef9b19999788cae9019cc7dd05ef808e925df5bcb99127baabaa3e041b",
    },
    "lengths": {
        "language": "754abfd3024eb24a17961217395b98668bed50fb2f2f83a385fdb8c048beaa07",
        "pivot": "78e41a40a87db0f51b8b00a9afacc54590391b4eabe39979e3adb5b71ff4be11",
        "summary": "2a25c927272bc7d7a05a42577d90bf30dc4ab4fabbd977f6aa8e9434251a07c5",
        "summary-pivot": "33a7f20d16f27b0dfac0efe856cba735941086e622091edfb102e171b6e3da87",
        "translation-hu": "e73eddf19825498dbeae9f054368142e7506601751a94d69ff6f20a77d6ce865",
        "translation-ru": "1acf752e80ed22d25c456db53d6f18942cc66a16e467a7bc567f76ad827a192b",
        "translation-uk": "5075d0573227f58181b37104a0e90760ad4c1b72c9bc9a25e5b1b3994a8b8c69",
        "translation-zh": "0554a1ef9b19999788cae9019cc7dd05ef808e925df5bcb99127baabaa3e041b",
    },
    "one-model": {
        "language": "754abfd3024eb24a17961217395b98668bed50fb2f2f83a385fdb8c048beaa07",
        "pivot": "78e41a40a87db0f51b8b00a9afacc54590391b4eabe39979e3adb5b71ff4be11",
        "summary": "d57e8cf56790ab0660ffa239ff7ec13b37645fce816ae7f227d677170f8bccfb",
        "summary-pivot": "43f6af112187aea23e5534357affc3bf1e06ce5ea1fb624cfca7b0ac2aa2d2f9",
        "translation-hu": "48ed4b304a031fe63842c88149b3c796f3f519853d6026526f1cf7dadecc0956",
        "translation-ru": "1a0e919255ce4ec74e9dda31d00653d1fb868262d41e4f7e1aadf20901a0a0c6",
        "translation-uk": "fd9ea4b5c3e266e53f0f9dad8b28a45119a969e7b76b612ba0c404445dbbbfb5",
        "translation-zh": "4af3cd7da14052baf7e030b2062c0a587ac44a7e11547b0e60bd04bdbfac7df2",
    },
    "retry": {
        "language": "754abfd3024eb24a17961217395b98668bed50fb2f2f83a385fdb8c048beaa07",
        "pivot": "78e41a40a87db0f51b8b00a9afacc54590391b4eabe39979e3adb5b71ff4be11",
        "summary": "d57e8cf56790ab0660ffa239ff7ec13b37645fce816ae7f227d677170f8bccfb",
        "summary-pivot": "43f6af112187aea23e5534357affc3bf1e06ce5ea1fb624cfca7b0ac2aa2d2f9",
        "translation-hu": "d980255fd60a98688941a91b05317fe14742744406f659e80fc6567600f34590",
        "translation-ru": "ffe60ddd00945028077a86cdf12711ac482b99aa44267d73d4d90c367f7221f6",
        "translation-uk": "184bd585d555e1ddb3d3283a6705e3a371132a739748a283b4733d3bccb2a760",
        "translation-zh": "dc982e7a9b4ef58917a62b040ed1c225a1991a833ada8e13547c647499a2741e",
    },
    "revision": {
        "language": "754abfd3024eb24a17961217395b98668bed50fb2f2f83a385fdb8c048beaa07",
        "pivot": "78e41a40a87db0f51b8b00a9afacc54590391b4eabe39979e3adb5b71ff4be11",
        "summary": "29134216562fb9b3c713090871417d7d28a45581841a2a241137471d4af33b46",
        "summary-pivot": "2e294c2e312cc956b6400fc59ff49eeff693e4380e9eabd68b6459e01e166a98",
        "translation-hu": "f1ccd37037643680b4c46e30461904b8ad32fec9ed7f81cc46464acd5e2811e4",
        "translation-ru": "1acf752e80ed22d25c456db53d6f18942cc66a16e467a7bc567f76ad827a192b",
        "translation-uk": "5075d0573227f58181b37104a0e90760ad4c1b72c9bc9a25e5b1b3994a8b8c69",
        "translation-zh": "0554a1ef9b19999788cae9019cc7dd05ef808e925df5bcb99127baabaa3e041b",
    },
}


CASES = {
    "default": (BASE, "cpu"),
    "beams": (replace(BASE, num_beams=2), "cpu"),
    "lengths": (replace(BASE, max_summary_tokens=60, min_summary_tokens=10), "cpu"),
    "ctranslate2": (replace(BASE, engine="ctranslate2", dtype="int8_float32"), "cpu"),
    "retry": (replace(BASE, retry_suspect=True), "cpu"),
    "revision": (replace(BASE, revisions={"org/summary": "abc123", "org/en-hu": "v2"}), "cpu"),
    "one-model": (replace(BASE, translation_models={}, translation_model="org/many"), "cpu"),
    "cuda": (replace(BASE, dtype="float16"), "cuda:1"),
    "auto-engine": (replace(BASE, engine="auto", dtype="auto"), "cpu"),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_cache_keys_are_unchanged(case: str) -> None:
    config, device = CASES[case]
    assert keys(config, device=device) == GOLDEN[case]
