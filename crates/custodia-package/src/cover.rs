//! `cover.html`: the package's cover sheet, for people.
//!
//! It is rendered from `custodia/package.json` and the items' metadata alone, by this one
//! function, so that a verifier can render it again from the facts it has checked against the
//! logged release and refuse a cover sheet that says anything else: a judge reads the cover
//! sheet, not the JSON. Its text is therefore part of the format: a change to it is a change of
//! format version.

use std::collections::BTreeSet;

use crate::format::{describe_condition, ItemMetadata, PackageManifest};

/// The human-readable cover sheet: what the package holds and what binds its recipient.
/// `items` are the metadata of `manifest.items`, in the same order; `vkey` is the holder's
/// verifier key as `custodia/holder.vkey` holds it (without the line end).
pub fn render_cover(manifest: &PackageManifest, items: &[ItemMetadata], vkey: &str) -> String {
    let e = html_escape;
    let mut rows = String::new();
    for p in items {
        let originators: BTreeSet<&str> =
            p.provenance.iter().map(|s| s.originator.as_str()).collect();
        let conditions: String = p
            .conditions
            .iter()
            .map(|c| format!("<li>{}</li>", e(&describe_condition(c))))
            .collect();
        rows.push_str(&format!(
            "<tr><td><code>{}</code></td><td dir=\"auto\">{}</td><td>{}</td><td>{}</td><td dir=\"auto\">{}</td><td><ul>{}</ul></td></tr>\n",
            e(&p.sha256),
            e(&p.payload),
            p.size,
            e(&p.mime),
            e(&originators.into_iter().collect::<Vec<_>>().join(", ")),
            conditions
        ));
    }
    let package_conditions: String = manifest
        .conditions
        .iter()
        .map(|c| format!("<li>{}</li>", e(&describe_condition(c))))
        .collect();
    format!(
        r#"<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>Disclosure package {id}</title>
<style>body{{font-family:sans-serif;margin:2em}}table{{border-collapse:collapse}}td,th{{border:1px solid #999;padding:4px;vertical-align:top}}code{{font-size:85%}}</style>
</head><body>
<h1>Disclosure package</h1>
<table>
<tr><th>Identifier</th><td><code>{id}</code></td></tr>
<tr><th>Holder</th><td>{holder}</td></tr>
<tr><th>Recipient</th><td>{recipient}</td></tr>
<tr><th>Purpose</th><td>{purpose}</td></tr>
<tr><th>Built</th><td>{created} by {built_by}</td></tr>
<tr><th>Items</th><td>{count}</td></tr>
<tr><th>Custody log</th><td>{origin}, checkpoint at {size} entries</td></tr>
<tr><th>Holder's key</th><td><code>{vkey}</code></td></tr>
</table>
<h2>Conditions binding the recipient</h2>
<ul>{package_conditions}</ul>
<p>Each item below also lists the conditions of the consent decisions it was released under.
The recipient is bound by every condition listed, for every copy made of the item.</p>
<h2>Contents</h2>
<table>
<tr><th>SHA-256</th><th>File</th><th>Bytes</th><th>Type</th><th>Supplied by</th><th>Conditions</th></tr>
{rows}</table>
<h2>How to check this package</h2>
<p>Run <code>custodia-verify PACKAGE --key HOLDER.vkey</code> with the holder's key obtained
independently of this package. It checks every file against the BagIt manifests, every item
against its SHA-256, and every custody entry against the holder's signed checkpoint.</p>
</body></html>
"#,
        id = e(&manifest.id),
        holder = e(&manifest.holder),
        recipient = e(manifest.recipient.as_deref().unwrap_or("(none named)")),
        purpose = e(manifest.purpose.as_deref().unwrap_or("(not given)")),
        created = e(&manifest.created_at),
        built_by = e(&manifest.built_by),
        count = items.len(),
        origin = e(&manifest.log_origin),
        size = manifest.tree_size,
        vkey = e(vkey),
    )
}

fn html_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}
