"""Claims in the store: patients, coverages, encounters, claims and their moves, 837 submissions and the
acknowledgements received. The rest of medbill sees only domain objects (:mod:`medbill.claims`).

Each public function that writes runs in one transaction: a file is imported whole or not at all, a
submission writes its 837, records it and moves its claims together, and the same encounters or
acknowledgement file read twice changes nothing the second time.
"""

from medbill.store.claims.acknowledgements import AckResult, read_acknowledgement, record_acknowledgement
from medbill.store.claims.build import MPFS, build_claim
from medbill.store.claims.eligibility import (
    CoverageToCheck,
    EligibilityAnswer,
    EligibilityStored,
    coverages_to_check,
    record_eligibility,
)
from medbill.store.claims.encounter_file import EncounterFile, EncounterFileError, read_encounter_file
from medbill.store.claims.encounters import (
    EncounterSummary,
    ImportResult,
    StoredCoverage,
    StoredEncounter,
    import_encounters,
    list_encounters,
    load_encounter,
)
from medbill.store.claims.repository import (
    ClaimSummary,
    RecordedMove,
    StoredClaim,
    list_claims,
    load_claim,
    move_claim,
    record_move,
)
from medbill.store.claims.submissions import (
    INSTITUTIONAL_GUIDE,
    PROFESSIONAL_GUIDE,
    Batch,
    SubmissionResult,
    count_ready,
    submit_batches,
    submit_ready,
)

__all__ = ["INSTITUTIONAL_GUIDE", "MPFS", "PROFESSIONAL_GUIDE", "AckResult", "Batch", "ClaimSummary",
           "CoverageToCheck", "EligibilityAnswer", "EligibilityStored", "EncounterFile", "EncounterFileError",
           "EncounterSummary", "ImportResult", "RecordedMove", "StoredClaim", "StoredCoverage", "StoredEncounter",
           "SubmissionResult", "build_claim", "count_ready", "coverages_to_check", "import_encounters",
           "list_claims", "list_encounters", "load_claim", "load_encounter", "move_claim", "read_acknowledgement",
           "read_encounter_file", "record_acknowledgement", "record_eligibility", "record_move", "submit_batches",
           "submit_ready"]
