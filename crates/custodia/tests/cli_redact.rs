//! Redaction through the CLI: derived items that burn out text, image regions and PDF pages;
//! packages that must carry the redacted version when a condition says so; derivatives that
//! answer to their parent's consents and witnesses.

mod support;

use std::fs;
use std::path::Path;
use std::process::Command as StdCommand;

use serde_json::Value;
use support::package::verifier;
use support::{files_under, TestVault};

const NL: &str = "Netherlands Public Prosecution Service";
const NAME: &str = "Khalida Haji Murad";

fn only_item(report: &Value) -> String {
    report["items"][0]["sha256"].as_str().unwrap().to_owned()
}

fn get(v: &TestVault, sha: &str) -> Vec<u8> {
    let out = v.tmp.path().join(format!("got-{}", &sha[..12]));
    v.ok([
        "get",
        sha,
        "--out",
        out.to_str().unwrap(),
        "--reason",
        "check the redaction",
    ]);
    fs::read(out).unwrap()
}

/// A one-page PDF whose text layer holds `text` at the top left.
fn pdf_with_text(text: &str) -> Vec<u8> {
    let stream = format!("BT /F1 24 Tf 20 800 Td ({text}) Tj ET");
    let objects = [
        "<< /Type /Catalog /Pages 2 0 R >>".to_owned(),
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_owned(),
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>".to_owned(),
        format!("<< /Length {} >>\nstream\n{stream}\nendstream", stream.len()),
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>".to_owned(),
    ];
    let mut pdf = b"%PDF-1.4\n".to_vec();
    let mut offsets = Vec::new();
    for (i, object) in objects.iter().enumerate() {
        offsets.push(pdf.len());
        pdf.extend_from_slice(format!("{} 0 obj\n{object}\nendobj\n", i + 1).as_bytes());
    }
    let xref = pdf.len();
    pdf.extend_from_slice(
        format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).as_bytes(),
    );
    for offset in offsets {
        pdf.extend_from_slice(format!("{offset:010} 00000 n \n").as_bytes());
    }
    pdf.extend_from_slice(
        format!(
            "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
            objects.len() + 1
        )
        .as_bytes(),
    );
    pdf
}

fn pdftotext(bytes: &[u8], dir: &Path) -> String {
    let input = dir.join("probe.pdf");
    fs::write(&input, bytes).unwrap();
    let out = StdCommand::new("pdftotext")
        .arg(&input)
        .arg("-")
        .output()
        .unwrap();
    assert!(out.status.success(), "pdftotext failed");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn a_condition_to_redact_sends_the_burnt_version_only() {
    let v = TestVault::new();
    let folder = v.folder("statements");
    fs::write(
        folder.join("statement.txt"),
        format!("Statement of {NAME}, born 1994 in Kocho. {NAME} saw the convoy.\n"),
    )
    .unwrap();
    let statement = only_item(&v.ingest(&[&folder], "Government A", &["--regime", "consent"]));
    v.ok([
        "org",
        "add",
        NL,
        "--kind",
        "requesting_authority",
        "--approved-requester",
    ]);
    v.ok([
        "user",
        "add",
        "liaison-a",
        "--org",
        "Government A",
        "--role",
        "originator_liaison",
    ]);
    let conditions = v.tmp.path().join("conditions.json");
    fs::write(&conditions, r#"[{"kind":"redact_protected_witnesses"}]"#).unwrap();
    v.ok([
        "--as",
        "liaison-a",
        "consent",
        "grant",
        &statement,
        "--to",
        NL,
        "--conditions",
        conditions.to_str().unwrap(),
    ]);

    // Not redacted yet: nothing goes.
    let package = v.tmp.path().join("package");
    let refused = v
        .run([
            "package",
            "build",
            &statement,
            "--out",
            package.to_str().unwrap(),
            "--for",
            NL,
        ])
        .failed();
    assert!(
        refused["error"].as_str().unwrap().contains("redact"),
        "{refused}"
    );
    assert!(!package.exists());

    let redacted = v.ok([
        "redact",
        &statement,
        "--text",
        NAME,
        "--reason",
        "protected witness",
    ]);
    assert_eq!(redacted["redactions"], 2);
    assert_eq!(redacted["parent"], statement.as_str());
    let derived = redacted["sha256"].as_str().unwrap().to_owned();
    let text = String::from_utf8(get(&v, &derived)).unwrap();
    assert!(!text.contains(NAME), "{text}");
    // Each occurrence becomes one mask of fixed length, whatever the length of the name: a
    // mask as long as the name would let a recipient try names of that length.
    assert_eq!(text.matches("████████").count(), 2, "{text}");
    assert_eq!(text.matches('█').count(), 16, "{text}");
    assert_ne!(
        NAME.chars().count(),
        8,
        "the test needs a name whose length is not the mask's"
    );
    assert!(
        text.contains("Kocho"),
        "only what was named is burnt: {text}"
    );
    // The derivative names its parent and method in its provenance.
    let shown = v.show(&derived);
    assert!(shown.to_string().contains(&statement), "{shown}");

    let built = v.ok([
        "package",
        "build",
        &statement,
        "--out",
        package.to_str().unwrap(),
        "--for",
        NL,
    ]);
    assert_eq!(built["items"][0]["sha256"], derived.as_str());
    for file in files_under(&package) {
        let bytes = fs::read(&file).unwrap();
        let text = String::from_utf8_lossy(&bytes);
        assert!(!text.contains(NAME), "{} holds the name", file.display());
        // Nor the original's hash, against which a recipient could test guesses of the name.
        assert!(
            !text.contains(&statement) && !text.contains(&statement.to_uppercase()),
            "{} names the original: {}",
            file.display(),
            text.find(&statement)
                .map(|i| text[i.saturating_sub(300)..(i + 80).min(text.len())].to_owned())
                .unwrap_or_default()
        );
    }
    // The link to the original is a commitment the holder opens to a court.
    let opened = v.ok(["redaction-parent", &derived]);
    assert_eq!(opened["parent_sha256"], statement.as_str());
    let commitment = opened["commitment"].as_str().unwrap();
    assert!(commitment.starts_with("commitment:"), "{opened}");
    let shown_in_package = files_under(&package)
        .iter()
        .any(|f| String::from_utf8_lossy(&fs::read(f).unwrap()).contains(commitment));
    assert!(shown_in_package, "the package shows the commitment");
    let holder_key = v.ok(["log", "public-key"])["vkey"]
        .as_str()
        .unwrap()
        .to_owned();
    let out = StdCommand::new(verifier())
        .arg(&package)
        .arg("--json")
        .args(["--key", &holder_key])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    let (code, report) = v.verify(true);
    assert_eq!(code, 0, "{report:#}");
}

#[test]
fn images_and_pdf_pages_are_burnt_not_covered() {
    let v = TestVault::new();
    let folder = v.folder("media");
    let mut picture = image::RgbImage::from_pixel(40, 30, image::Rgb([255, 255, 255]));
    for y in 10..20 {
        for x in 10..30 {
            picture.put_pixel(x, y, image::Rgb([200, 0, 0]));
        }
    }
    picture.save(folder.join("face.png")).unwrap();
    fs::write(folder.join("register.pdf"), pdf_with_text(NAME)).unwrap();
    let report = v.ingest(&[&folder], "UNITAD", &["--regime", "open"]);
    let sha = |name: &str| {
        report["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|i| i["path"].as_str().unwrap().ends_with(name))
            .unwrap()["sha256"]
            .as_str()
            .unwrap()
            .to_owned()
    };

    let image_item = sha("face.png");
    let redacted = v.ok([
        "redact",
        &image_item,
        "--region",
        "10,10,20,10",
        "--reason",
        "face",
    ]);
    assert_eq!(redacted["mime"], "image/png");
    let bytes = get(&v, redacted["sha256"].as_str().unwrap());
    let burnt = image::load_from_memory(&bytes).unwrap().to_rgb8();
    assert_eq!(burnt.dimensions(), (40, 30));
    for y in 0..30 {
        for x in 0..40 {
            let inside = (10..30).contains(&x) && (10..20).contains(&y);
            let expected = if inside { [0, 0, 0] } else { [255, 255, 255] };
            assert_eq!(burnt.get_pixel(x, y).0, expected, "pixel {x},{y}");
        }
    }

    let pdf_item = sha("register.pdf");
    let original = get(&v, &pdf_item);
    assert!(
        pdftotext(&original, v.tmp.path()).contains(NAME),
        "the test PDF has a text layer"
    );
    let redacted = v.ok([
        "redact",
        &pdf_item,
        "--region",
        "1:0,0,595,100",
        "--reason",
        "name",
    ]);
    assert_eq!(redacted["mime"], "application/pdf");
    assert!(
        redacted["tool_version"]
            .as_str()
            .unwrap()
            .contains("pdftoppm"),
        "{redacted}"
    );
    let bytes = get(&v, redacted["sha256"].as_str().unwrap());
    let left = pdftotext(&bytes, v.tmp.path());
    assert!(
        !left.contains(NAME) && !left.contains("Khalida"),
        "the text layer survived: {left}"
    );

    // Bad requests are refused with a clear message and nothing stored.
    for (args, says) in [
        (
            vec![
                "redact",
                pdf_item.as_str(),
                "--region",
                "3:0,0,10,10",
                "--reason",
                "x",
            ],
            "page 3",
        ),
        (
            vec![
                "redact",
                image_item.as_str(),
                "--region",
                "1,2,3",
                "--reason",
                "x",
            ],
            "four numbers",
        ),
        (
            vec!["redact", image_item.as_str(), "--reason", "x"],
            "nothing to redact",
        ),
    ] {
        let error = v.run(&args).failed();
        assert!(
            error["error"].as_str().unwrap().contains(says),
            "{args:?}: {error}"
        );
    }
}

#[test]
fn a_derivative_answers_to_its_parents_witness() {
    let v = TestVault::new();
    let folder = v.folder("statements");
    fs::write(folder.join("w17.txt"), format!("I am {NAME}.")).unwrap();
    let statement = only_item(&v.ingest(&[&folder], "UNITAD", &["--regime", "open"]));
    v.ok([
        "org",
        "add",
        "State X",
        "--kind",
        "requesting_authority",
        "--approved-requester",
    ]);
    v.ok([
        "user",
        "add",
        "vso",
        "--org",
        "Holder",
        "--role",
        "victim_support_officer",
    ]);
    let identity = v.tmp.path().join("id.json");
    fs::write(&identity, format!(r#"{{"name":"{NAME}"}}"#)).unwrap();
    v.ok([
        "--as",
        "vso",
        "person",
        "add",
        "W-17",
        "--identity",
        identity.to_str().unwrap(),
    ]);
    v.ok([
        "--as",
        "vso",
        "person",
        "scope",
        "W-17",
        "--allow",
        "requesting_authority",
        "--exclude",
        "State X",
    ]);
    v.ok(["person", "link", "W-17", &statement]);
    let derived = v.ok([
        "redact",
        &statement,
        "--text",
        NAME,
        "--reason",
        "protected witness",
    ])["sha256"]
        .as_str()
        .unwrap()
        .to_owned();
    let out = v.tmp.path().join("to-x");
    v.run([
        "package",
        "build",
        &derived,
        "--out",
        out.to_str().unwrap(),
        "--for",
        "State X",
    ])
    .failed();
    assert!(!out.exists());
}
