"""The peer connectors (Singer tap-bigcommerce, Airbyte source-bigcommerce): install, configure, run, count."""
