"""Coding: a clinical note in, ICD-10-CM / HCPCS Level II / E/M codes out, each with the words that justify it
and the guideline applied, plus the physician queries a coder would send where the note is not specific enough.
"""
