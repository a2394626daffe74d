"""The claim scrubber: every edit CMS and payers apply, written once as SQL, run on DuckDB or Spark.

Example::

    from medbill.scrub import scrub_claims
    report = scrub_claims([claim], store)
    for finding in report.findings:
        print(finding.severity, finding.message, "-", finding.fix)
"""

from medbill.scrub.findings import ScrubFinding, Severity
from medbill.scrub.scrubber import ScrubReport, scrub_claims, scrub_tables

__all__ = ["ScrubFinding", "ScrubReport", "Severity", "scrub_claims", "scrub_tables"]
