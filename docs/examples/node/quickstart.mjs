// pms-relay quick start for Node.js 18+: the built-in fetch, no packages.
// Run: node quickstart.mjs, with PMSRELAY_URL, PMSRELAY_CLIENT_ID and PMSRELAY_CLIENT_SECRET set
// (see docs/integrators.md).
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';

const baseUrl = process.env.PMSRELAY_URL ?? 'http://127.0.0.1:8080';
const clientId = required('PMSRELAY_CLIENT_ID');
const clientSecret = required('PMSRELAY_CLIENT_SECRET');
const MAX_ATTEMPTS = 5;
let token = null;
let tokenExpires = 0;

// 1. The practices that granted this integrator access; take the first enabled one.
const { practices } = await (await call('GET', '/v1/practices')).json();
const practice = practices.find((p) => p.grant.status === 'enabled');
if (!practice) throw new Error('no practice has enabled this integrator yet');
const id = practice.practiceId;
console.log(`practice: ${practice.name} (agent ${practice.agent.status})`);

// 2. Schema discovery: the tables and views this grant may read.
const schema = await (await call('GET', `/v1/practices/${id}/schema`)).json();
console.log(`schema: ${schema.catalogue}, ${schema.tables.length} tables and views`);

// 3. An immediate query with a parameter (bound by the database, never pasted into the SQL).
// Note: JSON.parse turns a bigint or decimal beyond 2^53 into an inexact double; read such
// columns with a big-number-aware parser, or CAST them to varchar in the SQL.
const answer = await (await call('POST', `/v1/practices/${id}/queries`, {
  sql: 'SELECT TOP 5 PatientId, FirstName, Surname FROM dbo.Patients WHERE Surname LIKE ? ORDER BY PatientId',
  params: ['N%'],
  idempotencyKey: randomUUID(), // a retry never runs it twice
})).json();
console.log(`query: ${answer.rowCount} rows, first ${JSON.stringify(answer.rows[0])}`);

// 4. A larger result as a stream of NDJSON lines: columns, one array per row, then the end line.
const streamed = await call('POST', `/v1/practices/${id}/queries`, {
  sql: 'SELECT PatientId, Surname, DOB FROM dbo.Patients ORDER BY PatientId',
  idempotencyKey: randomUUID(),
}, 'application/x-ndjson');
let rows = 0;
let end = null;
for await (const line of lines(streamed.body)) {
  const item = JSON.parse(line);
  if (Array.isArray(item)) rows++; // a row: handle it here, without holding the whole result
  else if (item.error) throw new Error(`the stream failed: ${JSON.stringify(item.error)}`);
  else if (item.end) end = item;
}
// A stream without its end line is incomplete: treat it as failed.
if (!end) throw new Error(`the stream was cut after ${rows} rows`);
console.log(`stream: ${rows} rows, complete (truncated: ${end.truncated})`);

// 5. An async query: 202 with Location, poll its status, then read the result page by page.
const accepted = await call('POST', `/v1/practices/${id}/queries`, {
  sql: 'SELECT AppointmentId, PatientId, StartsAt FROM dbo.Appointments WHERE Status = ? ORDER BY AppointmentId',
  params: ['Booked'],
  mode: 'async',
  idempotencyKey: randomUUID(),
});
const location = accepted.headers.get('Location');
let status = await accepted.json();
const giveUp = Date.now() + 10 * 60_000;
while (!['succeeded', 'failed', 'cancelled', 'expired'].includes(status.status)) {
  if (Date.now() > giveUp) throw new Error(`the async query is still ${status.status} at ${location}`);
  await sleep(500);
  status = await (await call('GET', location)).json();
}
if (status.status !== 'succeeded') throw new Error(`the async query ended ${JSON.stringify(status)}`);
let pageRows = 0;
let pages = 0;
for (let offset = 0; offset !== null; pages++) {
  const page = await (await call('GET', `${location}/results?offset=${offset}&limit=500`)).json();
  pageRows += page.rows.length;
  offset = page.nextOffset;
}
console.log(`async: ${pageRows} rows in ${pages} pages`);

/** One API call: a fresh token when needed, and retries on 429 and 503 after their Retry-After. */
async function call(method, path, body, accept = 'application/json') {
  for (let attempt = 1; ; attempt++) {
    if (!token || Date.now() > tokenExpires - 60_000) await fetchToken();
    const response = await fetch(baseUrl + path, {
      method,
      headers: {
        Authorization: `Bearer ${token}`,
        Accept: accept,
        ...(body ? { 'Content-Type': 'application/json' } : {}),
      },
      body: body ? JSON.stringify(body) : undefined,
      signal: AbortSignal.timeout(120_000),
    });
    if (response.ok) return response;
    const problem = await response.json();
    if (attempt < MAX_ATTEMPTS && response.status === 401 && problem.code === 'invalid_token') {
      token = null; // expired or revoked: get a new one and try again
      continue;
    }
    if (attempt < MAX_ATTEMPTS && (response.status === 429 || response.status === 503)) {
      const seconds = Math.min(60, (Number(response.headers.get('Retry-After')) || 1));
      console.error(`retrying ${method} ${path} after ${response.status} ${problem.code} in ${seconds} s`);
      await sleep(seconds * 1000);
      continue;
    }
    throw new Error(`${method} ${path} failed: ${response.status} ${problem.code}: ${problem.detail}`);
  }
}

/** OAuth 2.0 client credentials; a token lasts expires_in seconds (15 minutes by default). */
async function fetchToken() {
  for (let attempt = 1; ; attempt++) {
    const response = await fetch(`${baseUrl}/v1/token`, {
      method: 'POST',
      body: new URLSearchParams({ grant_type: 'client_credentials', client_id: clientId, client_secret: clientSecret }),
      signal: AbortSignal.timeout(30_000),
    });
    const json = await response.json();
    if (response.ok) {
      token = json.access_token;
      tokenExpires = Date.now() + json.expires_in * 1000;
      return;
    }
    if (attempt < MAX_ATTEMPTS && (response.status === 429 || response.status === 503)) {
      await sleep(1000 * Math.min(60, (Number(response.headers.get('Retry-After')) || 1)));
      continue;
    }
    // OAuth's error (invalid_client, ...) and its description, never the secret
    throw new Error(`token refused: ${json.error}: ${json.error_description}`);
  }
}

/** The lines of a response body as they arrive. */
async function* lines(body) {
  const decoder = new TextDecoder();
  let buffered = '';
  for await (const chunk of body) {
    buffered += decoder.decode(chunk, { stream: true });
    let newline;
    while ((newline = buffered.indexOf('\n')) >= 0) {
      const line = buffered.slice(0, newline);
      buffered = buffered.slice(newline + 1);
      if (line) yield line;
    }
  }
  buffered += decoder.decode();
  if (buffered) yield buffered;
}

function required(name) {
  const value = process.env[name];
  if (!value) {
    console.error(`set ${name} (see docs/integrators.md)`);
    process.exit(2);
  }
  return value;
}
