// Shared plumbing for the end-to-end tests: serve www/ with the real
// `failure-lab serve`, drive Debian's Chromium with playwright-core, and
// record every request and console error so a test can assert that the lab
// stays on its own origin and logs no error.

import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import net from 'node:net';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

/** The repository's top folder. */
export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const BINARY = `${ROOT}target/release/failure-lab`;
const BUILT_PAGE = `${ROOT}www/pkg/failure_lab.js`;
export const CHROMIUM = '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--no-sandbox', '--headless', '--disable-gpu', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--no-first-run',
];

/** A TCP port on 127.0.0.1 that is free right now. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
}

/** Starts `failure-lab serve` on a free port; resolves once it answers. */
export async function startServer() {
  for (const file of [BINARY, BUILT_PAGE]) {
    if (!existsSync(file)) throw new Error(`${file} is missing: run bash scripts/build.sh first`);
  }
  const port = await freePort();
  const origin = `http://127.0.0.1:${port}`;
  const child = spawn(BINARY, ['serve', '--port', String(port), '--root', 'www'], {
    cwd: ROOT,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (d) => { stderr += d; });
  const stop = () => { if (child.exitCode === null) child.kill(); };
  const deadline = Date.now() + 10_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`failure-lab serve exited: ${stderr}`);
    try {
      await fetch(`${origin}/`);
      return { origin, stop };
    } catch {
      if (Date.now() > deadline) { stop(); throw new Error(`failure-lab serve did not answer on ${origin}`); }
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

/** Records every request's URL and every console error or uncaught error of `page`. */
export function record(page) {
  const requests = [];
  const errors = [];
  page.on('request', (r) => requests.push(r.url()));
  page.on('console', (m) => { if (m.type() === 'error') errors.push(`console: ${m.text()}`); });
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  return { requests, errors };
}

/**
 * Serves the lab, opens `path` in headless Chromium and records what the page
 * does. Returns { page, origin, requests, errors, offOrigin(), close() }.
 * `beforeGoto(page)` runs before the page is opened (to route a request).
 */
export async function openLab(path = '/', { beforeGoto = null } = {}) {
  const server = await startServer();
  let browser;
  try {
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  } catch (e) {
    server.stop();
    throw e;
  }
  const page = await browser.newPage();
  const { requests, errors } = record(page);
  const lab = {
    page,
    origin: server.origin,
    requests,
    errors,
    /** Requests that went anywhere but the lab's own origin (data: and blob: stay local). */
    offOrigin: () => requests.filter((u) => !u.startsWith(`${server.origin}/`)
      && !u.startsWith('data:') && !u.startsWith('blob:')),
    close: async () => {
      await browser.close();
      server.stop();
    },
  };
  if (beforeGoto) await beforeGoto(page);
  await page.goto(`${server.origin}${path}`);
  return lab;
}

/** Waits until the lab says its wasm has loaded (body[data-ready="true"]). */
export async function waitReady(lab, timeout = 20_000) {
  try {
    await lab.page.waitForFunction(() => document.body.dataset.ready === 'true', null, { timeout });
  } catch (e) {
    throw new Error(`the lab did not get ready: ${e.message}\npage errors: ${lab.errors.join('\n') || 'none'}`);
  }
}

/** The pixels of a canvas, as a data: URL. */
export function canvasPixels(page, selector) {
  return page.$eval(selector, (c) => c.toDataURL());
}
