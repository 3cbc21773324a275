"""``python -m perfkit`` runs the command-line interface (see :mod:`perfkit.cli`)."""

from perfkit.cli import main

raise SystemExit(main())
