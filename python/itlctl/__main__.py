"""`python -m itlctl ...` runs the itlctl command."""

from ._cli import main

raise SystemExit(main())
