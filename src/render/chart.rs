//! Small inline SVG charts. They hold numbers and fixed labels only (never text from a
//! tool definition), so they are inserted into pages as they are.

use crate::untrusted::escape_html as escape;
use std::fmt::Write;

const WIDTH: usize = 480;
const LABEL: usize = 110;
const ROW: usize = 26;

/// A horizontal bar chart: one bar per `(key, label, count)`, scaled to the largest. Bars
/// take their colour from the `cat-KEY` / `risk-KEY` classes of the stylesheet.
pub fn bars(title: &str, rows: &[(&str, &str, usize)]) -> String {
    let max = rows.iter().map(|r| r.2).max().unwrap_or(0).max(1);
    let total: usize = rows.iter().map(|r| r.2).sum();
    let height = rows.len() * ROW + 4;
    let span = WIDTH - LABEL - 110;
    let mut svg = String::new();
    let summary: Vec<String> = rows.iter().map(|(_, l, n)| format!("{l} {n}")).collect();
    let _ = write!(
        svg,
        r#"<svg class="chart" role="img" viewBox="0 0 {WIDTH} {height}" width="{WIDTH}" height="{height}" aria-label="{}: {}"><title>{}</title>"#,
        escape(title),
        escape(&summary.join(", ")),
        escape(title)
    );
    for (i, (key, label, n)) in rows.iter().enumerate() {
        let y = i * ROW + 2;
        let w = if *n == 0 { 0 } else { (n * span / max).max(2) };
        let class = if ["low", "medium", "high", "critical"].contains(key) {
            format!("risk-{}", escape(key))
        } else {
            format!("cat-{}", escape(key))
        };
        let share = (n * 100).checked_div(total).unwrap_or(0);
        let _ = write!(
            svg,
            r#"<g class="{class}"><text x="0" y="{ty}" class="label">{label}</text><rect x="{LABEL}" y="{y}" width="{w}" height="{bh}" rx="3"></rect><text x="{tx}" y="{ty}" class="value">{n} ({share}%)</text></g>"#,
            ty = y + 17,
            bh = ROW - 8,
            tx = LABEL + w + 6,
            label = escape(label),
        );
    }
    svg.push_str("</svg>");
    svg
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bars_scale_to_the_largest_and_label_every_row() {
        let svg = bars(
            "Tools by risk",
            &[
                ("low", "Low", 10),
                ("critical", "Critical", 5),
                ("high", "High", 0),
            ],
        );
        assert!(svg.starts_with("<svg") && svg.ends_with("</svg>"));
        assert!(
            svg.contains(r#"width="260""#),
            "the largest bar spans the chart: {svg}"
        );
        assert!(svg.contains(r#"width="130""#), "half as many, half as wide");
        assert!(svg.contains(r#"width="0""#));
        assert!(svg.contains("Critical 5") && svg.contains("class=\"risk-critical\""));
        assert!(svg.contains("10 (66%)"));
    }
}
