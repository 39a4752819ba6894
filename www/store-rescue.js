// When the run store cannot be read whole: stored runs whose record is
// unreadable (set aside by store.list, the others listed as usual), or a
// store that does not open at all (a newer lab's, a broken one). Shown above
// the runs list with what is wrong and two ways out, never a dead end:
// *Export the store* (every record as it is, JSON) and *Reset the store*
// (delete it, after a confirmation).

import * as store from './store.js';

/** The rescue box for the runs panel, made once; `show(problem)` with null hides it. */
export class StoreRescue {
  constructor({ onReset, onError }) {
    Object.assign(this, { onReset, onError });
    this.box = document.createElement('div');
    this.box.id = 'store-rescue';
    this.box.className = 'store-rescue';
    this.box.setAttribute('role', 'alert');
    this.box.hidden = true;
    this.text = document.createElement('p');
    const exportButton = document.createElement('button');
    exportButton.id = 'store-export';
    exportButton.textContent = 'Export the store';
    exportButton.addEventListener('click', () => this.exportStore());
    const resetButton = document.createElement('button');
    resetButton.id = 'store-reset';
    resetButton.textContent = 'Reset the store';
    resetButton.addEventListener('click', () => this.resetStore());
    this.box.append(this.text, exportButton, ' ', resetButton);
    document.getElementById('runs').before(this.box);
  }

  /** After a list: the runs set aside, or why the store could not be read (null: all well). */
  show(failure) {
    const aside = store.setAside;
    let text = '';
    if (failure) {
      text = `The stored runs could not be read: ${failure}. Export the store to keep what it holds, then reset it to store runs again.`;
    } else if (aside.length) {
      const which = aside.map((a) => `${a.id} (${a.problem})`).join(', ');
      text = `${aside.length} stored run${aside.length > 1 ? 's are' : ' is'} unreadable and set aside: ${which}. The other runs are listed. Export the store to keep the records, or reset it.`;
    }
    this.box.hidden = !text;
    this.text.textContent = text;
  }

  async exportStore() {
    try {
      const data = await store.dump();
      const json = JSON.stringify(data, (_, v) => (ArrayBuffer.isView(v) ? Array.from(v) : v));
      const a = document.createElement('a');
      a.href = URL.createObjectURL(new Blob([json], { type: 'application/json' }));
      a.download = 'failure-lab-store.json';
      a.click();
      setTimeout(() => URL.revokeObjectURL(a.href), 10_000);
    } catch (e) {
      this.onError(`The store could not be exported: ${e.message}`);
    }
  }

  async resetStore() {
    if (!confirm('Delete every stored run of this lab in this browser?')) return;
    try {
      await store.reset();
      this.show(null);
      this.onReset();
    } catch (e) {
      this.onError(`The store could not be reset: ${e.message}`);
    }
  }
}
