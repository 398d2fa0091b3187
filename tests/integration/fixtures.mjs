// Synthetic FHIR data and CDS Hooks requests shared by the integration tests.
import crypto from 'node:crypto';

export const F10 = { system: 'urn:oid:2.16.578.1.12.4.1.1.7110', code: 'F10.2' };

export function condition(id, patientId, coding) {
  return {
    resourceType: 'Condition', id, subject: { reference: `Patient/${patientId}` },
    clinicalStatus: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-clinical', code: 'active' }] },
    code: { coding: [coding] },
  };
}
export const searchset = (...resources) => ({ resourceType: 'Bundle', type: 'searchset', entry: resources.map((resource) => ({ resource })) });
export const patient = (id, address) => ({ resourceType: 'Patient', id, address: [address] });
export const bergen = { use: 'home', city: 'Bergen', postalCode: '5003' };
export const osloCoded = {
  use: 'home', district: 'Oslo', city: 'Oslo',
  _district: { extension: [{ url: 'http://hl7.no/fhir/StructureDefinition/no-basis-municipalitycode', valueCoding: { system: 'https://register.geonorge.no/subregister/sosi-kodelister/kartverket/kommunenummer-alle', code: '0301' } }] },
};

export function hookRequest(hook, patientId, { prefetch, fhirServer, encounterId, userId = 'Practitioner/prac-1' } = {}) {
  const body = { hook, hookInstance: crypto.randomUUID(), context: { userId, patientId } };
  if (encounterId) body.context.encounterId = encounterId;
  if (fhirServer) {
    body.fhirServer = fhirServer;
    body.fhirAuthorization = { access_token: 'opaque-token', token_type: 'Bearer', expires_in: 30, scope: 'user/Patient.read', subject: 'selvhjelp' };
  }
  if (prefetch) body.prefetch = prefetch;
  return body;
}

export function fullPrefetch(patientId, address, extra = {}) {
  return {
    patient: patient(patientId, address),
    conditions: searchset(condition(`c-${patientId}`, patientId, F10)),
    informationRecords: null, relatedPersons: null, episodesOfCare: null, practitioner: null, ...extra,
  };
}


// A synthetic fødselsnummer (Skatteetaten's Test-Norge form: month + 80) for day/month/year and
// a 3-digit individual number, with valid mod-11 check digits; null when none exists for them.
export function syntheticFnr(day, month, year2, individual) {
  const base = [day, month + 80, year2].map((n) => String(n).padStart(2, '0')).join('') + String(individual).padStart(3, '0');
  const check = (digits, weights) => {
    const k = 11 - (weights.reduce((sum, w, i) => sum + w * Number(digits[i]), 0) % 11);
    return k === 11 ? 0 : k;
  };
  const k1 = check(base, [3, 7, 6, 1, 8, 9, 4, 5, 2]);
  if (k1 === 10) return null;
  const k2 = check(base + k1, [5, 4, 3, 2, 7, 6, 5, 4, 3, 2]);
  return k2 === 10 ? null : `${base}${k1}${k2}`;
}
