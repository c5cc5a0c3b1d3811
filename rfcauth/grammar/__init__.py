"""The grammar layer: ``grammars/*.abnf`` turned into code.

::

    grammars/*.abnf --(_generate, build time)--> _abnf.py    one regex constant per ABNF rule
    _uri.py            RFC 3986 URI syntax checks built from those constants
    _language_tag.py   RFC 5646 language tags (RFC 9728 §2.1 member names)
    reference.py       the slow reference parser: the ``abnf`` package running the same files
                       (differential tests only; the only module that imports ``abnf``)

Nothing here imports pydantic, an HTTP library or hypothesis.
"""
