#!/usr/bin/env python3
"""ECDSA P-256 / SHA-256 webhook vectors, computed with an implementation independent of the
runtime's (pyca/cryptography over OpenSSL), for `tests/webhook/ecdsa.rs`.

Writes `vectors.json` beside this file. Run: `python3 make_vectors.py` (needs the
`cryptography` package; tested with 48.0.0). Signatures use random nonces, so a re-run writes
other signatures for the derived cases; every case is verified by cryptography before it is
written, and its expected verdict is cryptography's.

The signed bytes are SendGrid's Event Webhook's: the `X-Twilio-Email-Event-Webhook-Timestamp`
value followed by the raw body, no separator (Twilio docs, "Getting Started with the Event
Webhook Security Features"; the SDKs' `verify_signature`: `timestamp + payload`). Keys and
signatures travel as base64 DER: the public key a SubjectPublicKeyInfo, the signature an
`Ecdsa-Sig-Value`.

Test keys: the private scalar of each is SHA-256 of a label, reduced mod n, so anybody can
derive them again; `accord-contract-test-ecdsa-p256` is also the key contract tests sign with
(crates/accord/src/emit/tests.rs, `test_keys`).
"""

import base64
import hashlib
import json
import pathlib

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature, encode_dss_signature

N = 0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551


def key(label: str) -> ec.EllipticCurvePrivateKey:
    scalar = int.from_bytes(hashlib.sha256(label.encode()).digest(), "big") % N
    return ec.derive_private_key(scalar, ec.SECP256R1())


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def public_b64(private: ec.EllipticCurvePrivateKey) -> str:
    return b64(private.public_key().public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo))


def private_b64(private: ec.EllipticCurvePrivateKey) -> str:
    return b64(private.private_bytes(serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))


def verifies(public: str, timestamp: str, payload: str, signature: str) -> bool:
    key = serialization.load_der_public_key(base64.b64decode(public))
    try:
        key.verify(base64.b64decode(signature), (timestamp + payload).encode(), ec.ECDSA(hashes.SHA256()))
        return True
    except (InvalidSignature, ValueError):
        return False


def main() -> None:
    signer = key("accord-contract-test-ecdsa-p256")
    other = key("accord-contract-test-ecdsa-p256-other")
    public, other_public = public_b64(signer), public_b64(other)
    timestamp = "1700000000"
    # A batch as SendGrid posts it (a JSON array of events), with the trailing CRLF its
    # sendgrid-ruby fixture warns about: the body's bytes are signed as they are.
    payload = json.dumps(
        [
            {"email": "example@test.com", "timestamp": 1700000000, "event": "processed", "sg_event_id": "cHJvY2Vzc2VkLTE", "sg_message_id": "14c5d75ce93.dfd.64b469.filter0001.16648.5515E0B88.0"},
            {"email": "example@test.com", "timestamp": 1700000001, "event": "delivered", "response": "250 OK", "sg_event_id": "ZGVsaXZlcmVkLTE", "sg_message_id": "14c5d75ce93.dfd.64b469.filter0001.16648.5515E0B88.0"},
        ],
        separators=(",", ":"),
    ) + "\r\n"
    der = signer.sign((timestamp + payload).encode(), ec.ECDSA(hashes.SHA256()))
    r, s = decode_dss_signature(der)
    low_s, high_s = min(s, N - s), max(s, N - s)
    low, high = encode_dss_signature(r, low_s), encode_dss_signature(r, high_s)
    raw = r.to_bytes(32, "big") + low_s.to_bytes(32, "big")
    # BER long-form length of the outer SEQUENCE: the same value, not DER.
    long_form = bytes([0x30, 0x81, low[1]]) + low[2:]

    # SendGrid's own SDK test vector (sendgrid-java EventWebhookTest, sendgrid-csharp
    # RequestValidatorTests, sendgrid-nodejs eventwebhook tests, sendgrid-go
    # eventwebhook_test.go: one key pair and signature shared by all).
    sdk_public = "MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEEDr2LjtURuePQzplybdC+u4CwrqDqBaWjcMMsTbhdbcwHBcepxo7yAQGhHPTnlvFYPAZFceEu/1FwCM/QmGUhA=="
    sdk_failing_public = "MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEqTxd43gyp8IOEto2LdIfjRQrIbsd4SXZkLW6jDutdhXSJCWHw8REntlo7aNDthvj+y7GjUuFDb/R1NGe1OPzpA=="
    sdk_signature = "MEUCIQCtIHJeH93Y+qpYeWrySphQgpNGNr/U+UyUlBkU6n7RAwIgJTz2C+8a8xonZGi6BpSzoQsbVRamr2nlxFDWYNH2j/0="
    sdk_failing_signature = "MEUCIQCtIHJeH93Y+qpYeWrySphQgpNGNr/U+UyUlBkU6n7RAwIgJTz2C+8a8xonZGi6BpSzoQsbVRamr2nlxFDWYNH3j/0="
    sdk_timestamp = "1588788367"
    sdk_payload = '{"category":"example_payload","event":"test_event","message_id":"message_id"}'

    cases = [
        ("sendgrid-sdk", "official", sdk_public, sdk_timestamp, sdk_payload, sdk_signature, "accepted"),
        ("sendgrid-sdk-wrong-key", "official", sdk_failing_public, sdk_timestamp, sdk_payload, sdk_signature, "mismatch"),
        ("sendgrid-sdk-bad-signature", "official", sdk_public, sdk_timestamp, sdk_payload, sdk_failing_signature, "mismatch"),
        ("sendgrid-sdk-bad-payload", "official", sdk_public, sdk_timestamp, "payload", sdk_signature, "mismatch"),
        ("sendgrid-sdk-bad-timestamp", "official", sdk_public, "1388788367", sdk_payload, sdk_signature, "mismatch"),
        ("batch-low-s", "derived", public, timestamp, payload, b64(low), "accepted"),
        ("batch-high-s", "derived", public, timestamp, payload, b64(high), "accepted"),
        ("wrong-key", "derived", other_public, timestamp, payload, b64(low), "mismatch"),
        ("tampered-payload", "derived", public, timestamp, payload.replace("delivered", "bounce", 1), b64(low), "mismatch"),
        ("payload-without-crlf", "derived", public, timestamp, payload[:-2], b64(low), "mismatch"),
        ("tampered-timestamp", "derived", public, "1700000001", payload, b64(low), "mismatch"),
        ("raw-r-s-not-der", "derived", public, timestamp, payload, b64(raw), "bad-der"),
        ("der-trailing-byte", "derived", public, timestamp, payload, b64(low + b"\x00"), "bad-der"),
        ("der-truncated", "derived", public, timestamp, payload, b64(low[:-1]), "bad-der"),
        ("ber-long-form-length", "derived", public, timestamp, payload, b64(long_form), "bad-der"),
    ]
    vectors = []
    for name, provenance, key_text, ts, body, signature, outcome in cases:
        accepted = verifies(key_text, ts, body, signature)
        assert accepted == (outcome == "accepted"), (name, accepted)
        vectors.append(
            {
                "name": name,
                "provenance": provenance,
                "public_key": key_text,
                "timestamp": ts,
                "payload": body,
                "signature": signature,
                "valid": accepted,
                "outcome": outcome,
            }
        )
    document = {
        "about": "ECDSA P-256/SHA-256 over timestamp + body (SendGrid Event Webhook); verdicts by pyca/cryptography; written by make_vectors.py",
        "signed_payload": "{timestamp}{body}",
        "signing_key": private_b64(signer),
        "verifying_key": public,
        "other_verifying_key": other_public,
        "vectors": vectors,
    }
    out = pathlib.Path(__file__).with_name("vectors.json")
    out.write_text(json.dumps(document, indent=2) + "\n")
    print(f"{len(vectors)} vectors, {sum(v['valid'] for v in vectors)} valid -> {out}")


if __name__ == "__main__":
    main()
