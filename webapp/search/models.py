"""The search index: one row per term a record is found by (`terms.py` says which)."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from webapp.extensions import db
from webapp.search.terms import TERM_LENGTH

# Byte order on PostgreSQL too, so `term >= q AND term < q || U+10FFFF` is a prefix range
# whatever the database's locale (SQLite compares text bytewise already).
TermText = sa.String(TERM_LENGTH).with_variant(sa.String(TERM_LENGTH, collation="C"), "postgresql")


class SearchTerm(db.Model):
    """`kind` ("account", "contact", "contract", "request", "proposal") and `record_id` name
    the record; no foreign key, so a term left behind by a delete the index did not see finds
    nothing (the search joins the record's own table) and `flask search reindex` removes it."""

    __tablename__ = "search_terms"
    __table_args__ = (
        sa.Index("ix_search_terms_record", "kind", "record_id"),
        {"sqlite_with_rowid": False},
    )

    kind: Mapped[str] = mapped_column(sa.String(12), primary_key=True)
    term: Mapped[str] = mapped_column(TermText, primary_key=True)
    record_id: Mapped[int] = mapped_column(primary_key=True)
