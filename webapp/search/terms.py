"""The strings the global search finds a record by, as index terms.

A query matches a record when it is a substring of one of the record's texts. The index holds,
for each text, its suffixes (lower-case, at most `TERM_LENGTH` characters), so "is a substring"
becomes "is a prefix of a term": an indexed range scan (`term >= q AND term < q + U+10FFFF`) on
any database. A query is at most `service.MAX_QUERY` characters, so truncating terms to that
length loses nothing.

Per record:
- names as written (Chinese, or Latin lower-cased): every suffix ("华东集团" → 华东集团, 东集团,
  集团, 团);
- full pinyin of each name from every syllable ("huadongjituan", "dongjituan", "jituan", "tuan"):
  `dongji` finds 华东集团, the meaningless `uadong` does not;
- pinyin initials (`hdjt`, `djt`, …), the tax number (USCC, lower-case letters and digits), phone
  digits (separators dropped, so `0215555` finds "021-5555"), e-mail, and the numbers and
  titles of contracts, requests and proposals as written: every suffix.
A term that starts another term of the same record adds nothing and is left out.
"""

from __future__ import annotations

from collections.abc import Iterable

from pypinyin import Style, lazy_pinyin

TERM_LENGTH = 60  # = service.MAX_QUERY: a longer term could only match a longer query
MIN_KEY = 2


def _suffixes(text: str) -> list[str]:
    return [text[i : i + TERM_LENGTH] for i in range(len(text))]


def _syllables(text: str) -> list[str]:
    parts = lazy_pinyin(text, style=Style.NORMAL, errors="default", strict=False)
    return [p.lower() for piece in parts for p in piece.split() if p.strip() and p.isalnum()]


def text_terms(text: str | None) -> list[str]:
    """Every suffix of the text as written, lower-case, spaces collapsed."""
    cleaned = " ".join((text or "").lower().split())
    return _suffixes(cleaned)


def pinyin_terms(text: str | None) -> list[str]:
    """Full pinyin from each syllable on, and every suffix of the initials (a run of Latin
    letters or digits in the text stays whole, as in `common.pinyin`)."""
    if not text:
        return []
    syllables = [s.lower() for s in _syllables(text)]
    if not syllables:
        return []
    lowered = text.lower()
    full = ["".join(syllables[i:])[:TERM_LENGTH] for i in range(len(syllables))]
    initials = "".join(s if s in lowered else s[0] for s in syllables)
    return full + _suffixes(initials)


def code_terms(text: str | None) -> list[str]:
    """Letters and digits only (a tax number, a phone), lower-case: every suffix."""
    return _suffixes("".join(ch for ch in (text or "").lower() if ch.isascii() and ch.isalnum()))


def digit_terms(text: str | None) -> list[str]:
    return _suffixes("".join(ch for ch in text or "" if ch.isascii() and ch.isdigit()))


def distinct(terms: Iterable[str]) -> list[str]:
    """The terms without duplicates and without those that start a longer one."""
    ordered = sorted(set(t for t in terms if t), reverse=True)
    kept: list[str] = []
    for term in ordered:
        # in descending order a longer term starting with `term` comes right before it
        if not (kept and kept[-1].startswith(term)):
            kept.append(term)
    return kept


def account_terms(name, short_name, tax_number, phone) -> list[str]:
    return distinct(
        [
            *text_terms(name),
            *text_terms(short_name),
            *pinyin_terms(name),
            *pinyin_terms(short_name),
            *code_terms(tax_number),
            *digit_terms(phone),
        ]
    )


def contact_terms(name, phone, email) -> list[str]:
    return distinct(
        [*text_terms(name), *pinyin_terms(name), *digit_terms(phone), *text_terms(email)]
    )


def record_terms(*texts) -> list[str]:
    """A contract's, a request's or a proposal's number and title, as written."""
    return distinct([term for text in texts for term in text_terms(text)])


def query_terms(text: str) -> list[str]:
    """What a cleaned query is looked up as: the text lower-case; for a query in Latin letters
    and digits also its letters and digits alone (`hd jt` → `hdjt`, `021-5555` → `0215555`);
    nothing for a Latin query of fewer than MIN_KEY letters and digits (one letter matches
    nearly everything)."""
    lowered = text.lower()
    if not text.isascii():
        return [lowered]
    key = "".join(ch for ch in lowered if ch.isalnum())
    if len(key) < MIN_KEY:
        return []
    return [lowered] if key == lowered else [lowered, key]
