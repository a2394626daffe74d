"""Charges: encounter → priced charge lines; provider identifiers checked on the way."""

from medbill.charges.npi import is_valid_npi, npi_check_digit, npi_problem

__all__ = ["is_valid_npi", "npi_check_digit", "npi_problem"]
