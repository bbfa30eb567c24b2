// Alerts of suspicious activity: the badge (unacknowledged alerts, in the navigation) and the
// Alerts page (each alert in plain words, with acknowledge). Its own module and page section.
import * as api from './api.js';
import { $, el, clear, setText, when, number } from './dom.js';

const TITLES = {
  volume: 'Unusual volume',
  newTables: 'Tables read for the first time',
  refusals: 'Burst of refused queries',
  offHours: 'Activity at an unusual hour',
  tokenFailures: 'Repeated failed sign-ins',
  agentKey: 'Agent key used elsewhere',
};

/** What tripped the rule, in words, from the alert's figures (counts and names only). */
function describe(a) {
  const f = a.figures || {};
  switch (a.rule) {
    case 'volume':
      return `${number(f.queries)} queries and ${number(f.rows)} rows in ${f.windowMinutes} minutes; `
        + `its busiest ${f.windowMinutes} minutes in the last ${f.baselineDays} days: ${number(f.baselineQueries)} `
        + `queries, ${number(f.baselineRows)} rows.`;
    case 'newTables':
      return `Read ${(f.tables || []).join(', ')} for the first time (it had read ${number(f.knownTables)} other tables).`;
    case 'refusals':
      return `${number(f.refusals)} refused queries within ${f.withinSeconds} seconds `
        + `(${number(f.sqlRejected)} not allowed, ${number(f.scopeDenied)} outside what you granted).`;
    case 'offHours':
      return `Queried at ${String(f.hour).padStart(2, '0')}:00 (${f.zone}), an hour it had never used.`;
    case 'tokenFailures':
      return `${number(f.failures)} sign-ins with a wrong secret within ${f.withinSeconds} seconds.`;
    case 'agentKey':
      return f.reason === 'second_connection'
        ? `A second agent with your practice's key connected from ${f.address} while your agent at `
          + `${f.otherAddress} was running. Rotate the agent key (Security).`
        : `Your agent key was used from ${f.address}, an address not seen before. If that was not your server, `
          + 'rotate the agent key (Security).';
    default:
      return JSON.stringify(f);
  }
}

export function alertsPage(state) {
  const names = new Map();
  let openOnly = false;

  /** The badge in the navigation: how many alerts nobody has acknowledged yet. */
  async function badge() {
    if (!state.session) {
      return;
    }
    try {
      const answer = await api.get(state.practicePath('/alerts'), { unacknowledged: true, limit: 1 });
      const count = answer.unacknowledged || 0;
      const node = $('alerts-badge');
      node.textContent = count > 99 ? '99+' : String(count);
      node.hidden = count === 0;
      node.title = `${count} unacknowledged alert${count === 1 ? '' : 's'}`;
      setText('alerts-badge-text', count ? `, ${count} unacknowledged` : '');
    } catch (e) {
      // the badge is a hint: the page itself reports failures
    }
  }

  async function loadNames() {
    const answer = await api.get(state.practicePath('/integrations'));
    answer.integrations.forEach((i) => names.set(i.clientId, i.name));
  }

  async function acknowledge(alert) {
    try {
      await api.post(state.practicePath(`/alerts/${encodeURIComponent(alert.alertId)}/acknowledge`));
      state.notice(`Alert acknowledged: ${TITLES[alert.rule] || alert.rule}.`);
      await list();
      await badge();
    } catch (e) {
      state.failure(e);
    }
  }

  function row(a) {
    const who = a.clientId ? (names.get(a.clientId) || a.clientId) : 'Your agent';
    const status = a.acknowledgedAt
      ? el('td', {}, `Acknowledged by ${a.acknowledgedBy.replace(/^console:/, '')}, ${when(a.acknowledgedAt)}`)
      : el('td', {}, el('button', { type: 'button', 'data-action': 'acknowledge', onclick: () => acknowledge(a) },
        'Acknowledge'));
    return el('tr', { 'data-alert-id': a.alertId, 'data-rule': a.rule, 'data-acknowledged': String(!!a.acknowledgedAt) },
      el('td', {}, when(a.at)),
      el('th', { scope: 'row' }, TITLES[a.rule] || a.rule),
      el('td', {}, who),
      el('td', {}, describe(a),
        a.paused ? el('strong', { class: 'paused' }, ' The integration was paused: enable it again under Integrations '
          + 'once you are satisfied.') : null),
      status);
  }

  async function list() {
    const box = clear($('alerts-list'));
    const answer = await api.get(state.practicePath('/alerts'), { unacknowledged: openOnly || undefined });
    if (!answer.monitor) {
      box.append(el('p', { class: 'muted', 'data-role': 'no-monitor' },
        'Suspicious-activity monitoring is switched off on this relay.'));
      return;
    }
    if (!answer.alerts.length) {
      box.append(el('p', { 'data-role': 'no-alerts' }, openOnly ? 'No unacknowledged alerts.' : 'No alerts.'));
      return;
    }
    box.append(el('div', { class: 'table-wrap' }, el('table', { id: 'alerts-table' },
      el('thead', {}, el('tr', {}, ['When', 'Alert', 'Who', 'What happened', 'Status'].map((h) => el('th', { scope: 'col' }, h)))),
      el('tbody', {}, answer.alerts.map(row)))));
  }

  return {
    badge,
    init() {
      $('alerts-open-only').addEventListener('change', async (event) => {
        openOnly = event.target.checked;
        try {
          await list();
        } catch (e) {
          state.failure(e);
        }
      });
      setInterval(badge, 15000);
    },
    async show() {
      await loadNames();
      await list();
      await badge();
    },
  };
}
