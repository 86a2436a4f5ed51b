"""The document model: what a generated document says, independent of PDF or DOCX.

A document type's Jinja template (under docs_templates/) produces this model (see
`webapp.documents.markup` for the XML the templates write); `pdf.render_pdf` and
`docx.render_docx` each turn the same model into a file, so both formats carry the same text.

Text in the model is plain text: never HTML, never Word markup. Line breaks inside a text are
kept as line breaks; everything else is shown literally (a name like "<script>" stays that).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

Align = Literal["left", "right", "center"]

# Han ideographs and the CJK punctuation around them: the characters a title's letter spacing
# spreads (Latin letters and digits keep their natural spacing).
_CJK = re.compile("[\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef\U00020000-\U0003ffff]+")
# CJK Unified Ideographs Extension B–G (and the compatibility supplement): faces for the basic
# plane lack them; the renderers name a fallback face (fonts.EXTENSION_FACE) for these.
_EXTENSION = re.compile("[\U00020000-\U0003ffff]+")

# Body text 9 pt in table cells, the cell padding; text_width_mm's widths are Noto Serif CJK
# SC's (digits 0.56 em, comma and point 0.33, m and × 1.0, CJK 1.0), rounded up.
TABLE_FONT_PT = 9.0
CELL_PADDING_MM = 2.6
_PT_MM = 25.4 / 72
MIN_TEXT_COLUMN_MM = 14.0
# A run a line never breaks inside: Latin letters, digits and their punctuation (no CJK, no space)
_TOKEN = re.compile("[^\\s\u2e80-\u9fff\uf900-\uffef\U00020000-\U0003ffff]+")


def split_runs(text: str, pattern: re.Pattern = _CJK) -> list[tuple[str, bool]]:
    """`text` cut into (piece, matches) pieces: e.g. CJK and non-CJK stretches of a title."""
    pieces: list[tuple[str, bool]] = []
    position = 0
    for match in pattern.finditer(text):
        if match.start() > position:
            pieces.append((text[position : match.start()], False))
        pieces.append((match.group(), True))
        position = match.end()
    if position < len(text):
        pieces.append((text[position:], False))
    return pieces


def extension_runs(text: str) -> list[tuple[str, bool]]:
    """`text` cut into stretches of Extension B–G ideographs and the rest."""
    return split_runs(text, _EXTENSION)


def text_width_mm(text: str, font_pt: float = TABLE_FONT_PT) -> float:
    """The printed width of a one-line text (an estimate on the generous side)."""
    em = 0.0
    for char in text:
        if char in ",.:;'()/":
            em += 0.36
        elif char.isdigit() or char in "-+¥":
            em += 0.6
        elif char in "mwMW%×÷" or ord(char) >= 0x2E80:
            em += 1.0
        elif char.isupper():
            em += 0.8
        else:
            em += 0.64
    return em * font_pt * _PT_MM


@dataclass(frozen=True)
class Cover:
    """A title page: big title, optional subtitle, lines below (client, date…), optional
    image (a logo); a page break follows it."""

    title: str
    subtitle: str = ""
    lines: tuple[str, ...] = ()
    image: Image | None = None


@dataclass(frozen=True)
class Heading:
    """A heading; level 1 is a chapter (Word "Heading 1"), level 2 a section, level 3 below."""

    text: str
    level: int = 1


@dataclass(frozen=True)
class Clause:
    """A numbered clause paragraph, e.g. number "3.1" and its text. The number is part of the
    text in both formats (Word style "Clause" with a hanging indent), so copying keeps it."""

    number: str
    text: str


@dataclass(frozen=True)
class Paragraph:
    text: str
    align: Align = "left"
    bold: bool = False
    small: bool = False


@dataclass(frozen=True)
class Table:
    """A table whose header row repeats on every page. `widths` are relative column widths
    (any positive numbers; they are scaled to the text width); `align` per column;
    `footer` rows (totals) are printed bold after the body rows."""

    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    widths: tuple[float, ...] = ()
    align: tuple[Align, ...] = ()
    footer: tuple[tuple[str, ...], ...] = ()

    def __post_init__(self) -> None:
        columns = len(self.header)
        for row in (*self.rows, *self.footer):
            if len(row) != columns:
                raise ValueError(f"a table row has {len(row)} cells, the header {columns}")
        if self.widths and len(self.widths) != columns:
            raise ValueError(f"{len(self.widths)} column widths for {columns} columns")
        if self.align and len(self.align) != columns:
            raise ValueError(f"{len(self.align)} column alignments for {columns} columns")

    def relative_widths(self) -> tuple[float, ...]:
        widths = self.widths or tuple(1.0 for _ in self.header)
        total = sum(widths)
        return tuple(w / total for w in widths)

    def alignment(self, column: int) -> Align:
        return self.align[column] if self.align else "left"

    def numeric(self, column: int) -> bool:
        """A right-aligned column holds amounts or quantities: its cells never wrap."""
        return self.alignment(column) == "right"

    def widths_mm(self, total_mm: float) -> tuple[float, ...]:
        """Column widths for a table `total_mm` wide: the template's proportions, but every
        numeric column at least as wide as its longest value (so "14,610,000.00" never breaks
        over two lines) and every text column as wide as its longest unbreakable token (a
        model number such as 2.2mm×1250mm×C) where the other columns have room to give: they
        give it in proportion to what they have above their own floor."""
        widths = [w * total_mm for w in self.relative_widths()]
        rows = (*self.rows, *self.footer)
        needed = [self._needed_mm(i, rows) for i in range(len(widths))]
        deficit = sum(max(0.0, n - w) for n, w in zip(needed, widths, strict=True))
        if deficit <= 0:
            return tuple(widths)
        floors = [
            max(n, 0.0 if self.numeric(i) else MIN_TEXT_COLUMN_MM) for i, n in enumerate(needed)
        ]
        donors = [i for i, w in enumerate(widths) if w > floors[i]]
        spare = sum(widths[i] - floors[i] for i in donors)
        take = min(deficit, spare)
        if take <= 0:
            return tuple(widths)
        share = take / deficit
        out = list(widths)
        for i, (n, w) in enumerate(zip(needed, widths, strict=True)):
            if n > w:
                out[i] = w + (n - w) * share
        for i in donors:
            out[i] = widths[i] - take * (widths[i] - floors[i]) / spare
        return tuple(out)

    def _needed_mm(self, column: int, rows) -> float:
        """The narrowest the column may be: a numeric column its longest cell, a text column
        its longest token (0 when the column is empty)."""
        longest = 0.0
        for row in rows:
            pieces = [row[column]] if self.numeric(column) else _TOKEN.findall(row[column])
            for piece in pieces:
                longest = max(longest, text_width_mm(piece) * 1.04)
        return longest + CELL_PADDING_MM if longest else 0.0


@dataclass(frozen=True)
class KeyValues:
    """Label–value pairs, e.g. a party's identification block; `columns` pairs side by side."""

    items: tuple[tuple[str, str], ...]
    columns: int = 1
    title: str = ""


# The room a party leaves for its seal: a 合同专用章 is a circle of about 40 mm.
SEAL_MM = 40.0
# The ruled line a person signs on, and the label column before it.
SIGN_LINE_MM = 45.0


@dataclass(frozen=True)
class SignatureLine:
    """A line of a signature block. `sign`: a ruled line to sign on, with `value` (the
    person's name) printed small below it; otherwise "label：value" (e.g. the date)."""

    label: str
    value: str = ""
    sign: bool = False


@dataclass(frozen=True)
class SignatureParty:
    """One party of the signature block: title (甲方（盖章）), the room for the seal below it,
    and the lines to sign on. `lines` may be given as (label, value) pairs."""

    title: str
    lines: tuple[SignatureLine, ...] = ()

    def __post_init__(self) -> None:
        lines = tuple(
            line if isinstance(line, SignatureLine) else SignatureLine(*line) for line in self.lines
        )
        object.__setattr__(self, "lines", lines)


@dataclass(frozen=True)
class SignatureBlock:
    """Both parties side by side with room for signature and seal; never split over pages and
    kept on one page with the block before it (so a signature page never stands alone).
    `closing` (e.g. （以下无正文）) is printed just above it."""

    parties: tuple[SignatureParty, ...]
    closing: str = ""


@dataclass(frozen=True)
class Image:
    """A PNG or JPEG (e.g. a chart) shown `width_mm` wide; height follows the aspect ratio.
    `keep_with_next`: on the same page as the start of the block after it (a chart above
    its table)."""

    data: bytes
    width_mm: float = 150.0
    caption: str = ""
    keep_with_next: bool = False

    @property
    def mime(self) -> str:
        if self.data.startswith(b"\x89PNG\r\n\x1a\n"):
            return "image/png"
        if self.data.startswith(b"\xff\xd8\xff"):
            return "image/jpeg"
        raise ValueError("an image must be a PNG or a JPEG")


@dataclass(frozen=True)
class PageBreak:
    pass


Block = (
    Cover | Heading | Clause | Paragraph | Table | KeyValues | SignatureBlock | Image | PageBreak
)


@dataclass(frozen=True)
class Attachment:
    """A file embedded in an archived PDF (PDF/A-3b associated file), e.g. the contract's data
    as JSON, so another system reads the archive without OCR. `relationship` is the PDF's
    AFRelationship: Data (the document's data), Source, Supplement…"""

    name: str
    data: bytes
    mime: str = "application/json"
    description: str = ""
    relationship: str = "Data"


@dataclass(frozen=True)
class Document:
    """A whole document. `footer` is printed at the bottom left of every page (e.g. the
    contract number and document version) next to "第 X 页 共 Y 页"; `watermark` (e.g. 草稿)
    is printed across every page when set."""

    title: str
    blocks: tuple[Block, ...]
    footer: str = ""
    watermark: str = ""
    subject: str = ""
    author: str = ""
    lang: str = "zh-CN"
    meta: dict[str, str] = field(default_factory=dict, compare=False)
    # when this edition was generated: the PDF's and the DOCX's creation and modification date
    created_at: datetime | None = None
    attachments: tuple[Attachment, ...] = ()

    @property
    def has_cover(self) -> bool:
        """A document that begins with a cover shows its title there, not above the text."""
        return bool(self.blocks) and isinstance(self.blocks[0], Cover)

    def texts(self) -> list[str]:
        """Every text the document shows, in reading order (for parity checks and search);
        the footer and watermark are page furniture and not included."""
        out: list[str] = [] if self.has_cover else [self.title]
        for block in self.blocks:
            out.extend(block_texts(block))
        return [t for t in out if t]


def block_texts(block: Block) -> list[str]:
    match block:
        case Cover():
            texts = [block.title, block.subtitle, *block.lines]
            if block.image is not None:
                texts.append(block.image.caption)
            return texts
        case Heading() | Paragraph():
            return [block.text]
        case Clause():
            return [block.number, block.text]
        case Table():
            return [cell for row in (block.header, *block.rows, *block.footer) for cell in row]
        case KeyValues():
            return [block.title, *(t for pair in block.items for t in pair)]
        case SignatureBlock():
            return [block.closing] + [
                t
                for party in block.parties
                for t in (party.title, *(x for ln in party.lines for x in (ln.label, ln.value)))
            ]
        case Image():
            return [block.caption]
        case _:
            return []
