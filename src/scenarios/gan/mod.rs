//! The GAN scenario: a small GAN learning the ring of Gaussians
//! ([`crate::trainer::gan`]), and mode collapse as faults that change its
//! training settings.
//!
//! Every fault changes a setting (a learning rate, steps per update) at its
//! step; what follows is what real adversarial gradient steps make of it.
//!
//! # Onset
//!
//! The GAN's faults take effect at step [`GAN_AT_STEP`] (800), not the
//! lab's usual 300: mode collapse is the loss of modes a generator had, and
//! the healthy GAN covers most of the ring only from about step 400 to 700
//! (at step 300 it covers 0 to 3 modes on most seeds, which is no collapse).
//!
//! # Hard failure
//!
//! A GAN run has failed for good at the evaluation that completes
//! [`COLLAPSED_EVALS`] (4, so 100 steps at the default cadence) consecutive
//! evaluations covering at most [`COLLAPSED_MODES`] (2) of the 8 modes, after
//! an earlier evaluation had found at least [`LEARNED_MODES`] (6) covered: a
//! generator that had learned the ring now draws a few of its modes and
//! stays there. A single evaluation is not enough: healthy training drops
//! and regains modes from one evaluation to the next. A generator that never
//! learned the ring has not collapsed in this sense. A non-finite loss is a
//! hard failure too.

use crate::metrics::{names, Frame};
use crate::scenarios::fault::fault_registry;
use crate::trainer::gan::{Gan, GanConfig};

fault_registry! {
    /// A fault of the GAN scenario, as configured by the learner.
    ///
    /// In JSON: `{"kind": "gen_lr_too_high", "at_step": 800, "factor": 10}`;
    /// every field but `kind` may be left out for its default.
    GanFault as dyn GanEffect {
        gen_lr_too_high: GenLrTooHigh,
    }
}

/// What a GAN fault does to the GAN, and the setup of the suite case it
/// defines.
pub trait GanEffect {
    /// Applies the fault on the step it takes effect.
    fn apply(&self, gan: &mut Gan);
    /// Undoes the fault's effect after it was applied.
    fn undo(&self, gan: &mut Gan);
    /// The GAN's setup (for a seed) of the suite case this fault defines.
    /// Default: the GAN's defaults, the healthy setup.
    fn suite_setup(&self, seed: u64) -> GanConfig {
        GanConfig {
            seed,
            ..GanConfig::default()
        }
    }
}

impl GanFault {
    /// Called before every GAN step; applies the fault when its time has
    /// come. Returns true on the step where it takes effect.
    pub fn before_step(&self, gan: &mut Gan, already_applied: bool) -> bool {
        if already_applied || gan.step < self.at_step() {
            return false;
        }
        self.kind().apply(gan);
        true
    }
}

/// The default step of the GAN's faults (see the module docs).
pub const GAN_AT_STEP: u64 = 800;
/// Modes covered at which the generator counts as having learned the ring.
pub const LEARNED_MODES: f64 = 6.0;
/// Modes covered at or below which an evaluation shows a collapse.
pub const COLLAPSED_MODES: f64 = 2.0;
/// Consecutive collapsed evaluations that make a hard failure.
pub const COLLAPSED_EVALS: u32 = 4;

/// Watches a GAN run for its hard failure (see the module docs).
#[derive(Clone, Debug, Default)]
pub struct FailureWatch {
    learned: bool,
    collapsed: u32,
}

impl FailureWatch {
    /// Reads one step's frame; true when the step is a hard failure.
    pub fn failed(&mut self, frame: &Frame) -> bool {
        let losses = [names::D_LOSS, names::G_LOSS];
        if losses
            .iter()
            .any(|n| !frame.get(n).is_some_and(f64::is_finite))
        {
            return true;
        }
        let Some(modes) = frame.get(names::MODES_COVERED) else {
            return false;
        };
        if !self.learned {
            self.learned = modes >= LEARNED_MODES;
            return false;
        }
        if modes <= COLLAPSED_MODES {
            self.collapsed += 1;
        } else {
            self.collapsed = 0;
        }
        self.collapsed >= COLLAPSED_EVALS
    }
}

/// What the page says of the GAN.
pub const DOC: super::ScenarioDoc = super::ScenarioDoc {
    id: "gan",
    title: "GAN (ring of Gaussians)",
    charts: "modes_covered,diversity_ratio,d_loss,g_loss",
    failed: "The generator has collapsed for good: it had learned the ring, and now covers at \
             most 2 of its modes evaluation after evaluation. It trains on for a while, so the \
             charts show what follows.",
};

/// Steps of a suite run of this scenario: the onset, then as many steps
/// again.
pub const SUITE_STEPS: u64 = 2 * GAN_AT_STEP;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenarios::{Fault, Scenario};

    #[test]
    fn every_kind_has_defaults_round_trips_and_names_its_scenario() {
        for id in GanFault::IDS {
            let fault = Fault::default_for(id).unwrap();
            assert_eq!(fault.id(), id);
            assert_eq!(fault.scenario(), Scenario::Gan);
            fault.validate().unwrap();
            let json = serde_json::to_string(&fault).unwrap();
            assert!(json.contains(&format!(r#""kind":"{id}""#)), "{json}");
            assert_eq!(serde_json::from_str::<Fault>(&json).unwrap(), fault);
        }
    }

    #[test]
    fn faults_apply_once_at_their_step_and_undo() {
        for id in GanFault::IDS {
            let mut gan = Gan::new(GanConfig::default()).unwrap();
            let fault = GanFault::default_for(id).unwrap();
            let knobs = |g: &Gan| (g.g_lr, g.d_lr, g.d_steps, g.g_steps, g.instance_noise);
            let before = knobs(&gan);
            gan.step = GAN_AT_STEP - 1;
            assert!(!fault.before_step(&mut gan, false), "{id}");
            gan.step = GAN_AT_STEP;
            assert!(fault.before_step(&mut gan, false), "{id}");
            assert!(!fault.before_step(&mut gan, true), "{id}");
            assert_ne!(knobs(&gan), before, "{id} changed nothing");
            fault.kind().undo(&mut gan);
            assert_eq!(knobs(&gan), before, "{id}");
        }
    }

    #[test]
    fn a_collapse_counts_only_after_learning_and_when_it_lasts() {
        let frame = |step, modes: f64| {
            Frame::new(step)
                .with(names::D_LOSS, 1.3)
                .with(names::G_LOSS, 0.8)
                .with(names::MODES_COVERED, modes)
        };
        let mut w = FailureWatch::default();
        assert!(!(0..10).any(|s| w.failed(&frame(s, 1.0))), "never learned");
        assert!(!w.failed(&frame(10, 7.0)));
        let seq = [2.0, 1.0, 2.0, 5.0, 2.0, 2.0, 1.0];
        assert!(!seq.iter().any(|&m| w.failed(&frame(11, m))));
        assert!(w.failed(&frame(12, 0.0)));
    }
}
