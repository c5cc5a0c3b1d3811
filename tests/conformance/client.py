"""The client command the MCP conformance suite runs: ``rfcauth login`` with the scenario's context.

The suite runs ``client.py SERVER_URL`` with the scenario's name in ``MCP_CONFORMANCE_SCENARIO``,
its context (credentials, keys, assertions it hands the client) as JSON in
``MCP_CONFORMANCE_CONTEXT`` and the protocol revision it serves in
``MCP_CONFORMANCE_PROTOCOL_VERSION``. This adapter only translates that context into ``rfcauth
login`` options, as a person would type them; it never looks at the scenario's name to decide
anything. Every decision (which registration, which grant, which scope, whether to refuse) is
``rfcauth login``'s.

Every scenario's MCP server offers one tool, ``test-tool``, and the scenarios that test step-up
authorization need it called, so the adapter asks ``login`` to call it, as the suite's own example
client does.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
from pathlib import Path

#: The client ID metadata document URL the suite expects a client to use where the authorization
#: server supports Client ID Metadata Documents (the suite does not fetch it).
CLIENT_METADATA_URL = "https://conformance-test.local/client-metadata.json"
#: Protocol revisions before the stateless one, spoken with the initialize handshake.
_SHOWN = 80  # longer arguments (keys, assertions) are shortened in the echoed command line
HANDSHAKE_REVISIONS = frozenset({"2024-11-05", "2025-03-26", "2025-06-18", "2025-11-25"})


def login_arguments(url: str, context: dict[str, object], protocol: str, tmp: Path) -> list[str]:
    """The ``rfcauth login`` argument vector for one scenario run."""
    args = ["login", "--no-browser", "--client-metadata-url", CLIENT_METADATA_URL]
    args += ["--call", "test-tool", "--args", "{}"]
    args += ["--protocol", "legacy" if protocol in HANDSHAKE_REVISIONS else protocol]

    def text(key: str) -> str | None:
        value = context.get(key)
        return value if isinstance(value, str) else None

    if (client_id := text("client_id")) is not None:
        args += ["--client-id", client_id]
    if (secret := text("client_secret")) is not None:
        args += ["--client-secret", secret]
    if (pem := text("private_key_pem")) is not None:
        key_file = tmp / "client-key.pem"
        key_file.write_text(pem)
        args += ["--private-key", str(key_file)]
        if (alg := text("signing_algorithm")) is not None:
            args += ["--signing-alg", alg]
    if (assertion := text("valid_jwt")) is not None:
        args += ["--assertion", assertion]
    if (id_token := text("idp_id_token")) is not None:
        args += ["--idp-id-token", id_token]
        for key in ("idp_token_endpoint", "idp_client_id"):
            if (value := text(key)) is not None:
                args += ["--" + key.replace("_", "-"), value]
    return [*args, url]


def main() -> int:
    """Run ``rfcauth login`` in this process (the exit code is the suite's client verdict)."""
    from rfcauth.cli import main as rfcauth_main  # noqa: PLC0415 -- after sys.path is known

    url = sys.argv[-1]
    context = json.loads(os.environ.get("MCP_CONFORMANCE_CONTEXT") or "{}")
    protocol = os.environ.get("MCP_CONFORMANCE_PROTOCOL_VERSION", "2025-11-25")
    with tempfile.TemporaryDirectory() as tmp:
        argv = login_arguments(url, context, protocol, Path(tmp))
        print("rfcauth " + " ".join(a if len(a) < _SHOWN else a[:20] + "…" for a in argv))
        sys.stdout.flush()
        return rfcauth_main(argv)


if __name__ == "__main__":
    sys.exit(main())
