// The evaluation suite, off the page's thread: a module worker with its own
// copy of the lab's full wasm (www/pkg-full, with the evaluation suite). It
// runs the suite in slices, posts its progress a few times a second and a partial report now and then, then the report,
// the lead times and the CSV. The page cancels it by terminating it.
//
// Messages in:  {type: 'start', options: {seeds, fault}}
// Messages out: {type: 'progress', done, total}
//               {type: 'report', final, report, leads, csv}  (csv only when final)
//               {type: 'error', message}

import init, { Evaluation } from './pkg-full/failure_lab.js';

/** Training steps per call into wasm: small enough to post progress often. */
const SLICE_STEPS = 400;
/** How often progress is posted, in ms. */
const PROGRESS_MS = 150;
/** How often a partial report is posted, in ms. */
const PARTIAL_MS = 4000;

const ready = init();

function report(evaluation, final) {
  postMessage({
    type: 'report',
    final,
    report: evaluation.report(),
    leads: evaluation.leads(),
    csv: final ? evaluation.csv() : null,
  });
}

async function run(options) {
  await ready;
  const evaluation = new Evaluation(options);
  let { done, total } = evaluation.progress();
  postMessage({ type: 'progress', done, total });
  let lastProgress = performance.now();
  let lastPartial = lastProgress;
  while (done < total) {
    ({ done, total } = evaluation.advance(SLICE_STEPS));
    const now = performance.now();
    if (now - lastProgress >= PROGRESS_MS || done === total) {
      postMessage({ type: 'progress', done, total });
      lastProgress = now;
    }
    if (now - lastPartial >= PARTIAL_MS && done < total) {
      report(evaluation, false);
      lastPartial = now;
    }
  }
  report(evaluation, true);
  evaluation.free();
}

let started = false;
self.onmessage = ({ data }) => {
  if (data?.type !== 'start' || started) return;
  started = true;
  run(data.options).catch((e) => postMessage({ type: 'error', message: e?.message || String(e) }));
};
