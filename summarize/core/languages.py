"""The one table of target languages and the codes each model family uses for them.

CLI choices, default models, target-token selection and error messages all derive from here.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache

from summarize.core.errors import ConfigError

#: Source language of every summary (the summarisers are English models).
SOURCE_LANGUAGE = "en"

#: Default summariser (Apache-2.0, 306M parameters, ~1.2 GB).
DEFAULT_SUMMARY_MODEL = "sshleifer/distilbart-cnn-12-6"

#: Licences of models we know: model id (or an id prefix ending in ``*``) ->
#: (SPDX licence, message key of a condition readers must know, or None).
#: Any other model is credited with "see the model card".
MODEL_LICENCES: dict[str, tuple[str, str | None]] = {
    "sshleifer/distilbart-cnn-12-6": ("Apache-2.0", None),
    "Helsinki-NLP/opus-mt-tc-big-en-hu": ("CC-BY-4.0", "licence_attribution"),
    "Helsinki-NLP/opus-mt-tc-big-en-zle": ("CC-BY-4.0", "licence_attribution"),
    "Helsinki-NLP/opus-mt-en-zh": ("Apache-2.0", None),
    "Helsinki-NLP/opus-mt-zh-en": ("CC-BY-4.0", "licence_attribution"),
    "facebook/nllb-200*": ("CC-BY-NC-4.0", "licence_non_commercial"),
}


def model_licence(model: str) -> tuple[str, str | None] | None:
    """(SPDX licence, condition message key) of a model from MODEL_LICENCES; None if unknown."""
    for pattern, licence in MODEL_LICENCES.items():
        if model.startswith(pattern[:-1]) if pattern.endswith("*") else model == pattern:
            return licence
    return None


def licence_notices(models: Iterable[str]) -> list[str]:
    """One line for each model whose licence forbids commercial use."""
    notices = []
    for model in dict.fromkeys(models):
        licence = model_licence(model)
        if licence is not None and "-NC" in licence[0]:
            notices.append(
                f"{model} is licensed {licence[0]}: non-commercial use only (see its model card)"
            )
    return notices


#: How each model family writes a language in its vocabulary: Marian ``>>hun<<``, NLLB's
#: FLORES-200 ``hun_Latn``, M2M100 ``__hu__``, mBART-50 ``hu_HU`` / ``en_XX``.
MARIAN_TOKEN = re.compile(r"^>>[A-Za-z_]+<<$")
FLORES_CODE = re.compile(r"^[a-z]{3}_[A-Z][a-z]{3}$")
M2M_CODE = re.compile(r"^__[a-z]{2,3}__$")
MBART_CODE = re.compile(r"^[a-z]{2}_[A-Z]{2}$")


def is_language_token(token: str) -> bool:
    """Whether a vocabulary entry selects a language in one of the families above."""
    return any(
        pattern.match(token) for pattern in (MARIAN_TOKEN, FLORES_CODE, M2M_CODE, MBART_CODE)
    )


#: Languages translated into when ``--languages`` is not given.
DEFAULT_LANGUAGES: tuple[str, ...] = ("hu", "zh", "ru", "uk")


@dataclass(frozen=True)
class Language:
    """A target language and its code in each model family."""

    #: Our code, used in flags, file names and results.jsonl (ISO 639-1).
    code: str
    #: English name, for messages.
    name: str
    #: The language's name for itself, for readers.
    native_name: str
    #: BCP 47 tag for HTML ``lang`` attributes.
    html_lang: str
    #: Marian multi-target prefixes, most specific first; the first one in the vocabulary is used.
    marian_tokens: tuple[str, ...]
    #: NLLB-200 language token (FLORES-200 code).
    nllb_code: str
    #: M2M100 language code (the tokenizer wraps it as ``__xx__``).
    m2m_code: str
    #: mBART-50 language token.
    mbart_code: str
    #: Language name T5-style models expect in ``translate English to <name>: ``.
    t5_name: str
    #: Text placed between translated sentences when rejoining them.
    sentence_joiner: str = " "
    #: Default translation model (None: the user must pass ``--translation-model``).
    default_model: str | None = None


#: English, the language summaries are written in and non-English articles are translated into.
ENGLISH = Language(
    code="en",
    name="English",
    native_name="English",
    html_lang="en",
    marian_tokens=(">>eng<<",),
    nllb_code="eng_Latn",
    m2m_code="en",
    mbart_code="en_XX",
    t5_name="English",
)

#: Models that translate an article into English before it is summarised, by its language.
DEFAULT_SOURCE_MODELS: dict[str, str] = {
    "hu": "Helsinki-NLP/opus-mt-hu-en",
    "zh": "Helsinki-NLP/opus-mt-zh-en",
    "ru": "Helsinki-NLP/opus-mt-ru-en",
    "uk": "Helsinki-NLP/opus-mt-uk-en",
}
#: For articles in any other language (one model for many source languages).
FALLBACK_SOURCE_MODEL = "Helsinki-NLP/opus-mt-mul-en"

LANGUAGES: dict[str, Language] = {
    lang.code: lang
    for lang in (
        Language(
            code="hu",
            name="Hungarian",
            native_name="Magyar",
            html_lang="hu",
            marian_tokens=(">>hun<<",),
            nllb_code="hun_Latn",
            m2m_code="hu",
            mbart_code="hu_HU",
            t5_name="Hungarian",
            default_model="Helsinki-NLP/opus-mt-tc-big-en-hu",
        ),
        Language(
            code="zh",
            name="Chinese (Simplified)",
            native_name="中文（简体）",
            html_lang="zh-Hans",
            marian_tokens=(">>cmn_Hans<<", ">>zho_Hans<<", ">>cmn<<", ">>zho<<"),
            nllb_code="zho_Hans",
            m2m_code="zh",
            mbart_code="zh_CN",
            t5_name="Chinese",
            sentence_joiner="",
            default_model="Helsinki-NLP/opus-mt-en-zh",
        ),
        Language(
            code="ru",
            name="Russian",
            native_name="Русский",
            html_lang="ru",
            marian_tokens=(">>rus<<",),
            nllb_code="rus_Cyrl",
            m2m_code="ru",
            mbart_code="ru_RU",
            t5_name="Russian",
            default_model="Helsinki-NLP/opus-mt-tc-big-en-zle",
        ),
        Language(
            code="uk",
            name="Ukrainian",
            native_name="Українська",
            html_lang="uk",
            marian_tokens=(">>ukr<<",),
            nllb_code="ukr_Cyrl",
            m2m_code="uk",
            mbart_code="uk_UA",
            t5_name="Ukrainian",
            default_model="Helsinki-NLP/opus-mt-tc-big-en-zle",
        ),
        Language(
            code="de",
            name="German",
            native_name="Deutsch",
            html_lang="de",
            marian_tokens=(">>deu<<",),
            nllb_code="deu_Latn",
            m2m_code="de",
            mbart_code="de_DE",
            t5_name="German",
            default_model="Helsinki-NLP/opus-mt-en-de",
        ),
        Language(
            code="fr",
            name="French",
            native_name="Français",
            html_lang="fr",
            marian_tokens=(">>fra<<",),
            nllb_code="fra_Latn",
            m2m_code="fr",
            mbart_code="fr_XX",
            t5_name="French",
            default_model="Helsinki-NLP/opus-mt-en-fr",
        ),
        Language(
            code="es",
            name="Spanish",
            native_name="Español",
            html_lang="es",
            marian_tokens=(">>spa<<",),
            nllb_code="spa_Latn",
            m2m_code="es",
            mbart_code="es_XX",
            t5_name="Spanish",
            default_model="Helsinki-NLP/opus-mt-en-es",
        ),
    )
}


def get_language(code: str) -> Language:
    """Look up a target language: from the table, else described from its ISO 639 code.

    Languages outside the table have no default model; their codes for each model family are
    derived (``fi`` -> ``>>fin<<``, ``fin_Latn``, ``fi_FI``) and checked against the model's
    vocabulary before any work, like every other language.
    """
    if code in LANGUAGES:
        return LANGUAGES[code]
    if code == ENGLISH.code:
        return ENGLISH
    described = _describe(code)
    if described is None:
        raise ConfigError(
            f"unknown language {code!r}: use an ISO 639-1 code such as "
            f"{', '.join(DEFAULT_LANGUAGES)} (built in: {', '.join(sorted(LANGUAGES))})"
        )
    return described


def iso_script(code: str) -> str | None:
    """ISO 15924 script a language is written in (``ru`` -> ``Cyrl``, ``ja`` -> ``Jpan``), from
    its NLLB code; None for a code no table knows."""
    try:
        nllb_code = get_language(code).nllb_code
    except ConfigError:
        return None
    return nllb_code.partition("_")[2] or None


# Scripts written without spaces between sentences.
_UNSPACED_SCRIPTS = frozenset({"Hans", "Hant", "Hani", "Jpan"})


def _describe(code: str) -> Language | None:
    """A Language for a valid ISO 639 code outside the table, from CLDR data (langcodes)."""
    import langcodes  # loads CLDR tables: only needed for languages outside the table

    if not (code.isascii() and code.isalpha() and 2 <= len(code) <= 3 and code.islower()):
        return None
    try:
        tag = langcodes.Language.get(code)
        alpha3 = tag.to_alpha3()
        likely = tag.maximize()
    except (LookupError, ValueError):
        return None
    name = tag.display_name("en")
    script = likely.script or "Latn"
    return Language(
        code=code,
        name=name,
        native_name=tag.autonym(),
        html_lang=code,
        marian_tokens=(f">>{alpha3}<<",),
        nllb_code=f"{alpha3}_{script}",
        m2m_code=code,
        mbart_code=f"{code}_{likely.territory or code.upper()}",
        t5_name=name,
        sentence_joiner="" if script in _UNSPACED_SCRIPTS else " ",
    )


#: Aliases: our code -> the ISO 639-3 individual language that model vocabularies use for it,
#: where CLDR's data names none (its choices are in ``usual_individual_language``). Only for
#: macrolanguages whose vocabularies hold several individual languages of the same script.
LANGUAGE_ALIASES: dict[str, str] = {
    # Norwegian: Bokmål (nob), written by most Norwegians; FLORES-200 also has Nynorsk (nno).
    "no": "nob",
}


@cache
def usual_individual_language(code: str) -> str | None:
    """ISO 639-3 code of the individual language a macrolanguage's code usually means
    (``fa`` -> ``pes``, ``ar`` -> ``arb``, ``no`` -> ``nob``); None if there is none."""
    if code in LANGUAGE_ALIASES:
        return LANGUAGE_ALIASES[code]
    from langcodes.data_dicts import NORMALIZED_MACROLANGUAGES  # CLDR's, offline

    usual = [member for member, macro in NORMALIZED_MACROLANGUAGES.items() if macro == code]
    return _alpha3(usual[0]) if len(usual) == 1 else None


@cache
def iso_names(code: str) -> frozenset[str]:
    """Every ISO 639 code a vocabulary may use for a language: its own two- and three-letter
    codes and, for a macrolanguage, those of its individual languages (``ms`` -> ``msa``,
    ``zsm``, ``ind``, ...)."""
    from langcodes.data_dicts import MACROLANGUAGES  # ISO 639-3 (via CLDR), offline

    codes = {code, *(member for member, macro in MACROLANGUAGES.items() if macro == code)}
    alpha3 = {_alpha3(c) for c in codes}
    return frozenset(codes | {c for c in alpha3 if c is not None})


def _alpha3(code: str) -> str | None:
    """The ISO 639-3 (or 639-2/T) code of a language code, if CLDR knows it."""
    import langcodes  # loads CLDR tables: only needed for codes outside the table

    try:
        return langcodes.Language.get(code).to_alpha3()
    except (LookupError, ValueError):
        return None


def canonical_code(code: str) -> str:
    """A language code as the table keys it: lower case, two letters where ISO 639-1 has
    them (``HU``, ``hun`` -> ``hu``; ``eng`` -> ``en``), else as given."""
    code = code.strip().lower()
    if code in LANGUAGES or code == ENGLISH.code or not (code.isascii() and len(code) == 3):
        return code
    import langcodes  # loads CLDR tables: only needed for three-letter codes

    try:
        standard = langcodes.standardize_tag(code)
    except (LookupError, ValueError):
        return code
    return standard if len(standard) == 2 and standard.isalpha() else code


def parse_languages(value: str) -> tuple[str, ...]:
    """Parse ``hu,zh`` into known codes, keeping order and dropping repeats."""
    given = [part.strip() for part in value.split(",") if part.strip()]
    if not given:
        raise ConfigError("--languages needs at least one language code, e.g. --languages hu,zh")
    codes = [canonical_code(code) for code in given]
    for written, code in zip(given, codes, strict=True):
        get_language(code)  # an unknown code is an error naming it
        if code == ENGLISH.code:
            raise ConfigError(
                f"{written!r} is English, the summaries' own language, not a translation "
                f"target; drop {written} from --languages (or from languages in the config file)"
            )
    return tuple(dict.fromkeys(codes))
