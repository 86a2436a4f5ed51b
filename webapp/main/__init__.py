"""The home page, error pages and template helpers."""
