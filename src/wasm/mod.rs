//! The browser boundary: the only code that knows about JavaScript.
//!
//! Each file is one handle or one job:
//! - [`lab`]: [`Lab`], a live training run (and its twin without the
//!   automatic response), trained in a Web Worker (`www/train-worker.js`);
//! - [`board`]: [`Board`], stored and imported runs held for drawing;
//! - [`live`]: [`LiveView`], the page's drawing copy of the live run a
//!   training Worker's [`Lab`] sends (and the drawing shared with `Lab`);
//! - [`import`]: [`LogImport`], a training log read in chunks and watched by
//!   the detectors;
//! - [`charts`]: chart options and drawing over any of them;
//! - [`canvas`]: the canvas backend with text measured by the canvas;
//! - [`diagnosis`]: the diagnosis over the alert list;
//! - [`settings`]: the settings table and metric titles the page builds on;
//! - [`views`]: the view of the failure itself (decision surface, answers);
//! - [`eval`]: [`Evaluation`], the evaluation suite run in a Web Worker,
//!   and the evaluation panel's charts;
//! - [`grade`]: [`Grading`], the suite's runs recorded for the student's
//!   Python detectors and their findings graded.
//!
//! JavaScript gets small copyable results: numbers, typed arrays and plain
//! objects. Every error crosses as a JS `Error` with a message; nothing
//! reachable from the page panics.

pub mod board;
pub mod canvas;
pub mod charts;
pub mod diagnosis;
#[cfg(feature = "eval")]
pub mod eval;
#[cfg(feature = "eval")]
pub mod grade;
#[cfg(feature = "import")]
pub mod import;
pub mod lab;
pub mod live;
pub mod settings;
pub mod views;

pub use board::Board;
#[cfg(feature = "eval")]
pub use eval::Evaluation;
#[cfg(feature = "eval")]
pub use grade::Grading;
#[cfg(feature = "import")]
pub use import::LogImport;
pub use lab::Lab;
pub use live::LiveView;

use serde::{Deserialize, Serialize};

use crate::monitor::Series;
use wasm_bindgen::prelude::*;

/// Installs the panic hook once, so a bug shows a message in the console.
#[wasm_bindgen(start)]
pub fn start() {
    console_error_panic_hook::set_once();
}

const SERIALIZER: serde_wasm_bindgen::Serializer =
    serde_wasm_bindgen::Serializer::new().serialize_maps_as_objects(true);

/// `value` as a plain JS value (maps become objects).
pub(crate) fn to_js<T: Serialize + ?Sized>(value: &T) -> Result<JsValue, JsError> {
    value
        .serialize(&SERIALIZER)
        .map_err(|e| JsError::new(&e.to_string()))
}

/// Reads a plain JS object as `T` through JSON, so unknown fields are
/// refused by name (serde-wasm-bindgen only looks at the known ones).
/// Undefined and null give `T::default()`.
pub(crate) fn from_js<T: for<'de> Deserialize<'de> + Default>(
    value: JsValue,
    what: &str,
) -> Result<T, JsError> {
    if value.is_undefined() || value.is_null() {
        return Ok(T::default());
    }
    let json = js_sys::JSON::stringify(&value)
        .ok()
        .and_then(|s| s.as_string())
        .ok_or_else(|| JsError::new(&format!("{what}: not a plain object")))?;
    serde_json::from_str(&json).map_err(|e| {
        JsError::new(&format!(
            "{what}: {}",
            crate::config::plain_words(&e.to_string())
        ))
    })
}

/// A text argument from JavaScript, checked here: the generated glue
/// hands a number or an object straight to wasm memory, which could trap.
pub(crate) fn text_arg(value: &JsValue, what: &str) -> Result<String, JsError> {
    value
        .as_string()
        .ok_or_else(|| error(what, format!("expected text, got {}", kind_of(value))))
}

/// A name to look up from JavaScript: anything but text names nothing.
pub(crate) fn name_arg(value: &JsValue) -> String {
    value.as_string().unwrap_or_default()
}

/// Numbers from JavaScript: a Float64Array, or an array of numbers (null,
/// as JSON writes NaN, reads as NaN); anything else is refused.
pub(crate) fn numbers_arg(value: &JsValue, what: &str) -> Result<Vec<f64>, JsError> {
    use wasm_bindgen::JsCast;
    if let Some(a) = value.dyn_ref::<js_sys::Float64Array>() {
        return Ok(a.to_vec());
    }
    if js_sys::Array::is_array(value) {
        let array: &js_sys::Array = value.unchecked_ref();
        let mut out = Vec::with_capacity(array.length() as usize);
        for (i, v) in array.iter().enumerate() {
            match v.as_f64() {
                Some(x) => out.push(x),
                None if v.is_null() || v.is_undefined() => out.push(f64::NAN),
                None => {
                    return Err(error(
                        what,
                        format!("item {} is {}, not a number", i + 1, kind_of(&v)),
                    ))
                }
            }
        }
        return Ok(out);
    }
    Err(error(
        what,
        format!("expected a list of numbers, got {}", kind_of(value)),
    ))
}

/// Bytes from JavaScript: a Uint8Array (or an ArrayBuffer).
#[cfg(feature = "import")]
pub(crate) fn bytes_arg(value: &JsValue, what: &str) -> Result<Vec<u8>, JsError> {
    use wasm_bindgen::JsCast;
    if let Some(a) = value.dyn_ref::<js_sys::Uint8Array>() {
        return Ok(a.to_vec());
    }
    if value.is_instance_of::<js_sys::ArrayBuffer>() {
        return Ok(js_sys::Uint8Array::new(value).to_vec());
    }
    Err(error(
        what,
        format!(
            "expected the file's bytes (a Uint8Array), got {}",
            kind_of(value)
        ),
    ))
}

/// What a JS value is, in words, for a message.
fn kind_of(value: &JsValue) -> &'static str {
    if value.is_undefined() {
        "nothing"
    } else if value.is_null() {
        "null"
    } else if value.as_f64().is_some() {
        "a number"
    } else if value.as_string().is_some() {
        "text"
    } else if value.as_bool().is_some() {
        "true or false"
    } else if js_sys::Array::is_array(value) {
        "a list"
    } else if value.is_function() {
        "a function"
    } else {
        "an object"
    }
}

/// A JS error reading "`what`: `error`".
pub(crate) fn error(what: &str, error: impl std::fmt::Display) -> JsError {
    JsError::new(&format!("{what}: {error}"))
}

/// Names of the metrics in `series`.
pub(crate) fn metric_names(series: &[Series]) -> Vec<String> {
    series.iter().map(|s| s.name.clone()).collect()
}

fn find<'a>(series: &'a [Series], name: &str) -> Option<&'a Series> {
    series.iter().find(|s| s.name == name)
}

/// Values of metric `name` in `series` (empty when never reported).
pub(crate) fn values(series: &[Series], name: &str) -> Vec<f64> {
    find(series, name)
        .map(|s| s.values.clone())
        .unwrap_or_default()
}

/// Steps of metric `name`'s values in `series`, as JS numbers.
pub(crate) fn steps_of(series: &[Series], name: &str) -> Vec<f64> {
    find(series, name)
        .map(|s| s.steps.iter().map(|&x| x as f64).collect())
        .unwrap_or_default()
}
