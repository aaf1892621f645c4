"""`python -m gongkai` runs the CLI."""

from gongkai.cli import main

main()
