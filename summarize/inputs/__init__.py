"""Finding, decoding and reading articles."""
