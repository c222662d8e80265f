//! `ingest` end to end: files and folders, provenance, duplicates, archives, output streams, and
//! resuming by rerunning the same command.

mod support;

use std::collections::BTreeSet;
use std::fs;

use serde_json::Value;
use support::*;

#[test]
fn files_and_nested_folders_are_listed_with_hash_size_and_sniffed_mime() {
    let vault = TestVault::new();
    let input = vault.folder("collection");
    fs::create_dir_all(input.join("sub/deeper")).unwrap();
    let mut png = PNG_HEAD.to_vec();
    png.extend(content("png body", 300));
    let mut pdf = b"%PDF-1.7\n".to_vec();
    pdf.extend(content("pdf body", 500));
    let mut binary = vec![0u8, 1, 2, 3, 0, 0];
    binary.extend(content("binary", 1000));
    let large = content("a larger text file\n", 300 * 1024)
        .iter()
        .map(|b| b'a' + b % 26)
        .collect::<Vec<u8>>();
    let files: Vec<(&str, Vec<u8>, &str)> = vec![
        (
            "top.txt",
            b"top level witness statement\n".to_vec(),
            "text/plain",
        ),
        ("picture.txt", png, "image/png"),
        ("sub/report.dat", pdf, "application/pdf"),
        ("sub/deeper/data.bin", binary, "application/octet-stream"),
        ("sub/deeper/large.txt", large, "text/plain"),
    ];
    for (name, bytes, _) in &files {
        fs::write(input.join(name), bytes).unwrap();
    }
    let single = vault.folder("elsewhere").join("single.txt");
    fs::write(&single, b"a file named on the command line\n").unwrap();

    let report = vault.ingest(&[&input, &single], "Originator A", &[]);
    assert!(errors(&report).is_empty(), "{report:#}");
    assert_eq!(items(&report).len(), files.len() + 1, "{report:#}");
    for (name, bytes, mime) in &files {
        let item = item_at(&report, &shown(&input.join(name)));
        assert_eq!(item["sha256"], sha256_hex(bytes).as_str(), "{name}");
        assert_eq!(item["size"], bytes.len() as u64, "{name}");
        assert_eq!(item["mime"], *mime, "{name}");
        assert_eq!(item["status"], "stored", "{name}");
        assert!(item.get("parent").is_none());
    }
    let item = item_at(&report, &shown(&single));
    assert_eq!(
        item["sha256"],
        sha256_hex(b"a file named on the command line\n").as_str()
    );
    let total: u64 = files.iter().map(|f| f.1.len() as u64).sum::<u64>() + 33;
    assert_eq!(report["summary"]["bytes"], total);
    assert_eq!(report["summary"]["stored"], files.len() as u64 + 1);

    // Each item is in the vault under its SHA-256, with the sniffed type.
    let pdf_sha = sha256_hex(&files[2].1);
    let show = vault.show(&pdf_sha);
    assert_eq!(show["item"]["mime"], "application/pdf");
    assert_eq!(show["item"]["size"], files[2].1.len() as u64);
    let (code, verify) = vault.verify(true);
    assert_eq!(code, 0, "{verify:#}");
    assert_eq!(verify["ok"], true);
    assert_eq!(verify["blobs_checked"], files.len() as u64 + 1);
}

#[test]
fn provenance_is_recorded_and_shown() {
    let vault = TestVault::with_administrator("registrar-1");
    let input = vault.folder("in");
    let file = input.join("interview-07.txt");
    fs::write(&file, b"transcript of interview 7\n").unwrap();
    let sha = sha256_hex(b"transcript of interview 7\n");
    let report = vault.ingest(
        &[&input],
        "Commission of Inquiry",
        &[
            "--case",
            "CASE-2024-17",
            "--collected-by",
            "Field Team North",
            "--collected-at",
            "2024-03-05T09:30:00Z",
            "--collection-note",
            "handed over on a USB stick, sealed bag 42",
        ],
    );
    let item = item_at(&report, &shown(&file));
    let index = item["ledger_index"].as_u64().unwrap();

    let show = vault.show(&sha);
    assert_eq!(show["item"]["sha256"], sha.as_str());
    assert_eq!(show["item"]["mime"], "text/plain");
    assert_eq!(show["item"]["size"], 26);
    assert_eq!(show["expansion_error"], Value::Null);
    let submissions = show["submissions"].as_array().unwrap();
    assert_eq!(submissions.len(), 1, "{show:#}");
    let s = &submissions[0];
    assert_eq!(s["sha256"], sha.as_str());
    assert_eq!(s["originator"], "Commission of Inquiry");
    assert_eq!(s["case_ref"], "CASE-2024-17");
    assert_eq!(s["collected_by"], "Field Team North");
    assert_eq!(s["collected_at"], "2024-03-05T09:30:00Z");
    assert_eq!(
        s["collection_note"],
        "handed over on a USB stick, sealed bag 42"
    );
    assert_eq!(s["path"], shown(&file));
    assert_eq!(s["original_name"], "interview-07.txt");
    assert_eq!(s["submitted_by"], "registrar-1");
    assert_eq!(s["submission_key"], report["submission"]);
    assert_eq!(s["parent_sha256"], Value::Null);
    assert!(s["modified_at"].is_string() && s["submitted_at"].is_string());

    // The custody history names the actor and the log position of the ingest.
    let history = vault.history(&sha);
    let events = history["events"].as_array().unwrap();
    assert_eq!(events.len(), 1, "{history:#}");
    assert_eq!(events[0]["action"], "ingest");
    assert_eq!(events[0]["actor"], "registrar-1");
    assert_eq!(events[0]["ledger_index"], index);
    assert_eq!(
        events[0]["details"]["submission"]["originator"],
        "Commission of Inquiry"
    );
    let entry: Value = serde_json::from_str(events[0]["entry"].as_str().unwrap()).unwrap();
    // Format 2: the entry commits to the item without naming it (salted commitment).
    assert_eq!(entry["v"], 2, "{entry}");
    assert_eq!(entry["action"], "ingest");
    assert!(
        entry["item"].is_string() && entry["item"] != sha.as_str(),
        "{entry}"
    );
    assert!(!events[0]["entry"].as_str().unwrap().contains(&sha));
}

#[test]
fn same_bytes_are_stored_once_with_every_provenance() {
    let vault = TestVault::new();
    let bytes = b"the same photograph, received twice\n";
    let sha = sha256_hex(bytes);
    let input = vault.folder("first");
    fs::create_dir(input.join("copy")).unwrap();
    fs::write(input.join("a.jpg.txt"), bytes).unwrap();
    fs::write(input.join("copy/b.txt"), bytes).unwrap();

    let report = vault.ingest(&[&input], "Originator A", &[]);
    let a = item_at(&report, &shown(&input.join("a.jpg.txt")));
    let b = item_at(&report, &shown(&input.join("copy/b.txt")));
    assert_eq!(a["sha256"], sha.as_str());
    assert_eq!(b["sha256"], sha.as_str());
    assert_eq!(a["status"], "stored");
    assert_eq!(b["status"], "duplicate");
    assert_ne!(a["ledger_index"], b["ledger_index"]);
    assert_eq!(report["summary"]["stored"], 1);
    assert_eq!(report["summary"]["duplicates"], 1);
    assert_eq!(vault.blob_files().len(), 1, "the bytes are stored once");
    let show = vault.show(&sha);
    let paths: BTreeSet<&str> = show["submissions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["path"].as_str().unwrap())
        .collect();
    assert_eq!(
        paths,
        BTreeSet::from([
            shown(&input.join("a.jpg.txt")).as_str(),
            shown(&input.join("copy/b.txt")).as_str()
        ])
    );

    // A second run, by another originator: still one blob, one more provenance entry.
    let other = vault.folder("second");
    fs::write(other.join("received.dat"), bytes).unwrap();
    let report = vault.ingest(&[&other], "Originator B", &["--case", "B-1"]);
    let c = item_at(&report, &shown(&other.join("received.dat")));
    assert_eq!(c["sha256"], sha.as_str());
    assert_eq!(c["status"], "duplicate");
    assert_eq!(vault.blob_files().len(), 1, "the bytes are stored once");
    let show = vault.show(&sha);
    let submissions = show["submissions"].as_array().unwrap();
    assert_eq!(submissions.len(), 3, "{show:#}");
    let originators: Vec<&str> = submissions
        .iter()
        .map(|s| s["originator"].as_str().unwrap())
        .collect();
    assert_eq!(
        originators.iter().filter(|o| **o == "Originator A").count(),
        2
    );
    assert_eq!(
        originators.iter().filter(|o| **o == "Originator B").count(),
        1
    );
    let history = vault.history(&sha);
    assert_eq!(history["events"].as_array().unwrap().len(), 3);
    let (code, verify) = vault.verify(true);
    assert_eq!(code, 0, "{verify:#}");
}

#[test]
fn zip_members_become_children_naming_their_parent() {
    let vault = TestVault::new();
    let input = vault.folder("in");
    let notes = b"notes taken at the scene\n".to_vec();
    let mut pdf = b"%PDF-1.4\n".to_vec();
    pdf.extend(content("zipped pdf", 2000));
    let zip = zip_bytes(&[("notes/n.txt", &notes), ("report.pdf", &pdf)]);
    // Named `.pdf`: the content says ZIP, and ZIP it is.
    let path = input.join("bundle.pdf");
    fs::write(&path, &zip).unwrap();
    let zip_sha = sha256_hex(&zip);

    let report = vault.ingest(&[&input], "Originator", &[]);
    assert!(errors(&report).is_empty(), "{report:#}");
    assert_eq!(items(&report).len(), 3, "{report:#}");
    let archive = item_at(&report, &shown(&path));
    assert_eq!(archive["sha256"], zip_sha.as_str());
    assert_eq!(archive["mime"], "application/zip");
    assert_eq!(archive["size"], zip.len() as u64);
    for (member, bytes, mime) in [
        ("notes/n.txt", &notes, "text/plain"),
        ("report.pdf", &pdf, "application/pdf"),
    ] {
        let child = item_at(&report, &format!("{}!/{member}", shown(&path)));
        assert_eq!(child["sha256"], sha256_hex(bytes).as_str());
        assert_eq!(child["size"], bytes.len() as u64);
        assert_eq!(child["mime"], mime);
        assert_eq!(child["parent"], zip_sha.as_str());
        assert_eq!(child["path_in_parent"], member);
        assert_eq!(child["status"], "stored");

        let show = vault.show(child["sha256"].as_str().unwrap());
        let s = &show["submissions"][0];
        assert_eq!(s["parent_sha256"], zip_sha.as_str());
        assert_eq!(s["path_in_parent"], member);
        assert_eq!(s["path"], format!("{}!/{member}", shown(&path)));
    }
}

#[test]
fn nested_zip_tar_and_tar_gz_are_expanded() {
    let vault = TestVault::new();
    let input = vault.folder("in");
    let deep = b"a letter inside two archives\n".to_vec();
    let inner = zip_bytes(&[("letters/deep.txt", &deep)]);
    let outer = zip_bytes(&[
        ("inner.zip", &inner),
        ("outer.txt", b"next to the inner zip\n"),
    ]);
    fs::write(input.join("outer.zip"), &outer).unwrap();
    let tar_a = b"first member of the tar\n".to_vec();
    let tar_b = content("second member of the tar", 100_000);
    let tar = tar_bytes(&[("dir/a.txt", &tar_a), ("b.bin", &tar_b)]);
    fs::write(input.join("plain.tar"), &tar).unwrap();
    let tgz_a = b"first member of the tar.gz\n".to_vec();
    let tgz = gzip_bytes(&tar_bytes(&[("x/y/z.txt", &tgz_a)]));
    fs::write(input.join("packed.tar.gz"), &tgz).unwrap();
    let gz_only = b"a single gzipped text\n".to_vec();
    fs::write(input.join("single.txt.gz"), gzip_bytes(&gz_only)).unwrap();

    let report = vault.ingest(&[&input], "Originator", &[]);
    assert!(errors(&report).is_empty(), "{report:#}");
    let root = shown(&input);
    let check = |path: &str, bytes: &[u8], parent: &[u8], in_parent: &str| {
        let item = item_at(&report, &format!("{root}/{path}"));
        assert_eq!(item["sha256"], sha256_hex(bytes).as_str(), "{path}");
        assert_eq!(item["parent"], sha256_hex(parent).as_str(), "{path}");
        assert_eq!(item["path_in_parent"], in_parent, "{path}");
    };
    check("outer.zip!/inner.zip", &inner, &outer, "inner.zip");
    check(
        "outer.zip!/outer.txt",
        b"next to the inner zip\n",
        &outer,
        "outer.txt",
    );
    check(
        "outer.zip!/inner.zip!/letters/deep.txt",
        &deep,
        &inner,
        "letters/deep.txt",
    );
    assert_eq!(
        item_at(&report, &format!("{root}/outer.zip!/inner.zip"))["mime"],
        "application/zip"
    );
    check("plain.tar!/dir/a.txt", &tar_a, &tar, "dir/a.txt");
    check("plain.tar!/b.bin", &tar_b, &tar, "b.bin");
    assert_eq!(
        item_at(&report, &format!("{root}/plain.tar"))["mime"],
        "application/x-tar"
    );
    check("packed.tar.gz!/x/y/z.txt", &tgz_a, &tgz, "x/y/z.txt");
    assert_eq!(
        item_at(&report, &format!("{root}/packed.tar.gz"))["mime"],
        "application/gzip"
    );
    let gz = fs::read(input.join("single.txt.gz")).unwrap();
    check("single.txt.gz!/single.txt", &gz_only, &gz, "single.txt");
    // 4 inputs, 2 + 1 members of the zips, 2 of the tar, 1 of the tar.gz, 1 of the gzip.
    assert_eq!(items(&report).len(), 11, "{report:#}");
    let (code, verify) = vault.verify(true);
    assert_eq!(code, 0, "{verify:#}");
}

#[test]
fn stdout_is_one_json_document_and_messages_go_to_stderr() {
    let vault = TestVault::new();
    let input = vault.folder("in");
    fs::write(input.join("a.txt"), b"some content\n").unwrap();
    fs::write(input.join("empty.txt"), b"").unwrap();
    let output = vault
        .cmd(["ingest".as_ref(), input.as_os_str()])
        .args(["--originator", "O"])
        .output()
        .unwrap();
    assert!(output.status.success());
    let stdout = String::from_utf8(output.stdout).unwrap();
    let stderr = String::from_utf8(output.stderr).unwrap();
    let report = single_json(&stdout).unwrap();
    check_report_shape(&report);
    assert_eq!(items(&report).len(), 2);
    // The summary and the warning about the empty file are for people, on stderr only.
    assert!(stderr.contains("ingested 2 item(s)"), "{stderr}");
    assert!(stderr.contains("empty.txt"), "{stderr}");
    assert!(!stdout.contains("ingested 2 item(s)"));
    assert!(!stdout.contains("warning:"));

    // Without `--json`, stdout lists the items as text, still nothing of the progress.
    let other = vault.folder("in2");
    fs::write(other.join("b.txt"), b"other content\n").unwrap();
    let output = support::custodia()
        .arg("--data-dir")
        .arg(&vault.dir)
        .arg("ingest")
        .arg(&other)
        .args(["--originator", "O"])
        .output()
        .unwrap();
    assert!(output.status.success());
    let stdout = String::from_utf8(output.stdout).unwrap();
    assert!(stdout.contains(&sha256_hex(b"other content\n")), "{stdout}");
    assert!(!stdout.contains("ingested 1 item(s)"), "{stdout}");
}

#[test]
fn rerunning_the_same_ingest_resumes_without_storing_anything_twice() {
    let vault = TestVault::new();
    let input = vault.folder("in");
    fs::create_dir(input.join("sub")).unwrap();
    for i in 0..5 {
        fs::write(
            input.join(format!("sub/file-{i}.txt")),
            content(&format!("file {i}"), 200 + i),
        )
        .unwrap();
    }
    fs::write(input.join("copy-of-0.txt"), content("file 0", 200)).unwrap();
    let zip = zip_bytes(&[("m1.txt", b"member one\n"), ("m2.txt", b"member two\n")]);
    fs::write(input.join("bundle.zip"), &zip).unwrap();
    let args = ["--case", "R-1", "--collection-note", "resumable"];

    let first = vault.ingest(&[&input], "Originator", &args);
    assert!(errors(&first).is_empty(), "{first:#}");
    assert_eq!(items(&first).len(), 9);
    let blobs = vault.blob_files();
    assert_eq!(blobs.len(), 8, "9 items, two of them the same bytes");
    let (_, before) = vault.verify(false);
    let log_size = before["log_size"].as_u64().unwrap();

    let second = vault.ingest(&[&input], "Originator", &args);
    assert_eq!(second["submission"], first["submission"]);
    assert!(errors(&second).is_empty(), "{second:#}");
    assert_eq!(items(&second).len(), items(&first).len());
    for item in items(&second) {
        assert_eq!(item["status"], "already_recorded", "{item}");
        assert!(item.get("ledger_index").is_none());
    }
    let listed = |report: &Value| -> BTreeSet<(String, String)> {
        items(report)
            .iter()
            .map(|i| {
                (
                    i["path"].as_str().unwrap().to_owned(),
                    i["sha256"].as_str().unwrap().to_owned(),
                )
            })
            .collect()
    };
    assert_eq!(listed(&second), listed(&first));
    assert_eq!(second["summary"]["stored"], 0);
    assert_eq!(second["summary"]["duplicates"], 0);
    assert_eq!(second["summary"]["already_recorded"], 9);
    assert_eq!(second["summary"]["bytes"], 0);
    // Nothing stored or logged twice.
    assert_eq!(vault.blob_files(), blobs);
    let (code, after) = vault.verify(true);
    assert_eq!(code, 0, "{after:#}");
    assert_eq!(after["log_size"].as_u64(), Some(log_size));
    let sha0 = sha256_hex(&content("file 0", 200));
    assert_eq!(
        vault.show(&sha0)["submissions"].as_array().unwrap().len(),
        2
    );
    assert_eq!(vault.history(&sha0)["events"].as_array().unwrap().len(), 2);

    // Another originator with the same folder is another submission: duplicates, not resumed.
    let third = vault.ingest(&[&input], "Another originator", &args);
    for item in items(&third) {
        assert_eq!(item["status"], "duplicate", "{item}");
    }
    assert_eq!(vault.blob_files(), blobs);
}
