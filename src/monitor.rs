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

/// Metrics over time, at most `cap` points per metric.
///
/// When a series is full, every other point is dropped and from then on only
/// every other step is kept: the whole run stays visible at a coarser grain,
/// in bounded memory.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct History {
    cap: usize,
    series: Vec<Series>,
    strides: Vec<u64>,
}

impl History {
    /// An empty history keeping at most `cap` (at least 2) points per metric.
    pub fn new(cap: usize) -> Self {
        History {
            cap: cap.max(2),
            series: Vec::new(),
            strides: Vec::new(),
        }
    }

    /// Records every value in `frame`.
    pub fn push(&mut self, frame: &Frame) {
        for (name, value) in frame.iter() {
            let i = match self.series.iter().position(|s| s.name == name) {
                Some(i) => i,
                None => {
                    self.series.push(Series {
                        name: name.to_string(),
                        ..Series::default()
                    });
                    self.strides.push(1);
                    self.series.len() - 1
                }
            };
            let (s, stride) = (&mut self.series[i], &mut self.strides[i]);
            if let Some(&last) = s.steps.last() {
                if frame.step < last + *stride {
                    continue;
                }
            }
            s.steps.push(frame.step);
            s.values.push(value);
            if s.steps.len() >= self.cap {
                keep_every_other(&mut s.steps);
                keep_every_other(&mut s.values);
                *stride *= 2;
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
}

fn keep_every_other<T>(v: &mut Vec<T>) {
    let mut k = 0;
    v.retain(|_| {
        k += 1;
        k % 2 == 1
    });
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
}
