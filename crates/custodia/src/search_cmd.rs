//! `custodia extract`, `custodia search` and `custodia reindex`.

use std::process::ExitCode;

use anyhow::{bail, Result};
use clap::{Args, ValueEnum};
use custodia_vault::custodia_search::{Hit, Sort};
use custodia_vault::{Access, ExtractOptions};
use serde_json::json;

use crate::output::Output;
use crate::{actor, open, Cli};

#[derive(Args, Debug)]
pub struct ExtractArgs {
    /// Extract every item not yet extracted (the only mode for now).
    #[arg(long)]
    pub pending: bool,
    /// Also retry items whose extraction failed before.
    #[arg(long)]
    pub retry_failed: bool,
    /// Parallel extractions.
    #[arg(long, value_name = "N", default_value_t = 2)]
    pub workers: usize,
    /// Tesseract languages for OCR, joined with `+` (e.g. `ara+eng`), or `auto`: detect each
    /// page's script and read it in the installed languages of that script among Arabic,
    /// Sorani and Kurmanji Kurdish, English, Dutch and French.
    #[arg(long, value_name = "LANGS", default_value = "auto")]
    pub ocr_languages: String,
    /// Skip OCR (images and PDF pages without text then give metadata only).
    #[arg(long)]
    pub no_ocr: bool,
    /// Time limit of one parser or tool run, in seconds.
    #[arg(long, value_name = "SECONDS", default_value_t = 120)]
    pub timeout: u64,
}

#[derive(Args, Debug)]
pub struct SearchArgs {
    /// The query: words, "phrases", AND/OR/NOT, term*, term~N, field:value,
    /// date:[2014-01-01 TO 2015-12-31].
    pub query: String,
    /// Most hits to return.
    #[arg(long, value_name = "N", default_value_t = 20)]
    pub limit: usize,
    /// Order of the hits.
    #[arg(long, value_enum, default_value_t = SortArg::Relevance)]
    pub sort: SortArg,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum SortArg {
    Relevance,
    Newest,
    Oldest,
}

pub fn extract(cli: &Cli, out: &Output, args: &ExtractArgs) -> Result<ExitCode> {
    if !args.pending {
        bail!("say what to extract\n\nhint: `custodia extract --pending` extracts every item not yet extracted");
    }
    let mut vault = open(cli, Access::ReadWrite)?;
    let who = actor(cli, &vault);
    let mut options = ExtractOptions {
        workers: args.workers.clamp(1, 64),
        retry_failed: args.retry_failed,
        ..ExtractOptions::default()
    };
    options.extract.ocr = !args.no_ocr;
    options.extract.ocr_languages = args
        .ocr_languages
        .split('+')
        .filter(|l| !l.is_empty())
        .map(str::to_owned)
        .collect();
    options.extract.limits.timeout = std::time::Duration::from_secs(args.timeout.max(1));
    let report = vault.extract_pending(&options, &who)?;
    out.message(&format!(
        "extracted {} of {} item(s) in {:.2}s ({} with nothing to extract): {} derived item(s), {} indexed, {} failure(s)",
        report.extracted,
        report.items,
        report.seconds,
        report.unsupported,
        report.derived,
        report.indexed,
        report.failed.len()
    ));
    out.print(&report, || {
        let mut text = String::new();
        for f in &report.failed {
            text.push_str(&format!("{}  failed: {}\n", f.sha256, f.error));
        }
        text
    });
    Ok(ExitCode::SUCCESS)
}

fn hit_json(hit: &Hit) -> serde_json::Value {
    json!({
        "sha256": hit.item,
        "path": hit.path,
        "score": hit.score,
        "snippet": hit.snippet.text,
        "highlights": hit.snippet.highlights,
        "rtl": hit.snippet.rtl,
        "derived_sha256": hit.id.rsplit(':').next().unwrap_or_default(),
        "kind": hit.kind,
        "type": hit.mime,
        "language": hit.language,
        "date": hit.date,
    })
}

/// A snippet for a terminal: matched words between `[` and `]`, each span isolated (U+2068 …
/// U+2069) so that brackets stay around their word in right-to-left text.
fn marked(hit: &Hit) -> String {
    let chars: Vec<char> = hit.snippet.text.chars().collect();
    let mut out = String::new();
    let mut at = 0;
    for &(s, e) in &hit.snippet.highlights {
        if s < at || e > chars.len() {
            continue;
        }
        out.extend(&chars[at..s]);
        out.push_str("\u{2068}[");
        out.extend(&chars[s..e]);
        out.push_str("]\u{2069}");
        at = e;
    }
    out.extend(&chars[at..]);
    out
}

pub fn search(cli: &Cli, out: &Output, args: &SearchArgs) -> Result<ExitCode> {
    let mut vault = open(cli, Access::ReadWrite)?;
    let who = actor(cli, &vault);
    let sort = match args.sort {
        SortArg::Relevance => Sort::Relevance,
        SortArg::Newest => Sort::DateNewest,
        SortArg::Oldest => Sort::DateOldest,
    };
    let report = vault.search(&who, &args.query, args.limit.clamp(1, 10_000), sort)?;
    let r = &report.results;
    out.message(&format!(
        "{} match(es) for `{}`; showing {}",
        r.total,
        args.query,
        r.hits.len()
    ));
    out.print(
        &json!({
            "query": report.query,
            "user": report.user,
            "total": r.total,
            "hits": r.hits.iter().map(hit_json).collect::<Vec<_>>(),
            "facets": r.facets,
            "ledger_index": report.ledger_index,
        }),
        || {
            let mut text = String::new();
            for hit in &r.hits {
                text.push_str(&format!(
                    "{}  {:.3}  {}\n    {}\n",
                    hit.item,
                    hit.score,
                    hit.path,
                    marked(hit)
                ));
            }
            text
        },
    );
    Ok(ExitCode::SUCCESS)
}

pub fn reindex(cli: &Cli, out: &Output) -> Result<ExitCode> {
    let mut vault = open(cli, Access::ReadWrite)?;
    let report = vault.reindex(&actor(cli, &vault))?;
    out.message(&format!(
        "indexed {} document(s) in {:.2}s",
        report.documents, report.seconds
    ));
    out.print(&report, String::new);
    Ok(ExitCode::SUCCESS)
}
