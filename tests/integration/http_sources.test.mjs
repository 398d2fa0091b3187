// Group sources over HTTP: an HSDS 3.0 API (paging, detail fetches, modified_after) and a
// Meeting Guide feed with an ETag (conditional requests answered 304).
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { ROOT, listenOnFreePort, startService, waitFor } from './harness.mjs';

const HSDS = JSON.parse(fs.readFileSync(path.join(ROOT, 'tests/data/hsds/services.json'), 'utf8')).contents;

describe('HTTP sources', () => {
  let server;
  let service;
  const seen = [];
  let defunct = false;  // flips the relatives' group to defunct in the API
  const FEED_KEY = 'feed-key-5d1c0a77';
  const feed = JSON.stringify([{ name: 'Online English (synthetic)', slug: 'online-en', day: 1, time: '20:00', types: ['EN', 'ONL'], attendance_option: 'online' }]);

  before(async () => {
    server = http.createServer((req, res) => {
      const url = new URL(req.url, 'http://localhost');
      seen.push({ path: url.pathname, query: url.search, ifNoneMatch: req.headers['if-none-match'] });
      const json = (status, body, headers = {}) => {
        res.writeHead(status, { 'content-type': 'application/json', ...headers });
        res.end(body === undefined ? '' : JSON.stringify(body));
      };
      if (url.pathname === '/feed.json') {
        if (req.headers['if-none-match'] === '"v1"') return json(304);
        res.writeHead(200, { 'content-type': 'application/json', etag: '"v1"' });
        return res.end(feed);
      }
      if (url.pathname === '/hsds/services') {
        const page = Number(url.searchParams.get('page'));
        if (url.searchParams.get('modified_after')) {
          const changed = defunct ? [{ ...HSDS[0], status: 'defunct' }] : [];
          return json(200, { total_items: changed.length, total_pages: 1, page_number: 1, contents: changed });
        }
        // Page 1: a full service; page 2: a listed service without its child arrays.
        const contents = page === 1 ? [HSDS[0]] : [{ id: HSDS[1].id, name: HSDS[1].name, status: 'active' }];
        return json(200, { total_items: 2, total_pages: 2, page_number: page, first_page: page === 1, last_page: page === 2, contents });
      }
      if (url.pathname === `/hsds/services/${HSDS[1].id}`) return json(200, HSDS[1]);
      if (url.pathname === '/keyed.json') return json(503, {});  // a feed that is down
      return json(404, {});
    });
    const port = await listenOnFreePort(server);
    const base = `http://127.0.0.1:${port}`;
    process.env.SELVHJELP_IT_FEED_KEY = FEED_KEY;  // the child inherits it: `${env:...}` in a source URL
    service = await startService((config) => {
      config.groups.sources = [
        { name: 'region-hsds', type: 'hsds-api', url: `${base}/hsds`, refreshSeconds: 1 },
        { name: 'aa-feed', type: 'meeting-guide', url: `${base}/feed.json`, organisation: 'AA', themes: ['alcohol'], refreshSeconds: 1 },
        { name: 'keyed-feed', type: 'meeting-guide', url: `${base}/keyed.json?api_key=\${env:SELVHJELP_IT_FEED_KEY}`,
          organisation: 'AA', themes: ['alcohol'], refreshSeconds: 60 },
      ];
    });
  });
  after(async () => {
    await service?.cleanup();
    server?.close();
  });

  const status = async () => (await fetch(`${service.base}/directory/status`)).json();

  test('the HSDS API is read page by page, with details for listed services', async () => {
    const s = await status();
    assert.deepEqual(s.sources.slice(0, 2).map((x) => [x.name, x.groups, x.stale]), [['region-hsds', 2, false], ['aa-feed', 1, false]]);
    assert.ok(seen.some((r) => r.path === `/hsds/services/${HSDS[1].id}`), 'detail fetched');
    const trondheim = await (await fetch(`${service.base}/directory/groups?municipality=5001&audience=relatives`)).json();
    const monthly = trondheim.entry.map((e) => e.resource).find((r) => r.name.startsWith('Pårørendegruppe rus, annenhver'));
    assert.match(monthly.availabilityExceptions, /FREQ=MONTHLY;BYDAY=2TU/);
  });

  test('a source that fails is named in the log and on the status page without its URL\'s query (a secret)', async () => {
    const keyed = (await status()).sources[2];
    assert.equal(keyed.name, 'keyed-feed');
    assert.match(keyed.lastError, /^http:\/\/127\.0\.0\.1:\d+\/keyed\.json: HTTP 503$/);
    assert.ok(seen.some((r) => r.path === '/keyed.json' && r.query === `?api_key=${FEED_KEY}`), 'the key was sent to the feed');
    await waitFor(() => service.log.includes('group source keyed-feed not read'), 'the failure logged');
    assert.ok(!service.log.includes(FEED_KEY), 'the key is not in the log');
    assert.ok(!JSON.stringify(await status()).includes(FEED_KEY), 'the key is not on the status page');
  });

  test('refreshes are incremental (modified_after) and conditional (304)', async () => {
    await waitFor(() => seen.some((r) => r.query.includes('modified_after=')), 'an incremental HSDS request');
    await waitFor(() => seen.some((r) => r.path === '/feed.json' && r.ifNoneMatch === '"v1"'), 'a conditional feed request');
    defunct = true;  // the API now says the relatives' group closed
    await waitFor(async () => (await status()).sources[0].groups === 1, 'the closed service to leave the directory');
    const s = await status();
    assert.equal(s.sources[1].groups, 1);  // 304 kept the feed's content
    assert.equal(s.sources[1].stale, false);
  });
});
