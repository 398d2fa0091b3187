// The demo record system's HTML pages: the patient list, and a patient's page with selvhjelp's app
// in an iframe (launched as an EHR launches a SMART app) beside the CDS Hooks card. No scripts.
export function escapeHtml(text) {
  return String(text ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);
}

const page = (title, body) => `<!doctype html>
<html lang="nb"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title><link rel="icon" href="data:,"><link rel="stylesheet" href="/demo.css"></head>
<body>${body}</body></html>`;

const banner = ({ hpr, unit }) => `<header class="ehr-top"><p class="ehr-brand"><a href="/">Demo-journal</a> <span>(syntetisk, ikke et ekte journalsystem)</span></p>
<p class="ehr-user">Innlogget automatisk som demo-behandler · HPR ${escapeHtml(hpr)} · ${escapeHtml(unit)}</p></header>`;

export function patientListPage({ patients, unit, hpr, selvhjelp, fhirBase }) {
  const rows = patients.map((p) => `<tr>
  <td><a href="/patient/${escapeHtml(p.id)}">${escapeHtml(`${p.given} ${p.family}`)}</a></td>
  <td>${escapeHtml(p.birthDate)}</td><td>${escapeHtml(p.city)} (${escapeHtml(p.code)})</td>
  <td>${p.diagnosis ? escapeHtml(`${p.diagnosis[0]} ${p.diagnosis[1]}`) : '<span class="muted">ingen rusdiagnose</span>'}</td>
  <td>${p.relatives.length ? escapeHtml(p.relatives.map((r) => `${r[0]} (${r[3]})`).join(', ')) : '–'}</td></tr>`).join('\n');
  return page('Demo-journal: pasientliste', `${banner({ hpr, unit })}
<main class="ehr-main">
<h1>Pasientliste</h1>
<p>Velg en pasient. Journalen starter da selvhjelp-appen slik DIPS Arena eller Epic starter en SMART on FHIR-app
(EHR launch), og viser CDS Hooks-kortet ved siden av. Alle personer her er oppdiktet.</p>
<table><caption class="visually-hidden">Pasienter</caption>
<thead><tr><th scope="col">Navn</th><th scope="col">Født</th><th scope="col">Kommune</th><th scope="col">Diagnose</th><th scope="col">Pårørende</th></tr></thead>
<tbody>
${rows}
</tbody></table>
<h2>Oppsett</h2>
<dl class="setup"><dt>FHIR-base (iss)</dt><dd><code>${escapeHtml(fhirBase)}</code></dd>
<dt>SMART-konfigurasjon</dt><dd><a href="${escapeHtml(fhirBase)}/.well-known/smart-configuration">${escapeHtml(fhirBase)}/.well-known/smart-configuration</a></dd>
<dt>selvhjelp</dt><dd><code>${escapeHtml(selvhjelp)}</code></dd></dl>
<form method="post" action="/reset"><button type="submit">Tilbakestill demoen</button>
<span class="muted">Laster pasientene på nytt og tømmer alt som er skrevet til demo-journalen.</span></form>
</main>`);
}

// A card's links. A `smart` link launches the app in the app's frame, with the link's appContext,
// when its URL is the app registered with this EHR (as EHRs allow only registered apps); an
// unregistered one is shown, not followed.
function cardLink(l, patient, appLaunchUrl) {
  if (l.type !== 'smart') return `<li><a href="${escapeHtml(l.url)}" target="_blank" rel="noopener noreferrer">${escapeHtml(l.label)}</a></li>`;
  if (l.url !== appLaunchUrl) return `<li>${escapeHtml(l.label)} <span class="muted">(ikke registrert app: ${escapeHtml(l.url)})</span></li>`;
  const query = l.appContext ? `?appContext=${encodeURIComponent(l.appContext)}` : '';
  return `<li><a class="smart-link" href="/launch/${escapeHtml(patient.id)}${query}" target="app">${escapeHtml(l.label)}</a></li>`;
}

// A card's detail is CommonMark (CDS Hooks 2.0). The demo renders what selvhjelp's cards use:
// backslash escapes, **bold**, [text](url) links to https or mailto, and "- " list lines, with
// everything else as text (HTML escaped first, so a listing's text cannot become markup).
export function markdownToHtml(text) {
  const kept = [];
  const keep = (html) => `\u0000${kept.push(html) - 1}\u0000`;
  const inline = escapeHtml(text)
    .replace(/\\([!-/:-@[-`{-~])/g, (_, c) => keep(c))
    .replace(/\[([^\]\n]+)\]\(((?:https:\/\/|mailto:)[^)\s]+)\)/g,
      (_, label, url) => keep(`<a href="${url}" target="_blank" rel="noopener noreferrer">${label}</a>`))
    .replace(/\*\*([^*\n]+)\*\*/g, '<strong>$1</strong>');
  const html = inline.split('\n').map((line) => (line.startsWith('- ') ? `• ${line.slice(2)}` : line)).join('<br>');
  const restore = (s) => s.replace(/\u0000(\d+)\u0000/g, (_, i) => restore(kept[Number(i)]));  // a link's label may hold escapes
  return restore(html);
}

function card(c, patient, appLaunchUrl) {
  const links = (c.links ?? []).map((l) => cardLink(l, patient, appLaunchUrl)).join('');
  const suggestions = (c.suggestions ?? []).map((s) => `<li>${escapeHtml(s.label)}</li>`).join('');
  return `<article class="card card-${escapeHtml(c.indicator)}">
<h3>${escapeHtml(c.summary)}</h3>
<p class="muted">${escapeHtml(c.source?.label ?? '')}</p>
${c.detail ? `<div class="detail">${markdownToHtml(c.detail)}</div>` : ''}
${suggestions ? `<p class="sub">Forslag (i en ekte CDS-klient: knapper):</p><ul>${suggestions}</ul>` : ''}
${links ? `<ul class="links">${links}</ul>` : ''}
</article>`;
}

export function patientPage({ patient, cards, cardError, hpr, unit, appLaunchUrl }) {
  const cardsHtml = cardError
    ? `<p class="muted">Kortet kunne ikke hentes: ${escapeHtml(cardError)}</p>`
    : cards.length ? cards.map((c) => card(c, patient, appLaunchUrl)).join('\n') : '<p class="muted">Ingen kort for denne pasienten.</p>';
  return page(`Demo-journal: ${patient.given} ${patient.family}`, `${banner({ hpr, unit })}
<div class="patient-banner"><strong>${escapeHtml(`${patient.given} ${patient.family}`)}</strong> · født ${escapeHtml(patient.birthDate)} ·
${escapeHtml(patient.city)} · ${patient.diagnosis ? escapeHtml(patient.diagnosis[0]) : 'ingen rusdiagnose'} · <a href="/">Tilbake til listen</a></div>
<div class="workspace">
<section class="app-tab" aria-label="Selvhjelp-appen (SMART on FHIR)">
<iframe name="app" title="Selvhjelp-appen" src="/launch/${escapeHtml(patient.id)}"></iframe>
</section>
<aside class="cards" aria-labelledby="cards-h"><h2 id="cards-h">CDS Hooks (patient-view)</h2>
${cardsHtml}
</aside></div>`);
}
