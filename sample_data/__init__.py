"""Deterministic, messy sample data for the ABM warehouse, with the planted truth beside it."""

from sample_data.generate import DEFAULT_ANCHOR, GenerationSummary, generate

__all__ = ["DEFAULT_ANCHOR", "GenerationSummary", "generate"]
