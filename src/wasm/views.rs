//! The view of the failure itself (see [`crate::plots::view`]): the lab's
//! view as a plain object with Float32Arrays, made in the training Worker
//! ([`Lab::view`](super::Lab::view)), and [`draw_view`] on the page's canvas.

use serde::Deserialize;
use wasm_bindgen::prelude::*;
use web_sys::HtmlCanvasElement;

use super::canvas::Canvas;
use super::{error, from_js, to_js};
use crate::plots::answers::Answers;
use crate::plots::pairs::Pairs;
use crate::plots::ring::Ring;
use crate::plots::surface::Surface;
use crate::plots::view::{self, View};
use plotters::prelude::*;

/// `view` as a plain object `{learner, step, ...}`, its long number lists
/// as Float32Arrays (a classifier's `grid` and `points`, an agent's
/// `watched` and `unwatched`).
pub(crate) fn view_to_js(view: &View) -> Result<JsValue, JsError> {
    let out = to_js(view)?;
    let set = |k: &str, v: &[f32]| {
        js_sys::Reflect::set(
            &out,
            &JsValue::from_str(k),
            &js_sys::Float32Array::from(v).into(),
        )
        .map(|_| ())
        .map_err(|_| JsError::new("view: could not build it"))
    };
    match view {
        View::Classifier(s) => {
            set("grid", &s.grid)?;
            set("points", &s.points)?;
        }
        View::Agent(a) => {
            set("watched", &a.watched)?;
            set("unwatched", &a.unwatched)?;
        }
        View::Modular(_) => {}
        View::Gan(r) => {
            set("grid", &r.grid)?;
            set("real", &r.real)?;
            set("fake", &r.fake)?;
            set("centres", &r.centres)?;
        }
    }
    Ok(out)
}

/// How to draw a view.
#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
struct ViewOptions {
    /// Device pixels per CSS pixel, times any text enlargement.
    pixel_ratio: Option<f64>,
    /// Which drawing: "main" (the default) or, for an agent, "kl" (proxy
    /// reward and true quality against KL from the initial policy).
    mode: view::Mode,
}

/// Draws a view made by [`Lab::view`](super::Lab::view) on `canvas`;
/// `options` `{pixel_ratio, mode}` (`mode` "main" or "kl"). A view that cannot be read throws its reason.
#[wasm_bindgen(js_name = drawView)]
pub fn draw_view(
    canvas: HtmlCanvasElement,
    view: JsValue,
    options: JsValue,
) -> Result<(), JsError> {
    let options: ViewOptions = from_js(options, "view options")?;
    let learner = js_sys::Reflect::get(&view, &JsValue::from_str("learner"))
        .ok()
        .and_then(|v| v.as_string())
        .unwrap_or_default();
    let read = |what| error("view", format!("{what} could not be read"));
    let view = match learner.as_str() {
        "classifier" => View::Classifier(
            serde_wasm_bindgen::from_value::<Surface>(view).map_err(|_| read("the surface"))?,
        ),
        "agent" => View::Agent(
            serde_wasm_bindgen::from_value::<Answers>(view).map_err(|_| read("the answers"))?,
        ),
        "modular" => View::Modular(
            serde_wasm_bindgen::from_value::<Pairs>(view).map_err(|_| read("the table"))?,
        ),
        "gan" => {
            View::Gan(serde_wasm_bindgen::from_value::<Ring>(view).map_err(|_| read("the ring"))?)
        }
        other => return Err(error("view", format!("no view of a learner {other:?}"))),
    };
    let backend = Canvas::new(canvas)?;
    let ratio = options.pixel_ratio.filter(|r| r.is_finite()).unwrap_or(1.0);
    view::draw_view_as(&backend.into_drawing_area(), &view, options.mode, ratio)
        .map_err(|e| error("view", e))
}
