// Security: rotate the agent key (shown once, with how to install it). Alerts have their page (alerts.js).
import * as api from './api.js';
import { $, setText, copy, confirmDialog } from './dom.js';

export function securityPage(state) {
  let key = '';

  async function rotate() {
    const ok = await confirmDialog('Rotate the agent key?',
      'A new key is made and the current one stops working at once: your agent goes offline, and integrations '
      + 'cannot read data, until the new key is installed on the practice server. The new key is shown only once.',
      'Rotate key');
    if (!ok) {
      return;
    }
    try {
      const answer = await api.post(state.practicePath('/agent-key'));
      key = answer.agentKey;
      setText('new-key-value', key);
      $('new-key').hidden = false;
      $('new-key-copy').focus();
      state.notice('The agent key was rotated. Install the new key on the practice server now.');
      state.refreshAgent();
    } catch (e) {
      state.failure(e);
    }
  }

  let moveKey = '';

  async function move() {
    const ok = await confirmDialog('Move the agent to a new server?',
      'A new agent key is made for the agent on the new server. The agent on the current server is refused from now '
      + 'on: integrations cannot read data until the agent on the new server runs with the new key. The key is shown only once.',
      'Issue key for the new server');
    if (!ok) {
      return;
    }
    try {
      const answer = await api.post(state.practicePath('/move'));
      moveKey = answer.agentKey;
      setText('move-key-value', moveKey);
      $('move-key').hidden = false;
      $('move-key-copy').focus();
      state.notice('The key for the new server was issued. Install it there now.');
      state.refreshAgent();
    } catch (e) {
      state.failure(e);
    }
  }

  return {
    init() {
      $('rotate-key').addEventListener('click', rotate);
      $('move-server').addEventListener('click', move);
      $('move-key-copy').addEventListener('click', async () => {
        const copied = await copy(moveKey, $('move-key-value'));
        state.notice(copied ? 'Key copied.' : 'Press Ctrl+C to copy the selected key.');
      });
      $('new-key-copy').addEventListener('click', async () => {
        const copied = await copy(key, $('new-key-value'));
        state.notice(copied ? 'Key copied.' : 'Press Ctrl+C to copy the selected key.');
      });
    },
    async show() {
      // The key is shown once: leaving the page forgets it.
      key = '';
      setText('new-key-value', '');
      $('new-key').hidden = true;
      moveKey = '';
      setText('move-key-value', '');
      $('move-key').hidden = true;
    },
  };
}
