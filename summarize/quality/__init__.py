"""Cheap checks of summaries and translations."""
