"""bigcommerce."""
