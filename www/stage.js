// The page for an audience or a course page: presentation mode
// (present.js), the parts hidden for a focused embed (parts.js), training
// from the first moment (autoplay), the Share / Embed dialog (share.js),
// and a note when runs cannot be stored here. main.js calls `apply()`
// whenever the URL's settings are applied and `ready()` once the first run
// is built.

import { SINGLE } from './build-info.js';
import { $, el } from './dom.js';
import { applyParts } from './parts.js';
import { Present } from './present.js';
import { Share } from './share.js';
import * as store from './store.js';

export class Stage {
  /** `Lab`: the wasm class; `state()`: the page's settings; `save()`: to the URL; `redraw()`: a chart frame. */
  constructor({ Lab, state, save, redraw }) {
    this.state = state;
    this.present = new Present({ Lab, state, save, redraw });
    this.share = new Share({ state });
    if (SINGLE) document.body.classList.add('single');
  }

  /** Applies the page-level flags of the current settings. */
  apply() {
    this.present.apply();
    applyParts(this.state().hide);
  }

  /** The first run is built: start it when asked to; say so when runs cannot be kept. */
  ready() {
    this.apply();
    if (this.state().autoplay) $('start').click();
    store.open().catch((e) => {
      $('no-runs').after(el('p', { id: 'no-store', class: 'error', text: `Runs are not stored: ${e.message}. The lab still trains; export a run as CSV or JSON to keep it.` }));
      $('runs-count').textContent = '–';
    });
  }
}
