//! The view of a run's failure itself, beside its metric charts: for a
//! classifier its data and decision surface ([`surface`](super::surface)),
//! for an agent what it answers ([`answers`](super::answers)), on modular
//! data every pair right or wrong ([`pairs`](super::pairs)).
//!
//! A [`ViewRecorder`] follows a run (call [`ViewRecorder::after_step`]
//! after each step) and makes a [`View`] when asked. It only reads the run:
//! no metric, finding or random draw of the run changes.

use serde::{Deserialize, Serialize};

use super::answers::{AnswerLog, Answers};
use super::pairs::Pairs;
use super::surface::{Surface, GRID_SIZE};
use crate::run::Run;

/// Steps between two points of an agent's answer history.
pub const ANSWER_EVERY: u64 = 10;

/// The view of one run at one step.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "learner", rename_all = "lowercase")]
pub enum View {
    /// A classifier's decision surface and data.
    Classifier(Surface),
    /// What an agent answers.
    Agent(Answers),
    /// A classifier on modular arithmetic: every pair, right or wrong.
    Modular(Pairs),
}

/// Follows a run for its views.
#[derive(Clone, Debug)]
pub struct ViewRecorder {
    answers: AnswerLog,
}

impl Default for ViewRecorder {
    fn default() -> Self {
        ViewRecorder {
            answers: AnswerLog::new(ANSWER_EVERY),
        }
    }
}

impl ViewRecorder {
    /// Reads the run after one of its steps (an agent's answer shares are
    /// recorded on the cadence).
    pub fn after_step(&mut self, run: &Run) {
        if let Some(agent) = run.agent() {
            self.answers.after_step(agent);
        }
    }

    /// Forgets what was recorded (the run starts again).
    pub fn clear(&mut self) {
        self.answers.clear();
    }

    /// The view of `run` now.
    pub fn view(&mut self, run: &Run) -> Option<View> {
        if let Some(trainer) = run.trainer() {
            // Modular data has no plane to draw a surface on.
            if let Some(pairs) = Pairs::of(trainer) {
                return Some(View::Modular(pairs));
            }
            return Some(View::Classifier(Surface::of(trainer, GRID_SIZE)));
        }
        run.agent().map(|a| View::Agent(self.answers.answers(a)))
    }
}

/// The scale of text and marks for a device pixel ratio (0.5 to 4; 1 when
/// not a number).
pub(super) fn text_scale(pixel_ratio: f64) -> f64 {
    if pixel_ratio.is_finite() {
        pixel_ratio.clamp(0.5, 4.0)
    } else {
        1.0
    }
}

/// Draws `view` on `area` (`pixel_ratio` scales text and marks).
pub fn draw_view<DB: plotters::prelude::DrawingBackend>(
    area: &plotters::prelude::DrawingArea<DB, plotters::coord::Shift>,
    view: &View,
    pixel_ratio: f64,
) -> Result<(), String> {
    match view {
        View::Classifier(s) => super::surface::draw_surface(area, s, pixel_ratio),
        View::Agent(a) => super::answers::draw_answers(area, a, pixel_ratio),
        View::Modular(p) => super::pairs::draw_pairs(area, p, pixel_ratio),
    }
}
