// The guided path, part 1: implement detectors (the course's exercise, days
// 1-2). One entry per step (see course-parts.js for the fields); facts about
// a fault or a detector are not written here: `facts` names them and the
// page shows Rust's own docs (Lab.faults, Lab.detectors, presets).

export const PART = {
  id: 'detectors',
  title: 'Implement detectors',
  course: 'Practical exercise, step 1: Implement Detectors (day 1-2)',
  intro: 'Break a real network on purpose, watch the lab’s detectors catch it, then write your own in Python, as the course’s OptimizationFailures and DatasetFailures classes do.',
};

export const STEPS = [
  {
    id: 'p1-quiet',
    title: 'A healthy run stays quiet',
    minutes: 5,
    teaches: ['objectives', 'introduction'],
    text: [
      'This page trains a small network for real, in your browser: a classifier learning to separate 2-D points. Twenty-odd detectors read every step’s numbers (loss, gradient norm, accuracy…) as the course’s detectors do.',
      'Before breaking anything, see what healthy looks like: the loss falls, the gradient norm settles, the validation accuracy rises, and the alert list stays empty.',
    ],
    do: { text: 'On the Train tab, press Start (or Space) with no failure mode switched on, and let it train past step 1,000.', tab: 'train', show: 'start' },
    check: { probe: 'quietRun', args: { steps: 1000 } },
    hints: [
      'Start is at the top left. The step counter beside it tells you how far the run is.',
      'If a failure mode is ticked under Failure modes, untick it and press Reset: this step wants a clean run.',
      'Training too slowly? Raise “Steps per frame” under Settings → Speed.',
    ],
  },
  {
    id: 'p1-explosion',
    title: 'A learning rate fifty times too large',
    minutes: 10,
    teaches: ['optimization', 'gradient_explosion', 'early_warning'],
    facts: { preset: 'lr_spike' },
    text: [
      'The course’s first optimisation failure is a gradient explosion: updates so large that the weights leave the region where the loss means anything.',
      'The graded case below multiplies the learning rate at step 300. Before you train it, say what you expect.',
    ],
    predict: {
      question: 'At step 300 the learning rate jumps 50×. What will the gradient-norm chart do?',
      options: ['Fall towards zero', 'Stay about where it was', 'Jump by orders of magnitude, then the loss stops being a number'],
      correct: 2,
      why: 'Larger steps overshoot, the weights grow, and the gradient grows with them: each step makes the next one larger, until the numbers overflow.',
    },
    do: { text: 'Load the graded case “Learning-rate spike”, press Start, and watch the Gradient norm chart around step 300.', tab: 'train', preset: 'lr_spike', show: 'preset' },
    check: { probe: 'finding', args: { detector: 'gradient_explosion', preset: 'lr_spike' } },
    hints: [
      'Under Failure modes, pick “Learning-rate spike” in the Graded case list and press Load, then Start.',
      'The Gradient norm chart switches to a log scale when its values span decades: the jump is the near-vertical rise after step 300.',
      'With Pause on critical on, training stops at the explosion: the red card in the alert list is gradient_explosion.',
    ],
  },
  {
    id: 'p1-vanishing',
    title: 'Gradients that never arrive',
    minutes: 8,
    teaches: ['optimization', 'vanishing_gradients'],
    facts: { preset: 'vanishing', detectors: ['vanishing_gradients'] },
    text: [
      'The opposite failure: the gradient shrinks on its way back through many layers, so the first layers barely learn. The course checks the global norm against 1e-8.',
    ],
    predict: {
      question: 'This graded case is 8 layers of 8 units initialised small. Will the course’s check (global norm below 1e-8) fire?',
      options: ['Yes, the norm will fall below 1e-8', 'No, the global norm stays far above 1e-8'],
      correct: 1,
      why: 'The last layers still get healthy gradients, so the global norm stays well above 1e-8; what vanishes is the ratio between the first layer’s gradient and the last one’s. That is what the lab’s layer_grad_ratio reads.',
    },
    do: { text: 'Load the graded case “Vanishing gradients” and train it. Add the charts “Gradient norm, first layer” and “Gradient norm, last layer” (Charts menu) to see why.', tab: 'train', preset: 'vanishing', show: 'preset' },
    check: { probe: 'finding', args: { detector: 'layer_grad_ratio', preset: 'vanishing' } },
    hints: [
      'Graded case → Vanishing gradients → Load, then Start. It fails from step 0: the network is built that way.',
      'The finding to wait for is layer_grad_ratio; it reads grad_norm_first and grad_norm_last.',
    ],
  },
  {
    id: 'p1-plateau',
    title: 'A plateau: units that died',
    minutes: 6,
    teaches: ['optimization', 'loss_plateau'],
    facts: { preset: 'plateau', detectors: ['loss_plateau'] },
    text: [
      'A loss that stops falling is the course’s third optimisation failure. Here the cause is concrete: at step 300 the biases are pushed so far down that most ReLU units output zero for every input, and a dead unit gets no gradient.',
    ],
    predict: {
      question: 'Which will the lab name first?',
      options: ['The course’s loss_plateau (variance of the loss below 1e-6)', 'The lab’s dead_units (share of units that never fire)', 'Neither'],
      correct: 1,
      why: 'Minibatch noise keeps the loss’s variance above 1e-6 even when nothing is learned, so the course’s absolute threshold stays silent; the share of dead units is measured directly.',
    },
    do: { text: 'Load the graded case “Plateau (dead units)” and train past step 400.', tab: 'train', preset: 'plateau', show: 'preset' },
    check: { probe: 'finding', args: { detector: 'dead_units', preset: 'plateau' } },
    hints: [
      'Graded case → Plateau (dead units) → Load → Start.',
      'Chart “Dead ReLU units (fraction)” (Charts menu) to see the share of dead units jump at step 300.',
    ],
  },
  {
    id: 'p1-py-explosion',
    title: 'Your first detector: gradient explosion',
    minutes: 20,
    teaches: ['optimization', 'gradient_explosion', 'exercise_detectors'],
    facts: { detectors: ['gradient_explosion'] },
    text: [
      'Now write it yourself. The Your detectors tab holds a Python file with one class per group of the course; each has an observe(step, metrics) method that returns None or a Finding.',
      'Fill in GradientExplosion so that it returns a critical Finding when the gradient norm is far above its recent values, then run it on the learning-rate spike.',
    ],
    do: { text: 'Open Your detectors, complete GradientExplosion.observe, press Run, then load the graded case “Learning-rate spike” and train it.', tab: 'py', preset: 'lr_spike', show: 'tab-py' },
    check: { probe: 'yours', args: { fault: 'lr_spike' } },
    hints: [
      'self.history keeps the last 50 norms. Their mean is sum(self.history) / len(self.history) (when it is not empty).',
      'Fire when norm > 10 * mean: return Finding("critical", f"gradient norm {norm:.3g} is 10x its recent mean", "lower the learning rate and clip the gradients").',
      'Compare before you append the new norm, or the spike raises its own mean. Loading a graded case restarts your detectors from step 0: no need to press Run again.',
    ],
    solution: { file: 'py/solutions/optimization.py', cls: 'GradientExplosion' },
  },
  {
    id: 'p1-py-threshold',
    title: 'Set the threshold: no false alarms',
    minutes: 12,
    teaches: ['exercise_detectors', 'early_warning'],
    text: [
      'A detector that fires on healthy runs is soon ignored. The course’s threshold (norm > 1000) never false-alarms on this network, but it is absolute; a relative one catches the spike earlier and must still stay quiet on a clean run.',
      'Run your detectors over a run with no fault. The early steps are the risk: the norm moves a lot while the network starts learning.',
    ],
    do: { text: 'Untick every failure mode, press Reset, keep your detectors running and train past step 1,500.', tab: 'train', show: 'faults' },
    check: { probe: 'yoursQuiet', args: { steps: 1500 } },
    hints: [
      'A finding from before stays in the list until the run restarts: after editing, press Run in Your detectors, then Reset.',
      'Wait for some history before judging: skip the first 20 steps, or require len(self.history) >= 20.',
      'Still noisy? Raise the factor (10x → 20x), or require the condition on 2-3 steps in a row (the lab’s detectors call this patience).',
    ],
    solution: { file: 'py/solutions/optimization.py', cls: 'GradientExplosion' },
  },
  {
    id: 'p1-data',
    title: 'Bad data: one class goes missing',
    minutes: 6,
    teaches: ['dataset', 'class_imbalance'],
    facts: { preset: 'class_imbalance' },
    text: [
      'The course’s second category is the data. From step 300 this graded case draws one class a hundred times less often: the loss can look fine while the network learns to ignore that class.',
    ],
    predict: {
      question: 'Which chart will show it most clearly?',
      options: ['Loss', 'Worst class recall (validation)', 'Gradient norm'],
      correct: 1,
      why: 'The average loss is dominated by the common class; the worst class’s recall shows what the network stopped getting right.',
    },
    do: { text: 'Load the graded case “Class imbalance”, chart “Worst class recall (validation)” and “Class ratio (training set)” (Charts menu), and train.', tab: 'train', preset: 'class_imbalance', show: 'preset' },
    check: { probe: 'finding', args: { detector: 'class_imbalance', preset: 'class_imbalance' } },
    hints: [
      'Graded case → Class imbalance → Load → Start.',
      'class_imbalance reads class_ratio, the share of the rarest class in recent batches, as the course’s check_data_imbalance reads label counts.',
    ],
  },
  {
    id: 'p1-py-data',
    title: 'Your data detector: labels that lie',
    minutes: 15,
    teaches: ['dataset', 'exercise_detectors'],
    facts: { preset: 'label_noise' },
    text: [
      'With 40% of its training labels flipped, a network memorises the noise: the training loss keeps falling while the validation loss climbs. Zhang et al. (further reading) showed networks can fit even random labels.',
      'Complete DataQuality (or write a new class) so that one of your detectors warns on this graded case.',
    ],
    do: { text: 'In Your detectors, complete DataQuality and press Run; then load the graded case “Label noise” and train past step 1,000.', tab: 'py', preset: 'label_noise', show: 'tab-py' },
    check: { probe: 'yours', args: { fault: 'label_noise' } },
    hints: [
      'The Loss chart draws loss and val_loss together: the gap between them is the signal. In Python they are metrics.get("loss") and metrics.get("val_loss").',
      'Keep the lowest val_loss so far; warn when val_loss is well above it (say 1.5x) while the training loss is still low.',
      'The lab’s generalization_gap and accuracy_drop answer this case; their explanations are in the Course reference.',
    ],
    solution: { file: 'py/solutions/data.py', cls: 'AccuracyDrop' },
  },
  {
    id: 'p1-agent',
    title: 'Reward hacking: words pay',
    minutes: 8,
    teaches: ['misalignment', 'case_reward_hacking', 'capability_overhang'],
    facts: { preset: 'reward_hacking' },
    text: [
      'The second learner is an agent trained by policy gradient for a proxy reward, as in RLHF. This graded case is the course’s reward-hacking case study: from step 300 the reward also pays per word, the course’s naive_reward_function.',
    ],
    predict: {
      question: 'What will the reward and true_quality charts do after step 300?',
      options: ['Both rise', 'Reward rises while true quality falls', 'Both fall'],
      correct: 1,
      why: 'The agent follows the reward, not the intent: longer answers pay, so it writes them whether or not they are good.',
    },
    do: { text: 'Load the graded case “Reward hacking” (it switches the Learner to the agent) and train it.', tab: 'train', preset: 'reward_hacking', show: 'preset' },
    check: { probe: 'finding', args: { detector: 'reward_hacking', preset: 'reward_hacking' } },
    hints: [
      'Graded case → Agent → Reward hacking → Load → Start.',
      'Other cards may fire too, such as capability_spike (the reward jumps above its level): the course’s early-warning sign for a new capability, here a loophole.',
    ],
  },
];
