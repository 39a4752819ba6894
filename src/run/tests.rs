//! Runs with the automatic response on (the pipeline driven by a run) and
//! faults switched on and off mid-run.

use super::*;
use crate::detectors::Severity;
use crate::pipeline::OWN_CHECK;
use crate::trainer::TrainConfig;

/// Fires a finding with a given id and severity at chosen steps: a
/// stand-in for the detectors written elsewhere.
struct FiresAt {
    id: &'static str,
    severity: Severity,
    steps: Vec<u64>,
}

impl Detector for FiresAt {
    fn id(&self) -> &'static str {
        self.id
    }
    fn observe(&mut self, frame: &Frame) -> Option<Finding> {
        self.steps.contains(&frame.step).then(|| Finding {
            detector: self.id.to_string(),
            step: frame.step,
            severity: self.severity,
            message: String::new(),
            recommendation: String::new(),
        })
    }
    fn reset(&mut self) {}
}

fn run_with(id: &'static str, severity: Severity, steps: Vec<u64>) -> Run {
    let config = RunConfig {
        respond: RespondConfig::on(),
        ..RunConfig::default()
    };
    let detector = FiresAt {
        id,
        severity,
        steps,
    };
    Run::with_detectors(config, vec![Box::new(detector)]).unwrap()
}

#[test]
fn divergence_cuts_clips_and_rolls_back_to_the_last_quiet_checkpoint() {
    let mut run = run_with("loss_divergence", Severity::Critical, vec![120]);
    let mut at_100 = None;
    for _ in 0..130 {
        if run.steps() == 100 {
            at_100 = Some(run.trainer().unwrap().mlp.clone());
        }
        run.step();
        if run.steps() == 121 {
            // Right after the response: the network of step 100 is back.
            assert_eq!(Some(&run.trainer().unwrap().mlp), at_100.as_ref());
        }
    }
    assert_eq!(
        run.responses(),
        [Response {
            step: 120,
            detector: "loss_divergence".into(),
            action: "learning rate 0.1 -> 0.01; gradients clipped at norm 1; \
                     rolled back to the checkpoint of step 100"
                .into(),
        }]
    );
    assert_eq!(
        (run.trainer().unwrap().lr, run.trainer().unwrap().clip_norm),
        (0.1 * 0.1, 1.0)
    );
}

#[test]
fn a_spike_cuts_without_rolling_back_and_once_per_incident() {
    let mut run = run_with("grad_norm_spike", Severity::Warning, vec![60, 70, 200]);
    for _ in 0..210 {
        run.step();
    }
    let actions: Vec<(u64, &str)> = run
        .responses()
        .iter()
        .map(|r| (r.step, r.action.as_str()))
        .collect();
    assert_eq!(
        actions,
        [
            (60, "learning rate 0.1 -> 0.01; gradients clipped at norm 1"),
            (200, "learning rate 0.01 -> 0.001"),
        ]
    );
}

#[test]
fn other_findings_get_no_response_but_hold_checkpoints_back() {
    let mut run = run_with("overfitting", Severity::Warning, vec![130]);
    let mut checkpoints = Vec::new();
    for _ in 0..300 {
        run.step();
        checkpoints.push(run.checkpoint_step().unwrap());
    }
    assert!(run.responses().is_empty());
    checkpoints.dedup();
    // Every 50 steps, except in the 50 quiet steps the warning asks for.
    assert_eq!(checkpoints, [0, 50, 100, 200, 250, 300]);
}

#[test]
fn a_non_finite_loss_rolls_back_instead_of_ending_the_run() {
    let config = RunConfig {
        faults: vec![crate::scenarios::Fault::default_for("corrupt_batch").unwrap()],
        respond: RespondConfig::on(),
        ..RunConfig::default()
    };
    let mut run = Run::with_detectors(config, Vec::new()).unwrap();
    for _ in 0..400 {
        assert!(run.step().is_some(), "the run went on");
    }
    assert_eq!(run.hard_failure(), None, "rolled back, not failed for good");
    let r = &run.responses()[0];
    assert_eq!((r.step, r.detector.as_str()), (300, OWN_CHECK));
    assert!(r
        .action
        .ends_with("rolled back to the checkpoint of step 300"));
    assert!(run.trainer().unwrap().evaluate().0.is_finite());
}

#[test]
fn the_response_can_be_switched_mid_run() {
    let config = RunConfig {
        faults: vec![crate::scenarios::Fault::default_for("corrupt_batch").unwrap()],
        ..RunConfig::default()
    };
    let mut run = Run::with_detectors(config.clone(), Vec::new()).unwrap();
    for _ in 0..200 {
        run.step();
    }
    run.set_respond(RespondConfig::on()).unwrap();
    assert_eq!(run.checkpoint_step(), Some(200));
    for _ in 0..200 {
        assert!(run.step().is_some());
    }
    assert_eq!(run.responses().len(), 1);
    run.set_respond(RespondConfig::default()).unwrap();
    assert_eq!(run.checkpoint_step(), None);
    assert_eq!(run.responses().len(), 1, "the log stays");

    let mut broken = Run::with_detectors(config, Vec::new()).unwrap();
    while broken.step().is_some() {}
    assert_eq!(broken.steps(), 301);
    let err = broken.set_respond(RespondConfig::on()).unwrap_err();
    assert_eq!(err.field, "respond");
}

#[test]
fn settings_are_checked() {
    for (spoil, field) in [
        (
            RespondConfig {
                lr_factor: 1.0,
                ..RespondConfig::on()
            },
            "lr_factor",
        ),
        (
            RespondConfig {
                clip_norm: 0.0,
                ..RespondConfig::on()
            },
            "clip_norm",
        ),
        (
            RespondConfig {
                checkpoint_every: 0,
                ..RespondConfig::on()
            },
            "checkpoint_every",
        ),
    ] {
        let config = RunConfig {
            respond: spoil,
            ..RunConfig::default()
        };
        assert_eq!(Run::new(config).err().unwrap().field, field);
    }
    let parsed: RunConfig =
        serde_json::from_str(r#"{"respond": {"enabled": true, "lr_factor": 0.5}}"#).unwrap();
    assert_eq!(parsed.respond.lr_factor, 0.5);
    assert!(parsed.respond.enabled);
    assert_eq!(parsed.train, TrainConfig::default());
}

#[test]
fn switching_a_data_fault_off_keeps_the_other_data_faults() {
    let mut run = crate::run::Run::new(RunConfig {
        faults: vec![
            Fault::default_for("label_noise").unwrap(),
            Fault::default_for("data_contamination").unwrap(),
        ],
        ..RunConfig::default()
    })
    .unwrap();
    while run.steps() < 301 {
        run.step();
    }
    let both = run.trainer().unwrap().data.train.clone();
    assert_eq!(both.len(), 400 + 40 * 200);
    run.set_fault("label_noise", None).unwrap();
    let only_leak = &run.trainer().unwrap().data.train;
    assert_eq!(only_leak.len(), both.len(), "still contaminated");
    assert_ne!(only_leak.y[..400], both.y[..400], "labels put back");
    run.set_fault("data_contamination", None).unwrap();
    assert_eq!(
        run.trainer().unwrap().data,
        Trainer::new(TrainConfig::default()).unwrap().data
    );
}

#[test]
fn a_fault_is_refused_by_the_other_scenario() {
    let agent_fault = Fault::default_for("reward_hacking").unwrap();
    let config = RunConfig {
        faults: vec![agent_fault.clone()],
        ..RunConfig::default()
    };
    let err = Run::new(config).err().unwrap();
    assert_eq!(err.field, "faults");
    assert!(err.reason.contains("agent"), "{}", err.reason);
    let mut classifier = Run::new(RunConfig::default()).unwrap();
    assert_eq!(
        classifier
            .set_fault("reward_hacking", Some(agent_fault))
            .unwrap_err()
            .field,
        "faults"
    );
    let mut agent = Run::new(RunConfig {
        scenario: Scenario::Agent,
        ..RunConfig::default()
    })
    .unwrap();
    let err = agent
        .set_fault("lr_spike", Some(Fault::lr_spike(10)))
        .unwrap_err();
    assert!(err.reason.contains("classifier"), "{}", err.reason);
}
