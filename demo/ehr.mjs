// The demo record system ("demo EHR") for selvhjelp, made of real third-party parts:
//   - oidc-provider (npm) as the SMART authorization server: authorization code + PKCE S256,
//     id_token and access token signed ES384 with a P-384 key made at start, SMART scopes, the
//     launch context (patient, encounter) and a DIPS-style `hpr-nummer` claim in the token response;
//   - the tests' pinned FHIR server (tests/peer/fhir-peer.mjs, Medplum) as a child process, loaded
//     with synthetic patients in Oslo, Bergen, Trondheim and Tromsø, behind a proxy that requires
//     a bearer token and serves `.well-known/smart-configuration`;
//   - a patient list: choosing a patient launches selvhjelp's app as an EHR would
//     (GET {selvhjelp}/app/launch?iss=<fhir base>&launch=<opaque id>) in an iframe, with the CDS
//     Hooks card of selvhjelp-patient-view rendered next to it. The card's `smart` link launches the
//     app again with the link's appContext, which the token response carries (CDS Hooks 2.0).
//     /launch/<patient>?locale=nn-NO launches as a user whose record-system language is nynorsk:
//     the token response then carries `locale`, as an EHR may send unsolicited launch context.
// The demo clinician is logged in automatically (said on the page). Not for production.
//   node demo/ehr.mjs --port 9090 --selvhjelp http://127.0.0.1:8080 [--client-id selvhjelp-demo]
import http from 'node:http';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import Provider from 'oidc-provider';
import { PRACTITIONER, UNIT, PATIENTS, patientResource, conditionResource, relatedPersonResource, encounterResource } from './data.mjs';
import { patientListPage, patientPage, escapeHtml } from './pages.mjs';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(HERE, '..');
const { values: args } = parseArgs({ options: {
  port: { type: 'string', default: '9090' },
  selvhjelp: { type: 'string', default: 'http://127.0.0.1:8080' },
  'client-id': { type: 'string', default: 'selvhjelp-demo' },
  'records-token': { type: 'string', default: 'demo-records-token' },
} });
// The listening socket comes first, so --port 0 (a free port chosen by the system, as the tests
// use) is known before the issuer and FHIR base URLs are built from it. Requests wait for main().
let handle = (req, res) => { res.writeHead(503); res.end(); };
const server = http.createServer((req, res) => handle(req, res));
await new Promise((resolve, reject) => {
  server.once('error', reject);
  server.listen(Number(args.port), '127.0.0.1', resolve);
});
const PORT = server.address().port;
const BASE = `http://127.0.0.1:${PORT}`;
const ISSUER = `${BASE}/oidc`;
const FHIR_BASE = `${BASE}/fhir/R4`;
const SELVHJELP = args.selvhjelp.replace(/\/$/, '');
const CLIENT_ID = args['client-id'];
const SCOPES = ['openid', 'fhirUser', 'launch', 'launch/patient', 'patient/*.read', 'offline_access'];
const RESOURCE_SCOPES = 'launch launch/patient patient/*.read';
const ACCOUNT = { sub: 'demo-clinician', fhirUser: null, hpr: '9144889' };
const CDS_KEY = fs.readFileSync(path.join(ROOT, 'config/demo/demo-ehr-key.pem'));

// --- the FHIR server: the tests' pinned Medplum server as a child process -------------------------
async function startFhirPeer() {
  const child = spawn(process.execPath, ['--experimental-websocket', path.join(ROOT, 'tests/peer/fhir-peer.mjs'), '0'],
    { stdio: ['ignore', 'pipe', 'inherit'] });
  const url = await new Promise((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (chunk) => {
      out += chunk;
      const m = /listening on (\S+)/.exec(out);
      if (m) resolve(m[1]);
    });
    child.on('exit', (code) => reject(new Error(`fhir-peer exited with ${code} (run: cd tests/peer && npm ci)`)));
  });
  return { child, url };
}

async function fhir(peer, method, pathname, body) {
  const r = await fetch(`${peer}/${pathname}`, { method, headers: { 'content-type': 'application/fhir+json' },
    body: body ? JSON.stringify(body) : undefined });
  const json = await r.json();
  if (!r.ok) throw new Error(`FHIR ${method} ${pathname}: HTTP ${r.status} ${JSON.stringify(json).slice(0, 300)}`);
  return json;
}

// Empties the FHIR server and loads the synthetic patients; returns what the pages list.
async function loadPatients(peer) {
  await fhir(peer, 'POST', '$reset');
  const practitioner = await fhir(peer, 'POST', 'Practitioner', PRACTITIONER);
  ACCOUNT.fhirUser = `Practitioner/${practitioner.id}`;
  const list = [];
  for (const p of PATIENTS) {
    const patient = await fhir(peer, 'POST', 'Patient', patientResource(p));
    if (p.diagnosis) await fhir(peer, 'POST', 'Condition', conditionResource(p, patient.id));
    for (const rel of p.relatives) await fhir(peer, 'POST', 'RelatedPerson', relatedPersonResource(rel, patient.id));
    const encounter = await fhir(peer, 'POST', 'Encounter', encounterResource(patient.id, practitioner.id));
    list.push({ ...p, id: patient.id, encounter: encounter.id });
  }
  return list;
}

// --- the authorization server ---------------------------------------------------------------------
const { privateKey } = crypto.generateKeyPairSync('ec', { namedCurve: 'P-384' });
const signingJwk = { ...privateKey.export({ format: 'jwk' }), kid: `demo-ehr-${crypto.randomUUID().slice(0, 8)}`, alg: 'ES384', use: 'sig' };
const publicJwk = (({ kty, crv, x, y, kid, alg, use }) => ({ kty, crv, x, y, kid, alg, use }))(signingJwk);
const launches = new Map();  // opaque launch id -> {patient, encounter}
const grantLaunch = new Map();  // grant id -> {patient, encounter}

const provider = new Provider(ISSUER, {
  clients: [{
    client_id: CLIENT_ID, token_endpoint_auth_method: 'none', application_type: 'web',
    redirect_uris: [`${SELVHJELP}/app/callback`], grant_types: ['authorization_code'], response_types: ['code'],
    id_token_signed_response_alg: 'ES384',
  }],
  jwks: { keys: [signingJwk] },
  enabledJWA: { idTokenSigningAlgValues: ['ES384'] },
  scopes: SCOPES,
  claims: { openid: ['sub'], fhirUser: ['fhirUser'] },
  conformIdTokenClaims: false,
  extraParams: ['launch'],
  pkce: { required: () => true },
  // Every authorization gets its own grant, made in interaction() with its launch's context (the
  // session's earlier grant would carry an earlier launch's patient and appContext).
  loadExistingGrant: (ctx) => {
    const grantId = ctx.oidc.result?.consent?.grantId;
    return grantId ? ctx.oidc.provider.Grant.find(grantId) : undefined;
  },
  features: {
    devInteractions: { enabled: false },
    resourceIndicators: {
      enabled: true,
      defaultResource: () => FHIR_BASE,
      useGrantedResource: () => true,
      getResourceServerInfo: () => ({ scope: RESOURCE_SCOPES, audience: FHIR_BASE, accessTokenFormat: 'jwt',
        accessTokenTTL: 3600, jwt: { sign: { alg: 'ES384' } } }),
    },
  },
  extraTokenClaims: (ctx, token) => {
    const launch = grantLaunch.get(token.grantId) ?? {};
    return { patient: launch.patient, encounter: launch.encounter, appContext: launch.appContext, locale: launch.locale,
      'hpr-nummer': ACCOUNT.hpr, 'dips-userroledepartment': UNIT, 'dips-userrolename': 'Lege' };
  },
  findAccount: (ctx, id) => ({
    accountId: id,
    claims: () => ({ sub: id, fhirUser: ACCOUNT.fhirUser }),
  }),
  interactions: { url: (ctx, interaction) => `/oidc/interaction/${interaction.uid}` },
  ttl: { AccessToken: 3600, AuthorizationCode: 60, IdToken: 3600, Interaction: 600, Session: 3600, Grant: 3600 },
  cookies: { keys: [crypto.randomBytes(32).toString('base64url')] },
});
provider.proxy = false;

// SMART: the launch context beside the tokens in the token response, as EHRs send it.
provider.use(async (ctx, next) => {
  await next();
  if (ctx.path === '/token' && ctx.status === 200 && ctx.body?.access_token) {
    const claims = JSON.parse(Buffer.from(ctx.body.access_token.split('.')[1], 'base64url'));
    for (const name of ['patient', 'encounter', 'appContext', 'locale', 'hpr-nummer', 'dips-userroledepartment']) {
      if (claims[name]) ctx.body[name] = claims[name];
    }
  }
});

// Auto-login of the demo clinician and consent to what was asked (the page says so).
async function interaction(req, res) {
  const details = await provider.interactionDetails(req, res);
  const { prompt, params } = details;
  if (prompt.name === 'login') {
    return provider.interactionFinished(req, res, { login: { accountId: ACCOUNT.sub } }, { mergeWithLastSubmission: false });
  }
  const grant = details.grantId ? await provider.Grant.find(details.grantId)
    : new provider.Grant({ accountId: details.session.accountId, clientId: params.client_id });
  if (prompt.details.missingOIDCScope) grant.addOIDCScope(prompt.details.missingOIDCScope.join(' '));
  if (prompt.details.missingOIDCClaims) grant.addOIDCClaims(prompt.details.missingOIDCClaims);
  for (const [resource, scopes] of Object.entries(prompt.details.missingResourceScopes ?? {})) grant.addResourceScope(resource, scopes.join(' '));
  const grantId = await grant.save();
  const launch = params.launch ? launches.get(params.launch) : launchForStandalone();
  if (launch) grantLaunch.set(grantId, launch);
  return provider.interactionFinished(req, res, { consent: { grantId } }, { mergeWithLastSubmission: true });
}

let patients = [];
const launchForStandalone = () => patients[0] && { patient: patients[0].id, encounter: patients[0].encounter };

// --- the FHIR API in front of the peer: bearer token required, SMART discovery ---------------------
function verifyAccessToken(header) {
  const token = /^Bearer (.+)$/i.exec(header ?? '')?.[1];
  if (!token) return null;
  if (token === args['records-token']) return { records: true };
  const [h, p, s] = token.split('.');
  if (!s) return null;
  const ok = crypto.verify('sha384', Buffer.from(`${h}.${p}`), { key: crypto.createPublicKey({ key: publicJwk, format: 'jwk' }),
    dsaEncoding: 'ieee-p1363' }, Buffer.from(s, 'base64url'));
  const claims = ok ? JSON.parse(Buffer.from(p, 'base64url')) : null;
  return claims && claims.exp > Date.now() / 1000 && claims.iss === ISSUER ? claims : null;
}

const smartConfiguration = () => ({
  issuer: ISSUER,
  jwks_uri: `${ISSUER}/jwks`,
  authorization_endpoint: `${ISSUER}/auth`,
  token_endpoint: `${ISSUER}/token`,
  grant_types_supported: ['authorization_code'],
  token_endpoint_auth_methods_supported: ['none'],
  scopes_supported: SCOPES,
  response_types_supported: ['code'],
  code_challenge_methods_supported: ['S256'],
  capabilities: ['launch-ehr', 'launch-standalone', 'client-public', 'context-ehr-patient', 'context-ehr-encounter',
    'context-standalone-patient', 'sso-openid-connect', 'permission-patient', 'permission-v1'],
});

async function proxyFhir(req, res, peer, rest, body) {
  if (rest === '/.well-known/smart-configuration') {
    res.writeHead(200, { 'content-type': 'application/json' });
    return res.end(JSON.stringify(smartConfiguration()));
  }
  if (rest !== '/metadata' && !verifyAccessToken(req.headers.authorization)) {
    res.writeHead(401, { 'content-type': 'application/fhir+json', 'www-authenticate': 'Bearer' });
    return res.end(JSON.stringify({ resourceType: 'OperationOutcome', issue: [{ severity: 'error', code: 'login', diagnostics: 'a valid bearer token is required' }] }));
  }
  const r = await fetch(`${peer}${rest}`, { method: req.method, headers: { 'content-type': req.headers['content-type'] ?? 'application/fhir+json' },
    body: ['GET', 'HEAD'].includes(req.method) ? undefined : body });
  const text = (await r.text()).replaceAll(peer, FHIR_BASE);
  const headers = { 'content-type': r.headers.get('content-type') ?? 'application/fhir+json' };
  if (r.headers.get('location')) headers.location = r.headers.get('location').replace(peer, FHIR_BASE);
  res.writeHead(r.status, headers);
  res.end(text);
}

// --- the CDS Hooks card: what a CDS client does (discovery, prefetch, a signed call) --------------
function signJwt(claims) {
  const b64 = (v) => Buffer.from(JSON.stringify(v)).toString('base64url');
  const now = Math.floor(Date.now() / 1000);
  const input = `${b64({ alg: 'ES384', typ: 'JWT', kid: 'demo-ehr-key' })}.${b64({ iss: 'https://demo-ehr.example', iat: now, exp: now + 300,
    jti: crypto.randomUUID(), ...claims })}`;
  return `${input}.${crypto.sign('sha384', Buffer.from(input), { key: CDS_KEY, dsaEncoding: 'ieee-p1363' }).toString('base64url')}`;
}

async function cdsCards(peer, patient) {
  const discoveryUrl = `${SELVHJELP}/cds-services`;
  const discovery = await (await fetch(discoveryUrl, { headers: { authorization: `Bearer ${signJwt({ aud: discoveryUrl })}` } })).json();
  const service = discovery.services.find((s) => s.id === 'selvhjelp-patient-view');
  const context = { userId: ACCOUNT.fhirUser, patientId: patient.id, encounterId: patient.encounter };
  const prefetch = {};
  for (const [key, template] of Object.entries(service.prefetch ?? {})) {
    const query = template.replace(/\{\{context\.(\w+)\}\}/g, (_, name) => encodeURIComponent(context[name] ?? ''));
    const r = await fetch(`${peer}/${query}`);
    prefetch[key] = r.ok ? await r.json() : null;
  }
  const url = `${SELVHJELP}/cds-services/selvhjelp-patient-view`;
  const r = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${signJwt({ aud: url })}` },
    body: JSON.stringify({ hook: 'patient-view', hookInstance: crypto.randomUUID(), context, prefetch }) });
  if (!r.ok) throw new Error(`selvhjelp answered HTTP ${r.status}`);
  return (await r.json()).cards ?? [];
}

// --- the web server -------------------------------------------------------------------------------
const PAGE_CSP = `default-src 'self'; style-src 'self'; script-src 'none'; frame-src 'self' ${SELVHJELP}; img-src 'self' data:; base-uri 'none'; object-src 'none'`;

async function main() {
  const peer = await startFhirPeer();
  patients = await loadPatients(peer.url);
  const oidc = provider.callback();
  handle = async (req, res) => {
    const url = new URL(req.url, BASE);
    const html = (status, body) => {
      res.writeHead(status, { 'content-type': 'text/html; charset=utf-8', 'content-security-policy': PAGE_CSP, 'cache-control': 'no-store' });
      res.end(body);
    };
    try {
      if (url.pathname.startsWith('/oidc/interaction/')) return await interaction(req, res);
      if (url.pathname.startsWith('/oidc/') || url.pathname === '/oidc') {
        req.originalUrl = req.url;
        req.url = req.url.slice('/oidc'.length) || '/';
        return oidc(req, res);
      }
      let body = '';
      for await (const chunk of req) body += chunk;
      if (url.pathname.startsWith('/fhir/R4')) return await proxyFhir(req, res, peer.url, url.pathname.slice('/fhir/R4'.length) + url.search, body);
      if (url.pathname === '/demo.css') {
        res.writeHead(200, { 'content-type': 'text/css; charset=utf-8' });
        return res.end(fs.readFileSync(path.join(HERE, 'demo.css')));
      }
      if (url.pathname === '/reset' && req.method === 'POST') {
        patients = await loadPatients(peer.url);
        launches.clear();
        grantLaunch.clear();
        res.writeHead(303, { location: '/' });
        return res.end();
      }
      if (url.pathname === '/') return html(200, patientListPage({ patients, unit: UNIT, hpr: ACCOUNT.hpr, selvhjelp: SELVHJELP, fhirBase: FHIR_BASE }));
      const launchMatch = /^\/launch\/([\w.-]+)$/.exec(url.pathname);
      if (launchMatch) {
        const patient = patients.find((p) => p.id === launchMatch[1]);
        if (!patient) return html(404, '<!doctype html><title>Not found</title><p>No such patient.</p>');
        const launch = crypto.randomBytes(16).toString('base64url');
        // A card's smart link brings its appContext; a user's language setting, a locale.
        const appContext = url.searchParams.get('appContext')?.slice(0, 2000) || undefined;
        const locale = /^[a-zA-Z]{2,3}(-[a-zA-Z0-9]{2,8})*$/.test(url.searchParams.get('locale') ?? '') ? url.searchParams.get('locale') : undefined;
        launches.set(launch, { patient: patient.id, encounter: patient.encounter, appContext, locale });
        res.writeHead(302, { location: `${SELVHJELP}/app/launch?iss=${encodeURIComponent(FHIR_BASE)}&launch=${launch}` });
        return res.end();
      }
      const patientMatch = /^\/patient\/([\w.-]+)$/.exec(url.pathname);
      if (patientMatch) {
        const patient = patients.find((p) => p.id === patientMatch[1]);
        if (!patient) return html(404, '<!doctype html><title>Not found</title><p>No such patient.</p>');
        let cards = [];
        let cardError = '';
        try {
          cards = await cdsCards(peer.url, patient);
        } catch (e) {
          cardError = e.message;
        }
        return html(200, patientPage({ patient, cards, cardError, hpr: ACCOUNT.hpr, unit: UNIT, appLaunchUrl: `${SELVHJELP}/app/launch` }));
      }
      return html(404, '<!doctype html><title>Not found</title><p>Not found.</p>');
    } catch (e) {
      return html(500, `<!doctype html><title>Error</title><p>${escapeHtml(e.message)}</p>`);
    }
  };
  console.log(`demo EHR on ${BASE}/  (FHIR base ${FHIR_BASE}, SMART issuer ${ISSUER}, launching ${SELVHJELP}/app/)`);
  const stop = () => {
    peer.child.kill('SIGTERM');
    server.close(() => process.exit(0));
    server.closeAllConnections();
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

await main();
