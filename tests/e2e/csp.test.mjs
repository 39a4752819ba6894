// The page carries a Content-Security-Policy that allows nothing remote and
// no inline script, and the browser enforces it.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { openLab, startServer, waitReady } from './helpers.mjs';

// Sources that name no other origin: keywords, hashes, nonces, data: and blob:.
const LOCAL_SOURCE = /^('[a-z-]+'|'(sha256|sha384|sha512|nonce)-[^']+'|data:|blob:)$/;
// Directives whose values are not sources.
const NOT_SOURCES = new Set(['sandbox', 'upgrade-insecure-requests', 'block-all-mixed-content']);

/** The CSP of the meta tag in `html`, as a Map of directive -> sources. */
function metaCsp(html) {
  const tag = html.match(/<meta[^>]+http-equiv=["']Content-Security-Policy["'][^>]*>/i);
  assert.ok(tag, 'index.html has a Content-Security-Policy meta tag');
  const content = tag[0].match(/content=(["'])(.*?)\1/is);
  assert.ok(content, 'the CSP meta tag has a content attribute');
  const csp = new Map();
  for (const directive of content[2].split(';')) {
    const [name, ...sources] = directive.trim().split(/\s+/);
    if (name) csp.set(name.toLowerCase(), sources);
  }
  return csp;
}

test('the served index.html has a local-only CSP without inline script', async (t) => {
  const server = await startServer();
  t.after(server.stop);
  const csp = metaCsp(await (await fetch(`${server.origin}/`)).text());

  for (const [name, sources] of csp) {
    if (NOT_SOURCES.has(name)) continue;
    for (const source of sources) {
      assert.match(source, LOCAL_SOURCE, `${name} allows only local sources, not ${source}`);
    }
  }
  const scriptSrc = csp.get('script-src') ?? csp.get('default-src');
  assert.ok(scriptSrc, 'the CSP restricts scripts (script-src or default-src)');
  assert.ok(!scriptSrc.includes("'unsafe-inline'"), "script-src has no 'unsafe-inline'");
  assert.ok(csp.has('default-src'), 'the CSP has a default-src');
});

test('the browser refuses an inline script on the page', async (t) => {
  const lab = await openLab();
  t.after(lab.close);
  await waitReady(lab);
  const ran = await lab.page.evaluate(() => {
    const s = document.createElement('script');
    s.textContent = 'window.inlineScriptRan = true;';
    document.body.append(s);
    return window.inlineScriptRan === true;
  });
  assert.equal(ran, false, 'an inline script was blocked by the CSP');
  assert.deepEqual(lab.offOrigin(), [], 'no request leaves the lab origin');
});
