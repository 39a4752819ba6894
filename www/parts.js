// The parts of the page a focused embed hides (`hide=runs,evaluate` in the
// URL, the `hide` attribute of <failure-lab>): each part named in
// state.js's HIDEABLE is a class on the body that stage.css hides.

import { showTab } from './layout.js';
import { HIDEABLE } from './state.js';

/** Hides the parts named in `hide` ('runs,evaluate'), shows the others. */
export function applyParts(hide) {
  const off = new Set(String(hide || '').split(',').filter(Boolean));
  for (const part of HIDEABLE) document.body.classList.toggle(`hide-${part}`, off.has(part));
  // A hidden tab is not left open.
  const open = document.querySelector('.tabs [role="tab"][aria-selected="true"]');
  if (open && getComputedStyle(open).display === 'none') showTab('train');
  // Inside another page (an iframe): a little less chrome.
  document.body.classList.toggle('embedded', window.self !== window.top);
}
