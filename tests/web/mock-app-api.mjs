// A mock of selvhjelp's clinician-app API (docs/app-api.md) for developing and testing the page
// (plugin/web/app/) without the C++ server or an EHR. It serves the page's files with the same
// Content-Security-Policy, answers the contract's calls with synthetic data (mock-app-data.mjs), and
// enforces the session cookie (401) and the X-CSRF-Token header (403) like the real server.
// Records are accepted with 202 and become "delivered" on the second poll.
//   node tests/web/mock-app-api.mjs [PORT]   -> prints "mock-app-api listening on http://127.0.0.1:PORT"
//   open  http://127.0.0.1:PORT/app/launch?iss=https://ehr.example/fhir&launch=bergen
// Test hooks (outside /app/): GET /mock/received (record bodies and handout queries), POST /mock/reset.
import http from 'node:http';
import crypto from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { contextFor } from './mock-app-data.mjs';

const APP_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../plugin/web/app');
const CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
  "frame-ancestors 'self'; object-src 'none'; base-uri 'none'; form-action 'self'";
const TYPES = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8' };
const LEVELS = ['written', 'conversation', 'brokered'];
const RESPONSES = ['interested', 'thinking', 'declined', 'already-attends'];
const SHARES = ['name-and-phone', 'name-and-email', 'name-only'];

const outcome = (issues) => ({ resourceType: 'OperationOutcome',
  issue: issues.map(([code, expression, diagnostics]) => ({ severity: 'error', code, expression: expression ? [expression] : undefined, diagnostics })) });

// Checks a record body the way the server does; returns [code, field, text] per problem.
function problems(body, ctx) {
  const out = [];
  if (!body || typeof body !== 'object') return [['invalid', '', 'the body is not a JSON object']];
  const kinds = new Map(ctx.recipients.flatMap((r) => r.refs.map((ref) => [ref, r.kind])));
  const recipients = Array.isArray(body.recipients) ? body.recipients : [];
  if (!recipients.length) out.push(['required', 'recipients', 'recipients: at least one reference']);
  if (recipients.some((r) => !kinds.has(r))) out.push(['invalid', 'recipients', 'recipients: not this patient or a related person of theirs']);
  if (new Set(recipients.map((r) => kinds.get(r))).size > 1) out.push(['invalid', 'recipients', 'recipients: the patient and relatives are recorded apart']);
  if (!LEVELS.includes(body.level)) out.push(['invalid', 'level', `level: one of ${LEVELS.join(', ')}`]);
  if (!RESPONSES.includes(body.response)) out.push(['invalid', 'response', `response: one of ${RESPONSES.join(', ')}`]);
  const known = new Set(ctx.recipients.flatMap((r) => Object.values(r.sections).flat().map((g) => g.id)));
  if (!Array.isArray(body.groups) || body.groups.some((g) => !known.has(g))) out.push(['invalid', 'groups', 'groups: ids from the directory']);
  if (body.level === 'brokered') {
    if (!body.consent?.organization?.display) out.push(['required', 'consent.organization', 'consent.organization: required for brokered contact']);
    if (!SHARES.includes(body.consent?.shares)) out.push(['required', 'consent.shares', 'consent.shares: required for brokered contact']);
  } else if (body.consent !== undefined) {
    out.push(['invalid', 'consent', 'consent: only for brokered contact']);
  }
  return out;
}

export async function startMock({ port = 0 } = {}) {
  const sessions = new Map();  // cookie value -> {csrf, launch}
  const pendingStates = new Map();  // state -> launch
  const records = new Map();  // id -> {session, polls, body}
  const received = { records: [], handouts: [], refused: [] };

  const server = http.createServer(async (req, res) => {
    const url = new URL(req.url, 'http://mock');
    const send = (status, body, headers = {}) => {
      res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store', ...headers });
      res.end(typeof body === 'string' || Buffer.isBuffer(body) ? body : JSON.stringify(body));
    };
    const cookie = /(?:^|;\s*)selvhjelp_session=([^;]+)/.exec(req.headers.cookie ?? '')?.[1];
    const session = cookie ? sessions.get(cookie) : undefined;
    let raw = '';
    for await (const chunk of req) raw += chunk;
    try {
      if (url.pathname === '/mock/received') return send(200, received);
      if (url.pathname === '/mock/reset' && req.method === 'POST') {
        received.records.length = received.handouts.length = received.refused.length = 0;
        return send(200, {});
      }
      if (url.pathname === '/app/launch') {
        const iss = url.searchParams.get('iss') ?? '';
        if (!/^https?:\/\//.test(iss)) return send(403, outcome([['forbidden', 'iss', 'iss: not an allowed EHR']]));
        const state = crypto.randomUUID();
        pendingStates.set(state, url.searchParams.get('launch') || 'bergen');
        return send(302, '', { location: `/app/callback?code=mock-code&state=${state}` });
      }
      if (url.pathname === '/app/callback') {
        const launch = pendingStates.get(url.searchParams.get('state'));
        pendingStates.delete(url.searchParams.get('state'));
        if (!launch) return send(401, '<!doctype html><title>Launch again</title><p>Launch the app again from the record system.</p>', { 'content-type': 'text/html' });
        const id = crypto.randomBytes(24).toString('base64url');
        sessions.set(id, { csrf: crypto.randomBytes(24).toString('base64url'), launch });
        return send(302, '', { location: '/app/', 'set-cookie': `selvhjelp_session=${id}; Path=/app/; HttpOnly; SameSite=Lax` });
      }
      if (url.pathname.startsWith('/app/api/')) {
        if (!session) return send(401, outcome([['login', '', 'no live session: launch the app again']]));
        const ctx = contextFor(session.launch, session.csrf);
        if (url.pathname === '/app/api/context' && req.method === 'GET') return send(200, ctx);
        if (url.pathname === '/app/api/records' && req.method === 'POST') {
          if (req.headers['x-csrf-token'] !== session.csrf) {
            received.refused.push({ reason: 'csrf' });
            return send(403, outcome([['forbidden', '', 'X-CSRF-Token missing or wrong']]));
          }
          let body;
          try { body = JSON.parse(raw); } catch { body = undefined; }
          const found = problems(body, ctx);
          if (found.length) return send(400, outcome(found));
          const id = crypto.randomUUID();
          records.set(id, { session: cookie, polls: 0 });
          received.records.push(body);
          return send(202, { id, state: 'pending' }, { location: `http://${req.headers.host}/app/api/records/${id}` });
        }
        const match = /^\/app\/api\/records\/([\w-]+)$/.exec(url.pathname);
        if (match && req.method === 'GET') {
          const record = records.get(match[1]);
          if (!record || record.session !== cookie) return send(404, outcome([['not-found', '', 'no such record']]));
          record.polls += 1;
          return send(200, { id: match[1], state: record.polls >= 2 ? 'delivered' : 'pending',
            ...(record.polls >= 2 ? { location: `Communication/${match[1]}` } : {}) });
        }
        if (url.pathname === '/app/api/handout' && req.method === 'GET') {
          received.handouts.push(Object.fromEntries(url.searchParams));
          if (url.searchParams.get('format') === 'pdf') {
            return send(200, '%PDF-1.4\n% mock handout\n%%EOF\n', { 'content-type': 'application/pdf' });
          }
          return send(200, '<!doctype html><html lang="nb"><title>Utdelingsark</title><main><h1>Selvhjelpsgrupper</h1></main></html>',
            { 'content-type': 'text/html; charset=utf-8', 'content-security-policy': CSP });
        }
        return send(404, outcome([['not-found', '', 'no such call']]));
      }
      if (url.pathname.startsWith('/app/') && req.method === 'GET') {
        const rel = url.pathname === '/app/' ? 'index.html' : url.pathname.slice('/app/'.length);
        const file = path.resolve(APP_DIR, rel);
        if (!file.startsWith(APP_DIR + path.sep)) return send(404, outcome([['not-found', '', 'no such file']]));
        const content = await fs.readFile(file).catch(() => null);
        if (!content) return send(404, outcome([['not-found', '', 'no such file']]));
        return send(200, content, { 'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream',
          'content-security-policy': CSP, 'x-content-type-options': 'nosniff', 'cache-control': 'no-cache' });
      }
      return send(404, outcome([['not-found', '', 'no such path']]));
    } catch (e) {
      return send(500, outcome([['exception', '', String(e.message)]]));
    }
  });
  await new Promise((resolve) => server.listen(port, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${server.address().port}`;
  return { base, received, close: () => new Promise((resolve) => { server.closeAllConnections(); server.close(resolve); }) };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const mock = await startMock({ port: Number(process.argv[2] || 0) });
  console.log(`mock-app-api listening on ${mock.base}`);
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => mock.close().then(() => process.exit(0)));
}
