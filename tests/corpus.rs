//! The second corpus (corpus/, real training logs of plain-numpy models on
//! scikit-learn's datasets, made by corpus/make_corpus.py): `eval-logs`'s
//! scoring on the committed logs meets the held-out goals of issue 12.

use std::path::Path;

use failure_lab::cli::eval_logs::{manifest, score_corpus, CLEAN};

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
