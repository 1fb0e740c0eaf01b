/**
 * The page's own script (plain ES2017, runs in the browser): expands the embedded column data,
 * renders every chart with vega-embed (with a loader that refuses to fetch anything), and makes
 * the metrics tables sortable. Exposes window.__lifeline for
 * tests: { views, errors, ready }.
 */
export const CLIENT_SCRIPT = String.raw`(function () {
  'use strict';
  var state = { views: {}, errors: [], renderMs: null };
  window.__lifeline = state;
  var payload = JSON.parse(document.getElementById('lifeline-data').textContent);

  function valuesOf(column) {
    if (Array.isArray(column)) return column;
    var out = new Array(column.index.length);
    for (var i = 0; i < out.length; i++) out[i] = column.dict[column.index[i]];
    return out;
  }
  function rowsOf(columns) {
    var keys = Object.keys(columns);
    var values = keys.map(function (k) { return valuesOf(columns[k]); });
    var n = keys.length ? values[0].length : 0;
    var rows = new Array(n);
    for (var i = 0; i < n; i++) {
      var row = {};
      for (var k = 0; k < keys.length; k++) row[keys[k]] = values[k][i];
      rows[i] = row;
    }
    return rows;
  }
  var datasets = {};
  Object.keys(payload.datasets).forEach(function (name) { datasets[name] = rowsOf(payload.datasets[name]); });

  function refuse(uri) { return Promise.reject(new Error('lifeline reports load nothing (' + uri + ')')); }
  var loader = vega.loader();
  loader.load = refuse;
  loader.sanitize = refuse;
  loader.http = refuse;
  loader.file = refuse;

  function showError(el, err) {
    var box = document.createElement('div');
    box.className = 'chart-error';
    box.textContent = 'This chart could not be drawn: ' + (err && err.message ? err.message : String(err));
    el.appendChild(box);
  }

  function findSignal(node, name) {
    var signals = node.signals || [];
    for (var i = 0; i < signals.length; i++) if (signals[i].name === name) return signals[i];
    var marks = node.marks || [];
    for (var j = 0; j < marks.length; j++) {
      var found = findSignal(marks[j], name);
      if (found) return found;
    }
    return null;
  }
  function linker(links) {
    return function (vg) {
      links.forEach(function (link) {
        var signal = findSignal(vg, link.signal);
        if (!signal) throw new Error('chart has no signal ' + link.signal);
        (signal.on = signal.on || []).push({ events: { signal: link.from }, update: link.update });
      });
      return vg;
    };
  }

  var started = performance.now();
  var jobs = payload.charts.map(function (chart) {
    var el = document.getElementById(chart.id);
    var spec = chart.spec;
    spec.datasets = {};
    chart.datasets.forEach(function (name) { spec.datasets[name] = datasets[name]; });
    return vegaEmbed(el, spec, { renderer: payload.renderer, actions: false, loader: loader, tooltip: { theme: 'light' }, patch: linker(chart.links) })
      .then(function (result) { state.views[chart.id] = result.view; })
      .catch(function (err) { state.errors.push(chart.id + ': ' + err); console.error(err); showError(el, err); });
  });
  state.ready = Promise.all(jobs).then(function () { state.renderMs = performance.now() - started; });

  function sortTable(th) {
    var table = th.closest('table');
    var col = Number(th.getAttribute('data-col'));
    var numeric = th.getAttribute('data-type') === 'num';
    var dir = th.getAttribute('aria-sort') === 'descending' ? 1 : -1;
    table.querySelectorAll('th').forEach(function (h) { h.removeAttribute('aria-sort'); });
    th.setAttribute('aria-sort', dir === 1 ? 'ascending' : 'descending');
    var body = table.tBodies[0];
    var rows = Array.prototype.slice.call(body.rows);
    rows.sort(function (a, b) {
      var x = a.cells[col].getAttribute('data-v');
      var y = b.cells[col].getAttribute('data-v');
      var c = numeric ? Number(x) - Number(y) : x.localeCompare(y);
      return c * dir;
    });
    rows.forEach(function (r) { body.appendChild(r); });
  }
  document.querySelectorAll('table.sortable th').forEach(function (th) {
    th.addEventListener('click', function () { sortTable(th); });
    th.addEventListener('keydown', function (ev) { if (ev.key === 'Enter' || ev.key === ' ') { ev.preventDefault(); sortTable(th); } });
  });
})();
`;
