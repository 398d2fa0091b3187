// Issue 11 item 4: request tokens against the real binary. A token is accepted once, also across
// a restart (used jtis are kept in the store until the token expires); tokens that live longer
// than auth.maxTokenLifetimeSeconds past iat and tokens with a crit header are refused; the
// Bearer scheme is matched in any case.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { post, signToken, startService, waitFor } from './harness.mjs';
import { bergen, fullPrefetch, hookRequest } from './fixtures.mjs';

const PV = '/cds-services/selvhjelp-patient-view';

describe('request tokens', () => {
  let service;
  before(async () => {
    service = await startService();
  });
  after(async () => {
    await service?.cleanup();
  });
  const call = (token) => post(service, PV, hookRequest('patient-view', 'p-token', { prefetch: fullPrefetch('p-token', bergen) }), { token });

  test('a token used before a restart is refused after it', async () => {
    const token = `Bearer ${signToken({ aud: service.base + PV })}`;
    assert.equal((await call(token)).status, 200);
    assert.equal((await call(token)).status, 401);  // replayed
    await service.stop();
    await service.start();
    const again = await call(token);
    assert.equal(again.status, 401, again.text);
    assert.equal((await call(`Bearer ${signToken({ aud: service.base + PV })}`)).status, 200);  // a new one is fine
    await waitFor(() => /jti replayed/.test(service.log), 'the replay logged');
  });

  test('lifetime over five minutes past iat, crit headers: refused; the scheme in any case: accepted', async () => {
    const now = Math.floor(Date.now() / 1000);
    const aud = service.base + PV;
    assert.equal((await call(`Bearer ${signToken({ aud, iat: now, exp: now + 3600 })}`)).status, 401);
    assert.equal((await call(`Bearer ${signToken({ aud, iat: now, exp: Number.MAX_SAFE_INTEGER })}`)).status, 401);
    assert.equal((await call(`Bearer ${signToken({ aud }, { header: { crit: ['exp'], exp: now + 60 } })}`)).status, 401);
    assert.equal((await call(`bearer ${signToken({ aud })}`)).status, 200);
    assert.equal((await call(`BEARER ${signToken({ aud })}`)).status, 200);
  });
});
