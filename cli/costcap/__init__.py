"""costcap: audit and plan OpenAI API spend."""

__version__ = "0.1.0"
