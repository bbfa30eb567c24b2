"""Verifies a pms-relay webhook delivery, with Python's standard library only.

    WEBHOOK_SECRET=whsec_... python3 verify.py <X-Relay-Timestamp> <X-Relay-Signature-256> [body-file] < body

Exits 0 when the signature is right and the timestamp within 5 minutes of now, 1 otherwise.
The body must be the request's bytes exactly as received (in Flask: request.get_data()).
"""
import hashlib
import hmac
import os
import sys
import time

TOLERANCE_SECONDS = 300


def verify(secret: str, timestamp: str, signature: str, body: bytes, now: float = None) -> bool:
    if not timestamp.isdigit():
        return False
    if abs((time.time() if now is None else now) - int(timestamp)) > TOLERANCE_SECONDS:
        return False
    digest = hmac.new(secret.encode("utf-8"), timestamp.encode("utf-8") + b"." + body, hashlib.sha256).hexdigest()
    # Constant-time: how much of a guess matches must not show in the time taken.
    return hmac.compare_digest(("sha256=" + digest).encode("utf-8"), signature.encode("utf-8"))


def main(argv):
    secret = os.environ.get("WEBHOOK_SECRET")
    if len(argv) < 3 or not secret:
        print("usage: WEBHOOK_SECRET=... python3 verify.py <timestamp> <signature> [body-file] (body on stdin)",
              file=sys.stderr)
        return 2
    if len(argv) > 3:
        with open(argv[3], "rb") as f:
            body = f.read()
    else:
        body = sys.stdin.buffer.read()
    valid = verify(secret, argv[1], argv[2], body)
    print("valid" if valid else "INVALID")
    return 0 if valid else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
