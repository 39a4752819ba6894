// Your detectors (Python): the editor and Pyodide load only when the place
// is opened; a detector typed into the editor fires on the live run (its
// finding is listed as the student's and marked on the chart); an endless
// loop is stopped with a message naming the detector and the step while the
// page goes on; a syntax error and a runtime error show their line; the
// code survives a reload; nothing leaves the origin.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { assertClean, editorText, readyLab, typeCode } from './actions.mjs';

/** Pyodide loads in about 2 s on an idle machine; far longer on a loaded one. */
const PY_READY_MS = 90_000;

/** Pixels of a canvas in the warning's orange (a marker is drawn translucent over white). */
const orangePixels = (page, selector) => page.$eval(selector, (canvas) => {
  const data = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
  let n = 0;
  for (let i = 0; i < data.length; i += 4) {
    const [r, g, b] = [data[i], data[i + 1], data[i + 2]];
    if (r > 200 && g > 110 && g < 215 && b < 150 && r - b > 90) n += 1;
  }
  return n;
});

const vendorRequests = (lab) => lab.requests.filter((u) => u.includes('/vendor/'));

/** Opens the place and waits until Python is ready (Run enabled). */
async function openPlace(lab) {
  await lab.page.click('#tab-py');
  await lab.page.waitForSelector('#py-editor .cm-content', { timeout: 30_000 });
  await lab.page.waitForFunction(() => !document.querySelector('#py-run').disabled, null, { timeout: PY_READY_MS });
}

/** The state line once it is `state`: its text. */
async function stateWhen(page, state, timeout = 30_000) {
  await page.waitForFunction((s) => document.querySelector('#py-state').dataset.state === s, state, { timeout });
  return page.$eval('#py-state', (p) => p.textContent);
}

const FIRES = `from failure_lab import Finding

class StepWatch:
    id = "step_watch"

    def __init__(self):
        self.fired = False

    def observe(self, step, metrics):
        if step >= 40 and not self.fired and "loss" in metrics:
            self.fired = True
            return Finding("warning", f"loss {metrics['loss']:.3f} at step {step}", "nothing: a test")
        return None

import js

class Probe:
    id = "probe"

    def __init__(self):
        self.done = False

    def observe(self, step, metrics):
        if self.done:
            return None
        self.done = True
        names = ("fetch", "XMLHttpRequest", "WebSocket", "indexedDB", "caches", "importScripts", "document", "localStorage")
        reachable = [n for n in names if getattr(js, n, None) is not None]
        return {"severity": "info", "message": "reachable: " + (", ".join(reachable) or "none"), "recommendation": "-"}
`;

test('a typed detector fires on the live run: listed as yours and marked on the chart; nothing fetched before the place opens', async (t) => {
  const lab = await readyLab(t, '/#speed=5');
  const page = lab.page;
  assert.deepEqual(vendorRequests(lab), [], 'no request to vendor/ (Pyodide, CodeMirror) at page load');
  const before = await orangePixels(page, '#chart-loss');
  await openPlace(lab);
  assert.ok(vendorRequests(lab).some((u) => u.endsWith('/vendor/pyodide/pyodide.asm.wasm')), 'Pyodide loaded on opening the place');
  await typeCode(page, FIRES);
  await page.click('#py-run');
  const running = await stateWhen(page, 'running');
  assert.match(running, /step_watch/);
  await page.click('#start');
  const card = await page.waitForSelector('#alerts li.alert[data-detector="you: step_watch"]', { timeout: 60_000 });
  assert.equal(await card.getAttribute('data-severity'), 'warning');
  assert.equal(Number(await card.getAttribute('data-step')) >= 40, true);
  assert.equal(await card.$eval('.yours-tag', (s) => s.textContent), 'yours');
  assert.match(await card.$eval('.msg', (p) => p.textContent), /^loss \d/);
  // The warning's marker on the loss chart (amber): none before.
  await page.waitForTimeout(300); // the next frame draws it
  const after = await orangePixels(page, '#chart-loss');
  assert.ok(after > before, `a warning marker on the loss chart (${before} -> ${after} amber pixels)`);
  assert.match(await page.$eval('#py-state', (p) => p.textContent), /2 findings/);
  // The student's code reaches neither the network nor the page's storage.
  const probe = await page.waitForSelector('#alerts li.alert[data-detector="you: probe"]');
  assert.equal(await probe.$eval('.msg', (p) => p.textContent), 'reachable: none');
  // Reset: new instances, from step 0: the detector fires again.
  await page.click('#reset');
  await page.waitForFunction(() => document.querySelector('#alert-count').textContent === '0');
  await page.click('#start');
  await page.waitForSelector('#alerts li.alert[data-detector="you: step_watch"]', { timeout: 60_000 });
  assertClean(lab);
});

test('an endless loop is stopped, naming the detector and the step, while training and the page go on', async (t) => {
  const lab = await readyLab(t, '/#speed=5');
  const page = lab.page;
  await openPlace(lab);
  await typeCode(page, `class Quiet:
    def observe(self, step, metrics):
        return None

class Looper:
    def observe(self, step, metrics):
        if step >= 30:
            while True:
                pass
`);
  await page.click('#py-run');
  await stateWhen(page, 'running');
  await page.click('#start');
  const t0 = Date.now();
  const text = await stateWhen(page, 'error', 60_000);
  assert.match(text, /Your detector Looper did not return within 2 s at step 30 \(line [89]\)/);
  // Training went on meanwhile, and goes on; the buttons answer.
  const step = await page.$eval('#status', (s) => Number(s.dataset.step));
  await page.waitForFunction((n) => Number(document.querySelector('#status').dataset.step) > n + 20, step, { timeout: 20_000 });
  await page.click('#pause');
  await page.waitForFunction(() => document.querySelector('#status').dataset.state === 'paused', null, { timeout: 10_000 });
  assert.ok(Date.now() - t0 < 60_000);
  // Off until edited: Run is disabled, an edit enables it.
  assert.equal(await page.$eval('#py-run', (b) => b.disabled), true);
  await page.click('#py-editor .cm-content');
  await page.keyboard.press('Control+End');
  await page.keyboard.insertText('\n# edited\n');
  await page.waitForFunction(() => !document.querySelector('#py-run').disabled, null, { timeout: 5_000 });
  assertClean(lab);
});

test('a loop Python cannot interrupt: the worker is terminated and a fresh one takes over; a loop at the top level stops the loading', async (t) => {
  const lab = await readyLab(t, '/#speed=5');
  const page = lab.page;
  await openPlace(lab);
  await typeCode(page, `class Busy:
    def observe(self, step, metrics):
        if step >= 10:
            return sum(range(10 ** 13))
`);
  await page.click('#py-run');
  await stateWhen(page, 'running');
  await page.click('#start');
  const text = await stateWhen(page, 'error', 60_000);
  assert.match(text, /Your detector Busy did not return within 2 s at step \d+/);
  // A fresh worker: after an edit, Run works again.
  await typeCode(page, 'class Fine:\n    def observe(self, step, metrics):\n        return None\n');
  await page.waitForFunction(() => !document.querySelector('#py-run').disabled, null, { timeout: PY_READY_MS });
  await page.click('#py-run');
  assert.match(await stateWhen(page, 'running'), /Fine/);
  // A loop at the file's top level: stopped while loading, with its line.
  await typeCode(page, 'n = 0\nwhile True:\n    n += 1\n');
  await page.click('#py-run');
  assert.match(await stateWhen(page, 'error'), /Your file did not finish loading within 2 s \(line [23]\)/);
  assertClean(lab);
});

test('a syntax error and a runtime error show their line; the code survives a reload', async (t) => {
  const lab = await readyLab(t, '/#speed=5');
  const page = lab.page;
  await openPlace(lab);
  // Space types in the editor; it does not start training.
  await page.click('#py-editor .cm-content');
  await page.keyboard.type('# a b ');
  assert.equal(await page.$eval('#status', (s) => s.dataset.state), 'ready');
  assert.match(await editorText(page), /# a b/);
  await typeCode(page, 'class Broken:\n    def observe(self, step, metrics)\n        return None\n');
  await page.click('#py-run');
  let text = await stateWhen(page, 'error');
  assert.match(text, /Syntax error on line 2: nothing ran/);
  assert.equal(await page.$eval('#py-goto', (b) => b.textContent), 'Go to line 2');

  await typeCode(page, `class Typo:
    id = "typo"

    def observe(self, step, metrics):
        return metrics["no_such_metric"]
`);
  await page.click('#py-run');
  await stateWhen(page, 'running');
  await page.click('#start');
  text = await stateWhen(page, 'error', 60_000);
  assert.match(text, /Your detector typo raised an error at step \d+ \(line 5\): KeyError: 'no_such_metric'/);
  const traceback = await page.$eval('#py-error', (p) => p.textContent);
  assert.match(traceback, /File "detectors.py", line 5, in observe/);

  // Saved as typed: a reload brings it back.
  await page.waitForTimeout(800);
  await page.reload();
  await page.waitForFunction(() => document.body.dataset.ready === 'true', null, { timeout: 20_000 });
  await page.click('#tab-py');
  await page.waitForSelector('#py-editor .cm-content', { timeout: 30_000 });
  assert.match(await editorText(page), /class Typo:[\s\S]*no_such_metric/);
  assertClean(lab);
});
