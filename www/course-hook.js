// The guided path's light part, loaded with the page: the Course tab, the
// welcome a first-time visitor sees (pointing at step 1, dismissable), and
// loading the path itself (course.js and its steps) on first use, or at once
// for a returning student whose progress is stored.

import { $, el } from './dom.js';
import { showTab } from './layout.js';

const WELCOME_KEY = 'failure-lab:course-welcome';
const PROGRESS_KEY = 'failure-lab:course';

const stored = (key) => { try { return localStorage.getItem(key); } catch { return null; } };

/**
 * Wires the Course tab. `lab`: what the path's checks read (see
 * course-probes.js); `quiet`: no welcome and no path until the tab is
 * opened (presentation mode, an embed).
 */
export function bindCourse({ lab, quiet, onError }) {
  const tab = $('tab-course');
  let course = null;
  const open = () => {
    course ??= import('./course.js')
      .then(({ Course }) => new Course({ panel: $('panel-course'), bar: $('course-bar'), lab, onError }))
      .catch((e) => { course = null; onError(`Could not load the guided path: ${e.message}`); });
    return course;
  };
  tab.addEventListener('click', open);
  tab.addEventListener('focus', open);
  if (quiet) return open;
  if (stored(PROGRESS_KEY)) open();
  else if (!stored(WELCOME_KEY)) welcome(open);
  return open;
}

function welcome(open) {
  const close = () => {
    box.remove();
    try { localStorage.setItem(WELCOME_KEY, 'dismissed'); } catch { /* private mode: shown again next time */ }
  };
  const start = el('button', {
    type: 'button', id: 'course-welcome-start', class: 'primary', text: 'Start step 1',
    onclick: async () => {
      close();
      showTab('course');
      await open();
    },
  });
  const box = el('section', { id: 'course-welcome', class: 'course-welcome', attrs: { 'aria-label': 'Welcome' } },
    el('p', {}, el('b', { text: 'New here? ' }),
      'Follow the guided path: the course “When Training Goes Wrong” as 21 steps in three parts (about three hours). You break a real network, watch the detectors catch it, write your own in Python and grade them; each step is checked as you go.'),
    start,
    el('button', { type: 'button', id: 'course-welcome-close', class: 'link-button', text: 'Not now', onclick: close }));
  $('notice').after(box);
}
