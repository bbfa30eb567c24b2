"""pms-relay quick start for Python 3.8+: the standard library only (urllib, json).

Run: python3 quickstart.py, with PMSRELAY_URL, PMSRELAY_CLIENT_ID and PMSRELAY_CLIENT_SECRET set
(see docs/integrators.md).
"""
import json
import os
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from decimal import Decimal

BASE_URL = os.environ.get("PMSRELAY_URL", "http://127.0.0.1:8080")
MAX_ATTEMPTS = 5
_token = {"value": None, "expires": 0.0}


def required(name):
    value = os.environ.get(name)
    if not value:
        sys.exit(f"set {name} (see docs/integrators.md)")
    return value


CLIENT_ID = required("PMSRELAY_CLIENT_ID")
CLIENT_SECRET = required("PMSRELAY_CLIENT_SECRET")


def loads(text):
    # Decimals stay exact: the relay writes decimal and money columns with every digit.
    return json.loads(text, parse_float=Decimal)


def retry_after(error):
    try:
        return min(60, int(error.headers.get("Retry-After", "1")))
    except ValueError:
        return 1


def fetch_token():
    """OAuth 2.0 client credentials; a token lasts expires_in seconds (15 minutes by default)."""
    form = urllib.parse.urlencode({"grant_type": "client_credentials",
                                   "client_id": CLIENT_ID, "client_secret": CLIENT_SECRET}).encode()
    for attempt in range(1, MAX_ATTEMPTS + 1):
        try:
            with urllib.request.urlopen(urllib.request.Request(BASE_URL + "/v1/token", data=form), timeout=30) as r:
                answer = json.load(r)
                _token["value"] = answer["access_token"]
                _token["expires"] = time.monotonic() + answer["expires_in"]
                return
        except urllib.error.HTTPError as e:
            if attempt < MAX_ATTEMPTS and e.code in (429, 503):
                time.sleep(retry_after(e))
                continue
            problem = json.load(e)
            # OAuth's error (invalid_client, ...) and its description, never the secret
            raise RuntimeError(f"token refused: {problem.get('error')}: {problem.get('error_description')}")


def call(method, path, body=None, accept="application/json"):
    """One API call: a fresh token when needed, and retries on 429 and 503 after their Retry-After.

    Returns the open response: read it with json.load, or line by line for NDJSON."""
    for attempt in range(1, MAX_ATTEMPTS + 1):
        if _token["value"] is None or time.monotonic() > _token["expires"] - 60:
            fetch_token()
        headers = {"Authorization": "Bearer " + _token["value"], "Accept": accept}
        data = None
        if body is not None:
            headers["Content-Type"] = "application/json"
            data = json.dumps(body).encode()
        request = urllib.request.Request(BASE_URL + path, data=data, headers=headers, method=method)
        try:
            return urllib.request.urlopen(request, timeout=120)
        except urllib.error.HTTPError as e:
            problem = json.load(e)
            code = problem.get("code")
            if attempt < MAX_ATTEMPTS and e.code == 401 and code == "invalid_token":
                _token["value"] = None  # expired or revoked: get a new one and try again
                continue
            if attempt < MAX_ATTEMPTS and e.code in (429, 503):
                seconds = retry_after(e)
                print(f"retrying {method} {path} after {e.code} {code} in {seconds} s", file=sys.stderr)
                time.sleep(seconds)
                continue
            raise RuntimeError(f"{method} {path} failed: {e.code} {code}: {problem.get('detail')}")


def call_json(method, path, body=None):
    with call(method, path, body) as r:
        return loads(r.read())


def compact(value):
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False, default=str)


def main():
    # 1. The practices that granted this integrator access; take the first enabled one.
    practices = call_json("GET", "/v1/practices")["practices"]
    practice = next((p for p in practices if p["grant"]["status"] == "enabled"), None)
    if practice is None:
        raise RuntimeError("no practice has enabled this integrator yet")
    pid = practice["practiceId"]
    print(f"practice: {practice['name']} (agent {practice['agent']['status']})")

    # 2. Schema discovery: the tables and views this grant may read.
    schema = call_json("GET", f"/v1/practices/{pid}/schema")
    print(f"schema: {schema['catalogue']}, {len(schema['tables'])} tables and views")

    # 3. An immediate query with a parameter (bound by the database, never pasted into the SQL).
    answer = call_json("POST", f"/v1/practices/{pid}/queries", {
        "sql": "SELECT TOP 5 PatientId, FirstName, Surname FROM dbo.Patients WHERE Surname LIKE ? ORDER BY PatientId",
        "params": ["N%"],
        "idempotencyKey": str(uuid.uuid4()),  # a retry never runs it twice
    })
    print(f"query: {answer['rowCount']} rows, first {compact(answer['rows'][0])}")

    # 4. A larger result as a stream of NDJSON lines: columns, one array per row, then the end line.
    rows, end = 0, None
    with call("POST", f"/v1/practices/{pid}/queries", {
        "sql": "SELECT PatientId, Surname, DOB FROM dbo.Patients ORDER BY PatientId",
        "idempotencyKey": str(uuid.uuid4()),
    }, accept="application/x-ndjson") as stream:
        for line in stream:
            item = loads(line)
            if isinstance(item, list):
                rows += 1  # a row: handle it here, without holding the whole result
            elif "error" in item:
                raise RuntimeError(f"the stream failed: {item['error']}")
            elif item.get("end"):
                end = item
    if end is None:  # a stream without its end line is incomplete: treat it as failed
        raise RuntimeError(f"the stream was cut after {rows} rows")
    print(f"stream: {rows} rows, complete (truncated: {str(end['truncated']).lower()})")

    # 5. An async query: 202 with Location, poll its status, then read the result page by page.
    with call("POST", f"/v1/practices/{pid}/queries", {
        "sql": "SELECT AppointmentId, PatientId, StartsAt FROM dbo.Appointments WHERE Status = ? ORDER BY AppointmentId",
        "params": ["Booked"],
        "mode": "async",
        "idempotencyKey": str(uuid.uuid4()),
    }) as accepted:
        location = accepted.headers["Location"]
        status = loads(accepted.read())
    give_up = time.monotonic() + 600
    while status["status"] not in ("succeeded", "failed", "cancelled", "expired"):
        if time.monotonic() > give_up:
            raise RuntimeError(f"the async query is still {status['status']} at {location}")
        time.sleep(0.5)
        status = call_json("GET", location)
    if status["status"] != "succeeded":
        raise RuntimeError(f"the async query ended {status}")
    page_rows, pages, offset = 0, 0, 0
    while offset is not None:
        page = call_json("GET", f"{location}/results?offset={offset}&limit=500")
        page_rows += len(page["rows"])
        offset = page["nextOffset"]
        pages += 1
    print(f"async: {page_rows} rows in {pages} pages")


if __name__ == "__main__":
    main()
