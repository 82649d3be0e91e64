"""Plain-text analysis: sentences and language detection."""
