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

  return {
    init() {
      $('rotate-key').addEventListener('click', rotate);
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
    },
  };
}
