//! Civilian-harm reports through the CLI: reports entered with attachments, assessed (credible,
//! not credible, duplicate, pending), a monitor's counts imported with bad rows named and
//! skipped, and the monthly public overview — its counts as expected, and every one of its files
//! free of every private value of the scenario (contacts, descriptions, places as typed, notes,
//! exact coordinates, references). Who may do what: harm assessors and custodians only.

mod support;

use std::fs;

use serde_json::{json, Value};
use support::TestVault;

struct Scenario {
    v: TestVault,
    month: String,
    refs: Vec<String>,
}

const PRIVATE: &[&str] = &[
    "+964 770 123 4567",
    "witness.one@example.org",
    "the vegetable market by the old bridge",
    "my cousin's house behind the mosque",
    "Two strikes hit the market at noon",
    "The house collapsed on the family",
    "Seen on a video only",
    "36.3406",
    "43.1289",
    "36.3391",
    "assessor's note: the source is the imam",
    "photo bytes of the market",
];

fn report(v: &TestVault, name: &str, body: Value, attachments: &[&str]) -> String {
    let path = v.tmp.path().join(format!("{name}.json"));
    fs::write(&path, body.to_string()).unwrap();
    let mut args = vec![
        "--as".to_owned(),
        "assessor".into(),
        "harm".into(),
        "submit".into(),
        path.display().to_string(),
    ];
    for a in attachments {
        args.push("--attachment".into());
        args.push(a.to_string());
    }
    let out = v.ok(&args);
    let reference = out["reference"].as_str().unwrap().to_owned();
    assert!(
        reference.starts_with("HR-") && reference.len() == 17,
        "{reference}"
    );
    reference
}

fn scenario() -> Scenario {
    let v = TestVault::new();
    for (user, role) in [("assessor", "harm_assessor"), ("ana", "analyst")] {
        v.ok(["user", "add", user, "--org", "Holder", "--role", role]);
    }
    let today = v.ok(["stats"])["to"].as_str().unwrap().to_owned();
    let month = today[..7].to_owned();
    let day = format!("{month}-01");
    let photo = v.tmp.path().join("market.jpg");
    fs::write(&photo, "photo bytes of the market").unwrap();
    let photo = photo.display().to_string();
    let r1 = report(
        &v,
        "r1",
        json!({"date": day, "place": "the vegetable market by the old bridge", "lat": 36.3406,
               "lon": 43.1289, "description": "Two strikes hit the market at noon",
               "killed": 5, "injured": 2, "contact": "+964 770 123 4567"}),
        &[&photo],
    );
    let r2 = report(
        &v,
        "r2",
        json!({"date": day, "place": "my cousin's house behind the mosque", "lat": 36.3391,
               "lon": 43.1201, "description": "The house collapsed on the family",
               "killed": 1, "injured": 0, "contact": "witness.one@example.org"}),
        &[],
    );
    let r3 = report(
        &v,
        "r3",
        json!({"date": day, "place": "unknown", "description": "Seen on a video only",
               "killed": 10}),
        &[],
    );
    let r4 = report(
        &v,
        "r4",
        json!({"date": day, "place": "the vegetable market by the old bridge",
               "description": "Two strikes hit the market at noon", "killed": 4}),
        &[],
    );
    let r5 = report(
        &v,
        "r5",
        json!({"date": day, "place": "Tal Afar", "description": "Shelling", "injured": 3}),
        &[],
    );
    let assess = |r: &str, extra: &[&str]| {
        let mut args = vec!["--as", "assessor", "harm", "assess", r];
        args.extend(extra);
        v.ok(&args)
    };
    assess(
        &r1,
        &[
            "--status",
            "credible",
            "--killed",
            "3",
            "--injured",
            "2",
            "--area",
            "Mosul West",
            "--public-summary",
            "Two airstrikes on a market in western Mosul.",
            "--note",
            "assessor's note: the source is the imam",
        ],
    );
    assess(&r2, &["--status", "credible", "--area", "Mosul West"]);
    assess(&r3, &["--status", "not_credible"]);
    assess(&r4, &["--status", "duplicate", "--duplicate-of", &r1]);
    Scenario {
        v,
        month,
        refs: vec![r1, r2, r3, r4, r5],
    }
}

#[test]
fn reports_are_assessed_and_summed_up_without_anything_private() {
    let Scenario { v, month, refs } = scenario();
    let list = v.ok(["--as", "assessor", "harm", "list"]);
    let statuses: Vec<&str> = list["reports"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["status"].as_str().unwrap())
        .collect();
    assert_eq!(statuses.len(), 5);
    let pending = v.ok(["--as", "assessor", "harm", "list", "--status", "pending"]);
    assert_eq!(pending["reports"][0]["reference"], refs[4].as_str());

    // The assessor sees everything of a report: contact, note, the items.
    let shown = v.ok(["--as", "assessor", "harm", "show", &refs[0]]);
    assert_eq!(shown["contact"], "+964 770 123 4567");
    assert_eq!(shown["status"], "credible");
    assert_eq!(shown["report"]["killed"], 5);
    assert_eq!(shown["attachments"].as_array().unwrap().len(), 1);
    assert_eq!(
        shown["assessments"][0]["note"],
        "assessor's note: the source is the imam"
    );
    // The report is an item of `public reports`, restricted, logged; the contact is not in it.
    let item = shown["item"].as_str().unwrap();
    let attachment = shown["attachments"][0].as_str().unwrap();
    let provenance = v.show(attachment).to_string();
    assert!(
        provenance.contains(item) && provenance.contains("attachments/market.jpg"),
        "the attachment is the report's child: {provenance}"
    );
    let history = v.history(item);
    assert!(history.to_string().contains("public reports"), "{history}");
    // Reading a report whole (its reporter's contact among it) is in the log, by whom.
    let reads: Vec<&Value> = history["events"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["action"] == "harm_read")
        .collect();
    assert_eq!(reads.len(), 1, "{history}");
    assert_eq!(reads[0]["actor"], "assessor", "{history}");
    let got = v.tmp.path().join("report-item.json");
    v.ok([
        "get",
        item,
        "--out",
        got.to_str().unwrap(),
        "--reason",
        "checking the report",
    ]);
    let stored = fs::read_to_string(&got).unwrap();
    assert!(stored.contains("Two strikes hit the market at noon"));
    assert!(
        !stored.contains("+964"),
        "the contact is sealed apart: {stored}"
    );

    // A monitor's counts: two good rows, two bad ones named and skipped.
    let csv = v.tmp.path().join("airwars.csv");
    fs::write(
        &csv,
        format!(
            "date,area,killed_min,killed_max,reference\n\
             {month}-02,Mosul,5,9,AW-001\n\
             {month}-30x,Mosul,1,1,AW-002\n\
             {month}-03,Mosul,seven,9,AW-003\n\
             {month}-04,Tal Afar,0,2,\n"
        ),
    )
    .unwrap();
    let imported = v.ok([
        "--as",
        "assessor",
        "harm",
        "import-monitor",
        csv.to_str().unwrap(),
        "--source",
        "Airwars",
    ]);
    assert_eq!(imported["imported"], 2);
    let problems = imported["problems"].as_array().unwrap();
    assert_eq!(problems.len(), 2);
    assert_eq!(problems[0]["line"], 3);
    assert_eq!(problems[0]["column"], "date");
    assert_eq!(problems[1]["line"], 4);
    assert_eq!(problems[1]["column"], "killed_min");

    let out = v.tmp.path().join("overview");
    let o = v.ok([
        "--as",
        "assessor",
        "harm",
        "overview",
        "--month",
        &month,
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(o["month"], month.as_str());
    assert_eq!(
        (&o["received"], &o["assessed"], &o["pending"]),
        (&json!(5), &json!(4), &json!(1))
    );
    assert_eq!(o["by_status"]["credible"], 2);
    assert_eq!(o["by_status"]["not_credible"], 1);
    assert_eq!(o["by_status"]["duplicate"], 1);
    assert_eq!(o["by_status"]["pending"], 1);
    assert_eq!(
        o["credible"],
        json!({"reports": 2, "killed": 4, "injured": 2})
    );
    assert_eq!(
        o["by_area"],
        json!([{"area": "Mosul West", "reports": 2, "killed": 4, "injured": 2}])
    );
    assert_eq!(
        o["monitors"],
        json!([{"source": "Airwars", "killed_min": 5, "killed_max": 11, "gap_min": 1, "gap_max": 7}])
    );
    assert_eq!(o["summaries"].as_array().unwrap().len(), 1);
    let point = &o["map"][0];
    assert_eq!(point["area"], "Mosul West");
    assert_eq!(
        (point["lat"].as_f64(), point["lon"].as_f64()),
        (Some(36.5), Some(43.0))
    );

    let mut files: Vec<_> = fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    let names: Vec<String> = files
        .iter()
        .map(|f| f.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names, ["overview.csv", "overview.html", "overview.json"]);
    let json_file: Value =
        serde_json::from_str(&fs::read_to_string(out.join("overview.json")).unwrap()).unwrap();
    for key in [
        "month",
        "received",
        "assessed",
        "pending",
        "by_status",
        "credible",
        "by_area",
        "monitors",
    ] {
        assert!(json_file.get(key).is_some(), "overview.json lacks {key}");
    }
    let html = fs::read_to_string(out.join("overview.html")).unwrap();
    assert!(html.contains("Two airstrikes on a market in western Mosul."));
    assert!(html.contains("<svg") && !html.contains("<script"));
    for file in &files {
        let text = fs::read_to_string(file).unwrap();
        for private in PRIVATE {
            assert!(
                !text.contains(private),
                "{} holds {private:?}",
                file.display()
            );
        }
        for reference in &refs {
            assert!(
                !text.contains(reference.as_str()),
                "{} holds {reference}",
                file.display()
            );
        }
    }
}

#[test]
fn only_assessors_and_custodians_and_bad_input_is_named() {
    let Scenario { v, month, refs } = scenario();
    for args in [
        vec!["harm", "list"],
        vec!["harm", "show", refs[0].as_str()],
        vec!["harm", "assess", refs[4].as_str(), "--status", "credible"],
        vec!["harm", "overview", "--month", month.as_str(), "--out", "x"],
    ] {
        let mut with = vec!["--as", "ana"];
        with.extend(args.iter().copied());
        let refused = v.run(&with).failed();
        assert!(
            refused.to_string().contains("harm assessors"),
            "{args:?}: {refused}"
        );
    }
    // A refused read leaves no read in the log.
    let item = v.ok(["harm", "show", refs[0].as_str()])["item"]
        .as_str()
        .unwrap()
        .to_owned();
    let reads = v
        .history(&item)
        .to_string()
        .matches("\"harm_read\"")
        .count();
    assert_eq!(reads, 1, "only the custodian's own read");
    // The holder's custodian may read them.
    assert_eq!(
        v.ok(["harm", "list"])["reports"].as_array().unwrap().len(),
        5
    );

    for (body, says) in [
        (
            json!({"date": "2999-01-01", "place": "x", "description": "y"}),
            "future",
        ),
        (
            json!({"date": "2026-02-30", "place": "x", "description": "y"}),
            "2026-02-30",
        ),
        (
            json!({"date": "2026-01-01", "place": "x", "description": "y", "lat": 1.0}),
            "both",
        ),
        (
            json!({"date": "2026-01-01", "place": "x", "description": "y", "lat": 100.0, "lon": 1.0}),
            "not on Earth",
        ),
        (
            json!({"date": "2026-01-01", "place": "", "description": "y"}),
            "place",
        ),
        (
            json!({"date": "2026-01-01", "place": "x", "description": "y", "ip": "1.2.3.4"}),
            "ip",
        ),
    ] {
        let path = v.tmp.path().join("bad.json");
        fs::write(&path, body.to_string()).unwrap();
        let refused = v
            .run(["--as", "assessor", "harm", "submit", path.to_str().unwrap()])
            .failed();
        assert!(refused.to_string().contains(says), "{body}: {refused}");
    }
    let good = v.tmp.path().join("good.json");
    fs::write(
        &good,
        json!({"date": "2026-01-01", "place": "x", "description": "y"}).to_string(),
    )
    .unwrap();
    let mut args = vec![
        "--as".to_owned(),
        "assessor".into(),
        "harm".into(),
        "submit".into(),
        good.display().to_string(),
    ];
    for i in 0..6 {
        let a = v.tmp.path().join(format!("a{i}.txt"));
        fs::write(&a, "x").unwrap();
        args.push("--attachment".into());
        args.push(a.display().to_string());
    }
    let refused = v.run(&args).failed();
    assert!(refused.to_string().contains("at most 5"), "{refused}");
    let refused = v
        .run([
            "--as",
            "assessor",
            "harm",
            "assess",
            &refs[4],
            "--status",
            "duplicate",
        ])
        .failed();
    assert!(refused.to_string().contains("--duplicate-of"), "{refused}");
    let refused = v
        .run([
            "--as", "assessor", "harm", "assess", &refs[4], "--status", "maybe",
        ])
        .failed();
    assert!(refused.to_string().contains("not an outcome"), "{refused}");
    let refused = v
        .run([
            "--as", "assessor", "harm", "overview", "--month", "2026-13", "--out", "y",
        ])
        .failed();
    assert!(refused.to_string().contains("2026-13"), "{refused}");
}
