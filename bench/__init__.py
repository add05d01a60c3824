"""participa's sync benchmark (run from the checkout: ``python -m bench``; not installed)."""
