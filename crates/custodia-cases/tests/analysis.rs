//! The matrix, timeline, map and FollowTheMoney entities of small cases, and properties of the
//! matrix over random ones: an invisible item never shows and never changes a status, and more
//! support never makes an element less established.

use std::collections::HashSet;

use custodia_cases::{
    Assessment, Case, CaseItem, Charge, CrimeCatalogue, ElementStatus, EventKind, Incident,
    ItemHash, Link, Location, Strength,
};
use proptest::prelude::*;

fn item(n: u8) -> ItemHash {
    format!("{:02x}", n).repeat(32).parse().unwrap()
}

fn charge(id: &str, crime: &str, mode: Option<&str>, suspect: &str) -> Charge {
    let catalogue = CrimeCatalogue::shipped();
    Charge::new(
        "KOCHO",
        id,
        catalogue.get(crime).unwrap(),
        mode.map(|m| catalogue.get(m).unwrap()),
        Some(suspect),
    )
    .unwrap()
}

fn link(id: &str, element: &str, n: u8, assessment: Assessment, strength: Strength) -> Link {
    Link {
        link: id.into(),
        element: element.into(),
        item: item(n),
        assessment,
        strength,
        charge: None,
        incident: None,
        excerpt: None,
        page: None,
        time: None,
        note: None,
    }
}

fn status(matrix: &custodia_cases::Matrix, charge: &str, element: &str) -> ElementStatus {
    matrix
        .charges
        .iter()
        .find(|c| c.charge == charge)
        .unwrap()
        .elements
        .iter()
        .find(|e| e.id == element)
        .unwrap()
        .status
}

fn all(_: &ItemHash) -> bool {
    true
}

#[test]
fn matrix_statuses_and_gaps() {
    use Assessment::*;
    use Strength::*;
    let case = Case {
        case: "KOCHO".into(),
        charges: vec![charge("C1", "7(1)(a)", None, "A")],
        links: vec![
            link("L1", "7(1)(a)/1", 1, Supports, Strong),
            link("L2", "7(1)(a)/1", 2, Contradicts, Weak),
            link("L3", "7(1)(a)/2", 3, Supports, Weak),
            link("L4", "7(1)(a)/3", 4, Context, Strong),
        ],
        ..Case::default()
    };
    let matrix = case.matrix(all);
    assert_eq!(status(&matrix, "C1", "7(1)(a)/1"), ElementStatus::Contested);
    assert_eq!(status(&matrix, "C1", "7(1)(a)/2"), ElementStatus::Weak);
    // Context never counts as support.
    assert_eq!(status(&matrix, "C1", "7(1)(a)/3"), ElementStatus::Unproven);
    assert_eq!(matrix.gaps.len(), 1);
    assert_eq!(matrix.gaps[0].element, "7(1)(a)/3");
    assert!(!matrix.withheld);

    // The JSON has the keys the CLI promises.
    let json = serde_json::to_value(&matrix).unwrap();
    let element = &json["charges"][0]["elements"][0];
    for key in ["id", "number", "kind", "text", "status", "links"] {
        assert!(element.get(key).is_some(), "element lacks {key}");
    }
    assert_eq!(element["status"], "contested");
    assert_eq!(element["links"][0]["assessment"], "supports");
    assert_eq!(json["gaps"][0]["charge"], "C1");
    assert_eq!(json["charges"][0]["suspect"], "A");
}

#[test]
fn invisible_items_leave_no_trace_but_the_withheld_flag() {
    use Assessment::*;
    use Strength::*;
    let case = Case {
        case: "KOCHO".into(),
        charges: vec![charge("C1", "7(1)(a)", None, "A")],
        links: vec![
            link("L1", "7(1)(a)/1", 1, Supports, Strong),
            link("L2", "7(1)(a)/1", 2, Contradicts, Strong),
            link("L3", "7(1)(a)/2", 2, Supports, Strong),
        ],
        ..Case::default()
    };
    let hidden = item(2);
    let matrix = case.matrix(|i: &ItemHash| *i != hidden);
    assert_eq!(status(&matrix, "C1", "7(1)(a)/1"), ElementStatus::Supported);
    assert_eq!(status(&matrix, "C1", "7(1)(a)/2"), ElementStatus::Unproven);
    assert!(matrix.withheld);
    let text = serde_json::to_string(&matrix).unwrap();
    assert!(!text.contains(hidden.as_str()));
    assert!(!text.contains("\"L2\"") && !text.contains("\"L3\""));
}

#[test]
fn links_count_for_every_charge_with_the_element_unless_they_name_one() {
    use Assessment::*;
    use Strength::*;
    let mut scoped = link("L2", "25(3)(a)-2/2", 2, Supports, Strong);
    scoped.charge = Some("C1".into());
    let case = Case {
        case: "KOCHO".into(),
        charges: vec![
            charge("C1", "7(1)(a)", Some("25(3)(a)-2"), "A"),
            charge("C2", "7(1)(a)", Some("25(3)(a)-2"), "B"),
        ],
        links: vec![link("L1", "7(1)(a)/1", 1, Supports, Strong), scoped],
        ..Case::default()
    };
    let matrix = case.matrix(all);
    for c in ["C1", "C2"] {
        assert_eq!(status(&matrix, c, "7(1)(a)/1"), ElementStatus::Supported);
    }
    assert_eq!(
        status(&matrix, "C1", "25(3)(a)-2/2"),
        ElementStatus::Supported
    );
    assert_eq!(
        status(&matrix, "C2", "25(3)(a)-2/2"),
        ElementStatus::Unproven
    );
    // The mode's elements follow the crime's in the charge.
    let c1 = &matrix.charges[0];
    assert_eq!(c1.elements.len(), 3 + 5);
    assert_eq!(c1.elements[3].id, "25(3)(a)-2/1");
}

fn incident(id: &str, from: Option<&str>, location: Option<(f64, f64, f64)>) -> Incident {
    Incident {
        incident: id.into(),
        title: format!("Incident {id}"),
        from: from.map(|d| d.parse().unwrap()),
        to: None,
        place: Some("Kocho".into()),
        location: location.map(|(lat, lon, p)| Location::new(lat, lon, p).unwrap()),
        description: None,
    }
}

#[test]
fn timeline_in_date_order_with_stable_ties() {
    use Assessment::*;
    use Strength::*;
    let case = Case {
        case: "KOCHO".into(),
        incidents: vec![
            incident("I1", Some("2014-08-15"), None),
            incident("I2", Some("2014"), None),
            incident("I3", Some("2014-08"), None),
            incident("I4", None, None),
            incident("I5", Some("2014-08-15"), None),
        ],
        links: vec![
            link("L1", "7(1)(a)/1", 1, Supports, Strong),
            link("L2", "7(1)(a)/1", 2, Supports, Strong),
            link("L3", "7(1)(a)/1", 3, Context, Weak),
        ],
        items: vec![
            CaseItem {
                item: item(1),
                title: "video.mp4".into(),
                date: Some("2014-08-15".parse().unwrap()),
                location: None,
            },
            CaseItem {
                item: item(2),
                title: "secret.pdf".into(),
                date: Some("2013".parse().unwrap()),
                location: None,
            },
            CaseItem {
                item: item(9),
                title: "not linked".into(),
                date: Some("2000".parse().unwrap()),
                location: None,
            },
        ],
        ..Case::default()
    };
    let hidden = item(2);
    let timeline = case.timeline(|i: &ItemHash| *i != hidden);
    let order: Vec<(String, &str, EventKind)> = timeline
        .events
        .iter()
        .map(|e| (e.date.to_string(), e.id.as_str(), e.kind))
        .collect();
    let video = item(1).to_string();
    assert_eq!(
        order,
        [
            ("2014".to_string(), "I2", EventKind::Incident),
            ("2014-08".to_string(), "I3", EventKind::Incident),
            ("2014-08-15".to_string(), "I1", EventKind::Incident),
            ("2014-08-15".to_string(), "I5", EventKind::Incident),
            ("2014-08-15".to_string(), video.as_str(), EventKind::Item),
        ]
    );
    // I4 has no date; item 3 is linked but not described.
    assert_eq!(timeline.undated, 2);
    assert!(timeline.withheld);
    let json = serde_json::to_value(&timeline).unwrap();
    assert_eq!(json["events"][0]["kind"], "incident");
    assert_eq!(json["events"][4]["kind"], "item");
}

#[test]
fn geojson_is_an_rfc_7946_feature_collection() {
    use Assessment::*;
    use Strength::*;
    let case = Case {
        case: "KOCHO".into(),
        incidents: vec![
            incident("I1", Some("2014-08-15"), Some((36.2, 41.7, 250.0))),
            incident("I2", Some("2014-08-16"), None),
        ],
        links: vec![
            link("L1", "7(1)(a)/1", 1, Supports, Strong),
            link("L2", "7(1)(a)/1", 2, Supports, Strong),
        ],
        items: vec![
            CaseItem {
                item: item(1),
                title: "photo.jpg".into(),
                date: None,
                location: Some(Location::new(-33.5, -70.6, 8.0).unwrap()),
            },
            CaseItem {
                item: item(2),
                title: "hidden.jpg".into(),
                date: None,
                location: Some(Location::new(1.0, 2.0, 3.0).unwrap()),
            },
        ],
        ..Case::default()
    };
    let hidden = item(2);
    let value = serde_json::to_value(case.geojson(|i: &ItemHash| *i != hidden)).unwrap();
    check_rfc7946(&value);
    let features = value["features"].as_array().unwrap();
    assert_eq!(features.len(), 2, "I2 has no coordinates, item 2 is hidden");
    assert_eq!(
        features[0]["geometry"]["coordinates"],
        serde_json::json!([41.7, 36.2])
    );
    assert_eq!(features[0]["properties"]["precision_m"], 250.0);
    assert_eq!(features[0]["properties"]["kind"], "incident");
    assert_eq!(
        features[1]["geometry"]["coordinates"],
        serde_json::json!([-70.6, -33.5])
    );
    assert_eq!(features[1]["properties"]["kind"], "item");
    assert!(!value.to_string().contains(hidden.as_str()));
}

/// The parts of RFC 7946 a FeatureCollection of points must meet.
fn check_rfc7946(value: &serde_json::Value) {
    let object = value.as_object().unwrap();
    assert_eq!(object["type"], "FeatureCollection");
    assert!(!object.contains_key("crs"), "RFC 7946 §4 removed `crs`");
    for feature in object["features"].as_array().unwrap() {
        assert_eq!(feature["type"], "Feature");
        // §3.2: a Feature has `geometry` and `properties` members; an id is a string or number.
        assert!(feature["properties"].is_object());
        assert!(feature["id"].is_string() || feature["id"].is_number());
        let geometry = &feature["geometry"];
        assert_eq!(geometry["type"], "Point");
        let position = geometry["coordinates"].as_array().unwrap();
        assert_eq!(position.len(), 2);
        let (lon, lat) = (position[0].as_f64().unwrap(), position[1].as_f64().unwrap());
        assert!((-180.0..=180.0).contains(&lon) && (-90.0..=90.0).contains(&lat));
    }
}

#[test]
fn ftm_entities_hide_what_the_reader_may_not_see() {
    use Assessment::*;
    use Strength::*;
    let mut with_incident = link("L1", "7(1)(a)/1", 1, Supports, Strong);
    with_incident.incident = Some("I1".into());
    with_incident.excerpt = Some("They were taken behind the school.".into());
    let case = Case {
        case: "KOCHO".into(),
        charges: vec![charge("C1", "7(1)(a)", Some("25(3)(a)-1"), "Abu Example")],
        incidents: vec![incident("I1", Some("2014-08-15"), None)],
        links: vec![with_incident, link("L2", "7(1)(a)/2", 2, Supports, Strong)],
        items: vec![CaseItem {
            item: item(1),
            title: "video.mp4".into(),
            date: Some("2014-08-15".parse().unwrap()),
            location: None,
        }],
    };
    let hidden = item(2);
    let entities = case.ftm_entities(|i: &ItemHash| *i != hidden);
    let schemas: Vec<&str> = entities.iter().map(|e| e.schema.as_str()).collect();
    assert_eq!(
        schemas,
        [
            "CourtCase",
            "Person",
            "CourtCaseParty",
            "Event",
            "Document",
            "Documentation",
            "UnknownLink"
        ]
    );
    let ids: HashSet<&str> = entities.iter().map(|e| e.id.as_str()).collect();
    assert_eq!(ids.len(), entities.len(), "ids are unique");
    let lines = custodia_cases::to_json_lines(&entities);
    assert!(!lines.contains(hidden.as_str()));
    // The same case exports the same ids.
    assert_eq!(case.ftm_entities(|i: &ItemHash| *i != hidden), entities);
}

fn arb_link(elements: &'static [&'static str]) -> impl Strategy<Value = Link> {
    (
        0..elements.len(),
        0u8..12,
        prop_oneof![
            Just(Assessment::Supports),
            Just(Assessment::Contradicts),
            Just(Assessment::Context)
        ],
        prop_oneof![
            Just(Strength::Weak),
            Just(Strength::Medium),
            Just(Strength::Strong)
        ],
        proptest::option::of(prop_oneof![Just("C1".to_string()), Just("C2".to_string())]),
    )
        .prop_map(|(e, n, assessment, strength, charge)| {
            let mut l = link("L", elements[e], n, assessment, strength);
            l.charge = charge;
            l
        })
}

const ELEMENTS: &[&str] = &[
    "7(1)(a)/1",
    "7(1)(a)/2",
    "7(1)(a)/3",
    "8(2)(c)(i)-1/1",
    "6(a)/9",
];

fn random_case(links: Vec<Link>) -> Case {
    let links = links
        .into_iter()
        .enumerate()
        .map(|(i, mut l)| {
            l.link = format!("L{i}");
            l
        })
        .collect();
    Case {
        case: "KOCHO".into(),
        charges: vec![
            charge("C1", "7(1)(a)", None, "A"),
            charge("C2", "8(2)(c)(i)-1", None, "B"),
        ],
        links,
        ..Case::default()
    }
}

fn rank(status: ElementStatus) -> u8 {
    match status {
        ElementStatus::Unproven => 0,
        ElementStatus::Weak => 1,
        ElementStatus::Supported | ElementStatus::Contested => 2,
    }
}

proptest! {
    /// Whatever the links and whoever reads, the matrix equals the matrix of the visible links
    /// alone, names no invisible item, and says something was withheld exactly when it was.
    #[test]
    fn the_matrix_never_reports_an_invisible_item(
        links in proptest::collection::vec(arb_link(ELEMENTS), 0..40),
        hidden in proptest::collection::btree_set(0u8..12, 0..12),
    ) {
        let case = random_case(links);
        let visible = |i: &ItemHash| !hidden.iter().any(|&n| item(n) == *i);
        let matrix = case.matrix(visible);
        let mut only_visible = case.clone();
        only_visible.links.retain(|l| visible(&l.item));
        let expected = only_visible.matrix(all);
        prop_assert_eq!(&matrix.charges, &expected.charges);
        prop_assert_eq!(&matrix.gaps, &expected.gaps);
        prop_assert_eq!(matrix.withheld, only_visible.links.len() < case.links.len());
        let text = serde_json::to_string(&matrix).unwrap();
        for n in &hidden {
            let hash = item(*n);
            prop_assert!(!text.contains(hash.as_str()));
        }
    }

    /// Adding a supporting link never leaves an element unproven, never turns supported into
    /// weak, and never changes the status of another element.
    #[test]
    fn statuses_are_monotone_under_added_support(
        links in proptest::collection::vec(arb_link(ELEMENTS), 0..30),
        extra in arb_link(ELEMENTS),
    ) {
        let case = random_case(links);
        let before = case.matrix(all);
        let mut extra = extra;
        extra.assessment = Assessment::Supports;
        let mut more = case.clone();
        more.links.push(extra);
        let after = more.matrix(all);
        for (b, a) in before.charges.iter().zip(&after.charges) {
            for (eb, ea) in b.elements.iter().zip(&a.elements) {
                prop_assert!(rank(ea.status) >= rank(eb.status), "{} {:?} -> {:?}", eb.id, eb.status, ea.status);
                if eb.status == ElementStatus::Contested {
                    prop_assert_eq!(ea.status, ElementStatus::Contested);
                }
            }
        }
        prop_assert!(after.gaps.len() <= before.gaps.len());
    }
}

/// Writes a sample export for `tests/ftm_check.py`; with `CUSTODIA_FTM_PYTHON` set to a Python
/// that has `followthemoney` installed, runs the check on it.
#[test]
fn ftm_export_passes_the_followthemoney_check_when_available() {
    use Assessment::*;
    use Strength::*;
    let mut l1 = link("L1", "7(1)(a)/1", 1, Supports, Strong);
    l1.incident = Some("I1".into());
    l1.excerpt = Some("They were taken behind the school.".into());
    l1.note = Some("Second witness confirms.".into());
    let mut l3 = link("L3", "25(3)(a)-2/2", 3, Supports, Medium);
    l3.charge = Some("C1".into());
    l3.incident = Some("I2".into());
    let case = Case {
        case: "KOCHO".into(),
        charges: vec![
            charge("C1", "7(1)(a)", Some("25(3)(a)-2"), "Abu Example"),
            charge("C2", "8(2)(c)(i)-1", None, "Abu Example"),
            charge("C3", "6(a)", None, "Another Person"),
        ],
        incidents: vec![
            Incident {
                to: Some("2014-08-16".parse().unwrap()),
                description: Some("Men separated from women and children.".into()),
                ..incident("I1", Some("2014-08-15"), Some((36.2, 41.7, 250.0)))
            },
            incident("I2", Some("2014-08"), None),
            incident("I3", None, None),
        ],
        links: vec![l1, link("L2", "7(1)(a)/2", 2, Context, Weak), l3],
        items: vec![
            CaseItem {
                item: item(1),
                title: "video.mp4".into(),
                date: Some("2014-08-15".parse().unwrap()),
                location: None,
            },
            CaseItem {
                item: item(3),
                title: "order.pdf".into(),
                date: Some("2014".parse().unwrap()),
                location: None,
            },
        ],
    };
    let lines = custodia_cases::to_json_lines(&case.ftm_entities(all));
    let path = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("ftm-sample.jsonl");
    std::fs::write(&path, &lines).unwrap();
    let Ok(python) = std::env::var("CUSTODIA_FTM_PYTHON") else {
        assert!(
            std::env::var_os("CI").is_none(),
            "CUSTODIA_FTM_PYTHON is not set, and CI is: this test needs a Python with followthemoney (scripts/test makes one)"
        );
        return;
    };
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/ftm_check.py");
    let output = std::process::Command::new(python)
        .arg(script)
        .stdin(std::fs::File::open(&path).unwrap())
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}
