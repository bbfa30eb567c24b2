// Verifies a pms-relay webhook delivery, with Node.js's standard library only.
//
//   WEBHOOK_SECRET=whsec_... node verify.mjs <X-Relay-Timestamp> <X-Relay-Signature-256> [body-file] < body
//
// Exits 0 when the signature is right and the timestamp within 5 minutes of now, 1 otherwise.
// The body must be the request's bytes exactly as received (in Express: express.raw({ type: 'application/json' })).
import { createHmac, timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';

const TOLERANCE_SECONDS = 300;

export function verify(secret, timestamp, signature, body, nowSeconds = Math.floor(Date.now() / 1000)) {
  if (!/^[0-9]+$/.test(timestamp)) return false;
  if (Math.abs(nowSeconds - Number(timestamp)) > TOLERANCE_SECONDS) return false;
  const expected = Buffer.from('sha256=' + createHmac('sha256', Buffer.from(secret, 'utf8'))
    .update(timestamp + '.', 'utf8').update(body).digest('hex'), 'utf8');
  const given = Buffer.from(signature, 'utf8');
  // timingSafeEqual needs equal lengths; a length that differs is no secret.
  return expected.length === given.length && timingSafeEqual(expected, given);
}

const [timestamp, signature, file] = process.argv.slice(2);
const secret = process.env.WEBHOOK_SECRET;
if (!timestamp || !signature || !secret) {
  console.error('usage: WEBHOOK_SECRET=... node verify.mjs <timestamp> <signature> [body-file] (body on stdin)');
  process.exit(2);
}
const body = readFileSync(file ?? 0);
const valid = verify(secret, timestamp, signature, body);
console.log(valid ? 'valid' : 'INVALID');
process.exit(valid ? 0 : 1);
