"""Tests of mapping."""
