//! A multi-layer perceptron with a hand-written backward pass.
//!
//! Matrix products are plain loops in a fixed order (no BLAS, no runtime
//! SIMD dispatch, no fused multiply-add), so the same seed gives bit-identical
//! numbers natively and in WebAssembly.

use ndarray::{Array1, Array2, ArrayView2, Axis};
use serde::{Deserialize, Serialize};

use crate::rng::Rng;

/// The non-linearity of the hidden layers.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Activation {
    /// max(0, z); NaN stays NaN, as in PyTorch, so corruption is not hidden.
    Relu,
    /// tanh(z)
    Tanh,
    /// 1 / (1 + e^-z)
    Sigmoid,
}

impl Activation {
    /// The activation of a pre-activation `z`.
    pub fn apply(self, z: f64) -> f64 {
        match self {
            // Not `z.max(0.0)`: that would turn NaN into 0 and hide it.
            Activation::Relu => {
                if z < 0.0 {
                    0.0
                } else {
                    z
                }
            }
            Activation::Tanh => libm::tanh(z),
            Activation::Sigmoid => 1.0 / (1.0 + libm::exp(-z)),
        }
    }

    /// d activation / d z, from the pre-activation `z` and its output `a`.
    pub fn derivative(self, z: f64, a: f64) -> f64 {
        match self {
            Activation::Relu => {
                if z > 0.0 {
                    1.0
                } else {
                    0.0
                }
            }
            Activation::Tanh => 1.0 - a * a,
            Activation::Sigmoid => a * (1.0 - a),
        }
    }
}

/// What the network's logits are scored with.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Loss {
    /// Softmax cross-entropy: its gradient on the logits is bounded by 1.
    CrossEntropy,
    /// Half the squared distance of the logits to the one-hot target, as in
    /// TensorFlow Playground: its gradient grows with the error, so an
    /// overshooting step can feed on itself and diverge.
    Squared,
}

/// One dense layer: `out = input · w + b`, with `w` of shape (inputs, outputs).
#[derive(Clone, Debug, PartialEq)]
pub struct Layer {
    /// Weights, (inputs, outputs).
    pub w: Array2<f64>,
    /// Biases, (outputs).
    pub b: Array1<f64>,
}

impl Layer {
    /// A layer of zeros with the same shape as `self`.
    pub fn zeros_like(&self) -> Layer {
        Layer {
            w: Array2::zeros(self.w.raw_dim()),
            b: Array1::zeros(self.b.raw_dim()),
        }
    }
}

/// The network: hidden layers with one activation, then linear logits.
#[derive(Clone, Debug, PartialEq)]
pub struct Mlp {
    /// Layers from input to output.
    pub layers: Vec<Layer>,
    /// Activation of every hidden layer.
    pub activation: Activation,
}

/// What a forward pass keeps for the backward pass.
#[derive(Clone, Debug)]
pub struct Forward {
    /// `inputs[l]` is the input of layer `l`; the last entry is the logits.
    pub inputs: Vec<Array2<f64>>,
    /// Pre-activations of the hidden layers.
    pub pre: Vec<Array2<f64>>,
}

impl Forward {
    /// The network's output logits, (batch, classes).
    pub fn logits(&self) -> &Array2<f64> {
        self.inputs
            .last()
            .expect("a forward pass has at least the input")
    }
}

/// `a · b`, in a fixed summation order.
pub fn matmul(a: ArrayView2<f64>, b: ArrayView2<f64>) -> Array2<f64> {
    let (n, k) = a.dim();
    // Rows of a transposed view are strided; a contiguous copy makes the
    // row updates below fast without changing a single operation.
    let b = b.as_standard_layout();
    let mut out = Array2::zeros((n, b.ncols()));
    for i in 0..n {
        let mut row = out.row_mut(i);
        for p in 0..k {
            row.scaled_add(a[[i, p]], &b.row(p));
        }
    }
    out
}

impl Mlp {
    /// A network with layer widths `sizes` (input first, classes last).
    ///
    /// Weights are normal with He (ReLU) or Xavier (tanh, sigmoid) variance,
    /// multiplied by `init_scale`; biases start at zero.
    pub fn new(sizes: &[usize], activation: Activation, init_scale: f64, rng: &mut Rng) -> Mlp {
        let layers = sizes
            .windows(2)
            .map(|io| {
                let (fan_in, fan_out) = (io[0], io[1]);
                let var = match activation {
                    Activation::Relu => 2.0 / fan_in as f64,
                    _ => 2.0 / (fan_in + fan_out) as f64,
                };
                let std = libm::sqrt(var) * init_scale;
                Layer {
                    w: Array2::from_shape_fn((fan_in, fan_out), |_| rng.normal() * std),
                    b: Array1::zeros(fan_out),
                }
            })
            .collect();
        Mlp { layers, activation }
    }

    /// Runs the network on a batch `x` of shape (batch, inputs).
    pub fn forward(&self, x: ArrayView2<f64>) -> Forward {
        let mut inputs = vec![x.to_owned()];
        let mut pre = Vec::with_capacity(self.layers.len().saturating_sub(1));
        for (l, layer) in self.layers.iter().enumerate() {
            let z = matmul(inputs[l].view(), layer.w.view()) + &layer.b;
            if l + 1 < self.layers.len() {
                inputs.push(z.mapv(|v| self.activation.apply(v)));
                pre.push(z);
            } else {
                inputs.push(z);
            }
        }
        Forward { inputs, pre }
    }

    /// The mean `loss` of `fwd`'s logits against class labels `y`, and its
    /// gradient with respect to every parameter.
    pub fn backward(&self, fwd: &Forward, y: &[usize], loss: Loss) -> (f64, Vec<Layer>) {
        let (mut delta, value) = loss_and_logit_grad(fwd.logits(), y, loss);
        let n = y.len() as f64;
        delta.mapv_inplace(|v| v / n);
        (value, self.backward_from(fwd, delta))
    }

    /// The gradient of every parameter, given `delta`, the gradient of the
    /// objective with respect to `fwd`'s logits (batch, classes): for
    /// objectives other than [`Loss`], such as a policy gradient.
    pub fn backward_from(&self, fwd: &Forward, delta: Array2<f64>) -> Vec<Layer> {
        self.backward_through(fwd, delta, false).0
    }

    /// Like [`Mlp::backward_from`], and also the gradient with respect to
    /// the network's input (batch, inputs) when `to_input` is set (else an
    /// empty array): what a GAN's generator learns from its discriminator.
    pub fn backward_through(
        &self,
        fwd: &Forward,
        mut delta: Array2<f64>,
        to_input: bool,
    ) -> (Vec<Layer>, Array2<f64>) {
        let mut grads: Vec<Layer> = Vec::with_capacity(self.layers.len());
        let mut input = Array2::zeros((0, 0));
        for l in (0..self.layers.len()).rev() {
            let w = matmul(fwd.inputs[l].t(), delta.view());
            let b = delta.sum_axis(Axis(0));
            if l == 0 && to_input {
                input = matmul(delta.view(), self.layers[0].w.t());
            }
            if l > 0 {
                let mut back = matmul(delta.view(), self.layers[l].w.t());
                let (z, a) = (&fwd.pre[l - 1], &fwd.inputs[l]);
                ndarray::Zip::from(&mut back)
                    .and(z)
                    .and(a)
                    .for_each(|d, &z, &a| {
                        *d *= self.activation.derivative(z, a);
                    });
                delta = back;
            }
            grads.push(Layer { w, b });
        }
        grads.reverse();
        (grads, input)
    }

    /// The predicted class of every row of `x`.
    pub fn predict(&self, x: ArrayView2<f64>) -> Vec<usize> {
        let fwd = self.forward(x);
        fwd.logits()
            .rows()
            .into_iter()
            .map(|r| argmax(r.iter().copied()))
            .collect()
    }

    /// Layer widths, input first and classes last.
    pub fn sizes(&self) -> Vec<usize> {
        let mut sizes: Vec<usize> = self.layers.iter().map(|l| l.w.nrows()).collect();
        sizes.extend(self.layers.last().map(|l| l.w.ncols()));
        sizes
    }

    /// Number of trainable parameters.
    pub fn num_params(&self) -> usize {
        self.layers.iter().map(|l| l.w.len() + l.b.len()).sum()
    }
}

/// The mean loss over the batch, and d(sum of per-row losses)/d logits.
pub fn loss_and_logit_grad(logits: &Array2<f64>, y: &[usize], loss: Loss) -> (Array2<f64>, f64) {
    match loss {
        Loss::CrossEntropy => {
            // d / d logits = softmax - onehot
            let (mut probs, value) = softmax_cross_entropy(logits, y);
            for (i, &c) in y.iter().enumerate() {
                probs[[i, c]] -= 1.0;
            }
            (probs, value)
        }
        Loss::Squared => {
            // d / d logits = logits - onehot
            let mut diff = logits.clone();
            for (i, &c) in y.iter().enumerate() {
                diff[[i, c]] -= 1.0;
            }
            let value = 0.5 * diff.iter().map(|d| d * d).sum::<f64>() / y.len() as f64;
            (diff, value)
        }
    }
}

/// Row-wise softmax of `logits` and the mean cross-entropy against `y`.
///
/// Uses the max-shift, so large finite logits give a large finite loss; only
/// non-finite logits give a non-finite loss.
pub fn softmax_cross_entropy(logits: &Array2<f64>, y: &[usize]) -> (Array2<f64>, f64) {
    let mut probs = logits.clone();
    let mut total = 0.0;
    for ((mut row, logit), &c) in probs.rows_mut().into_iter().zip(logits.rows()).zip(y) {
        let max = logit.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        row.mapv_inplace(|v| libm::exp(v - max));
        let sum: f64 = row.sum();
        total += libm::log(sum) - (logit[c] - max);
        row.mapv_inplace(|v| v / sum);
    }
    (probs, total / y.len() as f64)
}

/// Index of the largest value (the first one on ties; NaN never wins).
pub fn argmax(values: impl Iterator<Item = f64>) -> usize {
    let mut best = (0, f64::NEG_INFINITY);
    for (i, v) in values.enumerate() {
        if v > best.1 {
            best = (i, v);
        }
    }
    best.0
}
