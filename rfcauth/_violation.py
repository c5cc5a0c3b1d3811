"""`Violation`: one broken rule in a metadata document.

`MetadataError` and the metadata layer report them; discovery's `Fail` carries them. A
dataclass (``dataclasses.asdict`` of an action turns them into dicts) in a module of its own,
apart from `rfcauth._errors`: a challenge parse raises those errors and never imports
`dataclasses` (see `rfcauth._frozen`).
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Violation"]


@dataclass(frozen=True, slots=True, kw_only=True)
class Violation:
    """One broken rule in a metadata document.

    Attributes:
        location: JSON Pointer (RFC 6901) of the offending member, ``""`` for the document.
        code: stable snake_case rule id, e.g. ``"issuer_not_https"``.
        section: where the rule comes from, e.g. ``"RFC 8414 §2"``.
        message: a sentence for humans.
    """

    location: str
    code: str
    section: str
    message: str

    def __str__(self) -> str:
        """``location: message [code, section]``."""
        where = self.location or "(document)"
        return f"{where}: {self.message} [{self.code}, {self.section}]"
