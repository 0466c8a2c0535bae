'use strict';
// The Fairway dashboard: reads /analytics and draws it. Every value from the API is written with
// textContent or as an SVG attribute, never as HTML, so names coming from clients cannot inject markup.
(function () {
  const SVG = 'http://www.w3.org/2000/svg';
  const RANGES = { '15m': 15 * 60e3, '1h': 3600e3, '24h': 24 * 3600e3, '7d': 7 * 24 * 3600e3 };
  const TOKEN_KEY = 'fairway-admin-token';
  const state = { range: '1h', generation: 0, sort: 'requests', last: null };
  const $ = (id) => document.getElementById(id);

  function token() { return sessionStorage.getItem(TOKEN_KEY); }

  function rangeParams() {
    if (state.range === 'custom') {
      const from = $('custom-from').value, to = $('custom-to').value;
      if (!from || !to) { return null; }
      return { from: new Date(from).toISOString(), to: new Date(to).toISOString() };
    }
    const now = Date.now();
    return { from: new Date(now - RANGES[state.range]).toISOString(), to: new Date(now).toISOString() };
  }

  function filterParams() {
    const p = {};
    const route = $('filter-route').value.trim(), provider = $('filter-provider').value.trim(), model = $('filter-model').value.trim();
    const key = $('filter-meta-key').value.trim(), value = $('filter-meta-value').value.trim();
    if (route) { p.route = route; }
    if (provider) { p.provider = provider; }
    if (model) { p.model = model; }
    if (key && value) { p['metadata.' + key] = value; }
    return p;
  }

  async function fetchAnalytics(params) {
    const headers = {};
    const t = token();
    if (t) { headers.Authorization = 'Bearer ' + t; }
    const res = await fetch('/analytics?' + new URLSearchParams(params).toString(), { headers, cache: 'no-store' });
    const body = await res.json().catch(() => ({}));
    if (res.status === 401) { const e = new Error('unauthorized'); e.status = 401; throw e; }
    if (!res.ok) { throw new Error((body.error && body.error.message) || ('HTTP ' + res.status)); }
    return body;
  }

  async function refresh() {
    const range = rangeParams();
    if (!range) { showMessage('Pick both ends of the custom range.'); return; }
    const base = Object.assign({}, range, filterParams());
    const metaKey = $('filter-meta-key').value.trim();
    setStatus('loading');
    try {
      const [main, byProvider, byModel, byRoute, byMeta] = await Promise.all([
        fetchAnalytics(base),
        fetchAnalytics(Object.assign({ group_by: 'provider' }, base)),
        fetchAnalytics(Object.assign({ group_by: 'model' }, base)),
        fetchAnalytics(Object.assign({ group_by: 'route' }, base)),
        metaKey ? fetchAnalytics(Object.assign({ group_by: 'metadata.' + metaKey }, base)) : Promise.resolve(null),
      ]);
      $('token-form').hidden = true;
      showMessage(null);
      render(main, byProvider, byModel, byRoute, byMeta, metaKey);
      setStatus('loaded');
    } catch (e) {
      if (e.status === 401) {
        $('token-form').hidden = false;
        showMessage(token() ? 'The admin token was refused.' : 'This admin listener needs its admin token.');
      } else {
        showMessage(e.message);
      }
      setStatus('error');
    }
  }

  function setStatus(s) {
    const el = $('status');
    el.dataset.state = s;
    if (s !== 'loading') { state.generation++; el.dataset.generation = String(state.generation); }
    el.textContent = s === 'loaded' ? 'Updated ' + new Date().toLocaleTimeString() : s;
  }

  function showMessage(text) {
    const m = $('message');
    m.hidden = !text;
    m.textContent = text || '';
  }

  const fmt = {
    int: (n) => Number(n).toLocaleString('en-US'),
    usd: (n) => '$' + Number(n).toFixed(n !== 0 && Math.abs(n) < 0.01 ? 6 : 4),
    pct: (r) => r === null || r === undefined ? '–' : (r * 100).toFixed(1) + '%',
    ms: (v) => v === null || v === undefined ? '–' : (v < 10 ? v.toFixed(1) : Math.round(v)) + ' ms',
  };

  function setValue(id, raw, text) {
    const el = $(id);
    el.dataset.value = raw === null || raw === undefined ? '' : String(raw);
    el.textContent = text;
  }

  function render(main, byProvider, byModel, byRoute, byMeta, metaKey) {
    state.last = { byProvider, byModel, byRoute, byMeta, metaKey };
    const t = main.totals;
    $('range-label').textContent = 'From ' + new Date(main.from).toLocaleString() + ' to ' + new Date(main.to).toLocaleString()
      + ' · one point per ' + main.interval;
    setValue('total-requests', t.requests, fmt.int(t.requests));
    setValue('total-cached', t.cached, fmt.int(t.cached));
    setValue('total-errors', t.errors, fmt.int(t.errors));
    setValue('total-tokens-in', t.tokens_in, fmt.int(t.tokens_in));
    setValue('total-tokens-out', t.tokens_out, fmt.int(t.tokens_out));
    setValue('total-cost', t.cost_usd, fmt.usd(t.cost_usd));
    setValue('total-cache-hit-rate', t.cache_hit_rate, fmt.pct(t.cache_hit_rate));
    setValue('total-error-rate', t.error_rate, fmt.pct(t.error_rate));
    const lat = $('total-latency'), ttfb = $('total-ttfb');
    lat.dataset.p50 = t.latency_ms.p50 ?? ''; lat.dataset.p95 = t.latency_ms.p95 ?? '';
    lat.textContent = fmt.ms(t.latency_ms.p50) + ' / ' + fmt.ms(t.latency_ms.p95);
    ttfb.dataset.p50 = t.ttfb_ms.p50 ?? ''; ttfb.dataset.p95 = t.ttfb_ms.p95 ?? '';
    ttfb.textContent = fmt.ms(t.ttfb_ms.p50) + ' / ' + fmt.ms(t.ttfb_ms.p95);

    const empty = t.requests === 0;
    $('empty').hidden = !empty;
    $('charts').hidden = empty;
    if (!empty) {
      const s = main.series;
      // Each point's bucket links to the logs it counts: [point, next point), cut at the range's end.
      const step = main.interval === 'minute' ? 60e3 : 3600e3;
      const end = Date.parse(main.to);
      const bucket = (p) => ({ from: p.time, to: new Date(Math.min(Date.parse(p.time) + step, end)).toISOString() });
      chart('chart-requests', s, [
        { label: 'cached', color: 'var(--green)', value: (p) => p.cached },
        { label: 'upstream', color: 'var(--blue)', value: (p) => p.upstream },
      ], { stacked: true, format: fmt.int , bucket });
      chart('chart-tokens', s, [
        { label: 'in', color: 'var(--blue)', value: (p) => p.tokens_in },
        { label: 'out', color: 'var(--violet)', value: (p) => p.tokens_out },
      ], { format: fmt.int , bucket });
      chart('chart-cost', s, [{ label: 'cost', color: 'var(--accent)', value: (p) => p.cost_usd }], { format: fmt.usd , bucket });
      chart('chart-cache-rate', s, [{ label: 'cache hit rate', color: 'var(--green)', value: (p) => p.cache_hit_rate }],
        { format: fmt.pct, max: 1 , bucket });
      chart('chart-error-rate', s, [{ label: 'error rate', color: 'var(--red)', value: (p) => p.error_rate }],
        { format: fmt.pct, max: 1 , bucket });
      chart('chart-latency', s, [
        { label: 'latency p50', color: 'var(--blue)', value: (p) => p.latency_ms.p50 },
        { label: 'latency p95', color: 'var(--violet)', value: (p) => p.latency_ms.p95 },
        { label: 'ttfb p50', color: 'var(--green)', value: (p) => p.ttfb_ms.p50 },
        { label: 'ttfb p95', color: 'var(--accent)', value: (p) => p.ttfb_ms.p95 },
      ], { format: fmt.ms , bucket });
    }
    renderTops();
    datalist('routes-list', byRoute.groups);
    datalist('providers-list', byProvider.groups);
    datalist('models-list', byModel.groups);
    errorsTable(main.recent_errors);
  }

  function el(tag, text, cls) {
    const e = document.createElement(tag);
    if (text !== undefined) { e.textContent = text; }
    if (cls) { e.className = cls; }
    return e;
  }

  function row(table, cells, header) {
    const tr = document.createElement('tr');
    cells.forEach((c) => tr.appendChild(el(header ? 'th' : 'td', c.text, c.num ? 'num' : undefined)));
    table.appendChild(tr);
  }

  function renderTops() {
    const d = state.last;
    if (!d) { return; }
    topTable('top-models', 'model', d.byModel.groups, 'model');
    topTable('top-providers', 'provider', d.byProvider.groups, 'provider');
    topTable('top-routes', 'route', d.byRoute.groups, 'route');
    $('meta-key-label').textContent = d.metaKey ? '(' + d.metaKey + ')' : '(enter a metadata key)';
    topTable('top-metadata', d.metaKey || 'value', d.byMeta ? d.byMeta.groups : [], d.metaKey ? 'metadata.' + d.metaKey : null);
  }

  // The Logs view (logs.js) showing the records a row counts: same range and filters, plus the row's key.
  // A chart's bucket passes its own time range instead of the dashboard's.
  function logsLink(param, key, range) {
    const p = Object.assign({}, range || rangeParams() || {}, filterParams());
    if (param) { p[param] = key; }
    return '#/logs?' + new URLSearchParams(p).toString();
  }

  function topTable(id, name, groups, param) {
    const table = $(id);
    table.replaceChildren();
    row(table, [{ text: name }, { text: 'requests', num: true }, { text: 'errors', num: true }, { text: 'cost', num: true }], true);
    if (!groups.length) {
      const tr = document.createElement('tr');
      const td = el('td', 'No requests in this range', 'none');
      td.colSpan = 4;
      tr.appendChild(td);
      table.appendChild(tr);
      return;
    }
    const field = state.sort === 'cost' ? 'cost_usd' : 'requests';
    const sorted = groups.slice().sort((a, b) => (b.totals[field] - a.totals[field]) || (b.totals.requests - a.totals.requests));
    sorted.slice(0, 10).forEach((g) => {
      row(table, [{ text: g.key }, { text: fmt.int(g.totals.requests), num: true }, { text: fmt.int(g.totals.errors), num: true },
        { text: fmt.usd(g.totals.cost_usd), num: true }]);
      table.lastChild.dataset.key = g.key;
      if (param) {
        const a = el('a', g.key);
        a.href = logsLink(param, g.key);
        a.title = 'Open these logs';
        table.lastChild.firstChild.replaceChildren(a);
      }
      table.lastChild.dataset.requests = String(g.totals.requests);
      table.lastChild.dataset.cost = String(g.totals.cost_usd);
    });
  }

  function datalist(id, groups) {
    const list = $(id);
    list.replaceChildren();
    groups.forEach((g) => { const o = document.createElement('option'); o.value = g.key; list.appendChild(o); });
  }

  function errorsTable(errors) {
    const table = $('recent-errors');
    table.replaceChildren();
    row(table, [{ text: 'time' }, { text: 'log id' }, { text: 'route' }, { text: 'provider' }, { text: 'model' },
      { text: 'status', num: true }, { text: 'error' }], true);
    if (!errors.length) {
      const tr = document.createElement('tr');
      const td = el('td', 'No errors in this range', 'none');
      td.colSpan = 7;
      tr.appendChild(td);
      table.appendChild(tr);
      return;
    }
    errors.forEach((e) => row(table, [{ text: new Date(e.time).toLocaleString() }, { text: e.log_id }, { text: e.route },
      { text: e.provider }, { text: e.model }, { text: String(e.status), num: true }, { text: e.error_type }]));
  }

  function svg(tag, attrs, text) {
    const e = document.createElementNS(SVG, tag);
    Object.keys(attrs).forEach((k) => e.setAttribute(k, attrs[k]));
    if (text !== undefined) { e.textContent = text; }
    return e;
  }

  // One chart: lines (or stacked areas) over the series, with a y-axis maximum and first/last times.
  function chart(id, series, lines, opts) {
    const W = 600, H = 160, L = 68, R = 8, T = 8, B = 20;
    const host = $(id);
    host.replaceChildren();
    const root = svg('svg', { viewBox: '0 0 ' + W + ' ' + H, role: 'img' });
    const n = series.length;
    const x = (i) => L + (n <= 1 ? 0 : (i * (W - L - R)) / (n - 1));
    const stackedTop = (i, upTo) => lines.slice(0, upTo + 1).reduce((s, l) => s + (l.value(series[i]) || 0), 0);
    let max = opts.max || 0;
    if (!opts.max) {
      for (let i = 0; i < n; i++) {
        if (opts.stacked) { max = Math.max(max, stackedTop(i, lines.length - 1)); }
        else { lines.forEach((l) => { const v = l.value(series[i]); if (v !== null && v !== undefined) { max = Math.max(max, v); } }); }
      }
    }
    if (max === 0) { max = 1; }
    const y = (v) => T + (H - T - B) * (1 - v / max);
    root.appendChild(svg('line', { x1: L, y1: y(0), x2: W - R, y2: y(0), class: 'axis' }));
    root.appendChild(svg('line', { x1: L, y1: T, x2: W - R, y2: T, class: 'axis' }));
    root.appendChild(svg('text', { x: L - 4, y: T + 8, 'text-anchor': 'end' }, opts.format(max)));
    root.appendChild(svg('text', { x: L - 4, y: y(0), 'text-anchor': 'end' }, opts.format(0)));
    if (n > 0) {
      root.appendChild(svg('text', { x: L, y: H - 4 }, new Date(series[0].time).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' })));
      root.appendChild(svg('text', { x: W - R, y: H - 4, 'text-anchor': 'end' },
        new Date(series[n - 1].time).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' })));
    }
    lines.forEach((l, li) => {
      if (opts.stacked) {
        let d = '';
        for (let i = 0; i < n; i++) { d += (i ? 'L' : 'M') + x(i).toFixed(1) + ',' + y(stackedTop(i, li)).toFixed(1); }
        for (let i = n - 1; i >= 0; i--) { d += 'L' + x(i).toFixed(1) + ',' + y(li ? stackedTop(i, li - 1) : 0).toFixed(1); }
        root.appendChild(svg('path', { d: d + 'Z', fill: l.color, 'fill-opacity': '0.55', stroke: l.color, 'stroke-width': '1' }));
      } else {
        // Gaps (no requests in an interval) break the line instead of pretending a zero rate.
        let d = '', pen = false;
        for (let i = 0; i < n; i++) {
          const v = l.value(series[i]);
          if (v === null || v === undefined) { pen = false; continue; }
          d += (pen ? 'L' : 'M') + x(i).toFixed(1) + ',' + y(v).toFixed(1);
          pen = true;
          if (n === 1 || (i > 0 && l.value(series[i - 1]) == null && (i === n - 1 || l.value(series[i + 1]) == null))) {
            root.appendChild(svg('circle', { cx: x(i), cy: y(v), r: 2.5, fill: l.color }));
          }
        }
        if (d) { root.appendChild(svg('path', { d, fill: 'none', stroke: l.color, 'stroke-width': '1.5' })); }
      }
    });
    if (opts.bucket) {
      // Transparent columns over the lines, one per point: a click opens #/logs for that bucket.
      const colW = (W - L - R) / Math.max(n - 1, 1);
      for (let i = 0; i < n; i++) {
        const range = opts.bucket(series[i]);
        const a = svg('a', { href: logsLink(null, null, range), class: 'bucket', 'data-from': range.from, 'data-to': range.to });
        a.appendChild(svg('title', {}, 'Open the logs from ' + new Date(range.from).toLocaleString() + ' to '
          + new Date(range.to).toLocaleString()));
        const left = Math.max(L, x(i) - colW / 2), right = Math.min(W - R, x(i) + colW / 2);
        a.appendChild(svg('rect', { x: left, y: T, width: Math.max(right - left, 1), height: H - T - B, fill: 'transparent' }));
        root.appendChild(a);
      }
    }
    host.appendChild(root);
    const legend = el('div', undefined, 'legend');
    lines.forEach((l) => {
      const item = el('span');
      const sw = el('span', undefined, 'swatch');
      sw.style.background = l.color;
      item.appendChild(sw);
      item.appendChild(document.createTextNode(l.label));
      legend.appendChild(item);
    });
    host.appendChild(legend);
  }

  document.querySelectorAll('[data-range]').forEach((b) => b.addEventListener('click', () => {
    state.range = b.dataset.range;
    document.querySelectorAll('[data-range]').forEach((o) => o.classList.toggle('active', o === b));
    $('custom-range').hidden = state.range !== 'custom';
    if (state.range !== 'custom') { refresh(); }
  }));
  document.querySelectorAll('[data-sort]').forEach((b) => b.addEventListener('click', () => {
    state.sort = b.dataset.sort;
    document.querySelectorAll('[data-sort]').forEach((o) => o.classList.toggle('active', o === b));
    renderTops();
  }));
  $('filters').addEventListener('submit', (e) => { e.preventDefault(); refresh(); });
  $('clear').addEventListener('click', () => {
    ['filter-route', 'filter-provider', 'filter-model', 'filter-meta-key', 'filter-meta-value'].forEach((id) => { $(id).value = ''; });
    refresh();
  });
  $('token-form').addEventListener('submit', (e) => {
    e.preventDefault();
    sessionStorage.setItem(TOKEN_KEY, $('token-input').value);
    $('token-input').value = '';
    refresh();
  });
  refresh();
  setInterval(() => { if (state.range !== 'custom' && document.visibilityState === 'visible') { refresh(); } }, 30000);
})();
