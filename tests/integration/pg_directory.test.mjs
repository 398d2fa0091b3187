// Several instances, one directory: two `selvhjelp serve` on one PostgreSQL database (started here
// in a temporary folder by tests/pg/pg_server.sh) and a group source over HTTP served here, which
// notes every read and which instance made it (each instance's URL names it in its query; the
// source's name, which the instances coordinate on, is the same). The source is read by one
// instance per refresh interval, never by both; both serve the same groups after it changes and
// both report a failed read as stale; when the reading instance is killed -9 in the middle of a
// read, the other reads it once that read's claim (store.leaseSeconds) has run out.
// Skipped, saying so, only when PostgreSQL's server binaries are absent.
import assert from 'node:assert/strict';
import http from 'node:http';
import { after, before, describe, test } from 'node:test';
import { listenOnFreePort, startService, waitFor } from './harness.mjs';
import { PG_SKIPPED, startPostgres } from './pg_server.mjs';

const REFRESH = 5;  // the source's refreshSeconds
const LEASE = 12;   // store.leaseSeconds: how long a claimed read holds (well above REFRESH)
// Times are whole seconds in the store: a read is claimed at most a second early, and the
// request reaches the feed a moment after its claim.
const SLACK_MS = 1000 + 750;

const meeting = (name, slug) => ({ name, slug, day: 1, time: '20:00', types: ['EN', 'ONL'], attendance_option: 'online' });

describe('two instances on one PostgreSQL store share a group source\'s reads', () => {
  let pg;
  let skip = false;
  let feed;
  let a;
  let b;
  const reads = [];  // { instance: 'a' | 'b', at: ms }
  const hung = [];   // answers held back (a read in flight when its reader dies)
  let meetings = [meeting('Online gruppe en (syntetisk)', 'one')];
  let failing = false;
  let hanging = false;

  before(async () => {
    pg = await startPostgres('selvhjelp-pg-dir-');
    skip = pg.skip;
    if (skip) return;
    feed = http.createServer((req, res) => {
      const url = new URL(req.url, 'http://localhost');
      if (url.pathname !== '/feed.json') {
        res.writeHead(404);
        return res.end();
      }
      reads.push({ instance: url.searchParams.get('i'), at: Date.now() });
      if (hanging) return hung.push(res);
      if (failing) {
        res.writeHead(503, { 'content-type': 'application/json' });
        return res.end('{}');
      }
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(meetings));
    });
    const base = `http://127.0.0.1:${await listenOnFreePort(feed)}`;
    const edit = (instance) => (config) => {
      delete config.store.path;
      config.store.url = pg.url;
      config.store.leaseSeconds = LEASE;
      config.groups.sources = [{ name: 'online-feed', type: 'meeting-guide', url: `${base}/feed.json?i=${instance}`,
        organisation: 'AA', themes: ['alcohol'], refreshSeconds: REFRESH }];
    };
    a = await startService(edit('a'));
    b = await startService(edit('b'));
  });
  after(async () => {
    for (const res of hung) res.destroy();
    await a?.cleanup();
    await b?.cleanup();
    await new Promise((resolve) => (feed ? feed.close(resolve) : resolve()));
    await pg?.stop();
  });

  const status = async (service) => (await (await fetch(`${service.base}/directory/status`, { signal: AbortSignal.timeout(10000) })).json()).sources[0];
  const names = async (service) => {
    const bundle = await (await fetch(`${service.base}/directory/HealthcareService?_count=1000`, { signal: AbortSignal.timeout(10000) })).json();
    return (bundle.entry ?? []).map((e) => e.resource.name).sort();
  };

  test('the source is read by one instance per refresh interval, not by each', async (t) => {
    if (skip) return t.skip(PG_SKIPPED);
    const from = reads.length;
    const count = 6;
    await waitFor(() => reads.length >= from + count, `${count} reads`, 120000);
    const window = reads.slice(from, from + count);
    const gaps = window.slice(1).map((r, i) => r.at - window[i].at);
    const seen = window.map((r, i) => `${r.instance}${i ? ` +${gaps[i - 1]}ms` : ''}`).join(', ');
    // Each read is claimed when the previous one's interval has passed. Two instances reading
    // on their own, every REFRESH s each, would read at most REFRESH / 2 s apart.
    assert.ok(Math.min(...gaps) >= REFRESH * 1000 - SLACK_MS, `reads closer than the refresh interval: ${seen}`);
  });

  test('both instances serve the same groups after the source changes', async (t) => {
    if (skip) return t.skip(PG_SKIPPED);
    meetings = [...meetings, meeting('Online gruppe to (syntetisk)', 'two')];
    const both = await waitFor(async () => {
      const [onA, onB] = [await names(a), await names(b)];
      return onA.includes('Online gruppe to (syntetisk)') && onB.includes('Online gruppe to (syntetisk)') && [onA, onB];
    }, 'the new group on both instances');
    assert.deepEqual(both[0], both[1]);
    // And the same account of the source: the latest read's success, wherever it was made.
    await waitFor(async () => {
      const [onA, onB] = [await status(a), await status(b)];
      return onA.groups === 2 && onB.groups === 2 && onA.lastSuccess === onB.lastSuccess && !onA.stale && !onB.stale;
    }, 'both instances to report the same successful read');
  });

  test('a failed read is reported as stale by both instances, the groups kept', async (t) => {
    if (skip) return t.skip(PG_SKIPPED);
    failing = true;
    try {
      const both = await waitFor(async () => {
        const [onA, onB] = [await status(a), await status(b)];
        return onA.stale && onB.stale && [onA, onB];
      }, 'the source stale on both instances');
      for (const s of both) {
        assert.match(s.lastError, /^http:\/\/127\.0\.0\.1:\d+\/feed\.json: HTTP 503$/);
        assert.equal(s.groups, 2);
      }
      assert.equal(both[0].lastSuccess, both[1].lastSuccess);
      assert.equal(both[0].lastAttempt, both[1].lastAttempt);
    } finally {
      failing = false;
    }
    await waitFor(async () => !(await status(a)).stale && !(await status(b)).stale, 'both fresh again');
  });

  test('when the reading instance is killed -9 mid-read, the other reads once its claim has run out', async (t) => {
    if (skip) return t.skip(PG_SKIPPED);
    const from = reads.length;
    hanging = true;
    let held;
    try {
      held = await waitFor(() => reads[from], 'a read to hold');
    } finally {
      hanging = false;  // later reads are answered
    }
    const [reader, other] = held.instance === 'a' ? [a, b] : [b, a];
    const otherName = held.instance === 'a' ? 'b' : 'a';
    await reader.kill9();
    const taken = await waitFor(() => reads.slice(from + 1).find((r) => r.instance === otherName),
      `instance ${otherName} to read the source`, 60000);
    const waited = taken.at - held.at;
    assert.ok(waited >= LEASE * 1000 - SLACK_MS, `instance ${otherName} read it ${waited} ms after the held read, within its claim (${LEASE} s)`);
    assert.ok(reads.slice(from + 1).every((r) => r.instance === otherName), 'only the surviving instance reads');
    await waitFor(async () => {
      const s = await status(other);
      return !s.stale && Date.parse(s.lastSuccess) >= Math.floor(taken.at / 1000) * 1000 && s.groups === 2;
    }, 'the survivor to report its own read');
  });
});
