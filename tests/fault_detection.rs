//! Issue 3's bar: for every fault, over 20 seeds, its matching detector fires
//! at or after the onset and before the hard failure on at least 19; on 20
//! clean seeds of every clean case no detector fires above info.

use failure_lab::detectors::Severity;
use failure_lab::eval::cases::{cases, Case};
use failure_lab::run::Run;

/// The detector that answers each fault: its `FaultDoc::detector`, named in
/// the fault's own file (with why, where the course's detector misses it).
fn matching(fault: &str) -> &'static str {
    failure_lab::scenarios::fault_doc(fault)
        .unwrap_or_else(|| panic!("no doc for fault {fault}"))
        .detector
}
const SEEDS: u64 = 20;

/// The steps at which `detector` fired, and the run's onset and hard failure.
fn observe(case: &Case, seed: u64, detector: &str) -> (Vec<u64>, Option<u64>, Option<u64>) {
    let mut run = Run::new((case.config)(seed)).unwrap();
    let mut fired = Vec::new();
    while run.steps() < case.steps {
        let Some(out) = run.step() else { break };
        fired.extend(
            out.findings
                .iter()
                .filter(|f| f.detector == detector)
                .map(|f| f.step),
        );
    }
    let onset = case.fault.and_then(|id| {
        run.ground_truth()
            .into_iter()
            .find(|g| g.fault == id)?
            .onset
    });
    (fired, onset, run.hard_failure())
}

#[test]
fn every_fault_has_a_matching_detector_that_fires_in_time_on_19_of_20_seeds() {
    let all = cases();
    let faults: Vec<&Case> = all.iter().filter(|c| c.fault.is_some()).collect();
    for case in &faults {
        let fault = case.fault.unwrap();
        let detector = &matching(fault);
        let mut in_time = 0;
        let mut misses = Vec::new();
        for seed in 1..=SEEDS {
            let (fired, onset, hard) = observe(case, seed, detector);
            let onset =
                onset.unwrap_or_else(|| panic!("{fault} seed {seed}: the fault never took effect"));
            let ok = fired.iter().any(|&s| {
                s >= onset
                    && match hard {
                        Some(h) if h == onset => s == h, // failed on the onset step itself
                        Some(h) => s < h,
                        None => true,
                    }
            });
            if ok {
                in_time += 1;
            } else {
                misses.push((seed, fired.first().copied(), onset, hard));
            }
        }
        assert!(in_time >= 19, "{fault}: {detector} in time on {in_time}/20; misses (seed, first firing, onset, hard failure): {misses:?}");
    }
}

#[test]
fn clean_runs_of_every_clean_case_raise_nothing_above_info() {
    // A fault's control may fail in another way (grokking's memorises: its
    // generalization gap is real); tests/emergence.rs holds what must stay
    // quiet there.
    for case in (cases().iter()).filter(|c| c.fault.is_none() && c.control_of.is_none()) {
        for seed in 1..=SEEDS {
            let mut run = Run::new((case.config)(seed)).unwrap();
            while run.steps() < case.steps {
                let out = run
                    .step()
                    .unwrap_or_else(|| panic!("{} seed {seed} failed", case.label));
                let loud: Vec<_> = out
                    .findings
                    .iter()
                    .filter(|f| f.severity > Severity::Info)
                    .collect();
                assert!(loud.is_empty(), "{} seed {seed}: {loud:?}", case.label);
            }
        }
    }
}
