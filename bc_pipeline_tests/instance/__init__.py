"""Tests of instance."""
