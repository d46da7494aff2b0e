"""``python -m leak_udfs`` runs the ``leak-udfs`` command."""

from leak_udfs.cli import main

raise SystemExit(main())
