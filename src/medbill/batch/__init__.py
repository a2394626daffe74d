"""Payer-scale work: the scrubber's edits over folders of 837 files, on DuckDB or Spark."""

from medbill.batch.scrub_batch import BatchResult, scrub_folder

__all__ = ["BatchResult", "scrub_folder"]
