// Presentation mode: the keys an instructor uses (Space, 1-9, r, n/p, ?,
// Esc), none of them while typing in a field, and the demo list.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { assertClean, readyLab } from './actions.mjs';

const state = (page) => page.$eval('#status', (s) => ({ state: s.dataset.state, step: Number(s.dataset.step) }));
const faultIds = (page) => page.$$eval('#faults .fault', (cards) => cards.map((c) => c.dataset.fault));

test('presentation mode: Space, digits, r, ? and Esc', async (t) => {
  const lab = await readyLab(t, '/#present=true&autopause=false&speed=5');
  const { page } = lab;
  assert.ok(await page.$eval('body', (b) => b.classList.contains('present') && b.classList.contains('presenter')),
    'present=true turns on presentation mode with large type');
  assert.equal(await page.isVisible('#demo-bar'), true, 'the demo bar shows');

  await page.keyboard.press(' ');
  await page.waitForFunction(() => Number(document.querySelector('#status').dataset.step) >= 30);
  assert.equal((await state(page)).state, 'running', 'Space starts');

  // 2: the learner's second fault, on at the current step, and off again.
  const [, second] = await faultIds(page);
  await page.keyboard.press('2');
  assert.equal(await page.isChecked(`#fault-${second}`), true, `2 switches ${second} on`);
  assert.match(await page.evaluate(() => location.hash), new RegExp(`fault=${second}\\(`));
  assert.match(await page.textContent('.present-toast'), /2 · .*: on/);
  await page.keyboard.press('2');
  assert.equal(await page.isChecked(`#fault-${second}`), false, `2 again switches ${second} off`);

  // 1, then r: Reset then Start, the fault kept (the same run from its seed).
  const [first] = await faultIds(page);
  await page.keyboard.press('1');
  await page.waitForFunction(() => Number(document.querySelector('#status').dataset.step) >= 60);
  const before = (await state(page)).step;
  await page.keyboard.press('r');
  const after = await state(page);
  assert.ok(after.step < before, `r starts again from step 0 (was ${before}, now ${after.step})`);
  assert.equal(after.state, 'running', 'r starts the replay');
  assert.equal(await page.isChecked(`#fault-${first}`), true, 'the fault stays on for the replay');

  await page.keyboard.press(' ');
  await page.waitForFunction(() => ['paused', 'failed'].includes(document.querySelector('#status').dataset.state));

  // ? shows the keys, Esc closes them; no key acts while the list is open.
  await page.keyboard.press('?');
  assert.equal(await page.$eval('#keys', (d) => d.open), true, '? opens the key list');
  assert.match(await page.textContent('#keys'), /Replay/);
  await page.keyboard.press('Escape');
  assert.equal(await page.$eval('#keys', (d) => d.open), false, 'Esc closes it');

  // Typing in a field: no key acts.
  await page.evaluate(() => {
    const input = Object.assign(document.createElement('input'), { id: 'typing-here', type: 'text' });
    document.querySelector('.demo-bar').append(input);
  });
  const hash = await page.evaluate(() => location.hash);
  const stepBefore = (await state(page)).step;
  await page.focus('#typing-here');
  await page.keyboard.type('12r?n');
  assert.equal(await page.inputValue('#typing-here'), '12r?n', 'the keys went into the field');
  assert.equal(await page.evaluate(() => location.hash), hash, 'no fault switched, no demo loaded');
  assert.equal(await page.$eval('#keys', (d) => d.open), false, 'the key list stayed closed');
  assert.equal((await state(page)).step, stepBefore, 'no replay');
  assertClean(lab);
});

test('presentation mode: the demo list, in order, with n and p', async (t) => {
  const lab = await readyLab(t, '/#seed=4');
  const { page } = lab;
  await page.keyboard.press('n');
  assert.equal(await page.evaluate(() => location.hash), '#seed=4', 'n does nothing outside presentation mode');

  await page.click('#present');
  assert.equal(await page.getAttribute('#present', 'aria-pressed'), 'true');
  assert.match(await page.evaluate(() => location.hash), /present=true/, 'the mode is kept in the URL');
  const demos = await page.$$eval('#demo-select option', (o) => o.slice(1).map((x) => x.textContent));
  assert.ok(demos.length >= 13, `every fault of every learner is a demo (${demos.length})`);
  assert.match(demos[0], /^1\. /);
  assert.ok(demos.some((d) => /\(agent\)$/.test(d)), 'the agent\'s faults are listed too');

  const [first, second] = await faultIds(page);
  await page.keyboard.press('n');
  await page.waitForFunction((id) => document.querySelector(`#fault-${id}`)?.checked, first);
  assert.equal(await page.inputValue('#demo-select'), '0', 'n loads the first demo');
  assert.match(await page.evaluate(() => location.hash), new RegExp(`seed=4.*present=true.*fault=${first}`), 'the seed is kept, the fault on');
  assert.equal((await state(page)).state, 'ready', 'a demo waits for Space');

  await page.keyboard.press('PageDown');
  await page.waitForFunction((id) => document.querySelector(`#fault-${id}`)?.checked, second);
  assert.equal(await page.isChecked(`#fault-${first}`), false, 'one fault per demo');
  await page.keyboard.press('p');
  await page.waitForFunction((id) => document.querySelector(`#fault-${id}`)?.checked, first);
  assert.equal(await page.inputValue('#demo-select'), '0');

  assert.match(demos[demos.length - 1], /\(GAN\)$/, 'the GAN\'s faults come last');
  await page.selectOption('#demo-select', String(demos.length - 1));
  await page.waitForFunction(() => document.querySelector('#set-scenario').value === 'gan');
  assert.equal(await page.$$eval('#faults .fault input[type="checkbox"]:checked', (b) => b.length), 1, 'the last demo is the GAN\'s, its fault on');

  await page.click('#present');
  assert.equal(await page.isVisible('#demo-bar'), false, 'Present again leaves the mode');
  assertClean(lab);
});
