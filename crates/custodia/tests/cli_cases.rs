//! A case built end to end through the CLI: crimes listed and imported, two charges, incidents,
//! links of every assessment and strength; the matrix's statuses and gaps; unlinking; who sees
//! what (a non-member nothing, a member no trace of an item they may not read); custody entries
//! that hold references and hashes, not the analysts' words; the map as RFC 7946 GeoJSON and the
//! export as FollowTheMoney entities.
//!
//! With `CUSTODIA_FTM_PYTHON` naming a Python that has the PyPI packages `followthemoney` and
//! `geojson` (scripts/test makes one), the export is read back by the FollowTheMoney model and the
//! map checked by `geojson`'s validation; under `CI` the test fails without it.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use serde_json::Value;
use sha2::{Digest, Sha256};

struct Vault {
    dir: tempfile::TempDir,
    root: PathBuf,
    work: PathBuf,
}

impl Vault {
    fn new(name: &str) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join(name);
        let work = dir.path().join("work");
        fs::create_dir(&work).unwrap();
        let v = Self { dir, root, work };
        v.ok(None, &["init", "--holder", "UN Mechanism"]);
        v
    }

    fn run(&self, user: Option<&str>, args: &[&str]) -> Output {
        let mut command = Command::new(env!("CARGO_BIN_EXE_custodia"));
        command
            .env("CUSTODIA_DATA_DIR", &self.root)
            .env_remove("CUSTODIA_USER")
            .arg("--json")
            .args(args)
            .current_dir(&self.work)
            .stdin(Stdio::null());
        if let Some(user) = user {
            command.args(["--as", user]);
        }
        command.output().unwrap()
    }

    /// Adds `name` with `role` to the holder's organisation.
    fn holder_user(&self, name: &str, role: &str) {
        self.ok(
            None,
            &["user", "add", name, "--org", "UN Mechanism", "--role", role],
        );
    }

    fn ok(&self, user: Option<&str>, args: &[&str]) -> Value {
        let out = self.run(user, args);
        assert!(
            out.status.success(),
            "{args:?} as {user:?} failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
            panic!(
                "{args:?}: stdout is not one JSON document ({e}): {}",
                String::from_utf8_lossy(&out.stdout)
            )
        })
    }

    /// Fails, and returns the JSON error document.
    fn fails(&self, user: Option<&str>, args: &[&str]) -> Value {
        let out = self.run(user, args);
        assert!(
            !out.status.success(),
            "{args:?} as {user:?} should fail: {}",
            String::from_utf8_lossy(&out.stdout)
        );
        serde_json::from_slice(&out.stdout).unwrap()
    }

    /// Ingests one file of `text` as a submission of `originator` for case `KOCHO`.
    fn item(&self, name: &str, text: &str, originator: &str, regime: &str) -> String {
        let dir = self.work.join(name);
        fs::create_dir_all(&dir).unwrap();
        fs::write(dir.join(format!("{name}.txt")), text).unwrap();
        self.ok(
            None,
            &[
                "ingest",
                dir.to_str().unwrap(),
                "--originator",
                originator,
                "--case",
                "KOCHO",
                "--regime",
                regime,
            ],
        );
        hex::encode(Sha256::digest(text.as_bytes()))
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }
}

/// `(charge, element, status)` rows of a matrix, and its gaps as `(charge, element)`.
type Statuses = (Vec<(String, String, String)>, Vec<(String, String)>);

/// The statuses of a matrix, `(charge, element) → status`, and its gaps.
fn statuses(matrix: &Value) -> Statuses {
    let mut rows = Vec::new();
    for charge in matrix["charges"].as_array().unwrap() {
        for element in charge["elements"].as_array().unwrap() {
            rows.push((
                charge["charge"].as_str().unwrap().to_owned(),
                element["id"].as_str().unwrap().to_owned(),
                element["status"].as_str().unwrap().to_owned(),
            ));
        }
    }
    let gaps = matrix["gaps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| {
            (
                g["charge"].as_str().unwrap().to_owned(),
                g["element"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    (rows, gaps)
}

fn status_of(matrix: &Value, charge: &str, element: &str) -> String {
    statuses(matrix)
        .0
        .into_iter()
        .find(|(c, e, _)| c == charge && e == element)
        .unwrap_or_else(|| panic!("no {charge} {element} in {matrix:#}"))
        .2
}

struct Built {
    v: Vault,
    /// Items a member may read.
    shown: [String; 3],
    /// An item restricted to the holder's custodians, linked by one.
    hidden: String,
}

fn build() -> Built {
    let v = Vault::new("vault");
    let a = v.item(
        "a",
        "Statement W-1: the men were taken behind the school",
        "Gov A",
        "consent",
    );
    let b = v.item("b", "Satellite image notes, Kocho", "Gov A", "consent");
    let c = v.item(
        "c",
        "Statement W-2: I saw no soldiers that day",
        "Gov A",
        "consent",
    );
    let hidden = v.item(
        "d",
        "Intercepted radio log, restricted",
        "Gov B",
        "restricted",
    );
    for (user, role) in [("ana", "analyst"), ("bob", "analyst"), ("aud", "auditor")] {
        v.holder_user(user, role);
    }
    v.ok(
        None,
        &["case", "add", "KOCHO", "--title", "Kocho, August 2014"],
    );
    v.ok(None, &["case", "add-member", "KOCHO", "ana"]);

    let ana = Some("ana");
    let c1 = v.ok(
        ana,
        &[
            "case",
            "charge",
            "add",
            "KOCHO",
            "--crime",
            "7(1)(a)",
            "--suspect",
            "Abu Example",
            "--mode",
            "25(3)(a)-2",
        ],
    );
    assert_eq!(c1["case"], "KOCHO");
    assert_eq!(c1["charge"], "C1");
    assert_eq!(c1["crime"], "7(1)(a)");
    assert!(c1["ledger_index"].is_u64());
    let ids: Vec<&str> = c1["elements"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["id"].as_str().unwrap())
        .collect();
    assert_eq!(&ids[..3], ["7(1)(a)/1", "7(1)(a)/2", "7(1)(a)/3"]);
    assert!(ids[3..].iter().all(|id| id.starts_with("25(3)(a)-2/")));
    for element in c1["elements"].as_array().unwrap() {
        assert!(element["number"].is_u64() && element["kind"].is_string());
        assert!(element["text"].as_str().unwrap().len() > 10);
    }
    let c2 = v.ok(
        ana,
        &[
            "case",
            "charge",
            "add",
            "KOCHO",
            "--crime",
            "8(2)(c)(i)-1",
            "--suspect",
            "Abu Example",
        ],
    );
    assert_eq!(c2["charge"], "C2");

    let i1 = v.ok(
        ana,
        &[
            "case",
            "incident",
            "add",
            "KOCHO",
            "--title",
            "Men shot behind the school",
            "--from",
            "2014-08-15",
            "--to",
            "2014-08-16",
            "--place",
            "Kocho",
            "--lat",
            "36.2175",
            "--lon",
            "41.7436",
            "--precision",
            "250",
            "--description",
            "Men separated from women and children",
        ],
    );
    assert_eq!(i1["incident"], "I1");
    assert!(i1["ledger_index"].is_u64());
    let i2 = v.ok(
        ana,
        &[
            "case",
            "incident",
            "add",
            "KOCHO",
            "--title",
            "Women taken to Tal Afar",
            "--from",
            "2014-08",
        ],
    );
    assert_eq!(i2["incident"], "I2");
    // A date that is none, an end before the start, a latitude off the globe.
    for bad in [
        &["--from", "2014-02-30"][..],
        &["--from", "2014-09", "--to", "2014-08-31"],
        &["--from", "2014", "--lat", "95", "--lon", "0"],
    ] {
        let mut args = vec!["case", "incident", "add", "KOCHO", "--title", "x"];
        args.extend_from_slice(bad);
        v.fails(ana, &args);
    }

    let link = |user: Option<&str>,
                element: &str,
                item: &str,
                assessment: &str,
                strength: &str,
                extra: &[&str]| {
        let mut args = vec![
            "case",
            "link",
            "KOCHO",
            "--element",
            element,
            "--item",
            item,
            "--assessment",
            assessment,
            "--strength",
            strength,
        ];
        args.extend_from_slice(extra);
        v.ok(user, &args)
    };
    let l1 = link(
        ana,
        "7(1)(a)/1",
        &a,
        "supports",
        "strong",
        &[
            "--incident",
            "I1",
            "--excerpt",
            "the men were taken behind the school",
            "--page",
            "2",
            "--note",
            "W-1 was present",
        ],
    );
    assert_eq!(l1["case"], "KOCHO");
    assert_eq!(l1["link"], "L1");
    assert!(l1["ledger_index"].is_u64());
    link(ana, "7(1)(a)/2", &b, "supports", "weak", &[]); // L2
    link(ana, "7(1)(a)/3", &a, "supports", "medium", &[]); // L3
    link(
        ana,
        "7(1)(a)/3",
        &c,
        "contradicts",
        "weak",
        &["--time", "01:30-02:05"],
    ); // L4
    link(ana, "8(2)(c)(i)-1/1", &c, "context", "medium", &[]); // L5
    link(ana, "8(2)(c)(i)-1/1", &b, "context", "strong", &[]); // L6
    link(
        ana,
        "25(3)(a)-2/1",
        &a,
        "supports",
        "medium",
        &["--charge", "C1"],
    ); // L7
       // The custodian links the restricted item (L8): the member must see no trace of it.
    link(
        None,
        "8(2)(c)(i)-1/2",
        &hidden,
        "supports",
        "strong",
        &["--excerpt", "radio: the column left at dawn"],
    );
    // An element no charge has, an item the member may not read, an unknown incident.
    v.fails(
        ana,
        &[
            "case",
            "link",
            "KOCHO",
            "--element",
            "6(a)/1",
            "--item",
            &a,
            "--assessment",
            "supports",
        ],
    );
    let denied = v.fails(
        ana,
        &[
            "case",
            "link",
            "KOCHO",
            "--element",
            "7(1)(a)/1",
            "--item",
            &hidden,
            "--assessment",
            "supports",
        ],
    );
    let missing = v.fails(
        ana,
        &[
            "case",
            "link",
            "KOCHO",
            "--element",
            "7(1)(a)/1",
            "--item",
            &"0".repeat(64),
            "--assessment",
            "supports",
        ],
    );
    assert_eq!(
        denied["error"].as_str().unwrap().replace(&hidden, "<item>"),
        missing["error"]
            .as_str()
            .unwrap()
            .replace(&"0".repeat(64), "<item>"),
        "an item the member may not read looks like one that does not exist"
    );
    v.fails(
        ana,
        &[
            "case",
            "link",
            "KOCHO",
            "--element",
            "7(1)(a)/1",
            "--item",
            &a,
            "--assessment",
            "supports",
            "--incident",
            "I9",
        ],
    );
    Built {
        v,
        shown: [a, b, c],
        hidden,
    }
}

#[test]
fn a_case_is_built_analysed_and_seen_only_by_whom_it_may() {
    let Built { v, shown, hidden } = build();
    let [a, _b, c] = &shown;

    // The custodian sees everything.
    let full = v.ok(None, &["case", "matrix", "KOCHO"]);
    assert_eq!(full["case"], "KOCHO");
    assert_eq!(full["withheld"], false);
    assert_eq!(status_of(&full, "C1", "7(1)(a)/1"), "supported");
    assert_eq!(status_of(&full, "C1", "7(1)(a)/2"), "weak");
    assert_eq!(status_of(&full, "C1", "7(1)(a)/3"), "contested");
    assert_eq!(status_of(&full, "C1", "25(3)(a)-2/1"), "supported");
    assert_eq!(
        status_of(&full, "C2", "8(2)(c)(i)-1/1"),
        "unproven",
        "context is no support"
    );
    assert_eq!(status_of(&full, "C2", "8(2)(c)(i)-1/2"), "supported");
    let (rows, gaps) = statuses(&full);
    let unproven: Vec<(String, String)> = rows
        .iter()
        .filter(|(_, _, s)| s == "unproven")
        .map(|(c, e, _)| (c.clone(), e.clone()))
        .collect();
    assert_eq!(gaps, unproven, "the gaps are exactly the unproven elements");
    assert!(gaps.contains(&("C2".into(), "8(2)(c)(i)-1/1".into())));
    let first = &full["charges"][0];
    assert_eq!(first["title"], "Crime against humanity of murder");
    assert_eq!(first["suspect"], "Abu Example");
    let link = &first["elements"][0]["links"][0];
    for key in [
        "link",
        "item",
        "assessment",
        "strength",
        "incident",
        "excerpt",
    ] {
        assert!(link.get(key).is_some(), "{key} in {link}");
    }
    assert_eq!(link["item"], a.as_str());
    assert_eq!(link["incident"], "I1");
    assert_eq!(link["excerpt"], "the men were taken behind the school");

    // The member sees the links to what they may read, and no trace of the rest.
    let member = v.run(Some("ana"), &["case", "matrix", "KOCHO"]);
    assert!(member.status.success());
    let text = String::from_utf8(member.stdout).unwrap();
    let matrix: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(
        matrix["withheld"], true,
        "the member is told something was left out"
    );
    assert_eq!(status_of(&matrix, "C2", "8(2)(c)(i)-1/2"), "unproven");
    assert!(statuses(&matrix)
        .1
        .contains(&("C2".into(), "8(2)(c)(i)-1/2".into())));
    for (name, args) in [
        ("matrix", &["case", "matrix", "KOCHO"][..]),
        ("timeline", &["case", "timeline", "KOCHO"]),
        ("map", &["case", "map", "KOCHO"]),
    ] {
        let out = v.run(Some("ana"), args);
        assert!(out.status.success(), "{name}");
        let text = String::from_utf8(out.stdout).unwrap();
        assert!(!text.contains(&hidden), "{name} names the hidden item");
        assert!(
            !text.contains("radio: the column"),
            "{name} shows its excerpt"
        );
        assert!(!text.contains("L8"), "{name} names its link");
    }
    let ftm = v.path("member.ftm");
    v.ok(
        Some("ana"),
        &[
            "case",
            "export",
            "KOCHO",
            "--format",
            "ftm",
            "--out",
            ftm.to_str().unwrap(),
        ],
    );
    let exported = fs::read_to_string(&ftm).unwrap();
    assert!(!exported.contains(&hidden) && !exported.contains("radio: the column"));
    // Nor may they take back a link they cannot see.
    let hidden_link = v.fails(Some("ana"), &["case", "unlink", "KOCHO", "L8"]);
    let no_link = v.fails(Some("ana"), &["case", "unlink", "KOCHO", "L99"]);
    assert_eq!(
        hidden_link["error"].as_str().unwrap().replace("L8", "L?"),
        no_link["error"].as_str().unwrap().replace("L99", "L?")
    );

    // A non-member sees nothing, and cannot tell the case exists; nor can they change it.
    for user in ["bob", "aud"] {
        for args in [
            &["case", "matrix", "KOCHO"][..],
            &["case", "timeline", "KOCHO"],
            &["case", "map", "KOCHO"],
        ] {
            let refused = v.fails(Some(user), args);
            let mut other = args.to_vec();
            other[2] = "NO-SUCH-CASE";
            let absent = v.fails(Some(user), &other);
            assert_eq!(
                refused["error"].as_str().unwrap().replace("KOCHO", "X"),
                absent["error"]
                    .as_str()
                    .unwrap()
                    .replace("NO-SUCH-CASE", "X"),
                "{user} {args:?}"
            );
        }
        v.fails(
            Some(user),
            &[
                "case", "incident", "add", "KOCHO", "--title", "x", "--from", "2014",
            ],
        );
        v.fails(Some(user), &["case", "unlink", "KOCHO", "L2"]);
    }
    // Members read; only analysts among them change.
    v.ok(None, &["case", "add-member", "KOCHO", "aud"]);
    v.ok(Some("aud"), &["case", "matrix", "KOCHO"]);
    v.fails(
        Some("aud"),
        &["case", "charge", "add", "KOCHO", "--crime", "6(a)"],
    );

    // Unlinking makes an element unproven again.
    let removed = v.ok(Some("ana"), &["case", "unlink", "KOCHO", "L1"]);
    assert_eq!(removed["link"], "L1");
    assert!(removed["ledger_index"].is_u64());
    let after = v.ok(Some("ana"), &["case", "matrix", "KOCHO"]);
    assert_eq!(status_of(&after, "C1", "7(1)(a)/1"), "unproven");
    assert!(statuses(&after)
        .1
        .contains(&("C1".into(), "7(1)(a)/1".into())));
    v.fails(Some("ana"), &["case", "unlink", "KOCHO", "L1"]);
    // A new link gets a new number, never the one taken back.
    let again = v.ok(
        Some("ana"),
        &[
            "case",
            "link",
            "KOCHO",
            "--element",
            "7(1)(a)/1",
            "--item",
            c,
            "--assessment",
            "supports",
            "--strength",
            "weak",
        ],
    );
    assert_eq!(again["link"], "L9");

    // The timeline: incidents and items in date order.
    let timeline = v.ok(Some("ana"), &["case", "timeline", "KOCHO"]);
    assert_eq!(timeline["case"], "KOCHO");
    let events = timeline["events"].as_array().unwrap();
    let dates: Vec<&str> = events.iter().map(|e| e["date"].as_str().unwrap()).collect();
    let mut sorted = dates.clone();
    sorted.sort();
    assert_eq!(dates, sorted);
    assert_eq!(events[0]["kind"], "incident");
    assert_eq!(events[0]["id"], "I2");
    assert_eq!(events[1]["id"], "I1");
    assert_eq!(events[1]["title"], "Men shot behind the school");
    assert!(events
        .iter()
        .any(|e| e["kind"] == "item" && e["id"] == a.as_str()));

    // The printable case file: matrix, timeline, map and each linked item's proof reference.
    let report = v.path("kocho.html");
    let written = v.ok(
        Some("ana"),
        &["case", "report", "KOCHO", "--out", report.to_str().unwrap()],
    );
    assert!(written["ledger_index"].is_u64());
    let html = fs::read_to_string(&report).unwrap();
    for part in [
        "Proof matrix",
        "Timeline",
        "Map",
        "custodia log prove --entry",
        "<svg",
    ] {
        assert!(html.contains(part), "{part}");
    }
    assert!(!html.contains(&hidden));
    assert!(
        !html.contains("/assets/"),
        "the case file needs nothing from the server"
    );
    // An existing file is never overwritten.
    v.fails(
        Some("ana"),
        &["case", "report", "KOCHO", "--out", report.to_str().unwrap()],
    );
}

/// Every change is a custody entry; its details hold references and keyed digests, never the
/// analysts' words (suspects, excerpts, notes, incidents' texts) nor their plain hashes.
#[test]
fn custody_entries_hold_references_and_hashes() {
    let Built { v, .. } = build();
    let head = v.ok(None, &["log", "checkpoint"]);
    let size = head["tree_size"]
        .as_u64()
        .or_else(|| head["size"].as_u64())
        .unwrap();
    let mut actions = Vec::new();
    for index in 0..size {
        let entry = v.ok(None, &["log", "prove", "--entry", &index.to_string()]);
        let details = entry["openings"]["details"]["value"].as_str().unwrap_or("");
        for secret in [
            "Abu Example",
            "behind the school",
            "W-1 was present",
            "Men separated",
            "radio: the column",
            "Men shot",
        ] {
            assert!(
                !details.contains(secret),
                "entry {index} holds `{secret}`: {details}"
            );
        }
        if !details.is_empty() {
            // Nor a plain hash of them, which a reader of the log could confirm a guess with.
            for secret in [
                "Abu Example",
                "the men were taken behind the school",
                "W-1 was present",
                "radio: the column left at dawn",
            ] {
                let plain = hex::encode(<sha2::Sha256 as sha2::Digest>::digest(secret));
                assert!(!details.contains(&plain), "entry {index}: {details}");
            }
            let details: Value = serde_json::from_str(details).unwrap();
            for key in ["suspect_digest", "excerpt_digest", "note_digest"] {
                if let Some(digest) = details.get(key).and_then(Value::as_str) {
                    assert_eq!(digest.len(), 64, "{key} in entry {index}");
                }
            }
        }
        let bytes = base64_decode(entry["entry"].as_str().unwrap());
        let logged: Value = serde_json::from_slice(&bytes).unwrap();
        actions.push(logged["action"].as_str().unwrap().to_owned());
    }
    for action in ["case_charge_add", "case_incident_add", "case_link"] {
        assert!(
            actions.iter().any(|a| a == action),
            "{action} in {actions:?}"
        );
    }
    assert_eq!(
        actions.iter().filter(|a| *a == "case_charge_add").count(),
        2
    );
    assert_eq!(actions.iter().filter(|a| *a == "case_link").count(), 8);
}

fn base64_decode(text: &str) -> Vec<u8> {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = Vec::new();
    let (mut buffer, mut bits) = (0u32, 0);
    for byte in text.bytes().filter(|b| *b != b'=') {
        let value = ALPHABET.iter().position(|c| *c == byte).unwrap() as u32;
        buffer = buffer << 6 | value;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((buffer >> bits) as u8);
            buffer &= (1 << bits) - 1;
        }
    }
    out
}

/// `crimes list --json` is a file `crimes import` reads: imported into another vault, the list
/// is the same. A national code imported from a file of the same shape can be charged.
#[test]
fn crimes_round_trip_and_national_codes_import() {
    let v = Vault::new("vault");
    let national = v.path("wim.json");
    fs::write(
        &national,
        r#"{"format": 1, "edition": "Wet internationale misdrijven (2003)", "crimes": [
            {"code": "WIM-3(1)", "category": "crime", "article": "3", "title": "Genocide (Dutch International Crimes Act)",
             "elements": [
                {"id": "WIM-3(1)/1", "number": 1, "kind": "material", "text": "The perpetrator killed one or more members of a group."},
                {"id": "WIM-3(1)/2", "number": 2, "kind": "mental", "text": "With intent to destroy the group, in whole or in part."}
             ]}
        ]}"#,
    )
    .unwrap();
    let imported = v.ok(None, &["crimes", "import", national.to_str().unwrap()]);
    assert_eq!(imported["added"][0], "WIM-3(1)");
    assert!(imported["ledger_index"].is_u64());
    // Only custodians import.
    v.holder_user("ana", "analyst");
    v.fails(
        Some("ana"),
        &["crimes", "import", national.to_str().unwrap()],
    );
    // A changed code is refused.
    let changed = v.path("changed.json");
    fs::write(
        &changed,
        fs::read_to_string(&national)
            .unwrap()
            .replace("members of a group", "persons"),
    )
    .unwrap();
    v.fails(None, &["crimes", "import", changed.to_str().unwrap()]);

    let list = v.ok(Some("ana"), &["crimes", "list"]);
    assert!(list["edition"]
        .as_str()
        .unwrap()
        .contains("Elements of Crimes"));
    let crimes = list["crimes"].as_array().unwrap();
    for crime in crimes {
        for key in ["code", "article", "title", "elements"] {
            assert!(crime.get(key).is_some(), "{key}");
        }
        for element in crime["elements"].as_array().unwrap() {
            for key in ["id", "number", "kind", "text"] {
                assert!(element.get(key).is_some(), "{key}");
            }
        }
    }
    assert!(crimes.iter().any(|c| c["code"] == "WIM-3(1)"));
    assert_eq!(crimes.iter().filter(|c| c["code"] == "7(1)(a)").count(), 1);

    let file = v.path("list.json");
    fs::write(&file, serde_json::to_string(&list).unwrap()).unwrap();
    let other = Vault::new("other");
    let imported = other.ok(None, &["crimes", "import", file.to_str().unwrap()]);
    assert_eq!(imported["added"], serde_json::json!(["WIM-3(1)"]));
    assert_eq!(other.ok(None, &["crimes", "list"]), list);

    other.ok(None, &["case", "add", "NL-1"]);
    let charge = other.ok(
        None,
        &["case", "charge", "add", "NL-1", "--crime", "WIM-3(1)"],
    );
    assert_eq!(charge["elements"][1]["kind"], "mental");
    other.fails(None, &["case", "charge", "add", "NL-1", "--crime", "9(z)"]);
    other.fails(
        None,
        &["case", "charge", "add", "NL-1", "--crime", "25(3)(a)-2"],
    );
}

/// RFC 7946 by its rules: a FeatureCollection of Features, each a Point of `[lon, lat]` within
/// range with properties; no `crs` member anywhere.
fn check_rfc7946(map: &Value) {
    assert_eq!(map["type"], "FeatureCollection");
    assert!(map.get("crs").is_none(), "RFC 7946 §4 removed `crs`");
    for feature in map["features"].as_array().unwrap() {
        assert_eq!(feature["type"], "Feature");
        assert!(feature.get("crs").is_none());
        assert!(feature["properties"].is_object());
        assert!(feature["id"].is_string() || feature["id"].is_number());
        let geometry = &feature["geometry"];
        assert_eq!(geometry["type"], "Point");
        let position = geometry["coordinates"].as_array().unwrap();
        assert_eq!(position.len(), 2);
        let (lon, lat) = (position[0].as_f64().unwrap(), position[1].as_f64().unwrap());
        assert!((-180.0..=180.0).contains(&lon) && (-90.0..=90.0).contains(&lat));
        assert!(feature["properties"]["precision_m"].as_f64().unwrap() > 0.0);
    }
}

/// The Python with `followthemoney` and `geojson`, or `None` outside CI (the checks in Rust
/// still run).
fn python() -> Option<String> {
    match std::env::var("CUSTODIA_FTM_PYTHON") {
        Ok(python) if !python.is_empty() => Some(python),
        _ => {
            assert!(
                std::env::var_os("CI").is_none(),
                "CUSTODIA_FTM_PYTHON is not set, and CI is: this test needs a Python with followthemoney and geojson (scripts/test makes one)"
            );
            eprintln!(
                "CUSTODIA_FTM_PYTHON is not set: the FollowTheMoney and geojson checks are skipped"
            );
            None
        }
    }
}

fn python_check(python: &str, args: &[&str], stdin: &Path) {
    let output = Command::new(python)
        .args(args)
        .stdin(fs::File::open(stdin).unwrap())
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{args:?}: {}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}

#[test]
fn the_map_is_rfc7946_and_the_export_followthemoney() {
    let Built { v, .. } = build();
    let map = v.ok(None, &["case", "map", "KOCHO"]);
    check_rfc7946(&map);
    let features = map["features"].as_array().unwrap();
    assert_eq!(features.len(), 1, "one incident has a place");
    assert_eq!(
        features[0]["geometry"]["coordinates"],
        serde_json::json!([41.7436, 36.2175])
    );
    assert_eq!(features[0]["properties"]["precision_m"], 250.0);
    let map_file = v.path("kocho.geojson");
    fs::write(&map_file, serde_json::to_string(&map).unwrap()).unwrap();

    let ftm = v.path("kocho.ftm");
    let export = v.ok(
        None,
        &[
            "case",
            "export",
            "KOCHO",
            "--format",
            "ftm",
            "--out",
            ftm.to_str().unwrap(),
        ],
    );
    assert!(export["entities"].as_u64().unwrap() > 5);
    let lines = fs::read_to_string(&ftm).unwrap();
    let schemata: Vec<String> = lines
        .lines()
        .map(|l| {
            serde_json::from_str::<Value>(l).unwrap()["schema"]
                .as_str()
                .unwrap()
                .to_owned()
        })
        .collect();
    for schema in ["Person", "Event", "Document"] {
        assert!(
            schemata.iter().any(|s| s == schema),
            "{schema} in {schemata:?}"
        );
    }

    if let Some(python) = python() {
        let check = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../custodia-cases/tests/ftm_check.py"
        );
        python_check(&python, &[check], &ftm);
        python_check(
            &python,
            &[
                "-c",
                "import sys, geojson\n\
                 collection = geojson.loads(sys.stdin.read())\n\
                 assert isinstance(collection, geojson.FeatureCollection), type(collection)\n\
                 assert collection.is_valid, collection.errors()\n\
                 for feature in collection['features']:\n\
                 \x20   assert feature.is_valid, feature.errors()\n",
            ],
            &map_file,
        );
    }
}

/// A case names a linked item as its analysts read it: by a submission supplied for the case
/// and not restricted, never by the name under which another originator supplied the same bytes
/// restricted to the custodians (that would tell the case's readers of it).
#[test]
fn a_case_names_an_item_by_the_submission_its_analysts_read() {
    let v = Vault::new("vault");
    let text = "Statement W-9: the convoy left at dawn";
    let hidden = v.item("informant-cobalt-intercept", text, "Gov B", "restricted");
    let item = v.item("w9-statement", text, "Gov A", "consent");
    assert_eq!(hidden, item, "the same bytes");
    v.holder_user("ana", "analyst");
    v.ok(None, &["case", "add", "KOCHO"]);
    v.ok(None, &["case", "add-member", "KOCHO", "ana"]);
    let ana = Some("ana");
    v.ok(
        ana,
        &[
            "case",
            "charge",
            "add",
            "KOCHO",
            "--crime",
            "7(1)(a)",
            "--suspect",
            "Abu Example",
        ],
    );
    v.ok(
        ana,
        &[
            "case",
            "link",
            "KOCHO",
            "--element",
            "7(1)(a)/1",
            "--item",
            &item,
            "--assessment",
            "supports",
            "--strength",
            "strong",
        ],
    );
    let timeline = v.ok(ana, &["case", "timeline", "KOCHO"]);
    let shown = timeline.to_string();
    assert!(shown.contains("w9-statement"), "{shown}");
    assert!(!shown.contains("cobalt"), "{shown}");
    let report = v.path("kocho.html");
    v.ok(
        ana,
        &["case", "report", "KOCHO", "--out", report.to_str().unwrap()],
    );
    let html = fs::read_to_string(&report).unwrap();
    assert!(html.contains("w9-statement"));
    assert!(!html.contains("cobalt"));
}
