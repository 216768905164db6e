// Opens web/index.html in headless Chromium with URLs made by our encoder
// (see examples/panic_url.rs) and checks that the page shows exactly the log
// each URL carries. Usage: node test.mjs FIXTURE_DIR
// FIXTURE_DIR holds NAME.url (the scanned URL) and NAME.txt (the log) pairs.
import { chromium } from 'playwright-core';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const fixtures = process.argv[2];
const page_url = pathToFileURL(join(here, 'index.html')).href;
const profile = mkdtempSync(join(tmpdir(), 'panicqr-chromium-'));
const context = await chromium.launchPersistentContext(profile, {
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  headless: true,
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
// The page must work offline: any request that is not a local file fails
// the test.
const remote = [];
context.on('request', (r) => {
  if (!r.url().startsWith('file:') && !r.url().startsWith('blob:')) remote.push(r.url());
});

let passed = 0;
let failed = 0;
function report(name, ok, why) {
  if (ok) passed++;
  else failed++;
  console.log(`${ok ? 'ok' : 'FAILED'} ${name}${why ? `: ${why}` : ''}`);
}

async function open(query) {
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(`${page_url}?${query}`);
  await page.waitForFunction(() => document.body.dataset.state, null, { timeout: 20000 });
  const state = await page.evaluate(() => ({
    state: document.body.dataset.state,
    status: document.getElementById('status').textContent,
    arch: document.getElementById('arch').textContent,
    release: document.getElementById('release').textContent,
    log: document.getElementById('log').textContent,
    warnings: [...document.querySelectorAll('#warnings li')].map((li) => li.textContent),
  }));
  return { page, state, errors };
}

try {
  const names = readdirSync(fixtures).filter((f) => f.endsWith('.url')).map((f) => f.slice(0, -4)).sort();
  if (names.length === 0) throw new Error(`no fixtures in ${fixtures}`);
  for (const name of names) {
    const url = readFileSync(join(fixtures, `${name}.url`), 'utf8').trim();
    const expected = new TextDecoder().decode(readFileSync(join(fixtures, `${name}.txt`)));
    const query = url.slice(url.indexOf('?') + 1);
    const params = new URLSearchParams(query);
    const { page, state, errors } = await open(query);
    const lossy = name.includes('lossy');
    const why =
      state.state !== 'done' ? `page says: ${state.status}` :
      errors.length ? `page errors: ${errors.join('; ')}` :
      state.log !== expected ? `log differs (${state.log.length} vs ${expected.length} characters)` :
      state.arch !== params.get('a') || state.release !== params.get('v') ? 'wrong arch or release' :
      (state.warnings.length > 0) !== lossy ? `warnings: ${JSON.stringify(state.warnings)}` : '';
    report(`${name} (${expected.length} log bytes)`, !why, why);
    if (name === names[0] && !why) {
      // The download button hands over the same bytes.
      const [download] = await Promise.all([page.waitForEvent('download'), page.click('#download')]);
      const path = await download.path();
      const ok = readFileSync(path).equals(readFileSync(join(fixtures, `${name}.txt`)));
      report(`${name} download`, ok, ok ? '' : 'downloaded file differs');
    }
    await page.close();
  }
  // Broken input shows an error, not a half page.
  for (const [name, query] of [
    ['bad digit count', 'a=x&v=y&z=12'],
    ['not a digit', 'a=x&v=y&z=12x'],
    ['unknown dictionary', 'a=x&v=y&d=9&z=255'],
    ['no payload', 'a=x&v=y'],
  ]) {
    const { page, state } = await open(query);
    report(name, state.state === 'error' && state.status.startsWith('Cannot decode'), state.status);
    await page.close();
  }
  report('no network requests', remote.length === 0, remote.join(' '));
} finally {
  await context.close();
  rmSync(profile, { recursive: true, force: true });
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
