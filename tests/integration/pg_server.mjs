// A real PostgreSQL for one test file: started on loopback in a temporary folder by
// tests/pg/pg_server.sh (fsync off, a free port), stopped and removed by stop().
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { ROOT } from './harness.mjs';

const run = promisify(execFile);
const PG_SERVER = path.join(ROOT, 'tests/pg/pg_server.sh');
export const PG_SKIPPED = 'PostgreSQL is not installed (scripts/install-deps.sh --tests)';

// { url, dir, skip, stop(), halt() }: `url` is the store.url of a new database; `skip` is true (and
// `url` empty) only when PostgreSQL's server binaries are absent; halt() stops the server and
// keeps its folder (a test of a database that goes away); stop() ends and removes everything and
// may be called more than once.
export async function startPostgres(prefix) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  const halt = () => run('bash', [PG_SERVER, 'stop', dir]);
  const stop = async () => {
    await halt().catch(() => {});
    fs.rmSync(dir, { recursive: true, force: true });
  };
  try {
    const url = (await run('bash', [PG_SERVER, 'start', dir])).stdout.trim();
    return { url, dir, skip: false, stop, halt };
  } catch (error) {
    await stop();
    if (error.code !== 77) throw error;
    return { url: '', dir, skip: true, stop, halt };
  }
}
