"""Pieces every area uses: column types, time helpers, domain errors, the htmx render helper."""
