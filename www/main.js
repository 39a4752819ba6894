// The lab's page: loads the wasm, builds the panels and runs the animation
// frame loop (draw when something changed; the live run trains in a Web
// Worker, see live.js). Each panel is its own module; this file only wires
// them together. The first load is only what the first chart needs: the
// lean wasm (www/pkg) and the live run's modules; the Evaluate panel and the
// log importer, and the full wasm (www/pkg-full) they need, load on first use.

import init, { Board, Lab, LiveView, diagnose, metricTitles, presets } from './pkg/failure_lab.js';
import { Access } from './a11y.js';
import { Alerts } from './alerts.js';
import { Charts, chartKeys, chartTitle } from './charts.js';
import { bindCourse } from './course-hook.js';
import { $, notice } from './dom.js';
import { Faults } from './faults.js';
import { bindSpace, bindTabs, chartScale, setPresenter, showTab } from './layout.js';
import { Live } from './live.js';
import { Views } from './views.js';
import { Presets } from './presets.js';
import { latestOf, showReadout } from './readout.js';
import { Runs } from './runs.js';
import { buildSettings, fillSettings } from './settings.js';
import { Stage } from './stage.js';
import { fromHash, learner, learners, scenarioCharts, toHash } from './state.js';
import * as store from './store.js';

let state;
let live;
let charts;
let alerts;
/** Findings announced and charts summarised for screen readers (a11y.js). */
let access;
let runs;
let faults;
let board;
let focusedLatest = null;
/** Presentation mode, the parts hidden for an embed, Share / Embed (stage.js). */
let stage;
/** The page-level flags a stored run's settings or the defaults leave as they are. */
const pageFlags = () => ({ big: state.big, present: state.present, hide: state.hide, autoplay: false });

function saveHash() {
  history.replaceState(null, '', toHash(state) || location.pathname + location.search);
}

/** A new live run from the settings; keeps the old one when they are refused. */
function rebuild(wasRunning = live.running) {
  try {
    live.build(state);
  } catch (e) {
    notice(`Could not start the run: ${e.message}`);
    return false;
  }
  if (wasRunning) live.start();
  if (runs.primary === 'live') showFocusedAlerts();
  charts.request();
  return true;
}

/** The alert list of the run in focus, from its first finding. */
function showFocusedAlerts() {
  alerts.clear();
  const run = runs.focused();
  if (run) alerts.add(run.findings || [], run.responses || [], Boolean(run.config?.respond?.enabled), true);
  else alerts.add(live.findings, live.responses, live.hasTwin(), true);
}

function onSettingChange(prop, value) {
  notice('');
  const before = state[prop.name];
  state[prop.name] = value;
  if (prop.name === 'scenario') {
    // Another learner: its own faults (all off) and charts.
    faults.setCatalog(Lab.faults(value));
    state.fault = {};
    faults.render(state.fault);
    state.charts = scenarioCharts(value);
    charts.setSelection(state.charts.split(','));
  }
  fillSettings(state);
  saveHash();
  if (prop.live) live.options();
  else if (!rebuild() && prop.name !== 'scenario') {
    // Refused (a step too costly for the page): the form keeps the run's value.
    state[prop.name] = before;
    fillSettings(state);
    saveHash();
  }
}

/** Uses settings read from a hash (a stored run's, or a URL edited by hand) for a new live run. */
function applyHash(hash, what) {
  const parsed = fromHash(hash);
  faults.setCatalog(Lab.faults(parsed.state.scenario));
  const checked = faults.validate(parsed.state.fault);
  state = { ...parsed.state, fault: checked.good };
  const errors = [...parsed.errors, ...checked.errors];
  notice(errors.length ? `${what}: ${errors.join('; ')}` : '');
  fillSettings(state);
  faults.render(state.fault);
  charts.setSelection(state.charts.split(',').filter(Boolean));
  $('autopause').checked = state.autopause;
  setPresenter(state.big);
  stage.apply();
  saveHash();
  rebuild(false);
}

/** Loads a stored run's settings (and seed) as the live run. */
function loadSettings(saved) {
  applyHash(toHash({ ...state, ...saved, charts: state.charts, ...pageFlags() }), 'Some stored settings were refused');
  runs.open('live');
  showTab('train');
}

/**
 * News from the training worker: list the alerts, say when the run failed.
 * The worker itself pauses at a critical finding (pause on critical) that
 * the automatic response did not act on; the banner says so while it lasts.
 */
function onLiveData({ findings, responses, failed }) {
  if (findings.length) access.findings(findings);
  if (findings.length || responses.length) {
    // The live run's alerts are listed while it is in focus.
    const critical = runs.primary === 'live'
      ? alerts.add(findings, responses, live.hasTwin())
      : findings.find((f) => f.severity === 'critical');
    if (critical && state.autopause && !live.running && runs.primary === 'live') alerts.setPaused(true);
  }
  if (!live.running && runs.primary === 'live') alerts.flush();
  if (failed) {
    const at = live.hardFailure;
    const why = learner(state.scenario).failed;
    alerts.showBanner(`Training failed at step ${at}`, `${why} Reset, or change a setting.`, at);
  }
  charts.request();
}

/** The worker applied fault `id` with other settings (its start moved to the step it was at). */
function onFaultMoved(id, settings) {
  if (!(id in faults.on)) return;
  faults.on[id] = settings;
  faults.values.set(id, settings);
  const at = $(`fault-${id}-at_step`);
  if (at && 'at_step' in settings) at.value = String(settings.at_step);
  state.fault = { ...faults.on };
  saveHash();
}

/** The animation frame loop: only drawing, and only when something changed. */
function frame() {
  if (charts.dirty) draw();
  requestAnimationFrame(frame);
}

function draw() {
  const view = runs.view();
  const names = new Set(view.live ? live.view.metricNames() : []);
  for (const key of view.traces) for (const n of board.metricNames(key)) names.add(n);
  charts.setAvailable([...names]);
  charts.draw(live.view, board, view, chartScale());
  if (view.live) showReadout(live.view.latest(), { twin: live.twin, withStep: false });
  else showReadout(focusedLatest || { step: 0 });
}

async function onView() {
  const run = runs.focused();
  focusedLatest = run ? latestOf(await store.series(run.id)) : null;
  // A run that reports none of the charted metrics shows its own (the live
  // run before its first step: the default charts).
  const names = run ? run.metrics || [] : live.view.metricNames();
  const keys = chartKeys(names.length ? names : scenarioCharts(state.scenario).split(','));
  if (keys.length && !keys.some((k) => charts.selected.includes(k))) {
    charts.setSelection(keys.slice(0, 4));
    state.charts = charts.selected.join(',');
    saveHash();
  }
  showFocusedAlerts();
  charts.request();
}

function bindTransport() {
  const start = () => {
    if (runs.primary !== 'live') runs.open('live');
    live.start();
    alerts.setPaused(false);
  };
  $('start').addEventListener('click', start);
  $('pause').addEventListener('click', () => live.pause());
  $('reset').addEventListener('click', () => {
    live.reset();
    alerts.clear();
    charts.request();
  });
  bindSpace(() => (live.running ? live.pause() : start()));
  $('autopause').checked = state.autopause;
  $('autopause').addEventListener('change', () => {
    state.autopause = $('autopause').checked;
    live.options();
    saveHash();
  });
  $('presenter').addEventListener('click', () => {
    state.big = !state.big;
    setPresenter(state.big);
    saveHash();
    charts.request();
  });
  $('notice-close').addEventListener('click', () => notice(''));
  window.addEventListener('hashchange', () => {
    if (location.hash !== toHash(state)) applyHash(location.hash, 'URL');
  });
  window.addEventListener('resize', () => charts.request());
  window.addEventListener('pagehide', () => live.save());
  document.addEventListener('visibilitychange', () => { if (document.hidden) live.save(); });
}

let full = null;
/** The full wasm (evaluation suite, importers), loaded and initialised once. */
function loadFull() {
  full ??= import('./pkg-full/failure_lab.js').then(async (m) => { await m.default(); return m; });
  return full;
}

let importer = null;
/** Imports `files`, loading the importer the first time. */
async function importFiles(files) {
  // Busy from the first moment: the importer may still have to load.
  const drop = $('import-drop');
  if (!drop.dataset.busy) drop.dataset.busy = 'loading';
  const loaded = () => { if (drop.dataset.busy === 'loading') delete drop.dataset.busy; };
  try {
    importer ??= Promise.all([loadFull(), import('./importer.js')]).then(([{ LogImport, Board }, { Importer }]) => new Importer({
      LogImport,
      Board,
      onStart: () => showTab('runs'),
      onImported: async (id) => {
        board.remove(id);
        await runs.refresh();
        await runs.open(id);
      },
    }));
    const imp = await importer;
    loaded();
    imp.run(files);
  } catch (e) {
    loaded();
    importer = null;
    notice(`Could not load the importer: ${e.message}`);
  }
}

/** The file picker and drag and drop of logs (the importer loads on the first files). */
function bindImport() {
  $('import-file').addEventListener('change', (e) => {
    const files = [...e.target.files];
    e.target.value = '';
    if (files.length) importFiles(files);
  });
  const drop = $('import-drop');
  document.addEventListener('dragover', (e) => {
    if (![...(e.dataTransfer?.types || [])].includes('Files')) return;
    e.preventDefault();
    drop.classList.add('over');
  });
  document.addEventListener('dragleave', (e) => { if (!e.relatedTarget) drop.classList.remove('over'); });
  document.addEventListener('drop', (e) => {
    drop.classList.remove('over');
    const files = [...(e.dataTransfer?.files || [])];
    if (!files.length) return;
    e.preventDefault();
    importFiles(files);
  });
}

let evalPanel = null;
/** Builds the Evaluate panel when its tab is first opened (or focused). */
function bindEval() {
  const tab = $('tab-eval');
  const open = () => {
    evalPanel ??= loadFull().then(() => import('./eval.js')).then(({ EvalPanel }) => new EvalPanel({ onError: notice }))
      .catch((e) => { evalPanel = null; notice(`Could not load the Evaluate panel: ${e.message}`); });
  };
  tab.addEventListener('click', open);
  tab.addEventListener('focus', open);
  tab.hidden = false;
}

let pyPlace = null;
/** Builds the "Your detectors" place (editor, Pyodide worker) when its tab is first opened (or focused). */
function bindPy() {
  const tab = $('tab-py');
  const open = () => {
    pyPlace ??= Promise.all([import('./py-detectors.js'), fetch('py/starter.py').then((r) => r.text())])
      .then(([{ PyDetectors }, starter]) => new PyDetectors({
        panel: $('panel-py'),
        live,
        metricTitles: metricTitles(),
        starter,
        onFindings: (findings) => {
          live.addFindings(findings);
          onLiveData({ findings, responses: [], failed: false });
        },
      }))
      .then((place) => {
        // Grading and the reference solutions (www/py-grade.js, www/py-solutions.js).
        Promise.all([import('./py-grade.js'), import('./py-solutions.js')])
          .then(([{ PyGrade }, { PySolutions }]) => { new PySolutions({ place, panel: $('panel-py') }); new PyGrade({ place, panel: $('panel-py') }); })
          .catch((e) => notice(`Could not load grading: ${e.message}`));
        return place;
      })
      .catch((e) => { pyPlace = null; notice(`Could not load Your detectors: ${e.message}`); });
  };
  tab.addEventListener('click', open);
  tab.addEventListener('focus', open);
}

/** The page's severity colours come from the charts' (Rust) colours: one colour system. */
function shareColours() {
  for (const s of ['info', 'warning', 'critical']) {
    document.documentElement.style.setProperty(`--${s}`, Lab.severityColor(s));
  }
}

/**
 * The first live run: the URL's settings; without its faults when they do
 * not fit the settings; the defaults when the settings are refused too.
 */
function buildFirstRun(errors) {
  const attempts = [
    () => state,
    () => ({ ...state, fault: {} }),
    () => ({ ...fromHash('').state, ...pageFlags() }),
  ];
  for (const [i, attempt] of attempts.entries()) {
    const next = attempt();
    try {
      live.build(next);
    } catch (e) {
      errors.push(i === 0 && Object.keys(state.fault).length ? `the faults do not fit the settings (${e.message})` : e.message);
      continue;
    }
    if (next !== state) {
      state = next;
      faults.setCatalog(Lab.faults(state.scenario));
      fillSettings(state);
      faults.render(state.fault);
      saveHash();
    }
    break;
  }
  if (errors.length) notice(`URL: ${errors.join('; ')}`);
}

async function main() {
  await init();
  shareColours();
  const docs = new Map(Lab.detectors().map((d) => [d.id, d]));
  const parsed = fromHash(location.hash);
  state = parsed.state;
  faults = new Faults({
    catalog: Lab.faults(state.scenario),
    check: (settings) => Lab.checkFault(settings),
    apply: (id, settings) => live.setFault(id, settings),
    step: () => live.steps,
    onChange: (on) => { state.fault = on; saveHash(); },
    onError: notice,
  });
  const checked = faults.validate(state.fault);
  state.fault = checked.good;
  const errors = [...parsed.errors, ...checked.errors];

  board = new Board();
  live = new Live({
    Lab,
    LiveView,
    onData: onLiveData,
    onFault: onFaultMoved,
    onSaved: () => runs.refresh(),
    onError: notice,
  });
  access = new Access({ view: () => live.view, title: chartTitle });
  live.views = new Views({ onError: notice });
  alerts = new Alerts({ docs, diagnose, onShowStep: (step) => charts.focusStep(step) });
  charts = new Charts({
    onSelect: (keys) => { state.charts = keys.join(','); saveHash(); },
  });
  runs = new Runs({
    board,
    palette: Lab.palette(),
    liveId: () => live.recordId(),
    onView,
    onLoadSettings: loadSettings,
    onForget: (id) => live.forget(id),
    onRenamed: (id, name) => live.renamed(id, name),
    onError: notice,
  });
  bindImport();

  const presetList = presets();
  const picker = new Presets({
    list: presetList,
    current: () => state,
    onLoad: (hash, preset) => {
      runs.open('live');
      applyHash(hash, 'Graded case');
      live.views?.setMode(preset?.view ?? 'main');
    },
  });
  buildSettings({ onChange: onSettingChange, onError: notice });
  fillSettings(state);
  faults.render(state.fault);
  charts.setSelection(state.charts.split(',').filter(Boolean));
  setPresenter(state.big);
  bindEval();
  bindPy();
  bindTabs();
  bindTransport();
  stage = new Stage({ Lab, state: () => state, save: saveHash, redraw: () => charts.request() });
  buildFirstRun(errors);
  stage.ready();
  // The guided path (course-hook.js, course*.js): its checks read this state.
  const faultDocs = learners().flatMap((l) => Lab.faults(l.id));
  bindCourse({
    lab: {
      state: () => state, live, runs, presets: presetList, detectors: [...docs.values()], py: () => live.tap,
      loadPreset: (id) => picker.load(id), faultDoc: (id) => faultDocs.find((f) => f.id === id), detectorDoc: (id) => docs.get(id),
    },
    quiet: state.present || Boolean(state.hide) || window.self !== window.top,
    onError: notice,
  });
  await runs.refresh();
  document.body.dataset.ready = 'true';
  requestAnimationFrame(frame);
}

main().catch((e) => {
  $('status').dataset.state = 'failed';
  $('status').textContent = 'Could not load';
  $('banner').hidden = false;
  $('banner-title').textContent = 'The lab could not start';
  $('banner-text').textContent = e.message;
});
