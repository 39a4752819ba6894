// Screenshots of the lab at a laptop (1280x720) and a phone (390x844) size,
// into target/screenshots/, to look at while designing the page.
// Expects scripts/build.sh output; starts the server like the e2e tests.
//
//   node scripts/screenshots.mjs [hash]     e.g. node scripts/screenshots.mjs '#fault=lr_spike'

import { mkdirSync } from 'node:fs';
import { openLab, waitReady, ROOT } from '../tests/e2e/helpers.mjs';

const OUT = `${ROOT}target/screenshots`;
const SIZES = [
  { name: 'laptop', width: 1280, height: 720 },
  { name: 'phone', width: 390, height: 844 },
];

mkdirSync(OUT, { recursive: true });
const hash = process.argv[2] || '';
const steps = Number(process.argv[3] || 1500);
for (const size of SIZES) {
  const lab = await openLab(`/${hash}`);
  try {
    await lab.page.setViewportSize({ width: size.width, height: size.height });
    await waitReady(lab);
    await lab.page.click('#start');
    await lab.page.waitForFunction((n) => {
      const s = document.querySelector('#status');
      return s.dataset.state === 'failed' || Number(s.dataset.step || 0) >= n;
    }, steps, { timeout: 60_000 }).catch(() => {});
    if (await lab.page.$eval('#pause', (b) => !b.disabled)) await lab.page.click('#pause');
    await lab.page.waitForTimeout(300);
    await lab.page.screenshot({ path: `${OUT}/${size.name}.png` });
    await lab.page.screenshot({ path: `${OUT}/${size.name}-full.png`, fullPage: true });
    if (lab.errors.length) console.error(lab.errors.join('\n'));
  } finally {
    await lab.close();
  }
  console.log(`${OUT}/${size.name}.png`);
}
