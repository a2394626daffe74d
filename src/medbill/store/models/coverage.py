"""Medicare coverage articles (CMS Medicare Coverage Database): which diagnoses support which services.

One release is one MCD download (``current_article.zip`` or ``all_article.zip``). An article version has
its own period (``effective_from``..``effective_to``, inclusive); the code lists hang off the version.
Articles are regional: ``coverage_article_contractor`` says which Medicare contractors (MACs, by their
contractor number, e.g. ``15202``) publish each version, and ``coverage_contractor`` lists every contractor
of the download, so a claim can be matched to its MAC.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import Boolean, Date, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from medbill.store.base import Base


class CoverageContractor(Base):
    """A Medicare contractor (MAC jurisdiction segment) of the download, by its contractor number."""

    __tablename__ = "coverage_contractor"

    release_id: Mapped[int] = mapped_column(ForeignKey("codeset_release.id", ondelete="CASCADE"),
                                            primary_key=True)
    contractor_number: Mapped[str] = mapped_column(String(10), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    contractor_type: Mapped[str | None] = mapped_column(String(60), nullable=True)


class CoverageArticle(Base):
    """One version of one article: its MCD number (``A52458``), title and period."""

    __tablename__ = "coverage_article"

    release_id: Mapped[int] = mapped_column(ForeignKey("codeset_release.id", ondelete="CASCADE"),
                                            primary_key=True)
    article_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    article_version: Mapped[int] = mapped_column(Integer, primary_key=True)
    display_id: Mapped[str] = mapped_column(String(12))
    title: Mapped[str] = mapped_column(Text)
    status: Mapped[str | None] = mapped_column(String(2), nullable=True)
    effective_from: Mapped[date] = mapped_column(Date)
    effective_to: Mapped[date | None] = mapped_column(Date, nullable=True)


class CoverageArticleContractor(Base):
    """A contractor that publishes an article version (the article applies in its jurisdiction)."""

    __tablename__ = "coverage_article_contractor"

    release_id: Mapped[int] = mapped_column(ForeignKey("codeset_release.id", ondelete="CASCADE"),
                                            primary_key=True)
    article_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    article_version: Mapped[int] = mapped_column(Integer, primary_key=True)
    contractor_number: Mapped[str] = mapped_column(String(10), primary_key=True)


class CoverageArticleHcpcs(Base):
    """A HCPCS/CPT code the article version governs, in one of its code groups."""

    __tablename__ = "coverage_article_hcpcs"
    __table_args__ = (Index("ix_coverage_article_hcpcs_release_code", "release_id", "code"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    release_id: Mapped[int] = mapped_column(ForeignKey("codeset_release.id", ondelete="CASCADE"))
    article_id: Mapped[int] = mapped_column(Integer)
    article_version: Mapped[int] = mapped_column(Integer)
    code: Mapped[str] = mapped_column(String(5))
    code_group: Mapped[int] = mapped_column(Integer)


class CoverageArticleIcd10(Base):
    """An ICD-10-CM code (or range ``code``..``code_to``) the article lists as supporting medical
    necessity (``covered``) or as not supporting it, in one of its groups, as printed (with the dot)."""

    __tablename__ = "coverage_article_icd10"
    __table_args__ = (Index("ix_coverage_article_icd10_release_article", "release_id", "article_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    release_id: Mapped[int] = mapped_column(ForeignKey("codeset_release.id", ondelete="CASCADE"))
    article_id: Mapped[int] = mapped_column(Integer)
    article_version: Mapped[int] = mapped_column(Integer)
    covered: Mapped[bool] = mapped_column(Boolean)
    code: Mapped[str] = mapped_column(String(8))
    code_to: Mapped[str | None] = mapped_column(String(8), nullable=True)
    code_group: Mapped[int] = mapped_column(Integer)
    asterisk: Mapped[bool] = mapped_column(Boolean)
