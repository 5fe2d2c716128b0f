// The indicator page (DOMAIN.md §9): reads GET /api/indicators and draws the figures coordinators
// and the regional groups follow each month. Plain browser JavaScript and chart.js's UMD build,
// both served by this project (no CDN). No patient data: the API's report is aggregate.
/* global Chart */
'use strict';

const $ = (id) => document.getElementById(id);
const charts = {};
const fmt = new Intl.NumberFormat('sv-SE', { maximumFractionDigits: 2 });
const pct = new Intl.NumberFormat('sv-SE', { style: 'percent', maximumFractionDigits: 1 });
const num = (v) => (v === null || v === undefined ? '–' : fmt.format(v));
const share = (v) => (v === null || v === undefined ? '–' : pct.format(v));
// issue 17: a figure resting on too few (the API names it in the group's `suppressed`) is shown as
// "..", as in Swedish official statistics, never as a number or as the dash of "none"
const SUPPRESSED = '..';
const at = (g, path) => path.split('.').reduce((v, k) => (v === null || v === undefined ? undefined : v[k]), g);
const cell = (g, path, format = (v) => String(v)) => ((g.suppressed || []).includes(path) ? SUPPRESSED : format(at(g, path)));

/** The month before the current one: the latest month that has ended. */
function previousMonth() {
  const d = new Date();
  d.setDate(1);
  d.setMonth(d.getMonth() - 1);
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}`;
}

function query() {
  return new URLSearchParams({ region: $('region').value, month: $('month').value, window: $('window').value, care: $('care').value, groupBy: 'municipality' });
}

function draw(id, config) {
  if (charts[id]) charts[id].destroy();
  charts[id] = new Chart($(id), { ...config, options: { animation: false, responsive: true, maintainAspectRatio: false, ...config.options } });
}

function render(report) {
  const groups = report.groups;
  const labels = groups.map((g) => g.name);
  const t = report.total;
  $('kpi-average').textContent = cell(t, 'readyDays.average', num);
  $('kpi-benchmark').textContent = num(report.benchmark.days);
  $('kpi-day0').textContent = cell(t, 'readyDays.dischargedOnReadyDay.share', share);
  $('kpi-long').textContent = cell(t, 'readyDays.fourDaysOrMore.share', share);
  $('kpi-episodes').textContent = cell(t, 'readyDays.episodes');
  $('kpi-deviations').textContent = cell(t, 'deviations.total');

  const averageSets = [{ type: 'bar', label: 'Genomsnitt dygn', data: groups.map((g) => g.readyDays.average), backgroundColor: '#2f6fb3' }];
  if (report.benchmark.days !== null) {
    averageSets.push({ type: 'line', label: `Riktmärke ${num(report.benchmark.days)}`, data: groups.map(() => report.benchmark.days), borderColor: '#b42318', pointRadius: 0, borderDash: [6, 4] });
  }
  draw('chart-average', { type: 'bar', data: { labels, datasets: averageSets }, options: { scales: { y: { beginAtZero: true, title: { display: true, text: 'dygn' } } } } });
  const percentAxis = { y: { beginAtZero: true, max: 1, ticks: { callback: (v) => pct.format(v) } } };
  draw('chart-day0', { type: 'bar', data: { labels, datasets: [{ label: 'Dag 0', data: groups.map((g) => g.readyDays.dischargedOnReadyDay.share), backgroundColor: '#1a7f37' }] }, options: { scales: percentAxis } });
  draw('chart-long', { type: 'bar', data: { labels, datasets: [{ label: '≥ 4 dygn', data: groups.map((g) => g.readyDays.fourDaysOrMore.share), backgroundColor: '#bf8700' }] }, options: { scales: percentAxis } });
  const types = Object.keys(t.deviations.byType).sort();
  draw('chart-deviations', {
    type: 'bar',
    data: {
      labels: types.length ? types : ['inga avvikelser'],
      datasets: [{ label: 'Avvikelser', data: types.length ? types.map((k) => t.deviations.byType[k]) : [0], backgroundColor: '#8250df' }],
    },
    options: { indexAxis: 'y', scales: { x: { beginAtZero: true, ticks: { precision: 0 } } } },
  });

  const body = $('municipalities').tBodies[0];
  body.replaceChildren(
    ...[...groups, t].map((g) => {
      const tr = document.createElement('tr');
      tr.dataset.group = g.key;
      const cells = [
        g.name, g.key === 'region' ? '' : g.key, cell(g, 'readyDays.episodes'), cell(g, 'readyDays.sum'), cell(g, 'readyDays.average', num), cell(g, 'readyDays.median', num),
        cell(g, 'readyDays.p90', num), cell(g, 'readyDays.daysPerIndividual', num), cell(g, 'readyDays.dischargedOnReadyDay.share', share), cell(g, 'readyDays.fourDaysOrMore.share', share), cell(g, 'deviations.total'),
      ];
      const fields = ['name', 'code', 'episodes', 'days', 'average', 'median', 'p90', 'perIndividual', 'day0', 'long', 'deviations'];
      cells.forEach((c, i) => {
        const td = document.createElement('td');
        td.dataset.field = fields[i];
        td.textContent = String(c);
        tr.append(td);
      });
      return tr;
    }),
  );
  const notes = report.notComputable.map((n) => `${n.indicator}: ${n.reason}`);
  if (report.suppression && report.suppression.threshold > 1) {
    notes.unshift(`Röjandeskydd: "${SUPPRESSED}" är ett värde som bygger på färre än ${report.suppression.threshold} vårdtillfällen, patienter eller händelser och därför inte visas.`);
  }
  $('not-computable').replaceChildren(
    ...notes.map((text) => {
      const li = document.createElement('li');
      li.textContent = text;
      return li;
    }),
  );
}

// §10: the API needs a bearer token. It comes in the address's fragment (#token=…, never sent to
// a server or written to its logs) or is pasted once; it is kept for this browser tab only.
function token() {
  const fromHash = new URLSearchParams(location.hash.slice(1)).get('token');
  if (fromHash) {
    sessionStorage.setItem('token', fromHash);
    history.replaceState(null, '', location.pathname + location.search);
  }
  let t = sessionStorage.getItem('token');
  if (!t) {
    t = (window.prompt('Klistra in din inloggningstoken (bearer token)') || '').trim();
    if (t) sessionStorage.setItem('token', t);
  }
  return t;
}

const authFetch = (url) => fetch(url, { headers: { Authorization: `Bearer ${token()}` } });

async function downloadCsv(e) {
  e.preventDefault();
  const res = await authFetch(`/api/indicators?${query()}&format=csv&decimal=comma`);
  if (!res.ok) {
    $('status').textContent = `Kunde inte hämta CSV: ${res.statusText}`;
    return;
  }
  const a = document.createElement('a');
  a.href = URL.createObjectURL(await res.blob());
  a.download = `indikatorer-${query().get('region')}-${query().get('month')}.csv`;
  a.click();
  URL.revokeObjectURL(a.href);
}

let latest = 0;

async function load() {
  const q = query();
  const mine = ++latest;
  $('status').textContent = 'Laddar …';
  $('status').classList.remove('error');
  document.body.dataset.loaded = '';
  try {
    const res = await authFetch(`/api/indicators?${q}`);
    if (res.status === 401) sessionStorage.removeItem('token');
    const body = await res.json();
    if (mine !== latest) return; // a newer selection is on its way: never show older figures
    if (!res.ok) throw new Error(body.error ? body.error.message : res.statusText);
    render(body);
    $('status').textContent = `${body.regionName}, ${body.period.from} – ${body.period.toExclusive} (exkl.)`;
    history.replaceState(null, '', `?${q}`);
    // a signal for people and tests alike: the figures on the page are those of this query
    document.body.dataset.loaded = q.toString();
  } catch (err) {
    if (mine !== latest) return;
    $('status').textContent = `Kunde inte hämta indikatorerna: ${err.message}`;
    $('status').classList.add('error');
    document.body.dataset.loaded = `error:${q}`;
  }
}

async function init() {
  $('controls').addEventListener('submit', (e) => e.preventDefault());
  const params = new URLSearchParams(location.search);
  $('csv').addEventListener('click', downloadCsv);
  const { regions } = await (await authFetch('/api/indicators/regions')).json();
  $('region').replaceChildren(...regions.map((r) => new Option(r.name, r.id)));
  $('region').value = params.get('region') || regions[0].id;
  $('month').value = params.get('month') || previousMonth();
  $('window').value = params.get('window') || 'month';
  $('care').value = params.get('care') || 'all';
  for (const id of ['region', 'month', 'window', 'care']) $(id).addEventListener('change', () => { if ($('month').value) load(); });
  await load();
}

init();
