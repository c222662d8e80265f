//! Case analysis benchmark at the size the issue sets: 50 charges, 2,000 incidents and 100,000
//! links (to 20,000 items, one in seven of which the reader may not see). Reports the median
//! and slowest of several runs of the matrix, the timeline, the map and the FollowTheMoney
//! entities, each with and without writing its JSON.
//!
//! Targets: matrix under 200 ms, timeline and map under 500 ms.
//! Run: `CARGO_BUILD_JOBS=1 nice cargo bench -p custodia-cases --bench matrix`.

use std::hint::black_box;
use std::time::{Duration, Instant};

use custodia_cases::{
    Assessment, Case, CaseItem, Charge, CrimeCatalogue, Incident, ItemHash, Link, Location,
    PartialDate, Strength,
};

const CHARGES: usize = 50;
const INCIDENTS: usize = 2_000;
const LINKS: usize = 100_000;
const ITEMS: usize = 20_000;
const RUNS: usize = 15;

/// xorshift64*: a fixed sequence, so every run measures the same case.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

fn hash(n: usize) -> ItemHash {
    format!("{:064x}", n as u128 * 0x9E37_79B9_7F4A_7C15)
        .parse()
        .expect("64 hex digits")
}

fn build() -> Case {
    let catalogue = CrimeCatalogue::shipped();
    let crimes: Vec<_> = catalogue
        .crimes()
        .iter()
        .filter(|c| c.category == custodia_cases::Category::Crime)
        .collect();
    let modes: Vec<_> = catalogue
        .crimes()
        .iter()
        .filter(|c| c.category == custodia_cases::Category::ModeOfLiability)
        .collect();
    let mut rng = Rng(0x5EED);
    let charges: Vec<Charge> = (0..CHARGES)
        .map(|i| {
            let suspect = format!("Suspect {}", i % 7);
            Charge::new(
                "BENCH",
                &format!("C{i}"),
                crimes[i % crimes.len()],
                Some(modes[i % modes.len()]),
                Some(&suspect),
            )
            .expect("valid charge")
        })
        .collect();
    let elements: Vec<(String, String)> = charges
        .iter()
        .flat_map(|c| c.elements.iter().map(|e| (c.charge.clone(), e.id.clone())))
        .collect();
    let incidents: Vec<Incident> = (0..INCIDENTS)
        .map(|i| {
            let date: PartialDate = match i % 3 {
                0 => format!("{}", 2010 + rng.below(10)),
                1 => format!("{}-{:02}", 2010 + rng.below(10), 1 + rng.below(12)),
                _ => format!(
                    "{}-{:02}-{:02}",
                    2010 + rng.below(10),
                    1 + rng.below(12),
                    1 + rng.below(28)
                ),
            }
            .parse()
            .expect("valid date");
            Incident {
                incident: format!("I{i}"),
                title: format!("Incident {i}"),
                from: Some(date),
                to: None,
                place: Some(format!("Place {}", i % 97)),
                location: (i % 10 != 0).then(|| {
                    Location::new(
                        30.0 + rng.below(10_000) as f64 / 1000.0,
                        40.0 + rng.below(10_000) as f64 / 1000.0,
                        (1 + rng.below(5000)) as f64,
                    )
                    .expect("valid location")
                }),
                description: Some("A description of what happened.".into()),
            }
        })
        .collect();
    let assessments = [
        Assessment::Supports,
        Assessment::Supports,
        Assessment::Supports,
        Assessment::Contradicts,
        Assessment::Context,
    ];
    let strengths = [Strength::Weak, Strength::Medium, Strength::Strong];
    let links: Vec<Link> = (0..LINKS)
        .map(|i| {
            let (charge, element) = &elements[rng.below(elements.len())];
            Link {
                link: format!("L{i}"),
                element: element.clone(),
                item: hash(rng.below(ITEMS)),
                assessment: assessments[rng.below(assessments.len())],
                strength: strengths[rng.below(strengths.len())],
                charge: (i % 4 == 0).then(|| charge.clone()),
                incident: (i % 2 == 0).then(|| format!("I{}", rng.below(INCIDENTS))),
                excerpt: Some("The witness saw the men taken behind the school.".into()),
                page: Some(1 + rng.below(40) as u32),
                time: None,
                note: None,
            }
        })
        .collect();
    let items: Vec<CaseItem> = (0..ITEMS)
        .map(|i| CaseItem {
            item: hash(i),
            title: format!("item-{i}.jpg"),
            date: Some(
                format!("{}-{:02}-{:02}", 2010 + i % 10, 1 + i % 12, 1 + i % 28)
                    .parse()
                    .expect("valid date"),
            ),
            location: (i % 3 == 0).then(|| {
                Location::new(36.0 + (i % 100) as f64 / 100.0, 41.0, 25.0).expect("valid")
            }),
        })
        .collect();
    Case {
        case: "BENCH".into(),
        charges,
        incidents,
        links,
        items,
    }
}

fn measure(name: &str, target: Option<Duration>, mut run: impl FnMut()) {
    run();
    let mut times: Vec<Duration> = (0..RUNS)
        .map(|_| {
            let start = Instant::now();
            run();
            start.elapsed()
        })
        .collect();
    times.sort();
    let median = times[RUNS / 2];
    let slowest = times[RUNS - 1];
    let verdict = match target {
        Some(t) if slowest <= t => format!("  (target {} ms: met)", t.as_millis()),
        Some(t) => format!("  (target {} ms: MISSED)", t.as_millis()),
        None => String::new(),
    };
    println!(
        "{name:<32} median {:>8.1} ms   slowest {:>8.1} ms{verdict}",
        median.as_secs_f64() * 1e3,
        slowest.as_secs_f64() * 1e3
    );
}

fn main() {
    let started = Instant::now();
    let case = build();
    println!(
        "case: {} charges, {} elements, {} incidents, {} links, {} items (built in {:.1} s)",
        case.charges.len(),
        case.charges.iter().map(|c| c.elements.len()).sum::<usize>(),
        case.incidents.len(),
        case.links.len(),
        case.items.len(),
        started.elapsed().as_secs_f64()
    );
    // One item in seven hidden from the reader: the access predicate is asked once per item.
    let visible = |item: &ItemHash| !item.as_str().as_bytes()[63].is_multiple_of(7);
    let ms = Duration::from_millis;

    measure("matrix", Some(ms(200)), || {
        black_box(case.matrix(visible));
    });
    measure("matrix + JSON", Some(ms(200)), || {
        black_box(serde_json::to_vec(&case.matrix(visible)).expect("serialises"));
    });
    measure("timeline", Some(ms(500)), || {
        black_box(case.timeline(visible));
    });
    measure("timeline + JSON", Some(ms(500)), || {
        black_box(serde_json::to_vec(&case.timeline(visible)).expect("serialises"));
    });
    measure("map (GeoJSON)", Some(ms(500)), || {
        black_box(case.geojson(visible));
    });
    measure("map (GeoJSON) + JSON", Some(ms(500)), || {
        black_box(serde_json::to_vec(&case.geojson(visible)).expect("serialises"));
    });
    measure("FtM entities + JSON lines", None, || {
        black_box(custodia_cases::to_json_lines(&case.ftm_entities(visible)));
    });
}
