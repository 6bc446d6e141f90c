// The dashboard's JavaScript. Data reaches it only as JSON (fetch and server-sent events) and
// is put into the document with textContent, never as markup, so nothing a repository or an
// agent wrote can run as script here. States read as words and symbols, not only as colours.
// The fleet view updates rows in place from the "fleet" event; the run view renders the
// "run" event and appends "transcript" lines, tool calls folded in <details>.

#include "host/serve/page_assets.hpp"

namespace fanout::serve {

namespace {
constexpr std::string_view k_script = R"js(
'use strict';
const params = new URLSearchParams(location.search);
const token = params.get('token') || '';
const main = document.querySelector('main');
const STATES = {
  running: ['\u25B6', 'running'], done: ['\u2714', 'done'], needs_human: ['\u270B', 'needs human'],
  failed: ['\u2716', 'failed'], over_budget: ['$', 'over budget'], cancelled: ['\u25A0', 'cancelled'],
  merged: ['\u2714', 'merged'], closed: ['\u25A0', 'closed'],
};
const ORDER = ['needs_human', 'failed', 'over_budget', 'running', 'cancelled', 'done', 'merged', 'closed'];

function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (key === 'class') node.className = value; else if (key === 'text') node.textContent = value;
    else node.setAttribute(key, value);
  }
  for (const child of children) if (child != null) node.append(child);
  return node;
}
function link(href, text) { return el('a', { href, rel: 'noreferrer noopener', text }); }
function withToken(path, extra) {
  const query = new URLSearchParams(extra || {}); query.set('token', token);
  return path + '?' + query.toString();
}
function stateLabel(run) {
  const [icon, word] = STATES[run.state] || ['?', run.state];
  return run.stale ? '? ' + word + ' (process gone)' : icon + ' ' + word;
}
function duration(seconds) {
  seconds = Math.max(0, Math.floor(seconds));
  const h = Math.floor(seconds / 3600), m = Math.floor(seconds % 3600 / 60), s = seconds % 60;
  return h ? h + 'h' + String(m).padStart(2, '0') + 'm' : m ? m + 'm' + String(s).padStart(2, '0') + 's' : s + 's';
}
function money(x) { return '$' + Number(x || 0).toFixed(2); }
function verdictText(reviews) {
  if (!reviews || !reviews.length) return '-';
  return reviews.map(r => r.reviewer + ': ' + (r.verdict || 'failed') +
    (r.findings && r.findings.length ? ' (' + r.findings.length + ')' : '')).join(', ');
}
function liveBadge(text) { const live = document.getElementById('live'); if (live) live.textContent = text; }
function stream(path, extra, handlers) {
  const source = new EventSource(withToken(path, extra));
  source.onopen = () => liveBadge('\u25CF live');
  // A refused reconnection (a restarted server has a new token) closes the stream for good;
  // anything else (the server is down) is retried by the browser.
  source.onerror = () => liveBadge(source.readyState === EventSource.CLOSED
    ? '\u2716 disconnected: the server refused this page (restarted? open the address it printed)'
    : '\u25CB reconnecting\u2026');
  for (const [name, handler] of Object.entries(handlers))
    source.addEventListener(name, event => handler(JSON.parse(event.data)));
  return source;
}

// ---- fleet
function fleetView() {
  document.title = 'fanout \u00B7 fleet';
  const totals = el('div', { class: 'totals', id: 'totals' });
  const filter = el('select', { id: 'filter' }, el('option', { value: '', text: 'every state' }));
  for (const state of ORDER) filter.append(el('option', { value: state, text: STATES[state][1] }));
  const sort = el('select', { id: 'sort' }, el('option', { value: 'state', text: 'state' }),
    el('option', { value: 'issue', text: 'issue' }), el('option', { value: 'updated', text: 'last change' }));
  const controls = el('div', { class: 'controls' }, el('label', { text: 'Show ' }, filter), el('label', { text: 'Sort by ' }, sort));
  const head = el('tr');
  const columns = [['issue', 'Issue'], ['title', 'Title'], ['stage', 'Stage'], ['state', 'State'], ['elapsed', 'Elapsed'],
    ['tokens', 'Tokens'], ['cost', 'Cost'], ['pr', 'PR'], ['verdicts', 'Verdicts']];
  for (const [, label] of columns) head.append(el('th', { scope: 'col', text: label }));
  const body = el('tbody', { id: 'runs' });
  const empty = el('p', { id: 'empty', class: 'muted', text: 'No runs yet. Start one with: fanout run ISSUE' });
  main.append(el('h2', { text: 'Fleet' }), totals, controls, el('table', {}, el('thead', {}, head), body), empty);
  let latest = null; const started = new Map();

  function render() {
    if (!latest) return;
    const runs = latest.runs.filter(run => !filter.value || run.state === filter.value);
    runs.sort((a, b) => sort.value === 'issue' ? a.issue.localeCompare(b.issue, undefined, { numeric: true })
      : sort.value === 'updated' ? b.updated_at - a.updated_at
      : ORDER.indexOf(a.state) - ORDER.indexOf(b.state) || a.issue.localeCompare(b.issue, undefined, { numeric: true }));
    empty.hidden = latest.runs.length > 0;
    const rows = new Map([...body.children].map(row => [row.dataset.issue, row]));
    runs.forEach((run, index) => {
      let row = rows.get(run.issue);
      if (!row) {
        row = el('tr', { 'data-issue': run.issue });
        for (const [key, label] of columns)
          row.append(el('td', { class: key + (['elapsed', 'tokens', 'cost'].includes(key) ? ' num' : ''), 'data-label': label }));
      }
      rows.delete(run.issue);
      const cells = Object.fromEntries([...row.children].map(cell => [cell.classList[0], cell]));
      const before = row.dataset.version;
      cells.issue.replaceChildren(link(withToken('/run', { issue: run.issue }), run.issue));
      cells.title.textContent = run.title || '';
      cells.stage.textContent = run.stage + (run.round ? ' (round ' + (run.round + 1) + ')' : '');
      cells.state.replaceChildren(el('span', { class: 'state', 'data-state': run.state, text: stateLabel(run) }));
      if (run.error && run.state !== 'done') cells.state.append(el('div', { class: 'muted', text: run.error }));
      cells.tokens.textContent = run.tokens.toLocaleString();
      cells.cost.textContent = money(run.cost_usd);
      cells.pr.replaceChildren(run.pr ? link(run.pr, 'PR') : '-');
      cells.verdicts.textContent = verdictText(run.reviews);
      started.set(run.issue, { base: run.elapsed_s, at: Date.now(), live: run.state === 'running' && !run.stale });
      cells.elapsed.textContent = duration(run.elapsed_s);
      row.dataset.version = run.state + run.stage + run.round;
      row.dataset.state = run.state;
      row.dataset.stage = run.stage;
      if (before && before !== row.dataset.version) { row.classList.remove('changed'); void row.offsetWidth; row.classList.add('changed'); }
      if (body.children[index] !== row) body.insertBefore(row, body.children[index] || null);
    });
    for (const row of rows.values()) row.remove();
    const t = latest.totals, b = latest.budget;
    const parts = [t.runs + ' run(s)', t.tokens.toLocaleString() + ' tokens', money(t.cost_usd) + ' spent'];
    for (const state of ORDER) if (t.states[state]) parts.push(STATES[state][0] + ' ' + t.states[state] + ' ' + STATES[state][1]);
    if (b.fleet_max_cost_usd) parts.push('fleet budget: ' + money(t.cost_usd) + ' of ' + money(b.fleet_max_cost_usd) +
      ' (' + Math.round(100 * t.cost_usd / b.fleet_max_cost_usd) + '%)');
    if (b.fleet_max_tokens) parts.push('fleet token budget: ' + Math.round(100 * t.tokens / b.fleet_max_tokens) + '% used');
    if (b.max_cost_usd || b.max_tokens) parts.push('per run: ' + [b.max_cost_usd ? money(b.max_cost_usd) : '', b.max_tokens ? b.max_tokens + ' tokens' : ''].filter(Boolean).join(', '));
    if (!b.fleet_max_cost_usd && !b.fleet_max_tokens) parts.push('no fleet budget set');
    totals.replaceChildren(...parts.map(text => el('span', { text })));
  }
  filter.onchange = render; sort.onchange = render;
  setInterval(() => {
    for (const row of body.children) {
      const clock = started.get(row.dataset.issue);
      if (clock && clock.live) row.querySelector('.elapsed').textContent = duration(clock.base + (Date.now() - clock.at) / 1000);
    }
  }, 1000);
  stream('/events/fleet', {}, { fleet: data => { latest = data; render(); } });
}

// ---- run
function runView(issue) {
  document.title = 'fanout \u00B7 ' + issue;
  const heading = el('h2', { id: 'run-title', text: 'Issue ' + issue });
  const summary = el('p', { id: 'run-summary' });
  const actions = el('div', { class: 'actions', id: 'actions' });
  const confirmBox = el('div', { id: 'confirm' });
  const notice = el('div', { id: 'notice', role: 'status', 'aria-live': 'polite' });
  const sections = {};
  for (const [id, title] of [['issue', 'Issue'], ['plan', 'Plan'], ['workspace', 'Workspace'], ['reviews', 'Reviews and fix rounds'],
    ['stages', 'Stages'], ['transcripts', 'Transcripts'], ['diff', 'Diff']])
    sections[id] = el('section', { id: 'section-' + id }, el('h2', { text: title }), el('div', { class: 'body' }));
  main.append(el('p', {}, link(withToken('/'), '\u2190 fleet')), heading, summary, actions, confirmBox, notice,
    ...Object.values(sections));
  const body = id => sections[id].querySelector('.body');
  let pid = 0;

  const ACTIONS = [
    ['approve', 'Approve plan', 'primary', () => 'Approve the plan of run ' + issue + ' and continue it (starts "fanout approve ' + issue + '")?'],
    ['resume', 'Resume', 'primary', () => 'Resume run ' + issue + ' from its last completed stage (starts "fanout resume ' + issue + '")?'],
    ['review', 'Re-run review', '', () => 'Validate run ' + issue + ' again with fresh reviewers (starts "fanout review ' + issue + '")?'],
    ['cancel', 'Cancel run', 'danger', () => 'Cancel run ' + issue + '? This does what Ctrl-C does to process ' + pid +
      ', which stops every run it drives; they can be resumed.'],
  ];
  for (const [name, label, kind, question] of ACTIONS) {
    const button = el('button', { type: 'button', class: kind, 'data-action': name, text: label });
    button.onclick = () => {
      const yes = el('button', { type: 'button', class: kind || 'primary', 'data-confirm': name, text: 'Yes, ' + label.toLowerCase() });
      const no = el('button', { type: 'button', text: 'No' });
      no.onclick = () => confirmBox.replaceChildren();
      yes.onclick = async () => {
        confirmBox.replaceChildren();
        const response = await fetch('/api/actions/' + name, {
          method: 'POST', headers: { 'X-Fanout-Token': token, 'Content-Type': 'application/json' },
          body: JSON.stringify({ issue }) });
        const answer = await response.json().catch(() => ({ error: 'HTTP ' + response.status }));
        notice.className = 'notice ' + (response.ok ? 'ok' : 'error');
        notice.textContent = response.ok ? answer.message : answer.error;
      };
      confirmBox.replaceChildren(el('div', { class: 'confirm', role: 'alertdialog' }, el('p', { text: question() }), yes, ' ', no));
    };
    actions.append(button);
  }

  function findingsList(findings) {
    const list = el('ul');
    for (const f of findings || []) {
      const where = f.file ? f.file + (f.line ? ':' + f.line : '') : '';
      const item = el('li', { class: 'finding' }, el('span', { text: '[' + f.severity + '] ' }));
      if (where) item.append(el('a', { href: '#diff-' + encodeURIComponent(f.file), class: 'where' }, el('code', { text: where })), ' ');
      item.append(el('span', { text: f.message }));
      if (f.detail) item.append(el('details', {}, el('summary', { text: 'evidence' }), el('pre', { text: f.detail })));
      list.append(item);
    }
    return list;
  }
  function renderRun(data) {
    if (data.error) { summary.textContent = data.error; return; }
    const run = data.run;
    pid = run.pid;
    // Only the buttons that make sense now are shown; the server checks again either way.
    const live = run.state === 'running' && !run.stale;
    const relevant = {
      approve: run.state === 'needs_human' && run.stage === 'approve_plan',
      resume: !live && run.state !== 'done' && run.state !== 'merged' && run.state !== 'closed' && !(run.state === 'needs_human' && run.stage === 'approve_plan'),
      review: !live && !!data.workspace,
      cancel: live,
    };
    for (const button of actions.children) button.hidden = !relevant[button.dataset.action];
    heading.textContent = 'Issue ' + run.issue + (run.title ? ': ' + run.title : '');
    summary.replaceChildren(el('span', { class: 'state', 'data-state': run.state, id: 'run-state', text: stateLabel(run) }),
      ' at stage ', el('strong', { id: 'run-stage', text: run.stage }), ' \u00B7 ' + duration(run.elapsed_s) + ' \u00B7 ' +
      run.tokens.toLocaleString() + ' tokens \u00B7 ' + money(run.cost_usd) + ' \u00B7 ', run.pr ? link(run.pr, 'pull request') : 'no PR yet');
    if (run.error) summary.append(el('div', { class: 'muted', text: run.error }));
    const issueData = data.issue;
    body('issue').replaceChildren(...(issueData ? [issueData.url ? link(issueData.url, issueData.url) : '', el('pre', { text: issueData.body || '(no description)' })]
      : [el('p', { class: 'muted', text: 'not fetched yet' })]));
    body('plan').replaceChildren(data.plan != null ? el('pre', { id: 'plan', text: data.plan }) : el('p', { class: 'muted', text: 'no plan yet' }));
    const w = data.workspace;
    body('workspace').replaceChildren(w ? el('dl', {},
      el('dt', { text: 'path' }), el('dd', { text: w.path }), el('dt', { text: 'branch' }), el('dd', { text: w.branch + ' (from ' + w.base + ')' }),
      el('dt', { text: 'ports' }), el('dd', { text: w.ports.length ? w.ports.join(', ') : 'none' }),
      el('dt', { text: 'database' }), el('dd', { id: 'database-url', text: w.database_url || 'none' }),
      el('dt', { text: 'state' }), el('dd', { text: w.state })) : el('p', { class: 'muted', text: 'no workspace' }));
    const rounds = body('reviews'); rounds.replaceChildren();
    if (!data.rounds.length) rounds.append(el('p', { class: 'muted', text: 'no review yet' }));
    for (const round of data.rounds) {
      rounds.append(el('h3', { text: round.round === 0 ? 'First review' : 'After fix round ' + round.round }));
      for (const review of round.reviews) {
        const verdict = review.verdict ? review.verdict.replace('_', ' ') : 'failed: ' + review.failure;
        rounds.append(el('div', { class: 'review', 'data-reviewer': review.reviewer },
          el('strong', { text: review.reviewer + ': ' }), el('span', { class: 'verdict', text: verdict }),
          review.summary ? el('p', { text: review.summary }) : null, findingsList(review.findings)));
      }
    }
    body('stages').replaceChildren(el('ol', {}, ...data.stages.map(s => el('li', { text: s.stage + (s.round ? ' ' + s.round : '') +
      (s.completed_at ? ' \u2714 ' + duration(s.completed_at - s.started_at) : ' \u2026 started ' + new Date(s.started_at * 1000).toLocaleTimeString()) }))));
  }

  const transcripts = new Map();
  function transcriptBox(name) {
    if (!transcripts.has(name)) {
      const box = el('div', { class: 'transcript', 'data-transcript': name });
      const section = el('details', { open: '' }, el('summary', { text: name }), box);
      body('transcripts').append(section);
      transcripts.set(name, { box, lastTool: null });
    }
    return transcripts.get(name);
  }
  function appendEntry(t, entry) {
    const text = entry.text || '';
    if (entry.type === 'tool_use') {
      const details = el('details', { class: 'tool' }, el('summary', { text: '\u2692 ' + (entry.tool || 'tool') + ' ' + (entry.detail || '').slice(0, 80) }),
        el('pre', { text: entry.detail || '' }));
      t.box.append(details); t.lastTool = details; return;
    }
    if (entry.type === 'tool_result' && t.lastTool) { t.lastTool.append(el('pre', { class: 'result', text: text })); t.lastTool = null; return; }
    let shown;
    if (entry.type === 'start' || entry.type === 'session') {
      shown = el('details', { class: 'entry' }, el('summary', { text: '\u2500 session ' + (entry.model ? '(' + entry.model + ')' : '') }),
        el('pre', { text: entry.prompt || '' }));
    } else if (entry.type === 'result') {
      shown = el('div', { class: 'entry' }, el('strong', { text: (entry.ok ? '\u2714 done' : '\u2716 ' + (entry.kind || 'failed')) +
        (entry.tokens && entry.tokens.output != null ? ' (' + entry.tokens.output + ' tokens out)' : '') }), text ? ' ' + text : '');
    } else {
      shown = el('div', { class: 'entry', 'data-type': entry.type }, el('span', { class: 'who', text: entry.type }),
        el('span', { text: text || entry.message || '' }));
    }
    t.box.append(shown);
  }
  async function loadDiff() {
    const response = await fetch(withToken('/api/diff', { issue }));
    const text = await response.text();
    const pre = el('pre', { id: 'diff' });
    for (const line of text.split('\n')) {
      let span;
      if (line.startsWith('diff --git')) {
        const file = (line.match(/ b\/(.*)$/) || [])[1] || '';
        span = el('span', { class: 'diff-file', id: 'diff-' + encodeURIComponent(file), text: line });
      } else span = el('span', { class: line.startsWith('+') ? 'diff-add' : line.startsWith('-') ? 'diff-del' : '', text: line });
      pre.append(span, '\n');
    }
    const refresh = el('button', { type: 'button', text: 'Refresh diff' }); refresh.onclick = loadDiff;
    body('diff').replaceChildren(refresh, pre);
  }
  loadDiff();
  let lastStage = '';
  stream('/events/run', { issue }, {
    run: data => { renderRun(data); const stage = data.run ? data.run.stage + data.run.round : ''; if (stage !== lastStage) { lastStage = stage; loadDiff(); } },
    transcript: files => { for (const file of files) { const t = transcriptBox(file.transcript); for (const entry of file.entries) appendEntry(t, entry); } },
  });
}

const header = el('header', {}, el('h1', {}, link(withToken('/'), 'fanout')), el('span', { class: 'muted', id: 'live', text: '\u25CB connecting\u2026' }));
document.body.prepend(header);
if (location.pathname === '/run') runView(params.get('issue') || ''); else fleetView();
)js";
} // namespace

std::string_view page_script() { return k_script; }

} // namespace fanout::serve
