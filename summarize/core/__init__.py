"""What every layer shares: records, errors, files, languages, configuration, the cache."""
