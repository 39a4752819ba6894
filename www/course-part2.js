// The guided path, part 2: the monitoring dashboard (the course's exercise,
// day 3: real-time metrics, alerts for critical failures, historical
// analysis). One entry per step; see course-parts.js for the fields.

export const PART = {
  id: 'dashboard',
  title: 'The monitoring dashboard',
  course: 'Practical exercise, step 2: Create Monitoring Dashboard (day 3)',
  intro: 'The lab is itself a monitoring dashboard: live charts, alerts ranked into a diagnosis, stored runs to compare, and real logs read by the same detectors. Learn to read it as an on-call engineer would.',
};

export const STEPS = [
  {
    id: 'p2-charts',
    title: 'Real-time metrics: chart what matters',
    minutes: 6,
    teaches: ['exercise_dashboard', 'vanishing_gradients'],
    text: [
      'The default charts are the loss, the global gradient norm, the validation accuracy and the learning rate. The global norm hides where the gradient is: the lab also reports one norm per layer (grad_norm/0, grad_norm/1, …), drawn together as “Gradient norm per layer”.',
    ],
    do: { text: 'Open the Charts menu above the charts and tick “Gradient norm per layer”. Train a little first if the list does not show them yet.', show: 'picker-menu' },
    check: { probe: 'charts', args: { metric: 'grad_norm/*' } },
    hints: [
      'The Charts menu is the “Charts” button at the top of the middle column; its list follows what the run reports.',
      'The per-layer norms appear once the classifier has trained a step: press Start, then open the menu.',
    ],
  },
  {
    id: 'p2-critical',
    title: 'Alerts for critical failures',
    minutes: 6,
    teaches: ['exercise_dashboard', 'robust_pipeline'],
    facts: { preset: 'corrupt_batch' },
    text: [
      'An alert system must stop the damage, not just log it. With Pause on critical on, training stops at the first critical finding, the banner says why and the tab title flashes.',
      'This graded case feeds one batch of NaN at step 300: no warning can come before it, so what matters is stopping at once.',
    ],
    predict: {
      question: 'Where will training stop?',
      options: ['Before step 300', 'At about step 300', 'It will not stop'],
      correct: 1,
      why: 'The corrupt batch makes the loss non-finite on the step it arrives; non_finite fires on that step and Pause on critical stops there.',
    },
    do: { text: 'Tick Pause on critical (top right), load the graded case “Corrupt batch” and press Start.', tab: 'train', preset: 'corrupt_batch', show: 'autopause' },
    check: { probe: 'pausedOnCritical', args: {} },
    hints: [
      'Pause on critical is the switch in the top bar, beside Large type.',
      'The red banner’s “Show on chart” zooms the charts to the step of the finding.',
    ],
  },
  {
    id: 'p2-diagnosis',
    title: 'Read the diagnosis: cause, then symptoms',
    minutes: 8,
    teaches: ['exercise_dashboard', 'early_warning'],
    facts: { preset: 'oscillation' },
    text: [
      'One failure sets off many detectors. The alert list is a diagnosis: first the most likely cause (with the course’s own detector beside it when it fired), then what follows from it, one card per detector with how often it fired.',
    ],
    ask: { question: 'Which detector does the alert list name as the most likely cause? Type its id (as shown on the card).', kind: 'text' },
    do: { text: 'Load the graded case “Oscillation”, train until the alerts settle, and read the first card under “What is wrong”.', tab: 'train', preset: 'oscillation', show: 'alerts' },
    check: { probe: 'rootAnswer', args: { preset: 'oscillation' } },
    hints: [
      'The id is the monospace name on the card, such as gradient_explosion.',
      'The cause is the first card under the heading “What is wrong: the most likely cause”.',
    ],
  },
  {
    id: 'p2-history',
    title: 'Historical analysis: compare runs',
    minutes: 6,
    teaches: ['exercise_dashboard'],
    text: [
      'Every run is kept in this browser. Comparing a failed run with a healthy one on the same axes is how you see when they parted.',
    ],
    do: { text: 'Open the Runs tab and tick “show” on a stored run to overlay it on the live run (or Open it). You need at least two stored runs: the runs of the steps before count.', tab: 'runs', show: 'runs' },
    check: { probe: 'storedRuns', args: { count: 2 } },
    hints: [
      'A run is stored as it trains. If the list has one run only, train another graded case first.',
      'The “show” box overlays a run in its own colour; Open shows its own alerts and markers.',
    ],
  },
  {
    id: 'p2-import',
    title: 'A real training log',
    minutes: 10,
    teaches: ['exercise_dashboard', 'exercise_real'],
    text: [
      'The same detectors read logs of training runs made elsewhere: a CSV with a step column, JSON Lines, or TensorBoard’s CSV export. Known names (train_loss, total_norm, learning_rate…) are mapped for you.',
    ],
    do: { text: 'Export a stored run as CSV (Runs → CSV), then import that file (or a log of your own) with “Choose files…” or by dropping it on the page.', tab: 'runs', show: 'import-drop' },
    check: { probe: 'imported', args: {} },
    hints: [
      'Each stored run has CSV and JSON buttons; the CSV has a step column and one column per metric.',
      'A log of your own: a header line such as step,loss,grad_norm, then one line per step.',
    ],
  },
];
