"""Bytes to text: byte-order marks, UTF-16 and UTF-8, declared and guessed encodings."""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass, field

from charset_normalizer import from_bytes

from summarize.inputs.cleanup import clean, nul_warning
from summarize.inputs.drafts import Unreadable

#: Fraction of NUL bytes, or of control / replacement characters after decoding, above which
#: a file is treated as binary rather than text with a few stray bytes.
_BINARY_RATIO = 0.1
#: Legacy code pages that charset-normalizer may pick for short Western text but that news
#: files practically never use (DOS, EBCDIC and classic Mac code pages); excluding them
#: stops e.g. French Latin-1 text being "detected" as Baltic DOS (cp775).
_UNLIKELY_CODEPAGES = frozenset(
    {
        *(f"cp{n}" for n in (37, 273, 424, 437, 500, 720, 737, 775, 850, 852, 855, 856, 857)),
        *(f"cp{n}" for n in (858, 860, 861, 862, 863, 864, 865, 866, 869, 875)),
        *(f"cp{n}" for n in (1006, 1026, 1125, 1140)),
        "hp_roman8",
        "mac_cyrillic",
        "mac_greek",
        "mac_iceland",
        "mac_latin2",
        "mac_roman",
        "mac_turkish",
    }
)
#: UTF-16 without a byte-order mark is recognised when more than this fraction of the bytes
#: on one side (odd or even offsets) are NUL and fewer than the second fraction on the other.
_UTF16_ZERO_SIDE = 0.7
_UTF16_TEXT_SIDE = 0.05
#: Accented lowercase letters of languages written in legacy Latin code pages (see
#: :func:`_alphabet_fit`): French, German, Spanish/Catalan, Portuguese, Italian, Dutch, Nordic,
#: Hungarian, Polish, Czech/Slovak, Romanian, Croatian/Slovenian, Turkish, Baltic.
_ALPHABETS: tuple[frozenset[str], ...] = tuple(
    frozenset(letters)
    for letters in (
        "àâæçéèêëîïôœùûüÿ",
        "äöüß",
        "áéíñóúüàçèïò",
        "áâãàçéêíóôõú",
        "àèéìíîòóùú",
        "áéíóúàèëïöüĳ",
        "åäöæøéüáíóúýþð",
        "áéíóöőúüű",
        "ąćęłńóśźż",
        "áčďéěíňóřšťúůýžäĺľŕô",
        "ăâîșțşţ",
        "čćđšž",
        "çğıöşü",
        "ąčęėįšųūžāēģīķļņõäöü",
    )
)
#: Byte-order marks, longest first (the UTF-32 LE mark starts with the UTF-16 LE one).
_BOMS: tuple[tuple[bytes, str, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32-le", "UTF-32"),
    (codecs.BOM_UTF32_BE, "utf-32-be", "UTF-32"),
    (codecs.BOM_UTF8, "utf-8", "UTF-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le", "UTF-16"),
    (codecs.BOM_UTF16_BE, "utf-16-be", "UTF-16"),
)
_HTML_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9._:-]+)""", re.I)
#: Control and replacement characters, whose share of decoded text marks a binary file.
_BINARY_CHARS = re.compile("[\x00-\x08\x0e-\x1f\x7f-\x9f\ufffd]")
#: Bytes that are not valid UTF-8, as ``errors="surrogateescape"`` decodes them.
_ESCAPED_BYTES = re.compile("[\udc80-\udcff]")
_HIGH_BYTES = re.compile(rb"[\x80-\xff]")
#: Text is read as UTF-8 with a few bad bytes when at least this many bytes take part in valid
#: multi-byte UTF-8 characters per invalid byte. Legacy 8-bit text (Latin-1, windows-1251)
#: almost never forms valid UTF-8 sequences, so most of its high bytes are invalid.
_UTF8_EVIDENCE = 4


@dataclass
class Decoded:
    """Decoded, normalised file text plus warnings met on the way."""

    text: str
    warnings: list[str] = field(default_factory=list)


def decode(data: bytes, *, html: bool = False) -> Decoded:
    """Bytes -> normalised text (NFC, LF newlines, no control characters) and warnings."""
    warnings: list[str] = []
    text = _decode_bytes(data, warnings, html=html)
    if text and len(_BINARY_CHARS.findall(text)) / len(text) > _BINARY_RATIO:
        raise Unreadable("looks like a binary file")
    cleaned, dropped = clean(text)
    if dropped:
        warnings.append(nul_warning("file", dropped))
    return Decoded(cleaned, warnings)


def _decode_bytes(data: bytes, warnings: list[str], *, html: bool) -> str:
    """Pick the encoding: BOM, UTF-16 without BOM, UTF-8, ``<meta charset>``, then a guess."""
    for bom, encoding, label in _BOMS:
        if data.startswith(bom):
            text = data[len(bom) :].decode(encoding, errors="replace")
            if "\ufffd" in text:
                warnings.append(f"some bytes were not valid {label} and were replaced")
            return text
    # Before UTF-8: mostly-ASCII UTF-16 is also valid UTF-8 (with a NUL in every other byte).
    utf16 = _sniff_utf16(data) if 0 in data else None
    if utf16 is not None:
        return _warn_guess(data.decode(utf16), f"{utf16.upper()} without byte-order mark", warnings)
    try:
        return data.decode("utf-8")  # NUL-heavy UTF-8 is judged as binary by the caller
    except UnicodeDecodeError:
        pass
    if data.count(0) / len(data) > _BINARY_RATIO:
        raise Unreadable("looks like a binary file")
    text = _mostly_utf8(data, warnings)
    if text is not None:
        return text
    if html:
        declared = _declared_html_charset(data)
        if declared is not None:
            try:
                return data.decode(declared)
            except UnicodeDecodeError:
                pass
    return _guess_encoding(data, warnings)


def _mostly_utf8(data: bytes, warnings: list[str]) -> str | None:
    """UTF-8 text with a few invalid bytes, each replaced by U+FFFD; None when not UTF-8."""
    escaped = data.decode("utf-8", errors="surrogateescape")
    text, bad = _ESCAPED_BYTES.subn("\ufffd", escaped)
    valid = len(_HIGH_BYTES.findall(data)) - bad
    if not bad or valid < _UTF8_EVIDENCE * bad:
        return None
    were = "byte was" if bad == 1 else "bytes were"
    warnings.append(f"{bad} {were} not valid UTF-8; replaced with U+FFFD")
    return text


def _sniff_utf16(data: bytes) -> str | None:
    """``utf-16-le``/``-be`` when NULs sit in every other byte as in mostly-Latin UTF-16."""
    if len(data) < 2 or len(data) % 2:
        return None
    even, odd = data[0::2], data[1::2]
    for zeros, other, encoding in ((odd, even, "utf-16-le"), (even, odd, "utf-16-be")):
        if (
            zeros.count(0) / len(zeros) > _UTF16_ZERO_SIDE
            and other.count(0) / len(other) < _UTF16_TEXT_SIDE
        ):
            try:
                data.decode(encoding)
            except UnicodeDecodeError:
                return None
            return encoding
    return None


#: Python's names of the encodings web pages and feeds are written in (WHATWG's list, as
#: far as Python has them). A label naming any other codec is ignored: Python also decodes
#: "punycode" (quadratic: a 10 MB body takes hours), "zlib_codec", "rot13" and more.
_TEXT_ENCODINGS = frozenset(
    {"utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-16-be", "utf-32", "ascii", "iso8859-1"}
    | {f"iso8859-{n}" for n in (2, 3, 4, 5, 6, 7, 8, 10, 13, 14, 15, 16)}
    | {f"cp{n}" for n in (866, 874, 932, 949, *range(1250, 1259))}
    | {"koi8-r", "koi8-u", "mac-roman", "mac-cyrillic", "tis-620"}
    | {"gbk", "gb2312", "gb18030", "big5", "big5hkscs", "euc_jp", "iso2022_jp", "shift_jis"}
    | {"euc_kr"}
)


def text_encoding(label: str | bytes) -> str | None:
    """Python's codec for a charset label a page or server gives, when it is an encoding web
    text is written in; else None."""
    try:
        text = label.decode("ascii") if isinstance(label, bytes) else label
        name = codecs.lookup(text.strip()).name
    except (LookupError, UnicodeDecodeError, ValueError):
        return None
    return name if name in _TEXT_ENCODINGS else None


def _declared_html_charset(data: bytes) -> str | None:
    """The codec a page's ``<meta charset>`` names, if it is one web text is written in."""
    match = _HTML_CHARSET.search(data[:4096])
    if match is None:
        return None
    name = text_encoding(match.group(1))
    if name is None:
        return None
    # Browsers read pages labelled Latin-1 or ASCII as windows-1252 (WHATWG Encoding).
    return "cp1252" if name in {"latin-1", "iso8859-1", "ascii"} else name


def _guess_encoding(data: bytes, warnings: list[str]) -> str:
    """Decode with charset-normalizer's best guess, recording which encoding it was."""
    matches = list(from_bytes(data, cp_exclusion=sorted(_UNLIKELY_CODEPAGES)))
    if not matches:
        raise Unreadable("looks like a binary file (no text encoding fits)")
    best = matches[0]
    # charset-normalizer often cannot tell the Latin code pages apart in short text (it reads
    # French cp1252 "crème" as cp1250 "crčme"): among its equally scored candidates, take the
    # one whose accented letters all belong to one language, preferring windows-1252.
    tied = [m for m in matches if (m.chaos, m.coherence) == (best.chaos, best.coherence)]
    if len(tied) > 1:
        best = max(tied, key=lambda m: (_alphabet_fit(str(m)), m.encoding == "cp1252"))
    encoding = best.encoding
    # Text often decodes identically in several code pages; name the common one then.
    if "cp1252" in best.could_be_from_charset:
        encoding = "cp1252"
    return _warn_guess(str(best), _encoding_label(encoding), warnings)


def _alphabet_fit(text: str) -> float:
    """Largest share of the accented letters in ``text`` that one language's alphabet holds.

    A wrong Latin code page mixes letters of different languages ("brűlée", "crčme"), so the
    right decoding scores higher. Text without accented Latin letters scores 0.
    """
    letters = [ch for ch in text.lower() if ord(ch) > 0x7F and ch.isalpha()]
    if not letters:
        return 0.0
    return max(sum(ch in alphabet for ch in letters) for alphabet in _ALPHABETS) / len(letters)


def _warn_guess(text: str, label: str, warnings: list[str]) -> str:
    warnings.append(f"decoded as {label} (guessed)")
    return text


def _encoding_label(encoding: str) -> str:
    """Python codec name -> the name users know (``cp1252`` -> ``windows-1252``)."""
    match = re.fullmatch(r"cp(125\d)", encoding)
    if match:
        return f"windows-{match.group(1)}"
    if encoding in {"latin_1", "iso8859_1"}:
        return "ISO-8859-1"
    return encoding.replace("_", "-").upper() if encoding.startswith("iso") else encoding
