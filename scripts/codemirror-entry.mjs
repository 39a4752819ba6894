// The parts of CodeMirror 6 the "Your detectors" editor uses (www/py-detectors.js),
// bundled by scripts/vendor.sh into one ES module, www/vendor/codemirror.js:
// CodeMirror's packages import each other by bare names, which a page
// without a bundler cannot resolve (an import map would be an inline script,
// which the page's Content-Security-Policy refuses).
export { EditorState } from '@codemirror/state';
export {
  EditorView, keymap, lineNumbers, highlightActiveLine, highlightActiveLineGutter,
  drawSelection, highlightSpecialChars,
} from '@codemirror/view';
export { defaultKeymap, history, historyKeymap, indentWithTab, undo, redo } from '@codemirror/commands';
export {
  syntaxHighlighting, defaultHighlightStyle, indentOnInput, bracketMatching, indentUnit,
} from '@codemirror/language';
export { python } from '@codemirror/lang-python';
