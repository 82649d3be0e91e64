"""Tiny random-weight seq2seq models of the real architectures, built offline for tests.

Every builder trains a small tokenizer on :data:`CORPUS` (English news sentences plus Hungarian,
Chinese, Russian and Ukrainian ones), initialises the real model class with random weights and
tiny sizes, and writes both with ``save_pretrained`` so the folder loads through
``AutoTokenizer`` / ``AutoModelForSeq2SeqLM`` exactly like a downloaded checkpoint.

The saved ``generation_config.json`` makes output length fixed (``min_new_tokens ==
max_new_tokens``) and bans special and language tokens with ``bad_words_ids``, so random weights
still decode to non-empty text in several scripts. ``bad_words_ids`` is used rather than
``suppress_tokens`` because its logits processor runs *before* ``forced_bos_token_id``: a
translator that forces a target-language token still gets it, while the model never picks one
on its own. Nothing here downloads anything.
"""

from __future__ import annotations

import io
import json
import shutil
import warnings
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import sentencepiece as spm
import torch
from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers
from transformers import (
    BartConfig,
    BartForConditionalGeneration,
    BartTokenizer,
    GenerationConfig,
    M2M100Config,
    M2M100ForConditionalGeneration,
    M2M100Tokenizer,
    MarianConfig,
    MarianMTModel,
    MarianTokenizer,
    MBart50Tokenizer,
    MBartConfig,
    MBartForConditionalGeneration,
    NllbTokenizer,
    PreTrainedModel,
    PreTrainedTokenizerBase,
    T5Config,
    T5ForConditionalGeneration,
    T5Tokenizer,
)
from transformers.models.m2m_100.tokenization_m2m_100 import (
    FAIRSEQ_LANGUAGE_CODES as _M2M100_CODE_SETS,
)
from transformers.models.nllb.tokenization_nllb import FAIRSEQ_LANGUAGE_CODES as NLLB_CODES
from transformers.utils import logging as hf_logging

__all__ = [
    "CORPUS",
    "M2M100_CODES",
    "MAX_POSITIONS",
    "NEW_TOKENS",
    "build_all",
    "build_bart",
    "build_m2m100",
    "build_marian",
    "build_mbart50",
    "build_nllb",
    "build_t5",
    "train_bart_tokenizer",
]

#: The 100 language codes of facebook/m2m100_* (wrapped as ``__xx__`` tokens).
M2M100_CODES: tuple[str, ...] = tuple(_M2M100_CODE_SETS["m2m100"])

#: Input limit in tokens of every tiny model (small, so tests can trigger chunking cheaply).
MAX_POSITIONS = 128
#: Tokens every tiny model generates per input, by default.
NEW_TOKENS = 8
#: Seed for torch weight init and sentencepiece training, so builds are reproducible.
SEED = 1234

# Sizes: large enough to be the real code path (attention heads, FFN, 2 layers), small enough
# that building all of them takes well under a second and generate() on a batch milliseconds.
_D_MODEL = 32
_FFN = 64
_LAYERS = 2
_HEADS = 4
# Std of the random weight matrices (see _init_model).
_INIT_STD = 0.8

# Sentencepiece vocabulary size is an upper bound only (hard_vocab_limit=False): the corpus is
# too small to fill it, and every character of every script must still get a piece.
_SPM_VOCAB = 800
_BPE_VOCAB = 800

#: Training text: short news-style sentences, mostly English, plus the scripts we translate to.
CORPUS: tuple[str, ...] = (
    # English: politics, economy, world news.
    "The government announced a new budget on Monday after weeks of negotiations.",
    "Parliament voted to approve the spending plan by a narrow margin.",
    "The central bank raised interest rates by a quarter of a percentage point.",
    "Inflation slowed for the third month in a row, official figures showed.",
    "The prime minister said the reforms would create thousands of jobs.",
    "Opposition leaders called for an independent inquiry into the contract.",
    "Stock markets fell sharply as investors worried about a global slowdown.",
    "The company reported record profits despite rising energy costs.",
    "Unemployment rose to five percent, the highest level in two years.",
    "Officials met in Brussels to discuss the new trade agreement.",
    "The president will visit three countries in Asia next week.",
    "Farmers protested outside the ministry against lower grain prices.",
    "A spokesman for the foreign ministry declined to comment on the report.",
    "Voters will go to the polls in April to elect a new parliament.",
    "The election campaign focused on housing, health care and taxes.",
    "Heavy rain caused floods in several villages along the river.",
    "Rescue teams worked through the night to reach people trapped by the storm.",
    "The city council approved plans for a new bridge and a tram line.",
    "Scientists warned that the summer heat wave could damage crops.",
    "Exports grew faster than expected, helped by a weaker currency.",
    "The minister resigned after a scandal over party funding.",
    "Talks between the unions and employers ended without an agreement.",
    "Teachers went on strike to demand higher wages and smaller classes.",
    "The court ruled that the new law did not violate the constitution.",
    "Police said the suspect had been arrested near the border.",
    "Oil prices climbed after producers agreed to cut output.",
    "The European Commission proposed new rules for artificial intelligence.",
    "Hospitals reported a rise in patients during the winter months.",
    "The summit ended with a joint statement on climate and security.",
    "Economists expect growth to recover slowly next year.",
    "The bank said it would close dozens of branches and move services online.",
    "Ministers from twenty countries signed the declaration in Geneva.",
    "The railway strike disrupted travel for millions of commuters.",
    "A new survey found that most people support the energy plan.",
    "The mayor promised to build more affordable homes in the capital.",
    "The government plans to invest in wind and solar power.",
    "Negotiators said progress had been made but key issues remained.",
    "The army said it had withdrawn troops from the disputed region.",
    "Consumer spending rose strongly in the run-up to the holidays.",
    "The report said corruption remained a serious problem in public contracts.",
    "Journalists asked the minister about rising food prices.",
    "The new tax on fuel will take effect from the first of January.",
    "Leaders agreed to meet again in the autumn to review progress.",
    "The factory will hire four hundred workers by the end of the year.",
    # Digits and punctuation, so prompts such as "summarize: " never hit <unk>.
    'The minister said: "We will not raise taxes this year."',
    "Prices rose by 3.5% in May (up from 2.9% in April); analysts had expected 3.1%.",
    "Is the deal good for Europe? Yes, said 64 of the 100 experts asked!",
    "Shares closed at $42.80 [a 7% gain], the euro at 1.08 & gold at 2,350 dollars.",
    "Q4 results - revenue: 6 billion, profit: +12 percent * the best since 2019 / 2020.",
    "summarize: translate English to German, French or Romanian.",
    # Hungarian (ő and ű are the letters most tokenizers get wrong).
    "A kormány hétfőn új költségvetést jelentett be hosszú tárgyalások után.",
    "Az Országgyűlés szűk többséggel fogadta el a törvényjavaslatot.",
    "A jegybank negyed százalékponttal emelte az alapkamatot.",
    "Az infláció harmadik hónapja lassul, derül ki a hivatalos adatokból.",
    "A miniszterelnök szerint a reformok ezer új munkahelyet teremtenek.",
    "Az ellenzék független vizsgálatot sürgetett a szerződés ügyében.",
    "Az erős esőzések miatt több faluban áradás volt.",
    "A tőzsde esett, mert a befektetők a gazdasági lassulástól tartanak.",
    "Az üzemanyagárak emelkedése a fogyasztókat is érinti.",
    "A választók áprilisban döntenek az új parlamentről.",
    "Ősszel Érden és Újpesten is új iskolák nyílnak, közölte az Oktatási Hivatal.",
    "Ünnepi ülést tart az Írószövetség a Műcsarnokban.",
    # Chinese (Simplified and Traditional).
    "政府周一在数周谈判后宣布了新的预算。",
    "中央银行将利率上调了零点二五个百分点。",
    "官方数据显示，通货膨胀连续第三个月放缓。",
    "总理表示，改革将创造数千个就业机会。",
    "由于投资者担心全球经济放缓，股市大幅下跌。",
    "部长们在日内瓦签署了联合声明。",
    "暴雨导致河边几个村庄发生洪水。",
    "政府計劃投資風能和太陽能發電。",
    "選民將於四月投票選出新的議會。",
    "經濟學家預計明年經濟增長將緩慢恢復。",
    # Russian.
    "Правительство в понедельник объявило о новом бюджете после недель переговоров.",
    "Центральный банк повысил процентную ставку на четверть процентного пункта.",
    "Инфляция замедлилась третий месяц подряд, показали официальные данные.",
    "Премьер-министр заявил, что реформы создадут тысячи рабочих мест.",
    "Оппозиция потребовала провести независимое расследование.",
    "Фондовые рынки резко упали из-за опасений глобального замедления.",
    "Сильные дожди вызвали наводнения в нескольких деревнях.",
    "Министры двадцати стран подписали декларацию в Женеве.",
    "Избиратели придут на выборы в апреле, чтобы избрать новый парламент.",
    "Экономисты ожидают, что рост в следующем году будет медленным.",
    # Ukrainian (і, ї, є and ґ distinguish it from Russian).
    "Уряд у понеділок оголосив новий бюджет після тижнів переговорів.",
    "Національний банк підвищив облікову ставку на чверть відсоткового пункту.",
    "Інфляція сповільнилася третій місяць поспіль, свідчать офіційні дані.",
    "Прем'єр-міністр заявив, що реформи створять тисячі робочих місць.",
    "Опозиція вимагає незалежного розслідування щодо контракту.",
    "Сильні дощі спричинили повені в кількох селах уздовж річки.",
    "Міністри двадцяти країн підписали декларацію в Женеві.",
    "Виборці підуть на вибори у квітні, щоб обрати новий парламент.",
    "Економісти очікують, що зростання наступного року буде повільним.",
    "Ґрунтовні реформи в Україні підтримують європейські партнери.",
    "Їхня позиція щодо торгівлі є незмінною.",
)


# --------------------------------------------------------------------------------------------
# Shared helpers
# --------------------------------------------------------------------------------------------


def _train_sentencepiece(
    path: Path,
    *,
    model_type: str,
    unk_id: int,
    bos_id: int,
    eos_id: int,
    pad_id: int,
    user_defined_symbols: Sequence[str] = (),
) -> Path:
    """Train a sentencepiece model on :data:`CORPUS` and write it to ``path``."""
    # Same seed and one thread: sentencepiece output is then byte-for-byte reproducible.
    spm.set_random_generator_seed(SEED)
    model = io.BytesIO()
    spm.SentencePieceTrainer.train(
        sentence_iterator=iter(CORPUS),
        model_writer=model,
        model_type=model_type,
        vocab_size=_SPM_VOCAB,
        # The corpus cannot fill the vocabulary; without this sentencepiece refuses to train.
        hard_vocab_limit=False,
        # Keep every character: Chinese has many rare ones, and dropping them would mean <unk>.
        character_coverage=1.0,
        unk_id=unk_id,
        bos_id=bos_id,
        eos_id=eos_id,
        pad_id=pad_id,
        user_defined_symbols=list(user_defined_symbols),
        num_threads=1,
        minloglevel=2,
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(model.getvalue())
    return path


def _sentencepiece_pieces(path: Path) -> list[str]:
    """All pieces of a sentencepiece model, in id order."""
    processor = spm.SentencePieceProcessor(model_file=str(path))
    return [processor.id_to_piece(i) for i in range(processor.get_piece_size())]


def _write_json(path: Path, data: Any) -> None:
    """Write ``data`` as UTF-8 JSON (readable non-ASCII pieces)."""
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


def _generation_config(
    *,
    new_tokens: int,
    decoder_start_token_id: int,
    bos_token_id: int | None,
    eos_token_id: int,
    pad_token_id: int,
    banned_ids: Iterable[int],
) -> GenerationConfig:
    """A greedy config with a fixed output length that never picks a special token itself."""
    # Never ban eos: NoBadWordsLogitsProcessor drops it anyway and min_new_tokens already keeps
    # it out until the last step. The decoder start token is fed in, never generated.
    banned = sorted(set(banned_ids) - {eos_token_id})
    return GenerationConfig(
        # Equal bounds: every input yields exactly `new_tokens` tokens, so tests and benchmarks
        # compare like for like. No max_length is set, so it never caps a long input.
        min_new_tokens=new_tokens,
        max_new_tokens=new_tokens,
        num_beams=1,
        do_sample=False,
        decoder_start_token_id=decoder_start_token_id,
        bos_token_id=bos_token_id,
        eos_token_id=eos_token_id,
        pad_token_id=pad_token_id,
        bad_words_ids=[[i] for i in banned],
    )


#: Changes a built model (and its generation config) in memory before it is saved.
BeforeSave = Callable[[PreTrainedModel, PreTrainedTokenizerBase], None]


def _save(
    dest: Path,
    model: PreTrainedModel,
    tokenizer: PreTrainedTokenizerBase,
    generation_config: GenerationConfig,
    before_save: BeforeSave | None = None,
) -> Path:
    """Write model, tokenizer and generation config into ``dest`` (``before_save`` first)."""
    dest.mkdir(parents=True, exist_ok=True)
    model.generation_config = generation_config
    if before_save is not None:
        before_save(model, tokenizer)
    # No "Writing model shards" bar per tiny model; the caller's setting is restored after.
    bars_were_on = hf_logging.is_progress_bar_enabled()
    hf_logging.disable_progress_bar()
    try:
        model.save_pretrained(dest)
    finally:
        if bars_were_on:
            hf_logging.enable_progress_bar()
    tokenizer.save_pretrained(dest)
    return dest


def _init_model(
    model_class: type[PreTrainedModel], config: Any, init_std: float = _INIT_STD
) -> PreTrainedModel:
    """Random-init ``model_class`` reproducibly without disturbing the caller's RNG."""
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(SEED)
        model = model_class(config)
        # With the usual init (std 0.02) a model this small ignores its input and emits the
        # same tokens for every text; a wide init makes output differ per input, so tests can
        # tell results apart. Sinusoidal position tables are left alone: they are not random.
        with torch.no_grad():
            for name, param in model.named_parameters():
                if param.dim() > 1 and "embed_positions" not in name:
                    param.normal_(mean=0.0, std=init_std)
    return model.eval()


def _banned_ids(
    tokenizer: PreTrainedTokenizerBase, vocab_size: int, extra: Iterable[int] = ()
) -> set[int]:
    """Ids generation must never pick: special tokens, ``extra``, and ids past the tokenizer."""
    # Ids the model has but the tokenizer cannot decode (M2M100's "madeup words") would decode
    # to nothing or to <unk>, so they are banned too.
    return {*tokenizer.all_special_ids, *extra, *range(len(tokenizer), vocab_size)}


def _seq2seq_sizes(overrides: Mapping[str, int] | None = None) -> dict[str, int]:
    """Tiny sizes shared by the BART-like configs (BART, Marian, M2M100/NLLB, mBART).

    ``overrides`` replaces any of them, and may add ``vocab_size`` (see :func:`_vocab_size`).
    """
    sizes = {
        "d_model": _D_MODEL,
        "encoder_layers": _LAYERS,
        "decoder_layers": _LAYERS,
        "encoder_attention_heads": _HEADS,
        "decoder_attention_heads": _HEADS,
        "encoder_ffn_dim": _FFN,
        "decoder_ffn_dim": _FFN,
    }
    unknown = set(overrides or {}) - {*sizes, "vocab_size"}
    if unknown:
        raise ValueError(
            f"unknown size keys {sorted(unknown)}; valid: {sorted({*sizes, 'vocab_size'})}"
        )
    return {**sizes, **(overrides or {})}


#: Config keys the builders set themselves: the sizes, the trained tokenizer's ids, and the
#: model type (their config class's).
_BUILDER_KEYS = frozenset(
    {
        "model_type",
        *_seq2seq_sizes(),
        "vocab_size",
        "decoder_vocab_size",
        "max_position_embeddings",
        "pad_token_id",
        "bos_token_id",
        "eos_token_id",
        "decoder_start_token_id",
        "forced_eos_token_id",
    }
)


def _other_values(config_values: Mapping[str, Any] | None) -> dict[str, Any]:
    """``config_values`` without the keys the builder decides (sizes go through ``sizes``)."""
    return {k: v for k, v in (config_values or {}).items() if k not in _BUILDER_KEYS}


def _vocab_size(sizes: dict[str, int], tokenizer_size: int) -> int:
    """Pop ``vocab_size`` from ``sizes``; by default the tokenizer's size, never less."""
    # A larger model vocabulary (a real checkpoint's size, for benchmarks) is fine: the ids
    # past the tokenizer are banned from generation by _banned_ids.
    vocab_size = sizes.pop("vocab_size", tokenizer_size)
    if vocab_size < tokenizer_size:
        raise ValueError(f"vocab_size {vocab_size} is below the tokenizer's {tokenizer_size}")
    return vocab_size


# --------------------------------------------------------------------------------------------
# Builders
# --------------------------------------------------------------------------------------------


def train_bart_tokenizer(max_positions: int) -> tuple[BartTokenizer, dict[str, Any]]:
    """A byte-level BPE trained on :data:`CORPUS` with BART's ids (``<s>=0, <pad>=1, </s>=2,
    <unk>=3``), wrapped in ``BartTokenizer``, and the trained ``{"vocab", "merges"}``."""
    bpe = Tokenizer(models.BPE())
    bpe.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    bpe.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(
        vocab_size=_BPE_VOCAB,
        special_tokens=["<s>", "<pad>", "</s>", "<unk>"],
        # All 256 byte symbols, so any UTF-8 text encodes without <unk>, as in real BART.
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
        show_progress=False,
    )
    bpe.train_from_iterator(CORPUS, trainer=trainer)
    trained = json.loads(bpe.to_str())["model"]
    tokenizer = BartTokenizer(
        vocab=trained["vocab"],
        merges=[tuple(merge) for merge in trained["merges"]],
        model_max_length=max_positions,
    )
    return tokenizer, trained


def build_bart(
    dest: Path,
    *,
    max_positions: int = MAX_POSITIONS,
    new_tokens: int = NEW_TOKENS,
    sizes: Mapping[str, int] | None = None,
    config_values: Mapping[str, Any] | None = None,
    init_std: float = _INIT_STD,
    before_save: BeforeSave | None = None,
) -> Path:
    """Build a tiny ``BartForConditionalGeneration`` summariser in ``dest``.

    The tokenizer is a byte-level BPE trained with the ``tokenizers`` library and wrapped in
    ``BartTokenizer`` (in transformers v5 an alias of the fast ``RobertaTokenizer``, which is
    what ``AutoTokenizer`` returns for real BART checkpoints too). Ids follow BART:
    ``<s>=0, <pad>=1, </s>=2, <unk>=3`` and ``<mask>`` last. ``max_positions`` is both
    ``config.max_position_embeddings`` and the tokenizer's ``model_max_length``.

    ``sizes`` overrides the tiny dimensions (``d_model``, ``encoder_layers``, ``decoder_layers``,
    ``encoder_attention_heads``, ``decoder_attention_heads``, ``encoder_ffn_dim``,
    ``decoder_ffn_dim``, ``vocab_size``), e.g. to benchmark a model of a real checkpoint's size;
    a ``vocab_size`` above the tokenizer's leaves the extra ids unused (banned in generation).
    ``config_values`` sets any other config attribute (``activation_function``,
    ``scale_embedding``, ...), as a real checkpoint's ``config.json`` does; token ids always come
    from the trained tokenizer. ``init_std`` is the weights' spread: the default is wide, so
    tiny models give each input its own output; a real-size model takes its checkpoint's
    (0.02), whose activations stay within float16's range. ``before_save`` may change the
    model and its generation config in memory before they are written (one write instead of
    a reload and a second write, which costs seconds at real sizes).
    """
    tokenizer, _ = train_bart_tokenizer(max_positions)
    # BartTokenizer appends the missing <mask> after the trained vocabulary, like real BART.

    dims = _seq2seq_sizes(sizes)
    config = BartConfig(
        vocab_size=_vocab_size(dims, len(tokenizer)),
        max_position_embeddings=max_positions,
        pad_token_id=tokenizer.pad_token_id,
        bos_token_id=tokenizer.bos_token_id,
        eos_token_id=tokenizer.eos_token_id,
        decoder_start_token_id=tokenizer.eos_token_id,
        **dims,
        **_other_values(config_values),
    )
    model = _init_model(BartForConditionalGeneration, config, init_std)
    generation = _generation_config(
        new_tokens=new_tokens,
        decoder_start_token_id=tokenizer.eos_token_id,
        bos_token_id=tokenizer.bos_token_id,
        eos_token_id=tokenizer.eos_token_id,
        pad_token_id=tokenizer.pad_token_id,
        banned_ids=_banned_ids(tokenizer, config.vocab_size, _unreadable_ids(tokenizer)),
    )
    return _save(dest, model, tokenizer, generation, before_save)


def _unreadable_ids(tokenizer: PreTrainedTokenizerBase) -> list[int]:
    """Byte-level tokens that do not decode to printable text on their own."""
    # Half a UTF-8 character (one byte of a Cyrillic letter) decodes to U+FFFD; lone control
    # bytes decode to e.g. "\x0b". Real models rarely emit either, random weights often do.
    return [
        i
        for token, i in tokenizer.get_vocab().items()
        if not all(
            ch.isprintable() and ch != "\ufffd"
            for ch in tokenizer.convert_tokens_to_string([token])
        )
    ]


def build_marian(
    dest: Path,
    *,
    target_tokens: Sequence[str] = (),
    max_positions: int = MAX_POSITIONS,
    new_tokens: int = NEW_TOKENS,
    sizes: Mapping[str, int] | None = None,
    config_values: Mapping[str, Any] | None = None,
    init_std: float = _INIT_STD,
    before_save: BeforeSave | None = None,
    separate_vocabs: bool = False,
    pad_embeddings_to_multiple_of: int | None = None,
) -> Path:
    """Build a tiny ``MarianMTModel`` translator with a ``MarianTokenizer`` in ``dest``.

    The layout follows the Helsinki-NLP OPUS-MT checkpoints: one shared unigram sentencepiece
    model saved as both ``source.spm`` and ``target.spm``, a ``vocab.json`` with ``</s>=0``,
    ``<unk>=1``, the pieces, and ``<pad>`` last; ``pad`` is also the decoder start token.

    With ``target_tokens`` (e.g. ``(">>rus<<", ">>ukr<<")``) the model is multi-target: each
    token is a sentencepiece user-defined symbol, so it is one vocabulary entry and the text
    ``">>rus<< Hello"`` starts with its id.

    ``sizes`` overrides the tiny dimensions as in :func:`build_bart`; with a ``vocab_size``
    above the tokenizer's, ``<pad>`` keeps its id (last of ``vocab.json``) and the extra ids
    stay unused. ``config_values``, ``init_std`` and ``before_save`` are as in
    :func:`build_bart`.

    ``separate_vocabs`` gives the target side its own ``target_vocab.json`` (the same pieces
    in another order, so every target id names another piece than the same source id), with
    ``separate_vocabs`` in the tokenizer config and unshared embeddings, as OPUS-MT models
    with separate vocabularies have. ``pad_embeddings_to_multiple_of`` pads the embeddings
    past the vocabulary as a fine-tune with ``resize_token_embeddings(pad_to_multiple_of=N)``
    leaves them (the padded ids are banned from generation).
    """
    # The files are written under the names MarianTokenizer saves them as, so save_pretrained
    # later finds them already in place.
    spm_path = _train_sentencepiece(
        dest / "source.spm",
        model_type="unigram",
        unk_id=0,
        bos_id=-1,
        eos_id=1,
        pad_id=-1,
        user_defined_symbols=target_tokens,
    )
    shutil.copyfile(spm_path, dest / "target.spm")
    vocab: dict[str, int] = {"</s>": 0, "<unk>": 1}
    for piece in _sentencepiece_pieces(spm_path):
        vocab.setdefault(piece, len(vocab))
    vocab["<pad>"] = len(vocab)
    _write_json(dest / "vocab.json", vocab)
    separate: dict[str, Any] = {}
    if separate_vocabs:
        # Same size, pieces reversed between <unk> and <pad>: a mix-up of the two sides shows.
        pieces = list(vocab)
        target_order = pieces[:2] + pieces[2:-1][::-1] + pieces[-1:]
        _write_json(dest / "target_vocab.json", {p: i for i, p in enumerate(target_order)})
        separate = {"separate_vocabs": True, "target_vocab_file": str(dest / "target_vocab.json")}
    with warnings.catch_warnings():
        # Without sacremoses MarianTokenizer skips punctuation normalisation and says so; that
        # is the loader's concern, not the builder's.
        warnings.filterwarnings("ignore", message="Recommended: pip install sacremoses")
        tokenizer = MarianTokenizer(
            source_spm=str(dest / "source.spm"),
            target_spm=str(dest / "target.spm"),
            vocab=str(dest / "vocab.json"),
            model_max_length=max_positions,
            **separate,
        )

    pad = tokenizer.pad_token_id
    dims = _seq2seq_sizes(sizes)
    vocab_size = _vocab_size(dims, len(vocab))
    config = MarianConfig(
        vocab_size=vocab_size,
        decoder_vocab_size=vocab_size,
        max_position_embeddings=max_positions,
        pad_token_id=pad,
        eos_token_id=tokenizer.eos_token_id,
        decoder_start_token_id=pad,
        forced_eos_token_id=None,
        **({"share_encoder_decoder_embeddings": False} if separate_vocabs else {}),
        **dims,
        **_other_values(config_values),
    )
    model = _init_model(MarianMTModel, config, init_std)
    if pad_embeddings_to_multiple_of is not None:
        model.resize_token_embeddings(
            len(vocab), pad_to_multiple_of=pad_embeddings_to_multiple_of, mean_resizing=False
        )
        # transformers 5 resizes Marian's final_logits_bias to the unpadded size, which it
        # then refuses to load; a loadable checkpoint has it as long as the embeddings.
        model.final_logits_bias = torch.zeros((1, model.config.vocab_size))
    # ">>xx<<" codes are ordinary vocabulary entries for MarianTokenizer (not special tokens),
    # so decoding would keep them: ban them explicitly.
    codes = tokenizer.convert_tokens_to_ids(list(target_tokens))
    generation = _generation_config(
        new_tokens=new_tokens,
        decoder_start_token_id=pad,
        bos_token_id=None,
        eos_token_id=tokenizer.eos_token_id,
        pad_token_id=pad,
        banned_ids=_banned_ids(tokenizer, model.config.vocab_size, codes),
    )
    return _save(dest, model, tokenizer, generation, before_save)


def build_nllb(
    dest: Path,
    *,
    max_positions: int = MAX_POSITIONS,
    new_tokens: int = NEW_TOKENS,
    sizes: Mapping[str, int] | None = None,
    config_values: Mapping[str, Any] | None = None,
    init_std: float = _INIT_STD,
    before_save: BeforeSave | None = None,
) -> Path:
    """Build a tiny NLLB-200 translator (``M2M100ForConditionalGeneration``) in ``dest``.

    The tokenizer is ``NllbTokenizer`` converted from a BPE sentencepiece model, with all 202
    FLORES-200 codes (``eng_Latn``, ``hun_Latn``, ``zho_Hans``, ...) as special tokens. It puts
    the source code first: ``[src_lang] tokens </s>``. The target language is chosen at
    generation time with ``forced_bos_token_id``, as with the real checkpoints.

    ``sizes``, ``config_values``, ``init_std`` and ``before_save`` are as in
    :func:`build_bart`.
    """
    # NLLB's sentencepiece ids: unk=0, bos=1, eos=2, no pad; the tokenizer shifts them to the
    # fairseq order <s>=0, <pad>=1, </s>=2, <unk>=3.
    _train_sentencepiece(
        dest / "sentencepiece.bpe.model", model_type="bpe", unk_id=0, bos_id=1, eos_id=2, pad_id=-1
    )
    # from_pretrained is the code path that converts a sentencepiece file to the fast tokenizer.
    _write_json(dest / "tokenizer_config.json", {"tokenizer_class": "NllbTokenizer"})
    tokenizer = NllbTokenizer.from_pretrained(
        dest,
        src_lang="eng_Latn",
        # Without the codes passed explicitly, hun_Latn etc. become <unk>.
        additional_special_tokens=list(NLLB_CODES),
        model_max_length=max_positions,
    )
    return _save_m2m_family(
        dest,
        M2M100Config,
        M2M100ForConditionalGeneration,
        tokenizer,
        max_positions,
        new_tokens,
        sizes=sizes,
        config_values=config_values,
        init_std=init_std,
        before_save=before_save,
    )


def build_m2m100(
    dest: Path, *, max_positions: int = MAX_POSITIONS, new_tokens: int = NEW_TOKENS
) -> Path:
    """Build a tiny M2M100 translator with an ``M2M100Tokenizer`` in ``dest``.

    Files follow facebook/m2m100_418M: ``sentencepiece.bpe.model`` and a ``vocab.json`` in
    fairseq order (``<s>=0, <pad>=1, </s>=2, <unk>=3``). The 100 language tokens
    (``__en__``, ``__hu__``, ...) get the ids after the vocabulary; ``tokenizer.get_lang_id("hu")``
    returns one, and the source token leads the input: ``[__en__] tokens </s>``.
    """
    spm_path = _train_sentencepiece(
        dest / "sentencepiece.bpe.model", model_type="bpe", unk_id=3, bos_id=0, eos_id=2, pad_id=1
    )
    _write_json(
        dest / "vocab.json", {piece: i for i, piece in enumerate(_sentencepiece_pieces(spm_path))}
    )
    tokenizer = M2M100Tokenizer(
        vocab_file=str(dest / "vocab.json"),
        spm_file=str(spm_path),
        src_lang="en",
        # The real checkpoints list the language tokens in tokenizer_config.json. The tokenizer's
        # own attempt to add them never does (a chained `not in` in its __init__), and without
        # them being special, decode(skip_special_tokens=True) keeps "__hu__" in the text.
        additional_special_tokens=[f"__{code}__" for code in M2M100_CODES],
        model_max_length=max_positions,
    )
    return _save_m2m_family(
        dest,
        M2M100Config,
        M2M100ForConditionalGeneration,
        tokenizer,
        max_positions,
        new_tokens,
        # The model's vocabulary also holds the "madeup words" after the language tokens.
        extra_vocab=tokenizer.num_madeup_words,
    )


def build_mbart50(
    dest: Path, *, max_positions: int = MAX_POSITIONS, new_tokens: int = NEW_TOKENS
) -> Path:
    """Build a tiny mBART-50 translator (``MBartForConditionalGeneration``) in ``dest``.

    The tokenizer is ``MBart50Tokenizer`` converted from a unigram sentencepiece model, with
    the 52 mBART-50 codes (``en_XX``, ``zh_CN``, ``ru_RU``, ``uk_UA``, ...) as special tokens
    and ``<mask>`` last. Note that, as in the real model, there is no Hungarian code: mBART-50
    has no ``hu_HU``. The source code leads the input: ``[en_XX] tokens </s>``.
    """
    _train_sentencepiece(
        dest / "sentencepiece.bpe.model",
        model_type="unigram",
        unk_id=0,
        bos_id=1,
        eos_id=2,
        pad_id=-1,
    )
    # AutoTokenizer would pick MBartTokenizer (mBART-25 codes) from model_type "mbart"; the
    # saved tokenizer_class is what makes it load MBart50Tokenizer, as for the real checkpoint.
    _write_json(dest / "tokenizer_config.json", {"tokenizer_class": "MBart50Tokenizer"})
    tokenizer = MBart50Tokenizer.from_pretrained(
        dest, src_lang="en_XX", model_max_length=max_positions
    )
    return _save_m2m_family(
        dest, MBartConfig, MBartForConditionalGeneration, tokenizer, max_positions, new_tokens
    )


def _save_m2m_family(
    dest: Path,
    config_class: type[Any],
    model_class: type[PreTrainedModel],
    tokenizer: PreTrainedTokenizerBase,
    max_positions: int,
    new_tokens: int,
    *,
    extra_vocab: int = 0,
    sizes: Mapping[str, int] | None = None,
    config_values: Mapping[str, Any] | None = None,
    init_std: float = _INIT_STD,
    before_save: BeforeSave | None = None,
) -> Path:
    """Init and save a fairseq-style translator (NLLB, M2M100, mBART-50) for ``tokenizer``.

    ``sizes``, ``config_values``, ``init_std`` and ``before_save`` are as in
    :func:`build_bart`; a ``vocab_size`` in ``sizes`` replaces the tokenizer's size plus
    ``extra_vocab``.
    """
    # Fairseq ids, shared by all three: <s>=0, <pad>=1, </s>=2; decoding starts from </s>.
    # MBart50Tokenizer has <s> only as cls_token (its bos_token is None), hence the lookup.
    bos = tokenizer.convert_tokens_to_ids("<s>")
    dims = _seq2seq_sizes(sizes)
    # All three checkpoints scale their embeddings; a checkpoint's own values may say so too.
    values = {"scale_embedding": True, **_other_values(config_values)}
    config = config_class(
        vocab_size=_vocab_size(dims, len(tokenizer) + extra_vocab),
        max_position_embeddings=max_positions,
        pad_token_id=tokenizer.pad_token_id,
        bos_token_id=bos,
        eos_token_id=tokenizer.eos_token_id,
        decoder_start_token_id=tokenizer.eos_token_id,
        **dims,
        **values,
    )
    model = _init_model(model_class, config, init_std)
    generation = _generation_config(
        new_tokens=new_tokens,
        decoder_start_token_id=tokenizer.eos_token_id,
        bos_token_id=bos,
        eos_token_id=tokenizer.eos_token_id,
        pad_token_id=tokenizer.pad_token_id,
        banned_ids=_banned_ids(tokenizer, config.vocab_size),
    )
    return _save(dest, model, tokenizer, generation, before_save)


def build_t5(
    dest: Path, *, max_positions: int = MAX_POSITIONS, new_tokens: int = NEW_TOKENS
) -> Path:
    """Build a tiny ``T5ForConditionalGeneration`` with a ``T5Tokenizer`` in ``dest``.

    Like t5-small: unigram sentencepiece with ``<pad>=0, </s>=1, <unk>=2`` and 100
    ``<extra_id_N>`` sentinels, decoding starts from ``<pad>``, and
    ``config.task_specific_params`` holds the task prefixes (``"summarize: "``,
    ``"translate English to German: "``, ...). T5 has relative positions, so the input limit
    ``max_positions`` is only the tokenizer's ``model_max_length``.
    """
    _train_sentencepiece(
        dest / "spiece.model", model_type="unigram", unk_id=2, bos_id=-1, eos_id=1, pad_id=0
    )
    _write_json(dest / "tokenizer_config.json", {"tokenizer_class": "T5Tokenizer"})
    tokenizer = T5Tokenizer.from_pretrained(dest, model_max_length=max_positions)

    config = T5Config(
        vocab_size=len(tokenizer),
        d_model=_D_MODEL,
        d_kv=_D_MODEL // _HEADS,
        d_ff=_FFN,
        num_layers=_LAYERS,
        num_decoder_layers=_LAYERS,
        num_heads=_HEADS,
        pad_token_id=tokenizer.pad_token_id,
        eos_token_id=tokenizer.eos_token_id,
        decoder_start_token_id=tokenizer.pad_token_id,
        # Unused by T5 (relative positions), but real T5 configs carry it, so code that looks
        # for an input limit in the config finds the same one as the tokenizer's.
        n_positions=max_positions,
        # Prefixes only: real t5-small also sets beam/length settings here, which pipelines copy
        # over the generation config and would undo the fixed output length.
        task_specific_params={
            "summarization": {"prefix": "summarize: "},
            "translation_en_to_de": {"prefix": "translate English to German: "},
            "translation_en_to_fr": {"prefix": "translate English to French: "},
            "translation_en_to_ro": {"prefix": "translate English to Romanian: "},
        },
    )
    model = _init_model(T5ForConditionalGeneration, config)
    generation = _generation_config(
        new_tokens=new_tokens,
        decoder_start_token_id=tokenizer.pad_token_id,
        bos_token_id=None,
        eos_token_id=tokenizer.eos_token_id,
        pad_token_id=tokenizer.pad_token_id,
        banned_ids=_banned_ids(tokenizer, config.vocab_size),
    )
    return _save(dest, model, tokenizer, generation)


def build_all(root: Path) -> dict[str, Path]:
    """Build every tiny model under ``root``, one folder each, keyed by family name.

    Keys: ``bart``, ``t5`` (summarisers); ``marian`` (single target), ``marian_multi_zh``
    (``>>cmn_Hans<<``, ``>>cmn_Hant<<``, ``>>yue<<``), ``marian_multi_zle`` (``>>rus<<``,
    ``>>ukr<<``, ``>>bel<<``), ``nllb``, ``m2m100``, ``mbart50`` (translators).
    """
    return {
        "bart": build_bart(root / "bart"),
        "marian": build_marian(root / "marian"),
        "marian_multi_zh": build_marian(
            root / "marian_multi_zh", target_tokens=(">>cmn_Hans<<", ">>cmn_Hant<<", ">>yue<<")
        ),
        "marian_multi_zle": build_marian(
            root / "marian_multi_zle", target_tokens=(">>rus<<", ">>ukr<<", ">>bel<<")
        ),
        "nllb": build_nllb(root / "nllb"),
        "m2m100": build_m2m100(root / "m2m100"),
        "mbart50": build_mbart50(root / "mbart50"),
        "t5": build_t5(root / "t5"),
    }
