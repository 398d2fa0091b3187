// The command line: exit codes and messages an operator relies on.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { BIN, ROOT } from './harness.mjs';

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
  assert.match(ok.stdout, /valid \(19 groups/);  // 16 demo listings and 3 national services

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

test('serve without a readable config exits 3 saying so, and without --config exits 2', async () => {
  const missing = run('serve', '--config', '/nonexistent/config.json');
  assert.equal(missing.status, 3);
  assert.match(missing.stderr, /cannot be read/);
  const noConfig = run('serve');
  assert.equal(noConfig.status, 2);
});

test('unknown flags and flags without a value are refused with exit 2 and one line', () => {
  const config = path.join(ROOT, 'config/demo.json');
  for (const args of [
    ['serve', '--config', config, '--prot', '1234'],
    ['serve', '--config', config, '--port'],
    ['serve', '--config', '--port', '0'],
    ['serve', '--config', config, 'extra'],
    ['check-config'],
    ['directory', 'list', config, '--kommune', '4601'],
    ['directory', 'frobnicate', config],
    ['outbox', 'list', config, '--state'],
    ['audit', '--config', config],
    ['synth', '--patients', '10', '--seed'],
    ['demo-token', '--key', 'k.pem', '--iss', 'x', '--aud', 'y', '--ttl'],
    [],
  ]) {
    const r = run(...args);
    assert.equal(r.status, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.equal(r.stderr.trim().split('\n').length, 1, `${args.join(' ')}: ${r.stderr}`);
    assert.equal(r.stdout, '', args.join(' '));
  }
  const typo = run('serve', '--config', config, '--prot', '1234');
  assert.match(typo.stderr, /serve: unknown flag '--prot'/);
  assert.match(run('serve', '--config', config, '--port').stderr, /--port needs a value/);
});

test('SUBCOMMAND --help prints that subcommand\'s help and exits 0', () => {
  for (const [args, names, not] of [
    [['serve', '--help'], ['selvhjelp serve --config FILE'], 'outbox'],
    [['outbox', 'list', '--help'], ['selvhjelp outbox list CONFIG'], 'serve'],
    [['outbox', '--help'], ['selvhjelp outbox list', 'selvhjelp outbox retry'], 'serve'],
    [['directory', 'export', 'config.json', '--help'], ['--format hsds'], 'outbox'],
    [['audit', '-h'], ['--bulk DIR'], 'serve'],
    [['check-config', '--help'], ['check-config FILE'], 'outbox'],
  ]) {
    const r = run(...args);
    assert.equal(r.status, 0, `${args.join(' ')}: ${r.stderr}`);
    for (const name of names) assert.ok(r.stdout.includes(name), `${args.join(' ')}: ${r.stdout}`);
    assert.ok(!r.stdout.includes(`selvhjelp ${not}`), `${args.join(' ')} prints only its own help`);
  }
});

test('check-config names a CORS origin that is not one', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'selvhjelp-cli-'));
  try {
    const config = JSON.parse(fs.readFileSync(path.join(ROOT, 'config/demo.json'), 'utf8'));
    config.service.corsAllowedOrigins = ['*', 'https://sandbox.cds-hooks.org'];
    config.mappings.directory = path.join(ROOT, 'mappings/data');
    config.groups.sources[0].path = path.join(ROOT, 'config/demo/groups.json');
    for (const source of config.groups.sources) if (source.path) source.path = path.resolve(ROOT, 'config', source.path);
    config.auth.trustedIssuers[0].jwksFile = path.join(ROOT, 'config/demo/demo-ehr-jwks.json');
    delete config.app;
    const file = path.join(dir, 'config.json');
    fs.writeFileSync(file, JSON.stringify(config, null, 2));
    const r = run('check-config', file);
    assert.equal(r.status, 1, r.stderr);
    assert.match(r.stderr, /service\.corsAllowedOrigins\[0\]: expected an origin/);
    assert.doesNotMatch(r.stderr, /corsAllowedOrigins\[1\]/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
