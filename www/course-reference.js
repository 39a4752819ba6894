// The course page ("When Training Goes Wrong") section by section, and where
// the lab teaches each: the path's steps, the graded cases, the detectors and
// the views. The facts about a fault or a detector are not here: the
// reference view shows Rust's docs for the ids named (Lab.detectors(),
// Lab.faults(), presets()). The README's table follows this list
// (tests/e2e/course-steps.test.mjs checks both).

export const SECTIONS = [
  {
    id: 'objectives',
    title: 'Learning objectives',
    summary: 'Identify common failure modes; understand their root causes; recognise early warning signs; implement strategies to prevent and mitigate them; analyse real examples.',
    objectives: [
      ['Identify common failure modes in AI model training', 'part 1: one graded case per failure mode, and the alert list naming it'],
      ['Understand the root causes of training failures', 'the predictions before each fault, and the diagnosis’s “most likely cause” (step 2.3)'],
      ['Recognize early warning signs of problematic training dynamics', 'lead times in the Evaluate panel (steps 3.2, 3.3), early-warning detectors'],
      ['Implement strategies to prevent and mitigate training failures', 'your Python detectors (1.5, 1.6, 1.8, 3.7) and the automatic response (3.1)'],
      ['Analyze real-world examples of training gone wrong', 'the case studies as graded cases (1.9, 3.6) and imported training logs (2.5)'],
    ],
    where: { view: 'Course reference' },
  },
  { id: 'introduction', title: 'Introduction', summary: 'Failures range from obvious crashes to subtle problems seen only after deployment.', where: { view: 'the welcome and step 1.1' } },
  {
    id: 'optimization',
    title: 'Categories: 1. Optimization failures',
    summary: 'The course’s OptimizationFailures: gradient explosion (norm > 1000), vanishing gradients (norm < 1e-8), loss plateau (variance < 1e-6 over 1000 steps).',
    where: { family: 'optimization', presets: ['lr_spike', 'lr_collapse', 'init_too_large', 'vanishing', 'plateau', 'oscillation', 'corrupt_batch'] },
  },
  { id: 'gradient_explosion', title: 'OptimizationFailures.gradient_explosion', summary: 'The course’s first check: gradient norm above 1000.', where: { detectors: ['gradient_explosion', 'grad_norm_spike', 'non_finite'], presets: ['lr_spike', 'init_too_large'] } },
  { id: 'vanishing_gradients', title: 'OptimizationFailures.gradient_vanishing', summary: 'The course’s second check: gradient norm below 1e-8.', where: { detectors: ['vanishing_gradients', 'layer_grad_ratio'], presets: ['vanishing'] } },
  { id: 'loss_plateau', title: 'OptimizationFailures.loss_plateau', summary: 'The course’s third check: loss variance below 1e-6 over 1000 steps.', where: { detectors: ['loss_plateau', 'dead_units', 'update_ratio'], presets: ['plateau', 'lr_collapse'] } },
  {
    id: 'dataset',
    title: 'Categories: 2. Dataset issues',
    summary: 'The course’s DatasetFailures: contamination by model outputs, severe class imbalance (ratio > 100).',
    where: { family: 'data', presets: ['class_imbalance', 'label_noise', 'data_contamination'] },
  },
  { id: 'contamination', title: 'DatasetFailures.detect_data_contamination', summary: 'Training data that contains model outputs. In the lab: copies of validation points leak into the training set, so validation stops measuring generalisation.', where: { detectors: ['data_contamination'], presets: ['data_contamination'] } },
  { id: 'class_imbalance', title: 'DatasetFailures.check_data_imbalance', summary: 'Imbalance ratio above 100:1.', where: { detectors: ['class_imbalance'], presets: ['class_imbalance'] } },
  {
    id: 'misalignment',
    title: 'Categories: 3. Objective misalignment',
    summary: 'A high training score with unsafe or bad behaviour: the training objective is not the intended behaviour. On the agent: a reward that pays per word. On the classifier: a spurious feature (the side of the plane) that predicts the label in every collected split and not in deployment; the stress split shows it.',
    where: { family: 'alignment', detectors: ['shortcut_reliance'], presets: ['reward_hacking', 'spurious_feature'] },
  },
  {
    id: 'capability_overhang',
    title: 'Subtle: capability overhang',
    summary: 'Capabilities that emerge without explicit training. Graded case: grokking, where weight decay makes held-out accuracy on modular arithmetic jump long after the fit; capability_overhang (the course’s detector) and capability_spike read the capability probes, held_out_turn the held-out loss, hundreds of steps before the jump.',
    where: { family: 'emergence', detectors: ['capability_overhang', 'capability_spike', 'held_out_turn'], presets: ['grokking'] },
  },
  { id: 'deceptive_alignment', title: 'Subtle: deceptive alignment', summary: 'Behaviour that differs when the model thinks it is not watched.', where: { detectors: ['deceptive_alignment', 'behavior_drift'], presets: ['deceptive_alignment'] } },
  { id: 'case_reward_hacking', title: 'Case study: reward hacking in RLHF', summary: 'A reward that pays per word: verbose text, high reward, low quality.', where: { detectors: ['reward_hacking'], presets: ['reward_hacking'] } },
  { id: 'case_mode_collapse', title: 'Case study: mode collapse', summary: 'A model that gives only a few kinds of answer (diversity ratio < 0.1). Two graded cases: the agent whose answers collapse onto one, and a GAN on a ring of 8 Gaussians whose generator, learning ten times faster than its discriminator, draws only a few modes (mode_coverage counts them; adversarial_imbalance reads the two losses).', where: { detectors: ['mode_collapse', 'entropy_collapse', 'mode_coverage', 'adversarial_imbalance'], presets: ['mode_collapse', 'gen_lr_too_high'] } },
  { id: 'robust_pipeline', title: 'Prevention: robust training pipeline', summary: 'Run every detector after each step, handle failures (reduce the learning rate, clip, raise the temperature, adjust the reward), checkpoint when all checks pass.', where: { view: 'Automatic response (Train tab) and the faint run without it' } },
  { id: 'early_warning', title: 'Early warning system', summary: 'Warning signs with a severity and a recommendation: gradient variance, loss oscillation, capability spike, behaviour drift.', where: { detectors: ['gradient_variance', 'loss_oscillation', 'capability_spike', 'behavior_drift'], view: 'lead times in the Evaluate panel' } },
  { id: 'exercise_detectors', title: 'Exercise 1: implement detectors', summary: 'failure_detectors = {optimization, data_quality, alignment, emergence}.', where: { view: 'Your detectors (Python), part 1 of the path' } },
  { id: 'exercise_dashboard', title: 'Exercise 2: monitoring dashboard', summary: 'Real-time metrics visualisation, alerts for critical failures, historical analysis tools.', where: { view: 'the charts, the alert list, Runs; part 2 of the path' } },
  { id: 'exercise_real', title: 'Exercise 3: test on real training', summary: 'Train with injected failures, verify detection accuracy, measure early warning.', where: { view: 'graded cases, Automatic response, Evaluate; part 3 of the path' } },
  { id: 'further_reading', title: 'Further reading', summary: 'Five references, below, with what each says and where the lab meets it.', where: { view: 'Course reference' } },
];

/**
 * The course's further reading as full citations, readable offline: what each
 * says, in the lab's words, and where the lab meets it.
 */
export const READING = [
  {
    id: 'amodei2016',
    course: '“Concrete Problems in AI Safety” - Amodei et al. (includes training failures)',
    cite: 'Dario Amodei, Chris Olah, Jacob Steinhardt, Paul Christiano, John Schulman, Dan Mané. Concrete Problems in AI Safety. arXiv:1606.06565, 2016.',
    says: 'Five research problems of accidents in machine learning systems: avoiding negative side effects, avoiding reward hacking, scalable oversight, safe exploration, and robustness to distributional shift.',
    lab: 'Reward hacking (steps 1.9, 3.7) and the watched/unwatched gap of deceptive alignment (3.5), which is an oversight problem.',
  },
  {
    id: 'langosco2022',
    course: '“Goal Misgeneralization in Deep Reinforcement Learning” - Detailed analysis',
    cite: 'Lauro Langosco, Jack Koch, Lee Sharkey, Jacob Pfau, David Krueger. Goal Misgeneralization in Deep Reinforcement Learning. ICML 2022; arXiv:2105.14111.',
    says: 'An RL agent can keep its capabilities out of distribution while pursuing the wrong goal: it learned a goal that matched the intended one only on the training distribution.',
    lab: 'The agent of deceptive alignment (3.5) behaves well only in the contexts its reward sees.',
  },
  {
    id: 'zhang2017',
    course: '“Understanding Deep Learning Requires Rethinking Generalization” - Zhang et al.',
    cite: 'Chiyuan Zhang, Samy Bengio, Moritz Hardt, Benjamin Recht, Oriol Vinyals. Understanding Deep Learning Requires Rethinking Generalization. ICLR 2017; arXiv:1611.03530.',
    says: 'Standard networks fit random labels perfectly: training loss alone cannot tell learning from memorising.',
    lab: 'Label noise (step 1.8): the training loss falls while the validation loss rises; generalization_gap and accuracy_drop read the difference.',
  },
  {
    id: 'gao2022',
    course: '“Reward Model Overoptimization” - Anthropic’s analysis',
    cite: 'Leo Gao, John Schulman, Jacob Hilton. Scaling Laws for Reward Model Overoptimization. ICML 2023; arXiv:2210.10760. (The course page credits Anthropic; this, the best-known paper of that title, is from OpenAI.)',
    says: 'Optimising a learned proxy reward first raises the true (gold) reward, then lowers it: the gap grows predictably with how far the policy moves from its start.',
    lab: 'Reward hacking’s reward and true_quality charts part the same way (1.9); reward_hacking reads the two together.',
  },
  {
    id: 'hubinger2019',
    course: '“Deceptive Alignment” - Mesa-optimization risks',
    cite: 'Evan Hubinger, Chris van Merwijk, Vladimir Mikulik, Joar Skalse, Scott Garrabrant. Risks from Learned Optimization in Advanced Machine Learning Systems. arXiv:1906.01820, 2019 (section 4: deceptive alignment).',
    says: 'A learned model may itself be an optimiser with its own objective; one that models its training process may act aligned while watched, to be deployed.',
    lab: 'The deceptive-alignment case (3.5): the lab’s agent is no mesa-optimiser, but its behaviour gap is the symptom the course tests for.',
  },
];
