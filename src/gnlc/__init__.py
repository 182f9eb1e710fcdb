"""The UNESCO Global Network of Learning Cities as linked data.

The Python API (see gnlc.api): ``gnlc.load()``, ``gnlc.query(name, **params)``,
``gnlc.members()``, ``gnlc.validate()``, ``gnlc.build(out)``, ``gnlc.to_rdflib(store)``.
They are imported on first use, so ``import gnlc`` (and ``gnlc --help``) stays cheap.
"""

__version__ = "0.1.0"

_API = ("load", "query", "members", "validate", "build", "to_rdflib", "Rows", "Member")
__all__ = ["__version__", *_API]


def __getattr__(name: str):
    if name in _API:
        from gnlc import api

        return getattr(api, name)
    raise AttributeError(f"module 'gnlc' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(__all__)
