//! The monitor: runs every detector over the metric stream and keeps a
//! bounded history of metrics and findings.

use serde::Serialize;

use crate::detectors::{Detector, Finding};
use crate::metrics::Frame;

/// One metric's recorded points.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Series {
    /// Metric name.
    pub name: String,
    /// Step of each point.
    pub steps: Vec<u64>,
    /// Value of each point (may be non-finite: that is data too).
    pub values: Vec<f64>,
}

/// Metrics over time, at most `cap` points per metric: the recent steps at
/// full resolution, the whole run before them at a coarser, uniform grain.
///
/// Each series is an *archive* followed by a *recent* tail. New points go
/// to the tail. When the tail holds `2 * recent` points, its older half
/// moves to the archive, which keeps a point only `stride` steps after its
/// last one; when the archive is full, every other archive point is
/// dropped and the stride doubles. So the last `recent` to `2 * recent`
/// points are always every point, and the whole run stays visible, in
/// bounded memory.
///
/// A consumer that copies the series (the page's drain) asks
/// [`History::take_edits`] from which index each series changed since its
/// last call: points before that index are as it last saw them.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct History {
    cap: usize,
    series: Vec<Series>,
    tiers: Vec<Tier>,
}

/// The shape of one series: where its recent tail starts, the archive's
/// stride, and the lowest index rewritten since the last `take_edits`.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
struct Tier {
    recent_from: usize,
    stride: u64,
    edited_from: usize,
}

impl Default for Tier {
    fn default() -> Self {
        Tier {
            recent_from: 0,
            stride: 1,
            edited_from: usize::MAX,
        }
    }
}

impl History {
    /// An empty history keeping at most `cap` (at least 4) points per metric.
    pub fn new(cap: usize) -> Self {
        History {
            cap: cap.max(4),
            series: Vec::new(),
            tiers: Vec::new(),
        }
    }

    /// Points kept at full resolution: between this and twice this many.
    fn recent(&self) -> usize {
        (self.cap / 8).max(1)
    }

    /// The most points the archive keeps.
    fn archive_cap(&self) -> usize {
        self.cap - 2 * self.recent()
    }

    /// Records every value in `frame`.
    pub fn push(&mut self, frame: &Frame) {
        let (recent, archive_cap) = (self.recent(), self.archive_cap());
        for (name, value) in frame.iter() {
            let i = match self.series.iter().position(|s| s.name == name) {
                Some(i) => i,
                None => {
                    self.series.push(Series {
                        name: name.to_string(),
                        ..Series::default()
                    });
                    self.tiers.push(Tier::default());
                    self.series.len() - 1
                }
            };
            let (s, tier) = (&mut self.series[i], &mut self.tiers[i]);
            if s.steps.last().is_some_and(|&last| frame.step <= last) {
                continue;
            }
            s.steps.push(frame.step);
            s.values.push(value);
            if s.steps.len() - tier.recent_from >= 2 * recent {
                archive(s, tier, recent, archive_cap);
            }
        }
    }

    /// The series of `name`, if it was ever reported.
    pub fn get(&self, name: &str) -> Option<&Series> {
        self.series.iter().find(|s| s.name == name)
    }

    /// Every recorded series.
    pub fn series(&self) -> &[Series] {
        &self.series
    }

    /// For each series (in the order of [`History::series`]), the lowest
    /// index whose point was dropped or moved since the last call (None when
    /// points were only appended); then forgets it.
    pub fn take_edits(&mut self) -> Vec<Option<usize>> {
        self.tiers
            .iter_mut()
            .map(|t| {
                let from = t.edited_from;
                t.edited_from = usize::MAX;
                (from != usize::MAX).then_some(from)
            })
            .collect()
    }
}

/// Moves the older half of `s`'s recent tail into its archive, which keeps
/// a point only `stride` steps after its last; first, while the archive
/// might overflow, every other archive point goes and the stride doubles.
fn archive(s: &mut Series, tier: &mut Tier, recent: usize, archive_cap: usize) {
    let mut start = tier.recent_from;
    let mut edited = start;
    while start > 1 && start + recent > archive_cap {
        keep_every_other(&mut s.steps, start);
        keep_every_other(&mut s.values, start);
        start = start.div_ceil(2);
        tier.stride *= 2;
        edited = edited.min(1);
    }
    let end = start + recent;
    let mut kept = start;
    for j in start..end {
        let step = s.steps[j];
        if kept > 0 && step < s.steps[kept - 1] + tier.stride {
            continue;
        }
        s.steps[kept] = step;
        s.values[kept] = s.values[j];
        kept += 1;
    }
    s.steps.drain(kept..end);
    s.values.drain(kept..end);
    tier.recent_from = kept;
    tier.edited_from = tier.edited_from.min(edited);
}

/// Keeps the points at even indices of `v[..len]`, and every point after.
fn keep_every_other<T: Copy>(v: &mut Vec<T>, len: usize) {
    let mut k = 0;
    for j in (0..len).step_by(2) {
        v[k] = v[j];
        k += 1;
    }
    v.drain(k..len);
}

/// Runs detectors over frames; remembers what they found.
pub struct Monitor {
    detectors: Vec<Box<dyn Detector>>,
    findings: Vec<Finding>,
    max_findings: usize,
    /// The recorded metrics.
    pub history: History,
}

impl Monitor {
    /// A monitor over `detectors` keeping `history_cap` points per metric.
    pub fn new(detectors: Vec<Box<dyn Detector>>, history_cap: usize) -> Self {
        Monitor {
            detectors,
            findings: Vec::new(),
            max_findings: 10_000,
            history: History::new(history_cap),
        }
    }

    /// Records `frame` and runs every detector on it; returns the new findings.
    pub fn observe(&mut self, frame: &Frame) -> Vec<Finding> {
        self.history.push(frame);
        let new: Vec<Finding> = self
            .detectors
            .iter_mut()
            .filter_map(|d| d.observe(frame))
            .collect();
        let room = self.max_findings.saturating_sub(self.findings.len());
        self.findings.extend(new.iter().take(room).cloned());
        new
    }

    /// Every finding so far, oldest first (at most 10,000).
    pub fn findings(&self) -> &[Finding] {
        &self.findings
    }

    /// Ids of the detectors being run.
    pub fn detector_ids(&self) -> Vec<&'static str> {
        self.detectors.iter().map(|d| d.id()).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn history_is_bounded_and_spans_the_run() {
        let mut h = History::new(8);
        for step in 0..1000 {
            h.push(&Frame::new(step).with("loss", step as f64));
        }
        let s = h.get("loss").unwrap();
        assert!(s.steps.len() < 8);
        assert_eq!(s.steps[0], 0);
        assert!(*s.steps.last().unwrap() > 700, "{:?}", s.steps);
        assert!(s.steps.windows(2).all(|w| w[0] < w[1]));
    }

    #[test]
    fn recent_steps_are_kept_at_full_resolution_and_the_run_coarser() {
        let cap = 1 << 10;
        let mut h = History::new(cap);
        for step in 0..1_000_000u64 {
            h.push(&Frame::new(step).with("loss", step as f64));
        }
        let s = h.get("loss").unwrap();
        assert!(s.steps.len() <= cap, "{} points", s.steps.len());
        assert_eq!(s.steps[0], 0);
        assert_eq!(*s.steps.last().unwrap(), 999_999);
        // The last cap/8 steps are every step.
        let tail = &s.steps[s.steps.len() - cap / 8..];
        assert!(tail.windows(2).all(|w| w[1] == w[0] + 1), "{tail:?}");
        // The archive spans the run evenly: no gap wider than a few strides.
        let widest = s.steps.windows(2).map(|w| w[1] - w[0]).max().unwrap();
        assert!(
            widest <= 4 * 1_000_000 / (cap as u64 / 2),
            "widest gap {widest}"
        );
        assert!(s.values.iter().zip(&s.steps).all(|(&v, &k)| v == k as f64));
    }

    #[test]
    fn edits_say_from_where_a_copy_is_stale() {
        let mut h = History::new(64);
        let mut copy: Vec<u64> = Vec::new();
        for step in 0..10_000u64 {
            h.push(&Frame::new(step).with("loss", 1.0));
            if step % 37 == 0 || step == 9_999 {
                let edits = h.take_edits();
                let s = &h.series()[0];
                let keep = edits[0].map_or(copy.len(), |from| from.min(copy.len()));
                copy.truncate(keep);
                copy.extend_from_slice(&s.steps[keep..]);
                assert_eq!(copy, s.steps, "at step {step}");
            }
        }
    }
}
