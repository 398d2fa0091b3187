// The command line: exit codes and messages an operator relies on.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { ROOT } from './harness.mjs';

const BIN = process.env.SELVHJELP_BIN || path.join(ROOT, 'build/plugin/selvhjelp');
const run = (...args) => spawnSync(BIN, args, { encoding: 'utf8' });

test('--help exits 0 and lists the commands; an unknown command exits 2', () => {
  const help = run('--help');
  assert.equal(help.status, 0);
  for (const command of ['serve', 'check-config', 'demo-token']) assert.match(help.stdout, new RegExp(command));
  const unknown = run('frobnicate');
  assert.equal(unknown.status, 2);
  assert.match(unknown.stderr, /unknown command/);
});

test('check-config accepts the demo config and lists every problem of a broken one', () => {
  const ok = run('check-config', path.join(ROOT, 'config/demo.json'));
  assert.equal(ok.status, 0, ok.stderr);
  assert.match(ok.stdout, /valid \(16 groups/);

  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'selvhjelp-cli-'));
  try {
    const groups = path.join(dir, 'groups.json');
    fs.writeFileSync(groups, '{"groups": [\n {"id": "a", "name": "A", "organisation": "AA", "themes": ["alcohol"],\n  "audience": "everyone", "format": "in-person",\n  "address": {"municipality": "301", "city": "Oslo"}}\n]}\n');
    const config = path.join(dir, 'config.json');
    fs.writeFileSync(config, JSON.stringify({
      store: { path: 'store.db' },
      mappings: { directory: path.join(ROOT, 'mappings/data') },
      groups: { sources: [{ name: 'region', type: 'json', path: 'groups.json' }] },
      cards: { declinedReofferDays: -1 },
      auth: { trustedIssuers: [{ iss: 'https://ehr.example', jwksFile: 'missing-jwks.json' }] },
    }, null, 2));
    const bad = run('check-config', config);
    assert.equal(bad.status, 1);
    assert.match(bad.stderr, new RegExp(`${config}:\\d+: cards.declinedReofferDays: expected a whole number`));
    assert.match(bad.stderr, new RegExp(`${groups}:3: groups\\[0\\].audience: expected person, relatives or both`));
    assert.match(bad.stderr, new RegExp(`${groups}:4: groups\\[0\\].address.municipality: expected a 4-digit`));
    assert.match(bad.stderr, /missing-jwks.json/);
    assert.ok(!fs.existsSync(path.join(dir, 'store.db')), 'check-config creates no files');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('serve refuses a broken config with exit 1, and a taken port with exit 3', async () => {
  const missing = run('serve', '--config', '/nonexistent/config.json');
  assert.equal(missing.status, 3);
  assert.match(missing.stderr, /cannot be read/);
  const noConfig = run('serve');
  assert.equal(noConfig.status, 2);
});
