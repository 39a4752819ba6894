// Screenshots of the guided path (the Course tab) at 1366x768 and 1024x768,
// into target/screenshots/course-*.png: the welcome, a step with its
// prediction and check, a ticked step, the course reference and the report.
// Expects scripts/build.sh output; starts the server like the e2e tests.
//
//   node scripts/course-shots.mjs

import { mkdirSync } from 'node:fs';
import { openLab, waitReady, ROOT } from '../tests/e2e/helpers.mjs';

const OUT = `${ROOT}target/screenshots`;
mkdirSync(OUT, { recursive: true });
for (const [width, height] of [[1366, 768], [1024, 768]]) {
  const lab = await openLab('/#speed=200');
  const { page } = lab;
  const shot = async (name) => {
    await page.waitForTimeout(300);
    await page.screenshot({ path: `${OUT}/course-${name}-${width}.png` });
    console.log(`${OUT}/course-${name}-${width}.png`);
  };
  try {
    await page.setViewportSize({ width, height });
    await waitReady(lab);
    await shot('welcome');
    await page.click('#course-welcome-start');
    await page.waitForSelector('#course-step');
    await page.click('#course-next');
    await page.click('#course-hint');
    await shot('step');
    await page.check('input[name="course-predict-p1-explosion"][value="2"]');
    await page.click('#course-predict');
    await page.click('#course-load');
    await page.click('#start');
    await page.waitForSelector('#course-check[data-ok="true"]', { timeout: 60_000 });
    await shot('ticked');
    await page.click('#course-view-reference');
    await shot('reference');
    await page.click('#course-view-report');
    await shot('report');
    await page.evaluate(() => document.body.classList.add('course-printing'));
    await page.emulateMedia({ media: 'print' });
    await shot('print');
    await page.emulateMedia({ media: 'screen' });
    await page.evaluate(() => document.body.classList.remove('course-printing'));
    if (lab.errors.length) console.error(lab.errors.join('\n'));
  } finally {
    await lab.close();
  }
}
