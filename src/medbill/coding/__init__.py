"""Coding: a clinical note in, ICD-10-CM / HCPCS Level II / E/M codes out, each with the words that justify it
and the guideline applied, plus the physician queries a coder would send where the note is not specific enough.

Start at :class:`medbill.coding.suggest.Coder`. The package imports nothing itself: ConText (spaCy) and the
code-set snapshot take a moment to load, and a caller that only needs the model or the E/M rules should not
pay for them.
"""
