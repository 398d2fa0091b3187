// records.writeBack per EHR, end to end against the real FHIR server (Medplum's router):
// `document` writes one DocumentReference and one Binary (the note as PDF) per record, also through
// a cut-off server and kill -9; `none` writes nothing and keeps every record in our store; the
// EHR's CapabilityStatement is read at start-up and by check-config, as a warning only.
import assert from 'node:assert/strict';
import { execFile, spawnSync } from 'node:child_process';
import http from 'node:http';
import path from 'node:path';
import { promisify } from 'node:util';
import { after, before, describe, test } from 'node:test';
import { ROOT, get, listenOnFreePort, post, startFhirPeer, startService, waitFor, withResources } from './harness.mjs';
import { validateWithFhirJs, validateWithMedplum, validateWithOurProfiles } from './validators.mjs';
import { FNR, delivered, metrics, postAll, record, recordsConfig, startDeliveryRig } from './records_helpers.mjs';

const run = promisify(execFile);
const BIN = process.env.SELVHJELP_BIN || path.join(ROOT, 'build/plugin/selvhjelp');
const RECORD_SYSTEM = 'https://selvhjelp.example/fhir/NamingSystem/record';
const DOCUMENT = {
  type: { system: 'http://dips.no/fhir/CodeSystem/dips-documenttypeid', code: '1234', display: 'Notat' },
  category: { system: 'http://loinc.org', code: '11488-4', display: 'Consult note' },
};
const documentConfig = (fhirServer, extra = {}) => recordsConfig(fhirServer, { writeBack: 'document', document: DOCUMENT, ...extra });

// The record id a DocumentReference was written for (its identifier <record id>/document).
const recordIdOf = (d) => d.identifier.find((i) => i.system === RECORD_SYSTEM).value.replace(/\/document$/, '');

// Each of `ids` has exactly one DocumentReference and one Binary (the one its PDF names), and the
// server holds no others.
async function assertOneDocumentEach(peer, ids) {
  const documents = await peer.search('DocumentReference');
  const perRecord = new Map();
  for (const d of documents) perRecord.set(recordIdOf(d), (perRecord.get(recordIdOf(d)) ?? 0) + 1);
  assert.deepEqual([...perRecord].filter(([, n]) => n > 1), [], 'duplicated DocumentReferences');
  assert.deepEqual([...perRecord.keys()].sort(), [...ids].sort());
  const binaries = await peer.search('Binary');
  assert.equal(binaries.length, ids.length, 'one Binary per record');
  const binaryIds = new Set(binaries.map((b) => b.id));
  for (const d of documents) {
    const url = d.content[0].attachment.url;
    assert.ok(binaryIds.has(url.split('/').pop()), `the PDF of ${recordIdOf(d)} is on the server`);
  }
}

const decoded = (base64) => Buffer.from(base64, 'base64');

describe('document write-back to a real FHIR server', () => {
  let peer;
  let proxy;
  let service;
  let rig;
  before(async () => {
    rig = await startDeliveryRig((fhirServer) => documentConfig(fhirServer, { deliveryWorkers: 4 }));
    ({ peer, proxy, service } = rig);
  });
  after(async () => {
    await rig?.stop();
  });

  test('a record becomes a valid DocumentReference with its PDF as a Binary, its text saying what was given', async () => {
    await peer.reset();
    const body = record({ response: 'thinking' });
    const r = await post(service, '/records', body);
    assert.equal(r.status, 202, r.text);
    assert.equal(r.json.state, 'pending');
    const state = await waitFor(async () => {
      const s = await get(service, `/records/${body.id}`);
      return s.json.state === 'delivered' && s.json;
    }, 'delivery');
    assert.match(state.location, /^DocumentReference\//);

    const [d] = await peer.search('DocumentReference', `identifier=${RECORD_SYSTEM}|${body.id}/document`);
    assert.ok(d, 'the DocumentReference is readable at the EHR');
    assert.equal(`DocumentReference/${d.id}`, state.location);
    assert.equal(d.status, 'current');
    assert.equal(d.docStatus, 'final');
    assert.deepEqual(d.type.coding[0], DOCUMENT.type);
    assert.deepEqual(d.category[0].coding[0], DOCUMENT.category);
    assert.equal(d.subject.reference, 'Patient/pat-1');
    assert.equal(d.context.encounter[0].reference, 'Encounter/enc-1');
    assert.equal(d.author[0].identifier.value, '9144889');
    assert.deepEqual(validateWithMedplum(d), []);
    assert.deepEqual(validateWithFhirJs(d), []);

    // The structured record, contained: our Communication profile, named by context.related.
    const [communication] = d.contained;
    assert.equal(communication.resourceType, 'Communication');
    assert.equal(d.context.related[0].reference, `#${communication.id}`);
    assert.deepEqual(validateWithOurProfiles(communication), []);
    const ext = Object.fromEntries(communication.extension.map((e) => [e.url.split('/').pop(), e.valueCoding.code]));
    assert.deepEqual(ext, { 'intervention-level': 'conversation', 'patient-response': 'thinking' });

    // The PDF: a Binary on the server, named by the first attachment, that poppler reads back.
    const [pdfContent, textContent] = d.content;
    assert.equal(pdfContent.attachment.contentType, 'application/pdf');
    const binary = await (await fetch(`${peer.base}/Binary/${pdfContent.attachment.url.split('/').pop()}`)).json();
    assert.equal(binary.contentType, 'application/pdf');
    assert.deepEqual(validateWithMedplum(binary), []);
    const pdf = decoded(binary.data);
    assert.equal(pdf.subarray(0, 5).toString(), '%PDF-');
    assert.equal(pdfContent.attachment.size, pdf.length);
    const pdfText = spawnSync('pdftotext', ['-', '-'], { input: pdf }).stdout.toString();
    const text = decoded(textContent.attachment.data).toString('utf8');
    assert.match(textContent.attachment.contentType, /^text\/plain/);
    for (const said of [pdfText, text]) {
      assert.match(said, /Informasjon om selvhjelpsgrupper/);
      assert.match(said, /motiverende samtale med anbefaling/);
      assert.match(said, /vil tenke på det/);
      assert.match(said, /AA/);
      assert.match(said, /HPR-nr\. 9144889/);
      assert.ok(!said.includes(FNR), 'the note carries no fødselsnummer');
    }
  });

  test('the same record sent twice is one document', async () => {
    await peer.reset();
    const body = record();
    assert.equal((await post(service, '/records', body)).status, 202);
    assert.equal((await post(service, '/records', body)).status, 200);
    await waitFor(async () => (await get(service, `/records/${body.id}`)).json.state === 'delivered', 'delivery');
    await assertOneDocumentEach(peer, [body.id]);
  });

  test('200 records with the FHIR server cut off midway: all delivered, one document and one PDF each', async () => {
    await peer.reset();
    const records = Array.from({ length: 200 }, (_, i) => record({ patient: { reference: `Patient/doc-cut-${i}` } }));
    const start = await metrics(service);
    const posting = postAll(service, records);
    await delivered(service, start.delivered + 20);
    proxy.cut();
    await posting;
    const cutAt = await metrics(service);
    await waitFor(async () => (await metrics(service)).retries > cutAt.retries, 'failed attempts while cut off');
    proxy.restore();
    await delivered(service, start.delivered + 200);
    assert.equal((await metrics(service)).pending, 0);
    await assertOneDocumentEach(peer, records.map((r) => r.id));
  });

  test('kill -9 in the middle of delivery: after a restart one document and one PDF each', async () => {
    await peer.reset();
    const records = Array.from({ length: 150 }, (_, i) => record({ patient: { reference: `Patient/doc-kill-${i}` } }));
    const start = await metrics(service);
    await postAll(service, records);
    await delivered(service, start.delivered + 10);
    await service.kill9();
    await service.start();
    await delivered(service, start.delivered + 150);
    await waitFor(async () => (await metrics(service)).pending === 0, 'nothing pending');
    await assertOneDocumentEach(peer, records.map((r) => r.id));
  });

  test('the EHR\'s CapabilityStatement is read at start-up; the test server lists nothing, so it warns', async () => {
    await waitFor(() => /warning: records\.writeBack document: the EHR's CapabilityStatement does not list DocumentReference create, Binary update, transaction, DocumentReference patch \(entered-in-error corrections\)/.test(service.log),
                  'the capability warning in the log');
  });
});

describe('no write-back (records.writeBack none)', () => {
  test('nothing is written to the server, and every record stays in our store across a restart', async () => {
    await withResources(async (use) => {
      const peer = use(await startFhirPeer());
      const service = use(await startService(recordsConfig(peer.base, { writeBack: 'none' })));
      const records = Array.from({ length: 20 }, (_, i) => record({ patient: { reference: `Patient/none-${i}` } }));
      for (const body of records) {
        const r = await post(service, '/records', body);
        assert.equal(r.status, 202, r.text);
        assert.equal(r.json.state, 'stored');
      }
      await service.stop();
      await service.start();
      const health = await (await fetch(`${service.base}/health`)).json();
      assert.equal(health.records.stored, 20);
      assert.equal(health.records.pending, 0);
      assert.equal(health.records.writeBackMode, 'none');
      for (const body of records) assert.equal((await get(service, `/records/${body.id}`)).json.state, 'stored');
      const list = await run(BIN, ['outbox', 'list', service.configPath, '--state', 'stored']);
      for (const body of records) assert.match(list.stdout, new RegExp(`${body.id}\\tstored\\t0\\t`));
      assert.match(list.stdout, /0 pending, 0 delivered, 0 parked, 20 stored/);
      assert.equal((await metrics(service)).attempts, 0, 'no delivery was attempted');
      assert.deepEqual((await peer.seenAuthorizations()).filter((s) => s.method !== 'GET'), [], 'nothing was written');
      assert.equal((await peer.search('Communication')).length + (await peer.search('DocumentReference')).length, 0);
    });
  });
});

describe('check-config reads the EHR\'s CapabilityStatement', () => {
  // A server whose statement lists what document mode needs; with `gatewayKey`, behind a gateway
  // that answers 401 to a request without that Ocp-Apim-Subscription-Key.
  async function startCapableServer(gatewayKey) {
    const server = http.createServer((req, res) => {
      if (gatewayKey && req.headers['ocp-apim-subscription-key'] !== gatewayKey) {
        res.writeHead(401, { 'content-type': 'application/json' });
        return res.end('{"statusCode": 401, "message": "Access denied due to missing subscription key."}');
      }
      res.writeHead(200, { 'content-type': 'application/fhir+json' });
      res.end(JSON.stringify({ resourceType: 'CapabilityStatement', status: 'active', kind: 'instance', fhirVersion: '4.0.1', format: ['json'],
        rest: [{ mode: 'server', interaction: [{ code: 'transaction' }], resource: [
          { type: 'DocumentReference', interaction: [{ code: 'create' }, { code: 'search-type' }, { code: 'patch' }] },
          { type: 'Binary', interaction: [{ code: 'update' }], updateCreate: true }] }] }));
    });
    const port = await listenOnFreePort(server);
    return { base: `http://127.0.0.1:${port}/fhir`, stop: () => new Promise((resolve) => server.close(resolve)) };
  }

  test('a statement that lists everything says so; one that does not is a warning, and the config stays valid', async () => {
    await withResources(async (use) => {
      const capable = use(await startCapableServer());
      const service = use(await startService(documentConfig(capable.base)));
      const ok = await run(BIN, ['check-config', service.configPath]);
      assert.match(ok.stdout, /valid/);
      assert.match(ok.stdout, /records\.writeBack document: the EHR's CapabilityStatement lists everything this mode needs/);

      const peer = use(await startFhirPeer());
      const bare = use(await startService(recordsConfig(peer.base)));
      const warned = await run(BIN, ['check-config', bare.configPath]);  // exit 0: a warning only
      assert.match(warned.stdout, /warning: records\.writeBack communication: the EHR's CapabilityStatement does not list Communication create/);
    });
  });

  test('behind an API gateway the probe sends records.auth.headers, at start-up and in check-config', async () => {
    await withResources(async (use) => {
      const gated = use(await startCapableServer('gw-key-1'));
      const service = use(await startService(documentConfig(gated.base,
        { auth: { type: 'none', headers: { 'Ocp-Apim-Subscription-Key': 'gw-key-1' } } })));
      const checked = await run(BIN, ['check-config', service.configPath]);
      assert.match(checked.stdout, /records\.writeBack document: the EHR's CapabilityStatement lists everything this mode needs/);
      await waitFor(() => /CapabilityStatement lists everything this mode needs/.test(service.log), 'the start-up probe logged');
      assert.doesNotMatch(service.log, /HTTP 401|gw-key-1/);
    });
  });
});
