//! The victim register end to end through the CLI, with `--as-of` dates: two cases, four people
//! in three languages, three milestones and a request for information; notices appear, are
//! drafted in each person's language, recorded and disappear; overdue ones are flagged. Then
//! what must not leak: no other role sees contact details, the due list or the contact log; a
//! draft holds no other person's data (every field checked); the custody log's details name
//! nobody; no file of the data directory holds a name, address, e-mail or request in the clear.
//! And e-mail through a real SMTP server (aiosmtpd, from the test's virtual environment, named by
//! `CUSTODIA_SMTP_PYTHON`; under `CI` the test fails without it): a notice sent and recorded; a
//! relay that refuses or cannot be reached is an error naming it, and nothing is recorded.

use std::fs;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};

use serde_json::{json, Value};

struct Vault {
    _dir: tempfile::TempDir,
    root: PathBuf,
    work: PathBuf,
}

impl Vault {
    fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("vault");
        let work = dir.path().join("work");
        fs::create_dir(&work).unwrap();
        let v = Self {
            _dir: dir,
            root,
            work,
        };
        v.ok(None, &["init", "--holder", "Holder"]);
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

    /// Fails; returns stdout's JSON error document and stderr.
    fn fails(&self, user: Option<&str>, args: &[&str]) -> (Value, String) {
        let out = self.run(user, args);
        assert!(
            !out.status.success(),
            "{args:?} as {user:?} should fail: {}",
            String::from_utf8_lossy(&out.stdout)
        );
        (
            serde_json::from_slice(&out.stdout).unwrap_or(Value::Null),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    }

    fn file(&self, name: &str, text: &str) -> String {
        let path = self.work.join(name);
        fs::write(&path, text).unwrap();
        path.display().to_string()
    }

    fn due(&self, as_of: &str) -> Vec<Value> {
        let due = self.ok(VSO, &["notices", "due", "--as-of", as_of]);
        assert_eq!(due["as_of"], as_of);
        due["notices"].as_array().unwrap().clone()
    }
}

const VSO: Option<&str> = Some("vso");

/// Each person: pseudonym, name, contact details, protective measure.
struct Person {
    pseudonym: &'static str,
    name: &'static str,
    contact: Value,
    measure: &'static str,
}

fn people() -> Vec<Person> {
    vec![
        Person {
            pseudonym: "P-1",
            name: "Amira Haddad",
            contact: json!({"language": "ar", "channel": "letter",
                            "address": "17 Nineveh Street\nMosul", "wants_updates": true}),
            measure: "face blurred in any image",
        },
        Person {
            pseudonym: "P-2",
            name: "Jan de Vries",
            contact: json!({"language": "nl", "channel": "email", "email": "jan.devries@example.nl",
                            "wants_updates": true, "interval_months": 3}),
            measure: "voice distortion",
        },
        Person {
            pseudonym: "P-3",
            name: "Karwan Aziz",
            contact: json!({"language": "ckb", "channel": "via_intermediary",
                            "intermediary": "Zagros Support Network", "phone": "+964 750 000 1122"}),
            measure: "no contact through family",
        },
        Person {
            pseudonym: "P-4",
            name: "Leila Nouri",
            contact: json!({"language": "en", "channel": "email", "email": "leila.nouri@example.org",
                            "wants_updates": false}),
            measure: "relocated",
        },
    ]
}

const REQUEST_TEXT: &str = "Has the man who took my brother been charged yet?";

/// The register as the scenario builds it.
fn build() -> Vault {
    let v = Vault::new();
    for (user, role) in [
        ("vso", "victim_support_officer"),
        ("ana", "analyst"),
        ("aud", "auditor"),
    ] {
        v.ok(
            None,
            &["user", "add", user, "--org", "Holder", "--role", role],
        );
    }
    v.ok(None, &["case", "add", "C-A", "--title", "Case A"]);
    v.ok(None, &["case", "add", "C-B", "--title", "Case B"]);
    v.ok(None, &["case", "add-member", "C-A", "ana"]);
    for person in people() {
        let identity = v.file(
            &format!("{}-identity.json", person.pseudonym),
            &json!({"name": person.name, "born": "1990"}).to_string(),
        );
        v.ok(
            VSO,
            &[
                "person",
                "add",
                person.pseudonym,
                "--identity",
                &identity,
                "--measure",
                person.measure,
            ],
        );
        let contact = v.file(
            &format!("{}-contact.json", person.pseudonym),
            &person.contact.to_string(),
        );
        let set = v.ok(
            VSO,
            &["person", "contact", person.pseudonym, "--set", &contact],
        );
        assert_eq!(set["contact"]["language"], person.contact["language"]);
        assert!(set["ledger_index"].is_u64());
    }
    let linked = v.ok(
        VSO,
        &[
            "person",
            "case",
            "P-1",
            "C-A",
            "--role",
            "victim",
            "--date",
            "2026-01-05",
        ],
    );
    assert_eq!(linked["linked_on"], "2026-01-05");
    assert_eq!(linked["role"], "victim");
    v.ok(
        VSO,
        &[
            "person",
            "case",
            "P-2",
            "C-A",
            "--role",
            "witness",
            "--date",
            "2026-01-05",
        ],
    );
    v.ok(
        VSO,
        &[
            "person",
            "case",
            "P-3",
            "C-B",
            "--role",
            "victim_witness",
            "--date",
            "2026-02-01",
        ],
    );
    v.ok(
        VSO,
        &["person", "case", "P-4", "C-B", "--date", "2026-02-01"],
    );

    // Milestones: an analyst on the case, and a custodian.
    let m1 = v.ok(
        Some("ana"),
        &[
            "case",
            "milestone",
            "add",
            "C-A",
            "--kind",
            "suspect_arrested",
            "--date",
            "2026-03-02",
            "--public-text",
            "A suspect was arrested in Germany.",
        ],
    );
    assert_eq!(m1["milestone"], "M1");
    assert_eq!(m1["case"], "C-A");
    let m2 = v.ok(
        None,
        &[
            "case",
            "milestone",
            "add",
            "C-A",
            "--kind",
            "charged",
            "--date",
            "2026-03-20",
            "--public-text",
            "The suspect has been charged with crimes against humanity.",
        ],
    );
    assert_eq!(m2["milestone"], "M2");
    v.ok(
        None,
        &[
            "case",
            "milestone",
            "add",
            "C-B",
            "--kind",
            "trial_started",
            "--date",
            "2026-04-10",
            "--public-text",
            "The trial opened in The Hague.",
        ],
    );
    let request = v.ok(
        VSO,
        &[
            "person",
            "request-info",
            "P-2",
            "--case",
            "C-A",
            "--date",
            "2026-03-25",
            "--text",
            REQUEST_TEXT,
        ],
    );
    assert_eq!(request["due_by"], "2026-04-08");
    v
}

fn summary(due: &[Value]) -> Vec<(String, String, String, String, bool)> {
    due.iter()
        .map(|n| {
            (
                n["pseudonym"].as_str().unwrap().to_owned(),
                n["case"].as_str().unwrap().to_owned(),
                n["reason"].as_str().unwrap().to_owned(),
                n["due_by"].as_str().unwrap().to_owned(),
                n["overdue"].as_bool().unwrap(),
            )
        })
        .collect()
}

fn row(
    p: &str,
    c: &str,
    r: &str,
    due_by: &str,
    overdue: bool,
) -> (String, String, String, String, bool) {
    (p.into(), c.into(), r.into(), due_by.into(), overdue)
}

#[test]
fn notices_appear_are_drafted_recorded_and_disappear() {
    let v = build();

    // Before any milestone: nothing owed.
    assert!(v.due("2026-02-20").is_empty());

    // The arrest: both people of case A are owed a notice within 14 days.
    let due = v.due("2026-03-05");
    assert_eq!(
        summary(&due),
        vec![
            row("P-1", "C-A", "milestone", "2026-03-16", false),
            row("P-2", "C-A", "milestone", "2026-03-16", false),
        ]
    );
    assert_eq!(due[0]["since"], "2026-03-02");
    assert_eq!(due[0]["language"], "ar");
    assert_eq!(due[0]["channel"], "letter");
    assert_eq!(due[1]["language"], "nl");
    assert_eq!(due[1]["channel"], "email");
    let due = v.due("2026-03-18");
    assert!(due.iter().all(|n| n["overdue"] == true), "{due:?}");

    // Drafted in Arabic, right to left, with the public text and the addressee's own name.
    let draft = v.ok(
        VSO,
        &[
            "notices",
            "draft",
            "P-1",
            "--case",
            "C-A",
            "--as-of",
            "2026-03-18",
        ],
    );
    assert_eq!(draft["language"], "ar");
    assert_eq!(draft["direction"], "rtl");
    assert_eq!(draft["covers"], json!(["milestone"]));
    assert_eq!(draft["milestones"], json!(["M1"]));
    let body = draft["body"].as_str().unwrap();
    assert!(
        body.contains("A suspect was arrested in Germany."),
        "{body}"
    );
    assert!(body.contains("القبض على المشتبه به"), "{body}");
    assert!(body.contains("Amira Haddad"), "{body}");
    assert!(
        !draft["subject"].as_str().unwrap().contains("C-A"),
        "no case in the subject"
    );

    // Recorded with the letter kept; without --covers it settles what was owed that day.
    let letter = v.work.join("letter-P-1.pdf");
    fs::write(&letter, b"%PDF-1.4 the letter as posted").unwrap();
    let recorded = v.ok(
        VSO,
        &[
            "notices",
            "record",
            "P-1",
            "--case",
            "C-A",
            "--channel",
            "letter",
            "--sent-at",
            "2026-03-18",
            "--file",
            letter.to_str().unwrap(),
        ],
    );
    assert_eq!(recorded["covers"], json!(["milestone"]));
    assert_eq!(recorded["via"], "recorded");
    assert_eq!(recorded["letter_kept"], true);
    assert_eq!(
        summary(&v.due("2026-03-18")),
        vec![row("P-2", "C-A", "milestone", "2026-03-16", true)]
    );
    let kept = v.work.join("kept.pdf");
    let got = v.ok(
        VSO,
        &[
            "notices",
            "letter",
            "P-1",
            &recorded["notice"].to_string(),
            "--out",
            kept.to_str().unwrap(),
        ],
    );
    assert_eq!(got["name"], "letter-P-1.pdf");
    assert_eq!(fs::read(&kept).unwrap(), fs::read(&letter).unwrap());

    // The charge, P-2's own request and P-2's three-monthly notice, all at once.
    let due = v.due("2026-03-26");
    assert_eq!(
        summary(&due),
        vec![
            row("P-2", "C-A", "milestone", "2026-03-16", true),
            row("P-1", "C-A", "milestone", "2026-04-03", false),
            row("P-2", "C-A", "periodic", "2026-04-05", false),
            row("P-2", "C-A", "information_request", "2026-04-08", false),
        ],
        "sorted by due_by, overdue first"
    );

    // P-2's draft in Dutch answers the request and tells both milestones.
    let draft = v.ok(
        VSO,
        &[
            "notices",
            "draft",
            "P-2",
            "--case",
            "C-A",
            "--as-of",
            "2026-03-26",
        ],
    );
    assert_eq!(draft["language"], "nl");
    assert_eq!(draft["direction"], "ltr");
    assert_eq!(
        draft["covers"],
        json!(["milestone", "information_request", "periodic"])
    );
    assert_eq!(draft["milestones"], json!(["M1", "M2"]));
    let body = draft["body"].as_str().unwrap();
    assert!(body.contains("Verdachte aangehouden"), "{body}");
    assert!(body.contains("2026-03-25"), "{body}");
    v.ok(
        VSO,
        &[
            "notices",
            "record",
            "P-2",
            "--case",
            "C-A",
            "--channel",
            "email",
            "--sent-at",
            "2026-03-27",
            "--covers",
            "milestone",
            "information_request",
            "periodic",
        ],
    );
    assert_eq!(
        summary(&v.due("2026-03-28")),
        vec![row("P-1", "C-A", "milestone", "2026-04-03", false)]
    );

    // Case B: the trial. P-3 is owed a notice (in Sorani, through the intermediary); P-4 wants
    // no updates and is owed none.
    let due = v.due("2026-04-12");
    let case_b: Vec<_> = summary(&due).into_iter().filter(|r| r.1 == "C-B").collect();
    assert_eq!(
        case_b,
        vec![row("P-3", "C-B", "milestone", "2026-04-24", false)]
    );
    let p3 = due.iter().find(|n| n["pseudonym"] == "P-3").unwrap();
    assert_eq!(p3["language"], "ckb");
    assert_eq!(p3["channel"], "via_intermediary");
    let draft = v.ok(
        VSO,
        &[
            "notices",
            "draft",
            "P-3",
            "--case",
            "C-B",
            "--as-of",
            "2026-04-12",
        ],
    );
    assert_eq!(draft["language"], "ckb");
    assert_eq!(draft["direction"], "rtl");
    assert!(draft["body"]
        .as_str()
        .unwrap()
        .contains("دەستپێکردنی دادگایی"));
    let due = v.due("2026-05-01");
    let p3 = due.iter().find(|n| n["pseudonym"] == "P-3").unwrap();
    assert_eq!(p3["overdue"], true, "flagged once past due_by");
    assert!(due.iter().all(|n| n["pseudonym"] != "P-4"));

    // The contact log: the request (with its text, for the officer) and the notices.
    let log = v.ok(VSO, &["person", "contacts", "P-2"]);
    assert_eq!(log["contact"]["email"], "jan.devries@example.nl");
    assert_eq!(log["cases"][0]["case"], "C-A");
    assert_eq!(log["cases"][0]["role"], "witness");
    let kinds: Vec<&str> = log["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["information_request", "notice"]);
    assert_eq!(log["entries"][0]["text"], REQUEST_TEXT);
    assert_eq!(log["entries"][1]["channel"], "email");

    // Milestones are listed for the case's readers.
    let list = v.ok(Some("ana"), &["case", "milestone", "list", "C-A"]);
    assert_eq!(list["milestones"].as_array().unwrap().len(), 2);
}

/// A milestone learnt of late — entered after a notice, dated before it — is still owed: a
/// notice settles what it told, not everything dated before its day. A request's words can come
/// from a file, so that they are not on the command line.
#[test]
fn a_milestone_entered_late_is_still_told() {
    let v = build();
    v.ok(
        VSO,
        &[
            "notices",
            "record",
            "P-1",
            "--case",
            "C-A",
            "--channel",
            "letter",
            "--sent-at",
            "2026-03-18",
        ],
    );
    assert!(v.due("2026-03-19").iter().all(|n| n["pseudonym"] != "P-1"));
    v.ok(
        None,
        &[
            "case",
            "milestone",
            "add",
            "C-A",
            "--kind",
            "suspect_identified",
            "--date",
            "2026-03-10",
            "--public-text",
            "A second suspect was identified.",
        ],
    );
    let due = v.due("2026-03-19");
    let p1: Vec<_> = summary(&due).into_iter().filter(|r| r.0 == "P-1").collect();
    assert_eq!(
        p1,
        vec![row("P-1", "C-A", "milestone", "2026-03-24", false)]
    );
    let draft = v.ok(
        VSO,
        &[
            "notices",
            "draft",
            "P-1",
            "--case",
            "C-A",
            "--as-of",
            "2026-03-19",
        ],
    );
    assert_eq!(draft["milestones"], json!(["M3"]));
    assert!(draft["body"]
        .as_str()
        .unwrap()
        .contains("A second suspect was identified."));

    let words = v.file("request.txt", "When is the trial?");
    let recorded = v.ok(
        VSO,
        &[
            "person",
            "request-info",
            "P-1",
            "--case",
            "C-A",
            "--date",
            "2026-03-19",
            "--text-file",
            &words,
        ],
    );
    assert_eq!(recorded["due_by"], "2026-04-02");
    let log = v.ok(VSO, &["person", "contacts", "P-1"]);
    assert!(log.to_string().contains("When is the trial?"));
}

#[test]
fn bad_input_is_refused_with_a_clear_error() {
    let v = build();
    for (args, says) in [
        (
            vec![
                "case",
                "milestone",
                "add",
                "C-A",
                "--kind",
                "raid",
                "--date",
                "2026-01-01",
                "--public-text",
                "x",
            ],
            "milestone kind",
        ),
        (
            vec![
                "case",
                "milestone",
                "add",
                "C-A",
                "--kind",
                "verdict",
                "--date",
                "2026-02-30",
                "--public-text",
                "x",
            ],
            "2026-02-30",
        ),
        (
            vec![
                "case",
                "milestone",
                "add",
                "C-Z",
                "--kind",
                "verdict",
                "--date",
                "2026-02-03",
                "--public-text",
                "x",
            ],
            "C-Z",
        ),
        (
            vec!["notices", "due", "--as-of", "05/03/2026"],
            "05/03/2026",
        ),
        (
            vec![
                "notices",
                "record",
                "P-1",
                "--case",
                "C-A",
                "--channel",
                "pigeon",
                "--sent-at",
                "2026-03-18",
            ],
            "pigeon",
        ),
        (
            vec![
                "notices",
                "record",
                "P-1",
                "--case",
                "C-B",
                "--channel",
                "letter",
                "--sent-at",
                "2026-03-18",
            ],
            "not linked",
        ),
        (vec!["notices", "draft", "P-9", "--case", "C-A"], "P-9"),
        (
            vec!["person", "case", "P-1", "C-A", "--role", "suspect"],
            "suspect",
        ),
    ] {
        let user = if args[0] == "case" { None } else { VSO };
        let (error, stderr) = v.fails(user, &args);
        let text = format!("{error} {stderr}");
        assert!(text.contains(says), "{args:?}: {text}");
    }
    // Contact details that do not hang together.
    for (contact, says) in [
        (json!({"language": "ar", "channel": "email"}), "email"),
        (
            json!({"language": "xx", "channel": "letter", "address": "a"}),
            "xx",
        ),
        (
            json!({"language": "en", "channel": "letter", "address": "a", "interval_months": 0}),
            "interval_months",
        ),
        (
            json!({"language": "en", "channel": "email", "email": "not an address"}),
            "not an e-mail",
        ),
        (
            json!({"language": "en", "channel": "in_person", "favourite": "x"}),
            "favourite",
        ),
        (
            json!({"language": "en", "channel": "letter", "address": "a\u{0}b"}),
            "NUL",
        ),
    ] {
        let file = v.file("bad-contact.json", &contact.to_string());
        let (error, stderr) = v.fails(VSO, &["person", "contact", "P-1", "--set", &file]);
        let text = format!("{error} {stderr}");
        assert!(text.contains(says), "{contact}: {text}");
    }
}

/// Every value of the scenario that identifies or reaches a person.
fn secrets() -> Vec<String> {
    let mut out = vec![REQUEST_TEXT.to_owned()];
    for person in people() {
        out.push(person.name.to_owned());
        out.push(person.measure.to_owned());
        for key in ["email", "address", "intermediary", "phone"] {
            if let Some(value) = person.contact[key].as_str() {
                out.push(value.to_owned());
            }
        }
    }
    out
}

#[test]
fn nothing_leaks_to_other_roles_into_drafts_or_into_the_log() {
    let v = build();
    // The draft's own data aside, no field of a draft holds another person's data.
    for (me, case) in [
        ("P-1", "C-A"),
        ("P-2", "C-A"),
        ("P-3", "C-B"),
        ("P-4", "C-B"),
    ] {
        let draft = v.ok(
            VSO,
            &[
                "notices",
                "draft",
                me,
                "--case",
                case,
                "--as-of",
                "2026-04-12",
            ],
        );
        let fields = draft.as_object().unwrap();
        for person in people().iter().filter(|p| p.pseudonym != me) {
            let mut theirs = vec![
                person.name.to_owned(),
                person.pseudonym.to_owned(),
                person.measure.to_owned(),
            ];
            for key in ["email", "address", "intermediary", "phone"] {
                if let Some(value) = person.contact[key].as_str() {
                    theirs.push(value.to_owned());
                }
            }
            for (field, value) in fields {
                let text = value.to_string();
                for secret in &theirs {
                    assert!(
                        !text.contains(secret.as_str()),
                        "{me}'s draft field `{field}` holds {secret:?}"
                    );
                }
            }
        }
        // Nor its own protective measures, nor the request's text.
        let me_person = people().into_iter().find(|p| p.pseudonym == me).unwrap();
        let all = draft.to_string();
        assert!(!all.contains(me_person.measure), "{me}: {all}");
        assert!(!all.contains(REQUEST_TEXT), "{me}: {all}");
    }

    // Every other role is refused, in words that give nothing away.
    let notice = v.ok(
        VSO,
        &[
            "notices",
            "record",
            "P-1",
            "--case",
            "C-A",
            "--channel",
            "letter",
            "--sent-at",
            "2026-03-18",
        ],
    );
    let contact_file = v.file(
        "c.json",
        &json!({"language": "en", "channel": "in_person"}).to_string(),
    );
    for user in [None, Some("ana"), Some("aud")] {
        for args in [
            vec!["notices", "due", "--as-of", "2026-03-18"],
            vec!["notices", "draft", "P-1", "--case", "C-A"],
            vec!["notices", "draft", "P-9", "--case", "C-A"],
            vec![
                "notices",
                "record",
                "P-1",
                "--case",
                "C-A",
                "--channel",
                "letter",
                "--sent-at",
                "2026-03-19",
            ],
            vec![
                "notices",
                "letter",
                "P-1",
                &notice["notice"].to_string(),
                "--out",
                "x",
            ],
            vec!["person", "contacts", "P-1"],
            vec!["person", "contacts", "P-9"],
            vec!["person", "contact", "P-1", "--set", &contact_file],
            vec!["person", "case", "P-1", "C-B"],
            vec![
                "person",
                "request-info",
                "P-1",
                "--case",
                "C-A",
                "--date",
                "2026-03-01",
                "--text",
                "x",
            ],
        ] {
            let (error, stderr) = v.fails(user, &args);
            let text = format!("{error} {stderr}");
            assert!(
                text.contains("victim support officer"),
                "{user:?} {args:?}: {text}"
            );
            for secret in secrets() {
                assert!(
                    !text.contains(&secret),
                    "{user:?} {args:?} leaks {secret:?}"
                );
            }
            assert!(!text.contains("P-9"), "{user:?} {args:?}: {text}");
        }
    }
    // A milestone is for the case's analysts and custodians, not for an auditor (who, not a
    // member, is not even told the case exists) or an analyst of another case.
    let (error, _) = v.fails(
        Some("aud"),
        &[
            "case",
            "milestone",
            "add",
            "C-A",
            "--kind",
            "verdict",
            "--date",
            "2026-05-01",
            "--public-text",
            "x",
        ],
    );
    assert!(error.to_string().contains("not permitted"), "{error}");
    v.fails(
        Some("ana"),
        &[
            "case",
            "milestone",
            "add",
            "C-B",
            "--kind",
            "verdict",
            "--date",
            "2026-05-01",
            "--public-text",
            "x",
        ],
    );

    // The custody log's details name nobody: every entry of the register carries a keyed digest
    // for the person and the case's reference, never a pseudonym, language, channel or text.
    let register_actions = [
        "person_contact_set",
        "person_case_link",
        "case_milestone_add",
        "person_info_request",
        "notice_draft",
        "notice_record",
    ];
    let head = v.ok(None, &["log", "checkpoint"]);
    let size = head["tree_size"]
        .as_u64()
        .or_else(|| head["size"].as_u64())
        .unwrap();
    let mut seen = std::collections::BTreeMap::<String, usize>::new();
    for index in 0..size {
        let entry = v.ok(None, &["log", "prove", "--entry", &index.to_string()]);
        let action = entry["openings"]["action"]["value"]
            .as_str()
            .map(str::to_owned)
            .unwrap_or_else(|| {
                let bytes = base64_decode(entry["entry"].as_str().unwrap());
                let logged: Value = serde_json::from_slice(&bytes).unwrap();
                logged["action"].as_str().unwrap().to_owned()
            });
        let details = entry["openings"]["details"]["value"].as_str().unwrap_or("");
        for secret in secrets() {
            assert!(
                !details.contains(&secret),
                "entry {index} ({action}) holds {secret:?}"
            );
        }
        if register_actions.contains(&action.as_str()) {
            *seen.entry(action.clone()).or_default() += 1;
            let parsed: Value = serde_json::from_str(details).unwrap();
            for key in parsed.as_object().unwrap().keys() {
                assert!(
                    [
                        "person",
                        "case",
                        "record",
                        "covers",
                        "milestone",
                        "kind",
                        "date",
                        "public_text_digest"
                    ]
                    .contains(&key.as_str()),
                    "entry {index} ({action}) has the field `{key}`: {details}"
                );
            }
            for pseudonym in ["P-1", "P-2", "P-3", "P-4"] {
                assert!(
                    !details.contains(pseudonym),
                    "entry {index} ({action}): {details}"
                );
            }
            if action != "case_milestone_add" {
                assert_eq!(parsed["person"].as_str().unwrap().len(), 64);
            }
        }
    }
    for action in register_actions {
        assert!(seen.contains_key(action), "no {action} entry in {seen:?}");
    }
    assert_eq!(seen["person_contact_set"], 4);

    // No file of the data directory holds any of it in the clear (the catalog is encrypted,
    // and contact details, requests and letters are sealed besides).
    let mut files = Vec::new();
    collect(&v.root, &mut files);
    assert!(files.len() > 3);
    for file in files {
        let bytes = fs::read(&file).unwrap();
        for secret in secrets() {
            assert!(
                !contains(&bytes, secret.as_bytes()),
                "{} holds {secret:?}",
                file.display()
            );
        }
    }
}

/// A letter for post, printed by Chromium (installed by scripts/install-deps).
#[test]
fn a_draft_prints_as_a_pdf_letter() {
    let chromium = ["/usr/bin/chromium", "/usr/bin/chromium-browser"]
        .iter()
        .any(|p| Path::new(p).exists())
        || std::env::var_os("CUSTODIA_CHROMIUM").is_some();
    if !chromium {
        assert!(
            std::env::var_os("CI").is_none(),
            "Chromium is missing under CI"
        );
        eprintln!("skipped: no Chromium");
        return;
    }
    let v = build();
    let pdf = v.work.join("P-1.pdf");
    let html = v.work.join("P-1.html");
    v.ok(
        VSO,
        &[
            "notices",
            "draft",
            "P-1",
            "--case",
            "C-A",
            "--as-of",
            "2026-03-18",
            "--pdf",
            pdf.to_str().unwrap(),
            "--html",
            html.to_str().unwrap(),
        ],
    );
    let bytes = fs::read(&pdf).unwrap();
    assert!(bytes.starts_with(b"%PDF"), "not a PDF");
    assert!(bytes.len() > 2000);
    let page = fs::read_to_string(&html).unwrap();
    assert!(
        page.contains("dir=\"rtl\"") && page.contains("lang=\"ar\""),
        "{page}"
    );
    assert!(page.contains("17 Nineveh Street<br>Mosul"), "{page}");
    assert!(!page.contains("Jan de Vries"));
    // Written for the owner only: it holds a victim's address.
    use std::os::unix::fs::PermissionsExt;
    assert_eq!(fs::metadata(&pdf).unwrap().permissions().mode() & 0o077, 0);
    // An existing file is not overwritten.
    let (error, _) = v.fails(
        VSO,
        &[
            "notices",
            "draft",
            "P-1",
            "--case",
            "C-A",
            "--pdf",
            pdf.to_str().unwrap(),
        ],
    );
    assert!(error.to_string().contains("already exists"), "{error}");
}

fn collect(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            collect(&path, out);
        } else {
            out.push(path);
        }
    }
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
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

// --- e-mail through a real SMTP server ------------------------------------------------------

/// aiosmtpd on a free port of 127.0.0.1: each message accepted is written to `mailbox` as
/// N.eml (as received), N.rcpt and N.txt (the decoded text); `refuse` answers 550 to every
/// recipient.
const SMTP_SERVER: &str = r#"
import email, email.policy, os, socket, sys
from aiosmtpd.controller import Controller
mode, mailbox = sys.argv[1], sys.argv[2]
class Handler:
    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if mode == "refuse":
            return "550 5.7.1 relaying denied"
        envelope.rcpt_tos.append(address)
        return "250 OK"
    async def handle_DATA(self, server, session, envelope):
        n = len([f for f in os.listdir(mailbox) if f.endswith(".eml")])
        raw = envelope.original_content or envelope.content
        with open(os.path.join(mailbox, f"{n}.rcpt"), "w") as f:
            f.write("\n".join(envelope.rcpt_tos))
        message = email.message_from_bytes(raw, policy=email.policy.default)
        with open(os.path.join(mailbox, f"{n}.txt"), "w", encoding="utf-8") as f:
            f.write(str(message["subject"]) + "\n\n" + message.get_body().get_content())
        with open(os.path.join(mailbox, f"{n}.eml"), "wb") as f:
            f.write(raw)
        return "250 Message accepted"
probe = socket.socket()
probe.bind(("127.0.0.1", 0))
port = probe.getsockname()[1]
probe.close()
controller = Controller(Handler(), hostname="127.0.0.1", port=port)
controller.start()
print(port, flush=True)
sys.stdin.read()
controller.stop()
"#;

struct SmtpServer {
    child: Child,
    port: u16,
    mailbox: PathBuf,
}

impl SmtpServer {
    fn start(python: &str, mode: &str, mailbox: PathBuf) -> SmtpServer {
        fs::create_dir_all(&mailbox).unwrap();
        let mut child = Command::new(python)
            .args(["-c", SMTP_SERVER, mode])
            .arg(&mailbox)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .unwrap();
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let port = line
            .trim()
            .parse()
            .unwrap_or_else(|_| panic!("aiosmtpd said {line:?}"));
        SmtpServer {
            child,
            port,
            mailbox,
        }
    }
}

impl Drop for SmtpServer {
    fn drop(&mut self) {
        drop(self.child.stdin.take());
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn smtp_python() -> Option<String> {
    let python = std::env::var("CUSTODIA_SMTP_PYTHON").unwrap_or_else(|_| "python3".into());
    let has = Command::new(&python)
        .args(["-c", "import aiosmtpd"])
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if has {
        return Some(python);
    }
    assert!(
        std::env::var_os("CI").is_none(),
        "aiosmtpd is missing under CI: set CUSTODIA_SMTP_PYTHON to a Python that has it (scripts/test makes one)"
    );
    eprintln!("skipped: no Python with aiosmtpd (set CUSTODIA_SMTP_PYTHON)");
    None
}

fn set_relay(v: &Vault, relay: &str) {
    let path = v.root.join("vault.json");
    let mut config: Value = serde_json::from_str(&fs::read_to_string(&path).unwrap()).unwrap();
    config["smtp"] = json!({
        "relay": relay,
        "from": "Victim support <victims@holder.example>",
        "timeout_secs": 10,
    });
    fs::write(&path, serde_json::to_string_pretty(&config).unwrap()).unwrap();
}

fn notices_of(v: &Vault, pseudonym: &str) -> usize {
    v.ok(VSO, &["person", "contacts", pseudonym])["entries"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["kind"] == "notice")
        .count()
}

#[test]
fn notices_are_e_mailed_through_the_holders_relay() {
    let Some(python) = smtp_python() else { return };
    let v = build();

    // No relay configured: a clear error, nothing recorded.
    let (error, _) = v.fails(VSO, &["notices", "send", "P-2", "--case", "C-A"]);
    assert!(error.to_string().contains("no SMTP relay"), "{error}");
    assert_eq!(notices_of(&v, "P-2"), 0);

    let server = SmtpServer::start(&python, "accept", v.work.join("mailbox"));
    set_relay(&v, &format!("smtp://127.0.0.1:{}", server.port));
    let sent = v.ok(VSO, &["notices", "send", "P-2", "--case", "C-A"]);
    assert_eq!(sent["via"], "smtp");
    assert_eq!(sent["channel"], "email");
    assert_eq!(sent["letter_kept"], true);
    assert!(sent["covers"]
        .as_array()
        .unwrap()
        .iter()
        .any(|c| c == "milestone"));
    let rcpt = fs::read_to_string(server.mailbox.join("0.rcpt")).unwrap();
    assert_eq!(rcpt, "jan.devries@example.nl");
    let text = fs::read_to_string(server.mailbox.join("0.txt")).unwrap();
    assert!(text.contains("C-A"), "{text}");
    assert!(
        text.contains("The suspect has been charged with crimes against humanity."),
        "{text}"
    );
    assert!(text.contains("Jan de Vries"), "{text}");
    assert!(!text.contains("Amira") && !text.contains("P-1"), "{text}");
    assert_eq!(notices_of(&v, "P-2"), 1);
    // The message kept is the one the relay received.
    let kept = v.work.join("kept.eml");
    v.ok(
        VSO,
        &[
            "notices",
            "letter",
            "P-2",
            &sent["notice"].to_string(),
            "--out",
            kept.to_str().unwrap(),
        ],
    );
    let kept = fs::read_to_string(&kept).unwrap();
    assert!(kept.contains("To: jan.devries@example.nl"), "{kept}");
    drop(server);

    // A relay that refuses: an error naming it, nothing recorded.
    let refusing = SmtpServer::start(&python, "refuse", v.work.join("refusing"));
    let relay = format!("smtp://127.0.0.1:{}", refusing.port);
    set_relay(&v, &relay);
    let (error, stderr) = v.fails(VSO, &["notices", "send", "P-2", "--case", "C-A"]);
    let said = format!("{error} {stderr}");
    assert!(said.contains(&relay), "{said}");
    assert!(said.contains("nothing was recorded"), "{said}");
    assert_eq!(notices_of(&v, "P-2"), 1);
    drop(refusing);

    // A relay nobody answers at.
    let port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    let relay = format!("smtp://127.0.0.1:{port}");
    set_relay(&v, &relay);
    let (error, stderr) = v.fails(VSO, &["notices", "send", "P-2", "--case", "C-A"]);
    let said = format!("{error} {stderr}");
    assert!(said.contains(&relay), "{said}");
    assert_eq!(notices_of(&v, "P-2"), 1);

    // Credentials never go into vault.json.
    set_relay(&v, &format!("smtp://user:secret@127.0.0.1:{port}"));
    let (error, _) = v.fails(VSO, &["notices", "send", "P-2", "--case", "C-A"]);
    assert!(
        error.to_string().contains("must not hold credentials"),
        "{error}"
    );
}
