//! Threshold sweeps: one detector rebuilt at several settings of one number,
//! graded on the same runs, to trace lead time against false alarms.
//!
//! Each sweep moves one setting and leaves every other at its default, so
//! the row at [`Sweep::default`] is the registry detector itself. To sweep
//! another detector, add an entry to [`SWEEPS`].

use crate::detectors::{
    data_contamination, generalization_gap, grad_norm_spike, gradient_explosion, gradient_variance,
    loss_divergence, loss_oscillation, shortcut_reliance, Detector,
};

/// One detector's numeric setting and the values to try.
#[derive(Clone, Copy, Debug)]
pub struct Sweep {
    /// The registry id of the detector.
    pub detector: &'static str,
    /// The setting's name, for tables.
    pub parameter: &'static str,
    /// The setting's default (one of `values`).
    pub default: f64,
    /// The values to try, in increasing order.
    pub values: &'static [f64],
    /// Builds the detector with the setting at a value.
    pub build: fn(f64) -> Box<dyn Detector>,
}

/// How many times the sustained factor the spike detector's single-step
/// factor is, kept as in its defaults (20x twice, 100x once) while sweeping.
const SPIKE_SINGLE_STEP: f64 = 5.0;

/// Every sweep the suite runs when its detector is under test: the course's
/// absolute explosion threshold, then the lab's relative early warnings.
pub const SWEEPS: &[Sweep] = &[
    Sweep {
        detector: "gradient_explosion",
        parameter: "threshold",
        default: 1000.0,
        values: &[
            0.3, 1.0, 3.0, 10.0, 30.0, 100.0, 300.0, 1000.0, 3000.0, 10000.0,
        ],
        build: |threshold| {
            Box::new(gradient_explosion::GradientExplosion::with(
                gradient_explosion::Settings { threshold },
            ))
        },
    },
    Sweep {
        detector: "grad_norm_spike",
        parameter: "factor (single step 5x)",
        default: 20.0,
        values: &[2.0, 3.0, 5.0, 8.0, 12.0, 20.0, 30.0, 50.0, 100.0, 300.0],
        build: |factor| {
            Box::new(grad_norm_spike::GradNormSpike::with(
                grad_norm_spike::Settings {
                    factor,
                    single_step_factor: SPIKE_SINGLE_STEP * factor,
                    ..Default::default()
                },
            ))
        },
    },
    Sweep {
        detector: "gradient_variance",
        parameter: "ratio",
        default: 3.0,
        values: &[1.25, 1.5, 2.0, 2.5, 3.0, 4.0, 6.0, 10.0, 20.0],
        build: |ratio| {
            Box::new(gradient_variance::GradientVariance::with(
                gradient_variance::Settings {
                    ratio,
                    ..Default::default()
                },
            ))
        },
    },
    Sweep {
        detector: "loss_oscillation",
        parameter: "ratio",
        default: 4.0,
        values: &[1.5, 2.0, 3.0, 4.0, 6.0, 10.0, 20.0, 50.0],
        build: |ratio| {
            Box::new(loss_oscillation::LossOscillation::with(
                loss_oscillation::Settings {
                    ratio,
                    ..Default::default()
                },
            ))
        },
    },
    // Its 2x-the-minimum condition hardly matters on the lab's runs: the
    // share of progress given back is what keeps clean runs quiet.
    Sweep {
        detector: "loss_divergence",
        parameter: "give_back",
        default: 0.5,
        values: &[0.0, 0.05, 0.1, 0.2, 0.3, 0.5, 0.7, 0.9],
        build: |give_back| {
            Box::new(loss_divergence::LossDivergence::with(
                loss_divergence::Settings {
                    give_back,
                    ..Default::default()
                },
            ))
        },
    },
    // The data family: how far above its best the validation loss must be,
    // and how far ahead of the test split the validation split must pull.
    Sweep {
        detector: "generalization_gap",
        parameter: "min_gl",
        default: 1.0,
        values: &[0.1, 0.25, 0.5, 1.0, 2.0, 4.0],
        build: |min_gl| {
            Box::new(generalization_gap::GeneralizationGap::with(
                generalization_gap::Settings {
                    min_gl,
                    ..Default::default()
                },
            ))
        },
    },
    Sweep {
        detector: "data_contamination",
        parameter: "loss_margin (acc margin 0.075x)",
        default: 0.4,
        values: &[0.1, 0.2, 0.3, 0.4, 0.6, 0.8],
        build: |loss_margin| {
            Box::new(data_contamination::DataContamination::with(
                data_contamination::Settings {
                    loss_margin,
                    acc_margin: loss_margin * ACC_PER_LOSS_MARGIN,
                    ..Default::default()
                },
            ))
        },
    },
    Sweep {
        detector: "shortcut_reliance",
        parameter: "margin",
        default: 0.2,
        values: &[0.05, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5, 0.6],
        build: |margin| {
            Box::new(shortcut_reliance::ShortcutReliance::with(
                shortcut_reliance::Settings {
                    margin,
                    ..Default::default()
                },
            ))
        },
    },
];

/// The data-contamination detector's accuracy margin per unit of its loss
/// margin, kept as in its defaults (0.03 for 0.4) while sweeping.
const ACC_PER_LOSS_MARGIN: f64 = 0.03 / 0.4;
