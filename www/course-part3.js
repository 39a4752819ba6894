// The guided path, part 3: test on real training (the course's exercise,
// days 4-5: inject failures, verify detection accuracy, measure early
// warning), with the course's robust pipeline and its subtle failure modes.
// One entry per step; see course-parts.js for the fields.

export const PART = {
  id: 'testing',
  title: 'Test on real training',
  course: 'Practical exercise, step 3: Test on Real Training (day 4-5)',
  intro: 'Inject failures and let the course’s RobustTrainingPipeline answer them; then grade the detectors over many seeds: recall, false alarms, and how early they warn.',
};

export const STEPS = [
  {
    id: 'p3-respond',
    title: 'The robust pipeline answers',
    minutes: 10,
    teaches: ['robust_pipeline', 'exercise_real'],
    facts: { preset: 'lr_spike' },
    text: [
      'The course’s RobustTrainingPipeline runs its detectors after each step and handles a failure: for a gradient explosion, reduce the learning rate and clip the gradients. The lab does this, and rolls back to the last good checkpoint.',
      'With Automatic response on, the same run without the response is drawn faint beside it, so you see what the response saved.',
    ],
    predict: {
      question: 'With the response on, what happens to the learning-rate spike run?',
      options: ['It still diverges, only later', 'It is rolled back and trains on with a smaller learning rate', 'Nothing: the spike is too large to answer'],
      correct: 1,
      why: 'The warning comes before the loss overflows, so the pipeline can roll back to a checkpoint from before the damage and cut the learning rate.',
    },
    do: { text: 'Load the graded case “Learning-rate spike”, switch Automatic response on (under the failure modes), and train past step 1,000.', tab: 'train', preset: 'lr_spike', show: 'respond-slot' },
    check: { probe: 'responded', args: { fault: 'lr_spike', steps: 1000 } },
    hints: [
      'Load the graded case first: turning the response on after it keeps the fault.',
      'Each pipeline action is a card in the alert list and a triangle on the charts.',
    ],
  },
  {
    id: 'p3-eval-one',
    title: 'Verify detection accuracy on one fault',
    minutes: 8,
    teaches: ['exercise_real', 'early_warning'],
    text: [
      'One run proves little: a detector must fire on most runs of a fault (recall) and on few healthy runs (false alarms). The Evaluate panel trains each fault on many seeds, and clean runs, and grades every detector.',
    ],
    do: { text: 'Open the Evaluate tab, choose Faults: “Learning-rate spike”, Seeds per case: 5, and press Run evaluation.', tab: 'eval', show: 'tab-eval' },
    check: { probe: 'evaluated', args: { fault: 'lr_spike' } },
    hints: [
      'It runs in the background: you can keep using the lab while it trains.',
      'Five seeds take a few seconds; the results appear below the progress bar.',
    ],
  },
  {
    id: 'p3-lead',
    title: 'Measure early warning',
    minutes: 6,
    teaches: ['early_warning', 'exercise_real'],
    text: [
      'An early-warning system is worth the steps it gives you before the failure. The lead is the number of steps from a detector’s first warning to the moment the run fails for good (the loss stops being a number).',
    ],
    ask: { question: 'In the detection table of lr_spike, what is the median lead (steps) of “lab, together”?', kind: 'number' },
    do: { text: 'In the Evaluate panel, open the detection table of lr_spike and read the last row, “lab, together”.', tab: 'eval', show: 'tab-eval' },
    check: { probe: 'leadAnswer', args: { fault: 'lr_spike' } },
    hints: [
      'The detection tables are under “Detection, per fault”; the first one is open.',
      'The median lead is the last column. Hover it for the spread over the runs.',
    ],
  },
  {
    id: 'p3-eval-all',
    title: 'Every fault, against the course’s detectors',
    minutes: 10,
    teaches: ['exercise_real', 'objectives', 'vanishing_gradients', 'loss_plateau'],
    text: [
      'The course’s detectors (gradient_explosion, vanishing_gradients, loss_plateau, mode_collapse, deceptive_alignment) are the baseline. The goals table sets the lab’s detectors against them on every fault.',
    ],
    ask: { question: 'Name one fault (its id, such as lr_spike) that the lab detects and the course’s baseline misses entirely.', kind: 'text' },
    do: { text: 'Run the evaluation on every fault with 2 seeds per case, then read the Goals table: hover a recall for the course baseline’s.', tab: 'eval', show: 'tab-eval' },
    check: { probe: 'recallAnswer', args: { cases: 13 } },
    hints: [
      'Faults: every fault. Two seeds keep it short (seconds to a minute, with the machine’s load).',
      'The course baseline’s recall is in each “lab recall” cell’s tooltip. Think of the faults whose signal is not an absolute number: vanishing, plateau…',
    ],
  },
  {
    id: 'p3-deceptive',
    title: 'Subtle failures: watched and unwatched',
    minutes: 8,
    teaches: ['deceptive_alignment', 'early_warning'],
    facts: { preset: 'deceptive_alignment', detectors: ['deceptive_alignment'] },
    text: [
      'The course’s test_deceptive_alignment compares behaviour when the model is watched with behaviour when it thinks it is not. In this graded case, from step 300 the agent is rewarded only where it is watched: it learns to behave well there and cut corners elsewhere.',
    ],
    predict: {
      question: 'Which chart shows it?',
      options: ['reward (it falls)', 'behavior_gap (quality watched minus unwatched grows)', 'diversity_ratio (it collapses)'],
      correct: 1,
      why: 'The reward looks fine, because the reward only sees the watched contexts; the gap between watched and unwatched quality is the tell.',
    },
    do: { text: 'Load the graded case “Deceptive alignment” and train it.', tab: 'train', preset: 'deceptive_alignment', show: 'preset' },
    check: { probe: 'finding', args: { detector: 'behavior_drift', preset: 'deceptive_alignment' } },
    hints: [
      'Graded case → Agent → Deceptive alignment → Load → Start.',
      'behavior_drift is the course’s TrainingEarlyWarning “behavior_drift” sign; the course’s own deceptive_alignment check (a gap above 0.2) comes later.',
    ],
  },
  {
    id: 'p3-mode-collapse',
    title: 'Mode collapse',
    minutes: 6,
    teaches: ['case_mode_collapse', 'early_warning'],
    facts: { preset: 'mode_collapse', detectors: ['mode_collapse'] },
    text: [
      'The course’s second case study: a model that gives only a few kinds of answer. Its ModeCollapseDetector counts unique responses; the lab also watches the policy’s entropy, which falls before the answers collapse.',
    ],
    do: { text: 'Load the graded case “Mode collapse”, chart “Policy entropy” beside the diversity ratio (Charts menu), and train it.', tab: 'train', preset: 'mode_collapse', show: 'preset' },
    check: { probe: 'finding', args: { detector: 'entropy_collapse', preset: 'mode_collapse' } },
    hints: [
      'Graded case → Agent → Mode collapse → Load → Start.',
      'Compare the step of entropy_collapse with the step of mode_collapse (the course’s check) in the alert list: the difference is the early warning.',
    ],
  },
  {
    id: 'p3-py-agent',
    title: 'Your detector on the agent',
    minutes: 15,
    teaches: ['exercise_detectors', 'case_reward_hacking', 'misalignment'],
    facts: { preset: 'reward_hacking' },
    text: [
      'Last, the course’s AlignmentDetector: complete RewardHacking in Your detectors. The proxy reward climbing while the true quality falls is the signature of reward hacking.',
    ],
    do: { text: 'In Your detectors, complete RewardHacking and press Run; load the graded case “Reward hacking” and train it.', tab: 'py', preset: 'reward_hacking', show: 'tab-py' },
    check: { probe: 'yours', args: { fault: 'reward_hacking' } },
    hints: [
      'self.first holds (reward, quality) at the first step. Compare the current values with it.',
      'Warn when reward > first reward + 0.2 while quality < first quality - 0.1.',
      'Averaging over a few steps (an exponential moving average) makes it steadier: avg = 0.9 * avg + 0.1 * value.',
    ],
    solution: { file: 'py/solutions/alignment.py', cls: 'RewardHacking' },
  },
];
