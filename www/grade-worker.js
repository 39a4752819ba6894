// Grading the student's detectors, the wasm side: a module worker with the
// lab's full wasm (www/pkg-full). Several of them share the evaluation
// suite's observe runs (Grading, src/wasm/grade.rs: the cases and seeds of
// `failure-lab grade`): part k of n records runs k, k+n, k+2n... and posts
// each run's frames as JSON text for Python (py-grade-worker.js), staying
// at most AHEAD runs ahead of the runs the page has acknowledged, so unread
// frames never pile up. The others send their runs' records along; part 0
// takes them in and grades the findings with the suite's own scoring, with
// the lab's own report on the same runs (course baseline, lab's best).
// Cancelled by terminate().
//
// Messages in:  {type: 'start', options: {seeds, fault}, part, parts}
//               {type: 'ack'}                       Python took one of this part's runs
//               {type: 'grade', files: [{name, detectors, findings, error}], records: [{index, record}]}
// Messages out: {type: 'run', part, index, case, fault, seed, total, frames, record}
//                  record: the run's record for part 0 (parts other than 0)
//               {type: 'recorded', part, total}      this part's runs are all recorded
//               {type: 'graded', files: [{name, rows, report, error}], lab}
//               {type: 'error', message}

import init, { Grading } from './pkg-full/failure_lab.js';

/** Runs recorded but not yet taken by Python, at most. */
const AHEAD = 3;

const ready = init();
let grading = null;
let acked = 0;
let wake = null;

async function record(options, part, parts) {
  await ready;
  grading = new Grading(options);
  let sent = 0;
  let total = Infinity;
  for (let index = part; index < total; index += parts) {
    while (sent - acked >= AHEAD) await new Promise((r) => { wake = r; });
    ({ total } = grading.recordRun(index));
    if (index >= total) break;
    const info = grading.runInfo(index);
    postMessage({
      type: 'run', part, index, case: info.case, fault: info.fault, seed: info.seed, total,
      frames: grading.takeFrames(index), record: part === 0 ? undefined : grading.record(index),
    });
    sent += 1;
  }
  postMessage({ type: 'recorded', part, total });
}

function grade(files, records) {
  for (const { index, record: r } of records) grading.adopt(index, r);
  const out = files.map(({ name, detectors, findings, error }) => {
    if (error) return { name, rows: [], report: null, error };
    try {
      const { rows, report } = grading.grade(detectors, findings);
      return { name, rows, report, error: null };
    } catch (e) {
      return { name, rows: [], report: null, error: e?.message || String(e) };
    }
  });
  postMessage({ type: 'graded', files: out, lab: grading.labReport() });
}

self.onmessage = ({ data }) => {
  try {
    if (data?.type === 'start' && !grading) {
      record(data.options, data.part || 0, data.parts || 1).catch((e) => postMessage({ type: 'error', message: e?.message || String(e) }));
    } else if (data?.type === 'ack') {
      acked += 1;
      if (wake) { const w = wake; wake = null; w(); }
    } else if (data?.type === 'grade') {
      grade(data.files, data.records || []);
    }
  } catch (e) {
    postMessage({ type: 'error', message: e?.message || String(e) });
  }
};
