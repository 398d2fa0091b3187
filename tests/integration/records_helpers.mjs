// What the records tests share (records.test.mjs, write_back_modes.test.mjs): a valid record
// body, a write-back config, the delivery rig, the outbox's figures from /metrics, and posting
// many records.
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { post, startFhirPeer, startProxy, startService, waitForProgress } from './harness.mjs';
import { syntheticFnr } from './fixtures.mjs';

export const FNR = syntheticFnr(13, 11, 69, 4);

export function record(overrides = {}) {
  return {
    id: crypto.randomUUID(),
    patient: { reference: 'Patient/pat-1', identifier: { system: 'urn:oid:2.16.578.1.12.4.1.4.1', value: FNR } },
    practitioner: { reference: 'Practitioner/prac-1', identifier: { system: 'urn:oid:2.16.578.1.12.4.1.4.4', value: '9144889' }, display: 'Test Lege' },
    encounter: { reference: 'Encounter/enc-1' },
    level: 'conversation',
    response: 'interested',
    groups: ['demo-bgo-aa-1'],
    ...overrides,
  };
}

export const recordsConfig = (fhirServer, extra = {}) => (config) => {
  config.records = { fhirServer, allowHttp: true, retryInitialMs: 100, retryMaxMs: 800, timeoutMs: 3000, ...extra };
};

// The delivery tests' rig: the FHIR server, a proxy in front of it that a test can cut, and
// selvhjelp writing back through the proxy with the config `configFor(fhirServerUrl)` gives.
// stop() ends all three (what was started, also when a later start failed).
export async function startDeliveryRig(configFor) {
  const rig = {};
  rig.stop = async () => {
    await rig.service?.cleanup();
    await rig.proxy?.stop();
    await rig.peer?.stop();
  };
  try {
    rig.peer = await startFhirPeer();
    rig.proxy = await startProxy(Number(new URL(rig.peer.base).port));
    rig.service = await startService(configFor(`http://127.0.0.1:${rig.proxy.port}/fhir/R4`));
  } catch (e) {
    await rig.stop();
    throw e;
  }
  return rig;
}

export async function metrics(service) {
  const text = await (await fetch(`${service.base}/metrics`)).text();
  const value = (name) => Number(text.match(new RegExp(`^${name} (\\d+)`, 'm'))?.[1] ?? NaN);
  return { pending: value('selvhjelp_outbox_records\\{state="pending"\\}'), delivered: value('selvhjelp_outbox_records\\{state="delivered"\\}'),
           parked: value('selvhjelp_outbox_records\\{state="parked"\\}'), stored: value('selvhjelp_outbox_records\\{state="stored"\\}'),
           retries: value('selvhjelp_delivery_retries_total'), attempts: value('selvhjelp_delivery_attempts_total') };
}

// Waits as long as deliveries go on (a loaded machine is slow, not stuck); fails when they stop.
export const delivered = (service, n) => waitForProgress(async () => (await metrics(service)).delivered, n, `${n} records delivered`);

// Posts `records` with at most `parallel` requests in flight; every answer must be 202.
export async function postAll(service, records, parallel = 16) {
  let next = 0;
  await Promise.all(Array.from({ length: parallel }, async () => {
    while (next < records.length) {
      const r = records[next++];
      const answer = await post(service, '/records', r);
      assert.equal(answer.status, 202, answer.text);
    }
  }));
}
