//! The classifier scenario: an MLP learning a 2-D dataset, and the faults
//! that break its training, one file each, registered below.
//!
//! Every fault changes the mechanics (the learning rate, the weights, the
//! network, the data of one batch) at its step; what follows is what real
//! gradient steps make of it. Nothing is drawn.

use crate::config::{check, ConfigError};
use crate::metrics::Frame;
use crate::rng::Rng;
use crate::scenarios::fault::{fault_registry, FieldDoc};
use crate::trainer::data::{DatasetKind, Split};
use crate::trainer::mlp::{Activation, Loss};
use crate::trainer::optim::OptimizerKind;
use crate::trainer::{TrainConfig, Trainer};

fault_registry! {
    /// A fault of the classifier scenario, as configured by the learner.
    ///
    /// In JSON: `{"kind": "lr_spike", "at_step": 300, "factor": 50}`; every
    /// field but `kind` may be left out for its default.
    ClassifierFault as dyn ClassifierEffect {
        lr_spike: LrSpike,
        lr_collapse: LrCollapse,
        init_too_large: InitTooLarge,
        vanishing: Vanishing,
        plateau: Plateau,
        oscillation: Oscillation,
        corrupt_batch: CorruptBatch,
        class_imbalance: ClassImbalance,
        label_noise: LabelNoise,
        data_contamination: DataContamination,
        spurious_feature: SpuriousFeature,
        grokking: Grokking,
    }
}

/// What a classifier fault does to the trainer, and the setup of the suite
/// case it defines.
pub trait ClassifierEffect {
    /// Checks that the fault does what it says in a run of `config`.
    fn check_setup(&self, _config: &TrainConfig) -> Result<(), ConfigError> {
        Ok(())
    }
    /// Whether the fault changes the training data (undone by restoring it).
    fn changes_data(&self) -> bool {
        false
    }
    /// A data fault's change to the trainer's training split.
    fn change_data(&self, _trainer: &mut Trainer) {}
    /// Applies the fault on the step it takes effect, before the step
    /// trains on `batch`.
    fn apply(&self, trainer: &mut Trainer, batch: &mut Split);
    /// Undoes the fault's effect after it was applied (the learner switched
    /// it off). A replaced network or a batch already trained on cannot be
    /// given back: those stay.
    fn undo(&self, trainer: &mut Trainer);
    /// Whether `frame`, a step of a run with this fault in effect, shows the
    /// fault's outcome without ending the run: the event its early warning
    /// must come before (grokking: held-out accuracy passes 0.7). The run
    /// records the first such step as the fault's `emerged`.
    fn outcome(&self, _frame: &Frame) -> bool {
        false
    }
    /// The training setup (for a seed) of the suite case this fault
    /// defines: the fault at its defaults for [`SUITE_STEPS`] steps.
    fn suite_setup(&self, seed: u64) -> TrainConfig;
}

impl ClassifierFault {
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
        self.kind().apply(trainer, batch);
        true
    }
}

/// The learning-rate multiplier of `lr_spike` and `oscillation`.
pub(crate) const LR_FACTOR: FieldDoc = FieldDoc::new("factor", "× factor").range(1.0, 1e6);

/// Checks a learning-rate multiplier ([`LR_FACTOR`]).
pub(crate) fn check_lr_factor(factor: f64) -> Result<(), ConfigError> {
    check(
        factor.is_finite() && (1.0..=1e6).contains(&factor),
        "factor",
        "the learning-rate factor must be between 1 and 1000000",
    )
}

/// Random stream of the weights a fault builds (distinct from the run's own).
const FAULT_INIT_STREAM: u64 = 4;

/// The random stream of the weights a fault builds in `trainer`'s run.
pub(crate) fn fault_rng(trainer: &Trainer) -> Rng {
    Rng::derive(trainer.config.seed, FAULT_INIT_STREAM)
}

/// A data fault's `apply`: the data changes, and this step already trains
/// on the changed data.
pub(crate) fn train_on_changed_data(
    fault: &impl ClassifierEffect,
    trainer: &mut Trainer,
    batch: &mut Split,
) {
    fault.change_data(trainer);
    *batch = trainer.next_batch();
}

/// What the page says of the classifier.
pub const DOC: super::ScenarioDoc = super::ScenarioDoc {
    id: "classifier",
    title: "Classifier (2-D points)",
    charts: "loss,grad_norm,val_acc,lr",
    failed: "The loss is no longer a number: the run cannot go on.",
};

/// Steps of a suite run of this scenario.
pub const SUITE_STEPS: u64 = 1500;

/// The default setup with `seed`.
pub fn default_setup(seed: u64) -> TrainConfig {
    TrainConfig {
        seed,
        ..TrainConfig::default()
    }
}

/// The default setup on circles.
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

/// Points of the stress split of the suite's runs ([`stress_setup`], and
/// the clean runs of every dataset that can have one).
pub const STRESS_POINTS: usize = 200;

/// Circles, which the default network learns well, with a stress split of
/// [`STRESS_POINTS`] held-out points on the other class's side of the line
/// x = 0: clean, the network learns the circle and scores on the stress
/// split what it scores on validation.
pub fn stress_setup(seed: u64) -> TrainConfig {
    TrainConfig {
        n_stress: STRESS_POINTS,
        ..circles_setup(seed)
    }
}

/// Modular arithmetic (a + b) mod 23 learned from 370 of its 529 pairs
/// (70%), 159 held out for validation, by one hidden layer of 128 ReLUs
/// with Adam (learning rate 0.02, beta2 0.98) on batches of 128: the
/// training pairs are fit within 100-200 steps. Without weight decay (this
/// setup, the `grokking` fault's control) held-out accuracy stays at chance;
/// with the fault's weight decay it passes 0.7 at steps 800-1,350 on 19 of
/// seeds 1-20 (`tests/emergence.rs`).
pub fn grokking_setup(seed: u64) -> TrainConfig {
    TrainConfig {
        seed,
        dataset: DatasetKind::Modular,
        n_train: 370,
        n_val: 159,
        n_test: 0,
        hidden: vec![128],
        activation: Activation::Relu,
        loss: Loss::CrossEntropy,
        optimizer: OptimizerKind::Adam,
        lr: 0.02,
        momentum: 0.9,
        beta2: 0.98,
        batch_size: 128,
        ..TrainConfig::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_has_defaults_and_round_trips() {
        for id in ClassifierFault::IDS {
            let fault = ClassifierFault::default_for(id).unwrap();
            assert_eq!(fault.id(), id);
            fault.validate().unwrap();
            let json = serde_json::to_string(&fault).unwrap();
            assert_eq!(
                serde_json::from_str::<ClassifierFault>(&json).unwrap(),
                fault
            );
        }
        assert_eq!(ClassifierFault::default_for("nope"), None);
        assert_eq!(
            ClassifierFault::default_for("lr_spike"),
            Some(ClassifierFault::LrSpike(lr_spike::LrSpike::default()))
        );
        let typo = serde_json::from_str::<ClassifierFault>(r#"{"kind": "plateau", "shift": -5}"#);
        assert!(typo.unwrap_err().to_string().contains("unknown field"));
    }

    #[test]
    fn bad_settings_name_their_field() {
        // kind, field, a value it refuses
        let bad = "lr_spike factor 0.5, init_too_large scale 1e9, vanishing depth 9, \
                   vanishing width 0, vanishing init_scale 0, plateau bias_shift -5000, \
                   oscillation factor -1, class_imbalance ratio 0.5, class_imbalance ratio 1e9, \
                   class_imbalance rare 2, label_noise fraction 0, label_noise fraction 0.6, \
                   data_contamination copies 0, data_contamination copies 1000";
        for item in bad.split(", ") {
            let [kind, field, value] = item.split(' ').collect::<Vec<_>>()[..] else {
                panic!("{item}")
            };
            let json = format!(r#"{{"kind": "{kind}", "{field}": {value}}}"#);
            let fault: ClassifierFault = serde_json::from_str(&json).unwrap();
            assert_eq!(fault.validate().unwrap_err().field, field, "{json}");
        }
    }

    #[test]
    fn oscillation_asks_for_a_bounded_gradient() {
        let fault = ClassifierFault::default_for("oscillation").unwrap();
        let err = fault
            .kind()
            .check_setup(&TrainConfig::default())
            .unwrap_err();
        assert_eq!(err.field, "loss");
        assert!(err.reason.contains("cross-entropy"));
        fault
            .kind()
            .check_setup(&bounded_gradient_setup(1))
            .unwrap();
    }

    #[test]
    fn contamination_refuses_a_training_set_too_large_to_hold() {
        let fault = ClassifierFault::DataContamination(data_contamination::DataContamination {
            at_step: 0,
            copies: 100,
        });
        fault.kind().check_setup(&TrainConfig::default()).unwrap();
        let big = TrainConfig {
            n_val: 20_000,
            ..TrainConfig::default()
        };
        let err = fault.kind().check_setup(&big).unwrap_err();
        assert_eq!(err.field, "copies");
        assert!(err.reason.contains("2000400 points"), "{}", err.reason);
    }

    #[test]
    fn data_faults_change_the_training_split_as_described() {
        let fresh = || Trainer::new(TrainConfig::default()).unwrap();
        let apply = |id: &str| {
            let mut t = fresh();
            ClassifierFault::default_for(id)
                .unwrap()
                .kind()
                .change_data(&mut t);
            t
        };
        // 100:1 with class 1 rare: all 200 of class 0, 2 of class 1.
        let t = apply("class_imbalance");
        assert_eq!(t.data.train.class_counts(2), [200, 2]);
        assert_eq!(t.class_ratio(), 100.0);
        // At least one point of the rare class stays, whatever the ratio.
        let mut t = fresh();
        let rare_first = class_imbalance::ClassImbalance {
            at_step: 0,
            ratio: 1000.0,
            rare: 0,
        };
        rare_first.change_data(&mut t);
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
            let fault = ClassifierFault::default_for(id).unwrap();
            trainer.step = 300;
            assert!(fault.before_step(&mut trainer, &mut batch, false));
            assert!(!fault.before_step(&mut trainer, &mut batch, true));
            fault.kind().undo(&mut trainer);
        }
        assert_eq!((trainer.lr, trainer.mlp), before);
    }
}
