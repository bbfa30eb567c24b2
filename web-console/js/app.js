// The console's shell: session, log in and out, the practice and agent bar, and page routing.
import * as api from './api.js';
import { $, setText, when } from './dom.js';
import { integrationsPage } from './integrations.js';
import { activityPage } from './activity.js';
import { auditPage } from './audit.js';
import { securityPage } from './security.js';
import { quarantinePage } from './quarantine.js';
import { alertsPage } from './alerts.js';
import { registeredPage } from './registered.js';

const state = { session: null, names: new Map() };
const pages = {
  integrations: integrationsPage(state),
  registered: registeredPage(state),
  activity: activityPage(state),
  audit: auditPage(state),
  security: securityPage(state),
  quarantine: quarantinePage(state),
  alerts: alertsPage(state),
};
let agentTimer = null;

export function notice(text) {
  setText('notice', text);
  setText('failure', '');
}

export function failure(error) {
  if (error && error.status === 401) {
    showLogin('Your session has ended; please log in again.');
    return;
  }
  setText('failure', error && error.message ? error.message : String(error));
}
state.notice = notice;
state.failure = failure;
state.practicePath = (suffix) => `/practices/${encodeURIComponent(state.session.practiceId)}${suffix || ''}`;

function showLogin(message) {
  stopAgentPolling();
  state.session = null;
  $('loading').hidden = true;
  $('app-view').hidden = true;
  $('login-view').hidden = false;
  setText('login-error', message || '');
  document.title = 'Log in · Practice console';
  $('login-username').focus();
}

async function showApp(session) {
  state.session = session;
  api.setCsrf(session.csrfToken);
  $('loading').hidden = true;
  $('login-view').hidden = true;
  $('app-view').hidden = false;
  setText('practice-name', session.practiceName);
  setText('username', session.username);
  await refreshAgent();
  startAgentPolling();
  pages.alerts.badge();
  await route();
}

/** The practice's name and agent status, shown at all times. */
async function refreshAgent() {
  try {
    const p = await api.get(state.practicePath());
    const agent = p.agent || {};
    setText('practice-name', p.name);
    const status = $('agent-status');
    status.textContent = { online: 'Online', offline: 'Offline', unreachable: 'Unreachable' }[agent.status] || agent.status;
    status.className = 'badge status-' + agent.status;
    setText('agent-since', agent.status === 'offline'
      ? (agent.lastSeen ? `since ${when(agent.lastSeen)}` : 'never connected')
      : agent.status === 'unreachable' ? `not heard from since ${when(agent.lastSeen)}` : '');
    setText('agent-version', agent.version || '—');
    setText('agent-address', agent.address || '—');
    const u = agent.update;
    setText('agent-update', u ? `${u.state} ${u.version} (${when(u.at)})${u.reason ? ': ' + u.reason : ''}` : '—');
    $('version-banner').hidden = !agent.versionNotice;
    setText('version-banner-text', agent.versionNotice || '');
    setText('pms-version', [p.pms && p.pms.kind, p.pms && p.pms.version].filter(Boolean).join(' ') || '—');
    // The agent does not report its queue yet: a dash, never an invented number.
    setLoad('agent-queue', agent.queueDepth);
    setLoad('agent-running', agent.running);
    await pages.quarantine.banner();
  } catch (e) {
    failure(e);
  }
}

function setLoad(id, value) {
  const node = $(id);
  const known = typeof value === 'number';
  node.textContent = known ? String(value) : '—';
  node.title = known ? '' : 'Not reported by the agent yet';
}

function startAgentPolling() {
  stopAgentPolling();
  agentTimer = setInterval(refreshAgent, 10000);
}

function stopAgentPolling() {
  if (agentTimer) {
    clearInterval(agentTimer);
    agentTimer = null;
  }
}
state.refreshAgent = refreshAgent;

async function route() {
  if (!state.session) {
    return;
  }
  const hash = location.hash.replace(/^#/, '');
  if (hash === 'main') {
    return; // the skip link: stay on the page
  }
  const name = pages[hash] ? hash : 'integrations';
  document.querySelectorAll('section[data-page]').forEach((s) => { s.hidden = s.dataset.page !== name; });
  document.querySelectorAll('[data-nav]').forEach((a) => {
    if (a.dataset.nav === name) {
      a.setAttribute('aria-current', 'page');
    } else {
      a.removeAttribute('aria-current');
    }
  });
  document.title = `${$('h-' + name).textContent} · ${state.session.practiceName} · Practice console`;
  setText('failure', '');
  setText('notice', '');
  try {
    await pages[name].show();
  } catch (e) {
    failure(e);
  }
  document.body.dataset.currentPage = name;
}

async function login(event) {
  event.preventDefault();
  setText('login-error', '');
  const username = $('login-username').value.trim();
  const password = $('login-password').value;
  if (!username || !password) {
    setText('login-error', 'Enter your username and password.');
    return;
  }
  try {
    const session = await api.call('POST', '/login', { username, password });
    $('login-password').value = '';
    await showApp(session);
    $('main').focus();
  } catch (e) {
    if (e.status === 429) {
      waitBeforeLogin(e.retryAfter || 1);
    } else {
      setText('login-error', e.status === 401 ? 'Wrong username or password.' : e.message);
    }
  }
}

let loginWait = null;

/**
 * Too many failed logins from here or on this account: the server checks no password until the
 * wait is over (each failure doubles it), so the button waits too, counting down.
 */
function waitBeforeLogin(seconds) {
  const button = document.querySelector('#login-form button[type=submit]');
  const until = Date.now() + seconds * 1000;
  clearInterval(loginWait);
  const tick = () => {
    const left = Math.ceil((until - Date.now()) / 1000);
    if (left <= 0) {
      clearInterval(loginWait);
      loginWait = null;
      button.disabled = false;
      setText('login-error', 'You can try again now.');
      return;
    }
    button.disabled = true;
    setText('login-error', `Too many failed logins: try again in ${left} second${left === 1 ? '' : 's'}.`);
  };
  tick();
  loginWait = setInterval(tick, 1000);
}

async function logout() {
  try {
    await api.post('/logout');
  } catch (e) {
    // the session may already be gone; either way show the login
  }
  showLogin('You are logged out.');
}

async function start() {
  $('login-form').addEventListener('submit', login);
  $('logout').addEventListener('click', logout);
  window.addEventListener('hashchange', route);
  Object.values(pages).forEach((p) => p.init && p.init());
  try {
    await showApp(await api.get('/session'));
  } catch (e) {
    showLogin(e.status === 401 ? '' : e.message);
  }
}

start();
