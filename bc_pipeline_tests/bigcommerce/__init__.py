"""Tests of bigcommerce."""
