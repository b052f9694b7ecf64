"""Because: a shop assistant that recommends and always says why."""

__version__ = "0.1.0"
