"""What makes a generated document's bytes, besides its record: the render key.

A stored file is served again only for the same record version and the same render key
(`GeneratedDocument.render_key`), the SHA-256 of:

- the document type and its template version, the print CSS and the renderer version;
- the language documents are written in (zh_CN, whatever the reader's UI language) and the
  compiled message catalogue of that language (labels such as 客户类别 come from it: without
  it they come out in English, and such a file must never be served once it is compiled);
- the faces fontconfig gives for the document fonts (a new fonts package changes the bytes);
- what the document type adds (`DocumentType.render_inputs`, e.g. the proposal's branding).

`flask doctor` checks the catalogues (`check_catalogues`).
"""

from __future__ import annotations

import hashlib
from functools import lru_cache
from pathlib import Path

from flask_babel import get_babel, get_domain

from webapp.common.enums import forget_translations
from webapp.documents import fonts
from webapp.documents.markup import DOCS_TEMPLATES

DOCUMENT_LOCALE = "zh_CN"
# Bump when pdf.py, docx.py or wordml.py change what a file looks like.
RENDERER_VERSION = "2026.12-1"

_file_digests: dict[Path, tuple[int, int, str]] = {}  # path -> (mtime, size, sha256)
_last_digest: dict[str, str] = {}  # locale -> the digest seen last in this process


def catalogue_path(locale: str = DOCUMENT_LOCALE) -> Path | None:
    """The compiled catalogue (.mo) Babel uses for `locale` (zh_CN, else zh) in the app's
    translation folders, or None."""
    for name in dict.fromkeys((locale, locale.split("_")[0])):
        for folder in get_babel().translation_directories:
            path = Path(folder) / name / "LC_MESSAGES" / "messages.mo"
            if path.exists():
                return path
    return None


def catalogue_digest(locale: str = DOCUMENT_LOCALE) -> str:
    """SHA-256 of the compiled catalogue ("missing" without one). When it changed under the
    running process (compiled after start), Flask-Babel's cached translations are dropped so
    the next document is rendered with the new catalogue, not the old one."""
    path = catalogue_path(locale)
    digest = "missing"
    if path is not None:
        stat = path.stat()
        known = _file_digests.get(path)
        if known is not None and known[:2] == (stat.st_mtime_ns, stat.st_size):
            digest = known[2]
        else:
            digest = hashlib.sha256(path.read_bytes()).hexdigest()
            _file_digests[path] = (stat.st_mtime_ns, stat.st_size, digest)
    if _last_digest.get(locale, digest) != digest:
        get_domain().get_translations_cache(None).clear()
        forget_translations()  # the enum labels translated with the old one
    _last_digest[locale] = digest
    return digest


@lru_cache(maxsize=1)
def fonts_digest() -> str:
    """The files fontconfig gives for the document faces, with size and date (once per
    process: fontconfig does not change under a running server)."""
    parts = []
    for face in (fonts.SERIF, fonts.SANS, fonts.EXTENSION_FACE):
        found = fonts.fc_query(face)
        if found is None:
            return "no-fontconfig"
        path = Path(found[1])
        try:
            stat = path.stat()
            parts.append(f"{face}={path}:{stat.st_size}:{stat.st_mtime_ns}")
        except OSError:
            parts.append(f"{face}=?")
    return "|".join(parts)


@lru_cache(maxsize=8)
def _stylesheet_digest(extra: str | None) -> str:
    digest = hashlib.sha256()
    for name in ("base.css", "ua.css", extra):
        if name:
            digest.update((DOCS_TEMPLATES / name).read_bytes())
    return digest.hexdigest()


def render_key(doc_type, record) -> str:
    """The render key of `record`'s document of `doc_type` (see the module docstring)."""
    parts = (
        doc_type.kind,
        doc_type.template_version,
        _stylesheet_digest(doc_type.stylesheet),
        RENDERER_VERSION,
        DOCUMENT_LOCALE,
        catalogue_digest(DOCUMENT_LOCALE),
        fonts_digest(),
        str(doc_type.render_inputs(record)),
    )
    return hashlib.sha256("\n".join(parts).encode("utf-8")).hexdigest()


def check_catalogues() -> list[fonts.Check]:
    """Every translations/<locale>/LC_MESSAGES/messages.po compiled, and not older than its .po
    (documents take their labels from the zh_CN one)."""
    checks = []
    fix = "pybabel compile -d translations -f  (or: make translations)"
    for folder in get_babel().translation_directories:
        for po in sorted(Path(folder).glob("*/LC_MESSAGES/messages.po")):
            locale = po.parent.parent.name
            mo = po.with_suffix(".mo")
            name = f"catalogue {locale}"
            if not mo.exists():
                checks.append(fonts.Check(name, False, f"{mo} is not compiled", fix))
            elif mo.stat().st_mtime < po.stat().st_mtime:
                checks.append(fonts.Check(name, False, f"{mo} is older than {po.name}", fix))
            else:
                checks.append(fonts.Check(name, True, f"compiled ({mo})"))
    if not checks:
        checks.append(
            fonts.Check("catalogues", False, "no translations/*/LC_MESSAGES/*.po found", fix)
        )
    return checks


def catalogues_ready() -> tuple[bool, str]:
    """The readiness check `/readyz` runs: every catalogue compiled and current."""
    checks = check_catalogues()
    failed = [f"{c.name}: {c.detail}" for c in checks if not c.ok]
    return (not failed, "; ".join(failed) if failed else f"{len(checks)} compiled")
