// The console API client: same-origin JSON calls; every change carries the session's CSRF token.
const BASE = 'api';
let csrf = null;

export class ApiError extends Error {
  constructor(status, problem, retryAfter) {
    super((problem && (problem.detail || problem.title)) || `request failed (${status})`);
    this.status = status;
    this.code = problem && problem.code;
    // seconds to wait before trying again (429), when the server says
    this.retryAfter = retryAfter;
  }
}

export function setCsrf(token) {
  csrf = token;
}

export async function call(method, path, body) {
  const headers = { Accept: 'application/json' };
  if (method !== 'GET') {
    headers['X-CSRF-Token'] = csrf || '';
  }
  if (body !== undefined) {
    headers['Content-Type'] = 'application/json';
  }
  const response = await fetch(BASE + path, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
    credentials: 'same-origin',
    cache: 'no-store',
  });
  let data = null;
  try {
    data = await response.json();
  } catch (e) {
    data = null; // not JSON: reported by status below
  }
  if (!response.ok) {
    const retryAfter = parseInt(response.headers.get('Retry-After') || '', 10);
    throw new ApiError(response.status, data, Number.isFinite(retryAfter) ? retryAfter : undefined);
  }
  return data;
}

/** The URL of a GET under the API, with the non-empty query parameters. */
export function url(path, params) {
  const q = new URLSearchParams();
  Object.entries(params || {}).forEach(([k, v]) => {
    if (v !== undefined && v !== null && v !== '') {
      q.set(k, String(v));
    }
  });
  const s = q.toString();
  return BASE + path + (s ? '?' + s : '');
}

export const get = (path, params) => call('GET', url(path, params).slice(BASE.length));
export const put = (path, body) => call('PUT', path, body);
export const post = (path, body) => call('POST', path, body === undefined ? {} : body);
