// CORS for browser-based CDS clients (issue 9 item 6): origins in service.corsAllowedOrigins may
// call the CDS routes from a page (preflight answered with the headers they may send); other
// origins get no CORS headers at all, and nothing is ever allowed to '*'.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { post, signToken, startService } from './harness.mjs';
import { bergen, fullPrefetch, hookRequest } from './fixtures.mjs';

const PV = '/cds-services/selvhjelp-patient-view';
const ALLOWED = 'http://localhost:3000';
const OTHER = 'https://evil.example';

describe('CORS on the CDS routes', () => {
  let service;
  before(async () => {
    service = await startService((config) => { config.service.corsAllowedOrigins = [ALLOWED]; });
  });
  after(async () => { await service?.cleanup(); });

  const preflight = (origin, pathname = PV) => fetch(`${service.base}${pathname}`, {
    method: 'OPTIONS',
    headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization,content-type' },
  });

  test('a preflight from an allowed origin names the methods and headers it may send', async () => {
    const r = await preflight(ALLOWED);
    assert.equal(r.status, 204);
    assert.equal(r.headers.get('access-control-allow-origin'), ALLOWED);
    assert.match(r.headers.get('access-control-allow-methods'), /POST/);
    const headers = r.headers.get('access-control-allow-headers').toLowerCase();
    for (const h of ['authorization', 'content-type']) assert.ok(headers.includes(h), headers);
    assert.match(r.headers.get('vary'), /Origin/);
  });

  test('other origins get no CORS headers, on preflight or request', async () => {
    const r = await preflight(OTHER);
    assert.equal(r.headers.get('access-control-allow-origin'), null);
    assert.equal(r.headers.get('access-control-allow-headers'), null);
    const url = `${service.base}/cds-services`;
    const discovery = await fetch(url, { headers: { origin: OTHER, authorization: `Bearer ${signToken({ aud: url })}` } });
    assert.equal(discovery.status, 200);
    assert.equal(discovery.headers.get('access-control-allow-origin'), null);
  });

  test('answers to an allowed origin carry its origin, errors included, never *', async () => {
    const url = `${service.base}/cds-services`;
    const discovery = await fetch(url, { headers: { origin: ALLOWED, authorization: `Bearer ${signToken({ aud: url })}` } });
    assert.equal(discovery.status, 200);
    assert.equal(discovery.headers.get('access-control-allow-origin'), ALLOWED);
    const hook = await fetch(`${service.base}${PV}`, {
      method: 'POST',
      headers: { origin: ALLOWED, 'content-type': 'application/json', authorization: `Bearer ${signToken({ aud: `${service.base}${PV}` })}` },
      body: JSON.stringify(hookRequest('patient-view', 'p-cors', { prefetch: fullPrefetch('p-cors', bergen) })),
    });
    assert.equal(hook.status, 200, await hook.text());
    assert.equal(hook.headers.get('access-control-allow-origin'), ALLOWED);
    const refused = await fetch(`${service.base}${PV}`, { method: 'POST', headers: { origin: ALLOWED }, body: '{}' });
    assert.equal(refused.status, 401);
    assert.equal(refused.headers.get('access-control-allow-origin'), ALLOWED);  // the page may read why
    // Without an Origin (a server-side client), nothing changes.
    const plain = await post(service, PV, hookRequest('patient-view', 'p-cors', { prefetch: fullPrefetch('p-cors', bergen) }));
    assert.equal(plain.status, 200);
  });

  test('routes other than the CDS ones are not opened to browsers', async () => {
    const r = await preflight(ALLOWED, '/records');
    assert.equal(r.status, 405);
    assert.equal(r.headers.get('access-control-allow-origin'), null);
  });
});
