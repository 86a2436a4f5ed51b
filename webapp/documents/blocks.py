"""The document model: what a generated document says, independent of PDF or DOCX.

A document type's Jinja template (under docs_templates/) produces this model (see
`webapp.documents.markup` for the XML the templates write); `pdf.render_pdf` and
`docx.render_docx` each turn the same model into a file, so both formats carry the same text.

Text in the model is plain text: never HTML, never Word markup. Line breaks inside a text are
kept as line breaks; everything else is shown literally (a name like "<script>" stays that).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Align = Literal["left", "right", "center"]


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


@dataclass(frozen=True)
class KeyValues:
    """Label–value pairs, e.g. a party's identification block; `columns` pairs side by side."""

    items: tuple[tuple[str, str], ...]
    columns: int = 1
    title: str = ""


@dataclass(frozen=True)
class SignatureParty:
    """One party of the signature block: title (甲方（盖章）) and lines to sign on."""

    title: str
    lines: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class SignatureBlock:
    """Both parties side by side with room for signature and seal; never split over pages."""

    parties: tuple[SignatureParty, ...]


@dataclass(frozen=True)
class Image:
    """A PNG or JPEG (e.g. a chart) shown `width_mm` wide; height follows the aspect ratio."""

    data: bytes
    width_mm: float = 150.0
    caption: str = ""

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
            return [
                t
                for party in block.parties
                for t in (party.title, *(x for pair in party.lines for x in pair))
            ]
        case Image():
            return [block.caption]
        case _:
            return []
