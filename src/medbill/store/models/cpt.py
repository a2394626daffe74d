"""CPT codes and descriptors from the user's own licensed CPT data file.

CPT descriptors are the AMA's, licensed to the user: medbill never ships them and holds them only when a
user imports their file (``medbill codes import-cpt``), in their own store.
"""

from __future__ import annotations

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from medbill.store.base import Base


class CptCode(Base):
    """One CPT code of an imported release and its descriptor."""

    __tablename__ = "cpt_code"

    release_id: Mapped[int] = mapped_column(ForeignKey("codeset_release.id", ondelete="CASCADE"),
                                            primary_key=True)
    code: Mapped[str] = mapped_column(String(5), primary_key=True)
    descriptor: Mapped[str] = mapped_column(Text, nullable=False)
