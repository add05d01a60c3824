"""participa: a Decidim participation connector for municipal teams."""

__version__ = "0.1.0"
