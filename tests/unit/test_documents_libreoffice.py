"""A real word processor opens every DOCX (issue 17): LibreOffice Writer converts each document
type's DOCX to PDF, and the result is checked for what a user would see: the page number in
the right third of the footer, the page count within one of WeasyPrint's PDF, no Latin word
broken inside, each party block and the sign-off (last block, （以下无正文）, signatures) on one
page, the same text in the same order, and no page blank (nothing on it but the footer).

`make test` installs LibreOffice (libreoffice-writer-nogui, fonts-liberation2). All DOCX files
go through one soffice run with a profile of its own (about 10 s)."""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile

import pytest

from tests.unit import documents_world as dw
from tests.unit.documents_support import pdf_content, pdf_text, squeeze
from webapp.documents import blocks
from webapp.documents.docx import render_docx
from webapp.documents.pdf import render_pdf
from webapp.extensions import db

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
pytestmark = pytest.mark.skipif(
    SOFFICE is None,
    reason="LibreOffice Writer is missing: apt-get install libreoffice-writer-nogui",
)
VARIANTS = [(kind, "plain") for kind in dw.KINDS] + [
    ("request", "hostile"),
    ("evaluation", "hostile"),
    ("contract", "hostile"),
    ("monthly-report", "plain"),
]
# A one-page document that ends with a table, the picture above it 6…13 mm high: some of them
# end the table within a line of the page's bottom, where the paragraph Word needs after a
# table (air below it) has no room and went over to a page of its own.
TABLE_ENDS = [("table-end", f"{h}mm") for h in range(6, 14)]
MM = 72 / 25.4


def _png(width: int, height: int) -> bytes:
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (47, 109, 181)).save(buffer, "PNG")
    return buffer.getvalue()


def table_end(height_mm: int) -> dw.Rendered:
    document = blocks.Document(
        title="表格结尾",
        footer="表格结尾 · 页脚",
        blocks=(
            blocks.Image(_png(1500, height_mm * 10), width_mm=150),
            blocks.Table(
                header=("品名", "金额"),
                rows=tuple((f"冷轧钢板{i}", f"¥{i},000.00") for i in range(34)),
            ),
        ),
        created_at=dw.GENERATED,
    )
    return dw.Rendered("table-end", document, render_pdf(document), render_docx(document))


@pytest.fixture(scope="module")
def converted(tmp_path_factory):
    folder = tmp_path_factory.mktemp("libreoffice")
    items = {}
    with dw.demo_app(folder):
        for kind, variant in VARIANTS:
            make = dw.hostile_context if variant == "hostile" else dw.context_of
            items[kind, variant] = dw.render_kind(kind, make(kind))
            db.session.rollback()
    for kind, variant in TABLE_ENDS:
        items[kind, variant] = table_end(int(variant.removesuffix("mm")))
    paths = []
    for (kind, variant), item in items.items():
        path = folder / f"{kind}-{variant}.docx"
        path.write_bytes(item.docx)
        paths.append(str(path))
    subprocess.run(
        [
            SOFFICE,
            f"-env:UserInstallation=file://{folder}/profile",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(folder / "out"),
            *paths,
        ],
        capture_output=True,
        timeout=600,
        check=True,
    )
    return {
        key: (item, (folder / "out" / f"{key[0]}-{key[1]}.pdf").read_bytes())
        for key, item in items.items()
    }


def page_count(pdf: bytes) -> int:
    out = subprocess.run(["pdfinfo", "-"], input=pdf, capture_output=True, check=True).stdout
    return int(re.search(rb"Pages:\s+(\d+)", out).group(1))


def pages_text(pdf: bytes) -> list[str]:
    return [squeeze(page) for page in pdf_text(pdf, raw=True).split("\f")[:-1]]


def bbox_pages(pdf: bytes) -> list[tuple[float, float, list[tuple[float, float, float, str]]]]:
    """Per page: width, height and its words as (xMin, yMin, xMax, text)."""
    out = subprocess.run(
        ["pdftotext", "-bbox", "-", "-"], input=pdf, capture_output=True, check=True
    ).stdout.decode("utf-8")
    pages = []
    for page in re.finditer(r'<page width="([\d.]+)" height="([\d.]+)">(.*?)</page>', out, re.S):
        words = [
            (float(x0), float(y0), float(x1), text)
            for x0, y0, x1, text in re.findall(
                r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="[\d.]+">([^<]*)<',
                page.group(3),
            )
        ]
        pages.append((float(page.group(1)), float(page.group(2)), words))
    return pages


@pytest.mark.parametrize(("kind", "variant"), VARIANTS)
def test_page_number_sits_in_the_right_third_of_the_footer(converted, kind, variant):
    _item, office = converted[kind, variant]
    pages = bbox_pages(office)
    assert pages
    for number, (width, height, words) in enumerate(pages, start=1):
        footer = sorted((w for w in words if w[1] > height - 25 * MM), key=lambda w: w[0])
        text = "".join(w[3] for w in footer)
        assert re.search(rf"第{number}页共{len(pages)}页$", text), (number, text)
        # 第 X 页 共 Y 页 begins at the last 第 of the footer line (the text may have one too)
        start = max(i for i, w in enumerate(footer) if w[3].startswith("第"))
        assert footer[start][0] > width * 2 / 3, (number, footer[start:])


@pytest.mark.parametrize(("kind", "variant"), VARIANTS)
def test_page_count_is_within_one_of_the_pdf(converted, kind, variant):
    item, office = converted[kind, variant]
    assert abs(page_count(office) - page_count(item.pdf)) <= 1


@pytest.mark.parametrize(("kind", "variant"), VARIANTS)
def test_no_latin_word_is_broken(converted, kind, variant):
    item, office = converted[kind, variant]
    text = pdf_text(office)
    words = {w for t in item.document.texts() for w in re.findall(r"[A-Za-z]{4,}", t)}
    broken = sorted(w for w in words if w not in text)
    assert not broken, broken


def _on_one_page(pages: list[str], parts: list[str]) -> bool:
    parts = [squeeze(p) for p in parts if squeeze(p)]
    return any(all(part in page for part in parts) for page in pages)


@pytest.mark.parametrize(("kind", "variant"), VARIANTS)
def test_party_blocks_and_the_sign_off_each_stay_on_one_page(converted, kind, variant):
    item, office = converted[kind, variant]
    pages = pages_text(office)
    items = item.document.blocks
    for block in items:
        if isinstance(block, blocks.KeyValues) and block.title in ("供方", "需方"):
            parts = [block.title] + [f"{label}{value}" for label, value in block.items]
            assert _on_one_page(pages, parts), block.title
    for index, block in enumerate(items):
        if not isinstance(block, blocks.SignatureBlock):
            continue
        parts = [block.closing] + [p.title for p in block.parties]
        parts += [line.label for p in block.parties for line in p.lines]
        before = items[index - 1]
        if isinstance(before, blocks.KeyValues):
            parts.append("".join(before.items[-1]))
        elif isinstance(before, blocks.Clause | blocks.Paragraph):
            parts.append(before.text[-12:])
        assert _on_one_page(pages, parts), parts


@pytest.mark.parametrize(("kind", "variant"), VARIANTS)
def test_the_same_text_in_the_same_order(converted, kind, variant):
    item, office = converted[kind, variant]
    text = re.sub(
        "[\u200e\u200f\u202a-\u202e\u2066-\u2069]",
        "",
        pdf_content(office, item.document.footer, "", raw=True),
    )
    position = 0
    for value in item.document.texts():
        value = squeeze(value)
        if not value or re.search("[\u0590-\u08ff]", value):
            continue  # right-to-left text comes out of a PDF in visual order
        found = text.find(value, position)
        assert found >= 0, f"{value!r} missing or out of order"
        position = found + len(value)


def images_per_page(pdf: bytes) -> dict[int, int]:
    with tempfile.NamedTemporaryFile(suffix=".pdf") as file:
        file.write(pdf)
        file.flush()
        out = subprocess.run(
            ["pdfimages", "-list", file.name], capture_output=True, check=True
        ).stdout.decode("ascii")
    pages: dict[int, int] = {}
    for line in out.splitlines()[2:]:
        fields = line.split()
        if len(fields) > 2 and fields[2] == "image":
            pages[int(fields[0])] = pages.get(int(fields[0]), 0) + 1
    return pages


@pytest.mark.parametrize(("kind", "variant"), VARIANTS + TABLE_ENDS)
def test_no_page_is_blank(converted, kind, variant):
    """Every page of the word processor's layout shows some of the document above the footer
    (a last page with nothing but the footer is a DOCX that ends in a paragraph with no room)."""
    item, office = converted[kind, variant]
    pictures = images_per_page(office)
    for number, (_width, height, words) in enumerate(bbox_pages(office), start=1):
        above_footer = [w for w in words if w[1] < height - 25 * MM]
        assert above_footer or pictures.get(number), f"page {number} is blank"
