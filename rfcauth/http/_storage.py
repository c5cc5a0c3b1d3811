"""Where tokens and client registrations live between connections: a small protocol.

`MemoryStorage` (the default) keeps them for the life of the process; `FileStorage` keeps them
in one JSON file readable and writable by its owner only (mode 0600), replaced atomically.
Tokens are keyed by the resource they were issued for (RFC 8707), registrations by the issuer
that issued them (a client identifier is only meaningful to its authorization server).
"""

from __future__ import annotations

import json
import os
import stat
import tempfile
import threading
from dataclasses import asdict, fields
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

from rfcauth._errors import UsageError
from rfcauth.http._values import ClientRegistration, Tokens

__all__ = ["FileStorage", "MemoryStorage", "Storage"]


@runtime_checkable
class Storage(Protocol):
    """Token and client-registration storage. Implementations must be thread-safe."""

    def get_tokens(self, resource: str) -> Tokens | None:
        """The tokens stored for `resource`, if any."""

    def set_tokens(self, resource: str, tokens: Tokens | None) -> None:
        """Store (or with None, delete) the tokens for `resource`."""

    def get_client(self, issuer: str) -> ClientRegistration | None:
        """The client registration stored for `issuer`, if any."""

    def set_client(self, issuer: str, client: ClientRegistration | None) -> None:
        """Store (or with None, delete) the client registration for `issuer`."""


class MemoryStorage:
    """Tokens and registrations in memory, for the life of the process."""

    def __init__(self) -> None:
        """Empty storage."""
        self._tokens: dict[str, Tokens] = {}
        self._clients: dict[str, ClientRegistration] = {}
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        """Counts only: never a secret."""
        return f"MemoryStorage(tokens={len(self._tokens)}, clients={len(self._clients)})"

    def get_tokens(self, resource: str) -> Tokens | None:
        """The tokens stored for `resource`, if any."""
        with self._lock:
            return self._tokens.get(resource)

    def set_tokens(self, resource: str, tokens: Tokens | None) -> None:
        """Store (or with None, delete) the tokens for `resource`."""
        with self._lock:
            if tokens is None:
                self._tokens.pop(resource, None)
            else:
                self._tokens[resource] = tokens

    def get_client(self, issuer: str) -> ClientRegistration | None:
        """The client registration stored for `issuer`, if any."""
        with self._lock:
            return self._clients.get(issuer)

    def set_client(self, issuer: str, client: ClientRegistration | None) -> None:
        """Store (or with None, delete) the client registration for `issuer`."""
        with self._lock:
            if client is None:
                self._clients.pop(issuer, None)
            else:
                self._clients[issuer] = client


def _from_dict(cls: type[Any], data: object) -> Any:  # noqa: ANN401 - Tokens or ClientRegistration
    if not isinstance(data, dict):
        return None
    names = {f.name for f in fields(cls)}
    values = {k: v for k, v in data.items() if k in names}
    if "redirect_uris" in values and isinstance(values["redirect_uris"], list):
        values["redirect_uris"] = tuple(values["redirect_uris"])
    try:
        return cls(**values)
    except TypeError:
        return None


class FileStorage:
    """Tokens and registrations in one JSON file, mode 0600, replaced atomically on each write.

    Args:
        path: the file (created on first write; its directory must exist).

    Raises:
        UsageError: the file exists and other users may read or write it.
    """

    def __init__(self, path: str | os.PathLike[str]) -> None:
        """Use `path`; refuse a file that others can read."""
        self._path = Path(path)
        self._lock = threading.Lock()
        if self._path.exists():
            mode = stat.S_IMODE(self._path.stat().st_mode)
            if mode & (stat.S_IRWXG | stat.S_IRWXO):
                raise UsageError(
                    f"{self._path} is accessible to other users (mode {mode:o}); "
                    "it holds tokens: chmod 600 it first"
                )

    def __repr__(self) -> str:
        """The path only."""
        return f"FileStorage({str(self._path)!r})"

    def _read(self) -> dict[str, dict[str, Any]]:
        try:
            data = json.loads(self._path.read_bytes())
        except FileNotFoundError:
            data = {}
        except (OSError, ValueError):
            data = {}
        if not isinstance(data, dict):
            data = {}
        sections: dict[str, dict[str, Any]] = {"tokens": {}, "clients": {}}
        for name in sections:
            section = data.get(name)
            if isinstance(section, dict):
                sections[name] = section
        return sections

    def _write(self, data: dict[str, dict[str, Any]]) -> None:
        directory = self._path.parent
        fd, temporary = tempfile.mkstemp(prefix=".rfcauth-", dir=directory)
        try:
            os.fchmod(fd, 0o600)
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                json.dump(data, handle, sort_keys=True)
            Path(temporary).replace(self._path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise

    def _update(self, section: str, key: str, value: object) -> None:
        with self._lock:
            data = self._read()
            if value is None:
                data[section].pop(key, None)
            else:
                data[section][key] = asdict(value)  # type: ignore[call-overload]
            self._write(data)

    def get_tokens(self, resource: str) -> Tokens | None:
        """The tokens stored for `resource`, if any."""
        with self._lock:
            found: Tokens | None = _from_dict(Tokens, self._read()["tokens"].get(resource))
        return found

    def set_tokens(self, resource: str, tokens: Tokens | None) -> None:
        """Store (or with None, delete) the tokens for `resource`."""
        self._update("tokens", resource, tokens)

    def get_client(self, issuer: str) -> ClientRegistration | None:
        """The client registration stored for `issuer`, if any."""
        with self._lock:
            found: ClientRegistration | None = _from_dict(
                ClientRegistration, self._read()["clients"].get(issuer)
            )
        return found

    def set_client(self, issuer: str, client: ClientRegistration | None) -> None:
        """Store (or with None, delete) the client registration for `issuer`."""
        self._update("clients", issuer, client)
