// Several instances, one truth: two `selvhjelp serve` on one PostgreSQL database (started here in
// a temporary folder by tests/pg/pg_server.sh). Records are posted to both at random while the
// FHIR server is cut off for a while and one instance is killed with -9: every record answered
// 202 (or 200, already stored) is delivered exactly once (the dead instance's leases are taken over), and both instances
// give the same answers, and no record is sent twice beyond those cut off mid-delivery. A token used on
// one instance is refused on the other.
// SELVHJELP_PG_RECORDS records (600 when unset): the test suite sets the issue's 2,000 in the plain build
// (about 60 s on a loaded 2-core machine) and 600 under the sanitizers (tests/CMakeLists.txt).
// Skipped, saying so, only when PostgreSQL's server binaries are absent.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { signToken, startFhirPeer, startProxy, startService, waitFor, waitForProgress } from './harness.mjs';
import { bergen, fullPrefetch, hookRequest } from './fixtures.mjs';
import { PG_SKIPPED, startPostgres } from './pg_server.mjs';
import { metrics, record, recordsConfig } from './records_helpers.mjs';

const PUBLIC = 'https://selvhjelp.example';  // both instances' service.publicBaseUrl, as behind a load balancer
const URI = 'urn:ietf:rfc:3986';  // the record's identifier system (its id as urn:uuid)
const RECORDS = Number(process.env.SELVHJELP_PG_RECORDS || 600);

// POSTs to one instance with a token for the shared public URL (valid on both).
async function send(service, pathname, body, token = `Bearer ${signToken({ aud: `${PUBLIC}${pathname}` })}`) {
  const r = await fetch(`${service.base}${pathname}`, {
    method: 'POST', headers: { 'content-type': 'application/json', authorization: token }, body: JSON.stringify(body),
  });
  const text = await r.text();
  return { status: r.status, text };
}

async function read(service, pathname) {
  const r = await fetch(`${service.base}${pathname}`, {
    headers: { authorization: `Bearer ${signToken({ aud: `${PUBLIC}${pathname.split('?')[0]}` })}` },
  });
  return { status: r.status, json: await r.json() };
}

let pg;
let skip = false;

describe('two instances on one PostgreSQL store', () => {
  let peer;
  let proxy;
  let a;
  let b;

  before(async () => {
    pg = await startPostgres('selvhjelp-pg-it-');
    skip = pg.skip;
    if (skip) return;
    peer = await startFhirPeer();
    proxy = await startProxy(Number(new URL(peer.base).port));
    const edit = (config) => {
      delete config.store.path;
      config.store.url = pg.url;
      config.store.leaseSeconds = 6;  // above records.timeoutMs + 3 s (config_loader's lease check)
      config.service.publicBaseUrl = PUBLIC;
      recordsConfig(`http://127.0.0.1:${proxy.port}/fhir/R4`, { deliveryWorkers: 4, timeoutMs: 2000 })(config);
    };
    [a, b] = [await startService(edit), await startService(edit)];
  });
  after(async () => {
    await a?.cleanup();
    await b?.cleanup();
    await proxy?.stop();
    await peer?.stop();
    await pg?.stop();
  });

  test('a token used on one instance is refused on the other', async (t) => {
    if (skip) return t.skip(PG_SKIPPED);
    const hook = '/cds-services/selvhjelp-patient-view';
    const token = `Bearer ${signToken({ aud: `${PUBLIC}${hook}` })}`;
    const request = hookRequest('patient-view', 'pat-pg', { prefetch: fullPrefetch('pat-pg', bergen) });
    const first = await send(a, hook, request, token);
    assert.equal(first.status, 200, first.text);
    const replay = await send(b, hook, request, token);
    assert.equal(replay.status, 401, replay.text);
    await waitFor(() => /jti replayed/.test(b.log), 'the replay in B\'s log');  // the log may come after the answer
  });

  test(`${RECORDS} records to both at random, the FHIR server cut off and one instance killed -9: each delivered once`, async (t) => {
    if (skip) return t.skip(PG_SKIPPED);
    await peer.reset();
    const requestsBefore = (await peer.seenAuthorizations()).length;
    const records = Array.from({ length: RECORDS }, (_, i) => record({ patient: { reference: `Patient/pg-${i}` }, level: 'written' }));
    const accepted = new Set();
    let aAlive = true;
    let next = 0;
    let failed;  // the first failure stops every client (none may keep posting after the test)
    // Sixteen clients behind a "load balancer" that picks an instance at random and, when the
    // instance is gone, sends the same record (same id) to the other.
    const posting = Promise.all(Array.from({ length: 16 }, async () => {
      while (next < records.length && !failed) {
        const r = records[next++];
        for (let attempt = 1; !failed; attempt++) {
          const target = aAlive && Math.random() < 0.5 ? a : b;
          const answer = await send(target, '/records', r).catch(() => undefined);
          // 202, or 200 for a record already stored: the same id again after an answer lost
          // with a killed instance (its commit was done; the record is not stored twice).
          if (answer?.status === 202 || answer?.status === 200) {
            accepted.add(r.id);
            break;
          }
          if ((answer && answer.status !== 503) || attempt >= 50) {  // only a dead instance or store is retried
            failed = new Error(`record ${r.id}: ${answer ? `${answer.status} ${answer.text}` : 'no answer'} after ${attempt} attempts`);
          }
          await new Promise((resolve) => setTimeout(resolve, 20));
        }
      }
    }));
    const progress = (target, what) => waitForProgress(() => {
      if (failed) throw failed;
      return accepted.size;
    }, target, what);
    try {
      await progress(RECORDS / 4, 'a quarter posted');
      proxy.cut();
      await progress(RECORDS / 2, 'half posted');
      aAlive = false;
      await a.kill9();
      await waitFor(async () => (await metrics(b)).retries > 0, 'attempts failing while the FHIR server is cut off', 120000);
    } catch (error) {
      failed ??= error;
    } finally {
      proxy.restore();
      await posting;
    }
    if (failed) throw failed;
    assert.equal(accepted.size, RECORDS);
    // Counts come from the shared store: B sees A's records and delivers those A held (leases).
    await waitForProgress(async () => (await metrics(b)).delivered, RECORDS, `${RECORDS} records delivered`);
    assert.equal((await metrics(b)).pending, 0);
    const all = await peer.search('Communication');
    const seen = new Map();
    for (const c of all) {
      const id = c.identifier.find((i) => i.system === URI).value.slice('urn:uuid:'.length);
      seen.set(id, (seen.get(id) ?? 0) + 1);
    }
    assert.deepEqual([...seen].filter(([, n]) => n > 1), [], 'duplicated Communications');
    // The peer's conditional creates hide a transaction sent twice: count what it received. Sent
    // again legitimately: those A's 4 workers held when it was killed, those in flight when the
    // proxy cut the connections (4 per instance) and those whose answer came too late (timeout).
    const posts = (await peer.seenAuthorizations()).slice(requestsBefore).filter((s) => s.method === 'POST').length;
    const timeouts = [a.log, b.log].join('').match(/not delivered \(timeout\)/g)?.length ?? 0;
    assert.ok(posts - RECORDS <= 4 + 8 + timeouts,
              `${posts} transactions for ${RECORDS} records (${timeouts} timeouts): a record was sent twice`);
    assert.deepEqual([...seen.keys()].sort(), [...accepted].sort());
    // One truth: a record posted to the dead instance is read, delivered, from the other.
    const state = await read(b, `/records/${records[0].id}`);
    assert.equal(state.status, 200);
    assert.equal(state.json.state, 'delivered');
    const listed = await read(b, `/records?patient=Patient/pg-0`);
    assert.equal(listed.json.records.length, 1);
  });
});
