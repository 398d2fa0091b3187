// The HSDS 3.0 export checked by tools that are not ours: Open Referral's own table schemas
// (tests/data/hsds3/schema) through Debian's python3-jsonschema, and the Frictionless Table
// Schema library (npm tableschema) reading every CSV through the package's datapackage.json.
// Also: a re-export keeps every id, and Open Referral's example package imports.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { BIN, ROOT } from './harness.mjs';

const require = createRequire(path.join(ROOT, 'tests/peer/package.json'));
const { Schema, Table } = require('tableschema');

const DEMO = path.join(ROOT, 'config/demo.json');
const SCHEMAS = path.join(ROOT, 'tests/data/hsds3/schema');
const CHECKER = path.join(ROOT, 'tests/integration/hsds_schema_check.py');

function exportTo(dir) {
  const r = spawnSync(BIN, ['directory', 'export', DEMO, '--format', 'hsds', '--out', dir], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return r;
}

// Debian's python3 with Debian's python3-jsonschema, whatever else is on the PATH.
const jsonSchemaCheck = (dir) => spawnSync('/usr/bin/python3', [CHECKER, dir, SCHEMAS], { encoding: 'utf8' });

// Every problem the Frictionless library finds: a bad descriptor, a header that is not the
// schema's fields, or a cell that does not cast to its field's type and format.
async function tableSchemaProblems(dir) {
  const problems = [];
  const pkg = JSON.parse(fs.readFileSync(path.join(dir, 'datapackage.json'), 'utf8'));
  for (const resource of pkg.resources) {
    const schema = await Schema.load(resource.schema);
    if (!schema.valid) problems.push(`${resource.name}: schema: ${schema.errors.map((e) => e.message).join('; ')}`);
    const table = await Table.load(path.join(dir, resource.path), { schema });
    const rows = await table.read({ forceCast: true });
    if (JSON.stringify(table.headers) !== JSON.stringify(schema.fieldNames)) {
      problems.push(`${resource.path}: headers ${table.headers} are not ${schema.fieldNames}`);
    }
    rows.forEach((row, i) => {
      if (row instanceof Error) {
        for (const e of row.errors ?? [row]) problems.push(`${resource.path}:${i + 2}: ${e.message}`);
      }
    });
  }
  return problems;
}

test('the export validates against the HSDS 3.0 schemas and as a Frictionless Table Schema package', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'selvhjelp-hsds-'));
  try {
    exportTo(path.join(dir, 'a'));
    const names = fs.readdirSync(path.join(dir, 'a')).sort();
    assert.deepEqual(names, ['accessibility.csv', 'addresses.csv', 'attributes.csv', 'datapackage.json', 'languages.csv', 'locations.csv',
      'organizations.csv', 'phones.csv', 'schedules.csv', 'service_areas.csv', 'service_at_location.csv', 'services.csv',
      'taxonomy_terms.csv']);
    const checked = jsonSchemaCheck(path.join(dir, 'a'));
    assert.equal(checked.status, 0, checked.stdout + checked.stderr);
    assert.match(checked.stdout, /12 tables, \d+ rows valid/);
    assert.deepEqual(await tableSchemaProblems(path.join(dir, 'a')), []);
    const schedules = fs.readFileSync(path.join(dir, 'a', 'schedules.csv'), 'utf8');
    assert.match(schedules, /,\d\d:\d\d:00,\d\d:\d\d:00\r?\n/, 'times as hh:mm:ss');

    // A re-export keeps every id (UUID v5 from source and id): the whole package is the same.
    exportTo(path.join(dir, 'b'));
    for (const name of names) {
      assert.equal(fs.readFileSync(path.join(dir, 'b', name), 'utf8'), fs.readFileSync(path.join(dir, 'a', name), 'utf8'), name);
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('both checkers catch what the spec forbids (they are not vacuous)', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'selvhjelp-hsds-bad-'));
  try {
    exportTo(dir);
    const schedules = path.join(dir, 'schedules.csv');
    const lines = fs.readFileSync(schedules, 'utf8').split('\n');
    lines[1] = lines[1].replace(/^[^,]+/, 'not-a-uuid').replace(/(\d\d:\d\d):00/, '$1');
    fs.writeFileSync(schedules, lines.join('\n'));
    const organizations = path.join(dir, 'organizations.csv');
    fs.writeFileSync(organizations, fs.readFileSync(organizations, 'utf8').replace('id,name,description', 'id,name'));
    const checked = jsonSchemaCheck(dir);
    assert.equal(checked.status, 1, checked.stdout);
    assert.match(checked.stdout, /schedules\.csv:2: id: 'not-a-uuid' is not a 'uuid'/);
    assert.match(checked.stdout, /organizations\.csv:1: header/);
    const problems = await tableSchemaProblems(dir);
    assert.ok(problems.some((p) => /schedules\.csv:2: .*"not-a-uuid".*uuid/.test(p)), problems.join('\n'));
    assert.ok(problems.some((p) => /schedules\.csv:2: .*"opens_at".*time/.test(p)), problems.join('\n'));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test("Open Referral's own example package is read as a source", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'selvhjelp-hsds-example-'));
  try {
    const config = JSON.parse(fs.readFileSync(DEMO, 'utf8'));
    config.mappings.directory = path.join(ROOT, 'mappings/data');
    config.groups.sources = [{ name: 'openreferral-example', type: 'hsds-package', path: path.join(ROOT, 'tests/data/hsds3/example') }];
    config.auth.trustedIssuers[0].jwksFile = path.join(ROOT, 'config/demo/demo-ehr-jwks.json');
    config.store.path = path.join(dir, 'store.db');
    delete config.app;
    const file = path.join(dir, 'config.json');
    fs.writeFileSync(file, JSON.stringify(config, null, 2));
    const checked = spawnSync(BIN, ['directory', 'check', file], { encoding: 'utf8' });
    assert.equal(checked.status, 0, checked.stdout + checked.stderr);
    assert.match(checked.stdout, /openreferral-example: 1 groups/);
    const listed = spawnSync(BIN, ['directory', 'list', file], { encoding: 'utf8' });
    assert.equal(listed.status, 0, listed.stderr);
    assert.match(listed.stdout, /Community Counselling\tExample Organization Inc\./);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
