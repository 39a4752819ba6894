// The one-file build (dist/failure-lab.html, scripts/build-single.sh):
// opened from disk, it trains with no server and no request but the file
// itself (and the blob: URL of its training worker); without local storage
// it still trains and says runs are not stored.

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import { CHROMIUM, CHROMIUM_ARGS, ROOT, record } from './helpers.mjs';

const FILE = `${ROOT}dist/failure-lab.html`;

/** Opens the one-file build from disk at `hash`; records every request and error. */
async function openFile(t, hash, { init = null } = {}) {
  // scripts/test.sh builds it before the e2e stage; alone, this test builds it (under a second).
  if (!existsSync(FILE)) execFileSync('node', ['scripts/build-single.mjs'], { cwd: ROOT, stdio: 'inherit' });
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  t.after(() => browser.close());
  const page = await browser.newPage();
  const { requests, errors } = record(page);
  if (init) await page.addInitScript(init);
  const url = `${pathToFileURL(FILE).href}${hash}`;
  await page.goto(url);
  try {
    await page.waitForFunction(() => document.body.dataset.ready === 'true', null, { timeout: 20_000 });
  } catch (e) {
    throw new Error(`the one-file build did not get ready: ${e.message}\n${errors.join('\n')}`);
  }
  return { page, requests, errors, url };
}

/** Every request is the file itself, or data: / blob: (nothing fetched, nothing from the network). */
function assertNoRequest({ requests, url }) {
  const file = url.split('#')[0];
  const other = requests.filter((u) => u.split('#')[0] !== file && !u.startsWith('data:') && !u.startsWith('blob:'));
  assert.deepEqual(other, [], 'no request but the file itself');
  assert.ok(requests.every((u) => /^(file|data|blob):/.test(u)));
}

test('the one-file build trains from file:// with no request', async (t) => {
  const lab = await openFile(t, '#speed=20&autopause=false&fault=lr_spike(at_step:100,factor:50)');
  const { page } = lab;
  assert.equal(await page.isVisible('#tab-eval'), false, 'no Evaluate panel in the one-file build');
  await page.click('#start');
  await page.waitForFunction(() => {
    const s = document.querySelector('#status');
    return s.dataset.state === 'failed' || Number(s.dataset.step) >= 300;
  }, null, { timeout: 60_000 });
  await page.waitForSelector('#alerts li.alert[data-detector="gradient_explosion"]', { timeout: 20_000 });
  const pixels = await page.$eval('#chart-loss', (c) => c.toDataURL().length);
  assert.ok(pixels > 2000, 'the loss chart is drawn');
  // Presentation mode and its keys come along.
  await page.keyboard.press('?');
  assert.equal(await page.$eval('#keys', (d) => d.open), true);
  await page.keyboard.press('Escape');
  assertNoRequest(lab);
  assert.deepEqual(lab.errors, [], 'no console error');
});

test('the one-file build trains without local storage and says runs are not stored', async (t) => {
  const lab = await openFile(t, '#speed=20', {
    init: () => Object.defineProperty(window, 'indexedDB', { value: undefined, configurable: true }),
  });
  const { page } = lab;
  await page.click('#start');
  await page.waitForFunction(() => Number(document.querySelector('#status').dataset.step) >= 200, null, { timeout: 60_000 });
  await page.click('#pause');
  await page.click('#tab-runs');
  assert.match(await page.textContent('#no-store'), /Runs are not stored/);
  assert.equal(await page.$$eval('#runs li.run', (r) => r.length), 0);
  assertNoRequest(lab);
  assert.deepEqual(lab.errors, [], 'no console error');
});
