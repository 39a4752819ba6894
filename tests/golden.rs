//! The reference run natively matches the golden fingerprint, which the
//! browser suite (tests/web.rs) checks too: same seed, same bits everywhere.

mod common;

use failure_lab::run::Run;

#[test]
fn native_run_matches_the_golden_fingerprint() {
    let mut run = Run::new(common::reference_config()).unwrap();
    for _ in 0..common::STEPS {
        if run.step().is_none() {
            break;
        }
    }
    let got = common::fingerprint(&run.monitor().history, run.hard_failure());
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::write(
            concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/tests/golden/reference_run.txt"
            ),
            &got,
        )
        .unwrap();
        return;
    }
    assert_eq!(
        got,
        common::GOLDEN,
        "the reference run changed; if that is intended, regenerate with UPDATE_GOLDEN=1 cargo test --test golden"
    );
}
