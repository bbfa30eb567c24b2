#!/usr/bin/env bash
# pms-relay quick start with curl and jq. Run: bash quickstart.sh, with PMSRELAY_URL,
# PMSRELAY_CLIENT_ID and PMSRELAY_CLIENT_SECRET set (see docs/integrators.md).
set -euo pipefail
: "${PMSRELAY_URL:=http://127.0.0.1:8080}" "${PMSRELAY_CLIENT_ID:?set it}" "${PMSRELAY_CLIENT_SECRET:?set it}"

# A token (OAuth 2.0 client credentials, form-encoded); it lasts expires_in seconds (900).
TOKEN=$(curl -sf "$PMSRELAY_URL/v1/token" -d grant_type=client_credentials \
  --data-urlencode "client_id=$PMSRELAY_CLIENT_ID" --data-urlencode "client_secret=$PMSRELAY_CLIENT_SECRET" \
  | jq -r .access_token)
AUTH="Authorization: Bearer $TOKEN"

# api METHOD PATH [BODY] [ACCEPT]: one call, retried on 429 and 503 after their Retry-After.
api() {
  local headers body status seconds attempt
  headers=$(mktemp) body=$(mktemp)
  for attempt in 1 2 3 4 5; do
    status=$(curl -sS -X "$1" "$PMSRELAY_URL$2" -H "$AUTH" -H "Accept: ${4:-application/json}" \
      ${3:+-H 'Content-Type: application/json' --data-binary "$3"} -D "$headers" -o "$body" -w '%{http_code}')
    if [[ $status == 429 || $status == 503 ]] && (( attempt < 5 )); then
      seconds=$(tr -d '\r' < "$headers" | awk 'tolower($1) == "retry-after:" { print $2 }')
      echo "retrying $1 $2 after $status $(jq -r .code "$body") in ${seconds:-1} s" >&2
      sleep "${seconds:-1}"
      continue
    fi
    break
  done
  LOCATION=$(tr -d '\r' < "$headers" | awk 'tolower($1) == "location:" { print $2 }')
  cat "$body"
  rm -f "$headers" "$body"
  if (( status >= 300 )); then
    echo "$1 $2 failed: $status" >&2
    return 1
  fi
}

# 1. The practices that granted this integrator access; the first enabled one.
PRACTICES=$(api GET /v1/practices)
PRACTICE=$(jq -r '[.practices[] | select(.grant.status == "enabled")][0].practiceId' <<< "$PRACTICES")
jq -r --arg id "$PRACTICE" '.practices[] | select(.practiceId == $id) | "practice: \(.name) (agent \(.agent.status))"' <<< "$PRACTICES"

# 2. Schema discovery: the tables and views this grant may read.
api GET "/v1/practices/$PRACTICE/schema" | jq -r '"schema: \(.catalogue), \(.tables | length) tables and views"'

# 3. An immediate query with a parameter; the idempotency key makes a retry safe.
api POST "/v1/practices/$PRACTICE/queries" "$(jq -nc --arg key "$(cat /proc/sys/kernel/random/uuid)" '{
    sql: "SELECT TOP 5 PatientId, FirstName, Surname FROM dbo.Patients WHERE Surname LIKE ? ORDER BY PatientId",
    params: ["N%"], idempotencyKey: $key}')" \
  | jq -r '"query: \(.rowCount) rows, first \(.rows[0] | tojson)"'

# 4. A larger result as NDJSON: columns, one array per row, then the end line (no end line: failed).
# curl -N passes each line on as it arrives (the api function above keeps the whole answer first).
curl -sSN "$PMSRELAY_URL/v1/practices/$PRACTICE/queries" -H "$AUTH" -H 'Accept: application/x-ndjson' \
    -H 'Content-Type: application/json' -d '{"sql": "SELECT PatientId, Surname, DOB FROM dbo.Patients ORDER BY PatientId"}' \
  | jq -rn 'reduce inputs as $line ({rows: 0};
      if ($line | type) == "array" then .rows += 1 elif $line.end then .end = $line else . end)
    | if .end then "stream: \(.rows) rows, complete (truncated: \(.end.truncated))"
      else error("the stream was cut after \(.rows) rows") end'

# 5. An async query: 202 with Location; poll it, then read the result page by page.
api POST "/v1/practices/$PRACTICE/queries" "$(jq -nc --arg key "$(cat /proc/sys/kernel/random/uuid)" '{
    sql: "SELECT AppointmentId, PatientId, StartsAt FROM dbo.Appointments WHERE Status = ? ORDER BY AppointmentId",
    params: ["Booked"], mode: "async", idempotencyKey: $key}')" > /dev/null
QUERY=$LOCATION
until [[ $(api GET "$QUERY" | jq -r .status) =~ ^(succeeded|failed|cancelled|expired)$ ]]; do sleep 0.5; done
OFFSET=0 ROWS=0 PAGES=0
while [[ $OFFSET != null ]]; do
  PAGE=$(api GET "$QUERY/results?offset=$OFFSET&limit=500")
  ROWS=$((ROWS + $(jq '.rows | length' <<< "$PAGE"))) PAGES=$((PAGES + 1))
  OFFSET=$(jq -r .nextOffset <<< "$PAGE")
done
echo "async: $ROWS rows in $PAGES pages"
