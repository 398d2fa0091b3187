// Hostile and unlucky clients against the listener (issue 11, items 1, 6 and 7): header and body
// limits enforced before authentication and without buffering, timeouts for half-sent requests, a
// connection cap that keeps /health reachable, 405 for methods not served, 400 for malformed
// percent-encoding, and a SIGTERM that lets requests in flight finish. Raw sockets throughout:
// fetch() cannot send TRACE, half a request, or an endless chunked body.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import { after, before, describe, test } from 'node:test';
import { ROOT, signToken, startService, waitFor } from './harness.mjs';
import { bergen, fullPrefetch, hookRequest } from './fixtures.mjs';

const PV = '/cds-services/selvhjelp-patient-view';
const MAX_BODY = 1 << 20;

// Short timeouts so the test sees them act; the rest as shipped.
function limits(config) {
  Object.assign(config.service, {
    maxBodyBytes: MAX_BODY, headerTimeoutMs: 1000, bodyTimeoutMs: 8000, idleTimeoutMs: 8000, maxConnections: 64,
  });
}

// The service's resident memory in kB (/proc/PID/status).
function rssKb(pid) {
  return Number(fs.readFileSync(`/proc/${pid}/status`, 'utf8').match(/VmRSS:\s+(\d+) kB/)[1]);
}

// A raw connection: `data` accumulates what arrives; `until(pred)` waits for pred(conn) with a deadline.
function open(port) {
  const socket = net.connect(port, '127.0.0.1');
  const conn = { socket, data: '', closed: false, waiters: new Set() };
  const wake = () => { for (const w of [...conn.waiters]) w(); };
  socket.setEncoding('latin1');
  socket.on('data', (d) => { conn.data += d; wake(); });
  socket.on('error', (e) => { conn.error = e; });
  socket.on('close', () => { conn.closed = true; wake(); });
  conn.connected = new Promise((resolve, reject) => { socket.once('connect', resolve); socket.once('error', reject); });
  conn.until = (pred, ms, what) => new Promise((resolve, reject) => {
    const check = () => {
      if (!pred(conn)) return;
      conn.waiters.delete(check);
      clearTimeout(timer);
      resolve(conn);
    };
    const timer = setTimeout(() => { conn.waiters.delete(check); reject(new Error(`timed out waiting for ${what}: ${conn.data.slice(0, 200)}`)); }, ms);
    conn.waiters.add(check);
    check();
  });
  conn.write = (chunk) => new Promise((resolve) => {
    if (conn.closed || socket.destroyed) return resolve(false);
    socket.write(chunk, () => resolve(true));
  });
  return conn;
}

// The first complete response in `text`, or null.
function response(text) {
  const end = text.indexOf('\r\n\r\n');
  if (end < 0) return null;
  const [statusLine, ...lines] = text.slice(0, end).split('\r\n');
  const headers = Object.fromEntries(lines.map((l) => [l.slice(0, l.indexOf(':')).toLowerCase(), l.slice(l.indexOf(':') + 1).trim()]));
  const body = text.slice(end + 4);
  const length = Number(headers['content-length']);
  if (body.length < length) return null;
  return { status: Number(statusLine.split(' ')[1]), headers, body: body.slice(0, length) };
}
const answered = (c) => response(c.data) !== null;

// Streams chunks of a body that never ends (no last chunk), up to `total` bytes, stopping as soon
// as an answer arrives: whatever the machine's speed, an answer can come only from a server that
// did not wait for the whole body.
async function streamChunked(conn, total) {
  const piece = Buffer.alloc(64 << 10, 'a');
  const frame = Buffer.concat([Buffer.from(`${piece.length.toString(16)}\r\n`), piece, Buffer.from('\r\n')]);
  let sent = 0;
  while (sent < total && !answered(conn) && !conn.closed) {
    if (!(await conn.write(frame))) break;
    sent += piece.length;
  }
}

function chunkedHead(service, { token } = {}) {
  const auth = token ? `Authorization: Bearer ${signToken({ aud: `${service.base}${PV}` })}\r\n` : '';
  return `POST ${PV} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n${auth}Transfer-Encoding: chunked\r\n\r\n`;
}

describe('listener limits', () => {
  let service;
  before(async () => { service = await startService(limits); });
  after(async () => { await service?.cleanup(); });

  test('a 1 MB header line is answered 431 with an OperationOutcome, without memory growth', async () => {
    const before = rssKb(service.child.pid);
    const conn = open(service.port);
    await conn.connected;
    conn.write(`GET /health HTTP/1.1\r\nHost: x\r\nX-Filler: ${'h'.repeat(1 << 20)}\r\n\r\n`);
    await conn.until(answered, 10000, 'the answer to a 1 MB header');
    const r = response(conn.data);
    assert.equal(r.status, 431);
    assert.equal(JSON.parse(r.body).resourceType, 'OperationOutcome');
    await conn.until((c) => c.closed, 10000, 'the connection to close');
    assert.ok(rssKb(service.child.pid) - before < 8 * 1024, `RSS grew from ${before} kB to ${rssKb(service.child.pid)} kB`);
  });

  test('a chunked body past maxBodyBytes: 401 before the body without a token, 413 at the limit with one; memory bounded', async () => {
    const before = rssKb(service.child.pid);
    const total = 64 << 20;
    for (const [token, status] of [[false, 401], [true, 413]]) {
      const conn = open(service.port);
      await conn.connected;
      await conn.write(chunkedHead(service, { token }));
      await streamChunked(conn, total);
      await conn.until(answered, 20000, `the ${status}, with the body unfinished`);
      const r = response(conn.data);
      assert.equal(r.status, status, r.body);
      assert.equal(JSON.parse(r.body).resourceType, 'OperationOutcome');
      conn.socket.destroy();
    }
    const grown = rssKb(service.child.pid) - before;
    assert.ok(grown < 16 * 1024, `RSS grew by ${grown} kB`);
  });

  test('half-sent requests are closed after the header timeout', async () => {
    const conns = Array.from({ length: 10 }, () => open(service.port));
    await Promise.all(conns.map((c) => c.connected));
    const start = Date.now();
    await Promise.all(conns.map((c) => c.write(`POST ${PV} HTTP/1.1\r\nHost: x\r\nContent-Le`)));
    await Promise.all(conns.map((c) => c.until((x) => x.closed, 8000, 'a half-sent request to be closed')));
    assert.ok(Date.now() - start < 6000);
    for (const c of conns) assert.equal(c.data, '', 'closed without an answer');
  });

  test('TRACE and DELETE are 405 with Allow, and TRACE does not echo the request', async () => {
    const secret = signToken({ aud: `${service.base}/health` });
    for (const [method, path, allow] of [['TRACE', '/health', 'GET'], ['DELETE', '/records', 'POST, GET'], ['TRACE', PV, 'POST']]) {
      const conn = open(service.port);
      await conn.connected;
      await conn.write(`${method} ${path} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${secret}\r\nX-Probe: echo-me\r\n\r\n`);
      await conn.until(answered, 5000, `the answer to ${method} ${path}`);
      const r = response(conn.data);
      assert.equal(r.status, 405, `${method} ${path}`);
      assert.equal(r.headers.allow, allow);
      assert.equal(JSON.parse(r.body).resourceType, 'OperationOutcome');
      assert.ok(!conn.data.includes(secret) && !conn.data.includes('echo-me'), 'the request was echoed');
      conn.socket.destroy();
    }
  });

  test('malformed percent-encoding in a query is 400 naming the parameter', async () => {
    const r = await fetch(`${service.base}/directory/groups?municipality=4601&x=%zz`);
    assert.equal(r.status, 400);
    const outcome = await r.json();
    assert.equal(outcome.resourceType, 'OperationOutcome');
    assert.deepEqual(outcome.issue[0].expression, ['x']);
  });
});

describe('listener under a low open-file limit', () => {
  let service;
  let child;
  before(async () => {
    service = await startService(limits);
    await service.stop();
    // The same config, started with 256 file descriptors: more idle connections than fit.
    const bin = process.env.SELVHJELP_BIN || `${ROOT}/build/plugin/selvhjelp`;
    child = spawn('sh', ['-c', 'ulimit -n 256 && exec "$0" "$@"', bin, 'serve', '--config', service.configPath, '--port', '0'],
      { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    await waitFor(() => /listening on http:\/\/\S+:(\d+)/.test(out) || child.exitCode !== null, 'selvhjelp to listen', 20000);
    service.port = Number(out.match(/listening on http:\/\/\S+:(\d+)/)[1]);
  });
  after(async () => {
    if (child && child.exitCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGKILL');
      await exited;
    }
    await service?.cleanup();
  });

  test('with more idle connections open than fit, /health on a new connection still answers', async () => {
    const idle = Array.from({ length: 400 }, () => open(service.port));
    try {
      await Promise.allSettled(idle.map((c) => c.connected));
      const r = await fetch(`http://127.0.0.1:${service.port}/health`, { signal: AbortSignal.timeout(5000) });
      assert.equal(r.status, 200);
      assert.equal((await r.json()).status, 'ok');
    } finally {
      for (const c of idle) c.socket.destroy();
    }
  });
});

describe('SIGTERM under load', () => {
  test('20 requests in flight each get a whole answer, and the process exits within a few seconds', async () => {
    const service = await startService(limits);
    try {
      const bodies = Array.from({ length: 20 }, (_, i) => JSON.stringify(hookRequest('patient-view', `p-stop-${i}`, { prefetch: fullPrefetch(`p-stop-${i}`, bergen) })));
      const half = (body) => Math.floor(body.length / 2);
      const conns = [];
      for (const body of bodies) {
        const conn = open(service.port);
        await conn.connected;
        const token = signToken({ aud: `${service.base}${PV}` });
        await conn.write(`POST ${PV} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nAuthorization: Bearer ${token}\r\n` +
                         `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body.slice(0, half(body))}`);
        conns.push(conn);
      }
      // Accepted in order: once a later connection is answered, the 20 are being served.
      assert.equal((await fetch(`${service.base}/health`)).status, 200);
      let stdout = '';
      service.child.stdout.on('data', (d) => (stdout += d));
      const exited = new Promise((resolve) => service.child.once('exit', resolve));
      const stopAt = Date.now();
      service.child.kill('SIGTERM');
      await waitFor(() => stdout.includes('selvhjelp stopping'), 'the service to begin stopping');
      await waitFor(() => new Promise((resolve) => {  // no longer accepting: the stop is under way
        const probe = net.connect(service.port, '127.0.0.1');
        probe.once('connect', () => { probe.destroy(); resolve(false); });
        probe.once('error', () => resolve(true));
      }), 'the listener to stop accepting');
      await Promise.all(conns.map((c, i) => c.write(bodies[i].slice(half(bodies[i])))));
      await Promise.all(conns.map((c) => c.until((x) => answered(x) || x.closed, 10000, 'an answer')));
      for (const c of conns) {
        const r = response(c.data);
        assert.ok(r, `no whole answer (${c.error?.code ?? 'closed'}): ${c.data.slice(0, 100)}`);
        assert.equal(r.status, 200, r.body);
        assert.equal(JSON.parse(r.body).cards.length, 1);
        assert.equal(c.error, undefined);
      }
      await exited;
      assert.ok(Date.now() - stopAt < 5000, `exit took ${Date.now() - stopAt} ms`);
    } finally {
      await service.cleanup();
    }
  });
});
