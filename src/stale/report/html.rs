//! `--format html`: one self-contained page (no network requests): the overdue list first,
//! an inline SVG chart of each document's age against its threshold, and a table that sorts
//! by any column (by owner, say) when its header is clicked.

use std::io::{self, Write};

use super::{age, last_change, Report};
use crate::stale::Status;

/// At most this many bars in the chart, the most overdue.
const CHART_ROWS: usize = 60;

pub fn write(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    let s = &report.summary.by_status;
    write!(
        out,
        r#"<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Staleness report, {as_of}</title>
<style>
body {{ font: 14px/1.45 system-ui, sans-serif; margin: 2rem; color: #1f2328; }}
h1 {{ font-size: 1.4rem; }}
table {{ border-collapse: collapse; width: 100%; margin: 1rem 0; }}
th, td {{ border-bottom: 1px solid #d0d7de; padding: .3rem .5rem; text-align: left; }}
th {{ cursor: pointer; background: #f6f8fa; }}
td.n {{ text-align: right; font-variant-numeric: tabular-nums; }}
.stale {{ color: #cf222e; font-weight: 600; }} .due {{ color: #9a6700; }} .fresh {{ color: #1a7f37; }} .exempt {{ color: #57606a; }}
svg text {{ font: 11px system-ui, sans-serif; }}
</style>
</head>
<body>
<h1>Staleness report, {as_of}</h1>
<p>{docs}: <span class="stale">{stale} stale</span>, <span class="due">{due} due</span>, <span class="fresh">{fresh} fresh</span>, <span class="exempt">{exempt} exempt</span>.</p>
"#,
        as_of = report.as_of,
        docs = escape(&super::counted(&report.summary)),
        stale = s.stale,
        due = s.due,
        fresh = s.fresh,
        exempt = s.exempt
    )?;
    let overdue: Vec<_> = report
        .entries
        .iter()
        .filter(|e| e.status == Status::Stale)
        .collect();
    writeln!(out, "<h2>Overdue</h2>")?;
    if overdue.is_empty() {
        writeln!(out, "<p>Nothing is overdue.</p>")?;
    } else {
        writeln!(out, "<ol>")?;
        for e in &overdue {
            writeln!(
                out,
                "<li><code>{}</code>{}: {} days old, {} over ({})</li>",
                escape(&e.path),
                e.title
                    .as_deref()
                    .map(|t| format!(" — {}", escape(t)))
                    .unwrap_or_default(),
                escape(&age(e)),
                e.overdue_days(),
                escape(e.owner.as_deref().unwrap_or("no owner"))
            )?;
        }
        writeln!(out, "</ol>")?;
    }
    chart(report, out)?;
    writeln!(out, "<h2>All documents</h2>\n<table id=\"documents\">\n<thead><tr><th>Status</th><th>Age (days)</th><th>Threshold</th><th>Owner</th><th>Document</th><th>Content type</th><th>Last change</th><th>Reviewed</th></tr></thead>\n<tbody>")?;
    for e in &report.entries {
        writeln!(
            out,
            "<tr><td class=\"{status}\">{status}</td><td class=\"n\" data-sort=\"{age_n}\">{age}</td><td class=\"n\" data-sort=\"{thr}\">{thr}</td><td>{owner}</td><td><code>{path}</code>{title}</td><td>{ctype}</td><td>{last}</td><td>{reviewed}</td></tr>",
            status = e.status.as_str(),
            age_n = e.age_days,
            age = escape(&age(e)),
            thr = e.threshold_days,
            owner = escape(e.owner.as_deref().unwrap_or("")),
            path = escape(&e.path),
            title = e.title.as_deref().map(|t| format!("<br>{}", escape(t))).unwrap_or_default(),
            ctype = escape(e.content_type.as_deref().unwrap_or("")),
            last = escape(&last_change(e)),
            reviewed = e.reviewed.map(|d| d.to_string()).unwrap_or_default()
        )?;
    }
    write!(
        out,
        r##"</tbody>
</table>
<script>
// Click a header to sort by that column; click again to reverse.
document.querySelectorAll("#documents th").forEach(function (th, column) {{
  th.addEventListener("click", function () {{
    var body = document.querySelector("#documents tbody");
    var rows = Array.prototype.slice.call(body.rows);
    var descending = th.dataset.order !== "desc";
    th.dataset.order = descending ? "desc" : "asc";
    rows.sort(function (a, b) {{
      var x = a.cells[column].dataset.sort || a.cells[column].textContent;
      var y = b.cells[column].dataset.sort || b.cells[column].textContent;
      var nx = parseFloat(x), ny = parseFloat(y);
      var order = (!isNaN(nx) && !isNaN(ny)) ? nx - ny : x.localeCompare(y);
      return descending ? -order : order;
    }});
    rows.forEach(function (row) {{ body.appendChild(row); }});
  }});
}});
</script>
</body>
</html>
"##
    )
}

/// Horizontal bars: each document's age, with a mark at its threshold.
fn chart(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    let rows: Vec<_> = report
        .entries
        .iter()
        .filter(|e| e.status != Status::Exempt)
        .take(CHART_ROWS)
        .collect();
    if rows.is_empty() {
        return Ok(());
    }
    let max = rows
        .iter()
        .map(|e| e.age_days.max(i64::from(e.threshold_days)))
        .max()
        .unwrap_or(1)
        .max(1) as f64;
    let (label_w, bar_w, row_h) = (260.0, 520.0, 18.0);
    let height = row_h * rows.len() as f64 + 24.0;
    writeln!(out, "<h2>Age against threshold</h2>")?;
    writeln!(
        out,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{w}\" height=\"{height}\" role=\"img\" aria-label=\"Document ages against their thresholds\">",
        w = label_w + bar_w + 80.0
    )?;
    for (i, e) in rows.iter().enumerate() {
        let y = i as f64 * row_h + 4.0;
        let len = (e.age_days.max(0) as f64 / max * bar_w).max(1.0);
        let mark = f64::from(e.threshold_days) / max * bar_w + label_w;
        let color = match e.status {
            Status::Stale => "#cf222e",
            Status::Due => "#d4a72c",
            _ => "#2da44e",
        };
        let label: String = e
            .path
            .chars()
            .rev()
            .take(40)
            .collect::<Vec<_>>()
            .into_iter()
            .rev()
            .collect();
        writeln!(
            out,
            "<text x=\"{lx}\" y=\"{ty}\" text-anchor=\"end\">{label}</text><rect x=\"{label_w}\" y=\"{y}\" width=\"{len:.1}\" height=\"{bh}\" fill=\"{color}\"><title>{title}: {age} days, threshold {thr}</title></rect><line x1=\"{mark:.1}\" x2=\"{mark:.1}\" y1=\"{y}\" y2=\"{y2}\" stroke=\"#1f2328\" stroke-width=\"2\"/><text x=\"{tx:.1}\" y=\"{ty}\">{age}</text>",
            lx = label_w - 6.0,
            ty = y + 11.0,
            label = escape(&label),
            bh = row_h - 5.0,
            title = escape(&e.path),
            age = escape(&age(e)),
            thr = e.threshold_days,
            y2 = y + row_h - 5.0,
            tx = label_w + len.max(mark - label_w) + 6.0,
        )?;
    }
    writeln!(out, "</svg>")
}

/// Escapes text for HTML content and attribute values.
pub fn escape(text: &str) -> String {
    let mut s = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => s.push_str("&amp;"),
            '<' => s.push_str("&lt;"),
            '>' => s.push_str("&gt;"),
            '"' => s.push_str("&quot;"),
            '\'' => s.push_str("&#39;"),
            // A line break or other control character in a value (a file name, say) would
            // start a new line of a CI log; as a character reference it is the same text.
            c if c.is_control() => s.push_str(&format!("&#{};", u32::from(c))),
            c => s.push(c),
        }
    }
    s
}
