"""The HTTP layer: DPoP proofs (RFC 9449) and client-authenticated token requests."""

from __future__ import annotations

from rfcauth.http._dpop import (
    DPOP_ALGORITHMS,
    DPoPKey,
    access_token_hash,
    choose_dpop_algorithm,
    proof_htu,
    use_dpop_nonce,
)

__all__ = [
    "DPOP_ALGORITHMS",
    "DPoPKey",
    "access_token_hash",
    "choose_dpop_algorithm",
    "proof_htu",
    "use_dpop_nonce",
]
