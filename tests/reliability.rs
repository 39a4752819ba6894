//! Issue 11's numbered defects, one test each (the defect's number in the
//! test's name): each failed on main before its fix.

use failure_lab::run::{Run, RunConfig};
use failure_lab::scenarios::Scenario;

/// Defect 1: an agent with more episodes per step than it has answers (80)
/// was read as collapsed at step 0 (distinct answers / batch <= 80 / batch).
#[test]
fn defect_01_large_agent_batch_is_not_mode_collapse() {
    let mut config = RunConfig {
        scenario: Scenario::Agent,
        ..RunConfig::default()
    };
    config.agent.batch_size = 4096;
    let mut run = Run::new(config).unwrap();
    for _ in 0..5 {
        let out = run.step().unwrap();
        let ratio = out.frame.get("diversity_ratio").unwrap();
        assert!(ratio > 0.5, "step {}: diversity {ratio}", out.frame.step);
        let collapse: Vec<_> = out
            .findings
            .iter()
            .filter(|f| f.detector == "mode_collapse")
            .map(|f| f.message.clone())
            .collect();
        assert!(collapse.is_empty(), "{collapse:?}");
    }
}
