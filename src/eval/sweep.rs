//! Threshold sweeps: one detector rebuilt at several settings of one number,
//! graded on the same runs, to trace lead time against false alarms.
//!
//! To sweep another detector, add an entry to [`SWEEPS`].

use crate::detectors::{gradient_explosion::GradientExplosion, Detector};

/// One detector's numeric setting and the values to try.
#[derive(Clone, Copy, Debug)]
pub struct Sweep {
    /// The registry id of the detector.
    pub detector: &'static str,
    /// The setting's name, for tables.
    pub parameter: &'static str,
    /// The values to try, in display order.
    pub values: &'static [f64],
    /// Builds the detector with the setting at a value.
    pub build: fn(f64) -> Box<dyn Detector>,
}

/// Every sweep the suite runs when its detector is under test.
pub const SWEEPS: &[Sweep] = &[Sweep {
    detector: "gradient_explosion",
    parameter: "threshold",
    values: &[
        0.3, 1.0, 3.0, 10.0, 30.0, 100.0, 300.0, 1000.0, 3000.0, 10000.0,
    ],
    build: |t| Box::new(GradientExplosion::new(t)),
}];
