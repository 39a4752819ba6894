//! The detector kit: what every detector shares, written once.
//!
//! A detector file keeps only its idea, as a Clippy lint does with
//! `declare_clippy_lint!`. One [`declare_detector!`](crate::declare_detector)
//! declares
//! - its documentation, which becomes its registry entry `INFO` (a
//!   [`DetectorInfo`], which also makes its findings: [`DetectorInfo::finding`]
//!   carries its recommendation);
//! - its `Settings`: each number with its doc, default and allowed range,
//!   written once (see [`settings!`](crate::detector_settings));
//! - its `State`: each field with how a fresh one is built from the settings;
//!
//! and the file then says what one step's metrics do to the state, in an
//! [`Observe`] impl. [`Kit<State>`](Kit) is the [`Detector`]: it keeps the
//! settings apart from the state, and `reset` builds the state afresh from
//! the settings, so a reset detector behaves exactly as a new one.
//!
//! The firing tail is shared too: a [`Trigger`] is a warm-up, a patience (a
//! streak of consecutive steps) and a [`Latch`] (fire once per episode).
//!
//! **Warm-up has one meaning:** `warmup: N` means the detector's first `N`
//! observations can never fire; the `N + 1`th can. An observation is a step on
//! which the detector's inputs are present and usable (a detector of the
//! validation loss observes only the validation steps).

use std::fmt::Debug;

use super::stats::Ema;
use super::{Detector, DetectorInfo, Finding, Severity};
use crate::metrics::Frame;

/// One numeric setting of a detector, as its `settings!` declares it.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Setting {
    /// The field's name.
    pub name: &'static str,
    /// What it means.
    pub doc: &'static str,
    /// Its value (the default, in [`DetectorInfo::settings`]).
    pub value: f64,
    /// The smallest allowed value.
    pub min: f64,
    /// The largest allowed value.
    pub max: f64,
}

impl Setting {
    /// An error message when the value is outside `[min, max]` or NaN.
    pub fn check(&self) -> Result<(), String> {
        if self.value >= self.min && self.value <= self.max {
            Ok(())
        } else {
            Err(format!(
                "{} = {} is outside [{}, {}]: {}",
                self.name, self.value, self.min, self.max, self.doc
            ))
        }
    }
}

/// A detector's settings: plain data, with defaults and a range per field.
pub trait Settings: Clone + Debug + Default + 'static {
    /// Every setting with its current value and range.
    fn table(&self) -> Vec<Setting>;

    /// An error naming the first setting out of its range.
    fn validate(&self) -> Result<(), String> {
        self.table().iter().try_for_each(Setting::check)
    }
}

/// Declares a detector's `Settings`: one line per field with its doc, type,
/// default and allowed range (`in [min, max]`). Generates the struct, its
/// `Default` (the defaults, written only here) and its [`Settings`] table.
#[macro_export]
macro_rules! detector_settings {
    ($($(#[doc = $doc:literal])+ $name:ident: $ty:ty = $default:expr, in [$min:expr, $max:expr];)*) => {
        /// This detector's settings; `Settings::default()` holds its defaults.
        #[derive(Clone, Debug, PartialEq)]
        pub struct Settings {
            $($(#[doc = $doc])+ pub $name: $ty,)*
        }

        impl Default for Settings {
            fn default() -> Self {
                Settings { $($name: $default,)* }
            }
        }

        impl $crate::detectors::kit::Settings for Settings {
            fn table(&self) -> Vec<$crate::detectors::kit::Setting> {
                vec![$($crate::detectors::kit::Setting {
                    name: stringify!($name),
                    doc: concat!($($doc),+),
                    value: self.$name as f64,
                    min: $min as f64,
                    max: $max as f64,
                },)*]
            }
        }
    };
}
pub use crate::detector_settings as settings;

/// Declares a detector: its documentation (the registry entry `INFO`), its
/// `Settings` and its `State`, and the type `Name = Kit<State>`. What a step
/// does to the state is the file's own [`Observe`] impl.
///
/// ```text
/// declare_detector! {
///     /// Doc of the detector type.
///     pub Name = "file_name" {
///         title: "...", family: "...", course_baseline: false,
///         what: "...", why: "...", threshold: "...", recommendation: "...",
///     }
///     settings {
///         /// Doc.
///         field: f64 = 1.0, in [0.0, f64::INFINITY];
///     }
///     state(s) {
///         /// Doc; `s` is the settings.
///         trigger: Trigger = Trigger::new(50).warmup(s.warmup),
///     }
/// }
/// ```
#[macro_export]
macro_rules! declare_detector {
    (
        $(#[doc = $doc:literal])*
        pub $name:ident = $id:literal {
            $($info:ident: $value:expr,)*
        }
        settings {
            $($settings:tt)*
        }
        state($s:ident) {
            $($(#[doc = $fdoc:literal])* $field:ident: $ty:ty = $init:expr,)*
        }
    ) => {
        /// Registry entry and documentation.
        pub const INFO: $crate::detectors::DetectorInfo = $crate::detectors::DetectorInfo {
            id: $id,
            $($info: $value,)*
            settings: $name::defaults,
            build: $name::boxed,
        };

        $crate::detector_settings! { $($settings)* }

        $(#[doc = $doc])*
        pub type $name = $crate::detectors::Kit<State>;

        /// What the detector remembers between steps.
        #[derive(Clone, Debug)]
        pub struct State {
            $($(#[doc = $fdoc])* $field: $ty,)*
        }

        impl $crate::detectors::kit::Idea for State {
            type Settings = Settings;
            const INFO: &'static $crate::detectors::DetectorInfo = &INFO;
            #[allow(unused_variables)]
            fn start($s: &Settings) -> Self {
                State { $($field: $init,)* }
            }
        }
    };
}
pub use crate::declare_detector;

/// A detector's idea: its settings, registry entry and fresh state
/// (written by [`declare_detector!`](crate::declare_detector)).
pub trait Idea: Clone + Debug + 'static {
    /// The detector's settings.
    type Settings: Settings;
    /// The detector's registry entry.
    const INFO: &'static DetectorInfo;
    /// A fresh state for `settings`.
    fn start(settings: &Self::Settings) -> Self;
}

/// What one step's metrics do to a detector's state: the detector's own code.
pub trait Observe: Idea {
    /// Reads one step's metrics; a finding when the detector fires.
    fn observe(&mut self, settings: &Self::Settings, frame: &Frame) -> Option<Finding>;
}

/// A detector made of an idea: its settings, apart from its state.
#[derive(Clone, Debug)]
pub struct Kit<I: Observe> {
    settings: I::Settings,
    state: I,
}

impl<I: Observe> Kit<I> {
    /// A detector with `settings` (see [`Settings::validate`]).
    pub fn with(settings: I::Settings) -> Self {
        let state = I::start(&settings);
        Kit { settings, state }
    }

    /// Like [`Kit::with`], after checking the settings.
    pub fn try_with(settings: I::Settings) -> Result<Self, String> {
        settings.validate().map(|()| Kit::with(settings))
    }

    /// The settings this detector was built with.
    pub fn settings(&self) -> &I::Settings {
        &self.settings
    }

    /// The detector with its default settings, boxed: a registry `build`.
    pub fn boxed() -> Box<dyn Detector> {
        Box::new(Self::default())
    }

    /// The default settings' table: a registry `settings`.
    pub fn defaults() -> Vec<Setting> {
        I::Settings::default().table()
    }
}

impl<I: Observe> Default for Kit<I> {
    fn default() -> Self {
        Kit::with(I::Settings::default())
    }
}

impl<I: Observe> Detector for Kit<I> {
    fn id(&self) -> &'static str {
        I::INFO.id
    }

    fn observe(&mut self, frame: &Frame) -> Option<Finding> {
        self.state.observe(&self.settings, frame)
    }

    fn reset(&mut self) {
        self.state = I::start(&self.settings);
    }
}

impl DetectorInfo {
    /// A finding of this detector at `step`, with its recommendation.
    pub fn finding(&self, step: u64, severity: Severity, message: String) -> Finding {
        Finding {
            detector: self.id.to_string(),
            step,
            severity,
            message,
            recommendation: self.recommendation.to_string(),
        }
    }
}

impl Finding {
    /// The same finding with another recommendation (for a detector whose
    /// advice depends on which way the value went).
    pub fn recommending(self, recommendation: &str) -> Finding {
        Finding {
            recommendation: recommendation.to_string(),
            ..self
        }
    }
}

/// Fires once when a condition turns true, then stays quiet until the
/// condition has been false for `rearm_after` consecutive steps.
///
/// Keeps detectors from repeating the same finding every step.
#[derive(Clone, Debug)]
pub struct Latch {
    rearm_after: u32,
    armed: bool,
    quiet_steps: u32,
}

impl Latch {
    /// A latch that re-arms after `rearm_after` quiet steps.
    pub fn new(rearm_after: u32) -> Self {
        Latch {
            rearm_after,
            armed: true,
            quiet_steps: 0,
        }
    }

    /// Feeds this step's condition; true exactly when the detector should fire.
    pub fn update(&mut self, condition: bool) -> bool {
        if condition {
            self.quiet_steps = 0;
            if self.armed {
                self.armed = false;
                return true;
            }
        } else if !self.armed {
            self.quiet_steps += 1;
            if self.quiet_steps >= self.rearm_after {
                self.armed = true;
            }
        }
        false
    }

    /// Back to armed.
    pub fn reset(&mut self) {
        *self = Latch::new(self.rearm_after);
    }
}

/// How many consecutive steps a condition has held.
#[derive(Clone, Debug, Default)]
pub struct Streak(u32);

impl Streak {
    /// Feeds this step's condition; returns the length of the current streak.
    pub fn update(&mut self, condition: bool) -> u32 {
        self.0 = if condition {
            self.0.saturating_add(1)
        } else {
            0
        };
        self.0
    }

    /// The length of the current streak.
    pub fn get(&self) -> u32 {
        self.0
    }
}

/// The shared firing tail: a warm-up, a patience and a latch.
///
/// Fires when the condition has held, past the warm-up, for `patience`
/// observations in a row, once per episode (see [`Latch`]). `warmup: N`: the
/// first `N` observations never fire (the module's one meaning of warm-up).
#[derive(Clone, Debug)]
pub struct Trigger {
    warmup: u64,
    patience: u32,
    seen: u64,
    streak: Streak,
    latch: Latch,
}

impl Trigger {
    /// A trigger that fires at once (no warm-up, patience 1), re-arming after
    /// `rearm_after` quiet observations.
    pub fn new(rearm_after: u32) -> Self {
        Trigger {
            warmup: 0,
            patience: 1,
            seen: 0,
            streak: Streak::default(),
            latch: Latch::new(rearm_after),
        }
    }

    /// The same trigger, quiet for its first `warmup` observations.
    pub fn warmup(self, warmup: u64) -> Self {
        Trigger { warmup, ..self }
    }

    /// The same trigger, needing `patience` (at least 1) observations in a row.
    pub fn patience(self, patience: u32) -> Self {
        Trigger { patience, ..self }
    }

    /// Observations fed so far (not counting the one being read).
    pub fn seen(&self) -> u64 {
        self.seen
    }

    /// Whether the observation being read, the next one fed, is past the
    /// warm-up and so may fire.
    pub fn warm(&self) -> bool {
        self.seen >= self.warmup
    }

    /// The current streak: observations in a row the condition has held.
    pub fn streak(&self) -> u32 {
        self.streak.get()
    }

    /// Feeds this observation's condition; true exactly when to fire.
    pub fn update(&mut self, condition: bool) -> bool {
        let warm = self.warm();
        self.seen = self.seen.saturating_add(1);
        let streak = self.streak.update(warm && condition);
        self.latch.update(streak >= self.patience)
    }
}

/// A value's own slow level: an EMA that learns only from ordinary values,
/// so that a lasting bad stretch does not become the new normal.
#[derive(Clone, Debug)]
pub struct Baseline {
    ema: Ema,
}

impl Baseline {
    /// A level giving each ordinary value weight `alpha`.
    pub fn new(alpha: f64) -> Self {
        Baseline {
            ema: Ema::new(alpha),
        }
    }

    /// Judges `x` against the level (`x` itself before any value):
    /// `unusual(level)` says whether `x` is out of the ordinary; only ordinary
    /// values are learned. Returns the level and the verdict.
    pub fn judge(&mut self, x: f64, unusual: impl FnOnce(f64) -> bool) -> (f64, bool) {
        let level = self.ema.get().unwrap_or(x);
        let out = unusual(level);
        if !out {
            self.ema.update(x);
        }
        (level, out)
    }
}

/// A value smoothed two ways: a fast EMA (where it is now) and a slow one
/// (its recent level).
#[derive(Clone, Debug)]
pub struct FastSlow {
    fast: Ema,
    slow: Ema,
}

impl FastSlow {
    /// EMAs over about `fast` and `slow` values (spans).
    pub fn new(fast: f64, slow: f64) -> Self {
        FastSlow {
            fast: Ema::with_span(fast),
            slow: Ema::with_span(slow),
        }
    }

    /// Folds `x` in; returns (now, level).
    pub fn update(&mut self, x: f64) -> (f64, f64) {
        (self.fast.update(x), self.slow.update(x))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn latch_fires_once_per_episode() {
        let mut l = Latch::new(2);
        let fired: Vec<bool> = [true, true, false, true, false, false, true]
            .iter()
            .map(|&c| l.update(c))
            .collect();
        assert_eq!(fired, [true, false, false, false, false, false, true]);
    }

    #[test]
    fn warmup_n_means_the_first_n_observations_never_fire() {
        let mut t = Trigger::new(1).warmup(3);
        let fired: Vec<bool> = (0..5).map(|_| t.update(true)).collect();
        assert_eq!(fired, [false, false, false, true, false]);
        let mut t = Trigger::new(1);
        assert!(t.warm() && t.update(true));
    }

    #[test]
    fn patience_counts_consecutive_warm_observations() {
        let mut t = Trigger::new(1).warmup(1).patience(2);
        let fired: Vec<bool> = [true, true, false, true, true, true]
            .iter()
            .map(|&c| t.update(c))
            .collect();
        // The first true is in the warm-up; then 1, reset, then 2 in a row.
        assert_eq!(fired, [false, false, false, false, true, false]);
        assert_eq!(t.streak(), 3);
        assert_eq!(t.seen(), 6);
    }

    #[test]
    fn the_baseline_learns_only_ordinary_values() {
        let mut b = Baseline::new(0.5);
        assert_eq!(b.judge(2.0, |_| false), (2.0, false));
        assert_eq!(b.judge(100.0, |level| 100.0 > 3.0 * level), (2.0, true));
        assert_eq!(b.judge(4.0, |_| false), (2.0, false));
        assert_eq!(b.judge(0.0, |_| false).0, 3.0);
    }

    mod demo {
        use super::super::settings;
        settings! {
            /// A ratio.
            ratio: f64 = 3.0, in [1.0, f64::INFINITY];
            /// Steps.
            warmup: u64 = 10, in [0, u32::MAX];
        }
    }

    #[test]
    fn settings_are_validated_against_their_ranges() {
        let s = demo::Settings::default();
        assert_eq!(s.validate(), Ok(()));
        assert_eq!(s.table()[0].name, "ratio");
        assert_eq!(s.table()[1].value, 10.0);
        let bad = demo::Settings { ratio: 0.5, ..s };
        assert!(bad.validate().unwrap_err().contains("ratio = 0.5"));
        let nan = demo::Settings {
            ratio: f64::NAN,
            ..demo::Settings::default()
        };
        assert!(nan.validate().is_err());
    }
}
