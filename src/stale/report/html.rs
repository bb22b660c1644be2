//! `--format html`: one self-contained page (no network requests, no external scripts) that
//! leads with what to do: the totals and the freshness trend (an inline SVG chart), then per
//! owner what they must review, oldest first, then every document in a table. Everything
//! reads without JavaScript; a small inline script only sorts the table (dates as dates) and
//! filters it by owner, content type and status.

use std::collections::BTreeMap;
use std::io::{self, Write};

use super::{age, short, Counts, Report, DUE, FRESH, NONE, STALE};
use crate::stale::trend::{Tally, Trend};
use crate::stale::{Entry, Status};

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
body {{ font: 14px/1.45 system-ui, sans-serif; margin: 2rem; color: #1f2328; max-width: 80rem; }}
h1 {{ font-size: 1.4rem; margin-bottom: .5rem; }} h2 {{ font-size: 1.15rem; margin-top: 2rem; }} h3 {{ font-size: 1rem; margin: 1.2rem 0 .3rem; }}
.totals {{ display: flex; gap: 1rem; flex-wrap: wrap; margin: .5rem 0 1rem; }}
.total {{ border: 1px solid #d0d7de; border-radius: 6px; padding: .4rem .9rem; min-width: 6rem; }}
.total b {{ display: block; font-size: 1.6rem; }}
table {{ border-collapse: collapse; width: 100%; margin: .3rem 0 1rem; table-layout: auto; }}
th, td {{ border-bottom: 1px solid #d0d7de; padding: .3rem .5rem; text-align: left; vertical-align: top; }}
th {{ background: #f6f8fa; white-space: nowrap; }}
#documents th {{ cursor: pointer; user-select: none; }}
#documents th[aria-sort=ascending]::after {{ content: " ▲"; }} #documents th[aria-sort=descending]::after {{ content: " ▼"; }}
td.n {{ text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }}
td.d {{ white-space: nowrap; font-variant-numeric: tabular-nums; }}
.label {{ display: inline-block; max-width: 26rem; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; vertical-align: bottom; }}
.owner .label {{ max-width: 20rem; }}
.title {{ color: #57606a; }}
.stale {{ color: {STALE}; font-weight: 600; }} .due {{ color: #9a6700; }} .fresh {{ color: #1a7f37; }} .exempt {{ color: #57606a; }}
.legend span {{ margin-right: 1rem; }} .legend i {{ display: inline-block; width: .8rem; height: .8rem; margin-right: .3rem; vertical-align: -1px; }}
svg text {{ font: 11px system-ui, sans-serif; fill: #57606a; }}
form {{ display: flex; gap: 1rem; flex-wrap: wrap; margin: .5rem 0; }}
</style>
</head>
<body>
<h1>Staleness report, {as_of}</h1>
<p>{docs}.</p>
<div class="totals">
<div class="total stale"><b id="total-stale">{stale}</b>stale</div>
<div class="total due"><b id="total-due">{due}</b>due</div>
<div class="total fresh"><b id="total-fresh">{fresh}</b>fresh</div>
<div class="total exempt"><b id="total-exempt">{exempt}</b>exempt</div>
</div>
"#,
        as_of = report.as_of,
        docs = escape(&super::counted(&report.summary)),
        stale = s.stale,
        due = s.due,
        fresh = s.fresh,
        exempt = s.exempt
    )?;
    if let Some(trend) = &report.trend {
        chart(trend, out)?;
    }
    owners(report, out)?;
    content_types(report, out)?;
    documents(report, out)?;
    write!(out, "{SCRIPT}</body>\n</html>\n")
}

/// The trend of all documents: one line per status, a dot per day with its counts on hover.
fn chart(trend: &Trend, out: &mut dyn Write) -> io::Result<()> {
    let n = trend.days.len();
    let top = trend.most() as f64;
    let (left, top_pad, plot_w, plot_h) = (40.0, 10.0, 700.0, 200.0);
    let x = |i: usize| {
        left + if n > 1 {
            i as f64 * plot_w / (n - 1) as f64
        } else {
            plot_w / 2.0
        }
    };
    let y = |v: usize| top_pad + plot_h - v as f64 / top * plot_h;
    writeln!(out, "<h2>Trend</h2>")?;
    writeln!(
        out,
        "<svg id=\"trend\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {w} {h}\" width=\"{w}\" height=\"{h}\" role=\"img\" aria-label=\"Stale, due and fresh documents at each month's end\">",
        w = left + plot_w + 20.0,
        h = top_pad + plot_h + 40.0
    )?;
    // Three grid lines: zero, half and the top count.
    for v in [0, top as usize / 2, top as usize] {
        writeln!(
            out,
            "<line x1=\"{left}\" x2=\"{x2}\" y1=\"{y:.1}\" y2=\"{y:.1}\" stroke=\"#d0d7de\"/><text x=\"{tx}\" y=\"{ty:.1}\" text-anchor=\"end\">{v}</text>",
            x2 = left + plot_w,
            y = y(v),
            tx = left - 6.0,
            ty = y(v) + 4.0
        )?;
    }
    // A label every few months, and always the last (the report's day)
    let every = n.div_ceil(8).max(1);
    for i in 0..n {
        // (not one so close to the last that the two would overlap).
        if (i % every == 0 && n - 1 - i >= every) || i + 1 == n {
            let text = trend.label(i);
            // The last label ends at its point, so that it stays inside the chart.
            let anchor = if i + 1 == n && n > 1 { "end" } else { "middle" };
            writeln!(
                out,
                "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"{anchor}\">{text}</text>",
                x(i),
                top_pad + plot_h + 18.0
            )?;
        }
    }
    for (name, color, value) in [
        ("fresh", FRESH, (|t: &Tally| t.fresh) as fn(&Tally) -> usize),
        ("due", DUE, |t: &Tally| t.due),
        ("stale", STALE, |t: &Tally| t.stale),
    ] {
        let points: Vec<String> = trend
            .total
            .iter()
            .enumerate()
            .map(|(i, t)| format!("{:.1},{:.1}", x(i), y(value(t))))
            .collect();
        writeln!(
            out,
            "<polyline class=\"series-{name}\" fill=\"none\" stroke=\"{color}\" stroke-width=\"2\" points=\"{}\"/>",
            points.join(" ")
        )?;
        for (i, (t, day)) in trend.total.iter().zip(&trend.days).enumerate() {
            writeln!(
                out,
                "<circle cx=\"{:.1}\" cy=\"{:.1}\" r=\"3\" fill=\"{color}\"><title>{day}: {} {name} ({} stale, {} due, {} fresh)</title></circle>",
                x(i),
                y(value(t)),
                value(t),
                t.stale,
                t.due,
                t.fresh
            )?;
        }
    }
    writeln!(out, "</svg>")?;
    writeln!(
        out,
        "<p class=\"legend\"><span><i style=\"background:{STALE}\"></i>stale</span><span><i style=\"background:{DUE}\"></i>due</span><span><i style=\"background:{FRESH}\"></i>fresh</span>at the end of each month; the last point is the report's day.</p>"
    )
}

/// Per owner, the documents to review (stale, then due), oldest first, with the owner's
/// counts. Owners with the most stale documents come first.
fn owners(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    let mut by_owner: BTreeMap<&str, Vec<&Entry>> = BTreeMap::new();
    for e in &report.entries {
        for owner in e.owner_names() {
            by_owner.entry(owner).or_default().push(e);
        }
    }
    let mut order: Vec<(&str, &Counts)> = report
        .summary
        .by_owner
        .iter()
        .map(|(name, counts)| (name.as_str(), counts))
        .collect();
    order.sort_by(|a, b| (b.1.stale, b.1.due, a.0).cmp(&(a.1.stale, a.1.due, b.0)));
    writeln!(out, "<h2>To review, by owner</h2>")?;
    for (name, counts) in order {
        let mut todo: Vec<&Entry> = by_owner
            .get(name)
            .map(|v| {
                v.iter()
                    .copied()
                    .filter(|e| matches!(e.status, Status::Stale | Status::Due))
                    .collect()
            })
            .unwrap_or_default();
        todo.sort_by(|a, b| (b.age_days, &a.path).cmp(&(a.age_days, &b.path)));
        writeln!(
            out,
            "<section class=\"owner\" data-owner=\"{owner}\"><h3><span class=\"label\" title=\"{owner}\">{owner}</span>: <span class=\"stale\">{} stale</span>, <span class=\"due\">{} due</span>, <span class=\"fresh\">{} fresh</span></h3>",
            counts.stale,
            counts.due,
            counts.fresh,
            owner = escape(name)
        )?;
        if todo.is_empty() {
            writeln!(out, "<p>Nothing to review.</p></section>")?;
            continue;
        }
        writeln!(out, "<table><thead><tr><th>Document</th><th>Status</th><th>Age (days)</th><th>Threshold</th><th>Last change</th><th>Reviewed</th><th>Review lag (days)</th></tr></thead><tbody>")?;
        for e in todo {
            writeln!(
                out,
                "<tr>{doc}<td class=\"{status}\">{status}</td><td class=\"n\">{age}</td><td class=\"n\">{thr}</td>{last}<td class=\"d\">{reviewed}</td><td class=\"n\">{lag}</td></tr>",
                doc = document_cell(e),
                status = e.status.as_str(),
                age = escape(&age(e)),
                thr = e.threshold_days,
                last = last_change_cell(e, report),
                reviewed = e.reviewed.map(|d| d.to_string()).unwrap_or_default(),
                lag = e.review_lag_days.map(|d| d.to_string()).unwrap_or_default()
            )?;
        }
        writeln!(out, "</tbody></table></section>")?;
    }
    Ok(())
}

fn content_types(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    writeln!(out, "<h2>By content type</h2>\n<table id=\"content-types\"><thead><tr><th>Content type</th><th>Documents</th><th>Stale</th><th>Due</th><th>Fresh</th><th>Exempt</th></tr></thead><tbody>")?;
    for (name, c) in &report.summary.by_content_type {
        writeln!(
            out,
            "<tr><td><span class=\"label\" title=\"{name}\">{name}</span></td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td></tr>",
            c.documents,
            c.stale,
            c.due,
            c.fresh,
            c.exempt,
            name = escape(name)
        )?;
    }
    writeln!(out, "</tbody></table>")
}

/// Every document, in one table the script sorts and filters. Each cell that does not sort
/// by its text carries `data-sort`: a number, or an ISO date (which sorts as the date).
fn documents(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    let choices = |names: Vec<&str>| {
        names
            .into_iter()
            .map(|n| format!("<option value=\"{0}\">{0}</option>", escape(n)))
            .collect::<String>()
    };
    let owners = choices(report.summary.by_owner.keys().map(String::as_str).collect());
    let types = choices(
        report
            .summary
            .by_content_type
            .keys()
            .map(String::as_str)
            .collect(),
    );
    writeln!(
        out,
        "<h2>All documents</h2>\n<form id=\"filters\" hidden>\
<label>Owner <select id=\"filter-owner\"><option value=\"\">all</option>{owners}</select></label>\
<label>Content type <select id=\"filter-type\"><option value=\"\">all</option>{types}</select></label>\
<label>Status <select id=\"filter-status\"><option value=\"\">all</option><option>stale</option><option>due</option><option>fresh</option><option>exempt</option></select></label>\
<output id=\"shown\"></output></form>"
    )?;
    writeln!(out, "<table id=\"documents\">\n<thead><tr><th data-key=\"status\">Status</th><th data-key=\"age\">Age (days)</th><th data-key=\"threshold\">Threshold</th><th data-key=\"owner\">Owner</th><th data-key=\"document\">Document</th><th data-key=\"type\">Content type</th><th data-key=\"last-change\">Last change</th><th data-key=\"reviewed\">Reviewed</th><th data-key=\"lag\">Review lag (days)</th></tr></thead>\n<tbody>")?;
    for e in &report.entries {
        let owner = escape(e.owner.as_deref().unwrap_or(NONE));
        // One per line: the owner filter keeps a row when any of its owners is chosen.
        let owners = escape(&e.owner_names().join("\n"));
        let ctype = escape(e.content_type.as_deref().unwrap_or(NONE));
        let rank = match e.status {
            Status::Stale => 0,
            Status::Due => 1,
            Status::Fresh => 2,
            Status::Exempt => 3,
        };
        writeln!(
            out,
            "<tr data-owner=\"{owner}\" data-owners=\"{owners}\" data-type=\"{ctype}\" data-status=\"{status}\"><td class=\"{status}\" data-sort=\"{rank}\">{status}</td><td class=\"n\" data-sort=\"{age_n}\">{age}</td><td class=\"n\" data-sort=\"{thr}\">{thr}</td><td class=\"owner\"><span class=\"label\" title=\"{owner}\">{owner}</span></td>{doc}<td>{ctype}</td>{last}<td class=\"d\" data-sort=\"{reviewed}\">{reviewed}</td><td class=\"n\" data-sort=\"{lag}\">{lag}</td></tr>",
            status = e.status.as_str(),
            age_n = e.age_days,
            age = escape(&age(e)),
            thr = e.threshold_days,
            doc = document_cell(e),
            last = last_change_cell(e, report),
            reviewed = e.reviewed.map(|d| d.to_string()).unwrap_or_default(),
            lag = e.review_lag_days.map(|d| d.to_string()).unwrap_or_default()
        )?;
    }
    writeln!(out, "</tbody>\n</table>")
}

/// The path (cut with an ellipsis when long; whole on hover) and the title under it.
fn document_cell(e: &Entry) -> String {
    let path = escape(&e.path);
    let title = e
        .title
        .as_deref()
        .map(|t| {
            let t = escape(t);
            format!("<br><span class=\"label title\" title=\"{t}\">{t}</span>")
        })
        .unwrap_or_default();
    format!(
        "<td data-sort=\"{path}\"><code class=\"label\" title=\"{path}\">{path}</code>{title}</td>"
    )
}

/// The day of the last change, sortable as a date; the commit and author on hover. A change
/// not yet committed is as new as the report's day.
fn last_change_cell(e: &Entry, report: &Report) -> String {
    match (&e.last_change, e.last_change_date) {
        (Some(c), Some(date)) => format!(
            "<td class=\"d\" data-sort=\"{date}\" title=\"{} {}\">{date}</td>",
            short(&c.commit.to_string()),
            escape(&c.author)
        ),
        _ => format!(
            "<td class=\"d\" data-sort=\"{}\">uncommitted</td>",
            report.as_of
        ),
    }
}

/// Sorting and filtering; the page reads the same without it.
const SCRIPT: &str = r#"<script>
(function () {
  var table = document.getElementById("documents");
  var body = table.tBodies[0];
  var form = document.getElementById("filters");
  form.hidden = false;
  // Cells sort by data-sort when present: numbers as numbers, anything else (ISO dates
  // included) as text. Empty cells go last either way.
  function key(row, column) {
    var cell = row.cells[column];
    return cell.hasAttribute("data-sort") ? cell.getAttribute("data-sort") : cell.textContent;
  }
  function compare(x, y) {
    var number = /^-?\d+(\.\d+)?$/;
    if (number.test(x) && number.test(y)) return parseFloat(x) - parseFloat(y);
    return x < y ? -1 : x > y ? 1 : 0;
  }
  Array.prototype.forEach.call(table.tHead.rows[0].cells, function (th, column) {
    th.addEventListener("click", function () {
      var descending = th.getAttribute("aria-sort") === "ascending";
      Array.prototype.forEach.call(table.tHead.rows[0].cells, function (other) {
        other.removeAttribute("aria-sort");
      });
      th.setAttribute("aria-sort", descending ? "descending" : "ascending");
      var rows = Array.prototype.slice.call(body.rows);
      rows.sort(function (a, b) {
        var x = key(a, column), y = key(b, column);
        if (x === "" || y === "") return (x === "") - (y === "");
        var order = compare(x, y);
        return descending ? -order : order;
      });
      rows.forEach(function (row) { body.appendChild(row); });
    });
  });
  var owner = document.getElementById("filter-owner");
  var type = document.getElementById("filter-type");
  var status = document.getElementById("filter-status");
  function filter() {
    var shown = 0;
    Array.prototype.forEach.call(body.rows, function (row) {
      var keep = (!owner.value || row.getAttribute("data-owners").split("\n").indexOf(owner.value) !== -1) &&
        (!type.value || row.getAttribute("data-type") === type.value) &&
        (!status.value || row.getAttribute("data-status") === status.value);
      row.hidden = !keep;
      if (keep) shown += 1;
    });
    document.getElementById("shown").textContent = shown + " of " + body.rows.length + " documents";
  }
  [owner, type, status].forEach(function (select) { select.addEventListener("change", filter); });
  filter();
})();
</script>
"#;

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
