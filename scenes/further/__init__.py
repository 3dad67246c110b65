"""Standalone clips for the "Going further" pages: not phases of the card, not in the full video."""
