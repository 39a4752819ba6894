//! The metric stream: what every learner reports and every detector reads.
//!
//! A [`Frame`] is one step's named numbers. Learners (MLP, and later agents,
//! GANs...) and imported logs all produce frames, so the monitor and the
//! detectors never see a learner's internals.

use serde::Serialize;

/// Canonical metric names shared by learners, importers and detectors.
pub mod names {
    /// Training loss on the step's batch.
    pub const LOSS: &str = "loss";
    /// Loss on the held-out validation split (reported at a fixed cadence).
    pub const VAL_LOSS: &str = "val_loss";
    /// Accuracy on the held-out validation split.
    pub const VAL_ACC: &str = "val_acc";
    /// Global L2 norm of all parameter gradients, before any clipping.
    pub const GRAD_NORM: &str = "grad_norm";
    /// Learning rate used on this step.
    pub const LR: &str = "lr";
    /// L2 norm of the first layer's weight gradient.
    pub const GRAD_NORM_FIRST: &str = "grad_norm_first";
    /// L2 norm of the last layer's weight gradient.
    pub const GRAD_NORM_LAST: &str = "grad_norm_last";
    /// Norm of the applied update divided by the norm of the weights.
    pub const UPDATE_RATIO: &str = "update_ratio";
    /// Fraction of hidden ReLU units that output zero on the whole batch.
    pub const DEAD_FRAC: &str = "dead_frac";
    /// Fraction of hidden sigmoid/tanh activations in their flat tails
    /// (sigmoid below 0.02 or above 0.98, tanh beyond ±0.98) on the batch.
    pub const SATURATED_FRAC: &str = "saturated_frac";
    /// Lowest per-class recall on the validation split: of the points of
    /// each class, the share predicted as that class; the worst class's.
    pub const VAL_MIN_RECALL: &str = "val_min_recall";
    /// Loss on the held-out test split, never trained on nor used to choose
    /// anything (reported at a slower cadence, on validation steps).
    pub const TEST_LOSS: &str = "test_loss";
    /// Accuracy on the held-out test split.
    pub const TEST_ACC: &str = "test_acc";
    /// Accuracy on the held-out stress split, points on the other class's
    /// side of the line x = 0 (reported at the test cadence when a run has
    /// one): where a network relying on the side of the plane is wrong.
    pub const STRESS_ACC: &str = "stress_acc";
    /// Points of the most common class over points of the rarest in the
    /// current training set (reported on validation steps).
    pub const CLASS_RATIO: &str = "class_ratio";
    /// Mean proxy reward of the step's episodes: what an agent is trained on.
    pub const REWARD: &str = "reward";
    /// Mean true quality of the step's episodes (the intended objective,
    /// 0 to 1), scored on the same responses as `reward`.
    pub const TRUE_QUALITY: &str = "true_quality";
    /// Mean entropy (nats) of an agent's policy over the step's prompts.
    pub const POLICY_ENTROPY: &str = "policy_entropy";
    /// Distinct responses over responses sampled in the step's batch (the
    /// course's ModeCollapseDetector ratio); for a GAN, distinct cells of
    /// the plane hit by 64 generated points, over 64.
    pub const DIVERSITY_RATIO: &str = "diversity_ratio";
    /// An agent's expected true quality on held-out prompts, watched and
    /// unwatched alike (reported at the evaluation cadence).
    pub const EVAL_QUALITY: &str = "eval_quality";
    /// Held-out true quality when watched minus when unwatched, on the same
    /// prompts (the course's behaviour shift; at the evaluation cadence).
    pub const BEHAVIOR_GAP: &str = "behavior_gap";
    /// An agent's KL divergence from its initial policy (nats): the mean
    /// over the held-out prompts, watched and unwatched, of
    /// `KL(pi || pi_0)` of the action distributions (at the evaluation
    /// cadence). How far training has moved the policy: the x axis of the
    /// reward over-optimization study (Gao et al. 2022).
    pub const KL_FROM_INIT: &str = "kl_from_init";
    /// Held-out accuracy of a linear probe reading (a + b) mod p, the task,
    /// from the last hidden layer (modular data; at the test cadence): the
    /// representation has generalised, whatever the output layer says.
    pub const PROBE_SUM: &str = "probe_sum";
    /// Held-out accuracy of a linear probe reading (a - b) mod p from the
    /// last hidden layer (modular data; at the test cadence): a capability
    /// that is not among the training objectives.
    pub const PROBE_DIFF: &str = "probe_diff";
    /// A GAN discriminator's loss on the step's real and generated points
    /// (softplus(-D(x)) + softplus(D(G(z))); ln 4 = 1.386 at equilibrium).
    pub const D_LOSS: &str = "d_loss";
    /// A GAN generator's non-saturating loss, softplus(-D(G(z)))
    /// (ln 2 = 0.693 at equilibrium).
    pub const G_LOSS: &str = "g_loss";
    /// Modes of a GAN's data with generated points near them (at the
    /// evaluation cadence, on a fixed set of noise vectors).
    pub const MODES_COVERED: &str = "modes_covered";
    /// L2 norm of layer `l`'s weight gradient, for layers 0 (first) to 8;
    /// read it through [`grad_norm_layer`].
    pub const GRAD_NORM_LAYERS: [&str; 9] = [
        "grad_norm/0",
        "grad_norm/1",
        "grad_norm/2",
        "grad_norm/3",
        "grad_norm/4",
        "grad_norm/5",
        "grad_norm/6",
        "grad_norm/7",
        "grad_norm/8",
    ];

    /// Chart titles of the metrics the lab knows, and of `grad_norm/*`
    /// (every layer's gradient norm on one chart); the page titles any
    /// other metric by its name.
    pub const TITLES: [(&str, &str); 28] = [
        (LOSS, "Loss"),
        (VAL_LOSS, "Validation loss"),
        (VAL_ACC, "Validation accuracy"),
        (GRAD_NORM, "Gradient norm"),
        ("grad_norm/*", "Gradient norm per layer"),
        (GRAD_NORM_FIRST, "Gradient norm, first layer"),
        (GRAD_NORM_LAST, "Gradient norm, last layer"),
        (LR, "Learning rate"),
        (UPDATE_RATIO, "Update size / weight size"),
        (DEAD_FRAC, "Dead ReLU units (fraction)"),
        (SATURATED_FRAC, "Saturated units (fraction)"),
        (VAL_MIN_RECALL, "Worst class recall (validation)"),
        (TEST_LOSS, "Test loss"),
        (TEST_ACC, "Test accuracy"),
        (
            STRESS_ACC,
            "Stress-split accuracy (side of the plane misleads)",
        ),
        (CLASS_RATIO, "Class ratio (training set)"),
        (REWARD, "Proxy reward (trained on)"),
        (TRUE_QUALITY, "True quality"),
        (POLICY_ENTROPY, "Policy entropy"),
        (DIVERSITY_RATIO, "Diversity ratio (distinct outputs)"),
        (EVAL_QUALITY, "Held-out quality"),
        (BEHAVIOR_GAP, "Watched minus unwatched quality"),
        (KL_FROM_INIT, "KL from the initial policy (nats)"),
        (PROBE_SUM, "Probe: a + b on held-out pairs"),
        (PROBE_DIFF, "Probe: a − b (never trained)"),
        (D_LOSS, "Discriminator loss"),
        (G_LOSS, "Generator loss"),
        (MODES_COVERED, "Modes covered by generated points"),
    ];

    /// The chart title of metric (or chart key) `name`, if the lab knows it.
    pub fn title(name: &str) -> Option<&'static str> {
        TITLES.iter().find(|(n, _)| *n == name).map(|(_, t)| *t)
    }

    /// The name of layer `l`'s weight-gradient norm ("grad_norm/<l>"), for
    /// `l` below 9 (8 hidden layers and the output layer).
    pub fn grad_norm_layer(l: usize) -> &'static str {
        GRAD_NORM_LAYERS[l]
    }
}

/// One step's metrics: a step number and a short list of named values.
///
/// Lookup is a linear scan over a handful of entries: constant work per step.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Frame {
    /// The training step these values belong to.
    pub step: u64,
    values: Vec<(String, f64)>,
}

impl Frame {
    /// An empty frame for `step`.
    pub fn new(step: u64) -> Self {
        Frame {
            step,
            values: Vec::new(),
        }
    }

    /// Sets `name` to `value`, replacing an earlier value of the same name.
    pub fn set(&mut self, name: &str, value: f64) -> &mut Self {
        match self.values.iter_mut().find(|(n, _)| n == name) {
            Some(slot) => slot.1 = value,
            None => self.values.push((name.to_string(), value)),
        }
        self
    }

    /// Builder form of [`Frame::set`].
    pub fn with(mut self, name: &str, value: f64) -> Self {
        self.set(name, value);
        self
    }

    /// The value of `name`, if this step reported it.
    pub fn get(&self, name: &str) -> Option<f64> {
        self.values.iter().find(|(n, _)| n == name).map(|(_, v)| *v)
    }

    /// All (name, value) pairs in the order they were set.
    pub fn iter(&self) -> impl Iterator<Item = (&str, f64)> {
        self.values.iter().map(|(n, v)| (n.as_str(), *v))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn set_replaces_and_get_reads() {
        let mut f = Frame::new(3);
        f.set(names::LOSS, 1.0)
            .set(names::LOSS, 2.0)
            .set(names::LR, 0.1);
        assert_eq!(f.get(names::LOSS), Some(2.0));
        assert_eq!(f.get(names::LR), Some(0.1));
        assert_eq!(f.get(names::VAL_LOSS), None);
        assert_eq!(f.iter().count(), 2);
    }
}
