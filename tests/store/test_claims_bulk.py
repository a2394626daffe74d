"""Claims loaded in bulk are the claims loaded one at a time: posting relies on it."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine, select

from medbill.store.claims import load_claim
from medbill.store.claims.bulk import load_claims
from medbill.store.models import claims as t
from medbill.store.remit import post_835
from tests.store.test_money_in import first_round, imported  # noqa: F401  (the fixture)


def test_bulk_loading_gives_what_loading_one_claim_gives(imported: Engine, tmp_path: Path) -> None:  # noqa: F811
    _, era = first_round(imported, tmp_path)
    post_835(imported, era, "poster")  # moves, payer numbers and a secondary claim with other coverages
    with imported.connect() as conn:
        keys = list(conn.execute(select(t.claim.c.id).order_by(t.claim.c.id)).scalars())
        bulk = load_claims(conn, [*keys, 999_999])  # an id the store does not have is left out
        assert sorted(bulk) == keys and len(keys) == 3
        for key in keys:
            assert bulk[key] == load_claim(conn, key)
