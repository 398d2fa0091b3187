// The conformance resources in fhir/conformance: valid FHIR R4, consistent with each other, and
// defining every code the service emits.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { ROOT, post, startService } from './harness.mjs';
import { validateWithFhirJs, validateWithMedplum } from './validators.mjs';

const DIR = path.join(ROOT, 'fhir/conformance');
const all = fs.readdirSync(DIR).map((f) => ({ file: f, resource: JSON.parse(fs.readFileSync(path.join(DIR, f), 'utf8')) }));
const codeSystems = all.filter((a) => a.resource.resourceType === 'CodeSystem').map((a) => a.resource);
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

  test('every resource is valid FHIR R4, named by type and id, and every canonical it cites is here', () => {
    const urls = new Set(all.map((a) => a.resource.url).filter(Boolean));
    const ours = (u) => typeof u === 'string' && u.startsWith('https://selvhjelp.example/fhir/') && !u.includes('/NamingSystem/');
    for (const { file, resource } of all) {
      assert.equal(file, `${resource.resourceType}-${resource.id}.json`);
      assert.deepEqual(validateWithMedplum(resource), [], `Medplum: ${file}`);
      assert.deepEqual(validateWithFhirJs(resource), [], `fhir.js: ${file}`);
      const cited = JSON.stringify(resource).match(/https:\/\/selvhjelp\.example\/fhir\/[A-Za-z]+\/[a-z-]+/g) ?? [];
      for (const url of cited.filter(ours)) {
        if (url === resource.url) continue;
        assert.ok(urls.has(url), `${file} cites ${url}, which fhir/conformance does not define`);
      }
    }
    const kinds = new Set(all.map((a) => a.resource.resourceType));
    for (const kind of ['CodeSystem', 'ValueSet', 'StructureDefinition', 'OperationDefinition', 'NamingSystem']) assert.ok(kinds.has(kind), kind);
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
