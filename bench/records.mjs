// Recording throughput, in one run on one machine (figures are comparable as ratios only):
//  1. committed: POST /records answered 202 (the record durably in SQLite, synchronous=FULL),
//     with 1 and 16 clients, while delivery to the EHR runs;
//  2. delivered: records written to the FHIR server (Medplum's in-memory router) per second,
//     next to the same transactions POSTed straight to that server by this script with the same
//     parallelism: the ratio is selvhjelp's delivery overhead.
// Usage: node --experimental-websocket bench/records.mjs [RECORDS]  (bash bench/records.sh builds first)
import crypto from 'node:crypto';
import { post, startFhirPeer, startService } from '../tests/integration/harness.mjs';

const N = Number(process.argv[2] || 2000);
const WORKERS = 4;

function record(i) {
  return { id: crypto.randomUUID(), patient: { reference: `Patient/bench-${i}` }, practitioner: { reference: 'Practitioner/bench' },
           level: 'written', response: 'interested', groups: ['demo-bgo-aa-1'] };
}

async function parallel(count, clients, task) {
  let next = 0;
  const latencies = [];
  await Promise.all(Array.from({ length: clients }, async () => {
    while (next < count) {
      const i = next++;
      const t = process.hrtime.bigint();
      await task(i);
      latencies.push(Number(process.hrtime.bigint() - t) / 1e6);
    }
  }));
  latencies.sort((a, b) => a - b);
  return { p50: latencies[Math.floor(latencies.length / 2)], p99: latencies[Math.floor(latencies.length * 0.99)] };
}

async function countDelivered(service) {
  const text = await (await fetch(`${service.base}/metrics`)).text();
  return Number(text.match(/state="delivered"\} (\d+)/)[1]);
}

const peer = await startFhirPeer();
const service = await startService((c) => {
  c.auth.required = false;
  c.records = { fhirServer: peer.base, allowHttp: true, deliveryWorkers: WORKERS, retryInitialMs: 100, retryMaxMs: 1000 };
});
try {
  const rows = [];
  for (const clients of [1, 16]) {
    const start = Date.now();
    const { p50, p99 } = await parallel(N, clients, async (i) => {
      const r = await post(service, '/records', record(i), { token: '' });
      if (r.status !== 202) throw new Error(`${r.status} ${r.text}`);
    });
    const secs = (Date.now() - start) / 1000;
    rows.push([`committed, ${clients} client(s)`, `${Math.round(N / secs)} records/s`, `p50 ${p50.toFixed(2)} ms, p99 ${p99.toFixed(2)} ms`]);
  }
  // Delivery of everything committed above (2N records), timed from now.
  let t = Date.now();
  let before = await countDelivered(service);
  while ((await countDelivered(service)) < 2 * N) await new Promise((r) => setTimeout(r, 100));
  const remaining = 2 * N - before;
  rows.push([`delivered by selvhjelp (${WORKERS} workers)`, `${Math.round(remaining / ((Date.now() - t) / 1000))} records/s`, `${remaining} records after the posting phase`]);

  // The same transactions straight to the server, into a fresh store of the same size.
  await peer.reset();
  const bundles = [];
  for (let i = 0; i < 2 * N; i++) {
    const id = crypto.randomUUID();
    bundles.push(JSON.stringify({ resourceType: 'Bundle', type: 'transaction', entry: [
      { fullUrl: `urn:uuid:${crypto.randomUUID()}`, request: { method: 'POST', url: 'Communication', ifNoneExist: `identifier=urn:ietf:rfc:3986|urn:uuid:${id}` },
        resource: { resourceType: 'Communication', status: 'completed', identifier: [{ system: 'urn:ietf:rfc:3986', value: `urn:uuid:${id}` }], subject: { reference: `Patient/bench-${i}` } } },
      { fullUrl: `urn:uuid:${crypto.randomUUID()}`, request: { method: 'POST', url: 'Provenance', ifNoneExist: `_tag=https://selvhjelp.example/fhir/NamingSystem/record|${id}` },
        resource: { resourceType: 'Provenance', meta: { tag: [{ system: 'https://selvhjelp.example/fhir/NamingSystem/record', code: id }] }, target: [{ reference: 'Patient/x' }], recorded: '2026-11-23T10:00:00Z', agent: [{ who: { display: 'bench' } }] } },
    ] }));
  }
  t = Date.now();
  await parallel(bundles.length, WORKERS, async (i) => {
    const r = await fetch(peer.base, { method: 'POST', headers: { 'content-type': 'application/fhir+json' }, body: bundles[i] });
    await r.text();
  });
  rows.push([`straight to the FHIR server (${WORKERS} clients)`, `${Math.round(bundles.length / ((Date.now() - t) / 1000))} records/s`, 'same store size, same transaction shape']);
  for (const row of rows) console.log(row.join('\t'));
} finally {
  await service.cleanup();
  await peer.stop();
}
