// Opens URLs made by our encoder (see tools/examples/panic_url.rs) in headless
// Chromium, in two pages:
//
// - web/index.html, ours: every URL must show exactly the log it carries;
// - web/compat/index.html, a model of the page distributions deploy
//   (github.com/kdj0c/panic_report): every URL without a dictionary must
//   show exactly its log there too, and every URL with one (`zd=`, or `d=`
//   as older codes had it) must show no log.
//
// Usage: node test.mjs FIXTURE_DIR DEFAULT_CODES
// FIXTURE_DIR holds NAME.url (the scanned URL) and NAME.txt (the log)
// pairs. Names ending in `-render` or `-render-fragment` are the
// renderer's defaults, which must name no dictionary: there must be
// DEFAULT_CODES of them. At least one `-render-dict` URL must use one.
import { chromium } from 'playwright-core';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const fixtures = process.argv[2];
const defaultCodes = Number(process.argv[3]);
const isDefault = (name) => /-render(-fragment)?$/.test(name);
const ours = pathToFileURL(join(here, 'index.html')).href;
const compat = pathToFileURL(join(here, 'compat', 'index.html')).href;
const profile = mkdtempSync(join(tmpdir(), 'panicqr-chromium-'));
const context = await chromium.launchPersistentContext(profile, {
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  headless: true,
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
// The pages must work offline: any request that is not a local file fails
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

// The scanned URL with its base replaced by `page`: the query or fragment
// stays as the phone would open it.
function local(page, url) {
  const cut = url.search(/[?#]/);
  return page + (cut < 0 ? '' : url.slice(cut));
}

// The parameters the deployed page reads: the query's when it has a
// non-empty `z` or `zl`, else the fragment's.
function deployedParams(url) {
  const parsed = new URL(url);
  const query = new URLSearchParams(parsed.search);
  if (query.get('z') || query.get('zl')) return query;
  return new URLSearchParams(parsed.hash.replace(/^#/, ''));
}

// A page's text as the bytes it stands for: each character one byte, as
// the deployed page shows the log (and as the ASCII corpus logs read in
// ours).
const asBytes = (text) => Buffer.from(text, 'latin1');

async function open(url, read) {
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(url);
  await page.waitForFunction(() => document.body && document.body.dataset.state, null,
    { timeout: 20000 });
  const state = await page.evaluate(read);
  return { page, state, errors };
}

const readOurs = () => ({
  state: document.body.dataset.state,
  status: document.getElementById('status').textContent,
  arch: document.getElementById('arch').textContent,
  release: document.getElementById('release').textContent,
  log: document.getElementById('log').textContent,
  warnings: [...document.querySelectorAll('#warnings li')].map((li) => li.textContent),
});

const readCompat = () => ({
  state: document.body.dataset.state,
  info: Object.fromEntries([...document.querySelectorAll('.info')]
    .map((d) => [d.dataset.name, d.childNodes[1].textContent])),
  log: document.getElementById('log') && document.getElementById('log').textContent,
  error: document.getElementById('error') && document.getElementById('error').textContent,
});

try {
  const names = readdirSync(fixtures).filter((f) => f.endsWith('.url')).map((f) => f.slice(0, -4)).sort();
  if (names.length === 0) throw new Error(`no fixtures in ${fixtures}`);
  let dictionaryCodes = 0;
  let defaultsRead = 0;
  const t0 = Date.now();
  for (const name of names) {
    const url = readFileSync(join(fixtures, `${name}.url`), 'utf8').trim();
    const expectedBytes = readFileSync(join(fixtures, `${name}.txt`));
    const expected = new TextDecoder().decode(expectedBytes);
    const params = deployedParams(url);
    const dictionary = /[?#&](zd|d)=/.test(url);

    // Ours reads every code.
    {
      const { page, state, errors } = await open(local(ours, url), readOurs);
      const lossy = name.includes('lossy');
      const why =
        state.state !== 'done' ? `page says: ${state.status}` :
        errors.length ? `page errors: ${errors.join('; ')}` :
        state.log !== expected ? `log differs (${state.log.length} vs ${expected.length} characters)` :
        state.arch !== params.get('a') || state.release !== params.get('v') ? 'wrong arch or release' :
        (state.warnings.length > 0) !== lossy ? `warnings: ${JSON.stringify(state.warnings)}` : '';
      report(`ours ${name} (${expected.length} log bytes)`, !why, why);
      if (name === names[0] && !why) {
        // The download button hands over the same bytes.
        const [download] = await Promise.all([page.waitForEvent('download'), page.click('#download')]);
        const ok = readFileSync(await download.path()).equals(expectedBytes);
        report(`ours ${name} download`, ok, ok ? '' : 'downloaded file differs');
      }
      await page.close();
    }

    // The deployed page's model: our codes without a dictionary read, with
    // one they show no log. (6.12's lossy packing is not ours to show.)
    if (name.includes('lossy')) continue;
    if (isDefault(name) && dictionary) {
      report(`compat ${name}`, false, `a default code names a dictionary: ${url.slice(0, 100)}`);
      continue;
    }
    const { page, state, errors } = await open(local(compat, url), readCompat);
    let why;
    const shown = (key, want) => (state.info[key] || null) === (want || null);
    if (!shown('Arch', params.get('a')) || !shown('Version', params.get('v')) ||
        !shown('Distribution', params.get('d'))) {
      why = `shows ${JSON.stringify(state.info)}`;
    } else if (dictionary) {
      dictionaryCodes++;
      why =
        state.log !== null ? `shows a log (${state.log.length} characters) for a dictionary code` :
        state.state !== 'error' || !/need dictionary/.test(state.error) ? `no "need dictionary": ${state.error}` : '';
    } else {
      why =
        state.state !== 'done' ? `page error: ${state.error}` :
        errors.length ? `page errors: ${errors.join('; ')}` :
        state.log === null ? 'no log' :
        !asBytes(state.log).equals(expectedBytes) ? `log differs (${state.log.length} vs ${expectedBytes.length} bytes)` : '';
      if (!why && isDefault(name)) defaultsRead++;
    }
    report(`compat ${name}${dictionary ? ' (dictionary: no log)' : ` (${expectedBytes.length} log bytes)`}`, !why, why);
    await page.close();
  }
  report(`compat: ${dictionaryCodes} dictionary codes showed no log`, dictionaryCodes > 0, '');
  report(`compat: ${defaultsRead} default codes read, of ${defaultCodes} expected`,
    defaultsRead === defaultCodes && defaultCodes > 0, '');
  console.log(`pages opened in ${((Date.now() - t0) / 1000).toFixed(1)} s`);

  // Broken input shows an error, not a half page.
  for (const [name, query, why] of [
    ['bad digit count', '?a=x&v=y&z=12'],
    ['not a digit', '?a=x&v=y&z=12x'],
    // A zlib header asking for dictionary 1, as 15 digits.
    ['unknown dictionary', '?a=x&v=y&zd=9&z=001099511675768', /unknown dictionary 9/],
    ['no dictionary named', '#?a=x&v=y&z=001099511675768', /needs a preset dictionary/],
    ['dictionary marker not a number', '?a=x&v=y&zd=x&z=255'],
    ['no payload', '?a=x&v=y'],
    ['no payload in the fragment either', '?a=x#?v=y'],
  ]) {
    const { page, state } = await open(ours + query, readOurs);
    report(`ours: ${name}`, state.state === 'error' && state.status.startsWith('Cannot decode') &&
      (!why || why.test(state.status)), state.status);
    await page.close();
  }
  report('no network requests', remote.length === 0, remote.join(' '));
} finally {
  await context.close();
  rmSync(profile, { recursive: true, force: true });
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
