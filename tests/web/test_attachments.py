"""Attachments on requests (per round) and visits (issue 11): type checked by content, size
limited, stored by SHA-256, served as downloads with nosniff, visible exactly to those who see
the record; the printed form and the approver's e-mail list them."""

from __future__ import annotations

import io
import zipfile
from datetime import date
from types import SimpleNamespace

import pytest
import sqlalchemy as sa

from tests.helpers import text
from webapp.accounts.models import Visit, VisitKind
from webapp.approvals import service
from webapp.approvals.documents import document_context
from webapp.approvals.models import RequestType
from webapp.attachments.models import Attachment
from webapp.extensions import db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
EXE = b"MZ\x90\x00\x03" + b"\x00" * 200
HTML = b"<!doctype html><html><script>alert(1)</script></html>"


def png() -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (4, 4), "red").save(out, "PNG")
    return out.getvalue()


def docx() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return out.getvalue()


def upload(client, target, record_id, name, data, headers=None):
    return client.post(
        f"/attachments/{target}/{record_id}",
        data={"file": (io.BytesIO(data), name)},
        content_type="multipart/form-data",
        headers=headers or {},
    )


def count() -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(Attachment))


@pytest.fixture
def filed(app, world):
    with app.test_request_context():
        return service.file_request(
            world.owner,
            world.account.id,
            RequestType.CREDIT,
            {"proposed_grade": "green", "proposed_limit": "900000", "basis": "b", "content": "c"},
        )


def test_the_applicant_attaches_a_pdf_the_approver_downloads_it(app, world, login, filed, hx):
    owner = login(world.owner)
    response = upload(owner, "request", filed.id, "回款凭证.pdf", PDF, hx)
    assert response.status_code == 200 and "回款凭证.pdf" in text(response)
    row = db.session.scalar(sa.select(Attachment))
    assert (row.extension, row.mime, row.round, row.size) == ("pdf", "application/pdf", 1, len(PDF))
    supervisor = login(world.supervisor)
    page = text(supervisor.get(f"/approvals/{filed.id}"))
    assert "回款凭证.pdf" in page and "File attached" in page  # the panel and the trail
    got = supervisor.get(f"/attachments/{row.id}")
    assert got.data == PDF
    assert got.headers["Content-Disposition"].startswith("attachment")
    assert got.headers["X-Content-Type-Options"] == "nosniff"
    assert got.headers["Content-Type"] == "application/pdf"
    from webapp.notifications.approvals import _facts

    with app.test_request_context():
        facts = dict(_facts(filed))
    assert any("回款凭证.pdf" in value for value in facts.values())  # the e-mail lists it


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("报价单.pdf", EXE, "content is none of them"),  # an executable renamed .pdf
        ("照片.png", HTML, "content is none of them"),  # HTML renamed .png
        ("报价单.pdf", None, "content is PNG"),  # a PNG named .pdf
        ("空.pdf", b"", "The file is empty."),
    ],
)
def test_a_file_whose_content_does_not_match_is_refused_and_nothing_stored(
    app, world, login, filed, hx, name, data, message
):
    response = upload(
        login(world.owner), "request", filed.id, name, png() if data is None else data, hx
    )
    assert response.status_code == 422
    assert message in text(response)
    assert count() == 0
    assert [e.action for e in service.events(filed)] == ["file"]


def test_a_file_over_the_size_limit_is_refused(app, world, login, filed):
    app.config["ATTACHMENT_MAX_BYTES"] = 1024
    client = login(world.owner)
    response = upload(client, "request", filed.id, "big.pdf", PDF + b"0" * 2000)
    assert response.status_code == 303
    assert "larger than" in text(client.get(response.headers["Location"]))
    assert count() == 0


def test_nobody_outside_the_record_adds_or_reads_files(app, world, login, filed):
    upload(login(world.owner), "request", filed.id, "a.pdf", PDF)
    row = db.session.scalar(sa.select(Attachment))
    outsider = login(world.other_manager)
    assert upload(outsider, "request", filed.id, "b.pdf", PDF).status_code == 404
    assert outsider.get(f"/attachments/{row.id}").status_code == 404
    assert outsider.get(f"/attachments/{row.id}/preview").status_code == 404
    assert count() == 1
    # the custodian sees the account but has no part in the request: reads, cannot add
    custodian = login(world.custodian)
    assert custodian.get(f"/attachments/{row.id}").status_code == 200
    refused = upload(custodian, "request", filed.id, "c.pdf", PDF)
    assert refused.status_code == 303 and count() == 1


def test_files_added_after_a_return_belong_to_the_resubmission(app, world, login, filed):
    with app.test_request_context():
        service.decide(
            world.supervisor, filed.id, filed.steps[0].id, "return", "请补充近三个月回款凭证"
        )
    owner = login(world.owner)
    upload(owner, "request", filed.id, "凭证.docx", docx())
    assert db.session.scalar(sa.select(Attachment.round)) == 2
    attached = [e for e in service.events(filed) if e.action == "attach"]
    assert [(e.round, e.comment) for e in attached] == [(2, "凭证.docx")]  # in the trail
    page = text(owner.get(f"/approvals/{filed.id}"))
    assert "凭证.docx" in page and "round 2" in page
    with app.test_request_context():
        context = document_context(filed)
    assert context["attachments"][0]["name"] == "凭证.docx"
    upload(owner, "request", filed.id, "A&B <续>.pdf", PDF)
    with app.test_request_context():
        from webapp.documents.service import build_document

        context = {**document_context(filed), "document": SimpleNamespace(version=None)}
        printed = repr(build_document("request", context))
    assert "凭证.docx" in printed and "A&B <续>.pdf" in printed  # the printed form lists them


def test_a_visit_carries_a_photo_with_an_inline_preview(app, world, login):
    visit = Visit(
        account_id=world.account.id,
        user_id=world.owner.id,
        kind=VisitKind.VISIT,
        visited_on=date(2026, 12, 1),
        summary="拜访设备部",
    )
    db.session.add(visit)
    db.session.commit()
    owner = login(world.owner)
    tab = text(owner.get(f"/accounts/{world.account.id}/activities", headers={"HX-Request": "1"}))
    assert f"/visits/{visit.id}/attachments" in tab
    assert upload(owner, "visit", visit.id, "现场.png", png()).status_code == 303
    row = db.session.scalar(sa.select(Attachment))
    panel = text(owner.get(f"/visits/{visit.id}/attachments", headers={"HX-Request": "1"}))
    assert "现场.png" in panel and f"/attachments/{row.id}/preview" in panel
    shown = owner.get(f"/attachments/{row.id}/preview")
    assert shown.headers["Content-Type"] == "image/png"
    assert shown.headers["Content-Disposition"].startswith("inline")
    assert shown.headers["X-Content-Type-Options"] == "nosniff"
    assert login(world.other_manager).get(f"/visits/{visit.id}/attachments").status_code == 404
    assert upload(login(world.other_manager), "visit", visit.id, "x.png", png()).status_code == 404


def jpeg() -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (4, 4), "blue").save(out, "JPEG")
    return out.getvalue()


@pytest.mark.parametrize(
    ("name", "make", "accepted"),
    [
        ("合同.docx", docx, "docx"),
        ("照片.JPEG", jpeg, "jpg"),
        ("照片.jpg", jpeg, "jpg"),
        ("表格.xlsx", docx, None),  # a Word file named as a spreadsheet
        ("照片.png", jpeg, None),
        ("无扩展名", png, None),
    ],
)
def test_the_type_is_read_from_the_content_and_must_agree_with_the_name(name, make, accepted):
    from webapp.attachments.service import check_file
    from webapp.common.errors import ValidationFailed

    if accepted:
        assert check_file(name, make(), 1024 * 1024).extension == accepted
    else:
        with pytest.raises(ValidationFailed):
            check_file(name, make(), 1024 * 1024)
