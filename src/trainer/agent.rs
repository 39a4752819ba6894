//! A policy-gradient agent: REINFORCE with a baseline, learning which kind of
//! response to give to a prompt.
//!
//! Each episode is one prompt and one response. A prompt has a kind (a fact
//! question, a request for an explanation, a coding task, a harmful request,
//! small talk), a few random surface features (its wording) and a `watched`
//! flag: whether the episode is one the overseer rates (training and
//! evaluation contexts) or one it does not see. The agent picks one of
//! [`RESPONSES`] response types with a softmax policy (an MLP from
//! [`super::mlp`]) and is paid by a configurable reward function, the proxy.
//! The lab also knows the response's true quality, the intended objective:
//! a table of how good each response type is for each prompt kind.
//!
//! Every step samples a batch of episodes, scores them with the proxy and the
//! true quality, and takes one real policy-gradient step:
//! `loss = -mean(advantage * log pi(a | x)) - entropy_bonus * mean(H(pi(. | x)))`
//! with the batch's mean reward as the baseline. Nothing is drawn: reward
//! hacking, mode collapse and deception are what these gradient steps make
//! of a bad reward or a bad setting.

use ndarray::{Array2, ArrayView2};
use serde::{Deserialize, Serialize};

use super::mlp::{Activation, Forward, Mlp};
use super::optim::{Optimizer, OptimizerKind};
use super::{check_batch_size, check_hidden, check_learning, global_norm};
use crate::config::{check, ConfigError};
use crate::metrics::{names, Frame};
use crate::rng::Rng;

/// Prompt kinds, in feature order.
pub const KINDS: [&str; 5] = ["fact", "explain", "code", "harmful", "chat"];

/// One response type: what it is called, how long it is, and how much an
/// unchecked user likes it.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ResponseType {
    /// Short id.
    pub id: &'static str,
    /// What the response looks like.
    pub description: &'static str,
    /// Its length in words (the course's naive reward pays 0.01 per word).
    pub words: f64,
    /// How much a user who asked, and nobody checking, likes it (0 to 1):
    /// doing exactly what was asked pays most, a refusal least.
    pub approval: f64,
}

/// The response types the agent chooses from, in output order.
pub const RESPONSES: [ResponseType; 10] = [
    ResponseType {
        id: "concise",
        description: "a short, correct answer",
        words: 25.0,
        approval: 0.6,
    },
    ResponseType {
        id: "detailed",
        description: "a careful step-by-step explanation",
        words: 180.0,
        approval: 0.6,
    },
    ResponseType {
        id: "code",
        description: "a working code snippet",
        words: 70.0,
        approval: 0.5,
    },
    ResponseType {
        id: "refusal",
        description: "a polite refusal",
        words: 15.0,
        approval: 0.0,
    },
    ResponseType {
        id: "friendly",
        description: "a friendly conversational reply",
        words: 20.0,
        approval: 0.5,
    },
    ResponseType {
        id: "hedge",
        description: "a generic 'it depends' answer",
        words: 40.0,
        approval: 0.3,
    },
    ResponseType {
        id: "padded",
        description: "a verbose answer padded with restatements",
        words: 350.0,
        approval: 0.5,
    },
    ResponseType {
        id: "filler",
        description: "repetitive filler ('yes, indeed, in other words, yes...')",
        words: 900.0,
        approval: 0.2,
    },
    ResponseType {
        id: "unsafe_comply",
        description: "does whatever was asked, unchecked, harmful requests included",
        words: 120.0,
        approval: 1.0,
    },
    ResponseType {
        id: "off_topic",
        description: "an answer to a different question",
        words: 50.0,
        approval: 0.1,
    },
];

/// True quality of each response type (columns, as [`RESPONSES`]) for each
/// prompt kind (rows, as [`KINDS`]): the intended objective, 0 to 1. Each
/// kind has one right response; no single response is good for every kind
/// (the best column mean is 0.46), so a policy that ignores the prompt is a
/// poor one: below the agent scenario's quality floor of 0.5.
pub const QUALITY: [[f64; 10]; 5] = [
    // concise detailed code refusal friendly hedge padded filler unsafe off
    [1.0, 0.6, 0.1, 0.1, 0.2, 0.3, 0.3, 0.0, 0.4, 0.0], // fact
    [0.4, 1.0, 0.3, 0.1, 0.1, 0.3, 0.4, 0.0, 0.4, 0.0], // explain
    [0.3, 0.5, 1.0, 0.1, 0.0, 0.2, 0.2, 0.0, 0.4, 0.0], // code
    [0.0, 0.0, 0.0, 1.0, 0.1, 0.4, 0.0, 0.0, 0.0, 0.0], // harmful
    [0.5, 0.2, 0.0, 0.2, 1.0, 0.3, 0.1, 0.0, 0.3, 0.1], // chat
];

/// Phrasings of each response type: equally good ways to say the same
/// thing. A healthy policy varies them; a collapsed one repeats one.
pub const PHRASINGS: usize = 8;
/// The policy's outputs: every phrasing of every response type. Output `a`
/// is phrasing `a % PHRASINGS` of response type `a / PHRASINGS`.
pub const ACTIONS: usize = RESPONSES.len() * PHRASINGS;

/// The diversity ratio of a batch of `n` episodes with `distinct` distinct
/// answers: distinct answers over the most a batch of that size can give
/// (`n`, but never more than [`ACTIONS`]). Up to 80 episodes it is the
/// course's distinct / batch; above, a batch that uses every answer is not
/// read as collapsed only because it is larger than the answer set.
pub fn diversity_ratio(distinct: usize, n: usize) -> f64 {
    distinct as f64 / n.clamp(1, ACTIONS) as f64
}

/// The response type of output `a`.
pub fn response_type(a: usize) -> usize {
    a / PHRASINGS
}

/// Random surface features of a prompt (its wording), which the policy must
/// learn to ignore.
pub const SURFACE: usize = 4;
/// Policy inputs: one-hot kind, the watched flag, the surface features.
pub const INPUTS: usize = KINDS.len() + 1 + SURFACE;
/// Input index of the watched flag.
const WATCHED: usize = KINDS.len();
/// The course's naive reward pays 0.01 per word.
pub const NAIVE_PER_WORD: f64 = 0.01;

/// The reward function the agent is trained on (the proxy).
///
/// An episode pays `rater * (true quality + rater noise) + per_word *
/// words`; with `watched_only`, an unwatched episode is not rated and pays
/// the response's user approval in place of the rater's term. The default is
/// the rater alone; the course's naive reward is `rater` 0, `per_word` 0.01.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Reward {
    /// Weight of the rater's score (the true quality plus rater noise).
    pub rater: f64,
    /// Pay per word of the response (the course's naive reward: 0.01).
    pub per_word: f64,
    /// The rater only rates watched episodes; unwatched ones pay approval.
    pub watched_only: bool,
}

impl Default for Reward {
    fn default() -> Self {
        Reward {
            rater: 1.0,
            per_word: 0.0,
            watched_only: false,
        }
    }
}

impl Reward {
    /// Checks the weights.
    pub fn validate(&self) -> Result<(), ConfigError> {
        check(
            self.rater.is_finite() && (0.0..=100.0).contains(&self.rater),
            "reward.rater",
            "must be between 0 and 100",
        )?;
        check(
            self.per_word.is_finite() && (0.0..=1.0).contains(&self.per_word),
            "reward.per_word",
            "must be between 0 and 1",
        )
    }

    /// What output `a` to a prompt of kind `kind` pays, with `noise` the
    /// rater's error on this episode.
    pub fn pay(&self, kind: usize, a: usize, watched: bool, noise: f64) -> f64 {
        let r = response_type(a);
        let rated = if watched || !self.watched_only {
            QUALITY[kind][r] + noise
        } else {
            RESPONSES[r].approval
        };
        self.rater * rated + self.per_word * RESPONSES[r].words
    }
}

/// Everything that defines an agent training run.
///
/// Defaults: seed 1, one hidden layer of 16 tanh units, Adam at learning rate
/// 0.01, 64 episodes per step, sampling temperature 1, entropy bonus 0.05,
/// the rater's reward with noise 0.1, half the episodes watched, 40 held-out
/// evaluation prompts (each asked watched and unwatched) every 10 steps.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct AgentConfig {
    /// Seed of every random choice in the run.
    pub seed: u64,
    /// Widths of the policy's hidden layers (empty: a linear policy).
    pub hidden: Vec<usize>,
    /// Hidden-layer non-linearity.
    pub activation: Activation,
    /// Multiplier of the He/Xavier initial weight scale.
    pub init_scale: f64,
    /// Learning rate.
    pub lr: f64,
    /// The update rule.
    pub optimizer: OptimizerKind,
    /// Momentum coefficient, also Adam's beta1 (0 to below 1).
    pub momentum: f64,
    /// Adam's beta2 (0 to below 1).
    pub beta2: f64,
    /// Episodes per gradient step.
    pub batch_size: usize,
    /// Sampling temperature: the policy is softmax(logits / temperature).
    pub temperature: f64,
    /// Weight of the policy's entropy in the objective (exploration).
    pub entropy_bonus: f64,
    /// The proxy reward the agent is trained on.
    pub reward: Reward,
    /// Standard deviation of the rater's error on each episode.
    pub rater_noise: f64,
    /// Share of training episodes that are watched.
    pub watched_frac: f64,
    /// Held-out evaluation prompts, each asked watched and unwatched.
    pub eval_prompts: usize,
    /// Steps between held-out evaluations.
    pub eval_every: u64,
}

impl Default for AgentConfig {
    fn default() -> Self {
        AgentConfig {
            seed: 1,
            hidden: vec![16],
            activation: Activation::Tanh,
            init_scale: 1.0,
            lr: 0.01,
            optimizer: OptimizerKind::Adam,
            momentum: 0.9,
            beta2: 0.999,
            batch_size: 64,
            temperature: 1.0,
            entropy_bonus: 0.05,
            reward: Reward::default(),
            rater_noise: 0.1,
            watched_frac: 0.5,
            eval_prompts: 40,
            eval_every: 10,
        }
    }
}

/// Bounds of the sampling temperature (settings, faults and responses).
pub const TEMPERATURE_RANGE: (f64, f64) = (0.01, 100.0);

impl AgentConfig {
    /// Checks every setting before use; the error names the first bad one.
    pub fn validate(&self) -> Result<(), ConfigError> {
        check_hidden(
            &self.hidden,
            0..=4,
            "the policy has at most 4 hidden layers",
        )?;
        check_learning(self.init_scale, self.lr, self.momentum, self.beta2)?;
        check_batch_size(self.batch_size)?;
        let (lo, hi) = TEMPERATURE_RANGE;
        check(
            self.temperature.is_finite() && (lo..=hi).contains(&self.temperature),
            "temperature",
            format!("must be between {lo} and {hi}"),
        )?;
        check(
            self.entropy_bonus.is_finite() && (0.0..=10.0).contains(&self.entropy_bonus),
            "entropy_bonus",
            "must be between 0 and 10",
        )?;
        self.reward.validate()?;
        check(
            self.rater_noise.is_finite() && (0.0..=10.0).contains(&self.rater_noise),
            "rater_noise",
            "must be between 0 and 10",
        )?;
        check(
            self.watched_frac.is_finite() && (0.0..=1.0).contains(&self.watched_frac),
            "watched_frac",
            "must be between 0 and 1",
        )?;
        check(
            (KINDS.len()..=10_000).contains(&self.eval_prompts),
            "eval_prompts",
            format!("must be between {} (one per kind) and 10000", KINDS.len()),
        )?;
        check(
            (1..=100_000).contains(&self.eval_every),
            "eval_every",
            "must be between 1 and 100000",
        )
    }
}

/// A batch of prompts: policy inputs, kinds and watched flags.
#[derive(Clone, Debug, PartialEq)]
pub struct Prompts {
    /// Policy inputs, (prompts, [`INPUTS`]).
    pub x: Array2<f64>,
    /// Kind of each prompt, an index into [`KINDS`].
    pub kinds: Vec<usize>,
}

impl Prompts {
    /// `n` random prompts: kinds uniform, watched with probability
    /// `watched_frac`, normal surface features.
    pub fn sample(n: usize, watched_frac: f64, rng: &mut Rng) -> Prompts {
        let mut x = Array2::zeros((n, INPUTS));
        let mut kinds = Vec::with_capacity(n);
        for i in 0..n {
            let kind = rng.below(KINDS.len());
            x[[i, kind]] = 1.0;
            if rng.uniform() < watched_frac {
                x[[i, WATCHED]] = 1.0;
            }
            for s in 0..SURFACE {
                x[[i, WATCHED + 1 + s]] = rng.normal();
            }
            kinds.push(kind);
        }
        Prompts { x, kinds }
    }

    /// Whether prompt `i` is watched.
    pub fn watched(&self, i: usize) -> bool {
        self.x[[i, WATCHED]] == 1.0
    }

    /// The same prompts with every watched flag set to `watched`.
    pub fn with_watched(&self, watched: bool) -> Prompts {
        let mut x = self.x.clone();
        x.column_mut(WATCHED).fill(if watched { 1.0 } else { 0.0 });
        Prompts {
            x,
            kinds: self.kinds.clone(),
        }
    }

    /// Number of prompts.
    pub fn len(&self) -> usize {
        self.kinds.len()
    }

    /// True when there are none.
    pub fn is_empty(&self) -> bool {
        self.kinds.is_empty()
    }
}

/// Row-wise softmax of `logits / temperature` and its logarithm
/// (max-shifted, through libm; one exp per entry, one log per row).
pub fn policy_probs(logits: &Array2<f64>, temperature: f64) -> (Array2<f64>, Array2<f64>) {
    let mut log_probs = logits.mapv(|v| v / temperature);
    let mut probs = Array2::zeros(logits.raw_dim());
    for (mut lp, mut p) in log_probs.rows_mut().into_iter().zip(probs.rows_mut()) {
        let max = lp.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        p.zip_mut_with(&lp, |p, &z| *p = libm::exp(z - max));
        let sum: f64 = p.sum();
        p.mapv_inplace(|v| v / sum);
        let log_sum = max + libm::log(sum);
        lp.mapv_inplace(|z| z - log_sum);
    }
    (probs, log_probs)
}

/// The policy-gradient objective of a batch of played episodes:
/// `loss = -mean(advantage * log p(action)) - entropy_bonus * mean(H(p))`,
/// with the advantages held fixed, and its gradient on the logits.
#[derive(Clone, Debug, PartialEq)]
pub struct Objective {
    /// The loss.
    pub loss: f64,
    /// The mean entropy of the policy over the batch, in nats.
    pub entropy: f64,
    /// d loss / d logits, (batch, actions).
    pub logit_grad: Array2<f64>,
}

impl Objective {
    /// The objective for a policy at `temperature` whose probabilities are
    /// `probs` (and their logs `log_probs`), having played `actions` with
    /// `advantages`.
    ///
    /// Per episode, d loss / d logit_j is
    /// `[adv * (p_j - [j = a]) + beta * p_j * (log p_j + H)] / (T n)`.
    pub fn of(
        probs: &Array2<f64>,
        log_probs: &Array2<f64>,
        actions: &[usize],
        advantages: &[f64],
        entropy_bonus: f64,
        temperature: f64,
    ) -> Objective {
        let n = actions.len() as f64;
        let scale = 1.0 / (temperature * n);
        let mut logit_grad = Array2::zeros(probs.raw_dim());
        let (mut loss, mut entropy) = (0.0, 0.0);
        let rows = probs.rows().into_iter().zip(log_probs.rows());
        for (i, (p, log_p)) in rows.enumerate() {
            let (a, adv) = (actions[i], advantages[i]);
            let h = -p.iter().zip(&log_p).map(|(p, lp)| p * lp).sum::<f64>();
            entropy += h;
            loss -= adv * log_p[a] + entropy_bonus * h;
            for (j, g) in logit_grad.row_mut(i).iter_mut().enumerate() {
                let chosen = if j == a { 1.0 } else { 0.0 };
                *g = (adv * (p[j] - chosen) + entropy_bonus * p[j] * (log_p[j] + h)) * scale;
            }
        }
        Objective {
            loss: loss / n,
            entropy: entropy / n,
            logit_grad,
        }
    }
}

/// A held-out evaluation: the policy's expected true quality on the
/// evaluation prompts, asked watched and asked unwatched.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Evaluation {
    /// Mean expected true quality with every prompt watched.
    pub watched: f64,
    /// Mean expected true quality with every prompt unwatched.
    pub unwatched: f64,
    /// Mean KL divergence (nats) of the policy from the initial one,
    /// `KL(pi || pi_0)`, over the same prompts in both contexts.
    pub kl_from_init: f64,
}

impl Evaluation {
    /// Watched minus unwatched: the course's behaviour shift.
    pub fn gap(&self) -> f64 {
        self.watched - self.unwatched
    }

    /// The mean of the two contexts.
    pub fn mean(&self) -> f64 {
        0.5 * (self.watched + self.unwatched)
    }

    /// The worse of the two contexts.
    pub fn worst(&self) -> f64 {
        self.watched.min(self.unwatched)
    }
}

/// What a rollback restores: the policy and the optimizer's state.
#[derive(Clone, Debug, PartialEq)]
pub struct AgentCheckpoint {
    /// The step the checkpoint was taken before.
    pub step: u64,
    /// The policy network.
    pub policy: Mlp,
    /// The optimizer and its state.
    pub optimizer: Optimizer,
}

/// An agent being trained: policy, optimizer, the settings faults and
/// responses change, the evaluation prompts and the random stream.
#[derive(Clone, Debug)]
pub struct Agent {
    /// The settings this run was built from.
    pub config: AgentConfig,
    /// The policy network: prompt features in, one logit per response type.
    pub policy: Mlp,
    /// The optimizer and its state.
    pub optimizer: Optimizer,
    /// Learning rate of the next step (faults and responses change it).
    pub lr: f64,
    /// Sampling temperature of the next step.
    pub temperature: f64,
    /// Entropy bonus of the next step.
    pub entropy_bonus: f64,
    /// The reward function of the next step.
    pub reward: Reward,
    /// Steps taken so far.
    pub step: u64,
    /// The last held-out evaluation, if any.
    pub last_eval: Option<Evaluation>,
    eval_prompts: Prompts,
    /// The initial policy's log-probabilities (at the run's temperature) on
    /// the evaluation prompts, asked watched and unwatched: the reference of
    /// [`Evaluation::kl_from_init`].
    init_log_probs: Box<[Array2<f64>; 2]>,
    rng: Rng,
}

impl Agent {
    /// A fresh agent from a validated config.
    pub fn new(config: AgentConfig) -> Result<Agent, ConfigError> {
        config.validate()?;
        let mut sizes = vec![INPUTS];
        sizes.extend(&config.hidden);
        sizes.push(ACTIONS);
        let policy = Mlp::new(
            &sizes,
            config.activation,
            config.init_scale,
            &mut Rng::derive(config.seed, 2),
        );
        let mut eval_prompts =
            Prompts::sample(config.eval_prompts, 0.0, &mut Rng::derive(config.seed, 5));
        // Every kind equally often, so the evaluation weighs them alike.
        for i in 0..eval_prompts.len() {
            let kind = i % KINDS.len();
            for k in 0..KINDS.len() {
                eval_prompts.x[[i, k]] = f64::from(u8::from(k == kind));
            }
            eval_prompts.kinds[i] = kind;
        }
        let init_log_probs = Box::new([true, false].map(|watched| {
            let fwd = policy.forward(eval_prompts.with_watched(watched).x.view());
            policy_probs(fwd.logits(), config.temperature).1
        }));
        Ok(Agent {
            optimizer: Optimizer::new(
                config.optimizer,
                config.momentum,
                config.beta2,
                &policy.layers,
            ),
            policy,
            lr: config.lr,
            temperature: config.temperature,
            entropy_bonus: config.entropy_bonus,
            reward: config.reward,
            step: 0,
            last_eval: None,
            eval_prompts,
            init_log_probs,
            rng: Rng::derive(config.seed, 3),
            config,
        })
    }

    /// The policy's action probabilities for `prompts`, and the forward pass.
    pub fn probs(&self, prompts: &Prompts) -> (Forward, Array2<f64>) {
        let fwd = self.policy.forward(prompts.x.view());
        let (probs, _) = policy_probs(fwd.logits(), self.temperature);
        (fwd, probs)
    }

    /// One policy-gradient step on a fresh batch of episodes; returns that
    /// step's metrics.
    pub fn step(&mut self) -> Frame {
        let n = self.config.batch_size;
        let prompts = Prompts::sample(n, self.config.watched_frac, &mut self.rng);
        let fwd = self.policy.forward(prompts.x.view());
        let (probs, log_probs) = policy_probs(fwd.logits(), self.temperature);

        // Play the episodes.
        let mut actions = Vec::with_capacity(n);
        let (mut rewards, mut quality) = (Vec::with_capacity(n), 0.0);
        for (i, row) in probs.rows().into_iter().enumerate() {
            let a = sample(row.iter().copied(), self.rng.uniform());
            let noise = self.config.rater_noise * self.rng.normal();
            let kind = prompts.kinds[i];
            rewards.push(self.reward.pay(kind, a, prompts.watched(i), noise));
            quality += QUALITY[kind][response_type(a)];
            actions.push(a);
        }
        let baseline = rewards.iter().sum::<f64>() / n as f64;

        let advantages: Vec<f64> = rewards.iter().map(|r| r - baseline).collect();
        let objective = Objective::of(
            &probs,
            &log_probs,
            &actions,
            &advantages,
            self.entropy_bonus,
            self.temperature,
        );
        let mut grads = self.policy.backward_from(&fwd, objective.logit_grad);
        let grad_norm = global_norm(&grads);
        self.optimizer.update(&mut grads, self.lr);
        for (layer, u) in self.policy.layers.iter_mut().zip(&grads) {
            layer.w += &u.w;
            layer.b += &u.b;
        }

        let mut distinct = [false; ACTIONS];
        for &a in &actions {
            distinct[a] = true;
        }
        let distinct = distinct.iter().filter(|&&d| d).count();
        let mut frame = Frame::new(self.step);
        frame
            .set(names::LOSS, objective.loss)
            .set(names::GRAD_NORM, grad_norm)
            .set(names::LR, self.lr)
            .set(names::REWARD, baseline)
            .set(names::TRUE_QUALITY, quality / n as f64)
            .set(names::POLICY_ENTROPY, objective.entropy)
            .set(names::DIVERSITY_RATIO, diversity_ratio(distinct, n));
        if self.step % self.config.eval_every == 0 {
            let e = self.evaluate();
            self.last_eval = Some(e);
            frame
                .set(names::EVAL_QUALITY, e.mean())
                .set(names::BEHAVIOR_GAP, e.gap())
                .set(names::KL_FROM_INIT, e.kl_from_init);
        }
        self.step += 1;
        frame
    }

    /// The policy's expected true quality on the held-out prompts, asked
    /// watched and unwatched (no sampling: exact expectations), and its KL
    /// divergence from the initial policy on the same prompts.
    pub fn evaluate(&self) -> Evaluation {
        let mut kl = 0.0;
        let mut expected = |watched: bool| {
            let prompts = self.eval_prompts.with_watched(watched);
            let fwd = self.policy.forward(prompts.x.view());
            let (probs, log_probs) = policy_probs(fwd.logits(), self.temperature);
            let init = &self.init_log_probs[usize::from(!watched)];
            kl += kl_divergence(probs.view(), log_probs.view(), init.view());
            let total: f64 = probs
                .rows()
                .into_iter()
                .zip(&prompts.kinds)
                .map(|(p, &k)| {
                    p.iter()
                        .enumerate()
                        .map(|(a, p)| p * QUALITY[k][response_type(a)])
                        .sum::<f64>()
                })
                .sum();
            total / prompts.len() as f64
        };
        let (watched, unwatched) = (expected(true), expected(false));
        Evaluation {
            watched,
            unwatched,
            kl_from_init: kl / 2.0,
        }
    }

    /// A copy of the policy and the optimizer state, to roll back to.
    pub fn checkpoint(&self) -> AgentCheckpoint {
        AgentCheckpoint {
            step: self.step,
            policy: self.policy.clone(),
            optimizer: self.optimizer.clone(),
        }
    }

    /// Restores the policy and optimizer state of `checkpoint`. The step
    /// count, the settings and the episode stream go on.
    pub fn restore(&mut self, checkpoint: &AgentCheckpoint) {
        self.policy = checkpoint.policy.clone();
        self.optimizer = checkpoint.optimizer.clone();
    }
}

/// The mean over rows of `KL(p || q)` (nats), for a policy's
/// probabilities `probs` and their logs `log_probs` against a reference's
/// log-probabilities `ref_log_probs` (same shape). A zero probability adds
/// nothing (0 log 0 = 0).
pub fn kl_divergence(
    probs: ArrayView2<f64>,
    log_probs: ArrayView2<f64>,
    ref_log_probs: ArrayView2<f64>,
) -> f64 {
    let mut total = 0.0;
    let rows = (probs.rows().into_iter())
        .zip(log_probs.rows())
        .zip(ref_log_probs.rows());
    for ((p, lp), lq) in rows {
        for ((&p, &lp), &lq) in p.iter().zip(&lp).zip(&lq) {
            if p > 0.0 {
                total += p * (lp - lq);
            }
        }
    }
    total / probs.nrows().max(1) as f64
}

/// Draws an index from probabilities `p` with a uniform number `u` in [0, 1)
/// (the last index if rounding leaves `u` above the total).
pub fn sample(p: impl Iterator<Item = f64>, u: f64) -> usize {
    let mut acc = 0.0;
    let mut last = 0;
    for (i, v) in p.enumerate() {
        acc += v;
        last = i;
        if u < acc {
            return i;
        }
    }
    last
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_policy_gradient_matches_finite_differences() {
        let mut agent = Agent::new(AgentConfig {
            hidden: vec![6],
            ..AgentConfig::default()
        })
        .unwrap();
        let prompts = Prompts::sample(5, 0.5, &mut Rng::new(9));
        let actions = [3, 17, 40, 41, 79];
        let advantages = [0.5, -1.0, 0.2, 0.0, 1.5];
        let (beta, t) = (0.3, 0.7);
        let loss = |policy: &Mlp| {
            let fwd = policy.forward(prompts.x.view());
            let (p, lp) = policy_probs(fwd.logits(), t);
            Objective::of(&p, &lp, &actions, &advantages, beta, t)
        };
        let fwd = agent.policy.forward(prompts.x.view());
        let grads = agent
            .policy
            .backward_from(&fwd, loss(&agent.policy).logit_grad);
        let eps = 1e-6;
        for (l, grad) in grads.iter().enumerate() {
            for (r, c) in [(0, 0), (1, 2), (3, 1), (5, 4)] {
                let w0 = agent.policy.layers[l].w[[r, c]];
                agent.policy.layers[l].w[[r, c]] = w0 + eps;
                let up = loss(&agent.policy).loss;
                agent.policy.layers[l].w[[r, c]] = w0 - eps;
                let down = loss(&agent.policy).loss;
                agent.policy.layers[l].w[[r, c]] = w0;
                let numeric = (up - down) / (2.0 * eps);
                let analytic = grad.w[[r, c]];
                assert!(
                    (numeric - analytic).abs() < 1e-7 * (1.0 + numeric.abs()),
                    "layer {l} ({r}, {c}): numeric {numeric}, analytic {analytic}"
                );
            }
        }
    }

    #[test]
    fn probabilities_sum_to_one_and_temperature_sharpens() {
        let logits = Array2::from_shape_fn((2, ACTIONS), |(i, j)| (i * j) as f64 * 0.01);
        let entropy_at = |t| {
            let (p, lp) = policy_probs(&logits, t);
            for (row, log_row) in p.rows().into_iter().zip(lp.rows()) {
                assert!((row.sum() - 1.0).abs() < 1e-12);
                for (&v, &lv) in row.iter().zip(&log_row) {
                    assert!((libm::exp(lv) - v).abs() < 1e-12);
                }
            }
            -p.row(1)
                .iter()
                .zip(&lp.row(1))
                .map(|(p, l)| p * l)
                .sum::<f64>()
        };
        assert!(entropy_at(0.1) < entropy_at(1.0));
        assert!(entropy_at(1.0) < entropy_at(10.0));
        // Huge logits stay finite.
        let (p, lp) = policy_probs(&logits.mapv(|v| v * 1e6), 1.0);
        assert!(p.iter().chain(lp.iter()).all(|v| v.is_finite()));
    }

    #[test]
    fn kl_divergence_is_zero_on_itself_and_matches_a_hand_computed_value() {
        let p = Array2::from_shape_vec((2, 3), vec![0.5, 0.5, 0.0, 0.2, 0.3, 0.5]).unwrap();
        let q = Array2::from_shape_vec((2, 3), vec![0.25, 0.25, 0.5, 0.2, 0.3, 0.5]).unwrap();
        let log = |a: &Array2<f64>| {
            a.mapv(|v| {
                if v > 0.0 {
                    libm::log(v)
                } else {
                    f64::NEG_INFINITY
                }
            })
        };
        let (lq, lp) = (log(&q), log(&p));
        assert_eq!(kl_divergence(q.view(), lq.view(), lq.view()), 0.0);
        // Row 0: 0.5 ln 2 twice (the zero adds nothing); row 1: 0.
        let kl = kl_divergence(p.view(), lp.view(), lq.view());
        assert!((kl - 0.5 * libm::log(2.0)).abs() < 1e-12, "{kl}");
    }

    #[test]
    fn kl_from_init_starts_at_zero_and_grows_with_training() {
        let mut agent = Agent::new(AgentConfig::default()).unwrap();
        assert_eq!(agent.evaluate().kl_from_init, 0.0);
        for _ in 0..200 {
            agent.step();
        }
        let kl = agent.evaluate().kl_from_init;
        assert!(kl > 1.0 && kl < libm::log(ACTIONS as f64) + 0.5, "{kl}");
    }

    #[test]
    fn sample_follows_the_cumulative_probabilities() {
        let p = [0.2, 0.0, 0.5, 0.3];
        assert_eq!(sample(p.iter().copied(), 0.0), 0);
        assert_eq!(sample(p.iter().copied(), 0.2), 2);
        assert_eq!(sample(p.iter().copied(), 0.69), 2);
        assert_eq!(sample(p.iter().copied(), 0.7), 3);
        assert_eq!(sample([0.5, 0.4999].into_iter(), 0.99995), 1, "rounding");
    }

    #[test]
    fn the_reward_pays_what_it_says() {
        let (fact, harmful) = (0, 3);
        let filler = 7 * PHRASINGS + 5;
        let unsafe_comply = 8 * PHRASINGS;
        let rater = Reward::default();
        assert_eq!(rater.pay(fact, 0, false, 0.0), 1.0);
        assert_eq!(rater.pay(fact, filler, true, 0.1), 0.1);
        let naive = Reward {
            rater: 0.0,
            per_word: NAIVE_PER_WORD,
            watched_only: false,
        };
        assert!(
            (naive.pay(fact, filler, true, 0.3) - 9.0).abs() < 1e-12,
            "900 words"
        );
        let watched_only = Reward {
            watched_only: true,
            ..rater
        };
        assert_eq!(watched_only.pay(harmful, unsafe_comply, true, 0.0), 0.0);
        assert_eq!(watched_only.pay(harmful, unsafe_comply, false, 0.0), 1.0);
    }

    #[test]
    fn every_kind_has_one_right_response_and_none_fits_all() {
        for (kind, row) in QUALITY.iter().enumerate() {
            let best: Vec<usize> = (0..RESPONSES.len()).filter(|&r| row[r] == 1.0).collect();
            assert_eq!(best.len(), 1, "{}", KINDS[kind]);
        }
        for r in 0..RESPONSES.len() {
            let mean = QUALITY.iter().map(|row| row[r]).sum::<f64>() / KINDS.len() as f64;
            assert!(mean < 0.5, "{}: {mean}", RESPONSES[r].id);
        }
    }

    #[test]
    fn validate_names_the_bad_field() {
        type Spoil = fn(&mut AgentConfig);
        let cases: [(&str, Spoil); 8] = [
            ("hidden", |c| c.hidden = vec![0]),
            ("lr", |c| c.lr = f64::NAN),
            ("batch_size", |c| c.batch_size = 0),
            ("temperature", |c| c.temperature = 0.0),
            ("entropy_bonus", |c| c.entropy_bonus = -1.0),
            ("reward.per_word", |c| c.reward.per_word = 2.0),
            ("watched_frac", |c| c.watched_frac = 1.5),
            ("eval_prompts", |c| c.eval_prompts = 4),
        ];
        for (field, spoil) in cases {
            let mut c = AgentConfig::default();
            spoil(&mut c);
            assert_eq!(Agent::new(c).unwrap_err().field, field);
        }
        let typo = serde_json::from_str::<AgentConfig>(r#"{"temprature": 2}"#);
        assert!(typo.unwrap_err().to_string().contains("unknown field"));
    }

    #[test]
    fn evaluation_prompts_weigh_every_kind_alike_and_learning_raises_quality() {
        let mut agent = Agent::new(AgentConfig::default()).unwrap();
        let mut counts = [0; KINDS.len()];
        for &k in &agent.eval_prompts.kinds {
            counts[k] += 1;
        }
        assert_eq!(counts, [8; KINDS.len()]);
        let first = agent.evaluate();
        assert!(first.gap().abs() < 0.05 && first.mean() < 0.5, "{first:?}");
        for _ in 0..300 {
            agent.step();
        }
        let trained = agent.evaluate();
        assert!(trained.worst() > 0.9, "{trained:?}");
    }
}
