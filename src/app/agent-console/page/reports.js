// The supervisor reports page (issue 16): plain ES module, no build step. Chart.js comes from
// /agent/chart.umd.min.js (the npm package, served by atiende; no CDN), loaded before this.

const LANGS = ['es', 'en', 'pt'];
const lang = LANGS.find((l) => (navigator.language || 'es').toLowerCase().startsWith(l)) || 'es';
const $ = (selector) => document.querySelector(selector);
let texts = {};
const charts = new Map();

function t(key, params = {}) {
  const found = key.split('.').reduce((node, part) => (node ? node[part] : undefined), texts);
  const text = typeof found === 'string' ? found : key;
  return text.replace(/\{\{(\w+)\}\}/g, (_, name) => String(params[name] ?? ''));
}

const number = (n) => new Intl.NumberFormat(lang).format(n);
const percent = (r) =>
  r === null
    ? '—'
    : new Intl.NumberFormat(lang, { style: 'percent', maximumFractionDigits: 1 }).format(r);
const decimal = (r) =>
  r === null ? '—' : new Intl.NumberFormat(lang, { maximumFractionDigits: 2 }).format(r);

/** A label for a key of a group: the console's words where it has them, else the key. */
function label(group, key) {
  const words = {
    type: `caseTypes.${key}`,
    outcome: `reports.outcomes.${key}`,
    category: `reports.categories.${key}`,
  }[group];
  const said = words ? t(words) : key;
  return said === words ? key : said;
}

function draw(id, type, labels, datasets, options = {}) {
  charts.get(id)?.destroy();
  const canvas = document.getElementById(id);
  canvas.setAttribute('role', 'img');
  canvas.setAttribute(
    'aria-label',
    labels.map((l, i) => `${l}: ${datasets[0].data[i]}`).join(', '),
  );
  charts.set(
    id,
    new window.Chart(canvas, {
      type,
      data: { labels, datasets },
      options: {
        animation: false,
        responsive: true,
        plugins: { legend: { display: datasets.length > 1 } },
        ...options,
      },
    }),
  );
}

function bars(id, group, values) {
  const keys = Object.keys(values).sort();
  draw(
    id,
    'bar',
    keys.map((k) => label(group, k)),
    [{ label: t('reports.cases'), data: keys.map((k) => values[k]) }],
  );
}

function show(report) {
  const summary = $('#summary');
  summary.replaceChildren();
  const item = (key, value) => {
    const dt = document.createElement('dt');
    dt.textContent = t(key);
    const dd = document.createElement('dd');
    dd.textContent = value;
    dd.dataset.testid = key;
    summary.append(dt, dd);
  };
  item('reports.opened', number(report.cases.opened));
  item('reports.closed', number(report.firstLevel.closed));
  item('reports.firstLevelShare', percent(report.firstLevel.share));
  item('reports.escalations', number(report.escalations));
  item('reports.surveyAverage', decimal(report.survey.average));
  item('reports.surveyRate', percent(report.survey.responseRate));
  item('reports.suspensions', number(report.suspensions));
  item('reports.visitsScheduled', number(report.visits.scheduled));
  $('#figures').hidden = false;
  bars('chart-channel', 'channel', report.cases.byChannel);
  bars('chart-type', 'type', report.cases.byType);
  bars('chart-category', 'category', report.cases.byCategory);
  bars('chart-priority', 'priority', report.cases.byPriority);
  bars('chart-visits', 'outcome', report.visits.outcomes);
  const clocks = Object.keys(report.sla);
  draw(
    'chart-sla',
    'bar',
    clocks.map((c) => t(`reports.clocks.${c}`)),
    [
      { label: t('reports.met'), data: clocks.map((c) => report.sla[c].met) },
      { label: t('reports.missed'), data: clocks.map((c) => report.sla[c].missed) },
    ],
    { scales: { x: { stacked: true }, y: { stacked: true } } },
  );
  draw(
    'chart-days',
    'line',
    report.days.map((d) => d.day),
    [
      { label: t('reports.opened'), data: report.days.map((d) => d.opened) },
      { label: t('reports.closed'), data: report.days.map((d) => d.closed) },
    ],
    { aspectRatio: 4 },
  );
}

function query() {
  const params = new URLSearchParams({
    country: $('#country').value,
    from: $('#from').value,
    to: $('#to').value,
  });
  return params.toString();
}

async function load() {
  const res = await fetch(`/agent/api/reports?${query()}`, { credentials: 'same-origin' });
  const refused = $('#refused');
  refused.hidden = res.ok;
  $('#csv').href = `/agent/api/reports?${query()}&format=csv`;
  if (res.status === 401) location.href = '/agent';
  if (!res.ok) {
    const body = await res.json().catch(() => ({}));
    refused.textContent =
      res.status === 403 ? t('reports.supervisorsOnly') : body.message || t('reports.invalid');
    return;
  }
  show(await res.json());
}

async function boot() {
  texts = await (await fetch(`/agent/api/texts/${lang}`)).json();
  document.documentElement.lang = lang;
  for (const node of document.querySelectorAll('[data-t]')) node.textContent = t(node.dataset.t);
  document.title = t('reports.heading');
  const me = await fetch('/agent/api/me', { credentials: 'same-origin' });
  if (me.status !== 200) return void (location.href = '/agent');
  const select = $('#country');
  const allowed = await fetch('/agent/api/reports/countries', { credentials: 'same-origin' });
  if (!allowed.ok) {
    $('#refused').hidden = false;
    $('#refused').textContent = t('reports.supervisorsOnly');
    $('#report-form').hidden = true;
    return;
  }
  const { countries = [] } = await allowed.json();
  for (const code of countries) {
    const option = document.createElement('option');
    option.value = code;
    option.textContent = code;
    select.append(option);
  }
  const today = new Date();
  const monthAgo = new Date(today.getTime() - 30 * 86_400_000);
  $('#to').value = today.toISOString().slice(0, 10);
  $('#from').value = monthAgo.toISOString().slice(0, 10);
  $('#report-form').addEventListener('submit', (event) => {
    event.preventDefault();
    load();
  });
  load();
}

boot();
