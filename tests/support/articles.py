"""Article texts the tests share: the seed on disk, a long English article, short samples."""

from __future__ import annotations

from pathlib import Path

#: The first article of seeds/, a real news story longer than the tiny models' inputs.
SEED = Path(__file__).resolve().parents[2] / "seeds" / "000_e00430f6aadd4455.txt"
LONG_ARTICLE = " ".join(
    f"Officials in city number {i} said on Tuesday that the budget would rise again next year."
    for i in range(60)
)
HUNGARIAN = (
    "Orbán Viktor miniszterelnök Pekingbe látogatott, ahol Hszi Csin-ping kínai elnökkel "
    "találkozott. A két vezető a kétoldalú kapcsolatokról és az ukrajnai háborúról tárgyalt. "
    "A látogatás Moszkva és Kijev után következett."
)
ENGLISH = "Markets rallied on Monday in Budapest. Analysts expect the forint to keep gaining."
