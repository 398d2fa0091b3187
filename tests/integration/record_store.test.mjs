// Our store as the system of record: records queried by patient, hook decisions taken on our
// store when the EHR has no Communication search (and saying so), and entered-in-error marked
// before the answer, respected by the decision and corrected in a real FHIR server's copy.
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { get, post, startFhirPeer, startService, waitFor } from './harness.mjs';
import { bergen, fullPrefetch, hookRequest } from './fixtures.mjs';

const HOOK = '/cds-services/selvhjelp-patient-view';
const STORE_NOTE = /selvhjelpstjenestens eget lager/;
const RECORD_SYSTEM = 'https://selvhjelp.example/fhir/NamingSystem/record';

// A hook call whose EHR gave no earlier records: the key left out, or answered with an error.
function withoutRecords(patientId, informationRecords) {
  const prefetch = fullPrefetch(patientId, bergen);
  if (informationRecords === undefined) delete prefetch.informationRecords;
  else prefetch.informationRecords = informationRecords;
  return hookRequest('patient-view', patientId, { prefetch });
}
const ehrError = { resourceType: 'OperationOutcome', issue: [{ severity: 'error', code: 'not-supported', diagnostics: 'Communication search is not supported' }] };

describe('our store is the system of record', () => {
  let peer;
  let service;
  const recorded = crypto.randomUUID();

  before(async () => {
    peer = await startFhirPeer();
    service = await startService((config) => {
      config.records = { fhirServer: peer.base, allowHttp: true, retryInitialMs: 100, retryMaxMs: 800 };
    });
    const answer = await post(service, '/records', {
      id: recorded, patient: { reference: 'Patient/pat-store' }, practitioner: { reference: 'Practitioner/prac-1' },
      level: 'conversation', response: 'interested', groups: ['demo-bgo-aa-1'], sent: '2026-11-01T10:00:00+01:00',
    });
    assert.equal(answer.status, 202, answer.text);
  });
  after(async () => {
    await service?.cleanup();
    await peer?.stop();
  });

  test('GET /records?patient= gives the patient\'s records from our store', async () => {
    const found = await get(service, '/records?patient=Patient/pat-store');
    assert.equal(found.status, 200);
    assert.equal(found.json.records.length, 1);
    const [r] = found.json.records;
    assert.equal(r.id, recorded);
    assert.equal(r.sent, '2026-11-01T10:00:00+01:00');
    assert.equal(r.recipient, 'patient');
    assert.equal(r.level, 'conversation');
    assert.equal(r.response, 'interested');
    assert.equal(r.status, 'active');
    assert.equal(r.groups.length, 1);
    assert.ok(r.groups[0].name);
    assert.deepEqual((await get(service, '/records?patient=someone-else')).json.records, []);
    const missing = await get(service, '/records');
    assert.equal(missing.status, 400);
    assert.equal(missing.json.resourceType, 'OperationOutcome');
  });

  test('without the EHR\'s records (left out, or an error) the decision uses our store and says so', async () => {
    for (const records of [undefined, ehrError]) {
      const informed = await post(service, HOOK, withoutRecords('pat-store', records));
      assert.equal(informed.status, 200, informed.text);
      assert.deepEqual(informed.json.cards, [], 'recently informed, by our store');
      const fresh = await post(service, HOOK, withoutRecords('pat-fresh', records));
      assert.equal(fresh.status, 200, fresh.text);
      assert.equal(fresh.json.cards.length, 1);
      assert.match(fresh.json.cards[0].detail, STORE_NOTE);
    }
    // With the EHR's answer (none), the card does not carry the note.
    const known = await post(service, HOOK, hookRequest('patient-view', 'pat-fresh', { prefetch: fullPrefetch('pat-fresh', bergen) }));
    assert.equal(known.json.cards.length, 1);
    assert.doesNotMatch(known.json.cards[0].detail, STORE_NOTE);
    // Discovery no longer asks for the Communication search as a requirement.
    assert.ok((await get(service, '/cds-services')).json.services[0].prefetch.informationRecords);
  });

  test('entered-in-error: marked before the answer, left out by the decision, corrected at the EHR', async () => {
    const byIdentifier = (type, suffix = '') => peer.search(type, `identifier=${RECORD_SYSTEM}|${recorded}${suffix}`);
    await waitFor(async () => (await get(service, `/records/${recorded}`)).json.state === 'delivered', 'the record delivered');
    const [before] = await peer.search('Communication', `identifier=urn:ietf:rfc:3986|urn:uuid:${recorded}`);
    assert.equal(before.status, 'completed');

    const marked = await post(service, `/records/${recorded}/$entered-in-error`, '');
    assert.equal(marked.status, 200, marked.text);
    assert.equal(marked.json.status, 'entered-in-error');
    const listed = await get(service, '/records?patient=pat-store');
    assert.equal(listed.json.records[0].status, 'entered-in-error');
    const again = await post(service, `/records/${recorded}/$entered-in-error`, '');
    assert.equal(again.status, 200);
    assert.equal(again.json.correction, 'already queued');

    // The decision no longer counts it: the card is due again.
    const due = await post(service, HOOK, withoutRecords('pat-store'));
    assert.equal(due.json.cards.length, 1);

    // The EHR's copies (Communication and Procedure) become entered-in-error; the Provenance stays.
    const communication = () => peer.search('Communication', `identifier=urn:ietf:rfc:3986|urn:uuid:${recorded}`);
    await waitFor(async () => (await communication())[0].status === 'entered-in-error', 'the Communication corrected');
    assert.equal((await communication()).length, 1);
    const procedures = await byIdentifier('Procedure', '/procedure');
    assert.equal(procedures.length, 1);
    assert.equal(procedures[0].status, 'entered-in-error');

    const unknown = await post(service, `/records/${crypto.randomUUID()}/$entered-in-error`, '');
    assert.equal(unknown.status, 404);
    assert.equal(unknown.json.resourceType, 'OperationOutcome');
  });
});
