// Activity: per integration, queries per minute, rows, errors and p95 latency as charts (uPlot),
// with the same totals as a table, and the most expensive queries.
import uPlot from '../lib/uplot/dist/uPlot.esm.js';
import * as api from './api.js';
import { $, el, clear, number } from './dom.js';

// Colours with at least 3:1 contrast on white, told apart by dash pattern too (not colour alone).
const PALETTE = ['#1f5fa8', '#b3261e', '#1b7a3d', '#7a4bb0', '#8a5a00', '#00707a'];
const DASHES = [[], [8, 4], [2, 3], [12, 3, 2, 3], [4, 4], [1, 6]];

export function activityPage(state) {
  let charts = [];

  async function load() {
    const period = $('activity-period').value;
    if (!state.names.size) {
      const catalogue = await api.get(state.practicePath('/integrations'));
      catalogue.integrations.forEach((i) => state.names.set(i.clientId, i.name));
    }
    const [activity, top] = await Promise.all([
      api.get(state.practicePath('/activity'), { period }),
      api.get(state.practicePath('/top-queries'), { period }),
    ]);
    $('activity-partial').hidden = !activity.partial;
    totals(activity);
    draw(activity);
    topQueries(top);
  }

  const name = (clientId) => state.names.get(clientId) || clientId;

  function totals(activity) {
    const body = clear($('activity-totals').tBodies[0]);
    activity.integrations.forEach((s) => body.append(el('tr', {},
      el('th', { scope: 'row' }, name(s.clientId)),
      el('td', {}, number(s.totals.queries)), el('td', {}, number(s.totals.rows)),
      el('td', {}, number(s.totals.errors)), el('td', {}, number(s.totals.p95Ms)))));
    if (!activity.integrations.length) {
      body.append(el('tr', {}, el('td', { colspan: 5 }, 'No queries in this period.')));
    }
  }

  function draw(activity) {
    charts.forEach((c) => c.destroy());
    charts = [];
    document.querySelectorAll('#page-activity [data-chart]').forEach((box) => {
      const metric = box.dataset.chart;
      clear(box);
      const series = [{}];
      const data = [activity.time];
      activity.integrations.forEach((s, i) => {
        series.push({ label: name(s.clientId), stroke: PALETTE[i % PALETTE.length], dash: DASHES[i % DASHES.length],
          width: 2, spanGaps: false, value: (u, v) => (v === null || v === undefined ? '—' : number(v)) });
        data.push(s[metric]);
      });
      const width = Math.max(280, Math.min(box.clientWidth || 560, 1200));
      charts.push(new uPlot({
        width,
        height: 200,
        series,
        scales: { y: { range: (u, min, max) => [0, Math.max(1, max || 0) * 1.1] } },
        axes: [{}, { size: 60 }],
        legend: { show: true },
      }, data, box));
    });
  }

  function topQueries(top) {
    const body = clear($('top-queries').tBodies[0]);
    top.queries.forEach((q) => body.append(el('tr', {},
      el('th', { scope: 'row' }, name(q.clientId)),
      el('td', {}, el('code', { class: 'sql' }, q.sql || q.sqlHash)),
      el('td', {}, number(q.count)), el('td', {}, number(q.errors)), el('td', {}, number(q.rows)),
      el('td', {}, number(q.totalMs)), el('td', {}, number(q.avgMs)))));
    if (!top.queries.length) {
      body.append(el('tr', {}, el('td', { colspan: 7 }, 'No queries in this period.')));
    }
  }

  // Charts keep to their box when the window is resized (uPlot draws at a fixed size).
  let resizeTimer = null;
  function fit() {
    clearTimeout(resizeTimer);
    resizeTimer = setTimeout(() => charts.forEach((c) => {
      const box = c.root.parentElement;
      c.setSize({ width: Math.max(280, Math.min(box.clientWidth || 560, 1200)), height: 200 });
    }), 100);
  }

  return {
    init() {
      window.addEventListener('resize', fit);
      $('activity-form').addEventListener('submit', (event) => {
        event.preventDefault();
        load().catch(state.failure);
      });
    },
    show: load,
  };
}
