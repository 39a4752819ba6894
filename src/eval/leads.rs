//! Lead times per detector and faulty case: what the Evaluate panel's
//! histograms draw.

use serde::Serialize;

use super::score::score_run;
use super::Suite;

/// The lead times of one detector under test, per faulty case.
#[derive(Debug, Serialize)]
pub struct LeadTimes {
    /// The detector's id.
    pub detector: String,
    /// Whether it is one of the course's baseline detectors.
    pub baseline: bool,
    /// Per faulty case, in the suite's order.
    pub cases: Vec<CaseLeads>,
}

/// Lead times (steps from the first in-time warning to the hard failure)
/// over the finished runs of one faulty case.
#[derive(Debug, Serialize)]
pub struct CaseLeads {
    /// The case's label.
    pub case: String,
    /// One lead per finished run the detector warned about in time.
    pub leads: Vec<u64>,
}

/// Every detector's lead times on every faulty case, from the finished runs.
pub fn lead_times(suite: &Suite) -> Vec<LeadTimes> {
    let settings = suite.settings();
    let faulty: Vec<usize> = (0..settings.cases.len())
        .filter(|&c| settings.cases[c].fault.is_some())
        .collect();
    let finished = || {
        suite
            .jobs()
            .iter()
            .zip(suite.records())
            .filter(|(job, _)| !job.respond)
            .filter_map(|(job, record)| Some((job.case, record.as_ref()?)))
    };
    settings
        .detectors
        .iter()
        .enumerate()
        .map(|(slot, detector)| LeadTimes {
            detector: detector.id.clone(),
            baseline: detector.baseline,
            cases: faulty
                .iter()
                .map(|&c| CaseLeads {
                    case: settings.cases[c].label.clone(),
                    leads: finished()
                        .filter(|&(case, _)| case == c)
                        .filter_map(|(_, r)| {
                            score_run(&r.truth, &r.firings[slot], settings.min_severity).lead()
                        })
                        .collect(),
                })
                .collect(),
        })
        .collect()
}
