//! Extraction of every format and encoding, from fixtures made here, including hostile ones.

use std::io::{Cursor, Write};
use std::process::Command;
use std::time::Duration;

use custodia_extract::{extract, ExtractError, Format, Limits, Options};

fn no_ocr() -> Options {
    Options {
        ocr: false,
        ..Options::default()
    }
}

fn text_of(bytes: &[u8], name: &str, options: &Options) -> String {
    let e = extract(bytes, None, Some(name), options).unwrap_or_else(|e| panic!("{name}: {e}"));
    e.text.unwrap_or_default()
}

fn has(tool: &str) -> bool {
    let ok = Command::new(tool)
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success())
        || Command::new(tool)
            .arg("-v")
            .output()
            .is_ok_and(|o| o.status.success());
    if !ok {
        // On CI a missing tool is a failure: a skipped OCR test would hide a broken OCR path.
        assert!(
            std::env::var_os("CI").is_none(),
            "`{tool}` is not installed, and CI is set: run scripts/install-deps"
        );
        eprintln!("skipped: `{tool}` is not installed (run scripts/install-deps)");
    }
    ok
}

const ARABIC: &str = "شهد الشاهد بأن عناصر التنظيم احتجزوا النساء الإيزيديات في مدينة الموصل ثم نقلوهن إلى الرقة في سوريا حيث بيعت بعضهن في سوق";
const FRENCH: &str = "Le témoin a déclaré que les combattants détenaient des femmes yézidies à Mossoul; elles ont été déplacées à Raqqa, où certaines furent vendues.";

// ---------------------------------------------------------------- plain text and encodings

#[test]
fn utf8_with_and_without_bom() {
    let plain = text_of(ARABIC.as_bytes(), "a.txt", &no_ocr());
    assert_eq!(plain, ARABIC);
    let mut bom = vec![0xEF, 0xBB, 0xBF];
    bom.extend_from_slice(ARABIC.as_bytes());
    let e = extract(&bom, None, Some("a.txt"), &no_ocr()).unwrap();
    assert_eq!(e.text.as_deref(), Some(ARABIC));
    assert_eq!(e.encoding.as_deref(), Some("UTF-8"));
    assert_eq!(e.language.unwrap().code, "ara");
}

#[test]
fn utf16_with_bom_both_orders() {
    let mut le = vec![0xFF, 0xFE];
    let mut be = vec![0xFE, 0xFF];
    for unit in FRENCH.encode_utf16() {
        le.extend_from_slice(&unit.to_le_bytes());
        be.extend_from_slice(&unit.to_be_bytes());
    }
    for (bytes, name) in [(le, "UTF-16LE"), (be, "UTF-16BE")] {
        let e = extract(&bytes, None, Some("f.txt"), &no_ocr()).unwrap();
        assert_eq!(e.format, Format::Text);
        assert_eq!(e.text.as_deref(), Some(FRENCH));
        assert_eq!(e.encoding.as_deref(), Some(name));
        assert_eq!(e.language.unwrap().code, "fra");
    }
}

#[test]
fn windows_1256_arabic() {
    let (bytes, _, lossy) = encoding_rs::WINDOWS_1256.encode(ARABIC);
    assert!(!lossy);
    let e = extract(&bytes, None, Some("a.txt"), &no_ocr()).unwrap();
    assert_eq!(e.encoding.as_deref(), Some("windows-1256"));
    assert_eq!(e.text.as_deref(), Some(ARABIC));
}

#[test]
fn windows_1252_and_iso_8859_latin() {
    let (bytes, _, _) = encoding_rs::WINDOWS_1252.encode(FRENCH);
    let e = extract(&bytes, None, Some("f.txt"), &no_ocr()).unwrap();
    assert_eq!(e.text.as_deref(), Some(FRENCH));
    assert_eq!(e.encoding.as_deref(), Some("windows-1252"));
    // ISO-8859-2 (Central European): ř and č exist there, not in Windows-1252.
    let czech =
        "Svědek řekl, že ozbrojenci drželi ženy v domě v Mosulu několik měsíců; potom je převezli.";
    let (bytes, _, lossy) = encoding_rs::ISO_8859_2.encode(czech);
    assert!(!lossy);
    let e = extract(&bytes, None, Some("c.txt"), &no_ocr()).unwrap();
    assert_eq!(e.text.as_deref(), Some(czech), "{:?}", e.encoding);
}

// ---------------------------------------------------------------- HTML

#[test]
fn html_keeps_visible_text_only() {
    let page = r#"<!DOCTYPE html><html><head><title>Report &amp; findings</title>
        <meta charset="utf-8"><meta name="description" content="A capture">
        <style>body { color: red } .secret {}</style>
        <script>var password = "hunter2"; document.write("injected");</script></head>
        <body><h1>Sinjar, August 2014</h1><p>Witnesses describe the <b>attack</b> on Kocho.</p>
        <noscript>enable javascript</noscript><template><p>hidden template</p></template>
        <p dir="rtl">هجوم على سنجار</p></body></html>"#;
    let e = extract(page.as_bytes(), None, Some("page.html"), &no_ocr()).unwrap();
    assert_eq!(e.format, Format::Html);
    let text = e.text.unwrap();
    assert!(text.contains("Sinjar, August 2014"));
    assert!(text.contains("Witnesses describe the attack on Kocho."));
    assert!(text.contains("هجوم على سنجار"));
    for hidden in [
        "hunter2",
        "injected",
        "color",
        "enable javascript",
        "hidden template",
    ] {
        assert!(!text.contains(hidden), "{hidden} leaked into {text:?}");
    }
    assert_eq!(e.metadata["title"], "Report & findings");
    assert_eq!(e.metadata["description"], "A capture");
}

#[test]
fn html_deeply_nested_does_not_overflow() {
    let page = format!(
        "<html><body>{}deep{}</body></html>",
        "<div>".repeat(100_000),
        "</div>".repeat(100_000)
    );
    let text = text_of(page.as_bytes(), "deep.html", &no_ocr());
    assert!(text.contains("deep"));
}

// ---------------------------------------------------------------- PDF

/// A PDF of one page per string, in Helvetica, with correct cross-references.
fn pdf(pages: &[&str]) -> Vec<u8> {
    let mut objects: Vec<String> = Vec::new();
    let n = pages.len();
    // 1: catalog, 2: pages, 3: font, then per page: page, content.
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
        // One line per `\n`, 28 points apart.
        let lines: Vec<String> = text.split('\n').map(|l| format!("({l}) Tj T*")).collect();
        let content = format!("BT /F1 24 Tf 72 700 Td 28 TL {} ET", lines.join(" "));
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
        format!("trailer\n<< /Size {} /Root 1 0 R /Info << /Title (Register of detainees) /Author (Records office) >> >>\nstartxref\n{xref}\n%%EOF\n", objects.len() + 1).as_bytes(),
    );
    out
}

#[test]
fn pdf_text_layer_and_properties() {
    let bytes = pdf(&["Detainee register page one", "Transfer to Saydnaya prison"]);
    let e = extract(&bytes, None, Some("r.pdf"), &no_ocr()).unwrap();
    assert_eq!(e.format, Format::Pdf);
    assert_eq!(e.method, "pdf/pdf-extract");
    let text = e.text.unwrap();
    assert!(text.contains("Detainee register page one"), "{text:?}");
    assert!(text.contains("Transfer to Saydnaya prison"), "{text:?}");
    assert_eq!(e.metadata["pages"], 2);
    assert_eq!(e.metadata["title"], "Register of detainees");
    assert_eq!(e.metadata["creator"], "Records office");
}

#[test]
fn pdf_with_a_loop_in_its_object_graph_fails_cleanly() {
    // The page tree's only kid is the page tree itself; the page's parent is itself too.
    let looped = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n2 0 obj\n<< /Type /Pages /Kids [2 0 R 3 0 R] /Count 2 /Parent 2 0 R >>\nendobj\n3 0 obj\n<< /Type /Page /Parent 3 0 R /Contents 3 0 R /Resources 3 0 R >>\nendobj\ntrailer\n<< /Root 1 0 R /Size 4 >>\n%%EOF\n";
    let options = Options {
        ocr: false,
        limits: Limits {
            timeout: Duration::from_secs(20),
            ..Limits::default()
        },
        ..Options::default()
    };
    // Whatever the parsers make of it, the call returns: an error or an empty text.
    match extract(looped, None, Some("loop.pdf"), &options) {
        Ok(e) => assert!(e.text.unwrap_or_default().trim().is_empty()),
        Err(e) => assert!(
            matches!(
                e,
                ExtractError::Corrupt { .. }
                    | ExtractError::Panicked { .. }
                    | ExtractError::Timeout { .. }
            ),
            "{e}"
        ),
    }
}

#[test]
fn truncated_and_garbage_pdfs_are_errors() {
    let bytes = pdf(&["Some text"]);
    for broken in [
        &bytes[..bytes.len() / 2],
        b"%PDF-1.7\n\x00\x01garbage".as_slice(),
    ] {
        let e = extract(broken, None, Some("x.pdf"), &no_ocr());
        if let Ok(e) = &e {
            assert!(
                !e.text.clone().unwrap_or_default().contains("Some text") || broken.len() > 100
            );
        }
    }
}

// ---------------------------------------------------------------- Office and ODF

fn zip_of(members: &[(&str, &[u8])]) -> Vec<u8> {
    let mut out = Cursor::new(Vec::new());
    {
        let mut zip = zip::ZipWriter::new(&mut out);
        let options = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated);
        for (name, bytes) in members {
            zip.start_file(*name, options).unwrap();
            zip.write_all(bytes).unwrap();
        }
        zip.finish().unwrap();
    }
    out.into_inner()
}

const CORE: &[u8] = br#"<?xml version="1.0"?><cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/"><dc:title>Interview 14</dc:title><dc:creator>Investigator K</dc:creator><dcterms:created>2019-03-02T10:00:00Z</dcterms:created></cp:coreProperties>"#;

#[test]
fn docx_text_and_properties() {
    let document = r#"<?xml version="1.0"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>
        <w:p><w:r><w:t>The witness</w:t></w:r><w:r><w:t xml:space="preserve"> was held in </w:t></w:r><w:r><w:t>Badush &amp; Tal Afar.</w:t></w:r></w:p>
        <w:p><w:r><w:instrText>HYPERLINK secret</w:instrText></w:r><w:r><w:t>نقلت إلى الموصل</w:t></w:r></w:p></w:body></w:document>"#;
    let bytes = zip_of(&[
        ("[Content_Types].xml", b"<Types/>"),
        ("word/document.xml", document.as_bytes()),
        ("docProps/core.xml", CORE),
    ]);
    let e = extract(&bytes, None, Some("i.docx"), &no_ocr()).unwrap();
    assert_eq!(e.format, Format::Docx);
    let text = e.text.unwrap();
    assert!(
        text.contains("The witness was held in Badush & Tal Afar."),
        "{text:?}"
    );
    assert!(text.contains("نقلت إلى الموصل"));
    assert!(!text.contains("HYPERLINK"));
    assert_eq!(e.metadata["title"], "Interview 14");
    assert_eq!(e.metadata["creator"], "Investigator K");
}

#[test]
fn xlsx_and_pptx() {
    let shared = r#"<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>Name</t></si><si><t>Ahmad al-Jumaili</t></si></sst>"#;
    let bytes = zip_of(&[
        ("xl/workbook.xml", b"<workbook/>"),
        ("xl/sharedStrings.xml", shared.as_bytes()),
        ("xl/worksheets/sheet1.xml", br#"<worksheet><sheetData><row><c t="inlineStr"><is><t>Inline note</t></is></c></row></sheetData></worksheet>"#),
    ]);
    let e = extract(&bytes, None, Some("list.xlsx"), &no_ocr()).unwrap();
    assert_eq!(e.format, Format::Xlsx);
    let text = e.text.unwrap();
    assert!(
        text.contains("Ahmad al-Jumaili") && text.contains("Inline note"),
        "{text:?}"
    );

    let slide = r#"<p:sld xmlns:p="p" xmlns:a="a"><p:cSld><a:p><a:r><a:t>Timeline of the Kocho massacre</a:t></a:r></a:p></p:cSld></p:sld>"#;
    let bytes = zip_of(&[
        ("ppt/presentation.xml", b"<presentation/>"),
        ("ppt/slides/slide1.xml", slide.as_bytes()),
    ]);
    let e = extract(&bytes, None, Some("t.pptx"), &no_ocr()).unwrap();
    assert_eq!(e.format, Format::Pptx);
    assert!(e.text.unwrap().contains("Timeline of the Kocho massacre"));
}

#[test]
fn odf_text_and_meta() {
    let content = r#"<office:document-content xmlns:office="o" xmlns:text="t"><office:body><office:text><text:h>Verklaring</text:h><text:p>De getuige<text:s/>zag de gevangenen in Raqqa.</text:p></office:text></office:body></office:document-content>"#;
    let meta = r#"<office:document-meta xmlns:office="o" xmlns:meta="m" xmlns:dc="d"><office:meta><meta:initial-creator>Rechercheur</meta:initial-creator><dc:title>Proces-verbaal</dc:title></office:meta></office:document-meta>"#;
    let bytes = zip_of(&[
        ("mimetype", b"application/vnd.oasis.opendocument.text"),
        ("content.xml", content.as_bytes()),
        ("meta.xml", meta.as_bytes()),
    ]);
    let e = extract(&bytes, None, Some("pv.odt"), &no_ocr()).unwrap();
    assert_eq!(e.format, Format::Odf);
    let text = e.text.unwrap();
    assert!(text.contains("Verklaring"));
    assert!(
        text.contains("De getuige zag de gevangenen in Raqqa."),
        "{text:?}"
    );
    assert_eq!(e.metadata["creator"], "Rechercheur");
    assert_eq!(e.metadata["title"], "Proces-verbaal");
    assert_eq!(e.language.unwrap().code, "nld");
}

#[test]
fn docx_zip_bomb_is_refused() {
    // 32 MiB of one byte deflates about 1000-fold: far past the ratio limit.
    let huge = vec![b' '; 32 << 20];
    let bytes = zip_of(&[("word/document.xml", &huge)]);
    assert!(bytes.len() < 1 << 20);
    let e = extract(&bytes, None, Some("bomb.docx"), &no_ocr()).unwrap_err();
    assert!(matches!(e, ExtractError::TooLarge { .. }), "{e}");
    // And a total budget, whatever the ratio.
    let options = Options {
        limits: Limits {
            max_zip_expanded_bytes: 1 << 20,
            ..Limits::default()
        },
        ..no_ocr()
    };
    let e = extract(&bytes, None, Some("bomb.docx"), &options).unwrap_err();
    assert!(matches!(e, ExtractError::TooLarge { .. }), "{e}");
}

#[test]
fn corrupt_docx_is_an_error() {
    let bytes = zip_of(&[(
        "word/document.xml",
        b"<w:document><w:body><w:p><w:t>unclosed",
    )]);
    let e = extract(&bytes, None, Some("x.docx"), &no_ocr());
    // quick-xml reads to the end of an unclosed document; what matters is no panic.
    if let Ok(e) = e {
        assert!(e.text.unwrap().contains("unclosed"));
    }
    let mut cut = zip_of(&[("word/document.xml", b"<w:t>x</w:t>")]);
    cut.truncate(cut.len() - 30);
    assert!(extract(&cut, None, Some("cut.docx"), &no_ocr()).is_err());
}

// ---------------------------------------------------------------- RTF

#[test]
fn rtf_code_page_unicode_and_skipped_groups() {
    let (arabic, _, _) = encoding_rs::WINDOWS_1256.encode("سنجار");
    let hex: String = arabic.iter().map(|b| format!("\\'{b:02x}")).collect();
    let rtf = format!(
        "{{\\rtf1\\ansi\\ansicpg1256{{\\fonttbl{{\\f0 Times New Roman;}}}}{{\\*\\generator Hidden;}}{{\\info{{\\title Secret title}}}}\\f0 Attack on {hex}\\par Caf\\'e9 \\u1605?\\u1608?\\u1589?\\u1604? end}}"
    );
    let e = extract(rtf.as_bytes(), None, Some("s.rtf"), &no_ocr()).unwrap();
    assert_eq!(e.format, Format::Rtf);
    let text = e.text.unwrap();
    assert!(text.contains("Attack on سنجار"), "{text:?}");
    assert!(text.contains("موصل"), "{text:?}");
    for hidden in ["Times New Roman", "Hidden", "Secret title"] {
        assert!(!text.contains(hidden), "{hidden} in {text:?}");
    }
    // Windows-1256 0xE9 is é as in 1252.
    assert!(text.contains("Café"), "{text:?}");
    let deep = format!("{{\\rtf1 {}x{}", "{".repeat(50_000), "}".repeat(50_000));
    assert!(matches!(
        extract(deep.as_bytes(), None, None, &no_ocr()),
        Err(ExtractError::TooLarge { .. })
    ));
}

// ---------------------------------------------------------------- e-mail

#[test]
fn eml_headers_body_and_attachments() {
    let eml = "From: Liaison Officer <liaison@example.org>\r\nTo: archive@example.org\r\nSubject: =?UTF-8?B?2KrZgtix2YrYsQ==?= on Sinjar\r\nDate: Tue, 5 Aug 2014 10:00:00 +0300\r\nMessage-ID: <abc@example.org>\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"b1\"\r\n\r\n--b1\r\nContent-Type: text/plain; charset=windows-1256\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\nThe list of abductees is attached. =D3=E4=CC=C7=D1\r\n--b1\r\nContent-Type: text/csv; name=\"list.csv\"\r\nContent-Disposition: attachment; filename=\"list.csv\"\r\nContent-Transfer-Encoding: base64\r\n\r\nbmFtZSxhZ2UKTmFkaWEsMjEK\r\n--b1--\r\n";
    let e = extract(eml.as_bytes(), None, Some("m.eml"), &no_ocr()).unwrap();
    assert_eq!(e.format, Format::Email);
    let text = e.text.unwrap();
    assert!(
        text.contains("The list of abductees is attached."),
        "{text:?}"
    );
    assert!(text.contains("سنجار"), "{text:?}");
    assert!(text.contains("تقرير on Sinjar"), "{text:?}");
    assert_eq!(e.metadata["subject"], "تقرير on Sinjar");
    assert_eq!(
        e.metadata["from"][0],
        "Liaison Officer <liaison@example.org>"
    );
    assert!(e.metadata["date"]
        .as_str()
        .unwrap()
        .starts_with("2014-08-05"));
    assert_eq!(e.children.len(), 1);
    assert_eq!(e.children[0].name, "list.csv");
    assert_eq!(e.children[0].bytes, b"name,age\nNadia,21\n");
}

// ---------------------------------------------------------------- images: EXIF and OCR

fn jpeg_with_exif(tiff: &[u8]) -> Vec<u8> {
    let mut out = vec![0xFF, 0xD8, 0xFF, 0xE1];
    let len = (tiff.len() + 8) as u16;
    out.extend_from_slice(&len.to_be_bytes());
    out.extend_from_slice(b"Exif\0\0");
    out.extend_from_slice(tiff);
    out.extend_from_slice(&[0xFF, 0xD9]);
    out
}

#[test]
fn exif_camera_time_and_gps() {
    use exif::experimental::Writer;
    use exif::{Field, In, Rational, Tag, Value};
    let fields = [
        Field {
            tag: Tag::Make,
            ifd_num: In::PRIMARY,
            value: Value::Ascii(vec![b"Nokia".to_vec()]),
        },
        Field {
            tag: Tag::Model,
            ifd_num: In::PRIMARY,
            value: Value::Ascii(vec![b"N95".to_vec()]),
        },
        Field {
            tag: Tag::DateTimeOriginal,
            ifd_num: In::PRIMARY,
            value: Value::Ascii(vec![b"2014:08:03 06:15:00".to_vec()]),
        },
        Field {
            tag: Tag::GPSLatitudeRef,
            ifd_num: In::PRIMARY,
            value: Value::Ascii(vec![b"N".to_vec()]),
        },
        Field {
            tag: Tag::GPSLatitude,
            ifd_num: In::PRIMARY,
            value: Value::Rational(vec![
                Rational { num: 36, denom: 1 },
                Rational { num: 19, denom: 1 },
                Rational { num: 30, denom: 1 },
            ]),
        },
        Field {
            tag: Tag::GPSLongitudeRef,
            ifd_num: In::PRIMARY,
            value: Value::Ascii(vec![b"E".to_vec()]),
        },
        Field {
            tag: Tag::GPSLongitude,
            ifd_num: In::PRIMARY,
            value: Value::Rational(vec![
                Rational { num: 41, denom: 1 },
                Rational { num: 51, denom: 1 },
                Rational { num: 0, denom: 1 },
            ]),
        },
    ];
    let mut writer = Writer::new();
    for f in &fields {
        writer.push_field(f);
    }
    let mut tiff = Cursor::new(Vec::new());
    writer.write(&mut tiff, false).unwrap();
    let jpeg = jpeg_with_exif(tiff.get_ref());
    let e = extract(&jpeg, None, Some("p.jpg"), &no_ocr()).unwrap();
    assert_eq!(e.format, Format::Image);
    assert_eq!(e.metadata["camera_make"], "Nokia");
    assert_eq!(e.metadata["camera_model"], "N95");
    assert_eq!(e.metadata["captured_at"], "2014:08:03 06:15:00");
    let lat = e.metadata["gps_latitude"].as_f64().unwrap();
    let lon = e.metadata["gps_longitude"].as_f64().unwrap();
    assert!(
        (lat - 36.325).abs() < 1e-6 && (lon - 41.85).abs() < 1e-6,
        "{lat} {lon}"
    );
}

#[test]
fn malformed_exif_is_a_warning() {
    for tiff in [
        &b"MM\0*\xff\xff\xff\xff garbage"[..],
        b"II*\0\x08\0\0\0\xff\xff",
        b"",
    ] {
        let jpeg = jpeg_with_exif(tiff);
        let e = extract(&jpeg, None, Some("bad.jpg"), &no_ocr()).unwrap();
        assert!(!e.metadata.contains_key("gps_latitude"));
        assert!(
            !e.warnings.is_empty() || tiff.is_empty(),
            "{:?}",
            e.warnings
        );
    }
}

/// Renders a one-page text PDF to a 300 dpi grey image with pdftoppm (PGM: header + pixels).
fn scan_of(text: &str) -> Option<(usize, usize, Vec<u8>)> {
    if !has("pdftoppm") {
        return None;
    }
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in.pdf");
    std::fs::write(&input, pdf(&[text])).unwrap();
    let out = dir.path().join("page");
    let status = Command::new("pdftoppm")
        .args(["-r", "150", "-gray", "-singlefile"])
        .arg(&input)
        .arg(&out)
        .status()
        .unwrap();
    assert!(status.success());
    let pgm = std::fs::read(out.with_extension("pgm")).unwrap();
    // P5\n<w> <h>\n255\n<pixels>
    let mut fields = Vec::new();
    let mut i = 0;
    while fields.len() < 4 {
        while pgm[i].is_ascii_whitespace() {
            i += 1;
        }
        let start = i;
        while !pgm[i].is_ascii_whitespace() {
            i += 1;
        }
        fields.push(String::from_utf8_lossy(&pgm[start..i]).into_owned());
    }
    let (w, h): (usize, usize) = (fields[1].parse().unwrap(), fields[2].parse().unwrap());
    Some((w, h, pgm[i + 1..].to_vec()))
}

#[test]
fn ocr_of_an_image_records_engine_and_languages() {
    if !has("tesseract") {
        return;
    }
    let Some((w, h, pixels)) = scan_of("Prisoners moved to Badush") else {
        return;
    };
    // A binary PGM is an image Tesseract (Leptonica) reads; sniffing needs a known format, so
    // wrap it as a PNM the extractor hands over by MIME type.
    let mut pgm = format!("P5\n{w} {h}\n255\n").into_bytes();
    pgm.extend_from_slice(&pixels);
    let e = extract(
        &pgm,
        Some("image/x-portable-graymap"),
        Some("scan.pgm"),
        &Options::default(),
    )
    .unwrap();
    assert_eq!(e.method, "ocr/tesseract");
    let ocr = e.ocr.unwrap();
    assert_eq!(ocr.engine, "tesseract");
    assert!(
        ocr.version.starts_with('5') || ocr.version.starts_with('4'),
        "{}",
        ocr.version
    );
    assert!(
        ocr.languages.contains(&"eng".to_owned()),
        "{:?}",
        ocr.languages
    );
    let text = e.text.unwrap();
    assert!(text.contains("Prisoners moved to Badush"), "{text:?}");
    assert!(e.tool_version.contains("tesseract"));
}

#[test]
fn ocr_languages_follow_the_script_detected_on_the_page() {
    if !has("tesseract") {
        return;
    }
    let Some((w, h, pixels)) = scan_of(
        "The prisoners were moved to Badush\nprison in June 2014 and registered\nby the guards of the prison, who\nkept their papers and their names",
    ) else {
        return;
    };
    let mut pgm = format!("P5\n{w} {h}\n255\n").into_bytes();
    pgm.extend_from_slice(&pixels);
    let read = |languages: &[&str]| {
        let options = Options {
            ocr_languages: languages.iter().map(|l| (*l).to_owned()).collect(),
            ..Options::default()
        };
        extract(
            &pgm,
            Some("image/x-portable-graymap"),
            Some("scan.pgm"),
            &options,
        )
        .unwrap()
        .ocr
        .unwrap()
    };
    // By default the page's script chooses: a Latin page is not read as Arabic.
    let detected = read(&[custodia_extract::DETECT]);
    assert_eq!(detected.scripts, ["Latin"], "{detected:?}");
    assert!(
        detected.languages.contains(&"eng".to_owned()),
        "{detected:?}"
    );
    assert!(
        !detected.languages.contains(&"ara".to_owned()),
        "{detected:?}"
    );
    // A Dutch page: the first reading (English) is Dutch, so the page is read again in Dutch.
    let Some((w, h, pixels)) = scan_of(
        "De gevangenen werden in juni 2014\nnaar de gevangenis van Badush\novergebracht en daar door de\nbewakers geregistreerd, die hun\npapieren en hun namen bewaarden",
    ) else {
        return;
    };
    let mut dutch = format!("P5\n{w} {h}\n255\n").into_bytes();
    dutch.extend_from_slice(&pixels);
    let options = Options {
        ocr_languages: vec![custodia_extract::DETECT.to_owned()],
        ..Options::default()
    };
    let e = extract(
        &dutch,
        Some("image/x-portable-graymap"),
        Some("nl.pgm"),
        &options,
    )
    .unwrap();
    let ocr = e.ocr.unwrap();
    assert_eq!(ocr.languages, ["nld"], "{ocr:?}");
    assert!(e.text.unwrap().contains("gevangenis"));
    // Languages named in the settings are used as they are, and recorded as such.
    let fixed = read(&["ara", "eng"]);
    assert_eq!(fixed.languages, ["ara", "eng"]);
    assert!(fixed.scripts.is_empty());
}

#[test]
fn ocr_of_a_pdf_page_without_text_layer() {
    if !has("tesseract") {
        return;
    }
    let Some((w, h, pixels)) = scan_of("Register of Saydnaya transfers") else {
        return;
    };
    // A PDF whose only page is that image: a scan.
    let objects = [
        "<< /Type /Catalog /Pages 2 0 R >>".to_owned(),
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_owned(),
        format!("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {w} {h}] /Resources << /XObject << /Im1 4 0 R >> >> /Contents 5 0 R >>"),
    ];
    let mut out = b"%PDF-1.4\n".to_vec();
    let mut offsets = Vec::new();
    for (i, o) in objects.iter().enumerate() {
        offsets.push(out.len());
        out.extend_from_slice(format!("{} 0 obj\n{o}\nendobj\n", i + 1).as_bytes());
    }
    offsets.push(out.len());
    out.extend_from_slice(format!("4 0 obj\n<< /Type /XObject /Subtype /Image /Width {w} /Height {h} /ColorSpace /DeviceGray /BitsPerComponent 8 /Length {} >>\nstream\n", pixels.len()).as_bytes());
    out.extend_from_slice(&pixels);
    out.extend_from_slice(b"\nendstream\nendobj\n");
    let content = format!("q {w} 0 0 {h} 0 0 cm /Im1 Do Q");
    offsets.push(out.len());
    out.extend_from_slice(
        format!(
            "5 0 obj\n<< /Length {} >>\nstream\n{content}\nendstream\nendobj\n",
            content.len()
        )
        .as_bytes(),
    );
    let xref = out.len();
    out.extend_from_slice(b"xref\n0 6\n0000000000 65535 f \n");
    for off in offsets {
        out.extend_from_slice(format!("{off:010} 00000 n \n").as_bytes());
    }
    out.extend_from_slice(
        format!("trailer\n<< /Size 6 /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n").as_bytes(),
    );
    let e = extract(&out, None, Some("scan.pdf"), &Options::default()).unwrap();
    assert_eq!(e.method, "ocr/tesseract", "{:?}", e.warnings);
    assert_eq!(e.ocr.as_ref().unwrap().pages, 1);
    assert!(e.text.unwrap().contains("Register of Saydnaya transfers"));

    // The OCR of one item's pages has a time limit of its own: past it, pages are left
    // unread with a warning, and the rest of the extraction stands.
    let spent = Options {
        limits: Limits {
            ocr_time_per_item: Duration::ZERO,
            ..Limits::default()
        },
        ..Options::default()
    };
    let e = extract(&out, None, Some("scan.pdf"), &spent).unwrap();
    assert!(e.ocr.is_none());
    assert!(
        e.warnings
            .iter()
            .any(|w| w.contains("the item's OCR time of 0 s")),
        "{:?}",
        e.warnings
    );
}

#[test]
fn unknown_binary_is_unsupported() {
    let e = extract(&[0u8, 1, 2, 3, 0, 0, 9], None, Some("x.bin"), &no_ocr()).unwrap_err();
    assert!(matches!(e, ExtractError::Unsupported { .. }));
}

#[test]
fn mbox_messages_become_children() {
    let mbox = "From a@example.org Tue Aug  5 10:00:00 2014\nFrom: a@example.org\nSubject: first report\n\nBody one\n>From the field: quoted line\n\nFrom b@example.org Wed Aug  6 10:00:00 2014\nFrom: b@example.org\nSubject: second report\n\nBody two\n";
    let e = extract(mbox.as_bytes(), None, Some("box.mbox"), &no_ocr()).unwrap();
    assert_eq!(e.format, Format::Mailbox);
    assert_eq!(e.metadata["messages"], 2);
    assert_eq!(e.children.len(), 2);
    assert_eq!(e.children[0].name, "message-00001.eml");
    let first = String::from_utf8(e.children[0].bytes.clone()).unwrap();
    assert!(
        first.contains("From the field: quoted line") && !first.contains(">From"),
        "{first}"
    );
    let inner = extract(
        &e.children[1].bytes,
        e.children[1].mime.as_deref(),
        Some("m.eml"),
        &no_ocr(),
    )
    .unwrap();
    assert!(inner.text.unwrap().contains("Body two"));
    assert!(e.text.unwrap().contains("second report"));
}

#[test]
fn pdf_languages_per_page() {
    let bytes = pdf(&[
        "The witness stated that the prisoners were moved to another prison in the north",
        "Le temoin a declare que les prisonniers ont ete transferes vers une autre prison",
    ]);
    let e = extract(&bytes, None, Some("mixed.pdf"), &no_ocr()).unwrap();
    assert_eq!(
        e.metadata["page_languages"],
        serde_json::json!(["eng", "fra"])
    );
}
