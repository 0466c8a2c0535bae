'use strict';
// The Logs view of the dashboard: GET /logs (filters, cursor paging), GET /logs/{id} (detail),
// PATCH /logs/{id} (feedback, score). Routed by the location hash: #/logs?<filters> and #/logs/<id>.
// Record fields come from clients (metadata, bodies, model names): every one is written with
// textContent, never as HTML.
(function () {
  const TOKEN_KEY = 'fairway-admin-token';
  const $ = (id) => document.getElementById(id);
  const FIELDS = ['route', 'provider', 'model', 'status', 'success', 'cached', 'min_cost', 'min_duration', 'sort', 'order', 'limit'];
  const INPUTS = { route: 'log-route', provider: 'log-provider', model: 'log-model', status: 'log-status', success: 'log-success',
    cached: 'log-cached', min_cost: 'log-min-cost', min_duration: 'log-min-duration', sort: 'log-sort',
    order: 'log-order', limit: 'log-limit' };
  const state = { query: null, cursor: null, generation: 0, detailGeneration: 0, selected: null };

  function headers(extra) {
    const h = Object.assign({}, extra);
    const t = sessionStorage.getItem(TOKEN_KEY);
    if (t) { h.Authorization = 'Bearer ' + t; }
    return h;
  }

  async function api(method, path, body) {
    const init = { method, headers: headers(body ? { 'Content-Type': 'application/json' } : {}), cache: 'no-store' };
    if (body) { init.body = JSON.stringify(body); }
    const res = await fetch(path, init);
    const json = await res.json().catch(() => ({}));
    if (!res.ok) {
      const err = (json.errors && json.errors[0]) || json.error || {};
      throw new Error(res.status === 401 ? 'The admin token is missing or refused (enter it above).'
        : (err.message || ('HTTP ' + res.status)));
    }
    return json;
  }

  function el(tag, text, cls) {
    const e = document.createElement(tag);
    if (text !== undefined && text !== null) { e.textContent = String(text); }
    if (cls) { e.className = cls; }
    return e;
  }

  function setStatus(s, text) {
    const st = $('logs-status');
    st.dataset.state = s;
    if (s !== 'loading') { state.generation++; st.dataset.generation = String(state.generation); }
    st.textContent = text || s;
  }

  // Form -> query string (the hash holds it, so a filtered view is a link).
  function formQuery() {
    const p = new URLSearchParams();
    FIELDS.forEach((f) => { const v = $(INPUTS[f]).value.trim(); if (v && !(f === 'limit' && v === '50')) { p.set(f, v); } });
    const from = $('log-from').value, to = $('log-to').value;
    if (from) { p.set('from', new Date(from).toISOString()); }
    if (to) { p.set('to', new Date(to).toISOString()); }
    const key = $('log-meta-key').value.trim(), value = $('log-meta-value').value.trim();
    if (key && value) { p.set('metadata.' + key, value); }
    return p;
  }

  function localInput(iso) {
    const d = new Date(iso);
    return isNaN(d) ? '' : new Date(d.getTime() - d.getTimezoneOffset() * 60000).toISOString().slice(0, 16);
  }

  // Query string -> form, so a deep link (or a click from the analytics tables) shows its filters.
  function fillForm(p) {
    FIELDS.forEach((f) => { $(INPUTS[f]).value = p.get(f) || (f === 'limit' ? '50' : ''); });
    $('log-from').value = p.get('from') ? localInput(p.get('from')) : '';
    $('log-to').value = p.get('to') ? localInput(p.get('to')) : '';
    let key = '', value = '';
    p.forEach((v, k) => { if (k.startsWith('metadata.')) { key = k.slice('metadata.'.length); value = v; } });
    $('log-meta-key').value = key;
    $('log-meta-value').value = value;
  }

  const fmt = {
    usd: (n) => n === null || n === undefined ? '–' : '$' + Number(n).toFixed(n !== 0 && Math.abs(n) < 0.01 ? 6 : 4),
    ms: (n) => n === null || n === undefined ? '–' : n + ' ms',
    yes: (b) => b === null || b === undefined ? '–' : (b ? 'yes' : 'no'),
    feedback: (f) => f === 1 ? 'thumbs up' : f === -1 ? 'thumbs down' : '',
  };

  const COLUMNS = [
    ['time', (r) => new Date(r.created_at).toLocaleString()], ['route', (r) => r.route], ['provider', (r) => r.provider],
    ['model', (r) => r.model], ['status', (r) => r.status], ['cached', (r) => fmt.yes(r.cached)],
    ['duration', (r) => fmt.ms(r.duration_ms)], ['tokens in/out', (r) => (r.tokens_in ?? '–') + ' / ' + (r.tokens_out ?? '–')],
    ['cost', (r) => fmt.usd(r.cost_usd)], ['feedback', (r) => fmt.feedback(r.feedback) + (r.score !== null && r.score !== undefined ? ' ' + r.score : '')],
  ];

  async function list(query, append) {
    setStatus('loading', 'loading');
    const p = new URLSearchParams(query);
    if (append && state.cursor) { p.set('cursor', state.cursor); }
    try {
      const page = await api('GET', '/logs?' + p.toString());
      const table = $('log-table');
      if (!append) {
        table.replaceChildren();
        const head = document.createElement('tr');
        COLUMNS.forEach((c) => head.appendChild(el('th', c[0])));
        table.appendChild(head);
      }
      page.result.forEach((r) => {
        const tr = document.createElement('tr');
        tr.dataset.logId = r.log_id;
        tr.title = r.log_id;
        COLUMNS.forEach((c) => tr.appendChild(el('td', c[1](r))));
        tr.classList.toggle('selected', r.log_id === state.selected);
        tr.addEventListener('click', () => { location.hash = '#/logs/' + encodeURIComponent(r.log_id); });
        table.appendChild(tr);
      });
      const rows = table.querySelectorAll('tr[data-log-id]').length;
      if (!rows) {
        const tr = document.createElement('tr');
        const td = el('td', 'No logs match these filters', 'none');
        td.colSpan = COLUMNS.length;
        tr.appendChild(td);
        table.appendChild(tr);
      }
      state.cursor = (page.result_info && page.result_info.next_cursor) || null;
      $('log-more').hidden = !state.cursor;
      setStatus('loaded', rows + (state.cursor ? '+' : '') + ' logs');
    } catch (e) {
      setStatus('error', e.message);
    }
  }

  function pretty(text) {
    if (text === null || text === undefined || text === '') { return '(not collected)'; }
    try { return JSON.stringify(JSON.parse(text), null, 2); } catch (e) { return String(text); }
  }

  function detailStatus(s, text) {
    const d = $('log-detail');
    d.dataset.state = s;
    if (s !== 'loading') { state.detailGeneration++; d.dataset.generation = String(state.detailGeneration); }
    if (text) { $('logs-status').textContent = text; }
  }

  function renderDetail(r) {
    $('detail-id').textContent = r.log_id;
    $('log-detail').dataset.logId = r.log_id;
    const fields = $('detail-fields');
    fields.replaceChildren();
    [['log id', r.log_id], ['event id', r.event_id], ['time', r.created_at], ['route', r.route], ['provider', r.provider],
      ['model', r.model], ['method', r.method], ['path', r.path], ['status', r.status], ['success', fmt.yes(r.success)],
      ['cache', r.cached ? 'hit' : 'miss'], ['step', r.step], ['attempts', r.attempts], ['error', r.error_type],
      ['duration', fmt.ms(r.duration_ms)], ['time to first byte', fmt.ms(r.ttfb_ms)],
      ['tokens in / out / cached', [r.tokens_in, r.tokens_out, r.tokens_cached].map((v) => v ?? '–').join(' / ')],
      ['cost', fmt.usd(r.cost_usd) + (r.custom_cost ? ' (custom)' : '')],
      ['metadata', r.metadata === null || r.metadata === undefined ? '' : JSON.stringify(r.metadata, null, 2)],
      ['node', r.node], ['payload truncated', r.payload_truncated ? 'yes' : null],
    ].forEach(([k, v]) => {
      if (v === null || v === undefined || v === '') { return; }
      const tr = document.createElement('tr');
      tr.dataset.field = k;
      tr.appendChild(el('th', k));
      tr.appendChild(el('td', v));
      fields.appendChild(tr);
    });
    const fb = $('detail-feedback');
    fb.dataset.feedback = r.feedback === null || r.feedback === undefined ? '' : String(r.feedback);
    fb.dataset.score = r.score === null || r.score === undefined ? '' : String(r.score);
    fb.textContent = (fmt.feedback(r.feedback) || 'no feedback') + (fb.dataset.score ? ' · score ' + fb.dataset.score : '');
    $('feedback-up').classList.toggle('active', r.feedback === 1);
    $('feedback-down').classList.toggle('active', r.feedback === -1);
    $('score-input').value = fb.dataset.score;
    $('detail-request').textContent = pretty(r.request_body);
    const stream = r.response_stream;
    $('detail-response').textContent = stream ? String(stream.final_text ?? '') : pretty(r.response_body);
    $('detail-stream').hidden = !stream;
    $('detail-events').textContent = stream ? (stream.events || []).map((e) => typeof e === 'string' ? e : JSON.stringify(e)).join('\n') : '';
    $('log-detail').hidden = false;
    document.querySelectorAll('#log-table tr[data-log-id]').forEach((tr) => tr.classList.toggle('selected', tr.dataset.logId === r.log_id));
  }

  async function detail(id) {
    state.selected = id;
    detailStatus('loading');
    try {
      renderDetail((await api('GET', '/logs/' + encodeURIComponent(id))).result);
      detailStatus('loaded');
    } catch (e) {
      $('log-detail').hidden = true;
      detailStatus('error', e.message);
    }
  }

  async function patch(body) {
    if (!state.selected) { return; }
    detailStatus('loading');
    try {
      renderDetail((await api('PATCH', '/logs/' + encodeURIComponent(state.selected), body)).result);
      detailStatus('loaded');
    } catch (e) {
      detailStatus('error', e.message);
    }
  }

  // #/ (analytics), #/logs?<query> (the table), #/logs/<id> (the table as last filtered, plus one record).
  function route() {
    const hash = location.hash || '#/';
    const logs = hash.startsWith('#/logs');
    $('view-analytics').hidden = logs;
    $('view-logs').hidden = !logs;
    $('nav-analytics').classList.toggle('active', !logs);
    $('nav-logs').classList.toggle('active', logs);
    if (!logs) { return; }
    const rest = hash.slice('#/logs'.length);
    if (rest.startsWith('/') && rest.length > 1) {
      if (state.query === null) { state.query = ''; list(''); }
      detail(decodeURIComponent(rest.slice(1)));
      return;
    }
    const query = rest.startsWith('?') ? rest.slice(1) : '';
    state.query = query;
    state.selected = null;
    $('log-detail').hidden = true;
    fillForm(new URLSearchParams(query));
    list(query, false);
  }

  $('log-filters').addEventListener('submit', (e) => {
    e.preventDefault();
    const q = formQuery().toString();
    const target = '#/logs' + (q ? '?' + q : '');
    if (location.hash === target) { route(); } else { location.hash = target; }
  });
  $('log-clear').addEventListener('click', () => { if (location.hash === '#/logs') { route(); } else { location.hash = '#/logs'; } });
  $('log-more').addEventListener('click', () => list(state.query || '', true));
  $('feedback-up').addEventListener('click', () => patch({ feedback: 1 }));
  $('feedback-down').addEventListener('click', () => patch({ feedback: -1 }));
  $('score-save').addEventListener('click', () => {
    const v = $('score-input').value.trim();
    if (v !== '') { patch({ score: Number(v) }); }
  });
  window.addEventListener('hashchange', route);
  route();
})();
