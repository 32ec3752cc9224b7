// The visit outcome page (issue 16): plain ES module, no build step. Texts with textContent only.

const LANGS = ['es', 'en', 'pt'];
const lang = LANGS.find((l) => (navigator.language || 'es').toLowerCase().startsWith(l)) || 'es';
const $ = (selector) => document.querySelector(selector);
let texts = {};
let csrf = '';
let folio = '';

function t(key, params = {}) {
  const found = key.split('.').reduce((node, part) => (node ? node[part] : undefined), texts);
  const text = typeof found === 'string' ? found : key;
  return text.replace(/\{\{(\w+)\}\}/g, (_, name) => String(params[name] ?? ''));
}

const when = (iso) =>
  iso
    ? new Intl.DateTimeFormat(lang, { dateStyle: 'short', timeStyle: 'short' }).format(
        new Date(iso),
      )
    : '—';
/** A datetime-local input's value (the agent's local time) as an ISO instant, or null. */
const instant = (id) => ($(id).value ? new Date($(id).value).toISOString() : null);

function showSheet(sheet) {
  const details = $('#details');
  details.replaceChildren();
  const item = (key, value) => {
    const dt = document.createElement('dt');
    dt.textContent = t(key);
    const dd = document.createElement('dd');
    dd.textContent = value;
    details.append(dt, dd);
  };
  item('visits.case', sheet.caseNumber);
  item('visits.subject', sheet.subject);
  item('visits.agreed', `${when(sheet.start)} – ${when(sheet.end)}`);
  item('visits.attendant', sheet.attendant);
  item('visits.status', t(`visits.statuses.${sheet.outcome}`));
  item('visits.freeLeft', String(sheet.freeReschedulesLeft));
  if (sheet.recorded) {
    item('visits.recordedBy', `${sheet.recorded.agent} · ${when(sheet.recorded.recordedAt)}`);
    item('visits.serviceMinutes', String(sheet.recorded.serviceMinutes));
  }
  $('#sheet').hidden = false;
  $('#outcome-form').hidden = sheet.recorded !== null;
}

async function open(number) {
  const res = await fetch(`/agent/api/visits/${encodeURIComponent(number)}`, {
    credentials: 'same-origin',
  });
  if (res.status === 401) return void (location.href = '/agent');
  if (!res.ok) {
    $('#sheet').hidden = true;
    $('#message').textContent = t('visits.notFound');
    return;
  }
  folio = number;
  $('#message').textContent = '';
  showSheet(await res.json());
}

async function record() {
  const res = await fetch(`/agent/api/visits/${encodeURIComponent(folio)}/outcome`, {
    method: 'POST',
    credentials: 'same-origin',
    headers: { 'content-type': 'application/json', 'x-csrf-token': csrf },
    body: JSON.stringify({
      outcome: $('#outcome').value,
      arrivedAt: instant('#arrivedAt'),
      startedAt: instant('#startedAt'),
      endedAt: instant('#endedAt'),
      extraTimeAcceptedInWriting: $('#accepted').checked,
      note: $('#note').value,
    }),
  });
  const body = await res.json().catch(() => ({}));
  if (res.ok) {
    $('#message').textContent = t(
      body.customer === 'told' ? 'visits.recordedTold' : 'visits.recordedNotTold',
      {
        minutes: body.record.serviceMinutes,
      },
    );
  } else if (res.status === 409) {
    $('#message').textContent = t('visits.alreadyRecorded', {
      agent: body.record.agent,
      at: when(body.record.recordedAt),
    });
  } else {
    // The rule broken in the agent's language; the server's words only for a reason unnamed.
    const named = body.reason ? t(`visits.reasons.${body.reason}`) : null;
    $('#message').textContent = t('visits.refused', {
      reason:
        named && named !== `visits.reasons.${body.reason}`
          ? named
          : body.message || body.error || res.status,
    });
  }
  await open(folio);
}

async function boot() {
  texts = await (await fetch(`/agent/api/texts/${lang}`)).json();
  document.documentElement.lang = lang;
  for (const node of document.querySelectorAll('[data-t]')) node.textContent = t(node.dataset.t);
  document.title = t('visits.heading');
  const me = await fetch('/agent/api/me', { credentials: 'same-origin' });
  if (me.status !== 200) return void (location.href = '/agent');
  csrf = (await me.json()).csrf;
  $('#find-form').addEventListener('submit', (event) => {
    event.preventDefault();
    open($('#folio').value.trim());
  });
  $('#outcome-form').addEventListener('submit', (event) => {
    event.preventDefault();
    record();
  });
  const given = new URLSearchParams(location.search).get('folio');
  if (given) {
    $('#folio').value = given;
    open(given);
  }
}

boot();
