// Embedding: the <failure-lab> element of embed.js in a plain course page
// (two side by side train their own runs), bad attributes giving a notice,
// and the snippets of the Share / Embed dialog working as given.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { assertClean, readyLab } from './actions.mjs';
import { openLab } from './helpers.mjs';

/** A plain course page at /course-N.html of the lab's origin (served by the test, not from www/). */
let pages = 0;
async function hostPage(lab, body) {
  pages += 1;
  const url = `${lab.origin}/course-${pages}.html`;
  const html = `<!doctype html><html><head><meta charset="utf-8"><title>Week 3</title><link rel="icon" href="data:,"></head>`
    + `<body><h1>When training goes wrong</h1>${body}</body></html>`;
  await lab.page.route(url, (r) => r.fulfill({ contentType: 'text/html', body: html }));
  await lab.page.goto(url);
}

/** The lab page inside frame `selector` of the host (an <iframe>, or a <failure-lab>'s), once ready. */
async function labIn(page, selector) {
  const handle = await page.waitForFunction((sel) => {
    const el = document.querySelector(sel);
    return (el?.shadowRoot ? el.shadowRoot.querySelector('iframe') : el) || null;
  }, selector);
  const frame = await handle.asElement().contentFrame();
  await frame.waitForFunction(() => document.body?.dataset.ready === 'true', null, { timeout: 20_000 });
  return frame;
}

const status = (frame) => frame.$eval('#status', (s) => ({ state: s.dataset.state, step: Number(s.dataset.step) }));

test('two <failure-lab> elements side by side train their own runs', async (t) => {
  const lab = await openLab('/');
  t.after(lab.close);
  const { page } = lab;
  await hostPage(lab, `<script type="module" src="/embed.js"></script>
    <div style="display:flex;gap:1rem">
      <failure-lab id="a" style="flex:1" fault="lr_spike(at_step:50000,factor:50)" seed="3" autoplay hide="runs,evaluate" config="speed=5&autopause=false" height="500"></failure-lab>
      <failure-lab id="b" style="flex:1" learner="agent" preset="reward-hacking" seed="7" autoplay config="speed=5" height="500"></failure-lab>
    </div>`);
  const a = await labIn(page, '#a');
  const b = await labIn(page, '#b');
  assert.notEqual(a, b);

  assert.equal(await a.inputValue('#set-seed'), '3');
  assert.equal(await b.inputValue('#set-seed'), '7');
  assert.equal(await a.inputValue('#set-scenario'), 'classifier');
  assert.equal(await b.inputValue('#set-scenario'), 'agent');
  assert.equal(await a.isChecked('#fault-lr_spike'), true);
  assert.equal(await b.isChecked('#fault-reward_hacking'), true, 'preset="reward-hacking" is the fault with its defaults');
  assert.equal(await a.isVisible('#tab-runs'), false, 'hide="runs,evaluate" hides the Runs tab');
  assert.equal(await b.isVisible('#tab-runs'), true);

  // autoplay: both train, each its own run.
  for (const f of [a, b]) await f.waitForFunction(() => Number(document.querySelector('#status').dataset.step) >= 20, null, { timeout: 30_000 });
  // B pauses (or has paused itself at its critical finding); A trains on.
  await b.evaluate(() => { const p = document.querySelector('#pause'); if (!p.disabled) p.click(); });
  await b.waitForFunction(() => ['paused', 'failed'].includes(document.querySelector('#status').dataset.state));
  const bStep = (await status(b)).step;
  const aStep = (await status(a)).step;
  await a.waitForFunction((n) => Number(document.querySelector('#status').dataset.step) > n + 20, aStep, { timeout: 30_000 });
  assert.equal((await status(b)).step, bStep, 'pausing one embed leaves the other training, and itself paused');
  assert.equal((await status(a)).state, 'running');

  // A setting changed in one is not seen by the other.
  await a.fill('#set-lr', '0.05');
  await a.press('#set-lr', 'Enter');
  await a.waitForFunction(() => /lr=0\.05/.test(location.hash));
  assert.doesNotMatch(await b.evaluate(() => location.hash), /lr=/);
  assert.equal(await page.$eval('#a', (e) => e.shadowRoot.querySelector('.notice').hidden), true, 'no notice for good attributes');
  assertClean(lab);
});

test('bad attributes give a notice inside the element, and the lab its defaults', async (t) => {
  const lab = await openLab('/');
  t.after(lab.close);
  const { page } = lab;
  await hostPage(lab, `<script type="module" src="/embed.js"></script>
    <failure-lab id="bad" learner="robot" seed="abc" fault="no_such_fault" hide="runs,nope" height="tall" colour="red" src="https://example.invalid/lab.html"></failure-lab>`);
  const frame = await labIn(page, '#bad');
  const notice = await page.$eval('#bad', (e) => {
    const n = e.shadowRoot.querySelector('.notice');
    return { hidden: n.hidden, text: n.textContent };
  });
  assert.equal(notice.hidden, false, 'the element shows a notice');
  assert.match(notice.text, /height="tall"/);
  assert.match(notice.text, /unknown attribute "colour"/);
  assert.match(notice.text, /src="https:\/\/example\.invalid\/lab\.html" is not a page of this lab/);
  const inLab = await frame.textContent('#notice-text');
  assert.match(inLab, /Learner: 'robot' is not one of classifier, agent/);
  assert.match(inLab, /Seed: 'abc' is not a number/);
  assert.match(inLab, /unknown fault 'no_such_fault'/);
  assert.match(inLab, /Hide: 'nope'/);
  assert.equal(await frame.isVisible('#notice'), true, 'the lab says what it refused');
  // It still trains, on its defaults.
  await frame.click('#start');
  await frame.waitForFunction(() => Number(document.querySelector('#status').dataset.step) >= 20);
  assertClean(lab);
});

test('the Share / Embed snippets work as given', async (t) => {
  const lab = await readyLab(t, '/#seed=5&fault=lr_spike(at_step:200,factor:50)&speed=5&autopause=false');
  const { page } = lab;
  await page.click('#share');
  assert.equal(await page.$eval('#share-dialog', (d) => d.open), true);
  await page.check('#share-dialog input[name="hide-runs"]');
  await page.check('#share-dialog input[name="autoplay"]');
  const link = await page.inputValue('#share-link');
  const iframe = await page.inputValue('#share-iframe');
  const element = await page.inputValue('#share-element');
  assert.equal(link, `${lab.origin}/#seed=5&speed=5&autopause=false&fault=lr_spike(at_step:200,factor:50)`);
  assert.match(iframe, /^<iframe src="[^"]+#seed=5&amp;speed=5&amp;autopause=false&amp;hide=runs&amp;autoplay=true&amp;fault=lr_spike\(at_step:200,factor:50\)"/);
  assert.match(element, new RegExp(`^<script type="module" src="${lab.origin}/embed.js"></script>\\n<failure-lab `));
  assert.match(element, / seed="5"/);
  assert.match(element, / fault="lr_spike\(at_step:200,factor:50\)"/);
  assert.match(element, / autoplay/);
  assert.match(element, / hide="runs"/);
  await page.keyboard.press('Escape');

  for (const [snippet, selector] of [[iframe, 'iframe'], [element, 'failure-lab']]) {
    await hostPage(lab, snippet);
    const frame = await labIn(page, selector);
    assert.equal(await frame.inputValue('#set-seed'), '5', `${selector}: the seed`);
    assert.equal(await frame.inputValue('#fault-lr_spike-at_step'), '200', `${selector}: the fault as it was`);
    assert.equal(await frame.isVisible('#tab-runs'), false, `${selector}: the Runs tab hidden`);
    await frame.waitForFunction(() => Number(document.querySelector('#status').dataset.step) >= 10, null, { timeout: 30_000 });
    assert.equal(await frame.textContent('#notice-text'), '', `${selector}: nothing refused`);
  }
  assertClean(lab);
});
