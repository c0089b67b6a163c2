/**
 * The operations page's browser script (served as /ops/ops.js). Plain DOM, no framework, no inline
 * script (the page's CSP allows only same-origin scripts); every value is inserted as text, never HTML.
 */
export const PAGE_SCRIPT = String.raw`'use strict';
(function () {
  var watched = {};
  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    (children || []).forEach(function (c) { node.appendChild(typeof c === 'string' ? document.createTextNode(c) : c); });
    return node;
  }
  function api(method, path, body) {
    var init = { method: method, credentials: 'same-origin', headers: { accept: 'application/json' } };
    // Admin changes take JSON only (a cross-site form cannot send it).
    if (method !== 'GET') { init.headers['content-type'] = 'application/json'; init.body = JSON.stringify(body || {}); }
    return fetch(path, init).then(function (res) {
      return res.json().then(function (body) {
        if (!res.ok) throw new Error((body.error && (body.error.message + (body.error.fix ? ' Fix: ' + body.error.fix : ''))) || ('HTTP ' + res.status));
        return body;
      });
    });
  }
  function say(text, level) {
    var box = document.getElementById('message');
    box.textContent = text;
    box.className = 'message ' + (level || 'info');
  }
  // Times arrive as ISO 8601 (UTC); people read them in their own time zone, which the page names.
  function when(iso) {
    if (!iso) return '-';
    var date = new Date(iso);
    return isNaN(date.getTime()) ? String(iso) : date.toLocaleString(undefined, { year: 'numeric', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', second: '2-digit', timeZoneName: 'short' });
  }
  function day(iso) {
    var date = new Date(iso);
    return !iso || isNaN(date.getTime()) ? String(iso || '-') : date.toLocaleDateString(undefined, { dateStyle: 'medium' });
  }
  function badge(level) { return el('span', { class: 'badge ' + level }, [level.toUpperCase()]); }
  function row(cells) { return el('tr', {}, cells.map(function (c) { return el('td', {}, [c]); })); }
  function table(id, head, rows) {
    var body = document.getElementById(id);
    body.replaceChildren();
    if (rows.length === 0) { body.appendChild(el('tr', {}, [el('td', { colspan: String(head) }, ['None.'])])); return; }
    rows.forEach(function (r) { body.appendChild(r); });
  }
  function renderHealth(h) {
    document.getElementById('overall').replaceChildren(badge(h.status), document.createTextNode(' checked ' + when(h.checkedAt)));
    table('companies', 7, h.companies.map(function (c) {
      return row([c.billingEntity + ' (' + c.realmId + ')', badge(c.status), c.connected ? 'connected' : 'not connected', when(c.accessTokenExpiresAt),
        c.refreshTokenAgeDays + ' days old, expires ' + day(c.refreshTokenExpiresAt), c.cdcCursor || '-', String(c.apiCallsToday)]);
    }));
    table('history', 4, h.companies.map(function (c) {
      var tr = row([c.billingEntity + ' (' + c.realmId + ')', runText(c.historyImport), runText(c.reconciliation)]);
      tr.setAttribute('data-history-row', c.realmId);
      tr.appendChild(el('td', {}, [runButton('Import history', '/api/v1/history-import', c), runButton('Reconcile now', '/api/v1/reconcile', c)]));
      return tr;
    }));
    var sf = h.salesforce;
    document.getElementById('salesforce').textContent = (sf.authenticated ? 'authenticated' : 'NOT authenticated: ' + sf.error) + (sf.apiUsage ? '; API ' + sf.apiUsage.used + ' / ' + sf.apiUsage.limit + ' today' : '');
    var q = h.queue;
    document.getElementById('queue').textContent = q.queued + ' queued, ' + q.running + ' running, ' + q.dead + ' dead, ' + q.failed + ' failed; oldest waiting ' + q.oldestQueuedAgeSeconds + ' s';
    document.getElementById('webhooks').textContent = h.webhooks.pending + ' pending; lag ' + h.webhooks.lagSeconds + ' s';
    var problems = document.getElementById('problems');
    problems.replaceChildren();
    h.problems.forEach(function (p) { problems.appendChild(el('li', {}, [p])); });
    if (h.problems.length === 0) problems.appendChild(el('li', { class: 'none' }, ['No problems: nothing needs a person right now.']));
  }
  // "running: Invoice 2,000/5,000 documents, 1,950 written (since 2024-12-03)"
  function runText(run) {
    if (!run) return 'not run yet';
    var figures = run.read.toLocaleString() + (run.total !== null ? '/' + run.total.toLocaleString() : '') + ' documents, ' + run.written.toLocaleString() + ' written';
    var extra = (run.deleted ? ', ' + run.deleted + ' removed' : '') + (run.refused ? ', ' + run.refused + ' refused' : '');
    var head = run.state === 'running' ? 'running' + (run.current ? ' (' + run.current + ')' : '') : run.state + ' ' + when(run.finishedAt);
    return head + ': ' + figures + extra + ' (since ' + run.since + ')' + (run.error ? '. ' + run.error : '');
  }
  function runButton(label, path, company) {
    var button = el('button', { type: 'button', 'data-history': path, 'aria-label': label + ' of ' + company.billingEntity }, [label]);
    button.addEventListener('click', function () {
      button.disabled = true;
      api('POST', path, { realmId: company.realmId }).then(function (job) {
        watched[job.jobId] = true;
        say(label + ': job ' + job.jobId + ' is ' + job.state + '.', 'info');
        button.disabled = false;
        refresh();
      }, function (error) { button.disabled = false; say(error.message, 'error'); });
    });
    return button;
  }
  function retryButton(job) {
    var button = el('button', { type: 'button', 'data-job': job.id, 'aria-label': 'Retry job ' + job.id }, ['Retry']);
    button.addEventListener('click', function () {
      button.disabled = true;
      api('POST', '/api/v1/jobs/' + encodeURIComponent(job.id) + '/retry').then(function () {
        watched[job.id] = true;
        say('Job ' + job.id + ' queued again.', 'info');
        refresh();
      }, function (error) { button.disabled = false; say(error.message, 'error'); });
    });
    return button;
  }
  function renderJobs(jobs) {
    table('jobs', 6, jobs.map(function (j) {
      var tr = row([j.id, j.state, j.type, j.opportunityId || j.accountId || '-', j.attempts + '/' + j.maxAttempts, j.lastError || '']);
      tr.setAttribute('data-job-row', j.id);
      tr.appendChild(el('td', {}, j.state === 'dead' || j.state === 'failed' || j.state === 'cancelled' ? [retryButton(j)] : []));
      return tr;
    }));
  }
  function followWatched() {
    Object.keys(watched).forEach(function (id) {
      api('GET', '/api/v1/jobs/' + encodeURIComponent(id)).then(function (job) {
        if (job.state === 'completed') { delete watched[id]; say('Job ' + id + ' succeeded.', 'ok'); }
        else if (job.state === 'dead' || job.state === 'failed') { delete watched[id]; say('Job ' + id + ' failed again: ' + (job.lastError || job.state), 'error'); }
      });
    });
  }
  function refresh() {
    return Promise.all([api('GET', '/api/v1/health'), api('GET', '/api/v1/jobs?limit=100')]).then(function (answers) {
      renderHealth(answers[0]);
      renderJobs(answers[1].jobs.filter(function (j) { return j.state !== 'completed' || watched[j.id]; }));
      followWatched();
    }, function (error) { say(error.message, 'error'); });
  }
  document.getElementById('retry-all').addEventListener('click', function () {
    fetch('/api/v1/jobs/retry-all', { method: 'POST', credentials: 'same-origin', headers: { 'content-type': 'application/json' }, body: '{"state":"dead"}' })
      .then(function (res) { return res.json(); })
      .then(function (body) { (body.retried || []).forEach(function (id) { watched[id] = true; }); say('Retried ' + (body.retried || []).length + ' dead jobs.', 'info'); refresh(); });
  });
  document.getElementById('timezone').textContent = 'Times are shown in your time zone (' + Intl.DateTimeFormat().resolvedOptions().timeZone + ').';
  // The catalogue changes slowly and reads both systems: once per page load.
  api('GET', '/api/v1/catalog').then(function (gaps) {
    var body = document.getElementById('catalog');
    (gaps.companies || [gaps]).forEach(function (company) {
      var name = company.entity ? company.entity.name : company.realmId;
      company.itemsWithoutProduct.forEach(function (item) {
        var tr = document.createElement('tr');
        [name, item.id, item.name, item.sku || '(none: matched by name)'].forEach(function (text) { var td = document.createElement('td'); td.textContent = text; tr.appendChild(td); });
        body.appendChild(tr);
      });
    });
  }, function (error) { say('Catalogue: ' + error.message, 'error'); });
  // The reconciliation reads every won deal and invoice: once per page load too.
  api('GET', '/api/v1/reconciliation').then(function (report) {
    var body = document.getElementById('reconciliation');
    function money(n) { return Number(n || 0).toFixed(2); }
    var rows = [].concat(
      report.wonWithoutInvoice.map(function (d) { return ['Closed Won deal without an invoice', d.id, d.name + ' (' + (d.accountName || d.accountId || '-') + '), closed ' + (d.closeDate || '-') + ', amount ' + money(d.amount) + ', status ' + (d.syncStatus || '-')]; }),
      report.invoicesWithoutDeal.map(function (r) { return ['Invoice without a deal', r.key, '#' + (r.docNumber || '-') + ' ' + (r.accountName || r.accountId || 'no Account') + ', total ' + money(r.total) + ', balance ' + money(r.balance)]; }),
      report.amountMismatches.map(function (m) { return ['Deal amount differs from its invoices', m.opportunityId, m.name + ': deal ' + money(m.amount) + ', invoiced ' + money(m.invoiced) + ', difference ' + money(m.difference)]; }),
      report.customersOnSeveralAccounts.map(function (c) { return ['Customer linked to several Accounts', 'customer ' + c.customerId + ' (company ' + c.realmId + ')', c.accounts.map(function (a) { return a.id + (a.name ? ' ' + a.name : ''); }).join('; ')]; })
    );
    if (rows.length === 0) rows = [['Nothing to reconcile', '-', 'Every won deal has its invoice, every invoice its deal, and amounts agree.']];
    rows.forEach(function (cells) { body.appendChild(el('tr', { class: 'reconciliation-row' }, cells.map(function (text) { return el('td', {}, [text]); }))); });
  }, function (error) { say('Reconciliation: ' + error.message, 'error'); });
  refresh();
  setInterval(refresh, 1500);
})();
`;
