//! The view of a run's failure itself, beside its metric charts: for a
//! classifier its data and decision surface ([`surface`](super::surface)),
//! for an agent what it answers ([`answers`](super::answers)), on modular
//! data every pair right or wrong ([`pairs`](super::pairs)), for a GAN its
//! generated points over the ring ([`ring`](super::ring)).
//!
//! A [`ViewRecorder`] follows a run (call [`ViewRecorder::after_step`]
//! after each step) and makes a [`View`] when asked. It only reads the run:
//! no metric, finding or random draw of the run changes.

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use serde::{Deserialize, Serialize};

use super::answers::{AnswerLog, Answers};
use super::kl::KlCurve;
use super::pairs::Pairs;
use super::palette::{AXIS, INK};
use super::ring::Ring;
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
    /// A GAN: the data, its generated points and its discriminator.
    Gan(Ring),
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
        if let Some(gan) = run.gan() {
            return Some(View::Gan(Ring::of(gan)));
        }
        run.agent().map(|a| {
            let mut answers = self.answers.answers(a);
            let onset = run.ground_truth().iter().filter_map(|g| g.onset).min();
            answers.kl = KlCurve::of(&run.monitor().history, onset);
            View::Agent(answers)
        })
    }
}

/// Which drawing of a view: its main one, or for an agent its proxy reward
/// and true quality against the KL divergence from its initial policy
/// ([`kl`](super::kl)). A learner with no such drawing draws its main one.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Mode {
    /// The learner's own view.
    #[default]
    Main,
    /// Proxy reward and true quality against KL from the initial policy.
    Kl,
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

/// What every drawing of a view starts from: the area, filled white, its
/// size in backend pixels, the text scale and the padding.
pub(super) struct Sheet<'a, DB: DrawingBackend> {
    /// Where it draws.
    pub area: &'a DrawingArea<DB, Shift>,
    /// Width in backend pixels.
    pub w: i32,
    /// Height in backend pixels.
    pub h: i32,
    /// The text and mark scale ([`text_scale`]).
    pub px: f64,
    /// The padding round the drawing.
    pub pad: i32,
}

impl<'a, DB: DrawingBackend> Sheet<'a, DB> {
    /// Fills `area` white and measures it.
    pub fn begin(area: &'a DrawingArea<DB, Shift>, pixel_ratio: f64) -> Result<Self, String> {
        area.fill(&WHITE).map_err(Self::err)?;
        let (w, h) = area.dim_in_pixel();
        let px = text_scale(pixel_ratio);
        Ok(Sheet {
            area,
            w: w as i32,
            h: h as i32,
            px,
            pad: (8.0 * px) as i32,
        })
    }

    /// A drawing error in words.
    pub fn err(e: DrawingAreaErrorKind<DB::ErrorType>) -> String {
        e.to_string()
    }

    /// `v` CSS pixels in backend pixels.
    pub fn at(&self, v: f64) -> i32 {
        (v * self.px) as i32
    }

    /// The sans-serif font of `size` CSS pixels.
    pub fn font(&self, size: f64) -> FontDesc<'static> {
        ("sans-serif", (size * self.px).round()).into_font()
    }

    /// Writes `text` of `size` in `color` with its top left at `at`.
    pub fn text(
        &self,
        text: &str,
        size: f64,
        color: &RGBColor,
        at: (i32, i32),
    ) -> Result<(), String> {
        let style = self
            .font(size)
            .color(color)
            .pos(Pos::new(HPos::Left, VPos::Top));
        self.area.draw_text(text, &style, at).map_err(Self::err)
    }
}

/// The layout every view shares: its picture in a square on the left, and
/// on the right a column of text (a title, a key, what stands out) written
/// line by line.
pub(super) struct Panel {
    /// The text and mark scale ([`text_scale`]).
    pub px: f64,
    /// The square's top-left corner.
    pub x0: i32,
    /// The square's top edge.
    pub y0: i32,
    /// The square's side.
    pub side: i32,
    /// The left edge of the text column.
    pub text_x: i32,
    /// The top of the next line of text.
    pub line: i32,
}

/// A drawing error as text.
pub(super) fn fail<E: std::error::Error + Send + Sync>(
    e: plotters::drawing::DrawingAreaErrorKind<E>,
) -> String {
    e.to_string()
}

impl Panel {
    /// Clears `area` to white and lays it out (`pixel_ratio` scales text
    /// and marks): the square as tall as the area allows, at most three
    /// fifths of its width.
    pub fn new<DB: DrawingBackend>(
        area: &DrawingArea<DB, Shift>,
        pixel_ratio: f64,
    ) -> Result<Panel, String> {
        let Sheet { w, h, px, pad, .. } = Sheet::begin(area, pixel_ratio)?;
        let side = (h - 2 * pad).min(w * 3 / 5).max(10);
        Ok(Panel {
            px,
            x0: pad,
            y0: pad,
            side,
            text_x: pad + side + (16.0 * px) as i32,
            line: pad + (4.0 * px) as i32,
        })
    }

    /// The view's font at `size` CSS pixels.
    pub fn font(&self, size: f64) -> FontDesc<'static> {
        ("sans-serif", (size * self.px).round()).into_font()
    }

    /// Writes one line of the text column.
    pub fn say<DB: DrawingBackend>(
        &mut self,
        area: &DrawingArea<DB, Shift>,
        text: &str,
        size: f64,
        color: &RGBColor,
    ) -> Result<(), String> {
        let style = (self.font(size).color(color)).pos(Pos::new(HPos::Left, VPos::Top));
        area.draw_text(text, &style, (self.text_x, self.line))
            .map_err(fail)?;
        self.line += (size * 1.45 * self.px) as i32;
        Ok(())
    }

    /// Writes one entry of a key: `swatch` draws its mark in the 16-pixel
    /// box at the line's start (given the box's top-left corner), the text
    /// follows.
    pub fn key<DB: DrawingBackend>(
        &mut self,
        area: &DrawingArea<DB, Shift>,
        text: &str,
        swatch: impl FnOnce((i32, i32)) -> Result<(), String>,
    ) -> Result<(), String> {
        swatch((self.text_x, self.line))?;
        let style = (self.font(12.0).color(&INK)).pos(Pos::new(HPos::Left, VPos::Top));
        let x = self.text_x + (16.0 * self.px) as i32;
        area.draw_text(text, &style, (x, self.line)).map_err(fail)?;
        self.line += (12.0 * 1.6 * self.px) as i32;
        Ok(())
    }

    /// Leaves `h` CSS pixels before the next line.
    pub fn gap(&mut self, h: f64) {
        self.line += (h * self.px) as i32;
    }

    /// Outlines the square.
    pub fn frame<DB: DrawingBackend>(&self, area: &DrawingArea<DB, Shift>) -> Result<(), String> {
        area.draw(&Rectangle::new(
            [
                (self.x0, self.y0),
                (self.x0 + self.side, self.y0 + self.side),
            ],
            AXIS.stroke_width(1),
        ))
        .map_err(fail)
    }
}

/// Draws `view` on `area` (`pixel_ratio` scales text and marks).
pub fn draw_view<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    view: &View,
    pixel_ratio: f64,
) -> Result<(), String> {
    draw_view_as(area, view, Mode::Main, pixel_ratio)
}

/// Draws `view` on `area` as `mode` says.
pub fn draw_view_as<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    view: &View,
    mode: Mode,
    pixel_ratio: f64,
) -> Result<(), String> {
    match (view, mode) {
        (View::Classifier(s), _) => super::surface::draw_surface(area, s, pixel_ratio),
        (View::Agent(a), Mode::Main) => super::answers::draw_answers(area, a, pixel_ratio),
        (View::Agent(a), Mode::Kl) => super::kl::draw_kl(area, &a.kl, a.step, pixel_ratio),
        (View::Modular(p), _) => super::pairs::draw_pairs(area, p, pixel_ratio),
        (View::Gan(r), _) => super::ring::draw_ring(area, r, pixel_ratio),
    }
}
