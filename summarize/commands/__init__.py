"""The command line: arguments, run, models, eval."""
