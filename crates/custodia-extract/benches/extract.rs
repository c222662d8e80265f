//! Extraction throughput: text PDFs (pages/s through the text layer) and OCR (pages/s of a
//! 300 dpi scan of English and of Dutch prose, with the languages chosen from the page as by
//! default, and with fixed sets of languages).
//!
//! `EXTRACT_BENCH_PAGES` (default 200) sets the text PDF's pages. Needs `pdftoppm` and
//! `tesseract` for the OCR part (scripts/install-deps). Run:
//! `CARGO_BUILD_JOBS=1 nice cargo bench -p custodia-extract --bench extract`.

use std::process::Command;
use std::time::Instant;

use custodia_extract::{extract, Options};

/// A PDF of one page per string, in Helvetica.
fn pdf(pages: &[String]) -> Vec<u8> {
    let mut objects: Vec<String> = Vec::new();
    let n = pages.len();
    objects.push("<< /Type /Catalog /Pages 2 0 R >>".into());
    let kids: Vec<String> = (0..n).map(|i| format!("{} 0 R", 4 + 2 * i)).collect();
    objects.push(format!(
        "<< /Type /Pages /Kids [{}] /Count {n} >>",
        kids.join(" ")
    ));
    objects.push(
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>".into(),
    );
    for (i, text) in pages.iter().enumerate() {
        objects.push(format!(
            "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 3 0 R >> >> /Contents {} 0 R >>",
            5 + 2 * i
        ));
        let mut content = String::from("BT /F1 11 Tf 14 TL 56 740 Td ");
        for line in text.lines() {
            content.push_str(&format!("({line}) Tj T* "));
        }
        content.push_str("ET");
        objects.push(format!(
            "<< /Length {} >>\nstream\n{content}\nendstream",
            content.len()
        ));
    }
    let mut out = b"%PDF-1.4\n".to_vec();
    let mut offsets = Vec::new();
    for (i, o) in objects.iter().enumerate() {
        offsets.push(out.len());
        out.extend_from_slice(format!("{} 0 obj\n{o}\nendobj\n", i + 1).as_bytes());
    }
    let xref = out.len();
    out.extend_from_slice(
        format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).as_bytes(),
    );
    for off in offsets {
        out.extend_from_slice(format!("{off:010} 00000 n \n").as_bytes());
    }
    out.extend_from_slice(
        format!(
            "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
            objects.len() + 1
        )
        .as_bytes(),
    );
    out
}

fn page(i: usize) -> String {
    let words = [
        "witness",
        "statement",
        "detainee",
        "transferred",
        "prison",
        "Mosul",
        "Sinjar",
        "guards",
        "court",
        "evidence",
        "village",
        "attack",
    ];
    let mut text = String::new();
    for line in 0..45 {
        for w in 0..11 {
            text.push_str(words[(i * 7 + line * 3 + w) % words.len()]);
            text.push(' ');
        }
        text.push('\n');
    }
    text
}

/// A letter page of prose (45 lines), for OCR: the language detector needs sentences.
fn prose(sentence: &str) -> String {
    let words: Vec<&str> = sentence.split_whitespace().collect();
    let mut text = String::new();
    for line in 0..45 {
        for w in 0..11 {
            text.push_str(words[(line * 11 + w) % words.len()]);
            text.push(' ');
        }
        text.push('\n');
    }
    text
}

const ENGLISH: &str = "The witness stated that the detainees were transferred from the prison in \
    Mosul to a house near Sinjar, where the guards recorded their names and took their papers \
    before they were brought to another place.";
const DUTCH: &str = "De getuige verklaarde dat de gevangenen uit de gevangenis in Mosul werden \
    overgebracht naar een huis bij Sinjar, waar de bewakers hun namen noteerden en hun papieren \
    afnamen voordat zij naar een andere plaats werden gebracht.";

fn main() {
    let pages: usize = std::env::var("EXTRACT_BENCH_PAGES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(200);
    let bytes = pdf(&(0..pages).map(page).collect::<Vec<_>>());
    let options = Options {
        ocr: false,
        ..Options::default()
    };
    let started = Instant::now();
    let e = extract(&bytes, None, Some("bench.pdf"), &options).unwrap();
    let secs = started.elapsed().as_secs_f64();
    println!(
        "text PDF: {pages} pages ({:.1} MB, {:.1} MB of text) in {secs:.2} s: {:.1} pages/s",
        bytes.len() as f64 / 1e6,
        e.text.unwrap_or_default().len() as f64 / 1e6,
        pages as f64 / secs
    );

    // OCR: one page of prose rendered at 300 dpi, read as a PNG scan, in English and in Dutch.
    let dir = tempfile::tempdir().unwrap();
    for (name, sentence) in [("English", ENGLISH), ("Dutch", DUTCH)] {
        let one = dir.path().join("one.pdf");
        std::fs::write(&one, pdf(&[prose(sentence)])).unwrap();
        let prefix = dir.path().join("scan");
        let rendered = Command::new("pdftoppm")
            .args(["-r", "300", "-gray", "-png", "-singlefile"])
            .arg(&one)
            .arg(&prefix)
            .status();
        if !rendered.is_ok_and(|s| s.success()) {
            println!("OCR: skipped (pdftoppm missing)");
            return;
        }
        let png = std::fs::read(prefix.with_extension("png")).unwrap();
        // `auto` (the default): the page's script detected first, then its languages.
        for langs in [
            vec!["auto"],
            vec!["ara", "eng", "nld", "fra", "kmr"],
            vec!["ara", "eng", "nld", "fra"],
            vec!["eng"],
            vec!["nld"],
        ] {
            let options = Options {
                ocr_languages: langs.iter().map(|s| s.to_string()).collect(),
                ..Options::default()
            };
            let runs = 3;
            let started = Instant::now();
            let mut words = 0;
            let mut used = String::new();
            for _ in 0..runs {
                match extract(&png, None, Some("scan.png"), &options) {
                    Ok(e) => {
                        used = e.ocr.map(|o| o.languages.join("+")).unwrap_or_default();
                        words = e.text.unwrap_or_default().split_whitespace().count();
                    }
                    Err(e) => {
                        println!("OCR: skipped ({e})");
                        return;
                    }
                }
            }
            let secs = started.elapsed().as_secs_f64() / runs as f64;
            println!(
                "OCR, {name} page ({}, read in {used}): 300 dpi letter page, {words} words read, {secs:.2} s/page: {:.2} pages/s",
                langs.join("+"),
                1.0 / secs
            );
        }
    }
}
