// Small DOM helpers shared by the page's modules.

/** The element with id `id`. */
export const $ = (id) => document.getElementById(id);

/**
 * A new element: `el('button', { class: 'x', text: 'Go', data: { id: 3 }, attrs: { type: 'button' } }, child...)`.
 * Properties other than class/text/data/attrs are set on the element itself (id, title, hidden, onclick...).
 */
export function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (value === undefined) continue;
    if (key === 'class') node.className = value;
    else if (key === 'text') node.textContent = value;
    else if (key === 'data') Object.assign(node.dataset, value);
    else if (key === 'attrs') for (const [a, v] of Object.entries(value)) node.setAttribute(a, v);
    else node[key] = value;
  }
  node.append(...children.filter((c) => c !== null && c !== undefined && c !== false));
  return node;
}

/** A number for people: 4 significant digits, exponent when very large or small. */
export function fmt(v) {
  if (v === undefined || v === null) return '–';
  if (!Number.isFinite(v)) return Number.isNaN(v) ? 'NaN' : v > 0 ? '∞' : '−∞';
  const a = Math.abs(v);
  if (a !== 0 && (a >= 1e5 || a < 1e-3)) return v.toExponential(2);
  return String(Number(v.toPrecision(4)));
}

/** Resolves at the next animation frame. */
export const nextFrame = () => new Promise((resolve) => requestAnimationFrame(resolve));

/** A message for the notice bar (empty hides it). */
export function notice(text) {
  $('notice').hidden = !text;
  $('notice-text').textContent = text || '';
}

/** A date as "2024-05-01 14:03". */
export function when(ms) {
  const d = new Date(ms);
  const p = (n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}`;
}
