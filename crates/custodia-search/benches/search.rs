//! Search benchmark: indexes a generated mixed-language corpus twice, into Custodia's index
//! (analysis, cross-script keys, access labels, encrypted directory) and into a bare tantivy
//! index of the same texts (default tokenizer, memory-mapped, no trimming), then runs the same
//! query mix on both and reports indexing throughput and query latency (median, p99) and their
//! ratio.
//!
//! `SEARCH_BENCH_DOCS` (default 20000) sets the corpus size; each document holds about 2 KB of
//! text. Run: `CARGO_BUILD_JOBS=1 nice cargo bench -p custodia-search --bench search`.

use std::collections::BTreeSet;
use std::time::Instant;

use custodia_access::{ItemFacts, OrganisationKind, Principal, Regime, Role, SubmissionFacts};
use custodia_search::{AccessLabels, IndexDocument, Rights, SearchIndex, Sort};
use tantivy::collector::{Count, TopDocs};
use tantivy::query::QueryParser;
use tantivy::schema::{Schema, STORED, STRING, TEXT};
use tantivy::{doc, Index};

const ORIGINATORS: &[&str] = &["Iraq", "UNITAD", "NGO", "OM", "KRG"];
const CASES: &[&str] = &["KOCHO", "SAYDNAYA", "RAQQA"];

const ARA: &[&str] = &[
    "شهد",
    "الشاهد",
    "المتهم",
    "احتجز",
    "النساء",
    "في",
    "مدينة",
    "الموصل",
    "سنجار",
    "الرقة",
    "التنظيم",
    "السجن",
    "المعتقلين",
    "نقل",
    "إلى",
    "سوريا",
    "قتل",
    "الرجال",
    "القرية",
    "هجوم",
    "محمد",
    "أحمد",
    "البغدادي",
    "الأطفال",
    "بيع",
    "سوق",
    "المحكمة",
    "الشهود",
    "داعش",
    "الإيزيديين",
];
const CKB: &[&str] = &[
    "ژنانی",
    "ئێزیدی",
    "لە",
    "شنگال",
    "ڕفێنران",
    "بۆ",
    "گوندەکان",
    "سووریا",
    "بردران",
    "کوژران",
    "پیاوەکان",
    "زیندان",
];
const ENG: &[&str] = &[
    "the",
    "witness",
    "stated",
    "that",
    "accused",
    "detained",
    "women",
    "in",
    "house",
    "Mosul",
    "Sinjar",
    "Raqqa",
    "fighters",
    "prison",
    "transferred",
    "to",
    "Syria",
    "killed",
    "men",
    "village",
    "attack",
    "survivors",
    "market",
    "sold",
    "children",
    "court",
    "evidence",
    "Saydnaya",
    "guards",
    "cell",
];
const NLD: &[&str] = &[
    "de",
    "getuige",
    "verklaarde",
    "dat",
    "verdachte",
    "vrouwen",
    "vasthield",
    "in",
    "een",
    "huis",
    "gevangenis",
    "overgebracht",
    "naar",
    "gedood",
    "mannen",
    "dorp",
    "aanval",
    "overlevenden",
    "markt",
    "verkocht",
    "kinderen",
    "rechtbank",
];
const FRA: &[&str] = &[
    "le",
    "témoin",
    "a",
    "déclaré",
    "que",
    "accusé",
    "détenait",
    "les",
    "femmes",
    "dans",
    "une",
    "maison",
    "prison",
    "transférés",
    "vers",
    "tués",
    "hommes",
    "village",
    "attaque",
    "survivants",
    "marché",
    "vendues",
    "enfants",
    "tribunal",
];

struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn pick<'a>(&mut self, list: &[&'a str]) -> &'a str {
        list[(self.next() % list.len() as u64) as usize]
    }
}

fn corpus(n: usize) -> Vec<IndexDocument> {
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    (0..n)
        .map(|i| {
            let (lang, words): (&str, &[&str]) = match i % 5 {
                0 => ("ara", ARA),
                1 => ("ckb", CKB),
                2 => ("eng", ENG),
                3 => ("nld", NLD),
                _ => ("fra", FRA),
            };
            let mut text = String::with_capacity(2100);
            // A rare token per document, so that selective queries have a handful of hits.
            text.push_str(&format!("ref{} ", i % 1000));
            while text.len() < 2000 {
                text.push_str(rng.pick(words));
                text.push(' ');
            }
            let originator = rng.pick(ORIGINATORS);
            let case = rng.pick(CASES);
            let regime = if rng.next().is_multiple_of(10) {
                Regime::Restricted
            } else {
                Regime::Consent
            };
            let facts = ItemFacts {
                submissions: vec![SubmissionFacts {
                    originator: originator.into(),
                    case: Some(case.into()),
                    regime,
                }],
                ..Default::default()
            };
            IndexDocument {
                id: format!("d{i}"),
                item: format!("{i:064x}"),
                path: format!("collection/{i}.txt"),
                kind: "text".into(),
                mime: "text/plain".into(),
                language: Some(lang.into()),
                originators: vec![originator.into()],
                cases: vec![case.into()],
                collections: vec![],
                provenance_by_reader: vec![],
                date: Some(1_400_000_000 + (i as i64) * 600),
                text,
                labels: AccessLabels::of(&facts),
            }
        })
        .collect()
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i]
}

fn main() {
    let n: usize = std::env::var("SEARCH_BENCH_DOCS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(20_000);
    let docs = corpus(n);
    let text_bytes: usize = docs.iter().map(|d| d.text.len()).sum();
    // `SEARCH_BENCH_DIR` keeps both indexes between runs (reused when built for the same
    // number of documents), to time queries again without indexing again.
    let kept = std::env::var_os("SEARCH_BENCH_DIR").map(std::path::PathBuf::from);
    let temporary = tempfile::tempdir().unwrap();
    let root = match &kept {
        Some(dir) => dir.join(n.to_string()),
        None => temporary.path().to_owned(),
    };
    let reuse = kept.is_some() && root.join("complete").exists();
    if kept.is_some() && !reuse {
        let _ = std::fs::remove_dir_all(&root);
    }
    std::fs::create_dir_all(&root).unwrap();

    // Custodia's index.
    let started = Instant::now();
    let ours = SearchIndex::open_encrypted(&root.join("ours"), &[7u8; 32]).unwrap();
    if !reuse {
        let mut update = ours.update().unwrap();
        for d in &docs {
            update.add(d).unwrap();
        }
        update.commit().unwrap();
    }
    let ours_secs = started.elapsed().as_secs_f64();

    // The bare baseline.
    let started = Instant::now();
    let mut sb = Schema::builder();
    let body = sb.add_text_field("body", TEXT | STORED);
    let originator = sb.add_text_field("originator", STRING);
    let item = sb.add_text_field("item", STRING | STORED);
    let schema = sb.build();
    let bare = if reuse {
        Index::open_in_dir(root.join("bare")).unwrap()
    } else {
        std::fs::create_dir(root.join("bare")).unwrap();
        let bare = Index::create_in_dir(root.join("bare"), schema).unwrap();
        let mut writer = bare.writer_with_num_threads(2, 128 << 20).unwrap();
        for d in &docs {
            writer
                .add_document(doc!(body => d.text.clone(), originator => d.originators[0].clone(), item => d.item.clone()))
                .unwrap();
        }
        writer.commit().unwrap();
        writer.wait_merging_threads().unwrap();
        bare
    };
    let bare_secs = started.elapsed().as_secs_f64();
    if kept.is_some() {
        std::fs::write(root.join("complete"), b"").unwrap();
    }
    let bare_reader = bare.reader().unwrap();
    let bare_searcher = bare_reader.searcher();
    let mut parser = QueryParser::for_index(&bare, vec![body]);
    parser.set_conjunction_by_default();

    let analyst = Principal {
        user: "analyst".into(),
        organisation: "Holder".into(),
        organisation_kind: OrganisationKind::Holder,
        approved_requester: false,
        roles: [Role::Analyst].into(),
        cases: ["KOCHO".to_owned()].into_iter().collect::<BTreeSet<_>>(),
    };
    let custodian = Rights::everything();
    let analyst = Rights::of(&analyst);
    // (label, query, rights for Custodia, the bare equivalent)
    let mix: Vec<(&str, String, &Rights, String)> = (0..40)
        .flat_map(|i| {
            let r = format!("ref{}", (i * 37) % 1000);
            vec![
                ("word", r.clone(), &custodian, r.clone()),
                (
                    "word",
                    "witness".to_owned(),
                    &custodian,
                    "witness".to_owned(),
                ),
                ("word", "الموصل".to_owned(), &custodian, "الموصل".to_owned()),
                (
                    "phrase",
                    "\"the witness stated\"".to_owned(),
                    &custodian,
                    "\"the witness stated\"".to_owned(),
                ),
                (
                    "boolean",
                    format!("{r} AND (prison OR gevangenis) NOT market"),
                    &custodian,
                    format!("{r} AND (prison OR gevangenis) NOT market"),
                ),
                (
                    "faceted",
                    format!("{r} AND originator:NGO"),
                    &custodian,
                    format!("{r} AND originator:NGO"),
                ),
                (
                    "trimmed",
                    format!("{r} women"),
                    &analyst,
                    format!("{r} women"),
                ),
                (
                    "cross-script",
                    "Sinjar".to_owned(),
                    &custodian,
                    "Sinjar".to_owned(),
                ),
            ]
        })
        .collect();
    // `SEARCH_BENCH_KIND` keeps one kind of query (for profiling).
    let only = std::env::var("SEARCH_BENCH_KIND").ok();
    let mix: Vec<_> = mix
        .into_iter()
        .filter(|(kind, ..)| only.as_deref().is_none_or(|o| o == *kind))
        .collect();
    // Custodia's latency with facet counts on every query (as the web application asks), with
    // none, and as the mix names them: facet counts on the faceted queries.
    let mut ours_lat = Vec::new();
    let mut plain_lat = Vec::new();
    let mut mix_lat = Vec::new();
    let mut bare_lat = Vec::new();
    let mut per_kind: std::collections::BTreeMap<&str, (Vec<f64>, Vec<f64>)> = Default::default();
    // Warm both (first reads of each file).
    for (_, q, rights, b) in mix.iter().take(8) {
        let _ = ours.search(q, rights, 10, Sort::Relevance).unwrap();
        let query = parser.parse_query(b).unwrap();
        let _ = bare_searcher
            .search(&query, &(TopDocs::with_limit(10).order_by_score(), Count))
            .unwrap();
    }
    let rounds: usize = std::env::var("SEARCH_BENCH_ROUNDS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1);
    for (kind, q, rights, b) in mix.iter().cycle().take(mix.len() * rounds) {
        let t = Instant::now();
        let r = ours.search(q, rights, 10, Sort::Relevance).unwrap();
        let ours_ms = t.elapsed().as_secs_f64() * 1000.0;
        std::hint::black_box(r);
        let t = Instant::now();
        let r = ours
            .search_with(q, rights, 10, Sort::Relevance, false)
            .unwrap();
        let plain_ms = t.elapsed().as_secs_f64() * 1000.0;
        plain_lat.push(plain_ms);
        std::hint::black_box(r);
        let mix_ms = if *kind == "faceted" {
            ours_ms
        } else {
            plain_ms
        };
        mix_lat.push(mix_ms);
        let t = Instant::now();
        let query = parser.parse_query(b).unwrap();
        let (top, count) = bare_searcher
            .search(&query, &(TopDocs::with_limit(10).order_by_score(), Count))
            .unwrap();
        // Like ours, load the stored documents of the hits.
        for (_, addr) in &top {
            let d: tantivy::TantivyDocument = bare_searcher.doc(*addr).unwrap();
            std::hint::black_box(d);
        }
        std::hint::black_box(count);
        let bare_ms = t.elapsed().as_secs_f64() * 1000.0;
        ours_lat.push(ours_ms);
        bare_lat.push(bare_ms);
        let e = per_kind.entry(kind).or_default();
        e.0.push(mix_ms);
        e.1.push(bare_ms);
    }
    let sort = |v: &mut Vec<f64>| v.sort_by(|a, b| a.partial_cmp(b).unwrap());
    sort(&mut ours_lat);
    sort(&mut bare_lat);
    sort(&mut plain_lat);
    sort(&mut mix_lat);
    println!("documents: {n}, text: {:.1} MB", text_bytes as f64 / 1e6);
    if reuse {
        println!("indexing: indexes reused from {}", root.display());
    } else {
        println!(
        "indexing  custodia: {:.1} s, {:.0} docs/s, {:.2} MB/s | bare tantivy: {:.1} s, {:.0} docs/s, {:.2} MB/s",
        ours_secs,
        n as f64 / ours_secs,
        text_bytes as f64 / 1e6 / ours_secs,
        bare_secs,
        n as f64 / bare_secs,
        text_bytes as f64 / 1e6 / bare_secs
    );
    }
    println!(
        "queries: {} (mix of word, phrase, boolean, faceted, trimmed, cross-script)",
        mix.len()
    );
    let (bm, bp) = (percentile(&bare_lat, 0.5), percentile(&bare_lat, 0.99));
    let (mm, mp) = (percentile(&mix_lat, 0.5), percentile(&mix_lat, 0.99));
    println!("latency   custodia (facet counts on the faceted queries): median {mm:.2} ms, p99 {mp:.2} ms | bare tantivy: median {bm:.2} ms, p99 {bp:.2} ms | ratio median {:.2}, p99 {:.2}", mm / bm, mp / bp);
    let (om, op) = (percentile(&ours_lat, 0.5), percentile(&ours_lat, 0.99));
    println!("latency   custodia with facet counts on every query: median {om:.2} ms, p99 {op:.2} ms | ratio to bare median {:.2}, p99 {:.2}", om / bm, op / bp);
    let (pm, pp) = (percentile(&plain_lat, 0.5), percentile(&plain_lat, 0.99));
    println!("latency   custodia without facet counts: median {pm:.2} ms, p99 {pp:.2} ms | ratio to bare median {:.2}, p99 {:.2}", pm / bm, pp / bp);
    for (kind, (mut o, mut b)) in per_kind {
        sort(&mut o);
        sort(&mut b);
        println!(
            "  {kind:<12} custodia median {:.2} ms p99 {:.2} ms | bare median {:.2} ms p99 {:.2} ms",
            percentile(&o, 0.5),
            percentile(&o, 0.99),
            percentile(&b, 0.5),
            percentile(&b, 0.99)
        );
    }
}
