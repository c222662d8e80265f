//! `custodia match` end to end: two lists, one list, FollowTheMoney lines, empty columns,
//! `--threshold`, bad files. The command needs no vault.

mod support;

use std::fs;
use std::path::{Path, PathBuf};

use serde_json::Value;
use support::{custodia, run};

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    fs::write(&path, text).unwrap();
    path
}

const LEFT: &str = "id,name,aliases,birth_date,birth_place,nationality,gender,father_name
L1,عبد الرحمن الشامي,أبو إبراهيم الهولندي,1988-01-01,الموصل,هولندي,M,
L2,Mohammed Ahmed Hassan,,1990,,Iraqi,M,
L3,Yassine Bouchta,Abu Yahya al-Belgiki,14/03/1992,Tetouan,Moroccan,M,
";

const RIGHT: &str = "id,name,aliases,birth_date,birth_place,nationality,gender,father_name
R1,Abderrahmane el Chami,,02-03-1988,Mossoul,Nederlandse;Marokkaanse,M,
R2,Mohamed Ahmed,,1975-06-01,,Belgische,M,Ali
R3,BOUCHTA Yacine,,14-03-1992,Tétouan,belge;marocain,M,
R4,Fatima Zahra,,1990,,,F,
";

fn pairs(doc: &Value) -> Vec<(String, String)> {
    doc["pairs"]
        .as_array()
        .expect("`pairs` is an array")
        .iter()
        .map(|p| {
            (
                p["left"].as_str().unwrap().to_string(),
                p["right"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

fn check_shape(doc: &Value) {
    assert!(doc["threshold"].is_number(), "{doc}");
    assert!(doc["counts"]["compared"].is_number(), "{doc}");
    assert!(doc["timing"]["total_seconds"].is_number(), "{doc}");
    let mut last = f64::INFINITY;
    for p in doc["pairs"].as_array().unwrap() {
        let score = p["score"].as_f64().unwrap();
        assert!((0.0..=1.0).contains(&score));
        assert!(score <= last, "pairs are best first");
        last = score;
        let explanation = p["explanation"].as_object().unwrap();
        assert!(explanation.contains_key("name"), "{p}");
        for (_, e) in explanation {
            assert!(e["weight"].is_number() && e["detail"].is_string(), "{p}");
        }
    }
}

#[test]
fn two_lists_across_scripts() {
    let tmp = tempfile::tempdir().unwrap();
    let left = write(tmp.path(), "left.csv", LEFT);
    let right = write(tmp.path(), "right.csv", RIGHT);
    let doc = run(custodia().arg("match").arg(&left).arg(&right).arg("--json")).ok();
    check_shape(&doc);
    assert_eq!(doc["threshold"].as_f64(), Some(0.5));
    assert_eq!(doc["counts"]["left"], 3);
    assert_eq!(doc["counts"]["right"], 4);
    let found = pairs(&doc);
    assert!(found.contains(&("L1".into(), "R1".into())), "{doc:#}");
    assert!(found.contains(&("L3".into(), "R3".into())), "{doc:#}");
    // Namesakes with a birth year fifteen years apart are not proposed.
    assert!(!found.contains(&("L2".into(), "R2".into())), "{doc:#}");
    let first = &doc["pairs"][0]["explanation"];
    assert!(first["birth_date"].is_object(), "{first}");

    // Without --json: one block per pair on stdout.
    let human = custodia()
        .arg("match")
        .arg(&left)
        .arg(&right)
        .output()
        .unwrap();
    assert!(human.status.success());
    let text = String::from_utf8(human.stdout).unwrap();
    assert!(
        text.contains("L3  ~  R3") && text.contains("name"),
        "{text}"
    );
}

#[test]
fn threshold_is_applied_and_checked() {
    let tmp = tempfile::tempdir().unwrap();
    let left = write(tmp.path(), "left.csv", LEFT);
    let right = write(tmp.path(), "right.csv", RIGHT);
    let all =
        run(custodia()
            .arg("match")
            .arg(&left)
            .arg(&right)
            .args(["--json", "--threshold", "0"]))
        .ok();
    assert_eq!(all["threshold"].as_f64(), Some(0.0));
    let some = run(custodia().arg("match").arg(&left).arg(&right).args([
        "--json",
        "--threshold",
        "0.999999",
    ]))
    .ok();
    assert!(pairs(&all).len() > pairs(&some).len());
    assert!(pairs(&all).contains(&("L2".into(), "R2".into())));
    let bad = run(custodia()
        .arg("match")
        .arg(&left)
        .args(["--json", "--threshold", "7"]))
    .failed();
    assert!(bad["error"].as_str().unwrap().contains("threshold"));
}

#[test]
fn duplicates_within_one_list() {
    let tmp = tempfile::tempdir().unwrap();
    let mut text = String::from(RIGHT);
    text.push_str("R5,Yassine Bouchta,,1992-03-14,,BE,M,\n");
    let list = write(tmp.path(), "one.csv", &text);
    let doc = run(custodia().arg("match").arg(&list).arg("--json")).ok();
    check_shape(&doc);
    assert_eq!(doc["mode"], "duplicates");
    assert_eq!(pairs(&doc), vec![("R3".to_string(), "R5".to_string())]);
}

#[test]
fn followthemoney_and_json_lists() {
    let tmp = tempfile::tempdir().unwrap();
    let ftm = write(
        tmp.path(),
        "persons.ftm",
        r#"{"id":"os-1","schema":"Person","properties":{"name":["Yassin Boushta"],"birthDate":["1992-03-14"],"nationality":["be"],"gender":["male"],"passportNumber":["EM123456"]}}
{"id":"os-2","schema":"Company","properties":{"name":["Bouchta Trading"]}}
"#,
    );
    let json = write(
        tmp.path(),
        "list.json",
        r#"[{"id": "J1", "name": "Yassine Bouchta", "birth_date": "1992", "nationality": ["Belgian"], "passport": "EM 123456"}]"#,
    );
    let doc = run(custodia().arg("match").arg(&json).arg(&ftm).arg("--json")).ok();
    check_shape(&doc);
    assert_eq!(doc["counts"]["right"], 1, "the company is skipped");
    assert_eq!(pairs(&doc), vec![("J1".to_string(), "os-1".to_string())]);
    assert!(doc["pairs"][0]["explanation"]["identifier"].is_object());
}

#[test]
fn empty_columns_are_allowed() {
    let tmp = tempfile::tempdir().unwrap();
    let left = write(
        tmp.path(),
        "left.csv",
        "id,name,aliases,birth_date,birth_place,nationality,gender,father_name\nA,,,,,,,\nB,Karim Benali,,,,,,\n,Karim Benali,,,,,,\n",
    );
    let doc = run(custodia().arg("match").arg(&left).arg("--json")).ok();
    check_shape(&doc);
    assert_eq!(doc["counts"]["left"], 3);
    assert_eq!(pairs(&doc), vec![("B".to_string(), "line:4".to_string())]);
}

#[test]
fn bad_rows_are_reported_and_the_list_goes_on() {
    let tmp = tempfile::tempdir().unwrap();
    let good = write(tmp.path(), "good.csv", RIGHT);
    let bad = write(
        tmp.path(),
        "bad.csv",
        "id,name,birth_date,gender\nB1,Yassine Bouchta,1945-02-30,M\nB2,Omar\nB3,Karim Benali,1945-04-93,M\nB4,Fatima Zahra,19900101,F\n",
    );
    let output = custodia()
        .arg("match")
        .arg(&good)
        .arg(&bad)
        .arg("--json")
        .output()
        .unwrap();
    assert!(output.status.success());
    let doc: Value = serde_json::from_slice(&output.stdout).unwrap();
    check_shape(&doc);
    assert_eq!(doc["counts"]["right"], 3, "the short row is skipped");
    let problems = doc["problems"].as_array().unwrap();
    let seen: Vec<(u64, Value, &str)> = problems
        .iter()
        .map(|p| {
            assert!(p["file"].as_str().unwrap().ends_with("bad.csv"), "{p}");
            assert!(p["reason"].is_string(), "{p}");
            (
                p["line"].as_u64().unwrap(),
                p["column"].clone(),
                p["action"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        seen,
        vec![
            (2, Value::from("birth_date"), "value_ignored"),
            (3, Value::Null, "row_skipped"),
            (4, Value::from("birth_date"), "value_ignored"),
        ]
    );
    assert_eq!(doc["counts"]["problems"], 3);
    // The row read without its impossible date still matches.
    assert!(pairs(&doc).contains(&("R3".into(), "B1".into())), "{doc:#}");
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(
        stderr.contains("bad.csv") && stderr.contains("line 4") && stderr.contains("birth_date"),
        "{stderr}"
    );

    // --strict stops at the first.
    let doc = run(custodia()
        .arg("match")
        .arg(&good)
        .arg(&bad)
        .args(["--json", "--strict"]))
    .failed();
    let error = doc["error"].as_str().unwrap();
    assert!(
        error.contains("bad.csv") && error.contains("line 2") && error.contains("1945-02-30"),
        "{error}"
    );
}

#[test]
fn duplicate_ids_are_an_error_naming_both_lines() {
    let tmp = tempfile::tempdir().unwrap();
    let list = write(
        tmp.path(),
        "dup.csv",
        "id,name\nA,Yassine Bouchta\nB,Karim Benali\nA,Yassine Bouchta\n",
    );
    for strict in [false, true] {
        let mut command = custodia();
        command.arg("match").arg(&list).arg("--json");
        if strict {
            command.arg("--strict");
        }
        let doc = run(&mut command).failed();
        let error = doc["error"].as_str().unwrap();
        assert!(
            error.contains("dup.csv") && error.contains("line 2") && error.contains("line 4"),
            "{error}"
        );
    }
}

#[test]
fn one_to_one_keeps_the_best_pair_of_each_record() {
    let tmp = tempfile::tempdir().unwrap();
    let left = write(
        tmp.path(),
        "left.csv",
        "id,name,birth_date\nL1,Yassine Bouchta,1992-03-14\n",
    );
    let right = write(
        tmp.path(),
        "right.csv",
        "id,name,birth_date\nR1,Yassine Bouchta,1992-03-14\nR2,Yacine Bouchta,1992\n",
    );
    // At threshold 0: at the default, the pair far behind R1 shares its odds with it and
    // falls below.
    let all =
        run(custodia()
            .arg("match")
            .arg(&left)
            .arg(&right)
            .args(["--json", "--threshold", "0"]))
        .ok();
    check_shape(&all);
    assert_eq!(all["one_to_one"], false);
    let found = pairs(&all);
    assert_eq!(found.len(), 2, "{all:#}");
    assert_eq!(found[0], ("L1".to_string(), "R1".to_string()));
    // The weaker pair says that its left record has a better candidate.
    let weaker = &all["pairs"][1];
    assert_eq!(weaker["better_for_left"], "R1", "{weaker}");
    assert!(weaker["explanation"]["better_candidate"]["detail"]
        .as_str()
        .unwrap()
        .contains("R1"));
    assert!(all["pairs"][0]["better_for_left"].is_null());
    assert_eq!(all["counts"]["above_threshold"], 2);

    let one = run(custodia().arg("match").arg(&left).arg(&right).args([
        "--json",
        "--one-to-one",
        "--threshold",
        "0",
    ]))
    .ok();
    assert_eq!(one["one_to_one"], true);
    assert_eq!(pairs(&one), vec![("L1".to_string(), "R1".to_string())]);
    assert_eq!(one["counts"]["above_threshold"], 2);
    assert_eq!(one["counts"]["pairs"], 1);
    let default = run(custodia().arg("match").arg(&left).arg(&right).arg("--json")).ok();
    assert_eq!(
        pairs(&default),
        vec![("L1".to_string(), "R1".to_string())],
        "{default:#}"
    );
}

#[test]
fn counts_name_each_blocking_key() {
    let tmp = tempfile::tempdir().unwrap();
    let left = write(tmp.path(), "left.csv", LEFT);
    let right = write(tmp.path(), "right.csv", RIGHT);
    let doc = run(custodia().arg("match").arg(&left).arg(&right).arg("--json")).ok();
    let blocking = doc["counts"]["blocking"].as_object().unwrap();
    for key in [
        "rare_part",
        "part_pair",
        "part_pair_typo",
        "kunya",
        "identifier",
        "birth_date",
        "residence",
    ] {
        assert!(blocking[key].is_u64(), "{key}: {doc:#}");
    }
    let compared = doc["counts"]["compared"].as_u64().unwrap();
    let scored = doc["counts"]["scored"].as_u64().unwrap();
    assert!(scored <= compared);
    // Each pair is counted once in `compared`, and once per kind of key that found it.
    let by_key: u64 = blocking.values().map(|v| v.as_u64().unwrap()).sum();
    assert!(by_key >= compared && compared > 0, "{doc:#}");
}

#[test]
fn impossible_dates_are_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let list = write(
        tmp.path(),
        "dates.csv",
        "id,name,birth_date\nA,Yassine Bouchta,1945-02-30\nB,Yassine Bouchta,1945-02-28\nC,Karim Benali,19560409\n",
    );
    let doc = run(custodia().arg("match").arg(&list).arg("--json")).ok();
    let problems = doc["problems"].as_array().unwrap();
    assert_eq!(problems.len(), 1, "{doc:#}");
    assert_eq!(problems[0]["line"], 2);
    assert!(problems[0]["reason"]
        .as_str()
        .unwrap()
        .contains("1945-02-30"));
}

#[test]
fn bad_files_are_named_with_their_line() {
    let tmp = tempfile::tempdir().unwrap();
    let good = write(tmp.path(), "good.csv", RIGHT);
    let bad_date = write(
        tmp.path(),
        "bad.csv",
        "id,name,birth_date\n1,Ali,1990\n2,Omar,last spring\n",
    );
    let doc = run(custodia()
        .arg("match")
        .arg(&good)
        .arg(&bad_date)
        .args(["--json", "--strict"]))
    .failed();
    let error = doc["error"].as_str().unwrap();
    assert!(
        error.contains("bad.csv") && error.contains("line 3"),
        "{error}"
    );

    let no_header = write(tmp.path(), "nohead.csv", "who,when\nAli,1990\n");
    let doc = run(custodia().arg("match").arg(&no_header).arg("--json")).failed();
    assert!(
        doc["error"].as_str().unwrap().contains("`name`")
            || doc["error"].as_str().unwrap().contains("`id`")
    );

    let bad_json = write(
        tmp.path(),
        "bad.jsonl",
        "{\"id\":\"1\",\"schema\":\"Person\"}\n{oops\n",
    );
    let doc = run(custodia()
        .arg("match")
        .arg(&bad_json)
        .args(["--json", "--strict"]))
    .failed();
    assert!(doc["error"].as_str().unwrap().contains("line 2"), "{doc}");

    let missing = tmp.path().join("missing.csv");
    let doc = run(custodia().arg("match").arg(&missing).arg("--json")).failed();
    assert!(doc["error"].as_str().unwrap().contains("missing.csv"));

    let binary = tmp.path().join("binary.csv");
    fs::write(&binary, [0xff, 0xfe, 0x00, 0x41]).unwrap();
    run(custodia().arg("match").arg(&binary).arg("--json")).failed();
}

#[test]
fn needs_no_vault() {
    let tmp = tempfile::tempdir().unwrap();
    let left = write(tmp.path(), "left.csv", LEFT);
    let nowhere = tmp.path().join("no-vault-here");
    run(custodia()
        .arg("--data-dir")
        .arg(&nowhere)
        .arg("match")
        .arg(&left)
        .arg("--json"))
    .ok();
    assert!(!nowhere.exists());
}

#[test]
fn review_decisions_are_logged_and_make_clusters() {
    let vault = support::TestVault::new();
    let decide = |args: &[&str]| {
        run(custodia()
            .arg("--data-dir")
            .arg(&vault.dir)
            .arg("--json")
            .arg("match")
            .args(args))
        .ok()
    };
    let first = decide(&["confirm", "L1", "R1", "--note", "same passport photograph"]);
    assert_eq!(first["decision"], "confirm");
    assert_eq!(first["cluster"], "L1");
    assert!(first["ledger_index"].is_u64());
    decide(&["confirm", "R1", "X9"]);
    decide(&["reject", "L2", "R2"]);
    let clusters = decide(&["clusters"]);
    assert_eq!(
        clusters["clusters"],
        serde_json::json!([{ "cluster": "L1", "members": ["L1", "R1", "X9"] }])
    );
    assert_eq!(clusters["decisions"].as_array().unwrap().len(), 3);
    // A rejection undoes the link it concerns, and only that one.
    decide(&["reject", "R1", "L1"]);
    let clusters = decide(&["clusters"]);
    assert_eq!(
        clusters["clusters"],
        serde_json::json!([{ "cluster": "R1", "members": ["R1", "X9"] }])
    );
    // Every decision is a custody entry that verifies.
    let report = run(custodia()
        .arg("--data-dir")
        .arg(&vault.dir)
        .args(["--json", "verify"]))
    .ok();
    assert_eq!(report["ok"], true, "{report}");
    let bad = run(custodia()
        .arg("--data-dir")
        .arg(&vault.dir)
        .args(["--json", "match", "confirm", "L1", "L1"]))
    .failed();
    assert!(bad["error"].as_str().unwrap().contains("L1"));
}

#[test]
fn review_needs_a_vault() {
    let tmp = tempfile::tempdir().unwrap();
    let doc = run(custodia()
        .arg("--data-dir")
        .arg(tmp.path().join("none"))
        .args(["--json", "match", "confirm", "A", "B"]))
    .failed();
    assert!(doc["error"].as_str().unwrap().contains("vault"));
}

/// A list large enough to learn from: 400 persons with addresses, and a second list of 200 of
/// them (given names often left out, dates often another date) and 200 others.
fn learnable_lists(dir: &Path) -> (PathBuf, PathBuf) {
    let mut state = 17u64;
    let mut next = move |n: u64| {
        state = state
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (state >> 33) % n
    };
    let syllables = ["ba", "ko", "mi", "du", "re", "sa", "ti", "lo", "ne", "vu"];
    let word = |next: &mut dyn FnMut(u64) -> u64| -> String {
        (0..3)
            .map(|_| syllables[next(10) as usize])
            .collect::<String>()
    };
    let header = "id,name,birth_date,address,city,postcode\n";
    let (mut left, mut right) = (header.to_string(), header.to_string());
    let mut people = Vec::new();
    for n in 0..400 {
        let town = next(40);
        let row = (
            word(&mut next),
            word(&mut next),
            format!(
                "{}-{:02}-{:02}",
                1940 + next(60),
                2 + next(10),
                2 + next(26)
            ),
            format!("{} {} street", 1 + next(200), word(&mut next)),
            format!("town{town}"),
            format!("{}", 2000 + town * 37),
        );
        left.push_str(&format!(
            "L{n},{} {},{},{},{},{}\n",
            row.0, row.1, row.2, row.3, row.4, row.5
        ));
        people.push(row);
    }
    for (n, p) in people.iter().enumerate() {
        if n < 200 {
            let name = if next(10) < 7 {
                p.1.clone()
            } else {
                format!("{} {}", p.0, p.1)
            };
            let date = if next(10) < 6 {
                format!(
                    "{}-{:02}-{:02}",
                    1940 + next(60),
                    2 + next(10),
                    2 + next(26)
                )
            } else {
                p.2.clone()
            };
            right.push_str(&format!("R{n},{name},{date},{},{},{}\n", p.3, p.4, p.5));
        } else {
            let town = next(40);
            right.push_str(&format!(
                "R{n},{} {},{}-03-04,{} {} road,town{town},{}\n",
                word(&mut next),
                word(&mut next),
                1940 + next(60),
                1 + next(200),
                word(&mut next),
                2000 + town * 37
            ));
        }
    }
    (
        write(dir, "learn-left.csv", &left),
        write(dir, "learn-right.csv", &right),
    )
}

#[test]
fn weights_are_learned_from_the_lists_and_explained() {
    let tmp = tempfile::tempdir().unwrap();
    let (left, right) = learnable_lists(tmp.path());
    let learned = run(custodia().arg("match").arg(&left).arg(&right).arg("--json")).ok();
    check_shape(&learned);
    assert_eq!(learned["model"]["learned"], true, "{}", learned["model"]);
    assert!(learned["model"]["levels"].as_array().unwrap().len() > 10);
    let pair = &learned["pairs"][0];
    let explanation = pair["explanation"].as_object().unwrap();
    assert!(explanation["base_rate"]["detail"]
        .as_str()
        .unwrap()
        .contains("learned"));
    let name = &explanation["name"];
    assert!(name["prior_weight"].is_number(), "{pair}");
    assert!(!name["levels"].as_array().unwrap().is_empty(), "{pair}");
    let fixed = run(custodia()
        .arg("match")
        .arg(&left)
        .arg(&right)
        .args(["--json", "--fixed-weights"]))
    .ok();
    assert_eq!(fixed["model"]["learned"], false);
    let right_pairs = |doc: &Value| pairs(doc).iter().filter(|(l, r)| l[1..] == r[1..]).count();
    assert!(
        right_pairs(&learned) > right_pairs(&fixed) + 20,
        "learned {} vs hand-set {}",
        right_pairs(&learned),
        right_pairs(&fixed)
    );
    // Three rows are too few to learn from.
    let small = run(custodia()
        .arg("match")
        .arg(write(tmp.path(), "l.csv", LEFT))
        .arg(write(tmp.path(), "r.csv", RIGHT))
        .arg("--json"))
    .ok();
    assert_eq!(small["model"]["learned"], false);
}
