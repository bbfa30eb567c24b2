// Audit log: filter by integration, kind, outcome and time; page backwards; export CSV.
import * as api from './api.js';
import { $, el, clear, setText, when, number } from './dom.js';

const PAGE = 25;
const SIGNED_EVERY_MS = 10000;

export function auditPage(state) {
  // Cursors of the pages seen so far: older pages push, newer pages pop.
  let cursors = [null];
  let next = null;

  function filters() {
    const iso = (id) => ($(id).value ? new Date($(id).value).toISOString() : '');
    return { actor: $('audit-actor').value, kind: $('audit-kind').value, outcome: $('audit-outcome').value,
      from: iso('audit-from'), to: iso('audit-to') };
  }

  async function fillIntegrations() {
    const select = $('audit-actor');
    const chosen = select.value;
    const catalogue = await api.get(state.practicePath('/integrations'));
    catalogue.integrations.forEach((i) => state.names.set(i.clientId, i.name));
    select.replaceChildren(el('option', { value: '' }, 'All'),
      ...catalogue.integrations.map((i) => el('option', { value: i.clientId }, i.name)));
    select.value = chosen;
  }

  async function load() {
    const f = filters();
    $('audit-csv').href = api.url(state.practicePath('/audit.csv'), f);
    const page = await api.get(state.practicePath('/audit'), { ...f, before: cursors[cursors.length - 1], limit: PAGE });
    const body = clear($('audit-table').tBodies[0]);
    page.records.forEach((r) => body.append(row(r)));
    if (!page.records.length) {
      body.append(el('tr', {}, el('td', { colspan: 6 }, 'No records match these filters.')));
    }
    showSigned(page.signedHead);
    next = page.records.length === PAGE ? page.before : null;
    $('audit-older').disabled = next === null;
    $('audit-newer').disabled = cursors.length === 1;
    setText('audit-page', `Page ${cursors.length}`);
  }

  // The latest head the relay signed: where the log stood, vouched for with a key the store never
  // holds. Noting it down (or keeping an export) lets a later check show the log was not rewritten.
  function showSigned(head) {
    const line = clear($('audit-signed'));
    if (!head) {
      line.append('Not signed yet: the relay signs the log within a minute of a change.');
      return;
    }
    const groups = (hex) => hex.match(/.{1,4}/g).join(' ');
    line.append('Latest signed head: record ', el('strong', {}, number(head.position)), ', signed ',
      el('time', { datetime: head.signedAt }, when(head.signedAt)), ' · head ',
      el('code', { title: head.headHash }, groups(head.headFingerprint)), ' · key ',
      el('code', {}, groups(head.keyFingerprint)));
  }

  // Heads are signed apart from this page (every minute by default): look again while it is open,
  // so a head signed since it was opened shows without a reload.
  async function refreshSigned() {
    if (!state.session || $('page-audit').hidden || document.hidden) {
      return;
    }
    try {
      showSigned((await api.get(state.practicePath('/audit'), { limit: 1 })).signedHead);
    } catch (e) {
      // a hint, like the alerts badge: the page's own loads report failures
    }
  }

  function row(r) {
    const integration = r.kind === 'query' || r.kind === 'schema' || r.kind === 'registered';
    const ran = r.kind === 'query' || r.kind === 'registered';
    const who = integration ? (state.names.get(r.actor) || r.actor) : r.actor.replace(/^console:/, '');
    const what = ran ? el('code', { class: 'sql' }, r.sql || '')
      : el('span', {}, r.kind === 'schema' ? describeSchema(r) : describe(r));
    const refused = integration && r.outcome !== 'succeeded';
    return el('tr', { 'data-kind': r.kind, 'data-outcome': r.outcome, class: refused ? 'refused' : null },
      el('td', {}, el('time', { datetime: r.at }, when(r.at))),
      el('td', {}, who, r.kind === 'admin' ? el('span', { class: 'muted' }, ' (admin)') : null),
      el('td', {}, what, r.kind === 'registered' ? el('span', { class: 'muted' }, ' (registered, run by your agent)') : null),
      el('td', {}, el('span', { class: refused ? 'badge status-blocked' : 'badge' }, r.outcome)),
      el('td', {}, integration ? number(r.rows) : ''),
      el('td', {}, ran ? number(r.executionMs) : ''));
  }

  // A schema request: the tables and views the integration may read (its rows: how many were listed).
  function describeSchema(r) {
    const catalogue = r.detail && r.detail.catalogue ? ` of ${r.detail.catalogue}` : '';
    const cached = r.detail && r.detail.cached ? ' (from the relay\'s cache)' : '';
    return `listed the tables it may read${catalogue}${cached}`;
  }

  function describe(r) {
    const after = r.detail && r.detail.after;
    const target = after && after.clientId ? ` ${state.names.get(after.clientId) || after.clientId}` : '';
    const words = {
      'grant.enabled': 'enabled', 'grant.disabled': 'disabled', 'grant.blocked': 'blocked',
      'pairing.create': 'created a pairing code for', 'practice.rotate-key': 'rotated the agent key',
      'practice.quarantine': 'quarantined the practice', 'practice.resume': 'resumed',
    };
    const all = r.action === 'practice.resume' && !target ? ' every paused integration' : '';
    const why = r.action === 'practice.quarantine' && after && after.reason ? `: “${after.reason}”` : '';
    return `${words[r.action] || r.action}${target}${all}${why}`;
  }

  return {
    init() {
      setInterval(refreshSigned, SIGNED_EVERY_MS);
      $('audit-form').addEventListener('submit', (event) => {
        event.preventDefault();
        cursors = [null];
        load().catch(state.failure);
      });
      $('audit-older').addEventListener('click', () => {
        if (next !== null) {
          cursors.push(next);
          load().catch(state.failure);
        }
      });
      $('audit-newer').addEventListener('click', () => {
        if (cursors.length > 1) {
          cursors.pop();
          load().catch(state.failure);
        }
      });
    },
    async show() {
      cursors = [null];
      await fillIntegrations();
      await load();
    },
  };
}
