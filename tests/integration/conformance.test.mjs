// The CodeSystems in fhir/conformance: valid FHIR R4, and defining every code the service emits.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { ROOT, post, startService } from './harness.mjs';
import { validateWithFhirJs, validateWithMedplum } from './validators.mjs';

const DIR = path.join(ROOT, 'fhir/conformance');
const codeSystems = fs.readdirSync(DIR).filter((f) => f.startsWith('CodeSystem-'))
  .map((f) => JSON.parse(fs.readFileSync(path.join(DIR, f), 'utf8')));
const OURS = 'https://selvhjelp.example/fhir/CodeSystem/';

// Every {system, code} pair under our CodeSystems anywhere in `value`.
function ourCodings(value, found = []) {
  if (Array.isArray(value)) value.forEach((v) => ourCodings(v, found));
  else if (value && typeof value === 'object') {
    if (typeof value.system === 'string' && value.system.startsWith(OURS) && value.code) found.push(value);
    Object.values(value).forEach((v) => ourCodings(v, found));
  }
  return found;
}

describe('conformance resources', () => {
  let service;
  before(async () => { service = await startService(); });
  after(async () => { await service?.cleanup(); });

  test('every CodeSystem is valid FHIR R4 with nb and nn designations', () => {
    assert.ok(codeSystems.length >= 7);
    for (const cs of codeSystems) {
      assert.deepEqual(validateWithMedplum(cs), [], `Medplum: ${cs.id}`);
      assert.deepEqual(validateWithFhirJs(cs), [], `fhir.js: ${cs.id}`);
      assert.equal(cs.count, cs.concept.length);
      for (const concept of cs.concept) {
        assert.deepEqual(concept.designation.map((d) => d.language).sort(), ['nb', 'nn'], `${cs.id}#${concept.code}`);
      }
    }
  });

  test('every code the cards and the directory emit is defined', async () => {
    const defined = new Set(codeSystems.flatMap((cs) => cs.concept.map((c) => `${cs.url}|${c.code}`)));
    const request = JSON.parse(fs.readFileSync(path.join(ROOT, 'docs/examples/patient-view-bergen.json'), 'utf8'));
    const cards = await post(service, '/cds-services/selvhjelp-patient-view', request);
    assert.equal(cards.status, 200);
    const directory = await (await fetch(`${service.base}/directory/groups`)).json();
    const relatives = await (await fetch(`${service.base}/directory/groups?audience=relatives`)).json();
    const emitted = ourCodings([cards.json, directory, relatives]);
    assert.ok(emitted.length > 50);
    for (const coding of emitted) {
      assert.ok(defined.has(`${coding.system}|${coding.code}`), `${coding.system}|${coding.code} is not defined`);
    }
  });
});
