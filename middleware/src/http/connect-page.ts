/**
 * The confirmation page of the QuickBooks connect flow (`GET /oauth/quickbooks/connect`). Opening it
 * changes nothing: the admin confirms with a button, whose script POSTs JSON to the same path (which a
 * cross-site page cannot do) and follows the consent URL it gets back.
 */
export const CONNECT_PAGE_CSP = "default-src 'none'; script-src 'self'; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

export function connectPage(entity: string, escape: (text: string) => string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Connect QuickBooks</title><link rel="icon" href="data:,"></head>
<body>
<h1>Connect a QuickBooks company</h1>
<p>Billing entity: <strong id="entity" data-entity="${escape(entity)}">${escape(entity)}</strong>. You will sign in to QuickBooks and choose the company.</p>
<p><label><input type="checkbox" id="rename"> If that company is already connected under another billing entity name, rename it to this one
(deals that name the old entity will then fail until they are changed).</label></p>
<p><button type="button" id="connect">Connect QuickBooks</button></p>
<p id="message" role="status" aria-live="polite"></p>
<script src="/oauth/quickbooks/connect.js"></script>
</body></html>`;
}

export const CONNECT_SCRIPT = String.raw`'use strict';
(function () {
  var button = document.getElementById('connect');
  button.addEventListener('click', function () {
    button.disabled = true;
    var body = { entity: document.getElementById('entity').getAttribute('data-entity'), rename: document.getElementById('rename').checked };
    fetch('/oauth/quickbooks/connect', { method: 'POST', credentials: 'same-origin', headers: { 'content-type': 'application/json', accept: 'application/json' }, body: JSON.stringify(body) })
      .then(function (res) { return res.json().then(function (answer) { return { ok: res.ok, answer: answer }; }); })
      .then(function (r) {
        if (r.ok) { window.location.assign(r.answer.authorizeUrl); return; }
        button.disabled = false;
        document.getElementById('message').textContent = r.answer.error ? r.answer.error.message + (r.answer.error.fix ? ' Fix: ' + r.answer.error.fix : '') : 'Failed.';
      });
  });
})();
`;
