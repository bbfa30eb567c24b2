// Integrations: the catalogue with each one's status here; enable, disable, block; pairing codes.
import * as api from './api.js';
import { $, el, clear, setText, when, number, copy, confirmDialog } from './dom.js';

const LABELS = { enabled: 'Enabled', disabled: 'Disabled', blocked: 'Blocked', pending: 'Not yet enabled', none: 'Not yet enabled' };

export function integrationsPage(state) {
  let pairingCode = '';

  async function load() {
    const data = await api.get(state.practicePath('/integrations'));
    state.names.clear();
    data.integrations.forEach((i) => state.names.set(i.clientId, i.name));
    const body = clear($('integrations-table').tBodies[0]);
    data.integrations.forEach((i) => body.append(row(i)));
    if (!data.integrations.length) {
      body.append(el('tr', {}, el('td', { colspan: 5 }, 'No integrations are listed yet.')));
    }
    return data.integrations;
  }

  function row(i) {
    const status = i.grant.status;
    const limits = i.grant.limits;
    const scopes = i.grant.scopes || [];
    const actions = el('div', { class: 'actions' });
    if (i.blockedEverywhere) {
      actions.append(el('span', {}, 'Blocked by the operator for every practice'));
    } else {
      if (status !== 'enabled') {
        actions.append(button('Enable', i, 'enabled'));
      }
      if (status === 'enabled') {
        actions.append(button('Disable', i, 'disabled'));
      }
      if (status !== 'blocked') {
        actions.append(button('Block…', i, 'blocked', 'danger'));
      }
      actions.append(el('button', { type: 'button', 'data-action': 'pair', 'aria-label': `Pairing code for ${i.name}`,
        onclick: () => pair(i) }, 'Pairing code'));
    }
    return el('tr', { 'data-client-id': i.clientId, 'data-status': status },
      el('th', { scope: 'row' }, el('span', { class: 'name' }, i.name), el('br'), el('code', { class: 'muted' }, i.clientId)),
      el('td', {}, el('span', { class: 'badge status-' + status, 'data-role': 'status' }, LABELS[status] || status)),
      el('td', {}, scopes.length ? el('ul', { class: 'plain' }, scopes.map((s) => el('li', {}, el('code', {}, s))))
        : 'All tables and views'),
      el('td', {}, limits ? el('ul', { class: 'plain' },
        el('li', {}, `${number(limits.ratePerMinute)} queries/min`),
        el('li', {}, `${number(limits.maxRows)} rows per query`),
        el('li', {}, `${number(limits.maxTimeoutMs / 1000)} s per query`),
        el('li', {}, `queue wait ${number(limits.maxQueueTimeoutMs / 1000)} s, weight ${number(limits.weight)}`)) : 'Defaults'),
      el('td', {}, actions));
  }

  function button(label, i, next, cls) {
    return el('button', { type: 'button', class: cls, 'data-action': next, 'aria-label': `${label.replace('…', '')} ${i.name}`,
      onclick: () => setStatus(i, next) }, label);
  }

  async function setStatus(i, next) {
    if (next === 'blocked') {
      const ok = await confirmDialog(`Block ${i.name}?`,
        `Blocking stops ${i.name} from reading your practice's data at once: its next query is refused, and so are `
        + 'its queries still waiting at your agent. It stays blocked until you enable it again here.',
        `Block ${i.name}`);
      if (!ok) {
        return;
      }
    }
    try {
      await api.put(state.practicePath(`/integrations/${encodeURIComponent(i.clientId)}`), { status: next });
      await load();
      state.notice(`${i.name} is now ${LABELS[next].toLowerCase()}.`);
      const again = document.querySelector(`tr[data-client-id="${CSS.escape(i.clientId)}"] button`);
      if (again) {
        again.focus(); // keep keyboard users where they were
      }
    } catch (e) {
      state.failure(e);
    }
  }

  async function pair(i) {
    try {
      const code = await api.post(state.practicePath(`/integrations/${encodeURIComponent(i.clientId)}/pairing-codes`));
      pairingCode = code.pairingCode;
      setText('pairing-for', i.name);
      setText('pairing-code', code.pairingCode);
      setText('pairing-expiry', when(code.expiresAt));
      $('pairing').hidden = false;
      $('pairing-copy').focus();
    } catch (e) {
      state.failure(e);
    }
  }

  return {
    init() {
      $('pairing-copy').addEventListener('click', async () => {
        const copied = await copy(pairingCode, $('pairing-code'));
        state.notice(copied ? 'Pairing code copied.' : 'Press Ctrl+C to copy the selected code.');
      });
      $('pairing-close').addEventListener('click', () => {
        $('pairing').hidden = true;
        pairingCode = '';
        load().catch(state.failure);
      });
    },
    show: load,
    load,
  };
}
