// DIPS Arena's data as it comes (tests/data/dips, shaped after the DIPS IG's examples): a patient
// whose address carries a municipality number retired in the 2024 county split, in DIPS's own
// extension, with `district` holding a name two municipalities share and `state` the old county
// number; an encounter known by its care-episode identifier and no EpisodeOfCare; a diagnosis
// naming the encounter only by that identifier. Our service reads the patient and encounter from a
// real FHIR server and must show the groups of the municipality the place belongs to today.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { ROOT, post, startFhirPeer, startService } from './harness.mjs';
import { hookRequest, searchset } from './fixtures.mjs';

const DIPS = path.join(ROOT, 'tests/data/dips');
const read = (file) => JSON.parse(fs.readFileSync(path.join(DIPS, file), 'utf8'));
const ES = '/cds-services/selvhjelp-encounter-start';

describe('DIPS Arena-shaped data', () => {
  let peer;
  let service;
  let dir;
  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'selvhjelp-dips-'));
    // The demo directory plus one group in Våler (Østfold), municipality 3114 since 2024.
    const groups = JSON.parse(fs.readFileSync(path.join(ROOT, 'config/demo/groups.json'), 'utf8'));
    const vaaler = structuredClone(groups.groups[0]);
    Object.assign(vaaler, { id: 'vaaler-aa-1', name: 'AA-gruppe Våler (syntetisk)' });
    vaaler.address = { line: 'Eksempelvegen 9', municipality: '3114', postalCode: '1592', city: 'Våler' };
    groups.groups.push(vaaler);
    fs.writeFileSync(path.join(dir, 'groups.json'), JSON.stringify(groups));
    peer = await startFhirPeer();
    service = await startService((config) => { config.groups.sources[0].path = path.join(dir, 'groups.json'); });
  });
  after(async () => {
    await service?.cleanup();
    await peer?.stop();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  // The encounter-start hook for `patient`, read from the FHIR server with the DIPS encounter;
  // the diagnosis comes as prefetch (DIPS sends no clinicalStatus, which a clinical-status search
  // would not find).
  async function encounterStart(patient) {
    const encounter = { ...read('Encounter-care-episode.json'), id: `enc-${patient.id}`, subject: { reference: `Patient/${patient.id}` } };
    await peer.put(patient);
    await peer.put(encounter);
    const condition = { ...read('Condition-of-care-episode.json'), subject: { reference: `Patient/${patient.id}` } };
    const r = await post(service, ES, hookRequest('encounter-start', patient.id, {
      fhirServer: peer.base, encounterId: encounter.id,
      prefetch: { conditions: searchset(condition), informationRecords: null, relatedPersons: null, practitioner: null },
    }));
    assert.equal(r.status, 200, r.text);
    return r.json.cards;
  }

  test('a 2023 municipality number in DIPS\'s extension gets the groups of today\'s municipality', async () => {
    const cards = await encounterStart(read('Patient-vaaler-2023.json'));
    assert.ok(cards.length >= 1, 'in scope from the care episode\'s diagnosis, without an EpisodeOfCare');
    assert.match(cards[0].detail, /AA-gruppe Våler/);
    assert.match(cards[0].detail, /Våler \(Østfold\)/);
  });

  test('without the coded number the shared name "Våler" is not guessed', async () => {
    const patient = read('Patient-vaaler-2023.json');
    patient.id = 'cdp9000011';
    patient.address[0].extension = [];
    delete patient.address[0]._district;
    const cards = await encounterStart(patient);
    assert.ok(cards.length >= 1);
    assert.doesNotMatch(cards[0].detail, /AA-gruppe Våler/);
  });
});
