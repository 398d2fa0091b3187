// Benchmark of the clinician app on loopback (a figure printer, not a timed test): the demo record
// system launches the app in Debian's Chromium; measured are the time from the token (the callback,
// where selvhjelp exchanges the code for the EHR's token, has answered) to a usable page (the
// record form drawn, the decision made with the patient's data read from the FHIR server), and the
// page's weight in bytes (every response the page loads after the callback, bodies as sent).
// Each run is a fresh browser context (a first visit: nothing cached). Prints each run and the range.
//   node --experimental-websocket bench/app_page.mjs [runs=3]
// Needs a built selvhjelp (SELVHJELP_BIN or build/plugin/selvhjelp) and `npm ci` in tests/peer and demo.
import { createRequire } from 'node:module';
import path from 'node:path';
import { ROOT, startDemoEhr, startProxy, startService } from '../tests/integration/harness.mjs';

const peer = createRequire(path.join(ROOT, 'tests/peer/package.json'));
const { chromium } = peer('playwright-core');
const runs = Number(process.argv[2] ?? 3);

const proxy = await startProxy(0);
const app = `http://127.0.0.1:${proxy.port}`;
const ehr = await startDemoEhr(app);
const fhirBase = `${ehr.base}/fhir/R4`;
const service = await startService((config) => {
  config.service.publicBaseUrl = app;
  config.app = { clientId: 'selvhjelp-demo', allowedIssuers: [fhirBase], allowHttp: true,
    redirectUri: `${app}/app/callback`, webDirectory: path.join(ROOT, 'plugin/web/app') };
  config.fhirServer = { ...(config.fhirServer ?? {}), allowHttp: true };
});
proxy.retarget(service.port);
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run'] });
try {
  const list = await (await fetch(`${ehr.base}/`)).text();
  const bergen = [...list.matchAll(/href="\/patient\/([\w.-]+)"/g)].map((m) => m[1])[1];
  const times = [];
  const weights = [];
  for (let i = 0; i < runs; i += 1) {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'nb-NO' });
    const page = await context.newPage();
    let tokenAt = 0;
    const sizes = [];
    page.on('response', (r) => {
      if (r.url().startsWith(`${app}/app/callback`)) tokenAt = performance.now();
    });
    page.on('requestfinished', async (request) => {
      if (!tokenAt || !request.url().startsWith(`${app}/app/`) || request.url().startsWith(`${app}/app/callback`)) return;
      const sizesOf = await request.sizes();
      sizes.push(sizesOf.responseBodySize + sizesOf.responseHeadersSize);
    });
    await page.goto(`${ehr.base}/launch/${bergen}`);
    await page.waitForSelector('#record form');
    const usable = performance.now() - tokenAt;
    await page.waitForLoadState('networkidle');
    times.push(usable);
    weights.push(sizes.reduce((a, b) => a + b, 0));
    console.log(`run ${i + 1}: token -> usable page ${usable.toFixed(0)} ms; page weight ${weights.at(-1)} bytes in ${sizes.length} responses`);
    await context.close();
  }
  const range = (xs, unit, digits = 0) => `${Math.min(...xs).toFixed(digits)}-${Math.max(...xs).toFixed(digits)} ${unit}`;
  console.log(`token -> usable page: ${range(times, 'ms')} over ${runs} runs; page weight: ${range(weights, 'bytes')}`);
} finally {
  await browser.close();
  await service.cleanup();
  await proxy.stop();
  await ehr.stop();
}
