// Integration-test harness: starts real processes on free loopback ports and stops them by PID.
// - our service: the built `selvhjelp` binary (path in SELVHJELP_BIN)
// - a real FHIR R4 server written by others: Medplum's router (tests/peer/fhir-peer.mjs)
// JWTs are signed here with Node's own crypto (an implementation independent of ours).
import { spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const BIN = process.env.SELVHJELP_BIN || path.join(ROOT, 'build/plugin/selvhjelp');
const DEMO_KEY = fs.readFileSync(path.join(ROOT, 'config/demo/demo-ehr-key.pem'));

// Every process the tests start, killed if the test process exits without stopping it (a failed
// `before`, an assertion between start and `try`), so a failure never leaves a server behind.
const children = new Set();
process.on('exit', () => { for (const child of children) child.kill('SIGKILL'); });
export function track(child) {
  children.add(child);
  child.once('exit', () => children.delete(child));
  return child;
}

// Start-up waits for one line; it is bounded generously because a loaded machine (or a sanitizer
// build) may start slowly, and it fails at once when the process exits instead.
const START_TIMEOUT_MS = 120000;

// Resolves with the first match of `pattern` in the child's stdout.
function waitForLine(child, pattern, what) {
  return new Promise((resolve, reject) => {
    let seen = '';
    const timer = setTimeout(() => reject(new Error(`${what} did not start: ${seen}`)), START_TIMEOUT_MS);
    const onData = (d) => {
      seen += d;
      const match = seen.match(pattern);
      if (match) {
        clearTimeout(timer);
        child.stdout.off('data', onData);
        resolve(match);
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', (d) => (seen += d));
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${what} exited with ${code}: ${seen}`));
    });
  });
}

// `env`: extra environment for the peer (FHIR_PEER_SMART_CONFIG, see fhir-peer.mjs). The peer binds
// port 0 and prints its base URL, which is read back here (no port is picked and then reused).
export async function startFhirPeer({ env = {} } = {}) {
  const child = track(spawn(process.execPath, ['--experimental-websocket', 'fhir-peer.mjs', '0'], {
    cwd: path.join(ROOT, 'tests/peer'), stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env },
  }));
  const [, base] = await waitForLine(child, /listening on (http:\/\/127\.0\.0\.1:\d+\/fhir\/R4)/, 'FHIR peer');
  child.stdout.resume();
  return {
    base,
    async put(resource) {
      const r = await fetch(`${base}/${resource.resourceType}/${resource.id}`, {
        method: 'PUT', headers: { 'content-type': 'application/fhir+json' }, body: JSON.stringify(resource),
      });
      if (r.status >= 300) throw new Error(`peer PUT ${resource.resourceType}: ${r.status} ${await r.text()}`);
    },
    async reset() { await fetch(`${base}/$reset`, { method: 'POST' }); },
    // Every resource of `type` matching `query` (follows next links).
    async search(type, query = '') {
      const found = [];
      let url = `${base}/${type}?_count=1000${query ? `&${query}` : ''}`;
      while (url) {
        const bundle = await (await fetch(url)).json();
        for (const e of bundle.entry ?? []) found.push(e.resource);
        url = bundle.link?.find((l) => l.relation === 'next')?.url;
      }
      return found;
    },
    async seenAuthorizations() { return (await fetch(`${base}/$seen-authorizations`)).json(); },
    stop: () => stop(child),
  };
}

// The demo record system (demo/ehr.mjs: oidc-provider and the FHIR peer with synthetic patients)
// on a free port, launching the app at `selvhjelpUrl`. Returns its base URL and stop().
export async function startDemoEhr(selvhjelpUrl) {
  const child = track(spawn(process.execPath, ['--experimental-websocket', path.join(ROOT, 'demo/ehr.mjs'), '--port', '0',
    '--selvhjelp', selvhjelpUrl], { stdio: ['ignore', 'pipe', 'pipe'] }));
  const [, base] = await waitForLine(child, /demo EHR on (http:\/\/\S+?)\/\s/, 'demo record system');
  child.stdout.resume();
  child.stderr.resume();
  return { base, stop: () => stop(child) };
}

// Runs `body(use)`; everything passed to `use(thing)` (anything with stop() or cleanup()) is stopped
// afterwards in reverse order, whether `body` or a later start failed.
export async function withResources(body) {
  const started = [];
  const use = (thing) => {
    started.push(thing);
    return thing;
  };
  try {
    return await body(use);
  } finally {
    for (const thing of started.reverse()) await (thing.cleanup ?? thing.stop).call(thing);
  }
}

// An HTTP server of the test's own on a port chosen by the system (listen on 0, read it back).
export async function listenOnFreePort(server) {
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  return server.address().port;
}

// A loopback address where nothing answers: every connection is reset at once. Unlike a port that
// was free a moment ago, nothing else can take it while the test runs.
export async function startDeadEndpoint() {
  const server = net.createServer((socket) => socket.resetAndDestroy());
  const port = await listenOnFreePort(server);
  return { url: `http://127.0.0.1:${port}/fhir`, stop: () => new Promise((resolve) => server.close(resolve)) };
}

// A TCP proxy on a free loopback port to `targetPort`, which a test can cut off (every open
// connection reset, new ones refused at once) and restore, as a network fault between selvhjelp
// and the FHIR server would.
// `retarget(port)` points it elsewhere, for a server whose port is known only after the proxy's.
export async function startProxy(targetPort) {
  const sockets = new Set();
  let open = true;
  const server = net.createServer((client) => {
    if (!open) return client.destroy();
    const upstream = net.connect(targetPort, '127.0.0.1');
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      s.on('error', () => {});
    }
    client.pipe(upstream).pipe(client);
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: server.address().port,
    cut() {
      open = false;
      for (const s of sockets) s.destroy();
    },
    restore() { open = true; },
    retarget(port) { targetPort = port; },
    stop: () => new Promise((resolve) => { for (const s of sockets) s.destroy(); server.close(resolve); }),
  };
}

// Writes a config for a test run (the demo config, with the store in a temp folder) and starts
// the service with --port 0: it binds a free port itself and names it in its "listening on"
// line, which sets service.port and service.base (a restart may get another port).
// `edit(config)` may change the config first. Group sources over HTTP are read after the service
// listens: when the config has such a source, start() waits until /directory/status says none is
// loading, unless `waitForSources` is false (a test of that loading itself). Sources read from
// files are loaded before the service listens.
export async function startService(edit = () => {}, { waitForSources = true } = {}) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'selvhjelp-it-'));
  const config = JSON.parse(fs.readFileSync(path.join(ROOT, 'config/demo.json'), 'utf8'));
  config.store.path = path.join(dir, 'store.db');
  config.mappings.directory = path.join(ROOT, 'mappings/data');
  config.groups.sources[0].path = path.join(ROOT, 'config/demo/groups.json');
  for (const source of config.groups.sources) if (source.path) source.path = path.resolve(ROOT, 'config', source.path);
  config.auth.trustedIssuers[0].jwksFile = path.join(ROOT, 'config/demo/demo-ehr-jwks.json');
  // The demo's write-back, clinician app and audit point at the demo record system; a test sets its own.
  delete config.records;
  delete config.app;
  delete config.audit.fhirServer;
  delete config.audit.auth;
  // The demo's 2 s deadline for FHIR reads is for a clinic's EHR; the test FHIR server answers
  // dozens of concurrent calls on a machine that may be busy, so tests give it room (a test of
  // the deadline itself waits on a server that never answers, which fails at any deadline).
  config.fhirServer.timeoutMs = 10000;
  edit(config);
  const configPath = path.join(dir, 'config.json');
  fs.writeFileSync(configPath, JSON.stringify(config, null, 2));
  const service = { dir, configPath };
  service.start = async () => {
    service.child = track(spawn(BIN, ['serve', '--config', configPath, '--port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] }));
    service.log = service.log ?? '';  // kept across restarts
    service.child.stderr.on('data', (d) => (service.log += d));
    // The service binds port 0 and prints the port it got (never a port picked here and reused).
    const [, port] = await waitForLine(service.child, /listening on https?:\/\/\S+:(\d+)/, 'selvhjelp');
    service.out = service.out ?? '';  // stdout after the listening line (JSON log lines when so configured)
    service.child.stdout.on('data', (d) => (service.out += d));
    service.port = Number(port);
    service.base = `http://127.0.0.1:${service.port}`;
    if (waitForSources && config.groups.sources.some((source) => source.url)) {
      // Each poll is bounded too: a poll that hangs must not hang the test.
      await waitFor(async () => !(await (await fetch(`${service.base}/directory/status`, { signal: AbortSignal.timeout(10000) })).json()).loading,
        'group sources read');
    }
  };
  service.stop = async () => {
    await stop(service.child);
  };
  // kill -9: no shutdown code runs.
  service.kill9 = () => new Promise((resolve) => {
    service.child.once('exit', () => resolve());
    service.child.kill('SIGKILL');
  });
  service.cleanup = async () => {
    await service.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  };
  try {
    await service.start();
  } catch (error) {
    // A start that fails half-way (no "listening" line, sources never read) must not leave the
    // child running: its pipes would keep this test file's process alive after the test failed.
    if (service.child) await service.stop();
    fs.rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  return service;
}

function stop(child) {
  return new Promise((resolve) => {
    if (!child || child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
    setTimeout(() => child.kill('SIGKILL'), 5000).unref();
  });
}

const b64url = (buf) => Buffer.from(buf).toString('base64url');

export function signToken(claims, { header = {}, key = DEMO_KEY, alg = 'ES384' } = {}) {
  const now = Math.floor(Date.now() / 1000);
  const fullHeader = { alg, typ: 'JWT', kid: 'demo-ehr-key', ...header };
  const payload = { iss: 'https://demo-ehr.example', iat: now, exp: now + 300, jti: crypto.randomUUID(), ...claims };
  const input = `${b64url(JSON.stringify(fullHeader))}.${b64url(JSON.stringify(payload))}`;
  if (alg === 'none') return `${input}.`;
  const signature = crypto.sign('sha384', Buffer.from(input), { key, dsaEncoding: 'ieee-p1363' });
  return `${input}.${b64url(signature)}`;
}

// POSTs JSON to the service with a fresh token for exactly that URL.
export async function post(service, pathname, body, { headers = {}, token } = {}) {
  const url = `${service.base}${pathname}`;
  const auth = token === undefined ? `Bearer ${signToken({ aud: url })}` : token;
  const r = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(auth ? { authorization: auth } : {}), ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await r.text();
  let json;
  try { json = JSON.parse(text); } catch { json = undefined; }
  return { status: r.status, json, text, headers: r.headers };
}

export async function get(service, pathname) {
  const url = `${service.base}${pathname}`;
  // The token's audience is the endpoint: the URL without its query.
  const r = await fetch(url, { headers: { authorization: `Bearer ${signToken({ aud: url.split('?')[0] })}` } });
  return { status: r.status, json: await r.json() };
}

// Polls `check` until it returns something truthy (the value), at most `ms`. For a wait on one event;
// a wait on much work uses waitForProgress, whose deadline follows the work.
export async function waitFor(check, what, ms = 60000) {
  const until = Date.now() + ms;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

// Polls the number `measure()` until it reaches `target`. Fails only when it stops moving for
// `stallMs`: however slow a loaded machine is, a test waits as long as the work goes on.
export async function waitForProgress(measure, target, what, stallMs = 60000) {
  let last = await measure();
  let lastChange = Date.now();
  while (!(last >= target)) {
    if (Date.now() - lastChange > stallMs) throw new Error(`${what}: stuck at ${last} of ${target} for ${stallMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 200));
    const now = await measure();
    if (now !== last) {
      last = now;
      lastChange = Date.now();
    }
  }
  return last;
}
