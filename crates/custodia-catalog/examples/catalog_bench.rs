//! The catalog benchmark on PostgreSQL (run by `scripts/bench-catalog`): fills a database with
//! N items (each with a submission and two custody events) if it holds fewer, then measures,
//! through the catalog's own interface, random item lookups by SHA-256 and item histories, beside
//! the bare round trip (`SELECT 1`) on the same connection, batched event records, and event
//! records sequenced by two servers at once (the shared log's ordering).
//!
//! Usage: catalog_bench POSTGRES_URL ITEMS [SAMPLES]

use std::time::{Duration, Instant};

use custodia_catalog::{Catalog, NewEvent, PostgresCatalog, PostgresTarget};

fn percentile(sorted: &[Duration], p: f64) -> f64 {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i].as_secs_f64() * 1e3
}

fn report(name: &str, mut times: Vec<Duration>) -> f64 {
    times.sort();
    let p50 = percentile(&times, 0.5);
    println!(
        "{name:<28} n={:<6} p50 {p50:.3} ms  p99 {:.3} ms  max {:.3} ms",
        times.len(),
        percentile(&times, 0.99),
        percentile(&times, 1.0)
    );
    p50
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    let (url, items) = match (args.get(1), args.get(2)) {
        (Some(url), Some(items)) => (url.clone(), items.parse::<i64>()?),
        _ => return Err("usage: catalog_bench POSTGRES_URL ITEMS [SAMPLES]".into()),
    };
    let samples: usize = args.get(3).map_or(Ok(20_000), |s| s.parse())?;
    let target = PostgresTarget::parse(&url)?;
    let mut catalog = PostgresCatalog::connect(&target)?;
    let mut raw = target.config().connect(postgres::NoTls)?;

    let held = catalog.item_count()? as i64;
    if held < items {
        eprintln!("filling: {held} → {items} items (each with a submission and two events)");
        let fill = Instant::now();
        let chunk = 500_000i64;
        let mut from = held + 1;
        while from <= items {
            let to = (from + chunk - 1).min(items);
            let mut tx = raw.transaction()?;
            tx.execute(
                "INSERT INTO items (sha256, size, mime, stored_at)
                 SELECT encode(sha256(convert_to('item' || i, 'UTF8')), 'hex'), 1000 + i % 5000,
                        'text/plain', '2026-01-01T00:00:00Z'
                 FROM generate_series($1::bigint, $2::bigint) i",
                &[&from, &to],
            )?;
            tx.execute(
                "INSERT INTO submissions (id, submission_key, sha256, originator, path,
                                          original_name, submitted_at, submitted_by)
                 OVERRIDING SYSTEM VALUE
                 SELECT i, 'bench-' || (i / 10000), encode(sha256(convert_to('item' || i, 'UTF8')), 'hex'),
                        'Originator ' || (i % 17), 'collection/doc-' || i || '.pdf', 'doc-' || i || '.pdf',
                        '2026-01-01T00:00:00Z', 'admin'
                 FROM generate_series($1::bigint, $2::bigint) i",
                &[&from, &to],
            )?;
            tx.execute(
                "INSERT INTO events (time, actor, action, item, submission_id, details, entry, ledger_index)
                 SELECT '2026-01-01T00:00:00Z', 'admin', a.action,
                        encode(sha256(convert_to('item' || i, 'UTF8')), 'hex'),
                        CASE WHEN a.action = 'ingest' THEN i END, '{}',
                        convert_to(a.action || ' item' || i, 'UTF8'), 2 * i + a.n
                 FROM generate_series($1::bigint, $2::bigint) i,
                      (VALUES (0, 'ingest'), (1, 'view')) AS a(n, action)",
                &[&from, &to],
            )?;
            tx.commit()?;
            eprintln!("  {to} items, {:.0} s", fill.elapsed().as_secs_f64());
            from = to + 1;
        }
        println!(
            "filled {} items in {:.0} s",
            items - held,
            fill.elapsed().as_secs_f64()
        );
    }
    // Each its own statement: VACUUM may not run inside a transaction, which one string of
    // several statements would be.
    for table in ["submissions", "events"] {
        raw.execute(
            &format!(
                "SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT COALESCE(max(id), 0) + 1 FROM {table}), false)"
            ),
            &[],
        )?;
    }
    let maintenance = Instant::now();
    for table in ["items", "submissions", "events"] {
        raw.batch_execute(&format!("VACUUM ANALYZE {table}"))?;
    }
    eprintln!(
        "vacuum and analyze: {:.0} s",
        maintenance.elapsed().as_secs_f64()
    );
    let sizes = raw.query_one(
        "SELECT (SELECT count(*) FROM items), (SELECT count(*) FROM events),
                pg_size_pretty(pg_database_size(current_database()))",
        &[],
    )?;
    println!(
        "catalog: {} items, {} events, {} on disk",
        sizes.get::<_, i64>(0),
        sizes.get::<_, i64>(1),
        sizes.get::<_, String>(2)
    );

    // Random items, spread over the whole table.
    let sample: Vec<String> = raw
        .query(
            "SELECT encode(sha256(convert_to('item' || (1 + floor(random() * $1::bigint))::bigint, 'UTF8')), 'hex')
             FROM generate_series(1, $2::bigint)",
            &[&items, &(samples as i64)],
        )?
        .iter()
        .map(|r| r.get(0))
        .collect();

    let mut bare = Vec::with_capacity(samples);
    let ping = raw.prepare("SELECT 1")?;
    for _ in 0..samples {
        let t = Instant::now();
        raw.query_one(&ping, &[])?;
        bare.push(t.elapsed());
    }
    let mut lookups = Vec::with_capacity(samples);
    let mut histories = Vec::with_capacity(samples);
    let mut provenance = Vec::with_capacity(samples);
    for sha in &sample {
        let t = Instant::now();
        let item = catalog.item(sha)?;
        lookups.push(t.elapsed());
        assert!(item.is_some(), "sampled item {sha} missing");
        let t = Instant::now();
        let history = catalog.history(sha)?;
        histories.push(t.elapsed());
        assert_eq!(history.len(), 2);
        let t = Instant::now();
        let submissions = catalog.submissions_of(sha)?;
        provenance.push(t.elapsed());
        assert_eq!(submissions.len(), 1);
    }
    let floor = report("round trip (SELECT 1)", bare);
    let lookup = report("item by SHA-256", lookups);
    let history = report("item history", histories);
    let subs = report("item submissions", provenance);
    println!(
        "median ÷ round trip: lookup {:.2}, history {:.2}, submissions {:.2}",
        lookup / floor,
        history / floor,
        subs / floor
    );

    // Custody events recorded in batches of 1,000 per transaction (each pending for the log).
    let batch = 1000;
    let rounds = 20;
    let t = Instant::now();
    for round in 0..rounds {
        let events: Vec<NewEvent> = (0..batch)
            .map(|i| NewEvent {
                time: "2026-12-02T00:00:00Z".into(),
                actor: "bench".into(),
                action: "view".into(),
                item: Some(sample[(round * batch + i) % sample.len()].clone()),
                details: "{}".into(),
                entry: format!("bench {round} {i}").into_bytes(),
            })
            .collect();
        catalog.record_events(&events)?;
    }
    let elapsed = t.elapsed().as_secs_f64();
    println!(
        "event records: {} in {elapsed:.2} s = {:.0} events/s (batches of {batch})",
        batch * rounds,
        (batch * rounds) as f64 / elapsed
    );
    // Leave the catalog as found: the benchmark's events are not owed to any log.
    raw.execute("DELETE FROM events WHERE actor = 'bench'", &[])?;

    // The shared log's ordering: each of two servers records batches of 1,000 events and
    // sequences them (one transaction under the advisory lock), at the same time.
    let rounds_each = 20;
    let t = Instant::now();
    let servers: Vec<_> = (0..2)
        .map(|server| {
            let target = target.clone();
            let sample = sample.clone();
            std::thread::spawn(move || -> Result<(), custodia_catalog::CatalogError> {
                let mut catalog = PostgresCatalog::connect(&target)?;
                for round in 0..rounds_each {
                    let events: Vec<NewEvent> = (0..batch)
                        .map(|i| NewEvent {
                            time: "2026-12-02T00:00:00Z".into(),
                            actor: "bench-sequenced".into(),
                            action: "view".into(),
                            item: Some(sample[(round * batch + i) % sample.len()].clone()),
                            details: "{}".into(),
                            entry: format!("sequenced {server} {round} {i}").into_bytes(),
                        })
                        .collect();
                    catalog.record_events(&events)?;
                    catalog.sequence_pending()?;
                }
                Ok(())
            })
        })
        .collect();
    for server in servers {
        server.join().map_err(|_| "a server thread panicked")??;
    }
    let elapsed = t.elapsed().as_secs_f64();
    let total = 2 * rounds_each * batch;
    println!(
        "recorded and sequenced by two servers at once: {total} in {elapsed:.2} s = {:.0} events/s (batches of {batch})",
        total as f64 / elapsed
    );
    // These were given log positions no ledger holds: take them out again, newest first.
    raw.execute("DELETE FROM events WHERE actor = 'bench-sequenced'", &[])?;
    Ok(())
}
