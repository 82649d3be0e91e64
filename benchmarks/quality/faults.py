"""Faulty versions of correct text, derived mechanically, one kind of failure at a time.

Each function takes a correct text (and what it needs to know about it) and returns the text
with one failure put in, or None where that failure cannot be put into this text (a
Chinese sentence with no character that Traditional Chinese writes otherwise, a sentence
with no number to change).
"""

from __future__ import annotations

import re

from summarize.quality.numbers import word_number_values

# fmt: off
#: Russian letters in Latin, as a model that "translates" into transliteration writes them.
_RUSSIAN_LATIN = {
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "yo", "ж": "zh", "з": "z",
    "и": "i", "й": "y", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o", "п": "p", "р": "r",
    "с": "s", "т": "t", "у": "u", "ф": "f", "х": "kh", "ц": "ts", "ч": "ch", "ш": "sh",
    "щ": "shch", "ъ": "", "ы": "y", "ь": "", "э": "e", "ю": "yu", "я": "ya",
}
#: Ukrainian letters in Latin (the national transliteration, simplified).
_UKRAINIAN_LATIN = {
    **_RUSSIAN_LATIN,
    "г": "h", "ґ": "g", "е": "e", "є": "ye", "и": "y", "і": "i", "ї": "yi", "й": "y",
    "щ": "shch", "’": "", "ʼ": "", "'": "",
}
#: Simplified -> Traditional for every character of the Chinese sentences in sentences.toml
#: that Traditional Chinese writes otherwise (a fuller table is OpenCC's; this one is small
#: and checked by hand for these sentences: 周 is 週 in a weekday, 后 is 後 for "after",
#: 于 is 於 for "at", 游 is 遊 in 游行 and 游客, 卷 is 捲 in 席卷).
TRADITIONAL = dict(zip(
    "将调长对记说们会弃业为来国总尔见统马龙这场风带时两内过导该区约户断电学机条关闭称赛结发续"
    "净润亿历谈复达经馆开热欧鲁现种号车点个胀缓报纸进随辞职玛丽亚价决温举无伤辆动卫组织气计并"
    "实严纽盘涨议预飞员队寻踪击从没样乌兰访问华灾资桥师节创纪录绩赢败处监麦协签体础减设帮较贫"
    "担转费医数练获胜级软镇银济农驾驶锁产迟间岗愿压维纳图书册岁锋门东领认错误伟周后于游卷万庆",
    "將調長對記說們會棄業為來國總爾見統馬龍這場風帶時兩內過導該區約戶斷電學機條關閉稱賽結發續"
    "淨潤億歷談復達經館開熱歐魯現種號車點個脹緩報紙進隨辭職瑪麗亞價決溫舉無傷輛動衛組織氣計並"
    "實嚴紐盤漲議預飛員隊尋蹤擊從沒樣烏蘭訪問華災資橋師節創紀錄績贏敗處監麥協簽體礎減設幫較貧"
    "擔轉費醫數練獲勝級軟鎮銀濟農駕駛鎖產遲間崗願壓維納圖書冊歲鋒門東領認錯誤偉週後於遊捲萬慶",
    strict=True,
))
# fmt: on
#: Names put into a summary in place of one the article has; none is in any article.
INVENTED_NAMES = ("Haraldsen", "Okonkwo", "Vasquez", "Lindqvist")
_HAN = re.compile("[\u4e00-\u9fff]")
_DIGITS = re.compile(r"\d+")
_WORD = re.compile(r"[^\W\d_]+")


def transliterated(text: str, language: str) -> str:
    """Cyrillic text in Latin letters: the wrong script for Russian or Ukrainian."""
    table = _UKRAINIAN_LATIN if language == "uk" else _RUSSIAN_LATIN
    out = []
    for char in text:
        latin = table.get(char.lower())
        if latin is None:
            out.append(char)
        else:
            out.append(latin.capitalize() if char.isupper() else latin)
    return "".join(out)


def traditional(text: str) -> str | None:
    """Simplified Chinese in Traditional characters; None when no character changes."""
    converted = "".join(TRADITIONAL.get(char, char) for char in text)
    return converted if converted != text else None


def wrong_script(text: str, language: str) -> str | None:
    """The text in the script a failing model writes instead: Latin or Traditional."""
    if language in ("ru", "uk"):
        return transliterated(text, language)
    if language == "zh":
        return traditional(text)
    return None  # Hungarian is written in Latin: no other script to fail into


def truncated(text: str, language: str) -> str:
    """The first half of the text, cut between words (between characters in Chinese)."""
    if language == "zh":
        return text[: len(text) // 2]
    words = text.split()
    return " ".join(words[: max(1, len(words) // 2)])


def looped(text: str, language: str) -> str:
    """The text with a phrase from its middle said four times in a row: a decoding loop."""
    if language == "zh":
        han = [match.start() for match in _HAN.finditer(text)]
        start = han[len(han) // 2 - 1] if len(han) >= 2 else 0
        phrase = text[start : start + 2]
        return text[:start] + phrase * 4 + text[start + 2 :]
    words = text.split()
    if len(words) < 2:
        return " ".join(words * 4)
    middle = max(0, len(words) // 2 - 1)
    phrase = words[middle : middle + 2]
    return " ".join(words[:middle] + phrase * 4 + words[middle + 2 :])


def changed_number(text: str, avoid: str) -> str | None:
    """The text with its first number changed to one ``avoid`` (the source) does not have, in
    digits or in words ("two")."""
    match = _DIGITS.search(text)
    if match is None:
        return None
    value = int(match.group())
    taken = {int(digits) for digits in _DIGITS.findall(avoid)} | {
        int(value) for value in word_number_values(avoid) if value == int(value)
    }
    new = value + 1
    while new in taken or str(new) in avoid:
        new += 1
    return text[: match.start()] + str(new) + text[match.end() :]


def invented_name(summary: str, article: str) -> str | None:
    """The summary with its first name (a capitalised word inside a sentence) replaced by one
    the article does not have."""
    for match in _WORD.finditer(summary):
        word = match.group()
        before = summary[: match.start()].rstrip()
        if word[0].isupper() and len(word) > 1 and before and before[-1] not in '.!?"“':
            name = next(name for name in INVENTED_NAMES if name not in article)
            return summary[: match.start()] + name + summary[match.end() :]
    return None


def repeated_sentence(sentences: list[str], joiner: str) -> str:
    """The sentences with the last one said twice."""
    return joiner.join([*sentences, sentences[-1]])


def dropped_sentence(sentences: list[str], joiner: str) -> str:
    """The sentences without the last one."""
    return joiner.join(sentences[:-1])
