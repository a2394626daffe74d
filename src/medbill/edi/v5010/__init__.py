"""X12 5010 transaction sets, one package per implementation guide."""
