// selvhjelp handout: the built binary writes a handout from the demo directory, read back with
// poppler's pdftotext (poppler-utils); usage errors are one line and exit 2.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const BIN = process.env.SELVHJELP_BIN || path.join(ROOT, 'build/plugin/selvhjelp');
const CONFIG = path.join(ROOT, 'config/demo.json');
const run = (...args) => spawnSync(BIN, args, { encoding: 'utf8' });

test('handout writes a PDF and an HTML page with the chosen groups, in nb, nn and en', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'selvhjelp-handout-'));
  try {
    for (const lang of ['nb', 'nn', 'en']) {
      const pdf = path.join(dir, `${lang}.pdf`);
      const made = run('handout', '--config', CONFIG, '--lang', lang, '--audience', 'patient',
        '--groups', 'bgo-aa-1,dig-aa-en', '--out', pdf);
      assert.equal(made.status, 0, made.stderr);
      const text = spawnSync('pdftotext', [pdf, '-'], { encoding: 'utf8' });
      assert.equal(text.status, 0, text.stderr);
      assert.match(text.stdout, /AA-gruppe Bergen sentrum/);
      assert.match(text.stdout, /Online AA meeting in English/);
      assert.match(text.stdout, { nb: /Hva er en selvhjelpsgruppe\?/, nn: /Kva er ei sjølvhjelpsgruppe\?/,
        en: /What is a self-help group\?/ }[lang]);
    }
    const html = path.join(dir, 'relatives.html');
    const made = run('handout', '--config', CONFIG, '--lang', 'nn', '--audience', 'relatives',
      '--groups', 'bgo-alanon-1', '--name', 'Kari Testesen', '--out', html);
    assert.equal(made.status, 0, made.stderr);
    const page = fs.readFileSync(html, 'utf8');
    assert.match(page, /<html lang="nn"/);
    assert.match(page, /Til: Kari Testesen/);
    assert.match(page, /Al-Anon/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('handout usage errors: one line, exit 2', () => {
  for (const args of [
    ['--config', CONFIG, '--lang', 'nb', '--audience', 'patient', '--groups', 'bgo-aa-1', '--out', 'x.pdf', '--prot', '1'],
    ['--config', CONFIG, '--lang', 'nb', '--audience', 'everyone', '--out', 'x.pdf'],
    ['--config', CONFIG, '--lang', 'nb', '--audience', 'patient', '--out', 'x.doc'],
    ['--config', CONFIG, '--lang', 'xx', '--audience', 'patient', '--out', 'x.pdf'],
    ['--config', CONFIG, '--lang', 'nb', '--audience', 'patient', '--groups', 'nope', '--out', 'x.pdf'],
    ['--config', CONFIG, '--lang'],
  ]) {
    const r = run('handout', ...args);
    assert.equal(r.status, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
  }
  const help = run('handout', '--help');
  assert.equal(help.status, 0);
  assert.match(help.stdout, /--audience patient\|relatives/);
});
