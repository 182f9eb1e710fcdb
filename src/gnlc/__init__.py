"""The UNESCO Global Network of Learning Cities as linked data."""

__version__ = "0.1.0"
