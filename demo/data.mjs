// Synthetic patients for the demo record system: four municipalities, substance-use diagnoses
// (ICD-10) and relatives. Every name, number and address is invented.
const ICD10 = 'urn:oid:2.16.578.1.12.4.1.1.7110';
const MUNICIPALITY = 'http://hl7.no/fhir/StructureDefinition/no-basis-municipalitycode';
const KOMMUNE = 'urn:oid:2.16.578.1.12.4.1.1.3402';

export const PRACTITIONER = {
  resourceType: 'Practitioner', active: true,
  identifier: [{ system: 'urn:oid:2.16.578.1.12.4.1.4.4', value: '9144889' }],
  name: [{ family: 'Demolege', given: ['Dina'], text: 'Dina Demolege (syntetisk)' }],
};
export const UNIT = 'Rusbehandling poliklinikk (syntetisk)';

// id, name, birth date, municipality code + name, postcode, diagnosis (or none), relatives.
export const PATIENTS = [
  { key: 'oslo', given: 'Ola', family: 'Testmann', birthDate: '1979-04-12', code: '0301', city: 'Oslo', postalCode: '0550',
    diagnosis: ['F10.2', 'Psykiske lidelser og atferdsforstyrrelser som skyldes bruk av alkohol: avhengighetssyndrom'],
    relatives: [['Kari', 'Testmann', 'SPS', 'ektefelle']] },
  { key: 'bergen', given: 'Siri', family: 'Prøvesen', birthDate: '1990-09-30', code: '4601', city: 'Bergen', postalCode: '5003',
    diagnosis: ['F11.2', 'Psykiske lidelser og atferdsforstyrrelser som skyldes bruk av opioider: avhengighetssyndrom'],
    relatives: [['Nils', 'Prøvesen', 'FTH', 'far'], ['Eva', 'Prøvesen', 'SIS', 'søster']] },
  { key: 'trondheim', given: 'Per', family: 'Eksempelsen', birthDate: '1968-01-05', code: '5001', city: 'Trondheim', postalCode: '7010',
    diagnosis: ['F19.2', 'Psykiske lidelser og atferdsforstyrrelser som skyldes bruk av flere stoffer: avhengighetssyndrom'],
    relatives: [] },
  { key: 'tromso', given: 'Aili', family: 'Demodatter', birthDate: '1985-06-21', code: '5501', city: 'Tromsø', postalCode: '9008',
    diagnosis: ['F10.2', 'Psykiske lidelser og atferdsforstyrrelser som skyldes bruk av alkohol: avhengighetssyndrom'],
    relatives: [['Johan', 'Demodatter', 'BRO', 'bror']] },
  { key: 'bergen-no-sud', given: 'Lars', family: 'Utenfor', birthDate: '1972-11-11', code: '4601', city: 'Bergen', postalCode: '5006',
    diagnosis: null, relatives: [] },
];

export function patientResource(p) {
  return {
    resourceType: 'Patient', active: true,
    name: [{ family: p.family, given: [p.given], text: `${p.given} ${p.family} (syntetisk)` }],
    birthDate: p.birthDate,
    address: [{ use: 'home', line: ['Eksempelveien 1'], city: p.city, postalCode: p.postalCode, district: p.city,
      extension: [{ url: MUNICIPALITY, valueCoding: { system: KOMMUNE, code: p.code, display: p.city } }] }],
  };
}

export function conditionResource(p, patientId) {
  const [code, display] = p.diagnosis;
  return {
    resourceType: 'Condition', subject: { reference: `Patient/${patientId}` },
    clinicalStatus: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-clinical', code: 'active' }] },
    verificationStatus: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-ver-status', code: 'confirmed' }] },
    code: { coding: [{ system: ICD10, code, display }], text: `${code} ${display}` },
  };
}

export function relatedPersonResource([given, family, code, text], patientId) {
  return {
    resourceType: 'RelatedPerson', active: true, patient: { reference: `Patient/${patientId}` },
    relationship: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-RoleCode', code }], text }],
    name: [{ family, given: [given], text: `${given} ${family} (syntetisk)` }],
  };
}

export function encounterResource(patientId, practitionerId) {
  return {
    resourceType: 'Encounter', status: 'in-progress',
    class: { system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: 'AMB', display: 'ambulatory' },
    subject: { reference: `Patient/${patientId}` },
    participant: [{ individual: { reference: `Practitioner/${practitionerId}` } }],
    period: { start: new Date().toISOString() },
  };
}
