// "Show solution": the lab's reference solution of one group of the course
// (www/py/solutions/), only after an explicit click and a confirmation. It
// opens read-only beside the student's code, never over it; copying it into
// the editor asks again and is one edit, so Undo brings the student's code
// back. Loaded with the "Your detectors" place.

import { EditorState, EditorView, lineNumbers, syntaxHighlighting, defaultHighlightStyle, python } from './vendor/codemirror.js';
import { el } from './dom.js';
import { GROUPS } from './py-grade.js';

/** The solutions section. `place`: the PyDetectors (its editor `view`, `save`, `say`). */
export class PySolutions {
  constructor({ place, panel }) {
    this.place = place;
    this.pick = el('select', { id: 'py-solution-group' }, ...GROUPS.map((g) => el('option', { value: g.id, text: g.title })));
    this.ask = el('div', { id: 'py-solution-confirm', class: 'py-confirm', hidden: true });
    this.host = el('div', { id: 'py-solution', class: 'py-editor py-solution', hidden: true });
    this.tools = el('div', { class: 'py-buttons', hidden: true });
    this.section = el('details', { id: 'py-solutions', class: 'py-doc py-solutions' },
      el('summary', { text: 'Reference solutions' }),
      el('p', { class: 'hint', text: 'The lab’s own answer for one group. Try first: seeing it spoils the exercise. It opens read-only below your code and never replaces it unless you ask.' }),
      el('div', { class: 'py-buttons' }, el('label', {}, 'Group ', this.pick),
        el('button', { id: 'py-solution-show', type: 'button', text: 'Show solution…', onclick: () => this.confirm() })),
      this.ask, this.tools, this.host);
    const doc = panel.querySelector('.py-doc');
    if (doc) doc.before(this.section); else panel.append(this.section);
  }

  /** Asks on the page: `text`, then `yes` runs on "yes". */
  question(text, yesLabel, yes) {
    this.ask.hidden = false;
    this.ask.replaceChildren(el('p', { text }),
      el('div', { class: 'py-buttons' },
        el('button', { id: 'py-confirm-yes', class: 'primary', type: 'button', text: yesLabel, onclick: () => { this.ask.hidden = true; yes(); } }),
        el('button', { id: 'py-confirm-no', type: 'button', text: 'Cancel', onclick: () => { this.ask.hidden = true; } })));
    this.ask.querySelector('button').focus();
  }

  confirm() {
    const group = GROUPS.find((g) => g.id === this.pick.value);
    this.question(`Show the lab’s reference solution for “${group.title}”? Your code stays as it is.`, 'Yes, show it', () => this.show(group));
  }

  async show(group) {
    const r = await fetch(new URL(`./py/solutions/${group.id}.py`, import.meta.url));
    if (!r.ok) { this.place.say('error', `py/solutions/${group.id}.py: HTTP ${r.status}`); return; }
    this.text = await r.text();
    this.group = group;
    if (!this.view) {
      const shadow = this.host.attachShadow({ mode: 'open' });
      const inner = document.createElement('div');
      shadow.append(inner);
      this.view = new EditorView({ root: shadow, parent: inner, state: this.state('') });
    }
    this.view.setState(this.state(this.text));
    this.host.hidden = false;
    this.host.dataset.group = group.id;
    this.tools.hidden = false;
    this.tools.replaceChildren(el('span', { text: `Solution: ${group.id}.py (read-only)` }),
      el('button', { id: 'py-solution-use', type: 'button', text: 'Replace my code with it…', onclick: () => this.replace() }),
      el('button', { id: 'py-solution-hide', type: 'button', text: 'Hide', onclick: () => { this.host.hidden = true; this.tools.hidden = true; } }));
  }

  state(doc) {
    return EditorState.create({
      doc,
      extensions: [lineNumbers(), syntaxHighlighting(defaultHighlightStyle, { fallback: true }), python(),
        EditorState.readOnly.of(true), EditorView.editable.of(false),
        EditorView.contentAttributes.of({ 'aria-label': 'The reference solution, read-only' }),
        EditorView.theme({ '&': { maxHeight: '40vh', fontSize: '0.8rem', backgroundColor: '#f8fafc' }, '.cm-scroller': { overflow: 'auto' } })],
    });
  }

  replace() {
    this.question(`Replace all your code with the ${this.group.id} solution? Undo (Ctrl+Z in your editor) brings your code back.`, 'Replace my code', () => {
      const { view } = this.place;
      // One transaction: one Undo restores the student's code.
      view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: this.text } });
      this.place.save();
      this.place.say('idle', `Your code was replaced by the ${this.group.id} solution; Undo in the editor brings yours back.`);
    });
  }
}
