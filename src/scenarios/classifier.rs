//! The classifier scenario: an MLP learning a 2-D dataset, and the faults
//! that break its training.
//!
//! Every fault changes the mechanics (the learning rate, the weights, the
//! network, the data of one batch) at its step; what follows is what real
//! gradient steps make of it. Nothing is drawn.

use serde::{Deserialize, Serialize};

use super::agent;
use crate::config::{check, ConfigError};
use crate::rng::Rng;
use crate::trainer::data::{DatasetKind, Split};
use crate::trainer::mlp::{Activation, Loss, Mlp};
use crate::trainer::optim::OptimizerKind;
use crate::trainer::{TrainConfig, Trainer};

/// What a corrupt batch carries in its bad record.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Corruption {
    /// Not a number (a failed parse, a 0/0 upstream).
    Nan,
    /// Infinity (an overflow upstream).
    Inf,
    /// A huge but finite value, 1e200 (a unit error, a sentinel value).
    Huge,
}

impl Corruption {
    /// The value written into the record.
    pub fn value(self) -> f64 {
        match self {
            Corruption::Nan => f64::NAN,
            Corruption::Inf => f64::INFINITY,
            Corruption::Huge => 1e200,
        }
    }
}

/// A fault of the classifier scenario, as configured by the learner.
///
/// In JSON: `{"kind": "lr_spike", "at_step": 300, "factor": 50}`; every
/// field but `kind` may be left out for its default.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum Fault {
    /// From `at_step` on, the learning rate is multiplied by `factor`:
    /// the updates overshoot, the weights grow and the gradients explode.
    LrSpike {
        /// First step with the multiplied learning rate (default 300).
        #[serde(default = "default_at_step")]
        at_step: u64,
        /// The multiplier (default 50).
        #[serde(default = "default_spike_factor")]
        factor: f64,
    },
    /// At `at_step` the weights are re-initialised `scale` times larger
    /// than the run's init: the outputs and gradients are huge, the first
    /// updates overshoot and the run explodes.
    InitTooLarge {
        /// The step at which the weights are replaced (default 300).
        #[serde(default = "default_at_step")]
        at_step: u64,
        /// Multiplier of the run's initial weight scale (default 10).
        #[serde(default = "default_init_factor")]
        scale: f64,
    },
    /// At `at_step` the network is rebuilt `depth` sigmoid layers deep with a
    /// small init: every layer multiplies the backward signal by at most a
    /// quarter times its small weights, so the gradient reaching the first
    /// layer vanishes (below 1e-8) and the early layers stop learning.
    Vanishing {
        /// The step at which the network is rebuilt (default 0: from the start).
        #[serde(default)]
        at_step: u64,
        /// Hidden sigmoid layers (default 8).
        #[serde(default = "default_depth")]
        depth: usize,
        /// Units per hidden layer (default 8).
        #[serde(default = "default_width")]
        width: usize,
        /// Multiplier of the Xavier weight scale (default 0.1).
        #[serde(default = "default_small_init")]
        init_scale: f64,
    },
    /// At `at_step` every bias of the first hidden layer is shifted by
    /// `bias_shift`: no input reaches the active range any more (ReLUs die,
    /// sigmoid and tanh units saturate), the gradients into the hidden
    /// layers are zero and the loss goes flat at the level of a constant
    /// guess.
    Plateau {
        /// The step of the shift (default 300).
        #[serde(default = "default_at_step")]
        at_step: u64,
        /// Added to every first-layer bias (default -20).
        #[serde(default = "default_bias_shift")]
        bias_shift: f64,
    },
    /// From `at_step` on, the learning rate is multiplied by `factor`, far
    /// past the edge of stability. With the cross-entropy loss, whose
    /// gradient is bounded, the updates cannot grow without limit: each one
    /// overshoots to the other side of the valley and the loss swings up and
    /// down every step without converging. (With the squared loss the same
    /// jump explodes: that is `lr_spike`.)
    Oscillation {
        /// First step with the multiplied learning rate (default 300).
        #[serde(default = "default_at_step")]
        at_step: u64,
        /// The multiplier (default 100).
        #[serde(default = "default_oscillation_factor")]
        factor: f64,
    },
    /// At `at_step` one record of the batch carries `value` in its inputs:
    /// the forward pass carries it to the loss, which is no longer finite on
    /// that very step, and the update spreads it into every weight.
    CorruptBatch {
        /// The step of the corrupt batch (default 300).
        #[serde(default = "default_at_step")]
        at_step: u64,
        /// What the bad record carries (default nan).
        #[serde(default = "default_corruption")]
        value: Corruption,
    },
    /// At `at_step` the training split is resampled so that class `rare`
    /// keeps only one point for every `ratio` points of the other (at least
    /// one point stays). The gradient is then almost all majority class: the
    /// network learns to answer the majority everywhere, and on the balanced
    /// validation split the rare class's recall collapses and the accuracy
    /// sinks toward one half.
    ClassImbalance {
        /// The step of the resampling (default 300).
        #[serde(default = "default_at_step")]
        at_step: u64,
        /// Majority points per minority point (default 100, the course
        /// page's check_data_imbalance threshold).
        #[serde(default = "default_imbalance_ratio")]
        ratio: f64,
        /// The class made rare, 0 or 1 (default 1).
        #[serde(default = "default_rare_class")]
        rare: usize,
    },
    /// At `at_step` the labels of a fixed, seeded `fraction` of the training
    /// points are flipped to the other class. A network with room to spare
    /// memorises the wrong labels point by point: its training loss keeps
    /// falling while the loss on the (correctly labelled) validation split
    /// rises.
    LabelNoise {
        /// The step the labels are flipped (default 300).
        #[serde(default = "default_at_step")]
        at_step: u64,
        /// Share of training points flipped, above 0 and at most 0.5
        /// (default 0.4).
        #[serde(default = "default_noise_fraction")]
        fraction: f64,
    },
    /// At `at_step` the validation points are mixed into the training set
    /// (`copies` times), as when a benchmark's test data leaks into a
    /// training corpus. The network then fits them like training points:
    /// the validation metrics become optimistic, and only a split that never
    /// leaked (the test split) still measures how well it generalises.
    DataContamination {
        /// The step the validation points leak in (default 300).
        #[serde(default = "default_at_step")]
        at_step: u64,
        /// How many copies of the validation split are added, 1 to 100
        /// (default 40: leaked items often appear many times over, and a
        /// small network memorises only what it sees often).
        #[serde(default = "default_copies")]
        copies: usize,
    },
    /// Agent scenario: the course's naive length reward takes over; see
    /// [`agent::RewardHacking`].
    RewardHacking(agent::RewardHacking),
    /// Agent scenario: entropy bonus off, temperature down, learning rate
    /// up; see [`agent::ModeCollapse`].
    ModeCollapse(agent::ModeCollapse),
    /// Agent scenario: unwatched episodes go unrated; see
    /// [`agent::DeceptiveAlignment`].
    DeceptiveAlignment(agent::DeceptiveAlignment),
}

fn default_at_step() -> u64 {
    300
}
fn default_spike_factor() -> f64 {
    50.0
}
fn default_init_factor() -> f64 {
    10.0
}
fn default_depth() -> usize {
    8
}
fn default_width() -> usize {
    8
}
fn default_small_init() -> f64 {
    0.1
}
fn default_bias_shift() -> f64 {
    -20.0
}
fn default_oscillation_factor() -> f64 {
    100.0
}
fn default_corruption() -> Corruption {
    Corruption::Nan
}
fn default_imbalance_ratio() -> f64 {
    100.0
}
fn default_rare_class() -> usize {
    1
}
fn default_noise_fraction() -> f64 {
    0.4
}
fn default_copies() -> usize {
    40
}

/// Random stream of the weights a fault builds (distinct from the run's own).
const FAULT_INIT_STREAM: u64 = 4;
/// The most training points a data fault may leave (24 bytes each with
/// its label: 24 MB), which a browser tab holds without strain.
const MAX_TRAIN_POINTS: usize = 1_000_000;

/// Random stream of the training points whose labels a fault flips.
const LABEL_NOISE_STREAM: u64 = 5;

impl Fault {
    /// Ids of the classifier's fault kinds, in display order (the agent's
    /// are [`Fault::AGENT_IDS`]).
    pub const IDS: [&'static str; 9] = [
        "lr_spike",
        "init_too_large",
        "vanishing",
        "plateau",
        "oscillation",
        "corrupt_batch",
        "class_imbalance",
        "label_noise",
        "data_contamination",
    ];

    /// The learning-rate spike with its defaults, starting at `at_step`.
    pub fn lr_spike(at_step: u64) -> Fault {
        Fault::LrSpike {
            at_step,
            factor: default_spike_factor(),
        }
    }

    /// The fault of kind `id` with every setting at its default.
    pub fn default_for(id: &str) -> Option<Fault> {
        serde_json::from_value(serde_json::json!({ "kind": id })).ok()
    }

    /// Stable id of the fault kind.
    pub fn id(&self) -> &'static str {
        match self {
            Fault::LrSpike { .. } => "lr_spike",
            Fault::InitTooLarge { .. } => "init_too_large",
            Fault::Vanishing { .. } => "vanishing",
            Fault::Plateau { .. } => "plateau",
            Fault::Oscillation { .. } => "oscillation",
            Fault::CorruptBatch { .. } => "corrupt_batch",
            Fault::ClassImbalance { .. } => "class_imbalance",
            Fault::LabelNoise { .. } => "label_noise",
            Fault::DataContamination { .. } => "data_contamination",
            Fault::RewardHacking(_) => "reward_hacking",
            Fault::ModeCollapse(_) => "mode_collapse",
            Fault::DeceptiveAlignment(_) => "deceptive_alignment",
        }
    }

    /// The step at which the fault takes effect.
    pub fn at_step(&self) -> u64 {
        match *self {
            Fault::LrSpike { at_step, .. }
            | Fault::InitTooLarge { at_step, .. }
            | Fault::Vanishing { at_step, .. }
            | Fault::Plateau { at_step, .. }
            | Fault::Oscillation { at_step, .. }
            | Fault::CorruptBatch { at_step, .. }
            | Fault::ClassImbalance { at_step, .. }
            | Fault::LabelNoise { at_step, .. }
            | Fault::DataContamination { at_step, .. } => at_step,
            Fault::RewardHacking(ref f) => f.at_step,
            Fault::ModeCollapse(ref f) => f.at_step,
            Fault::DeceptiveAlignment(ref f) => f.at_step,
        }
    }

    /// Checks the fault's own settings.
    pub fn validate(&self) -> Result<(), ConfigError> {
        match *self {
            Fault::LrSpike { factor, .. } | Fault::Oscillation { factor, .. } => check(
                factor.is_finite() && (1.0..=1e6).contains(&factor),
                "factor",
                "the learning-rate factor must be between 1 and 1000000",
            ),
            Fault::InitTooLarge { scale, .. } => check(
                scale.is_finite() && (1.0..=1000.0).contains(&scale),
                "scale",
                "the init multiplier must be between 1 and 1000",
            ),
            Fault::Vanishing {
                depth,
                width,
                init_scale,
                ..
            } => {
                check(
                    (1..=8).contains(&depth),
                    "depth",
                    "the vanishing network needs 1 to 8 hidden layers",
                )?;
                check(
                    (1..=256).contains(&width),
                    "width",
                    "the vanishing network needs 1 to 256 units per layer",
                )?;
                check(
                    init_scale.is_finite() && init_scale > 0.0 && init_scale <= 1000.0,
                    "init_scale",
                    "the vanishing network's init scale must be above 0 and at most 1000",
                )
            }
            Fault::Plateau { bias_shift, .. } => check(
                bias_shift.is_finite() && (-1000.0..=1000.0).contains(&bias_shift),
                "bias_shift",
                "the bias shift must be between -1000 and 1000",
            ),
            Fault::CorruptBatch { .. } => Ok(()),
            Fault::ClassImbalance { ratio, rare, .. } => {
                check(
                    ratio.is_finite() && (1.0..=1000.0).contains(&ratio),
                    "ratio",
                    "the imbalance ratio must be between 1 and 1000",
                )?;
                check(rare <= 1, "rare", "the rare class must be 0 or 1")
            }
            Fault::LabelNoise { fraction, .. } => check(
                fraction.is_finite() && fraction > 0.0 && fraction <= 0.5,
                "fraction",
                "the share of flipped labels must be above 0 and at most 0.5 (beyond half, \
                 the classes just swap names)",
            ),
            Fault::DataContamination { copies, .. } => check(
                (1..=100).contains(&copies),
                "copies",
                "the copies of the validation split must be between 1 and 100",
            ),
            Fault::RewardHacking(_) | Fault::ModeCollapse(_) | Fault::DeceptiveAlignment(_) => {
                self.validate_agent()
            }
        }
    }

    /// Whether the fault changes the training data (undone by restoring it).
    pub fn changes_data(&self) -> bool {
        matches!(
            self,
            Fault::ClassImbalance { .. }
                | Fault::LabelNoise { .. }
                | Fault::DataContamination { .. }
        )
    }

    /// Applies a data fault's change to the trainer's training split (other
    /// faults: nothing).
    pub fn change_data(&self, trainer: &mut Trainer) {
        let data = &mut trainer.data;
        match *self {
            Fault::ClassImbalance { ratio, rare, .. } => {
                let counts = data.train.class_counts(data.classes);
                let common = counts.iter().enumerate().filter(|&(c, _)| c != rare);
                let majority = common.map(|(_, &n)| n).max().unwrap_or(0);
                let keep = (libm::ceil(majority as f64 / ratio) as usize).max(1);
                let mut kept = 0;
                let idx: Vec<usize> = (0..data.train.len())
                    .filter(|&i| {
                        let take = data.train.y[i] != rare || kept < keep;
                        kept += usize::from(data.train.y[i] == rare && take);
                        take
                    })
                    .collect();
                data.train = data.train.batch(&idx);
            }
            Fault::LabelNoise { fraction, .. } => {
                let n = data.train.len();
                let flips = libm::round(fraction * n as f64) as usize;
                let mut rng = Rng::derive(trainer.config.seed, LABEL_NOISE_STREAM);
                // The first `flips` of a seeded shuffle (Fisher-Yates).
                let mut order: Vec<usize> = (0..n).collect();
                for i in 0..flips.min(n) {
                    let j = i + rng.below(n - i);
                    order.swap(i, j);
                    let y = &mut data.train.y[order[i]];
                    *y = (*y + 1) % data.classes;
                }
            }
            Fault::DataContamination { copies, .. } => {
                data.train = data.train.joined(&data.val, copies);
            }
            _ => {}
        }
    }

    /// Checks that the fault does what it says in a run of `config`.
    pub fn check_setup(&self, config: &TrainConfig) -> Result<(), ConfigError> {
        match *self {
            Fault::DataContamination { copies, .. } => check(
                config.n_train + copies * config.n_val <= MAX_TRAIN_POINTS,
                "copies",
                format!(
                    "the training set would grow to {} points with {copies} copies of the \
                     {} validation points; at most {MAX_TRAIN_POINTS} fit",
                    config.n_train + copies * config.n_val,
                    config.n_val
                ),
            ),
            Fault::Oscillation { .. } => check(
                config.loss == Loss::CrossEntropy,
                "loss",
                "oscillation needs the cross-entropy loss: with the squared loss a learning \
                 rate this large explodes instead (that is the lr_spike fault)",
            ),
            _ => Ok(()),
        }
    }

    /// Called before every step with the step's batch; applies the fault
    /// when its time has come. Returns true on the step where it takes effect.
    pub fn before_step(
        &self,
        trainer: &mut Trainer,
        batch: &mut Split,
        already_applied: bool,
    ) -> bool {
        if already_applied || trainer.step < self.at_step() {
            return false;
        }
        match *self {
            Fault::LrSpike { factor, .. } | Fault::Oscillation { factor, .. } => {
                trainer.lr *= factor;
            }
            Fault::InitTooLarge { scale, .. } => {
                let mlp = Mlp::new(
                    &trainer.mlp.sizes(),
                    trainer.mlp.activation,
                    trainer.config.init_scale * scale,
                    &mut Rng::derive(trainer.config.seed, FAULT_INIT_STREAM),
                );
                trainer.replace_network(mlp);
            }
            Fault::Vanishing {
                depth,
                width,
                init_scale,
                ..
            } => {
                let sizes = trainer.mlp.sizes();
                let mut deep = vec![sizes[0]];
                deep.extend(vec![width; depth]);
                deep.push(sizes[sizes.len() - 1]);
                let mlp = Mlp::new(
                    &deep,
                    Activation::Sigmoid,
                    init_scale,
                    &mut Rng::derive(trainer.config.seed, FAULT_INIT_STREAM),
                );
                trainer.replace_network(mlp);
            }
            Fault::Plateau { bias_shift, .. } => {
                trainer.mlp.layers[0].b += bias_shift;
            }
            Fault::CorruptBatch { value, .. } => {
                batch.x.row_mut(0).fill(value.value());
            }
            Fault::ClassImbalance { .. }
            | Fault::LabelNoise { .. }
            | Fault::DataContamination { .. } => {
                self.change_data(trainer);
                // This step already trains on the changed data.
                *batch = trainer.next_batch();
            }
            // The agent's faults act on the agent (`before_agent_step`).
            Fault::RewardHacking(_) | Fault::ModeCollapse(_) | Fault::DeceptiveAlignment(_) => {
                return false;
            }
        }
        true
    }

    /// Undoes the fault's effect after it was applied (the learner switched
    /// it off). A replaced network or a batch already trained on cannot be
    /// given back: those stay.
    pub fn undo(&self, trainer: &mut Trainer) {
        match *self {
            Fault::LrSpike { factor, .. } | Fault::Oscillation { factor, .. } => {
                trainer.lr /= factor;
            }
            Fault::Plateau { bias_shift, .. } => {
                trainer.mlp.layers[0].b -= bias_shift;
            }
            Fault::InitTooLarge { .. } | Fault::Vanishing { .. } | Fault::CorruptBatch { .. } => {}
            Fault::ClassImbalance { .. }
            | Fault::LabelNoise { .. }
            | Fault::DataContamination { .. } => {
                trainer.restore_data();
            }
            Fault::RewardHacking(_) | Fault::ModeCollapse(_) | Fault::DeceptiveAlignment(_) => {}
        }
    }
}

/// Steps of a suite run of this scenario.
pub const SUITE_STEPS: u64 = 1500;

pub fn default_setup(seed: u64) -> TrainConfig {
    TrainConfig {
        seed,
        ..TrainConfig::default()
    }
}

pub fn circles_setup(seed: u64) -> TrainConfig {
    TrainConfig {
        dataset: DatasetKind::Circles,
        ..default_setup(seed)
    }
}

/// Tanh units with the cross-entropy loss on circles: a loss whose gradient
/// is bounded, on a problem the default network learns.
pub fn bounded_gradient_setup(seed: u64) -> TrainConfig {
    TrainConfig {
        activation: Activation::Tanh,
        loss: Loss::CrossEntropy,
        ..circles_setup(seed)
    }
}

/// Room to spare: a wider network with Adam on only 100 points of circles.
/// Clean, it learns them without overfitting (the classes do not overlap);
/// with wrong labels it can memorise them point by point. (At Adam's usual
/// 0.01 the clean loss sinks so close to 0 that the course's absolute
/// loss_plateau check calls it stuck on some seeds.)
pub fn small_data_setup(seed: u64) -> TrainConfig {
    TrainConfig {
        n_train: 100,
        hidden: vec![32, 32],
        optimizer: OptimizerKind::Adam,
        lr: 0.005,
        ..circles_setup(seed)
    }
}

/// Overlapping classes (Gaussians with noise 0.5: about one point in eight
/// sits on the wrong side) and 400 training points, more than this network
/// memorises in a run: clean, the validation and test losses stay together.
/// The 50 validation points, leaked in many times over, are few enough to
/// memorise.
pub fn leak_setup(seed: u64) -> TrainConfig {
    TrainConfig {
        dataset: DatasetKind::Gaussians,
        noise: 0.5,
        n_train: 400,
        n_val: 50,
        hidden: vec![32, 32],
        optimizer: OptimizerKind::Adam,
        lr: 0.01,
        ..default_setup(seed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_has_defaults_and_round_trips() {
        for id in Fault::IDS {
            let fault = Fault::default_for(id).unwrap();
            assert_eq!(fault.id(), id);
            fault.validate().unwrap();
            let json = serde_json::to_string(&fault).unwrap();
            assert_eq!(serde_json::from_str::<Fault>(&json).unwrap(), fault);
        }
        assert_eq!(Fault::default_for("nope"), None);
        assert_eq!(Fault::default_for("lr_spike"), Some(Fault::lr_spike(300)));
        let typo = serde_json::from_str::<Fault>(r#"{"kind": "plateau", "shift": -5}"#);
        assert!(typo.unwrap_err().to_string().contains("unknown field"));
    }

    #[test]
    fn bad_settings_name_their_field() {
        let bad = [
            (r#"{"kind": "lr_spike", "factor": 0.5}"#, "factor"),
            (r#"{"kind": "init_too_large", "scale": 1e9}"#, "scale"),
            (r#"{"kind": "vanishing", "depth": 9}"#, "depth"),
            (r#"{"kind": "vanishing", "width": 0}"#, "width"),
            (r#"{"kind": "vanishing", "init_scale": 0}"#, "init_scale"),
            (r#"{"kind": "plateau", "bias_shift": -5000}"#, "bias_shift"),
            (r#"{"kind": "oscillation", "factor": -1}"#, "factor"),
            (r#"{"kind": "class_imbalance", "ratio": 0.5}"#, "ratio"),
            (r#"{"kind": "class_imbalance", "ratio": 1e9}"#, "ratio"),
            (r#"{"kind": "class_imbalance", "rare": 2}"#, "rare"),
            (r#"{"kind": "label_noise", "fraction": 0}"#, "fraction"),
            (r#"{"kind": "label_noise", "fraction": 0.6}"#, "fraction"),
            (r#"{"kind": "data_contamination", "copies": 0}"#, "copies"),
            (
                r#"{"kind": "data_contamination", "copies": 1000}"#,
                "copies",
            ),
        ];
        for (json, field) in bad {
            let fault: Fault = serde_json::from_str(json).unwrap();
            assert_eq!(fault.validate().unwrap_err().field, field, "{json}");
        }
    }

    #[test]
    fn oscillation_asks_for_a_bounded_gradient() {
        let fault = Fault::default_for("oscillation").unwrap();
        let err = fault.check_setup(&TrainConfig::default()).unwrap_err();
        assert_eq!(err.field, "loss");
        assert!(err.reason.contains("cross-entropy"));
        fault.check_setup(&bounded_gradient_setup(1)).unwrap();
    }

    #[test]
    fn contamination_refuses_a_training_set_too_large_to_hold() {
        let fault = Fault::DataContamination {
            at_step: 0,
            copies: 100,
        };
        fault.check_setup(&TrainConfig::default()).unwrap();
        let big = TrainConfig {
            n_val: 20_000,
            ..TrainConfig::default()
        };
        let err = fault.check_setup(&big).unwrap_err();
        assert_eq!(err.field, "copies");
        assert!(err.reason.contains("2000400 points"), "{}", err.reason);
    }

    #[test]
    fn data_faults_change_the_training_split_as_described() {
        let fresh = || Trainer::new(TrainConfig::default()).unwrap();
        let apply = |id: &str| {
            let mut t = fresh();
            Fault::default_for(id).unwrap().change_data(&mut t);
            t
        };
        // 100:1 with class 1 rare: all 200 of class 0, 2 of class 1.
        let t = apply("class_imbalance");
        assert_eq!(t.data.train.class_counts(2), [200, 2]);
        assert_eq!(t.class_ratio(), 100.0);
        // At least one point of the rare class stays, whatever the ratio.
        let mut t = fresh();
        Fault::ClassImbalance {
            at_step: 0,
            ratio: 1000.0,
            rare: 0,
        }
        .change_data(&mut t);
        assert_eq!(t.data.train.class_counts(2), [1, 200]);

        // 40% of the 400 labels flipped, the same ones for the same seed;
        // the points themselves stay.
        let (a, b, clean) = (apply("label_noise"), apply("label_noise"), fresh());
        let flipped = |t: &Trainer| {
            (t.data.train.y.iter())
                .zip(&clean.data.train.y)
                .filter(|(a, b)| a != b)
                .count()
        };
        assert_eq!(flipped(&a), 160);
        assert_eq!(a.data.train, b.data.train);
        assert_eq!(a.data.train.x, clean.data.train.x);

        // 40 copies of the 200 validation points after the 400 training points.
        let t = apply("data_contamination");
        assert_eq!(t.data.train.len(), 400 + 40 * 200);
        let last = t.data.train.len() - 1;
        assert_eq!(t.data.train.x.row(last), clean.data.val.x.row(199));
        assert_eq!(t.data.train.x.row(399), clean.data.train.x.row(399));
        assert_eq!((t.data.val, t.data.test), (clean.data.val, clean.data.test));
    }

    #[test]
    fn undo_gives_back_what_can_be_given_back() {
        let mut trainer = Trainer::new(TrainConfig::default()).unwrap();
        let mut batch = trainer.next_batch();
        let before = (trainer.lr, trainer.mlp.clone());
        for id in ["lr_spike", "plateau"] {
            let fault = Fault::default_for(id).unwrap();
            trainer.step = 300;
            assert!(fault.before_step(&mut trainer, &mut batch, false));
            assert!(!fault.before_step(&mut trainer, &mut batch, true));
            fault.undo(&mut trainer);
        }
        assert_eq!((trainer.lr, trainer.mlp), before);
    }
}
