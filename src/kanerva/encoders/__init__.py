"""Encoders: symbols, levels, n-grams and projections into a Space."""

from .codebook import Codebook

__all__ = ["Codebook"]
