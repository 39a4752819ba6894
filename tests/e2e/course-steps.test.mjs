// The guided path's meta-test (no browser): every step has its text, an
// action, a check and at least one hint; every check names a probe that
// exists and arguments that name real presets, faults, detectors and metrics
// (read from the wasm the page loads); every piece of page state a probe
// reads exists in www/; every section of the course page has its place, and
// the README's table lists them.

import assert from 'node:assert/strict';
import { readFileSync, readdirSync, existsSync } from 'node:fs';
import { test } from 'node:test';
import { ROOT } from './helpers.mjs';

const WWW = `${ROOT}www/`;
const wasm = await import(`${WWW}pkg/failure_lab.js`);
wasm.initSync({ module: readFileSync(`${WWW}pkg/failure_lab_bg.wasm`) });
const { PARTS, STEPS } = await import(`${WWW}course-parts.js`);
const { PROBES } = await import(`${WWW}course-probes.js`);
const { SECTIONS, READING } = await import(`${WWW}course-reference.js`);

const presets = wasm.presets().map((p) => p.id);
const faults = [...wasm.Lab.faults('classifier'), ...wasm.Lab.faults('agent')].map((f) => f.id);
const detectors = wasm.Lab.detectors().map((d) => d.id);
const metrics = Object.keys(wasm.metricTitles());
const settings = wasm.settingsTable().map((s) => s.name);
const html = readFileSync(`${WWW}index.html`, 'utf8');
const sources = readdirSync(WWW).filter((f) => f.endsWith('.js')).map((f) => readFileSync(WWW + f, 'utf8')).join('\n');
/** Whether element id `id` is in the page or made by one of its modules. */
const pageId = (id) => html.includes(`id="${id}"`) || new RegExp(`id: ['\`]${id}['\`]`).test(sources) || sources.includes(`'${id}'`);
const metricKnown = (m) => (m.endsWith('*') ? metrics.some((x) => x.startsWith(m.slice(0, -1))) : metrics.includes(m));
const KINDS = {
  preset: (v) => presets.includes(v),
  fault: (v) => faults.includes(v),
  detector: (v) => detectors.includes(v),
  metric: metricKnown,
  number: (v) => Number.isFinite(v),
  text: (v) => typeof v === 'string' && v.length > 0,
};
const ANSWERED = ['leadAnswer', 'recallAnswer', 'rootAnswer'];

test('the path: three parts of steps, about three hours', () => {
  assert.equal(PARTS.length, 3);
  for (const p of PARTS) {
    assert.ok(p.title && p.course && p.intro, `${p.id}: title, course and intro`);
    assert.ok(p.steps.length >= 5, `${p.id}: at least 5 steps`);
  }
  const minutes = STEPS.reduce((n, s) => n + s.minutes, 0);
  assert.ok(minutes >= 150 && minutes <= 210, `about three hours (${minutes} min)`);
  assert.equal(new Set(STEPS.map((s) => s.id)).size, STEPS.length, 'step ids are unique');
  const welcome = readFileSync(`${WWW}course-hook.js`, 'utf8');
  assert.ok(welcome.includes(`as ${STEPS.length} steps`), 'the welcome counts the steps');
});

for (const step of STEPS) {
  test(`step ${step.number} ${step.id}: text, an action, a check on real page state, hints`, () => {
    assert.ok(step.title && step.minutes > 0, 'title and minutes');
    assert.ok(Array.isArray(step.text) && step.text.length && step.text.every((t) => typeof t === 'string' && t.length > 20), 'text');
    assert.ok(step.do?.text, 'something to do');
    if (step.do.preset) assert.ok(presets.includes(step.do.preset), `do.preset ${step.do.preset} is a preset`);
    if (step.do.tab) assert.ok(html.includes(`id="tab-${step.do.tab}"`), `do.tab ${step.do.tab} is a tab`);
    if (step.do.show) assert.ok(pageId(step.do.show), `do.show #${step.do.show} is on the page`);
    assert.ok(Array.isArray(step.hints) && step.hints.length >= 1 && step.hints.every((h) => h.length > 10), 'at least one hint');
    const probe = PROBES[step.check?.probe];
    assert.ok(probe, `check.probe ${step.check?.probe} is a probe`);
    for (const [name, kind] of Object.entries(probe.args)) {
      const optional = kind.endsWith('?');
      const value = step.check.args[name];
      if (value === undefined) { assert.ok(optional, `check.args.${name} is required`); continue; }
      assert.ok(KINDS[kind.replace('?', '')](value), `check.args.${name} = ${value} is a real ${kind}`);
    }
    for (const name of Object.keys(step.check.args)) assert.ok(name in probe.args, `check.args.${name} is an argument of ${step.check.probe}`);
    assert.ok(probe.says(step.check.args).length > 10, 'the check says what it verifies');
    if (ANSWERED.includes(step.check.probe)) assert.ok(step.ask?.question, 'a check that reads an answer asks for it');
    if (step.predict) {
      const p = step.predict;
      assert.ok(p.question && p.options.length >= 2 && p.why, 'prediction: question, options, why');
      assert.ok(Number.isInteger(p.correct) && p.correct >= 0 && p.correct < p.options.length, 'prediction: the right option');
    }
    if (step.facts?.preset) assert.ok(presets.includes(step.facts.preset), 'facts.preset is a preset');
    for (const d of step.facts?.detectors || []) assert.ok(detectors.includes(d), `facts detector ${d}`);
    if (step.solution) {
      const file = `${WWW}${step.solution.file}`;
      assert.ok(existsSync(file), `solution ${step.solution.file} exists`);
      assert.ok(readFileSync(file, 'utf8').includes(`class ${step.solution.cls}`), `solution class ${step.solution.cls}`);
    }
    assert.ok(step.teaches.length && step.teaches.every((t) => SECTIONS.some((s) => s.id === t)), 'teaches course sections that exist');
  });
}

test('every probe reads page state that exists', () => {
  const live = readFileSync(`${WWW}live.js`, 'utf8');
  const runs = readFileSync(`${WWW}runs.js`, 'utf8');
  const state = readFileSync(`${WWW}state.js`, 'utf8');
  for (const [name, probe] of Object.entries(PROBES)) {
    assert.ok(probe.reads.length, `${name} reads something`);
    for (const r of probe.reads) {
      const [head, prop] = r.split('.');
      if (r.startsWith('#')) assert.ok(pageId(r.slice(1)), `${name}: ${r} is on the page`);
      else if (head === 'live') assert.ok(live.includes(`this.${prop} =`), `${name}: live.${prop} is kept by live.js`);
      else if (head === 'runs') assert.ok(runs.includes(`this.${prop} =`), `${name}: runs.${prop} is kept by runs.js`);
      else if (head === 'state') assert.ok(settings.includes(prop) || state.includes(`name: '${prop}'`), `${name}: state.${prop} is a setting`);
      else assert.fail(`${name}: ${r} is not page state`);
    }
  }
});

test('every section of the course page has its place, every fault and detector a section', () => {
  for (const s of SECTIONS) {
    const steps = STEPS.filter((x) => x.teaches.includes(s.id));
    const w = s.where;
    assert.ok(steps.length || w.view || w.detectors || w.presets, `${s.id} is taught somewhere`);
    for (const d of w.detectors || []) assert.ok(detectors.includes(d), `${s.id}: detector ${d}`);
    for (const p of w.presets || []) assert.ok(presets.includes(p), `${s.id}: preset ${p}`);
  }
  const families = new Set(SECTIONS.map((s) => s.where.family).filter(Boolean));
  const placed = new Set(SECTIONS.flatMap((s) => s.where.detectors || []));
  for (const d of wasm.Lab.detectors()) assert.ok(placed.has(d.id) || families.has(d.family), `detector ${d.id} has a section`);
  const cases = new Set([...SECTIONS.flatMap((s) => s.where.presets || []), ...STEPS.map((s) => s.do.preset).filter(Boolean)]);
  for (const p of presets) assert.ok(cases.has(p), `preset ${p} has a section or a step`);
  assert.equal(READING.length, 5, 'the five further readings');
  for (const r of READING) assert.ok(r.cite && r.says && r.lab && r.course, `${r.id}: citation, summary, place`);
});

test("README's table lists every section of the course page", () => {
  const readme = readFileSync(`${ROOT}README.md`, 'utf8');
  const table = readme.slice(readme.indexOf('## The guided path'));
  assert.ok(table.length < readme.length, 'README has a section "The guided path"');
  for (const s of SECTIONS) assert.ok(table.includes(`| ${s.title} |`), `README's table has a row for ${s.title}`);
});
