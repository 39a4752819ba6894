//! The second corpus (corpus/, real training logs of plain-numpy models on
//! scikit-learn's datasets, made by corpus/make_corpus.py): `eval-logs`'s
//! scoring on the committed logs meets the held-out goals of issue 12.

use std::path::Path;

use failure_lab::cli::eval_logs::{manifest, read_log, score_corpus, without_lr, CLEAN};
use failure_lab::metrics::names;

fn corpus() -> &'static Path {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/corpus"))
}

#[test]
fn the_manifest_splits_the_corpus_by_seed_into_tuning_and_held_out() {
    let entries = manifest(corpus()).unwrap();
    for part in ["tuning", "held_out"] {
        let mine: Vec<_> = entries.iter().filter(|e| e.part == part).collect();
        let clean = mine.iter().filter(|e| e.class == CLEAN).count();
        assert!(clean >= 20, "{part}: {clean} clean logs");
        assert!(mine.len() >= clean + 40, "{part}: {} logs", mine.len());
        assert!(mine.iter().all(|e| e.files.iter().all(|f| f.exists())));
    }
}

#[test]
fn every_log_is_read_with_its_learning_rate_and_the_second_reading_has_none() {
    for e in manifest(corpus()).unwrap() {
        let frames = read_log(&e).unwrap();
        let has_lr = |frames: &[failure_lab::metrics::Frame]| {
            frames.iter().filter(|f| f.get(names::LR).is_some()).count()
        };
        assert!(
            has_lr(&frames) * 2 > frames.len(),
            "{}: no lr column read",
            e.name
        );
        let stripped = without_lr(&frames);
        assert_eq!(has_lr(&stripped), 0, "{}", e.name);
        assert_eq!(stripped.len(), frames.len(), "{}", e.name);
        // Everything else is kept: the losses the new detectors read.
        for name in [names::LOSS, names::VAL_LOSS] {
            let count = |fs: &[failure_lab::metrics::Frame]| {
                fs.iter().filter(|f| f.get(name).is_some()).count()
            };
            assert_eq!(count(&stripped), count(&frames), "{}: {name}", e.name);
        }
    }
}

#[test]
fn held_out_recall_per_class_and_clean_false_alarms_meet_the_goals_with_and_without_lr() {
    let rows = score_corpus(corpus()).unwrap();
    let held: Vec<_> = rows
        .iter()
        .filter(|r| r.part == "held_out" && r.system == "lab")
        .collect();
    // Four failure classes, each read as written and without lr.
    assert_eq!(held.len(), 8, "{held:?}");
    for r in held {
        let s = &r.stats;
        let recall = s.recall.unwrap();
        let false_alarms = s.false_alarm_rate.unwrap();
        assert!(
            recall >= 0.9,
            "{} ({}): recall {recall} < 0.9",
            r.class,
            r.reading
        );
        assert!(
            false_alarms <= 1.0 / 20.0,
            "{} ({}): false alarms on {false_alarms} of the clean logs > 1 in 20",
            r.class,
            r.reading
        );
    }
}
