// Synthetic data for the clinician app's mock API (mock-app-api.mjs): a patient in Bergen with two
// relatives, and the groups the server would list for them. Every name, address and number here is
// invented.
const group = (id, name, organisation, extra) => ({
  id, name, organisation, twelveStep: false, format: 'in-person', audience: 'person',
  themes: ['alcohol', 'drugs'], languages: ['nb'], ...extra,
});

const patientSections = {
  municipality: [
    group('bgo-aa-1', 'AA Bergen sentrum (syntetisk)', 'Anonyme Alkoholikere', {
      twelveStep: true, themes: ['alcohol'], when: 'Tirsdager kl. 19.00–20.30', where: 'Eksempelgata 1, 5003 Bergen',
      distanceKm: 1.2, phone: '+47 400 00 001' }),
    group('bgo-na-1', 'NA Bergen (syntetisk)', 'Anonyme Narkomane', {
      twelveStep: true, themes: ['drugs'], when: 'Torsdager kl. 18.30–20.00', where: 'Prøvegaten 7, 5006 Bergen',
      distanceKm: 2.4, email: 'na-bergen@example.org' }),
    group('bgo-aa-en', 'AA English-speaking Bergen (synthetic)', 'Anonyme Alkoholikere', {
      twelveStep: true, themes: ['alcohol'], languages: ['en'], when: 'Saturdays 11:00–12:00', where: 'Testveien 3, 5008 Bergen',
      distanceKm: 3.1 }),
  ],
  county: [
    group('vos-aa-1', 'AA Voss (syntetisk)', 'Anonyme Alkoholikere', {
      twelveStep: true, themes: ['alcohol'], when: 'Mandager kl. 19.00', where: 'Demovegen 4, 5700 Voss', distanceKm: 86 }),
  ],
  region: [
    group('svg-ga-1', 'Spilleavhengige Stavanger (syntetisk)', 'Anonyme Gamblere', {
      twelveStep: true, themes: ['gambling'], when: 'Onsdager kl. 18.00', where: 'Eksempelplassen 2, 4006 Stavanger', distanceKm: 160 }),
  ],
  digital: [
    group('dig-aa-1', 'AA på nett (syntetisk)', 'Anonyme Alkoholikere', {
      twelveStep: true, format: 'digital', themes: ['alcohol'], languages: ['nb', 'en'], when: 'Hver kveld kl. 20.00',
      where: 'Videomøte, lenke på forespørsel', email: 'aa-nett@example.org' }),
  ],
  alternatives: [
    group('bgo-sh-1', 'Selvhjelpsgruppe om rus, Bergen (syntetisk)', 'Selvhjelp Norge', {
      themes: ['alcohol', 'drugs'], when: 'Lukket gruppe, 5–8 deltakere. Ta kontakt for å bli med i en ny gruppe.',
      where: 'Frivilligsentralen, Eksempelgata 9, 5003 Bergen', distanceKm: 1.5, phone: '+47 400 00 002',
      website: 'https://www.selvhjelp.no' }),
    group('bgo-pl-1', 'Grupa wsparcia po polsku, Bergen (syntetyczna)', 'Selvhjelp Norge', {
      themes: ['alcohol'], languages: ['pl'], when: 'Co drugi piątek, godz. 18.00', where: 'Prøvegaten 12, 5006 Bergen',
      distanceKm: 2.0 }),
  ],
};

const relativeSections = {
  municipality: [
    group('bgo-alanon-1', 'Al-Anon Bergen (syntetisk)', 'Al-Anon', {
      twelveStep: true, audience: 'relatives', themes: ['relatives'], when: 'Mandager kl. 18.00–19.30',
      where: 'Eksempelgata 1, 5003 Bergen', distanceKm: 1.2, phone: '+47 400 00 003' }),
  ],
  county: [],
  region: [],
  digital: [
    group('dig-par-1', 'Pårørendegruppe på nett (syntetisk)', 'Selvhjelp Norge', {
      format: 'digital', audience: 'relatives', themes: ['relatives'], when: 'Annenhver onsdag kl. 19.00',
      where: 'Videomøte', email: 'parorende@example.org' }),
  ],
  alternatives: [
    group('bgo-par-1', 'Pårørendegruppe Bergen (syntetisk)', 'Selvhjelp Norge', {
      audience: 'relatives', themes: ['relatives'], when: 'Lukket gruppe. Ta kontakt for å bli med.',
      where: 'Frivilligsentralen, Eksempelgata 9, 5003 Bergen', distanceKm: 1.5, phone: '+47 400 00 002' }),
  ],
};

// The context for a launch. `launch` picks a scenario: "bergen" (default), "bergen-nn", "bergen-en"
// (the page's language), "out-of-scope" (no substance-use diagnosis).
export function contextFor(launch, csrf) {
  const language = { 'bergen-nn': 'nn', 'bergen-en': 'en' }[launch] ?? 'nb';
  const practitioner = { hpr: '9144889', unit: 'Avdeling for rusbehandling (syntetisk)', reference: 'Practitioner/prac-1' };
  if (launch === 'out-of-scope') return { csrf, language, practitioner, inScope: false };
  return {
    csrf, language, practitioner, inScope: true,
    reason: 'F10.2 Psykiske lidelser og atferdsforstyrrelser som skyldes bruk av alkohol: avhengighetssyndrom',
    place: { municipality: 'Bergen', county: 'Vestland', region: 'Helse Vest' },
    recipients: [
      { kind: 'patient', refs: ['Patient/pat-1'], due: true,
        lastRecord: { date: '2026-03-01', from: 'ehr', level: 'written', response: 'thinking' }, sections: patientSections },
      { kind: 'relatives', refs: ['RelatedPerson/rp-1', 'RelatedPerson/rp-2'], due: true, lastRecord: null, sections: relativeSections },
    ],
    relatedPersons: [
      { reference: 'RelatedPerson/rp-1', display: 'Kari Nordmann (søster)' },
      { reference: 'RelatedPerson/rp-2', display: 'Ola Nordmann (far)' },
    ],
  };
}
