"""One module per tool; see :mod:`perfkit.registry` for the contract they share."""
