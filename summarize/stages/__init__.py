"""The stages of a run: pivot, summarise, translate, review."""
