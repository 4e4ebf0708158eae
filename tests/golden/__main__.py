"""`python -m tests.golden` (or `make golden`): rewrite the golden copies."""

from tests.golden import main

main()
