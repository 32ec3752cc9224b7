// The agent console's page script (issue 15): plain ES module, no build step. Every text a
// customer typed is put in the page with textContent, never as markup.

import { announcementsPanel, caseTools, slaBadges } from './case-tools.js';
import { keptMails } from './kept-mails.js';

const LANGS = ['es', 'en', 'pt'];
const lang = LANGS.find((l) => (navigator.language || 'es').toLowerCase().startsWith(l)) || 'es';
const state = {
  texts: {},
  me: null,
  csrf: '',
  selected: null,
  view: null,
  source: null,
  skew: 0,
  rendered: null,
};
const $ = (selector) => document.querySelector(selector);

/** A text of locales/<lang>/console.json, its {{params}} filled in. */
function t(key, params = {}) {
  const found = key.split('.').reduce((node, part) => (node ? node[part] : undefined), state.texts);
  const text = typeof found === 'string' ? found : key;
  return text.replace(/\{\{(\w+)\}\}/g, (_, name) => String(params[name] ?? ''));
}

/** An element with a class and text content (never HTML) and children. */
function el(tag, options = {}, ...children) {
  const node = document.createElement(tag);
  if (options.className) node.className = options.className;
  if (options.text !== undefined) node.textContent = String(options.text);
  if (options.testid) node.dataset.testid = options.testid;
  for (const child of children) if (child) node.append(child);
  return node;
}

async function api(path, options = {}) {
  const init = { method: options.method || 'GET', headers: {}, credentials: 'same-origin' };
  if (init.method !== 'GET') {
    init.headers['content-type'] = 'application/json';
    init.headers['x-csrf-token'] = state.csrf;
    init.body = JSON.stringify(options.body || {});
  }
  const res = await fetch(path, init);
  let body = {};
  try {
    body = await res.json();
  } catch {
    body = {};
  }
  return { status: res.status, body, headers: res.headers };
}

const when = (iso) =>
  iso
    ? new Intl.DateTimeFormat(lang, { dateStyle: 'short', timeStyle: 'short' }).format(
        new Date(iso),
      )
    : '';

function applyStaticTexts() {
  document.documentElement.lang = lang;
  for (const node of document.querySelectorAll('[data-t]')) node.textContent = t(node.dataset.t);
  document.title = t('title');
}

async function boot() {
  const texts = await fetch(`/agent/api/texts/${lang}`);
  state.texts = await texts.json();
  applyStaticTexts();
  const me = await api('/agent/api/me');
  if (me.status !== 200) return showLogin();
  state.me = me.body;
  state.csrf = me.body.csrf;
  showConsole();
}

function showLogin() {
  $('#login').hidden = false;
  $('#console').hidden = true;
  $('#logout').hidden = true;
  $('#live').hidden = true;
}

$('#login-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  $('#login-error').textContent = '';
  const res = await api('/agent/api/login', {
    method: 'POST',
    body: { email: $('#email').value, password: $('#password').value },
  });
  if (res.status === 200) {
    $('#password').value = '';
    return boot();
  }
  $('#login-error').textContent =
    res.status === 429
      ? t('login.limited', { seconds: res.headers.get('retry-after') || '60' })
      : t('login.failed');
});

$('#logout').addEventListener('click', async () => {
  await api('/agent/api/logout', { method: 'POST' });
  state.source?.close();
  location.reload();
});

function showConsole() {
  $('#login').hidden = true;
  $('#console').hidden = false;
  $('#logout').hidden = false;
  $('#me').textContent = t('signedInAs', { name: state.me.name, role: state.me.role });
  loadQueue();
  connect();
  // R003-3 / R003-4: the announcements, under the queue.
  announcementsPanel(state.me, { el, t, api, when }).then((panel) => $('aside').append(panel));
  // Work queued through another process shows within seconds, whatever the live feed says.
  setInterval(() => {
    loadQueue();
    if (state.selected) openConversation(state.selected);
  }, 10_000);
  setInterval(showChatLimit, 1_000);
  // Issue 16: supervisors see the mails kept unsent (no mail server, retrying, no address).
  if (state.me.role === 'supervisor') keptMails($('#mails'), $('#mail-list'), { el, t, api, when });
}

function connect() {
  const live = $('#live');
  live.hidden = false;
  const source = new EventSource('/agent/api/events');
  state.source = source;
  source.addEventListener('open', () => (live.textContent = t('live.connected')));
  source.addEventListener('error', () => (live.textContent = t('live.reconnecting')));
  source.addEventListener('queue', (event) => {
    const data = JSON.parse(event.data);
    loadQueue();
    if (data.conversationId === state.selected) openConversation(state.selected);
  });
  // An SLA goal due soon or missed (issue 16): the queue shows it on the case's row.
  source.addEventListener('sla', () => loadQueue());
  source.addEventListener('message', (event) => {
    const data = JSON.parse(event.data);
    if (data.conversationId !== state.selected) return loadQueue();
    appendLine({ from: data.from, text: data.text, at: data.at });
  });
}

async function loadQueue() {
  const res = await api('/agent/api/queue');
  if (res.status === 401) return showLogin();
  const list = $('#queue');
  list.replaceChildren();
  if (!res.body.queue || res.body.queue.length === 0) {
    list.append(el('li', { className: 'muted', text: t('queue.empty') }));
    return;
  }
  for (const item of res.body.queue) {
    const row = el(
      'li',
      { testid: 'queue-item' },
      el(
        'div',
        { className: 'tags' },
        el('span', { className: `tag ${item.priority}`, text: item.priority }),
        el('span', { className: 'tag', text: item.level }),
        el('span', { className: 'tag', text: item.channel }),
      ),
      slaBadges(item, { el, t }),
      el('strong', { text: item.customerName || item.accountNumber || item.conversationId }),
      el('div', { className: 'muted', text: t(`reasons.${item.reason}`) }),
      el('div', { className: 'last', text: item.lastText }),
      el('div', {
        className: 'muted',
        text: item.agent
          ? t('queue.heldBy', { agent: item.agent })
          : `${t('queue.slaDue')}: ${when(item.slaDue)}`,
      }),
    );
    row.dataset.conversation = item.conversationId;
    if (item.conversationId === state.selected) row.classList.add('selected');
    row.addEventListener('click', () => openConversation(item.conversationId));
    list.append(row);
  }
}

async function openConversation(id) {
  state.selected = id;
  for (const row of document.querySelectorAll('#queue li'))
    row.classList.toggle('selected', row.dataset.conversation === id);
  const res = await api(`/agent/api/conversations/${encodeURIComponent(id)}`);
  const detail = $('#detail');
  if (res.status !== 200) {
    state.view = null;
    detail.replaceChildren(el('p', { className: 'muted', text: t('refusals.not-found') }));
    return;
  }
  state.view = res.body;
  // The 20 minutes run on the server's clock (a simulated one in a trial): keep its offset.
  state.skew = new Date(res.body.now).getTime() - Date.now();
  renderDetail(res.body);
}

function field(list, label, value) {
  if (value === null || value === undefined || value === '') return;
  list.append(el('dt', { text: label }), el('dd', { text: value }));
}

function renderDetail(view) {
  const info = el('dl');
  const c = view.case;
  field(info, t('conversation.customer'), view.customerName);
  field(info, t('conversation.account'), view.accountNumber);
  field(info, t('conversation.channel'), `${view.channel} · ${view.language}`);
  field(info, t('queue.priority'), `${view.priority} · ${t('queue.level')} ${view.level}`);
  field(info, t('queue.since'), when(view.waitingSince));
  field(info, t('queue.slaDue'), when(view.slaDue));
  if (c) {
    field(
      info,
      t('conversation.case'),
      `${c.number} · ${t(`caseTypes.${c.type}`)} · ${t(`caseStatuses.${c.status}`)}`,
    );
    field(info, t('conversation.subject'), c.subject);
    field(info, t('conversation.description'), c.description);
    field(info, t('conversation.contract'), c.contractNumber);
    field(info, t('conversation.equipment'), c.equipmentSerial);
    field(info, t('conversation.location'), c.equipmentLocation);
    field(
      info,
      t('conversation.contact'),
      [c.contact?.name, c.contact?.phone, c.contact?.email].filter(Boolean).join(' · '),
    );
  }
  const parts = [el('h2', { text: view.customerName || view.conversationId }), info];
  if (c && c.identityVerified === false)
    parts.push(el('p', { className: 'warn', text: t('conversation.identityUnverified') }));
  parts.push(el('p', { className: 'warn', testid: 'chat-limit' }));
  if (view.fairUse.length > 0) {
    const abuse = el('ul', { testid: 'fair-use' });
    for (const r of view.fairUse) {
      const status = r.suspended
        ? r.suspendedUntil
          ? t('conversation.suspendedUntil', { until: when(r.suspendedUntil) })
          : t('conversation.suspendedForever')
        : t('conversation.warning');
      abuse.append(
        el(
          'li',
          {},
          el('strong', { text: `${r.rule} · ${status} · ${when(r.at)}` }),
          el('div', { text: `${t('conversation.words')}: ${r.words.join(', ')}` }),
          el('div', { className: 'muted', text: r.text }),
        ),
      );
    }
    parts.push(
      el('div', { className: 'warn' }, el('h3', { text: t('conversation.fairUse') }), abuse),
    );
  }
  parts.push(el('h3', { text: t('conversation.transcript') }));
  const transcript = el('ul', { testid: 'transcript' });
  transcript.id = 'transcript';
  parts.push(transcript);
  parts.push(actions(view));
  // A refresh (the customer wrote, the queue moved) keeps what the agent was typing.
  const kept = {};
  const same = state.rendered === view.conversationId;
  const focused = document.activeElement?.dataset?.testid;
  for (const name of ['message', 'resolution']) kept[name] = same ? field$(name)?.value : '';
  $('#detail').replaceChildren(...parts);
  state.rendered = view.conversationId;
  for (const name of ['message', 'resolution'])
    if (kept[name] && field$(name)) field$(name).value = kept[name];
  if (same && focused && field$(focused)) field$(focused).focus();
  for (const line of view.transcript) appendLine(line);
  showChatLimit();
}

/** An input of the open conversation by its test id. */
function field$(name) {
  return document.querySelector(`#detail [data-testid="${name}"]`);
}

function appendLine(line) {
  const list = $('#transcript');
  if (!list) return;
  list.append(
    el(
      'li',
      { className: line.from },
      el('span', {
        className: 'muted',
        text: `${t(`conversation.from.${line.from}`)} · ${when(line.at)} `,
      }),
      el('span', { className: 'text', text: line.text }),
    ),
  );
  list.scrollTop = list.scrollHeight;
}

function showChatLimit() {
  const box = document.querySelector('[data-testid="chat-limit"]');
  if (!box || !state.view) return;
  if (!state.view.chatLimitDue) {
    box.hidden = true;
    return;
  }
  box.hidden = false;
  const left = Math.max(0, new Date(state.view.chatLimitDue).getTime() - (Date.now() + state.skew));
  box.textContent =
    left === 0
      ? t('conversation.chatLimitOver')
      : t('conversation.chatLimit', {
          minutes: Math.floor(left / 60_000),
          seconds: Math.floor((left % 60_000) / 1000),
        });
}

/** An id for a message, so a resend is not sent twice (randomUUID needs a secure context). */
function newId() {
  if (globalThis.crypto?.randomUUID) return crypto.randomUUID();
  return `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 12)}`;
}

function button(key, testid, run) {
  const b = el('button', { text: t(key), testid });
  b.type = 'button';
  b.addEventListener('click', run);
  return b;
}

function actions(view) {
  const box = el('div', { className: 'actions' });
  const error = el('p', { className: 'error', testid: 'action-error' });
  error.setAttribute('role', 'alert');
  const act = async (path, body) => {
    error.textContent = '';
    const res = await api(
      `/agent/api/conversations/${encodeURIComponent(view.conversationId)}/${path}`,
      { method: 'POST', body },
    );
    if (res.status === 200) return openConversation(view.conversationId).then(loadQueue);
    error.textContent = res.body.error
      ? t(`refusals.${res.body.error}`, { holder: res.body.holder || '' })
      : t('refusals.error');
  };
  if (view.mode === 'queued') {
    box.append(button('actions.take', 'take', () => act('take')));
  } else {
    const message = el('textarea', { testid: 'message' });
    message.placeholder = t('actions.messagePlaceholder');
    const send = button('actions.send', 'send', async () => {
      const text = message.value;
      message.value = '';
      await act('message', { text, id: newId() });
    });
    const resolution = el('input', { testid: 'resolution' });
    resolution.placeholder = t('actions.resolutionPlaceholder');
    resolution.title = t('actions.confirmClose');
    box.append(
      message,
      send,
      button('actions.transfer', 'transfer', () => act('transfer')),
      button('actions.release', 'release', () => act('release')),
      resolution,
      button('actions.close', 'close', () => act('close', { resolution: resolution.value })),
      caseTools(view, { el, t, button, act }),
    );
  }
  box.append(error);
  return box;
}

boot();
