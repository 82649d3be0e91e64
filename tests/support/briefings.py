"""Hand-built briefings for the render tests: hostile strings, real text in every edition."""

# The fixtures are real Hungarian, Chinese, Russian and Ukrainian text on purpose.

from __future__ import annotations

import dataclasses

from summarize.core.records import (
    Article,
    ArticleOutcome,
    Briefing,
    InputFailure,
    LanguageUnavailable,
    QualityWarning,
    Reference,
    RunInfo,
    Summary,
)

DANGEROUS_TITLE = "Breaking <script>alert(1)</script> {{ 7*7 }} {% raw %} Q&A"
DANGEROUS_SUMMARY = "Officials said {{ 7*7 }} <script>alert(1)</script> {% raw %} & more."
HTTPS_URL = "https://example.com/news/budapest?id=1&lang=en"

#: Slug -> the translations of its summary.
TRANSLATIONS = {
    "orban": {
        "hu": "Orbán Viktor Pekingbe látogatott, ahol Hszi Csin-pinggel tárgyalt.",
        "zh": "欧尔班访问北京，与习近平举行会谈。",
        "ru": "Орбан посетил Пекин и встретился с Си Цзиньпином.",
        "uk": "Орбан відвідав Пекін і зустрівся із Сі Цзіньпіном.",
    },
    "danger": {
        "hu": "Ő <script>alert(1)</script> {{ 7*7 }} űrállomás & társai.",
        "zh": "危险 <script>alert(1)</script> {{ 7*7 }} 测试。",
        "ru": "Опасно <script>alert(1)</script> {{ 7*7 }} проверка.",
        "uk": "Небезпечно <script>alert(1)</script> {{ 7*7 }} перевірка ї є ґ.",
    },
    "plain": {
        "hu": "Egyszerű összefoglaló.",
        "zh": "简单摘要。",
        "ru": "Простое резюме.",
        "uk": "Просте резюме.",
    },
}

#: Each edition's page -> its html lang and title.
EDITIONS = {
    "index.html": ("en", "News briefing"),
    "briefing.hu.html": ("hu", "Hírösszefoglaló"),
    "briefing.zh.html": ("zh-Hans", "新闻简报"),
    "briefing.ru.html": ("ru", "Обзор новостей"),
    "briefing.uk.html": ("uk", "Огляд новин"),
}
#: Each edition's page of an article, by language code: ``<slug>.html`` in English.
ARTICLE_PAGE = {
    "en": "{slug}.html",
    "hu": "{slug}.hu.html",
    "zh": "{slug}.zh.html",
    "ru": "{slug}.ru.html",
    "uk": "{slug}.uk.html",
}
#: Slugs of make_briefing's articles, in order.
SLUGS = ("orban", "danger", "plain")
#: Every article page make_briefing writes: each edition's pages in turn, English first.
ARTICLE_PAGES = [page.format(slug=slug) for page in ARTICLE_PAGE.values() for slug in SLUGS]
#: Each edition's "About this briefing" page, English first.
ABOUT_PAGES = ["about.html", *(f"about.{code}.html" for code in ("hu", "zh", "ru", "uk"))]
#: The language switcher's links, in order: each language named in itself.
NATIVE_NAMES = ["English", "Magyar", "中文（简体）", "Русский", "Українська"]


def make_result(
    slug: str,
    title: str,
    summary: str,
    *,
    url: str | None = None,
    published: str | None = None,
    translations: dict[str, str] | None = None,
    warnings: tuple[str, ...] = (),
) -> ArticleOutcome:
    """A hand-built outcome of one done article."""
    article = Article(
        id=f"inputs/{slug}.txt",
        slug=slug,
        title=title,
        text=f"Body of {title}.",
        source=f"inputs/{slug}.txt",
        url=url,
        published=published,
        warnings=warnings,
    )
    return ArticleOutcome(
        article=article,
        summary=Summary(article_id=article.id, text=summary, chunks=2),
        translations=translations if translations is not None else TRANSLATIONS[slug],
    )


def make_briefing(languages: tuple[str, ...] = ("hu", "zh", "ru", "uk")) -> Briefing:
    """Three articles (one hostile), real models with known licences, one failed input."""
    results = (
        make_result(
            "orban",
            "Orbán visits Beijing",
            "Hungary's prime minister met Xi Jinping in Beijing.",
            url=HTTPS_URL,
            published="2024-07-08",
        ),
        make_result(
            "danger",
            DANGEROUS_TITLE,
            DANGEROUS_SUMMARY,
            url="javascript:alert(document.cookie)",
            warnings=("encoding guessed as cp1250 <b>",),
        ),
        # Only Hungarian: the other editions fall back to the English summary.
        make_result(
            "plain",
            "A plain story",
            "First paragraph.\n\nSecond paragraph.",
            translations={"hu": TRANSLATIONS["plain"]["hu"]},
        ),
    )
    models = {
        "summary": "sshleifer/distilbart-cnn-12-6",
        "translation:hu": "Helsinki-NLP/opus-mt-tc-big-en-hu",
        "translation:zh": "Helsinki-NLP/opus-mt-en-zh",
        "translation:ru": "Helsinki-NLP/opus-mt-tc-big-en-zle",
        "translation:uk": "facebook/nllb-200-distilled-600M",
        "translation:fi": "models/my-en-fi",
    }
    run = RunInfo(
        generated_at="2025-03-04T05:06:07+00:00",
        models={k: v for k, v in models.items() if k.split(":")[-1] in (*languages, "summary")},
        device="cpu",
        dtype="float32",
        languages=languages,
        version="0.1.0",
    )
    failures = (InputFailure(source="inputs/broken.pdf", reason="unsupported file type <pdf>"),)
    return Briefing(results=results, run=run, failures=failures)


def make_rtl_briefing() -> Briefing:
    """An Arabic edition (any ISO 639 code is a target with --translation-model) of a Hebrew
    article and an English one."""
    hebrew = dataclasses.replace(
        make_result(
            "plain",
            "שלום עולם: חדשות",
            "Peace talks resumed.",
            translations={"ar": "استؤنفت محادثات السلام."},
        ),
        language="he",
        pivot_model="Helsinki-NLP/opus-mt-he-en",
    )
    english = make_result(
        "orban", "Orbán visits Beijing", "Summary.", translations={"ar": "زار أوربان بكين."}
    )
    run = RunInfo(
        generated_at="2025-03-04T05:06:07+00:00",
        models={"summary": "sshleifer/distilbart-cnn-12-6", "translation:ar": "models/en-ar"},
        device="cpu",
        dtype="float32",
        languages=("ar",),
        version="0.1.0",
    )
    return Briefing(results=(hebrew, english), run=run)


#: Headlines of the orban article in each edition's language.
HEADLINES = {
    "hu": "Orbán Pekingbe látogat",
    "zh": "欧尔班访问北京",
    "ru": "Орбан посещает Пекин",
    "uk": "Орбан відвідує Пекін",
}
#: A Russian article: its original headline, and that headline in English and Hungarian.
RUSSIAN_TITLE = "Центробанк сохранил ключевую ставку"
RUSSIAN_HEADLINES = {"en": "Central bank holds its key rate", "hu": "A jegybank nem változtat"}
#: The other outlets that carried the orban story in make_flagged_briefing: one with a link, one
#: whose URL must not become one.
ALSO_REPORTED_BY = (
    Reference("Reuters", "https://www.reuters.com/world/orban-beijing-2024-07-08/"),
    Reference("Telex <b>", "javascript:alert(1)"),
)
#: What a failed model said: the pages must never show it.
RAW_ERROR = "RuntimeError: vocabulary size 65001 does not match ctranslate2 model"


def make_flagged_briefing() -> Briefing:
    """make_briefing with what a run can report: headlines per language, a Russian article
    summarised through English, quality flags, other outlets that carried a story, and
    Ukrainian unavailable (its articles have no Ukrainian text)."""
    base = make_briefing()
    orban, danger, plain = base.results
    orban = dataclasses.replace(
        orban,
        article=dataclasses.replace(orban.article, also_reported_by=ALSO_REPORTED_BY),
        headlines=HEADLINES,
        quality_warnings=(
            QualityWarning(
                "summary", "en", "unsupported_number", "numbers not in the article: 4.6"
            ),
            QualityWarning(
                "translation", "hu", "wrong_language", "“Orbán…” reads as Slovak (0.91)"
            ),
        ),
    )
    russian = dataclasses.replace(
        make_result(
            "bank",
            RUSSIAN_TITLE,
            "The central bank kept its key rate at 16 percent.",
            translations={
                "hu": "A jegybank 16 százalékon tartotta az alapkamatot.",
                "zh": "央行将关键利率维持在16%。",
                "ru": "Центральный банк сохранил ключевую ставку на уровне 16%.",
            },
        ),
        language="ru",
        pivot_model="Helsinki-NLP/opus-mt-ru-en",
        headlines=RUSSIAN_HEADLINES,
    )
    without_uk = tuple(
        dataclasses.replace(
            outcome,
            translations={k: v for k, v in outcome.translations.items() if k != "uk"},
            headlines={k: v for k, v in outcome.headlines.items() if k != "uk"},
        )
        for outcome in (orban, danger, plain, russian)
    )
    return dataclasses.replace(
        base,
        results=without_uk,
        unavailable=(LanguageUnavailable("uk", "model_failed_to_load", RAW_ERROR),),
    )


def make_sectioned_briefing() -> Briefing:
    """make_briefing with sections, a priority, dates (one unreadable) and a publisher's name."""
    briefing = make_briefing()
    orban, danger, plain = briefing.results

    def with_article(outcome: ArticleOutcome, **fields: object) -> ArticleOutcome:
        return dataclasses.replace(outcome, article=dataclasses.replace(outcome.article, **fields))

    results = (
        with_article(orban, section="world", source_name="Budapest Times"),
        with_article(danger, section="tech", published="Published: yesterday"),
        with_article(plain, section="world", priority=2, published="Fri, 04 Dec 2026 10:00 GMT"),
    )
    return dataclasses.replace(briefing, results=results)


#: The showcase's third story, whole in every edition: its summary's translations, headlines.
FLOOD_TRANSLATIONS = {
    "hu": "A budapesti árvízvédelmi gátak kitartottak, a Duna 8,9 méteren tetőzött.",
    "zh": "布达佩斯的防洪堤坝经受住了考验，多瑙河水位在8.9米达到峰值。",
    "ru": "Дамбы в Будапеште выдержали: уровень Дуная достиг пика в 8,9 метра.",
    "uk": "Дамби в Будапешті витримали: рівень Дунаю досяг піку у 8,9 метра.",
}
FLOOD_HEADLINES = {
    "hu": "Kitartottak a budapesti gátak",
    "zh": "布达佩斯防洪堤坝经受住考验",
    "ru": "Дамбы Будапешта выдержали паводок",
    "uk": "Дамби Будапешта витримали паводок",
}


def make_showcase_briefing() -> Briefing:
    """The README's screenshot: real translations of every headline and summary in every
    edition, under sections, with publishers and dates, one quality flag, and none of the
    hostile strings the render tests need."""
    flagged = make_flagged_briefing()
    orban, _danger, _plain, bank = flagged.results

    def with_article(outcome: ArticleOutcome, **fields: object) -> ArticleOutcome:
        return dataclasses.replace(outcome, article=dataclasses.replace(outcome.article, **fields))

    flood = dataclasses.replace(
        make_result(
            "flood",
            "Budapest's flood defences hold as the Danube peaks",
            "Flood defences in Budapest held as the Danube peaked at 8.9 metres.",
            translations=FLOOD_TRANSLATIONS,
        ),
        headlines=FLOOD_HEADLINES,
    )
    orban = dataclasses.replace(
        orban,
        translations=TRANSLATIONS["orban"],
        headlines=HEADLINES,
        quality_warnings=orban.quality_warnings[:1],  # the summary's flag, in every edition
    )
    bank = dataclasses.replace(
        bank,
        translations={**bank.translations, "uk": "Центробанк зберіг ключову ставку на рівні 16%."},
        headlines={
            **RUSSIAN_HEADLINES,
            "zh": "央行维持关键利率不变",
            "uk": "Центробанк зберіг ключову ставку",
        },
    )
    results = (
        with_article(
            orban,
            section="world",
            source_name="Budapest Times",
            also_reported_by=(
                Reference("Reuters", "https://www.reuters.com/world/europe/orban-beijing/"),
                Reference("Telex", "https://telex.hu/kulfold/orban-peking"),
            ),
        ),
        with_article(bank, section="business", source_name="Moscow Wire", published="2024-07-26"),
        with_article(flood, section="world", source_name="Danube Post", published="2024-07-05"),
    )
    return dataclasses.replace(flagged, results=results, unavailable=())
