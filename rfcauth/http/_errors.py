"""The driver's error: a login that cannot complete, with the decision's reason and rule."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rfcauth._errors import RfcAuthError

if TYPE_CHECKING:
    from rfcauth.discovery import Fail, Note
    from rfcauth.http._values import Step

__all__ = ["LoginError"]


class LoginError(RfcAuthError):
    """The OAuth login could not complete; the message says why and by which rule.

    Attributes:
        code: stable snake_case code: a discovery `Fail` code (``no_authorization_server``,
            ``discovery_unavailable``, …) or a driver code (``url_refused``,
            ``registration_failed``, ``authorization_failed``, ``state_mismatch``,
            ``issuer_mismatch``, ``token_request_failed``, ``invalid_token_response``).
        reason: the machine-readable reason.
        rule: the specification text applied.
        url: the URL whose answer decided it, if any.
        notes: the discovery notes gathered on the way (what each probe found).
        steps: every request, reply and decision of the login, in order (no secrets).
        fail: the discovery `Fail`, when discovery decided it.
    """

    def __init__(
        self,
        code: str,
        reason: str,
        rule: str,
        explanation: str,
        *,
        url: str | None = None,
        notes: tuple[Note, ...] = (),
        steps: tuple[Step, ...] = (),
        fail: Fail | None = None,
    ) -> None:
        """Record the structured fields; the message is the explanation with reason and rule."""
        self.code = code
        self.reason = reason
        self.rule = rule
        self.explanation = explanation
        self.url = url
        self.notes = notes
        self.steps = steps
        self.fail = fail
        found = [
            f"{note.message.rstrip('.')} at {note.url}" if note.url else note.message.rstrip(".")
            for note in notes
            if note.code.endswith("_absent") or note.level == "warning"
        ]
        tail = f" Found on the way: {'; '.join(found)}." if found else ""
        super().__init__(f"{code} ({reason}; {rule}): {explanation}{tail}")

    @classmethod
    def from_fail(cls, fail: Fail, steps: tuple[Step, ...] = ()) -> LoginError:
        """The error for a discovery `Fail`."""
        return cls(
            fail.code,
            fail.reason,
            fail.rule,
            fail.explanation,
            url=fail.url,
            notes=fail.notes,
            steps=steps,
            fail=fail,
        )
