// Screenshots of the view of the failure for the README (docs/img/): the
// decision surface of a label-noise preset and of a clean run, and what the
// agent answers under reward hacking. Needs a build (scripts/build.sh).
// Usage: node scripts/view-shots.mjs

import { openLab, waitReady } from '../tests/e2e/helpers.mjs';

const shots = [
  { file: 'view-label-noise.png', path: '/#', preset: 'label_noise', steps: 700 },
  { file: 'view-clean.png', path: '/#dataset=spiral&autopause=false&speed=60', steps: 1500 },
  { file: 'view-reward-hacking.png', path: '/#', preset: 'reward_hacking', steps: 700 },
];

for (const shot of shots) {
  const lab = await openLab(shot.path);
  await lab.page.setViewportSize({ width: 1366, height: 768 });
  try {
    await waitReady(lab);
    const { page } = lab;
    if (shot.preset) {
      await page.selectOption('#preset', shot.preset);
      await page.click('#preset-load');
      await page.waitForFunction((want) => decodeURIComponent(location.hash).includes(`fault=${want}(`), shot.preset);
      await page.evaluate(() => { location.hash = `${location.hash}&autopause=false&speed=60`; });
      await page.waitForFunction(() => document.querySelector('#status').dataset.state === 'ready');
    }
    await page.click('#start');
    await page.waitForFunction((n) => Number(document.querySelector('#status').dataset.step) >= n
      || document.querySelector('#status').dataset.state === 'failed', shot.steps, { timeout: 180_000 });
    await page.evaluate(() => { const b = document.querySelector('#pause'); if (!b.disabled) b.click(); });
    await page.waitForFunction(() => document.querySelector('#view-panel').dataset.step === document.querySelector('#status').dataset.step);
    await page.waitForTimeout(300);
    await page.screenshot({ path: `docs/img/${shot.file}` });
    const panel = await page.$('#view-panel');
    await panel.screenshot({ path: `docs/img/${shot.file.replace('.png', '-panel.png')}` });
    const cost = await page.$eval('#view-panel', (p) => ({ make: p.dataset.ms, draw: p.dataset.drawMs }));
    console.log(`docs/img/${shot.file}`, 'view made (worker) ms', cost.make, 'drawn (page) ms', cost.draw, 'errors', lab.errors);
  } finally {
    await lab.close();
  }
}
