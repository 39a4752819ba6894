// People's words for the lab's ids, from Rust: metric titles
// (metricTitles()), fault titles (Lab.faults() of each learner) and detector
// titles (Lab.detectors()). An id the lab does not know is shown in words
// ("my_metric" -> "My metric"), never as a snake_case id.

import { Lab, learners, metricTitles } from './pkg/failure_lab.js';

let metrics = null;
let faults = null;
let detectors = null;

/** "grad_norm_first" -> "Grad norm first": the last resort for an id with no title. */
export const words = (id) => String(id).replace(/_/g, ' ').replace(/^./, (c) => c.toUpperCase());

/** The title Rust gives metric (or chart key) `name`, or undefined. */
export const knownMetricTitle = (name) => (metrics ??= metricTitles())[name];

/** Metric `name` in words: its title, or the name itself when the lab does not know it (a log's own column). */
export const metricTitle = (name) => knownMetricTitle(name) || name;

/**
 * Fault `id` (of either learner) in words: its title from Lab.faults(); where
 * that has none yet, the fault panel's own words for it, or words of the id.
 */
export function faultTitle(id) {
  if (!faults) {
    faults = new Map();
    for (const { id: scenario } of learners()) {
      for (const f of Lab.faults(scenario)) if (f.title) faults.set(f.id, f.title);
    }
  }
  const panel = document.querySelector(`[data-fault="${CSS.escape(id)}"] .switch span`);
  return faults.get(id) || panel?.textContent || words(id);
}

/** Detector `id` in words: its registry title. */
export function detectorTitle(id) {
  detectors ??= new Map(Lab.detectors().map((d) => [d.id, d.title]));
  return detectors.get(id) || words(id);
}
