// Issue 11, storage that survives: a corrupt record is set aside with a
// message and the other runs kept; a store this page cannot read is offered
// for export and reset (never a dead end); a full quota on save says so and
// keeps the run in memory.

import assert from 'node:assert/strict';
import test from 'node:test';
import { assertClean, pauseAndStore, readyLab, storedRuns, trainTo } from './actions.mjs';
import { waitReady } from './helpers.mjs';

const noticeText = (page) => page.$eval('#notice-text', (n) => n.textContent);

test('a corrupt stored record is set aside with a message; the other runs are kept', async (t) => {
  const lab = await readyLab(t, '/#speed=50');
  const { page } = lab;
  await trainTo(page, 100);
  const step = await pauseAndStore(page);
  await page.evaluate(() => new Promise((resolve, reject) => {
    const req = indexedDB.open('failure-lab');
    req.onsuccess = () => {
      const db = req.result;
      const tx = db.transaction(['runs', 'series'], 'readwrite');
      tx.objectStore('runs').put({ id: 'run-corrupt', name: 12, created: 'yesterday', steps: -3, metrics: null, findings: 7 });
      tx.objectStore('series').put({ id: 'run-corrupt', metrics: { loss: { steps: 'x', values: null } } });
      tx.oncomplete = () => { db.close(); resolve(); };
      tx.onerror = () => reject(tx.error);
    };
    req.onerror = () => reject(req.error);
  }));
  await page.reload();
  await waitReady(lab);
  await page.click('#tab-runs');
  await page.waitForSelector('#store-rescue:not([hidden])');
  const message = await page.$eval('#store-rescue', (b) => b.textContent);
  assert.match(message, /1 stored run is unreadable and set aside: run-corrupt/, message);
  const runs = await storedRuns(page);
  assert.equal(runs.length, 1, 'the good run is listed');
  assert.match(runs[0].meta, new RegExp(`${step.toLocaleString('en')} step`));
  assert.equal(await page.isVisible('#store-export'), true);
  // The good run still opens.
  await page.click('#runs li.run button:has-text("Open")');
  await page.waitForFunction(() => !document.querySelector('#viewing').hidden);
  // Reset clears the store, the corrupt record with it.
  page.once('dialog', (d) => d.accept());
  await page.click('#store-reset');
  await page.waitForSelector('#store-rescue', { state: 'hidden' });
  await page.waitForFunction(() => document.querySelectorAll('#runs li.run').length === 0);
  assertClean(lab);
});

test('a store this page cannot read is offered for export and reset, then stores again', async (t) => {
  const lab = await readyLab(t, '/#speed=50');
  const { page } = lab;
  // A newer lab's store in a form this page does not know.
  await page.evaluate(() => new Promise((resolve, reject) => {
    const del = indexedDB.deleteDatabase('failure-lab');
    del.onsuccess = () => {
      const req = indexedDB.open('failure-lab', 7);
      req.onupgradeneeded = () => req.result.createObjectStore('everything', { keyPath: 'id' });
      req.onsuccess = () => { req.result.close(); resolve(); };
      req.onerror = () => reject(req.error);
    };
    del.onerror = () => reject(del.error);
  }));
  await page.reload();
  await waitReady(lab);
  await page.click('#tab-runs');
  await page.waitForSelector('#store-rescue:not([hidden])');
  const message = await page.$eval('#store-rescue', (b) => b.textContent);
  assert.match(message, /newer version of the lab \(version 7\)/, message);
  const download = page.waitForEvent('download');
  await page.click('#store-export');
  assert.equal((await download).suggestedFilename(), 'failure-lab-store.json');
  page.once('dialog', (d) => d.accept());
  await page.click('#store-reset');
  await page.waitForSelector('#store-rescue', { state: 'hidden' });
  await page.click('#tab-settings').catch(() => {});
  await trainTo(page, 50);
  await pauseAndStore(page);
  assert.equal((await storedRuns(page)).length, 1, 'runs are stored again');
  assertClean(lab);
});

test('a full quota on save says so and keeps the run in memory', async (t) => {
  const lab = await readyLab(t, '/#speed=50');
  const { page } = lab;
  await page.evaluate(() => {
    const put = IDBObjectStore.prototype.put;
    IDBObjectStore.prototype.put = function (...args) {
      if (this.name === 'series') throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
      return put.apply(this, args);
    };
  });
  await trainTo(page, 100);
  await page.click('#pause');
  await page.waitForFunction(() => /quota exceeded/.test(document.querySelector('#notice-text').textContent));
  const text = await noticeText(page);
  assert.match(text, /could not be saved: .*full \(quota exceeded\): the run stays in memory/, text);
  // The run is still there: its steps, and it trains on.
  const step = await page.$eval('#status', (s) => Number(s.dataset.step));
  assert.ok(step >= 100);
  await trainTo(page, step + 50);
  await page.click('#tab-runs');
  assert.equal((await storedRuns(page)).length, 0, 'nothing half-stored');
  assertClean(lab);
});
