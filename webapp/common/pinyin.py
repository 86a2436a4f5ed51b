"""Search keys in pinyin, so `hdjt` or `huadong` finds 华东集团 (pypinyin, its phrase
dictionary picks the reading of polyphonic characters: 重庆 → chongqing).

A key holds, for each text, the full pinyin and the initials, lower-case, without spaces:
"华东集团" → "huadongjituan hdjt". Letters and digits in the text stay as they are (lower-case),
so "ABC华东" → "abchuadong abchd". Records keep their key in a column, refreshed whenever the
texts change (the models' `validates` hooks), and searched with a plain LIKE.

pypinyin is imported when a key is first computed, not with the account models: loading its
dictionaries takes a tenth of a second that a process which never saves a name (a one-off
`flask render`, issue 17) would pay for nothing."""

from __future__ import annotations

KEY_LENGTH = 1000


def _syllables(text: str) -> list[str]:
    from pypinyin import Style, lazy_pinyin

    parts = lazy_pinyin(text, style=Style.NORMAL, errors="default", strict=False)
    return [p.lower() for piece in parts for p in piece.split() if p.strip()]


def pinyin_key(*texts: str | None) -> str:
    """The search key of one record's texts (name, short name, …)."""
    words: list[str] = []
    for text in texts:
        if not text:
            continue
        syllables = [s for s in _syllables(text) if s.isalnum()]
        if not syllables:
            continue
        full = "".join(syllables)
        # a run of letters or digits the text already holds stays whole ("ABC" → "abc")
        initials = "".join(s if s in text.lower() else s[0] for s in syllables)
        words += [full, initials]
    return " ".join(dict.fromkeys(words))[:KEY_LENGTH]


def query_key(text: str) -> str:
    """What a typed query is compared with: lower-case letters and digits, no spaces."""
    return "".join(ch for ch in text.lower() if ch.isascii() and ch.isalnum())
