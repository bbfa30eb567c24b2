// Registered queries: what each integration asked your agent to run on a schedule, and how it went.
import * as api from './api.js';
import { $, el, clear, when, number } from './dom.js';

const STATUS = { active: 'Active', paused: 'Paused', expired: 'Expired' };
const GRANT = { enabled: 'enabled', disabled: 'disabled', blocked: 'blocked', pending: 'not yet enabled' };

/** "every 5 minutes", "every hour", "every 90 seconds": how often the agent runs it. */
export function schedule(seconds) {
  const units = [[86400, 'day'], [3600, 'hour'], [60, 'minute'], [1, 'second']];
  for (const [size, unit] of units) {
    if (seconds % size === 0) {
      const n = seconds / size;
      return n === 1 ? `every ${unit}` : `every ${number(n)} ${unit}s`;
    }
  }
  return `every ${number(seconds)} seconds`;
}

export function registeredPage(state) {
  async function load() {
    const data = await api.get(state.practicePath('/registered-queries'));
    const list = clear($('registered-list'));
    $('registered-none').hidden = data.integrations.length > 0;
    data.integrations.forEach((i) => list.append(group(i)));
  }

  function group(i) {
    const count = i.registeredQueries.length;
    const headingId = `registered-${i.clientId}`;
    return el('section', { class: 'registered-group', 'data-client-id': i.clientId, 'aria-labelledby': headingId },
      el('h2', { id: headingId }, i.name),
      el('p', { class: 'muted' }, `${count} registered quer${count === 1 ? 'y' : 'ies'}; the integration is `
        + `${GRANT[i.grantStatus] || i.grantStatus} here`
        + (i.grantStatus === 'enabled' ? '.' : ', so its registered queries do not run.')),
      el('div', { class: 'table-wrap' },
        el('table', {},
          el('caption', { class: 'visually-hidden' }, `Queries ${i.name} registered at this practice`),
          el('thead', {}, el('tr', {},
            ['Query', 'Schedule', 'Status', 'Created', 'Expires', 'Last run', 'Last change']
              .map((h) => el('th', { scope: 'col' }, h)))),
          el('tbody', {}, i.registeredQueries.map(row)))));
  }

  function row(r) {
    const values = r.paramsCount ? ` (${number(r.paramsCount)} value${r.paramsCount === 1 ? '' : 's'} not shown)` : '';
    return el('tr', { 'data-registration-id': r.registrationId, 'data-status': r.status },
      el('td', {}, el('code', { class: 'sql' }, r.sql), values ? el('span', { class: 'muted' }, values) : null,
        r.catalogue ? el('div', { class: 'muted' }, `database ${r.catalogue}`) : null),
      el('td', { 'data-role': 'schedule' }, schedule(r.everySeconds)),
      el('td', {}, el('span', { class: 'badge status-' + r.status, 'data-role': 'status' }, STATUS[r.status] || r.status)),
      el('td', {}, when(r.createdAt)),
      el('td', {}, when(r.expiresAt)),
      el('td', { title: `${number(r.runs)} runs` }, r.lastRunAt ? when(r.lastRunAt) : 'Not yet'),
      el('td', { title: `${number(r.changes)} changes` }, r.lastChangeAt ? when(r.lastChangeAt) : 'None yet'));
  }

  return { show: load, load };
}
