// Quarantine: pause every integration at once (optionally replacing the agent key), say why, then
// resume them one by one or all. The banner at the top shows while the practice is quarantined.
import * as api from './api.js';
import { $, el, clear, setText, when, copy, confirmDialog } from './dom.js';

const LABELS = { enabled: 'Enabled', disabled: 'Disabled', blocked: 'Blocked', pending: 'Not yet enabled' };

function who(actor) {
  return actor === 'operator' ? 'the operator' : (actor || '').replace(/^console:/, '');
}

export function quarantinePage(state) {
  let key = '';

  /** The banner, from the practice's quarantine (every page, refreshed with the agent's status). */
  async function banner() {
    const q = await api.get(state.practicePath('/quarantine'));
    $('quarantine-banner').hidden = !q.active;
    document.body.dataset.quarantined = q.active ? 'true' : 'false';
    if (q.active) {
      setText('quarantine-banner-text', `Since ${when(q.at)}, by ${who(q.by)}: “${q.reason}”. `
        + `${q.paused} integration${q.paused === 1 ? '' : 's'} paused.`);
    }
    return q;
  }

  async function load() {
    const q = await banner();
    $('quarantine-off').hidden = q.active;
    $('quarantine-on').hidden = !q.active;
    setText('quarantine-last', q.resumedAt
      ? `The last quarantine (${q.reason}) began ${when(q.at)} and ended ${when(q.resumedAt)}, by ${who(q.resumedBy)}.` : '');
    if (!q.active) {
      return;
    }
    setText('quarantine-summary', `Quarantined since ${when(q.at)} by ${who(q.by)}`
      + (q.agentKeyRotated ? '; the agent key was replaced.' : '.'));
    setText('quarantine-reason', q.reason);
    const body = clear($('quarantine-table').tBodies[0]);
    q.integrations.forEach((i) => body.append(row(i)));
    if (!q.integrations.length) {
      body.append(el('tr', {}, el('td', { colspan: 4 }, 'No integration had a status at this practice.')));
    }
    $('quarantine-resume-all').disabled = false;
  }

  function row(i) {
    const name = i.name || i.clientId;
    let action;
    if (i.outcome === 'paused') {
      action = el('button', { type: 'button', 'data-action': 'resume', 'aria-label': `Resume ${name}`,
        onclick: () => resume(i.clientId, name) }, 'Resume');
    } else {
      action = el('span', { class: 'muted' }, {
        unchanged: 'Not paused: it was not enabled',
        restored: `Resumed ${when(i.settledAt)}`,
        kept: `Kept as changed during the quarantine (${LABELS[i.settledStatus] || i.settledStatus || 'none'})`,
      }[i.outcome] || i.outcome);
    }
    const now = el('span', { class: 'badge status-' + i.status }, LABELS[i.status] || i.status || '—');
    return el('tr', { 'data-client-id': i.clientId, 'data-outcome': i.outcome },
      el('th', { scope: 'row' }, name),
      el('td', {}, LABELS[i.before] || i.before),
      el('td', {}, now, i.changedDuringQuarantine ? el('span', { class: 'muted' }, ' (changed during the quarantine: kept on resume)') : null),
      el('td', {}, action));
  }

  /** The quarantine dialog: a reason is required; resolves {reason, rotateAgentKey} or null if cancelled. */
  function ask() {
    const dialog = $('quarantine-dialog');
    $('quarantine-reason-input').value = '';
    $('quarantine-rotate').checked = false;
    setText('quarantine-reason-error', '');
    return new Promise((resolve) => {
      const form = $('quarantine-form');
      const submit = (event) => {
        event.preventDefault();
        const reason = $('quarantine-reason-input').value.trim();
        if (!reason) {
          setText('quarantine-reason-error', 'Say why you are quarantining the practice.');
          $('quarantine-reason-input').focus();
          return;
        }
        done({ reason, rotateAgentKey: $('quarantine-rotate').checked });
      };
      const cancel = () => done(null);
      function done(answer) {
        form.removeEventListener('submit', submit);
        $('quarantine-cancel').removeEventListener('click', cancel);
        dialog.removeEventListener('cancel', cancel);
        dialog.close();
        resolve(answer);
      }
      form.addEventListener('submit', submit);
      $('quarantine-cancel').addEventListener('click', cancel);
      dialog.addEventListener('cancel', cancel);
      dialog.showModal();
      $('quarantine-reason-input').focus();
    });
  }

  async function start() {
    const answer = await ask();
    if (!answer) {
      return;
    }
    try {
      const q = await api.post(state.practicePath('/quarantine'), answer);
      key = q.agentKey || '';
      setText('quarantine-key-value', key);
      $('quarantine-key').hidden = !key;
      await load();
      state.notice(`The practice is quarantined: ${q.paused} integration${q.paused === 1 ? '' : 's'} paused.`
        + (key ? ' Install the new agent key on the practice server now.' : ''));
      (key ? $('quarantine-key-copy') : $('quarantine-resume-all')).focus();
      state.refreshAgent();
    } catch (e) {
      state.failure(e);
    }
  }

  async function resume(clientId, name) {
    try {
      const q = await api.post(state.practicePath('/quarantine/resume'), { clientId });
      await load();
      state.notice(q.active ? `${name} is resumed.` : `${name} is resumed; the quarantine has ended.`);
    } catch (e) {
      state.failure(e);
    }
  }

  async function resumeAll() {
    const ok = await confirmDialog('Resume every integration?',
      'Each integration gets back the status it had before the quarantine (one changed during it keeps its new '
      + 'status), and the quarantine ends.', 'Resume all');
    if (!ok) {
      return;
    }
    try {
      await api.post(state.practicePath('/quarantine/resume'), {});
      await load();
      state.notice('Every integration is resumed; the quarantine has ended.');
    } catch (e) {
      state.failure(e);
    }
  }

  return {
    init() {
      $('quarantine-start').addEventListener('click', start);
      $('quarantine-reason-input').addEventListener('input', () => setText('quarantine-reason-error', ''));
      $('quarantine-resume-all').addEventListener('click', resumeAll);
      $('quarantine-key-copy').addEventListener('click', async () => {
        const copied = await copy(key, $('quarantine-key-value'));
        state.notice(copied ? 'Key copied.' : 'Press Ctrl+C to copy the selected key.');
      });
    },
    async show() {
      // The key is shown once: leaving the page forgets it.
      key = '';
      setText('quarantine-key-value', '');
      $('quarantine-key').hidden = true;
      await load();
    },
    banner,
  };
}
