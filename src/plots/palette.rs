//! The one colour table of the charts and the page: line colours, the
//! severity colours of finding markers and alerts, and the chart's ink.

use plotters::style::RGBColor;

use crate::detectors::Severity;

/// The line colours, in order: by metric for one run, by run for several,
/// by fault on the Evaluate panel's charts.
pub const PALETTE: [RGBColor; 6] = [
    RGBColor(0x0f, 0x76, 0x6e),
    RGBColor(0x7c, 0x3a, 0xed),
    RGBColor(0xdb, 0x27, 0x77),
    RGBColor(0x0e, 0x74, 0x90),
    RGBColor(0x65, 0xa3, 0x0d),
    RGBColor(0x92, 0x40, 0x0e),
];

/// The colour of a run shown for comparison (the run without the response).
pub const GHOST: RGBColor = RGBColor(0x64, 0x74, 0x8b);

/// Titles and the action triangles.
pub const INK: RGBColor = RGBColor(0x0f, 0x17, 0x2a);

/// Axis labels, legends, "no data", and a metric's legend stroke when the
/// runs have the colours.
pub const MUTED: RGBColor = RGBColor(0x47, 0x55, 0x69);

/// Grid lines.
pub const GRID: RGBColor = RGBColor(0xe2, 0xe8, 0xf0);

/// Axis lines.
pub const AXIS: RGBColor = RGBColor(0x94, 0xa3, 0xb8);

/// The colour of a severity, shared by charts and page.
pub fn severity_color(s: Severity) -> RGBColor {
    match s {
        Severity::Info => RGBColor(0x25, 0x63, 0xeb),
        Severity::Warning => RGBColor(0xd9, 0x77, 0x06),
        Severity::Critical => RGBColor(0xdc, 0x26, 0x26),
    }
}

/// The colour of palette index `i` (wrapping round).
pub fn colour(i: usize) -> RGBColor {
    PALETTE[i % PALETTE.len()]
}

/// `c` as `#rrggbb`.
pub fn hex(c: RGBColor) -> String {
    format!("#{:02x}{:02x}{:02x}", c.0, c.1, c.2)
}

/// `c` mixed with white: `t` 0 is white, 1 is `c` (the views' heatmaps).
pub fn tint(c: RGBColor, t: f64) -> RGBColor {
    let t = t.clamp(0.0, 1.0);
    let mix = |v: u8| (255.0 - (255.0 - f64::from(v)) * t).round() as u8;
    RGBColor(mix(c.0), mix(c.1), mix(c.2))
}
