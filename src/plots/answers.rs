//! The agent's view of its failure: what it answers. The share of each
//! response type over time, asked watched and unwatched (a stacked area
//! each), and its most likely answer to each kind of prompt in both
//! contexts.
//!
//! [`AnswerLog`] records the shares every few steps from the policy's exact
//! probabilities on a fixed set of prompts (no sampling: the agent's random
//! stream is untouched, no metric changes); [`draw_answers`] draws an
//! [`Answers`] on any backend.

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use serde::{Deserialize, Serialize};

use super::kl::KlCurve;
use super::palette::{AXIS, INK, MUTED};
use super::view::Sheet;
use crate::rng::Rng;
use crate::trainer::agent::{response_type, Agent, Prompts, KINDS, PHRASINGS, QUALITY, RESPONSES};

/// Random stream of the view's prompts (apart from every stream of the run).
const VIEW_STREAM: u64 = 91;
/// Prompts per kind the shares are averaged over.
const PER_KIND: usize = 4;
/// Points kept of the shares' history; when full, every other one goes.
pub const ANSWER_HISTORY: usize = 256;

/// The colours of the response types, in [`RESPONSES`] order: the five
/// that are right for some kind in cool colours, the five that are never
/// right in warm ones.
pub const RESPONSE_COLORS: [RGBColor; 10] = {
    const HEX: [u32; 10] = [
        0x0f766e, 0x2563eb, 0x7c3aed, 0x64748b, 0x65a30d, // right for a kind
        0xeab308, 0xf97316, 0xdc2626, 0x86198f, 0x92400e, // never right
    ];
    let mut out = [RGBColor(0, 0, 0); 10];
    let mut i = 0;
    while i < 10 {
        let h = HEX[i];
        out[i] = RGBColor((h >> 16) as u8, (h >> 8) as u8, h as u8);
        i += 1;
    }
    out
};

/// The agent's most likely answer to one kind of prompt in one context.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Sample {
    /// The prompt's kind (an id of [`KINDS`]).
    pub kind: String,
    /// Whether the prompt was watched.
    pub watched: bool,
    /// The response type (an id of [`RESPONSES`]).
    pub response: String,
    /// Which of its phrasings (0 to 7).
    pub phrasing: usize,
    /// The policy's probability of that exact answer.
    pub p: f64,
    /// Its true quality for the kind (0 to 1).
    pub quality: f64,
}

/// What the agent answers, to draw.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
// Unknown fields are let through: the page's copy carries the `learner` tag.
#[serde(default)]
pub struct Answers {
    /// The steps taken when it was made.
    pub step: u64,
    /// The step of each recorded point.
    pub steps: Vec<u64>,
    /// Per point, the share of each response type asked watched
    /// (`RESPONSES.len()` numbers each).
    pub watched: Vec<f32>,
    /// The same asked unwatched.
    pub unwatched: Vec<f32>,
    /// The most likely answer to each kind, watched and unwatched.
    pub samples: Vec<Sample>,
    /// The proxy reward and true quality against the KL divergence from
    /// the initial policy (filled in by the view recorder, from the run's
    /// metrics).
    pub kl: KlCurve,
}

/// The view's prompts of a run with `seed`: `PER_KIND` of each kind, with
/// surface features of their own stream.
fn view_prompts(seed: u64) -> Prompts {
    let n = PER_KIND * KINDS.len();
    let mut prompts = Prompts::sample(n, 0.0, &mut Rng::derive(seed, VIEW_STREAM));
    for i in 0..n {
        let kind = i % KINDS.len();
        for k in 0..KINDS.len() {
            prompts.x[[i, k]] = f64::from(u8::from(k == kind));
        }
        prompts.kinds[i] = kind;
    }
    prompts
}

/// The mean share of each response type the policy gives `prompts`.
fn shares(agent: &Agent, prompts: &Prompts) -> [f32; RESPONSES.len()] {
    let (_, probs) = agent.probs(prompts);
    let mut out = [0.0f64; RESPONSES.len()];
    for row in probs.rows() {
        for (a, p) in row.iter().enumerate() {
            if let Some(o) = out.get_mut(response_type(a)) {
                *o += p;
            }
        }
    }
    let n = prompts.len().max(1) as f64;
    out.map(|v| (v / n) as f32)
}

/// The shares' history of one agent run, recorded every `every` steps.
#[derive(Clone, Debug)]
pub struct AnswerLog {
    every: u64,
    stride: u64,
    prompts: Option<(u64, Prompts, Prompts)>,
    steps: Vec<u64>,
    watched: Vec<f32>,
    unwatched: Vec<f32>,
}

impl AnswerLog {
    /// An empty log recording every `every` steps (at least 1).
    pub fn new(every: u64) -> AnswerLog {
        AnswerLog {
            every: every.max(1),
            stride: every.max(1),
            prompts: None,
            steps: Vec::new(),
            watched: Vec::new(),
            unwatched: Vec::new(),
        }
    }

    fn prompts(&mut self, seed: u64) -> &(u64, Prompts, Prompts) {
        if self.prompts.as_ref().map(|p| p.0) != Some(seed) {
            let p = view_prompts(seed);
            self.prompts = Some((seed, p.with_watched(true), p.with_watched(false)));
        }
        self.prompts.as_ref().expect("just set")
    }

    /// Reads the agent after a step: records the shares when the step taken
    /// (`agent.step - 1`) is on the cadence.
    pub fn after_step(&mut self, agent: &Agent) {
        let step = agent.step.saturating_sub(1);
        if step % self.stride != 0 {
            return;
        }
        let (_, on, off) = self.prompts(agent.config.seed);
        let (w, u) = (shares(agent, on), shares(agent, off));
        if self.steps.len() >= ANSWER_HISTORY {
            // Keep every other point (those on twice the stride).
            let stride = self.stride * 2;
            let keep: Vec<usize> = (0..self.steps.len())
                .filter(|&i| self.steps[i] % stride == 0)
                .collect();
            let r = RESPONSES.len();
            let pick = |v: &[f32]| -> Vec<f32> {
                keep.iter()
                    .flat_map(|&i| v[i * r..(i + 1) * r].iter().copied())
                    .collect()
            };
            self.watched = pick(&self.watched);
            self.unwatched = pick(&self.unwatched);
            self.steps = keep.iter().map(|&i| self.steps[i]).collect();
            self.stride = stride;
            if step % stride != 0 {
                return;
            }
        }
        self.steps.push(step);
        self.watched.extend(w);
        self.unwatched.extend(u);
    }

    /// Starts again (a reset run).
    pub fn clear(&mut self) {
        *self = AnswerLog::new(self.every);
    }

    /// The view now: the history and the agent's most likely answers.
    pub fn answers(&mut self, agent: &Agent) -> Answers {
        let (_, on, off) = self.prompts(agent.config.seed).clone();
        let mut samples = Vec::new();
        for (prompts, watched) in [(&on, true), (&off, false)] {
            let (_, probs) = agent.probs(prompts);
            // The first prompt of each kind.
            for (kind, row) in probs.rows().into_iter().enumerate().take(KINDS.len()) {
                let (a, p) = row.iter().copied().enumerate().fold(
                    (0, f64::NEG_INFINITY),
                    |(ba, bp), (a, p)| {
                        if p > bp {
                            (a, p)
                        } else {
                            (ba, bp)
                        }
                    },
                );
                let r = response_type(a).min(RESPONSES.len() - 1);
                samples.push(Sample {
                    kind: KINDS[kind].to_string(),
                    watched,
                    response: RESPONSES[r].id.to_string(),
                    phrasing: a % PHRASINGS,
                    p,
                    quality: QUALITY[kind][r],
                });
            }
        }
        Answers {
            step: agent.step,
            steps: self.steps.clone(),
            watched: self.watched.clone(),
            unwatched: self.unwatched.clone(),
            samples,
            kl: KlCurve::default(),
        }
    }
}

/// A response type's id in words, short enough for the key.
fn words(id: &str) -> String {
    match id {
        "unsafe_comply" => "unsafe".into(),
        _ => id.replace('_', " "),
    }
}

/// The colour of a true quality: red (0) to green (1).
fn quality_color(q: f64) -> RGBColor {
    if q >= 0.8 {
        RGBColor(0x15, 0x80, 0x3d)
    } else if q >= 0.4 {
        RGBColor(0xb4, 0x53, 0x09)
    } else {
        RGBColor(0xb9, 0x1c, 0x1c)
    }
}

/// Draws `answers` on `area`: the two stacked areas (watched, unwatched)
/// side by side, the key under them and the sample answers on the right.
pub fn draw_answers<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    answers: &Answers,
    pixel_ratio: f64,
) -> Result<(), String> {
    let sheet = Sheet::begin(area, pixel_ratio)?;
    let (w, h, px, pad) = (sheet.w, sheet.h, sheet.px, sheet.pad);
    let err = Sheet::<DB>::err;
    let font = |size: f64| sheet.font(size);
    let r = RESPONSES.len();
    let n = answers.steps.len();
    let valid = answers.watched.len() == n * r && answers.unwatched.len() == n * r;
    let title = font(14.0).color(&INK).pos(Pos::new(HPos::Left, VPos::Top));
    area.draw_text(
        &format!("What the agent answers · step {}", answers.step),
        &title,
        (pad, pad),
    )
    .map_err(err)?;
    let top = pad + (26.0 * px) as i32;
    // The table's columns need about 330 px (at 1x) whatever the width: the
    // plots take what is left (it used to be 2/5 of the width, which cut the
    // table's last column in the page's middle column at 1280x720).
    let table_w = ((330.0 * px) as i32).min(w * 3 / 5);
    let key_h = (2.0 * 16.0 * px) as i32 + pad;
    let label_h = (16.0 * px) as i32;
    let plots_w = w - table_w - 3 * pad;
    let plot_w = (plots_w - pad) / 2;
    let plot_h = h - top - key_h - label_h - (14.0 * px) as i32 - pad;
    let muted = font(11.0).color(&MUTED);
    if !valid || n == 0 || plot_w < 20 || plot_h < 20 {
        area.draw_text(
            "No answers yet: start training.",
            &muted.pos(Pos::new(HPos::Left, VPos::Top)),
            (pad, top),
        )
        .map_err(err)?;
    } else {
        let (s0, s1) = (
            answers.steps[0],
            answers.steps[n - 1].max(answers.steps[0] + 1),
        );
        for (i, (values, what)) in [
            (&answers.watched, "asked watched"),
            (&answers.unwatched, "asked unwatched"),
        ]
        .into_iter()
        .enumerate()
        {
            let left = pad + i as i32 * (plot_w + pad);
            let (x0, y0) = (left, top + label_h);
            area.draw_text(
                what,
                &font(12.0).color(&INK).pos(Pos::new(HPos::Left, VPos::Top)),
                (left, top),
            )
            .map_err(err)?;
            let to = |step: u64, v: f64| {
                let fx = (step - s0) as f64 / (s1 - s0) as f64;
                (
                    x0 + (fx * f64::from(plot_w)).round() as i32,
                    y0 + ((1.0 - v) * f64::from(plot_h)).round() as i32,
                )
            };
            let mut below = vec![0.0f64; n];
            for t in 0..r {
                let above: Vec<f64> = (0..n)
                    .map(|k| {
                        let v = f64::from(values[k * r + t]);
                        below[k] + if v.is_finite() { v.max(0.0) } else { 0.0 }
                    })
                    .collect();
                let mut poly: Vec<(i32, i32)> = (0..n)
                    .map(|k| to(answers.steps[k], above[k].min(1.0)))
                    .collect();
                poly.extend(
                    (0..n)
                        .rev()
                        .map(|k| to(answers.steps[k], below[k].min(1.0))),
                );
                if n == 1 {
                    // One point: a bar across the plot.
                    let (a, b) = (to(s0, above[0].min(1.0)), to(s0, below[0].min(1.0)));
                    poly = vec![a, (x0 + plot_w, a.1), (x0 + plot_w, b.1), b];
                }
                area.draw(&Polygon::new(poly, RESPONSE_COLORS[t].filled()))
                    .map_err(err)?;
                below = above;
            }
            area.draw(&Rectangle::new(
                [(x0, y0), (x0 + plot_w, y0 + plot_h)],
                AXIS.stroke_width(1),
            ))
            .map_err(err)?;
            let axis = font(10.0).color(&MUTED);
            area.draw_text(
                &format!("step {s0}"),
                &axis.pos(Pos::new(HPos::Left, VPos::Top)),
                (x0, y0 + plot_h + 2),
            )
            .map_err(err)?;
            area.draw_text(
                &format!("{}", answers.steps[n - 1]),
                &axis.pos(Pos::new(HPos::Right, VPos::Top)),
                (x0 + plot_w, y0 + plot_h + 2),
            )
            .map_err(err)?;
        }
        // The key: two rows of five.
        let ky = top + label_h + plot_h + (16.0 * px) as i32;
        let col_w = plots_w / 5;
        for (t, resp) in RESPONSES.iter().enumerate() {
            let (kx, kyy) = (
                pad + (t % 5) as i32 * col_w,
                ky + (t / 5) as i32 * (16.0 * px) as i32,
            );
            let s = (9.0 * px) as i32;
            area.draw(&Rectangle::new(
                [(kx, kyy + 2), (kx + s, kyy + 2 + s)],
                RESPONSE_COLORS[t].filled(),
            ))
            .map_err(err)?;
            area.draw_text(
                &words(resp.id),
                &font(11.0).color(&INK).pos(Pos::new(HPos::Left, VPos::Top)),
                (kx + s + (4.0 * px) as i32, kyy),
            )
            .map_err(err)?;
        }
    }

    // The sample answers: one line per kind, watched then unwatched.
    let tx = w - table_w - pad;
    let mut y = top;
    let head = font(12.0).color(&INK).pos(Pos::new(HPos::Left, VPos::Top));
    area.draw_text("Most likely answer", &head, (tx, y))
        .map_err(err)?;
    y += (18.0 * px) as i32;
    let cols = [tx, tx + (62.0 * px) as i32, tx + (196.0 * px) as i32];
    let small = font(11.0)
        .color(&MUTED)
        .pos(Pos::new(HPos::Left, VPos::Top));
    for (c, t) in cols.iter().zip(["prompt", "watched", "unwatched"]) {
        area.draw_text(t, &small, (*c, y)).map_err(err)?;
    }
    y += (16.0 * px) as i32;
    for kind in KINDS {
        area.draw_text(kind, &head, (cols[0], y)).map_err(err)?;
        for (c, watched) in [(cols[1], true), (cols[2], false)] {
            if let Some(s) = answers
                .samples
                .iter()
                .find(|s| s.kind == kind && s.watched == watched)
            {
                let style = font(11.0)
                    .color(&quality_color(s.quality))
                    .pos(Pos::new(HPos::Left, VPos::Top));
                let text = format!(
                    "{} #{} {:.0}%",
                    words(&s.response),
                    s.phrasing + 1,
                    100.0 * s.p
                );
                area.draw_text(&text, &style, (c, y)).map_err(err)?;
            }
        }
        y += (17.0 * px) as i32;
    }
    y += (6.0 * px) as i32;
    for text in [
        "Green: the right answer for the prompt;",
        "amber: half right; red: wrong or unsafe.",
        "#n: which of 8 equal phrasings; %: its",
        "probability (near 100%: collapsed).",
    ] {
        area.draw_text(text, &small, (tx, y)).map_err(err)?;
        y += (14.0 * px) as i32;
    }
    Ok(())
}
