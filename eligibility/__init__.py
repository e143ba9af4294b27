"""Eligibility: 270 inquiries and 271 benefit summaries (not built yet)."""
