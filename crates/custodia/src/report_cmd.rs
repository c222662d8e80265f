//! `custodia stats` and `custodia report annual`: figures of requests, consent, holdings and
//! cases, as the reader may see them, on screen, as CSV and JSON, and as a printable page with
//! charts drawn as SVG (no outside script or font).

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{bail, Context, Result};
use clap::{Args, Subcommand};
use custodia_vault::stats::Stats;
use custodia_vault::Access;
use serde_json::json;

use crate::output::Output;
use crate::victims_cmd::{print_html_to_pdf, write_new};
use crate::{actor, open, Cli};

#[derive(Args, Debug)]
pub struct StatsArgs {
    /// The period's first day (YYYY-MM-DD; since the beginning when absent).
    #[arg(long, value_name = "DATE")]
    from: Option<String>,
    /// The period's last day (YYYY-MM-DD; today when absent).
    #[arg(long, value_name = "DATE")]
    to: Option<String>,
}

#[derive(Subcommand, Debug)]
pub enum ReportCommand {
    /// The year's tables beside the previous year's: cases by stage, requests by authority and
    /// outcome, consent by originator, holdings; as CSV, JSON and a printable HTML page.
    Annual {
        year: i32,
        /// The folder to write into (created; must be empty if it exists).
        #[arg(long, value_name = "DIR")]
        out: PathBuf,
        /// Also print the page as PDF (by Chromium, found as `chromium` or CUSTODIA_CHROMIUM).
        #[arg(long)]
        pdf: bool,
    },
}

pub fn stats(cli: &Cli, out: &Output, args: &StatsArgs) -> Result<ExitCode> {
    let vault = open(cli, Access::ReadOnly)?;
    let stats = vault.stats(
        &actor(cli, &vault),
        args.from.as_deref(),
        args.to.as_deref(),
    )?;
    out.print(&stats, || stats_text(&stats));
    Ok(ExitCode::SUCCESS)
}

fn days(value: Option<f64>) -> String {
    value.map_or("-".into(), |d| format!("{d:.1}"))
}

fn stats_text(s: &Stats) -> String {
    let mut t = format!(
        "{} to {}\nrequests: {} filed, {} finalised, {} open, {} withdrawn; days to finalise: median {}, 90th percentile {}\n",
        s.from.as_deref().unwrap_or("the beginning"),
        s.to,
        s.requests.filed,
        s.requests.finalised,
        s.requests.open,
        s.requests.withdrawn,
        days(s.requests.median_days_to_finalise),
        days(s.requests.p90_days_to_finalise)
    );
    for a in &s.requests.by_authority {
        let _ = writeln!(
            t,
            "  {:<30} {} filed, {} finalised, {} open, median {} days",
            a.authority,
            a.filed,
            a.finalised,
            a.open,
            days(a.median_days_to_finalise)
        );
    }
    t.push_str("consent:\n");
    for c in &s.consent.by_originator {
        let _ = writeln!(
            t,
            "  {:<30} {} granted, {} conditional, {} refused, median {} days",
            c.originator,
            c.granted,
            c.conditional,
            c.refused,
            days(c.median_days_to_decide)
        );
    }
    let _ = writeln!(
        t,
        "holdings: {} items, {:.1} MB",
        s.holdings.items,
        s.holdings.bytes as f64 / 1e6
    );
    t.push_str("cases:");
    for stage in &s.cases.by_stage {
        let _ = write!(t, " {} {}", stage.stage, stage.count);
    }
    t.push('\n');
    t
}

pub fn report(cli: &Cli, out: &Output, command: &ReportCommand) -> Result<ExitCode> {
    match command {
        ReportCommand::Annual {
            year,
            out: dir,
            pdf,
        } => {
            if !(1900..=9998).contains(year) {
                bail!("`{year}` is not a year this report can cover (1900 to 9998)");
            }
            let vault = open(cli, Access::ReadOnly)?;
            let who = actor(cli, &vault);
            let period = |y: i32| {
                vault.stats(
                    &who,
                    Some(&format!("{y:04}-01-01")),
                    Some(&format!("{y:04}-12-31")),
                )
            };
            let this = period(*year)?;
            let previous = period(year - 1)?;
            prepare_dir(dir)?;
            let tables = tables(*year, &this, &previous);
            let mut files = Vec::new();
            for table in &tables {
                let name = format!("{}-{year}.csv", table.name);
                write_new(&dir.join(&name), &table.csv()?)?;
                files.push(name);
            }
            let document = json!({
                "year": year,
                "previous_year": year - 1,
                "figures": this,
                "previous": previous,
            });
            let name = format!("annual-{year}.json");
            write_new(
                &dir.join(&name),
                serde_json::to_string_pretty(&document)?.as_bytes(),
            )?;
            files.push(name);
            let html = page(*year, &tables, vault.config().holder.as_str());
            let name = format!("annual-{year}.html");
            write_new(&dir.join(&name), html.as_bytes())?;
            files.push(name);
            if *pdf {
                let name = format!("annual-{year}.pdf");
                print_html_to_pdf(&html, &dir.join(&name))?;
                files.push(name);
            }
            out.message(&format!("wrote the {year} report into `{}`", dir.display()));
            out.print(
                &json!({ "year": year, "out": dir, "files": files, "figures": this, "previous": previous }),
                || files.iter().map(|f| format!("{}\n", dir.join(f).display())).collect(),
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn prepare_dir(dir: &Path) -> Result<()> {
    if dir.exists() {
        let mut entries =
            std::fs::read_dir(dir).with_context(|| format!("cannot read `{}`", dir.display()))?;
        if entries.next().is_some() {
            bail!(
                "`{}` is not empty; refusing to mix a report with other files\n\nhint: give a new folder to --out",
                dir.display()
            );
        }
    } else {
        std::fs::create_dir_all(dir)
            .with_context(|| format!("cannot create `{}`", dir.display()))?;
    }
    Ok(())
}

/// One table of the annual report: a row per category, the year's and the previous year's
/// figures in columns.
struct Table {
    name: &'static str,
    title: &'static str,
    /// The column heads after the category's.
    columns: Vec<String>,
    category: &'static str,
    rows: Vec<(String, Vec<String>)>,
    /// What the chart draws: (category, this year's value, the previous year's).
    chart: Vec<(String, f64, f64)>,
}

/// A cell as written to a CSV file people open in spreadsheets: text that a spreadsheet would
/// read as a formula (`=`, `+`, `-`, `@`, a tab or a carriage return first) gets a leading `'`.
/// Numbers are left alone.
pub(crate) fn cell(text: &str) -> String {
    let formula = text.starts_with(['=', '+', '-', '@', '\t', '\r']);
    if formula && text.parse::<f64>().is_err() {
        format!("'{text}")
    } else {
        text.to_owned()
    }
}

impl Table {
    fn csv(&self) -> Result<Vec<u8>> {
        let mut writer = csv::Writer::from_writer(Vec::new());
        let mut head = vec![self.category.to_owned()];
        head.extend(self.columns.iter().cloned());
        writer.write_record(head.iter().map(|c| cell(c)))?;
        for (category, values) in &self.rows {
            let mut record = vec![category.clone()];
            record.extend(values.iter().cloned());
            writer.write_record(record.iter().map(|c| cell(c)))?;
        }
        writer.into_inner().context("cannot write a CSV table")
    }
}

fn number(value: Option<f64>) -> String {
    value.map_or(String::new(), |v| format!("{v:.1}"))
}

fn tables(year: i32, this: &Stats, previous: &Stats) -> Vec<Table> {
    let (y, p) = (year.to_string(), (year - 1).to_string());
    let mut out = Vec::new();

    let stage = |s: &Stats, name: &str| {
        s.cases
            .by_stage
            .iter()
            .find(|x| x.stage == name)
            .map_or(0, |x| x.count)
    };
    let stages: Vec<String> = this
        .cases
        .by_stage
        .iter()
        .map(|s| s.stage.clone())
        .collect();
    out.push(Table {
        name: "cases-by-stage",
        title: "Cases by stage at the end of the year",
        columns: vec![y.clone(), p.clone()],
        category: "stage",
        rows: stages
            .iter()
            .map(|s| {
                (
                    s.clone(),
                    vec![stage(this, s).to_string(), stage(previous, s).to_string()],
                )
            })
            .collect(),
        chart: stages
            .iter()
            .map(|s| (s.clone(), stage(this, s) as f64, stage(previous, s) as f64))
            .collect(),
    });

    let mut authorities: Vec<String> = this
        .requests
        .by_authority
        .iter()
        .chain(&previous.requests.by_authority)
        .map(|a| a.authority.clone())
        .collect();
    authorities.sort();
    authorities.dedup();
    let of = |s: &Stats, name: &str| {
        s.requests
            .by_authority
            .iter()
            .find(|a| a.authority == name)
            .cloned()
            .unwrap_or_default()
    };
    let mut columns = Vec::new();
    for year in [&y, &p] {
        for what in [
            "filed",
            "finalised",
            "open",
            "withdrawn",
            "median days to finalise",
        ] {
            columns.push(format!("{what} {year}"));
        }
    }
    out.push(Table {
        name: "requests-by-authority",
        title: "Requests for assistance by authority and outcome (filed in the year)",
        columns,
        category: "authority",
        rows: authorities
            .iter()
            .map(|name| {
                let mut values = Vec::new();
                for s in [this, previous] {
                    let a = of(s, name);
                    values.extend([
                        a.filed.to_string(),
                        a.finalised.to_string(),
                        a.open.to_string(),
                        a.withdrawn.to_string(),
                        number(a.median_days_to_finalise),
                    ]);
                }
                (name.clone(), values)
            })
            .collect(),
        chart: authorities
            .iter()
            .map(|name| {
                (
                    name.clone(),
                    of(this, name).filed as f64,
                    of(previous, name).filed as f64,
                )
            })
            .collect(),
    });

    let mut originators: Vec<String> = this
        .consent
        .by_originator
        .iter()
        .chain(&previous.consent.by_originator)
        .map(|c| c.originator.clone())
        .collect();
    originators.sort();
    originators.dedup();
    let consent = |s: &Stats, name: &str| {
        s.consent
            .by_originator
            .iter()
            .find(|c| c.originator == name)
            .cloned()
            .unwrap_or_default()
    };
    let mut columns = Vec::new();
    for year in [&y, &p] {
        for what in ["granted", "conditional", "refused", "median days to decide"] {
            columns.push(format!("{what} {year}"));
        }
    }
    out.push(Table {
        name: "consent-by-originator",
        title: "Consent decisions by originator (items decided in the year)",
        columns,
        category: "originator",
        rows: originators
            .iter()
            .map(|name| {
                let mut values = Vec::new();
                for s in [this, previous] {
                    let c = consent(s, name);
                    values.extend([
                        c.granted.to_string(),
                        c.conditional.to_string(),
                        c.refused.to_string(),
                        number(c.median_days_to_decide),
                    ]);
                }
                (name.clone(), values)
            })
            .collect(),
        chart: originators
            .iter()
            .map(|name| {
                let (a, b) = (consent(this, name), consent(previous, name));
                (
                    name.clone(),
                    (a.granted + a.conditional) as f64,
                    (b.granted + b.conditional) as f64,
                )
            })
            .collect(),
    });

    let mut holders: Vec<String> = this
        .holdings
        .by_originator
        .iter()
        .chain(&previous.holdings.by_originator)
        .map(|h| h.originator.clone())
        .collect();
    holders.sort();
    holders.dedup();
    let held = |s: &Stats, name: &str| {
        s.holdings
            .by_originator
            .iter()
            .find(|h| h.originator == name)
            .cloned()
            .unwrap_or_default()
    };
    let mut rows: Vec<(String, Vec<String>)> = holders
        .iter()
        .map(|name| {
            let (a, b) = (held(this, name), held(previous, name));
            (
                name.clone(),
                vec![
                    a.items.to_string(),
                    a.bytes.to_string(),
                    b.items.to_string(),
                    b.bytes.to_string(),
                ],
            )
        })
        .collect();
    rows.push((
        "all".into(),
        vec![
            this.holdings.items.to_string(),
            this.holdings.bytes.to_string(),
            previous.holdings.items.to_string(),
            previous.holdings.bytes.to_string(),
        ],
    ));
    out.push(Table {
        name: "holdings-by-originator",
        title: "Holdings by originator at the end of the year",
        columns: vec![
            format!("items {y}"),
            format!("bytes {y}"),
            format!("items {p}"),
            format!("bytes {p}"),
        ],
        category: "originator",
        rows,
        chart: holders
            .iter()
            .map(|name| {
                (
                    name.clone(),
                    held(this, name).items as f64,
                    held(previous, name).items as f64,
                )
            })
            .collect(),
    });
    out
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// A grouped bar chart (this year beside the previous) as inline SVG, with a text alternative.
pub(crate) fn bar_chart(title: &str, labels: (&str, &str), bars: &[(String, f64, f64)]) -> String {
    let width = 640.0;
    let row = 28.0;
    let left = 200.0;
    let height = 40.0 + row * bars.len().max(1) as f64;
    let top = bars
        .iter()
        .map(|(_, a, b)| a.max(*b))
        .fold(0.0_f64, f64::max)
        .max(1.0);
    let scale = (width - left - 60.0) / top;
    let mut svg = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {width} {height}\" width=\"{width}\" height=\"{height}\" role=\"img\" aria-label=\"{}\">\n<title>{}</title>\n",
        escape(title),
        escape(title)
    );
    let _ = writeln!(
        svg,
        "<rect x=\"{left}\" y=\"6\" width=\"12\" height=\"10\" fill=\"#1f5f8b\"/><text x=\"{}\" y=\"15\" font-size=\"11\">{}</text><rect x=\"{}\" y=\"6\" width=\"12\" height=\"10\" fill=\"#9ab8cf\"/><text x=\"{}\" y=\"15\" font-size=\"11\">{}</text>",
        left + 16.0,
        escape(labels.0),
        left + 90.0,
        left + 106.0,
        escape(labels.1)
    );
    for (i, (label, this, previous)) in bars.iter().enumerate() {
        let y = 30.0 + row * i as f64;
        let _ = writeln!(
            svg,
            "<text x=\"{}\" y=\"{}\" font-size=\"11\" text-anchor=\"end\">{}</text>\
             <rect x=\"{left}\" y=\"{y}\" width=\"{:.1}\" height=\"11\" fill=\"#1f5f8b\"/>\
             <text x=\"{:.1}\" y=\"{}\" font-size=\"10\">{this}</text>\
             <rect x=\"{left}\" y=\"{}\" width=\"{:.1}\" height=\"11\" fill=\"#9ab8cf\"/>\
             <text x=\"{:.1}\" y=\"{}\" font-size=\"10\">{previous}</text>",
            left - 8.0,
            y + 15.0,
            escape(label),
            this * scale,
            left + this * scale + 4.0,
            y + 9.0,
            y + 12.0,
            previous * scale,
            left + previous * scale + 4.0,
            y + 21.0,
        );
    }
    svg.push_str("</svg>\n");
    svg
}

fn page(year: i32, tables: &[Table], holder: &str) -> String {
    let mut body = String::new();
    for table in tables {
        let _ = writeln!(body, "<section>\n<h2>{}</h2>", escape(table.title));
        body.push_str("<div class=\"pair\">\n");
        body.push_str(&bar_chart(
            table.title,
            (&year.to_string(), &(year - 1).to_string()),
            &table.chart,
        ));
        let _ = write!(
            body,
            "<table>\n<thead><tr><th scope=\"col\">{}</th>",
            escape(table.category)
        );
        for column in &table.columns {
            let _ = write!(body, "<th scope=\"col\">{}</th>", escape(column));
        }
        body.push_str("</tr></thead>\n<tbody>\n");
        for (category, values) in &table.rows {
            let _ = write!(
                body,
                "<tr><th scope=\"row\"><bdi>{}</bdi></th>",
                escape(category)
            );
            for value in values {
                let _ = write!(body, "<td>{}</td>", escape(value));
            }
            body.push_str("</tr>\n");
        }
        if table.rows.is_empty() {
            let _ = writeln!(
                body,
                "<tr><td colspan=\"{}\">none</td></tr>",
                table.columns.len() + 1
            );
        }
        let _ = writeln!(
            body,
            "</tbody>\n</table>\n</div>\n<p class=\"csv\">{}-{year}.csv</p>\n</section>",
            table.name
        );
    }
    format!(
        "<!doctype html>\n<html lang=\"en\">\n<head><meta charset=\"utf-8\">\n<title>{holder}: annual report {year}</title>\n<style>@page {{ size: A4; margin: 18mm; }} body {{ font-family: \"DejaVu Sans\", sans-serif; font-size: 10pt; }} h1 {{ font-size: 16pt; }} h2 {{ font-size: 12pt; margin-top: 10mm; }} table {{ border-collapse: collapse; margin-top: 4mm; }} th, td {{ border: 1px solid #999; padding: 2px 6px; text-align: end; }} th[scope=row], thead th:first-child {{ text-align: start; }} .csv {{ color: #555; font-size: 8pt; }} section {{ break-inside: avoid; }}</style>\n</head>\n<body>\n<h1>{holder}: annual report {year}, beside {previous}</h1>\n<p>Requests count in the year they were filed; consent decisions in the year they were taken, per item; holdings and cases as they stood on 31 December.</p>\n{body}</body>\n</html>\n",
        holder = escape(holder),
        previous = year - 1,
    )
}
