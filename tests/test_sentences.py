from __future__ import annotations

from summarize.sentences import pack_into_chunks, split_oversized, split_sentences


def words(texts):
    return [len(text.split()) for text in texts]


def test_split_sentences_keeps_abbreviations_and_paragraphs() -> None:
    text = "Dr. Smith met Mr. Jones in Washington.  He left.\n\nA new paragraph starts here!"
    assert split_sentences(text) == [
        "Dr. Smith met Mr. Jones in Washington.",
        "He left.",
        "A new paragraph starts here!",
    ]


def test_split_sentences_chinese() -> None:
    assert split_sentences("我爱北京。你好吗？", "zh") == ["我爱北京。", "你好吗？"]


def test_periods_that_end_no_sentence_do_not_split_it() -> None:
    # Hungarian dates and ordinals, Russian abbreviations, initials before a name.
    hungarian = "2024. március 15-én beszédet mondott. A csapat a 3. helyen végzett."
    assert split_sentences(hungarian, "hu") == [
        "2024. március 15-én beszédet mondott.",
        "A csapat a 3. helyen végzett.",
    ]
    assert split_sentences("A XX. század elején kb. tízezren éltek ott. Ma többen.", "hu") == [
        "A XX. század elején kb. tízezren éltek ott.",
        "Ma többen.",
    ]
    assert split_sentences("В. Зеленський зустрівся з Е. Макроном. Вони говорили.", "uk") == [
        "В. Зеленський зустрівся з Е. Макроном.",
        "Вони говорили.",
    ]
    assert split_sentences("Это, т.е. главное, решено. Потом.", "ru") == [
        "Это, т.е. главное, решено.",
        "Потом.",
    ]
    # Real sentence ends stay where they were.
    assert split_sentences("Prices rose. They fell again.") == ["Prices rose.", "They fell again."]
    assert split_sentences("经济增长。然后下降。", "zh") == ["经济增长。", "然后下降。"]


def test_pack_into_chunks_respects_budget_and_keeps_every_word() -> None:
    sentences = [f"sentence {i} has exactly six words." for i in range(20)]
    chunks = pack_into_chunks(sentences, words, budget=20)
    assert all(n <= 20 for n in words(chunks))
    assert len(chunks) > 1
    assert " ".join(chunks).split() == " ".join(sentences).split()


def test_sentences_that_fit_together_make_one_chunk() -> None:
    # 14 sentences of 3 words: 42 tokens, within 48, though 14 seams estimated at one token
    # each would make 56.
    sentences = [f"Word number {n}." for n in range(14)]
    chunks = pack_into_chunks(sentences, words, 48)
    assert chunks == [" ".join(sentences)]
    assert pack_into_chunks(sentences, words, 41) != chunks  # and over the budget it splits


def test_oversized_sentence_is_split_between_words_not_truncated() -> None:
    long_sentence = " ".join(f"w{i}" for i in range(25))
    parts = split_oversized([long_sentence, "short one"], words, budget=10)
    assert words(parts) == [10, 10, 5, 2]
    assert " ".join(parts).split() == [*long_sentence.split(), "short", "one"]


def test_text_without_spaces_is_split_between_characters() -> None:
    parts = split_oversized(["一二三四五六七"], lambda ts: [len(t) for t in ts], budget=3)
    assert parts == ["一二三", "四五六", "七"]
