//! `custodia harm …`: civilian-harm reports entered, listed, read and assessed; monitors' counts
//! imported; the monthly public overview written as HTML, CSV and JSON.

use std::fmt::Write as _;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{bail, Context, Result};
use clap::Subcommand;
use custodia_vault::harm::{Assessment, Attachment, HarmReportInput, Overview};
use custodia_vault::{Access, Vault};
use serde_json::json;

use crate::access_cmd::write_vault;
use crate::output::Output;
use crate::report_cmd::{bar_chart, cell};
use crate::victims_cmd::write_new;
use crate::{actor, open, Cli};

#[derive(Subcommand, Debug)]
pub enum HarmCommand {
    /// Enter a report received otherwise than through the public reporting point (a call, a
    /// letter): FILE is JSON with date, place, lat, lon, description, killed, injured, contact.
    Submit {
        file: PathBuf,
        /// A photo, video or document sent with it (up to 5, 25 MiB each).
        #[arg(long = "attachment", value_name = "FILE")]
        attachments: Vec<PathBuf>,
    },
    /// Reports, oldest first.
    List {
        /// pending, credible, not_credible, duplicate or insufficient_information.
        #[arg(long, value_name = "STATUS")]
        status: Option<String>,
    },
    /// One report whole, with the reporter's contact and every assessment.
    Show { reference: String },
    /// Record an assessment of a report.
    Assess {
        reference: String,
        /// credible, not_credible, duplicate or insufficient_information.
        #[arg(long, value_name = "STATUS")]
        status: String,
        #[arg(long = "duplicate-of", value_name = "REF")]
        duplicate_of: Option<String>,
        /// Civilians killed, as assessed.
        #[arg(long)]
        killed: Option<u64>,
        /// Civilians injured, as assessed.
        #[arg(long)]
        injured: Option<u64>,
        /// The area the public overview names (never the exact place).
        #[arg(long, value_name = "NAME")]
        area: Option<String>,
        /// The incident's date, as assessed (YYYY-MM-DD).
        #[arg(long, value_name = "DATE")]
        date: Option<String>,
        /// What the public overview may say of it.
        #[arg(long = "public-summary", value_name = "TEXT")]
        public_summary: Option<String>,
        /// The assessor's own note (kept sealed, never published).
        #[arg(long, value_name = "TEXT")]
        note: Option<String>,
    },
    /// Import an independent monitor's counts (CSV: date, area, killed_min, killed_max,
    /// reference), kept for comparison.
    ImportMonitor {
        file: PathBuf,
        #[arg(long, value_name = "NAME")]
        source: String,
    },
    /// Write the monthly public overview (overview.html, overview.csv, overview.json) into DIR.
    Overview {
        /// YYYY-MM.
        #[arg(long, value_name = "MONTH")]
        month: String,
        #[arg(long, value_name = "DIR")]
        out: PathBuf,
    },
}

pub fn harm(cli: &Cli, out: &Output, command: &HarmCommand) -> Result<ExitCode> {
    match command {
        HarmCommand::Submit { file, attachments } => {
            let text = std::fs::read_to_string(file)
                .with_context(|| format!("cannot read the report `{}`", file.display()))?;
            let input: HarmReportInput = serde_json::from_str(&text).with_context(|| {
                format!("`{}` is not a report (JSON: date, place, lat, lon, description, killed, injured, contact)", file.display())
            })?;
            let mut files = Vec::new();
            for path in attachments {
                let f = std::fs::File::open(path)
                    .with_context(|| format!("cannot read the attachment `{}`", path.display()))?;
                let size = f.metadata()?.len();
                files.push((path, f, size));
            }
            let (mut vault, actor) = write_vault(cli)?;
            let list = files
                .iter_mut()
                .map(|(path, f, size)| Attachment {
                    name: path
                        .file_name()
                        .map(|n| n.to_string_lossy().into_owned())
                        .unwrap_or_default(),
                    size: *size,
                    reader: f,
                })
                .collect();
            let receipt = vault.submit_harm_report(&actor, &input, list)?;
            out.message(&format!("report recorded as {}", receipt.reference));
            out.print(&receipt, String::new);
        }
        HarmCommand::List { status } => {
            let vault = open(cli, Access::ReadOnly)?;
            let list = vault.harm_list(&actor(cli, &vault), status.as_deref())?;
            out.print(&json!({ "reports": list }), || {
                list.iter()
                    .map(|r| {
                        format!(
                            "{}  {:<24} {}  {} killed, {} injured  {}\n",
                            r.reference, r.status, r.date, r.killed, r.injured, r.place
                        )
                    })
                    .collect()
            });
        }
        HarmCommand::Show { reference } => {
            let mut vault = open(cli, Access::ReadWrite)?;
            let who = actor(cli, &vault);
            let view = vault.harm_show(&who, reference)?;
            // The read of a reporter's contact is in the log before it is shown.
            vault.record_reads(vec![Vault::harm_read_event(&who, &view)])?;
            out.print(&view, || {
                format!(
                    "{}  {}\n  {} at {}: {} killed, {} injured\n  {}\n",
                    view.report.reference,
                    view.status,
                    view.report.date,
                    view.report.place,
                    view.report.killed,
                    view.report.injured,
                    view.report.description
                )
            });
        }
        HarmCommand::Assess {
            reference,
            status,
            duplicate_of,
            killed,
            injured,
            area,
            date,
            public_summary,
            note,
        } => {
            let (mut vault, actor) = write_vault(cli)?;
            let index = vault.harm_assess(
                &actor,
                reference,
                Assessment {
                    status: status.clone(),
                    duplicate_of: duplicate_of.clone(),
                    killed: *killed,
                    injured: *injured,
                    area: area.clone(),
                    date: date.clone(),
                    public_summary: public_summary.clone(),
                    note: note.clone(),
                },
            )?;
            out.message(&format!(
                "{reference} assessed as {status}; logged at position {index}"
            ));
            out.print(
                &json!({ "reference": reference, "status": status, "ledger_index": index }),
                String::new,
            );
        }
        HarmCommand::ImportMonitor { file, source } => {
            let bytes =
                std::fs::read(file).with_context(|| format!("cannot read `{}`", file.display()))?;
            let (mut vault, actor) = write_vault(cli)?;
            let imported = vault.harm_import_monitor(&actor, source, &bytes)?;
            for p in &imported.problems {
                out.message(&format!(
                    "`{}` line {}{}: {} (skipped)",
                    file.display(),
                    p.line,
                    p.column
                        .as_deref()
                        .map(|c| format!(", column {c}"))
                        .unwrap_or_default(),
                    p.reason
                ));
            }
            out.print(&imported, || {
                format!(
                    "{} rows of {} imported, {} skipped\n",
                    imported.imported,
                    imported.source,
                    imported.problems.len()
                )
            });
        }
        HarmCommand::Overview { month, out: dir } => {
            let vault = open(cli, Access::ReadOnly)?;
            let overview = vault.harm_overview(&actor(cli, &vault), month)?;
            if dir.exists() && std::fs::read_dir(dir)?.next().is_some() {
                bail!(
                    "`{}` is not empty; refusing to mix the overview with other files",
                    dir.display()
                );
            }
            std::fs::create_dir_all(dir)
                .with_context(|| format!("cannot create `{}`", dir.display()))?;
            write_new(
                &dir.join("overview.json"),
                serde_json::to_string_pretty(&overview)?.as_bytes(),
            )?;
            write_new(&dir.join("overview.csv"), &overview_csv(&overview)?)?;
            write_new(
                &dir.join("overview.html"),
                overview_html(&overview, &vault.config().holder).as_bytes(),
            )?;
            out.message(&format!(
                "wrote the overview of {} into `{}`",
                overview.month,
                dir.display()
            ));
            out.print(&overview, || {
                format!(
                    "{}: {} received, {} assessed, {} pending; credible: {} reports, {} killed, {} injured\n",
                    overview.month,
                    overview.received,
                    overview.assessed,
                    overview.pending,
                    overview.credible.reports,
                    overview.credible.killed,
                    overview.credible.injured
                )
            });
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// The overview's figures as one CSV table: a row per area of the month, then a row per month
/// of the year to date, then the monitors' counts.
fn overview_csv(o: &Overview) -> Result<Vec<u8>> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record([
        "section",
        "name",
        "reports",
        "killed",
        "injured",
        "killed_min",
        "killed_max",
    ])?;
    w.write_record([
        "month",
        o.month.as_str(),
        &o.credible.reports.to_string(),
        &o.credible.killed.to_string(),
        &o.credible.injured.to_string(),
        "",
        "",
    ])?;
    for a in &o.by_area {
        w.write_record([
            "area",
            &cell(&a.area),
            &a.reports.to_string(),
            &a.killed.to_string(),
            &a.injured.to_string(),
            "",
            "",
        ])?;
    }
    for m in &o.by_month {
        w.write_record([
            "year_to_date",
            m.month.as_str(),
            &m.reports.to_string(),
            &m.killed.to_string(),
            &m.injured.to_string(),
            "",
            "",
        ])?;
    }
    for m in &o.monitors {
        w.write_record([
            "monitor",
            &cell(&m.source),
            "",
            "",
            "",
            &m.killed_min.to_string(),
            &m.killed_max.to_string(),
        ])?;
    }
    w.into_inner().context("cannot write the overview's CSV")
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// The areas on a plain SVG map: each at its coarsened position, sized by the killed.
fn area_map(points: &[custodia_vault::harm::AreaPoint]) -> String {
    if points.is_empty() {
        return String::new();
    }
    let (w, h, pad) = (560.0, 320.0, 40.0);
    let lats = points.iter().map(|p| p.lat);
    let lons = points.iter().map(|p| p.lon);
    let (min_lat, max_lat) = lats.fold((f64::MAX, f64::MIN), |(a, b), x| (a.min(x), b.max(x)));
    let (min_lon, max_lon) = lons.fold((f64::MAX, f64::MIN), |(a, b), x| (a.min(x), b.max(x)));
    let span_lat = (max_lat - min_lat).max(1.0);
    let span_lon = (max_lon - min_lon).max(1.0);
    let mut svg = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {w} {h}\" width=\"{w}\" height=\"{h}\" role=\"img\" aria-label=\"Areas of credible reports\">\n<title>Areas of credible reports (positions coarsened to half a degree)</title>\n<rect x=\"0\" y=\"0\" width=\"{w}\" height=\"{h}\" fill=\"#f4f6f8\" stroke=\"#ccc\"/>\n"
    );
    for p in points {
        let x = pad + (p.lon - min_lon) / span_lon * (w - 2.0 * pad);
        let y = h - pad - (p.lat - min_lat) / span_lat * (h - 2.0 * pad);
        let r = 4.0 + (p.killed as f64).sqrt().min(20.0);
        let _ = writeln!(
            svg,
            "<circle cx=\"{x:.1}\" cy=\"{y:.1}\" r=\"{r:.1}\" fill=\"#b03a2e\" fill-opacity=\"0.6\"/><text x=\"{:.1}\" y=\"{:.1}\" font-size=\"11\">{} ({})</text>",
            x + r + 3.0,
            y + 4.0,
            escape(&p.area),
            p.killed
        );
    }
    svg.push_str("</svg>\n");
    svg
}

fn overview_html(o: &Overview, holder: &str) -> String {
    let mut body = String::new();
    let _ = writeln!(
        body,
        "<section><h2>Reports received in {}</h2><table><tbody>\
         <tr><th scope=\"row\">received</th><td>{}</td></tr>\
         <tr><th scope=\"row\">assessed</th><td>{}</td></tr>\
         <tr><th scope=\"row\">pending</th><td>{}</td></tr>",
        o.month, o.received, o.assessed, o.pending
    );
    for (status, n) in &o.by_status {
        let _ = write!(
            body,
            "<tr><th scope=\"row\">{}</th><td>{n}</td></tr>",
            escape(&status.replace('_', " "))
        );
    }
    body.push_str("</tbody></table></section>\n");
    let _ = writeln!(
        body,
        "<section><h2>Civilians harmed in credible reports</h2><p>{} credible reports: {} killed, {} injured.</p>",
        o.credible.reports, o.credible.killed, o.credible.injured
    );
    let bars: Vec<(String, f64, f64)> = o
        .by_area
        .iter()
        .map(|a| (a.area.clone(), a.killed as f64, a.injured as f64))
        .collect();
    body.push_str(&bar_chart(
        "Killed and injured by area",
        ("killed", "injured"),
        &bars,
    ));
    body.push_str("<table><thead><tr><th scope=\"col\">area</th><th scope=\"col\">reports</th><th scope=\"col\">killed</th><th scope=\"col\">injured</th></tr></thead><tbody>");
    for a in &o.by_area {
        let _ = write!(
            body,
            "<tr><th scope=\"row\"><bdi>{}</bdi></th><td>{}</td><td>{}</td><td>{}</td></tr>",
            escape(&a.area),
            a.reports,
            a.killed,
            a.injured
        );
    }
    body.push_str("</tbody></table>\n");
    body.push_str(&area_map(&o.map));
    body.push_str("</section>\n<section><h2>The year to date, beside independent monitors</h2>");
    let monitored: f64 = o
        .by_month
        .iter()
        .map(|m| m.monitors.iter().map(|x| x.killed_max).max().unwrap_or(0) as f64)
        .sum();
    let bars: Vec<(String, f64, f64)> = o
        .by_month
        .iter()
        .map(|m| {
            (
                m.month.clone(),
                m.killed as f64,
                m.monitors.iter().map(|x| x.killed_max).max().unwrap_or(0) as f64,
            )
        })
        .collect();
    if monitored > 0.0 || bars.iter().any(|b| b.1 > 0.0) {
        body.push_str(&bar_chart(
            "Killed by month: credible reports and the highest monitor count",
            ("credible reports", "monitors (highest)"),
            &bars,
        ));
    }
    body.push_str("<table><thead><tr><th scope=\"col\">month</th><th scope=\"col\">credible reports</th><th scope=\"col\">killed</th><th scope=\"col\">injured</th><th scope=\"col\">monitors: killed (min–max)</th></tr></thead><tbody>");
    for m in &o.by_month {
        let monitors: Vec<String> = m
            .monitors
            .iter()
            .map(|x| format!("{}: {}–{}", escape(&x.source), x.killed_min, x.killed_max))
            .collect();
        let _ = write!(
            body,
            "<tr><th scope=\"row\">{}</th><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            m.month,
            m.reports,
            m.killed,
            m.injured,
            monitors.join("; ")
        );
    }
    body.push_str("</tbody></table>\n");
    if !o.monitors.is_empty() {
        body.push_str("<p>The gap in the month: ");
        let gaps: Vec<String> = o
            .monitors
            .iter()
            .map(|m| {
                format!(
                    "{} counted {}–{} killed, {} to {} more than the credible reports",
                    escape(&m.source),
                    m.killed_min,
                    m.killed_max,
                    m.gap_min,
                    m.gap_max
                )
            })
            .collect();
        body.push_str(&gaps.join("; "));
        body.push_str(".</p>\n");
    }
    body.push_str("</section>\n");
    if !o.summaries.is_empty() {
        body.push_str("<section><h2>Credible reports</h2><ul>");
        for s in &o.summaries {
            let _ = write!(
                body,
                "<li><bdi>{}</bdi>, <bdi>{}</bdi>: {} killed, {} injured. <span dir=\"auto\">{}</span></li>",
                s.date,
                escape(&s.area),
                s.killed,
                s.injured,
                escape(&s.summary)
            );
        }
        body.push_str("</ul></section>\n");
    }
    format!(
        "<!doctype html>\n<html lang=\"en\">\n<head><meta charset=\"utf-8\">\n<title>{holder}: civilian harm, {month}</title>\n<style>body {{ font-family: \"DejaVu Sans\", sans-serif; font-size: 10pt; max-width: 800px; margin: 2em auto; }} table {{ border-collapse: collapse; margin: 1em 0; }} th, td {{ border: 1px solid #999; padding: 2px 6px; text-align: end; }} th[scope=row], thead th:first-child {{ text-align: start; }}</style>\n</head>\n<body>\n<h1>{holder}: civilian-harm reports, overview of {month}</h1>\n<p>Counts of reports received and assessed, and of civilians killed and injured in the reports assessed as credible, by area; places are named by area only.</p>\n{body}</body>\n</html>\n",
        holder = escape(holder),
        month = o.month,
    )
}
