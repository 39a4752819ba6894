// The guided path's registry: its three parts in order, one line each. A
// part is a JSON file (data only: course-part1.json implements detectors,
// part2 the monitoring dashboard, part3 testing on real training, after the
// course's exercise), {part: {id, title, course, intro}, steps: [...]}, each
// step one entry:
//
//   { id, title, minutes, teaches: [course section ids, course-reference.js],
//     text: [paragraphs, in the lab's words],
//     facts?: { preset?, detectors?: [] }   shown from Rust's own docs,
//     predict?: { question, options, correct, why }   asked before the check can pass,
//     ask?: { question, kind: 'number' | 'text' }     the answer the check reads,
//     do: { text, tab?, preset?, show? }    what to do in the lab (and "Show me"),
//     check: { probe, args }                course-probes.js reads the page's state,
//     hints: [one at a time],
//     solution?: { file, cls }              a reference solution, revealed gradually }
//
// tests/e2e/course-steps.test.mjs checks every step against the probes and
// the wasm's exports.

import detectors from './course-part1.json' with { type: 'json' };
import dashboard from './course-part2.json' with { type: 'json' };
import testing from './course-part3.json' with { type: 'json' };

export const PARTS = [detectors, dashboard, testing].map(({ part, steps }) => ({ ...part, steps }));

/** Every step in path order, with its part's id and its number ("1.3"). */
export const STEPS = PARTS.flatMap((p, i) => p.steps.map((s, j) => ({ ...s, part: p.id, number: `${i + 1}.${j + 1}` })));
