//! Bars by month in inline SVG: the geometry, and the pieces both the monthly chart and each
//! test's trend draw (stacked outcome segments with their `data-` counts, rotated labels).

use super::COLOURS;
use crate::stats::RunOutcome;
use html_escape::{encode_double_quoted_attribute as attr, encode_text as esc};
use std::io::{self, Write};

/// Room left of the first bar and under the bars, for the rotated month labels.
const LEFT: f64 = 40.0;
const BOTTOM: f64 = 50.0;

pub(crate) struct MonthBars {
    pub bar: f64,
    pub gap: f64,
    /// Of the tallest bar, which is `most`.
    pub height: f64,
    /// Room above the tallest bar.
    pub top: f64,
    pub most: u64,
}

impl MonthBars {
    /// `<svg …>` for `months` bars, with `attrs` (its id or class, and its accessible name).
    pub fn open(&self, out: &mut dyn Write, months: usize, attrs: &str) -> io::Result<()> {
        let width = LEFT + months as f64 * (self.bar + self.gap) + self.gap;
        let height = self.height + self.top + BOTTOM;
        writeln!(
            out,
            "<svg {attrs} role=\"img\" width=\"{width}\" height=\"{height}\" viewBox=\"0 0 {width} {height}\" xmlns=\"http://www.w3.org/2000/svg\">"
        )
    }

    /// Where bar `i` starts.
    pub fn x(&self, i: usize) -> f64 {
        LEFT + self.gap + i as f64 * (self.bar + self.gap)
    }

    /// The height of `n`.
    pub fn h(&self, n: u64) -> f64 {
        n as f64 / self.most.max(1) as f64 * self.height
    }

    /// Where the bars stand.
    pub fn axis(&self) -> f64 {
        self.top + self.height
    }

    /// `segments` stacked on bar `i`, from the axis up; where the stack ends.
    pub fn stack(
        &self,
        out: &mut dyn Write,
        i: usize,
        month: &str,
        segments: impl IntoIterator<Item = (RunOutcome, u64)>,
    ) -> io::Result<f64> {
        let (x, bar) = (self.x(i), self.bar);
        let mut y = self.axis();
        for (outcome, n) in segments {
            if n == 0 {
                continue;
            }
            let h = self.h(n);
            y -= h;
            writeln!(
                out,
                "<rect x=\"{x:.1}\" y=\"{y:.1}\" width=\"{bar}\" height=\"{h:.1}\" fill=\"{}\" data-month=\"{}\" data-outcome=\"{}\" data-count=\"{n}\"><title>{}: {n} {}</title></rect>",
                COLOURS[outcome as usize],
                attr(month),
                outcome.name(),
                esc(month),
                outcome.name()
            )?;
        }
        Ok(y)
    }

    /// The month under bar `i`, rotated.
    pub fn label(&self, out: &mut dyn Write, i: usize, month: &str) -> io::Result<()> {
        let (x, y) = (self.x(i) + self.bar / 2.0, self.axis() + 13.0);
        writeln!(
            out,
            "<text x=\"{x:.1}\" y=\"{y:.1}\" text-anchor=\"end\" transform=\"rotate(-45 {x:.1} {y:.1})\">{}</text>",
            esc(month)
        )
    }
}
