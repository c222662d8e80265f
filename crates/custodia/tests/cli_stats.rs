//! `custodia stats` and `custodia report annual` through the CLI: the JSON document's exact shape,
//! what each role is shown, and the annual report for two years (CSV tables, JSON, the printable
//! page with its SVG charts and, with Chromium, its PDF). The figures themselves over known dates
//! are checked in `custodia-vault/src/stats.rs`.

mod support;

use std::collections::BTreeSet;
use std::fs;

use serde_json::Value;
use support::TestVault;

fn keys(value: &Value) -> BTreeSet<String> {
    value.as_object().unwrap().keys().cloned().collect()
}

fn set(names: &[&str]) -> BTreeSet<String> {
    names.iter().map(|s| s.to_string()).collect()
}

fn setup() -> (TestVault, i32) {
    let v = TestVault::new();
    let un = v.folder("unitad");
    fs::write(un.join("a.txt"), "register of Badush prison").unwrap();
    fs::write(un.join("b.txt"), "list of detainees").unwrap();
    let gov = v.folder("gov");
    fs::write(gov.join("c.txt"), "intercepted call").unwrap();
    v.ingest(&[&un], "UNITAD", &[]);
    v.ingest(&[&gov], "Gov B", &["--regime", "consent"]);
    v.ok([
        "org",
        "add",
        "NL-OM",
        "--kind",
        "requesting_authority",
        "--approved-requester",
    ]);
    for (user, org, role) in [
        ("req-nl", "NL-OM", "requester"),
        ("liaison-un", "UNITAD", "originator_liaison"),
        ("ana", "Holder", "analyst"),
    ] {
        v.ok(["user", "add", user, "--org", org, "--role", role]);
    }
    let today = v.ok(["stats"]);
    let year: i32 = today["to"].as_str().unwrap()[..4].parse().unwrap();
    v.ok(["case", "add", "K1"]);
    for (kind, date) in [
        ("charged", format!("{}-05-01", year - 1)),
        ("appeal", format!("{year}-01-02")),
    ] {
        v.ok([
            "case",
            "milestone",
            "add",
            "K1",
            "--kind",
            kind,
            "--date",
            &date,
            "--public-text",
            "x",
        ]);
    }
    v.ok([
        "--as",
        "req-nl",
        "request",
        "file",
        "--legal-basis",
        "Art. 5 MLA treaty",
    ]);
    (v, year)
}

#[test]
fn stats_have_one_shape_and_each_role_its_own_figures() {
    let (v, year) = setup();
    let s = v.ok(["stats", "--from", &format!("{year}-01-01")]);
    assert_eq!(
        keys(&s),
        set(&["from", "to", "requests", "consent", "holdings", "cases"])
    );
    assert_eq!(s["from"], format!("{year}-01-01"));
    for key in [
        "filed",
        "finalised",
        "open",
        "median_days_to_finalise",
        "p90_days_to_finalise",
        "by_authority",
    ] {
        assert!(s["requests"].get(key).is_some(), "requests.{key}: {s}");
    }
    assert_eq!(s["requests"]["filed"], 1);
    assert_eq!(s["requests"]["open"], 1);
    assert_eq!(s["requests"]["median_days_to_finalise"], Value::Null);
    let authority = &s["requests"]["by_authority"][0];
    for key in [
        "authority",
        "filed",
        "finalised",
        "open",
        "median_days_to_finalise",
    ] {
        assert!(authority.get(key).is_some(), "by_authority.{key}");
    }
    assert_eq!(authority["authority"], "NL-OM");
    assert!(s["consent"]["by_originator"].is_array());
    assert_eq!(s["holdings"]["items"], 3);
    assert!(s["holdings"]["bytes"].as_u64().unwrap() > 0);
    let first = &s["holdings"]["by_originator"][0];
    assert_eq!(keys(first), set(&["originator", "items", "bytes"]));
    assert_eq!(keys(&s["holdings"]["by_type"][0]), set(&["type", "items"]));
    let stages: Vec<(String, u64)> = s["cases"]["by_stage"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| {
            (
                x["stage"].as_str().unwrap().into(),
                x["count"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        stages,
        [
            ("investigation".into(), 0),
            ("first_instance".into(), 0),
            ("appeal".into(), 1),
            ("cassation".into(), 0),
            ("closed".into(), 0)
        ]
    );
    // Last year's end: the case was before the court in first instance.
    let last = v.ok(["stats", "--to", &format!("{}-12-31", year - 1)]);
    assert_eq!(last["cases"]["by_stage"][1]["count"], 1);
    assert_eq!(last["requests"]["filed"], 0);

    // A requester: its own requests; no holdings, consent or cases.
    let r = v.ok(["--as", "req-nl", "stats"]);
    assert_eq!(r["requests"]["filed"], 1);
    assert_eq!(r["holdings"]["items"], 0);
    assert!(r["holdings"]["by_originator"]
        .as_array()
        .unwrap()
        .is_empty());
    assert!(r["cases"]["by_stage"]
        .as_array()
        .unwrap()
        .iter()
        .all(|x| x["count"] == 0));
    // A liaison: its own holdings only, no requests.
    let l = v.ok(["--as", "liaison-un", "stats"]);
    assert_eq!(l["requests"]["filed"], 0);
    assert_eq!(l["holdings"]["items"], 2);
    assert_eq!(l["holdings"]["by_originator"][0]["originator"], "UNITAD");
    assert!(!l.to_string().contains("Gov B"), "{l}");
    // Anyone else: refused.
    let refused = v.run(["--as", "ana", "stats"]).failed();
    assert!(
        refused.to_string().contains("statistics are for"),
        "{refused}"
    );
    let bad = v.run(["stats", "--from", "2026-13-01"]).failed();
    assert!(bad.to_string().contains("2026-13-01"), "{bad}");
}

#[test]
fn the_annual_report_sets_the_year_beside_the_previous_one() {
    let (v, year) = setup();
    let out = v.tmp.path().join("annual");
    let chromium = std::path::Path::new("/usr/bin/chromium").exists()
        || std::env::var_os("CUSTODIA_CHROMIUM").is_some();
    assert!(
        chromium || std::env::var_os("CI").is_none(),
        "Chromium is missing under CI"
    );
    let year_text = year.to_string();
    let mut args = vec![
        "report",
        "annual",
        year_text.as_str(),
        "--out",
        out.to_str().unwrap(),
    ];
    if chromium {
        args.push("--pdf");
    }
    let written = v.ok(&args);
    let files: BTreeSet<String> = written["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f.as_str().unwrap().to_owned())
        .collect();
    for table in [
        "cases-by-stage",
        "requests-by-authority",
        "consent-by-originator",
        "holdings-by-originator",
    ] {
        assert!(files.contains(&format!("{table}-{year}.csv")), "{files:?}");
    }
    assert!(files.contains(&format!("annual-{year}.json")));
    assert!(files.contains(&format!("annual-{year}.html")));

    let cases = fs::read_to_string(out.join(format!("cases-by-stage-{year}.csv"))).unwrap();
    let lines: Vec<&str> = cases.lines().collect();
    assert_eq!(lines[0], format!("stage,{year},{}", year - 1));
    assert!(lines.contains(&"first_instance,0,1"), "{cases}");
    assert!(lines.contains(&"appeal,1,0"), "{cases}");
    let requests =
        fs::read_to_string(out.join(format!("requests-by-authority-{year}.csv"))).unwrap();
    assert!(
        requests
            .lines()
            .nth(1)
            .unwrap()
            .starts_with("NL-OM,1,0,1,0,"),
        "{requests}"
    );

    let document: Value =
        serde_json::from_str(&fs::read_to_string(out.join(format!("annual-{year}.json"))).unwrap())
            .unwrap();
    assert_eq!(document["year"], year);
    assert_eq!(document["figures"]["requests"]["filed"], 1);
    assert_eq!(document["previous"]["requests"]["filed"], 0);
    assert_eq!(document["previous"]["to"], format!("{}-12-31", year - 1));

    let page = fs::read_to_string(out.join(format!("annual-{year}.html"))).unwrap();
    assert_eq!(page.matches("<svg").count(), 4, "a chart per table");
    assert_eq!(
        page.matches("<table").count(),
        4,
        "a table beside each chart"
    );
    for outside in ["<script", "http://", "https://", "@import", "url("] {
        let found = page.replace("http://www.w3.org/2000/svg", "");
        assert!(
            !found.contains(outside),
            "the page reaches outside: {outside}"
        );
    }
    if chromium {
        let pdf = fs::read(out.join(format!("annual-{year}.pdf"))).unwrap();
        assert!(pdf.starts_with(b"%PDF"));
    }

    // A folder that holds something is not written into.
    let refused = v
        .run([
            "report",
            "annual",
            year_text.as_str(),
            "--out",
            out.to_str().unwrap(),
        ])
        .failed();
    assert!(refused.to_string().contains("not empty"), "{refused}");
}
