//! The maps' tiles through the whole router: the bundled world basemap and the holder's extract
//! (`AppState::with_tiles`) answer byte ranges (what the PMTiles reader in the browser asks
//! for) with exactly those bytes, to signed-in people only; no extract configured is 404; the
//! pages that show places load the map from this server alone.

use std::path::Path;

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use axum::Router;
use custodia_server::{router, AppState, TileExtract};
use custodia_vault::Vault;
use tower::ServiceExt;

const ADMIN: &str = "admin";
const WORLD: &[u8] = include_bytes!("../assets/world/world.pmtiles");
const STREETS: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../e2e/fixtures/streets.pmtiles"
);

struct App {
    router: Router,
    session: String,
    _dir: tempfile::TempDir,
}

fn app(extract: Option<&Path>) -> App {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let mut vault =
        Vault::init_for(&dir.path().join("vault"), ADMIN, "Holder").expect("a new vault");
    let session = vault
        .issue_api_token(ADMIN, ADMIN, "tile tests", None)
        .expect("a token")
        .token;
    let mut state = AppState::new(vault);
    if let Some(path) = extract {
        state = state.with_tiles(TileExtract::open(path).expect("the test extract opens"));
    }
    App {
        router: router(state),
        session,
        _dir: dir,
    }
}

impl App {
    async fn get(
        &self,
        path: &str,
        range: Option<&str>,
        signed_in: bool,
    ) -> (StatusCode, axum::http::HeaderMap, Vec<u8>) {
        let mut request = Request::get(path);
        if signed_in {
            request = request.header(header::COOKIE, format!("custodia_session={}", self.session));
        }
        if let Some(range) = range {
            request = request.header(header::RANGE, range);
        }
        let response = self
            .router
            .clone()
            .oneshot(request.body(Body::empty()).expect("a request"))
            .await
            .expect("the router answers");
        let status = response.status();
        let headers = response.headers().clone();
        let body = axum::body::to_bytes(response.into_body(), usize::MAX)
            .await
            .expect("the body");
        (status, headers, body.to_vec())
    }
}

#[tokio::test]
async fn the_world_basemap_answers_ranges() {
    let app = app(None);
    // The PMTiles reader's first request: the header and root directory.
    let (status, headers, body) = app
        .get("/tiles/world.pmtiles", Some("bytes=0-16383"), true)
        .await;
    assert_eq!(status, StatusCode::PARTIAL_CONTENT);
    assert_eq!(body, &WORLD[..16384]);
    assert_eq!(
        headers[header::CONTENT_RANGE],
        format!("bytes 0-16383/{}", WORLD.len()).as_str()
    );
    assert_eq!(headers[header::CONTENT_TYPE], "application/vnd.pmtiles");
    assert_eq!(headers[header::ACCEPT_RANGES], "bytes");
    assert_eq!(headers[header::CACHE_CONTROL], "private, max-age=3600");
    assert!(body.starts_with(b"PMTiles\x03"));

    // A range in the middle, and the whole file without one.
    let (status, _, body) = app
        .get("/tiles/world.pmtiles", Some("bytes=200000-200099"), true)
        .await;
    assert_eq!(status, StatusCode::PARTIAL_CONTENT);
    assert_eq!(body, &WORLD[200_000..200_100]);
    let (status, _, body) = app.get("/tiles/world.pmtiles", None, true).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body.len(), WORLD.len());

    // Past the end: nothing, and the size.
    let past = format!("bytes={}-", WORLD.len());
    let (status, headers, _) = app.get("/tiles/world.pmtiles", Some(&past), true).await;
    assert_eq!(status, StatusCode::RANGE_NOT_SATISFIABLE);
    assert_eq!(
        headers[header::CONTENT_RANGE],
        format!("bytes */{}", WORLD.len()).as_str()
    );
}

#[tokio::test]
async fn tiles_are_for_signed_in_people() {
    let app = app(Some(Path::new(STREETS)));
    for path in ["/tiles/world.pmtiles", "/tiles/detail.pmtiles"] {
        let (status, headers, body) = app.get(path, Some("bytes=0-126"), false).await;
        assert_eq!(status, StatusCode::SEE_OTHER, "{path}");
        assert_eq!(headers[header::LOCATION], "/login", "{path}");
        assert!(!body.starts_with(b"PMTiles"), "{path}");
    }
}

#[tokio::test]
async fn the_holders_extract_is_served_and_missing_is_404() {
    let streets = std::fs::read(STREETS).expect("the test extract");
    let app = app(Some(Path::new(STREETS)));
    let (status, headers, body) = app
        .get("/tiles/detail.pmtiles", Some("bytes=100-201"), true)
        .await;
    assert_eq!(status, StatusCode::PARTIAL_CONTENT);
    assert_eq!(body, &streets[100..202]);
    assert_eq!(
        headers[header::CONTENT_RANGE],
        format!("bytes 100-201/{}", streets.len()).as_str()
    );

    let without = self::app(None);
    let (status, _, _) = without
        .get("/tiles/detail.pmtiles", Some("bytes=0-126"), true)
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[test]
fn an_extract_that_is_no_vector_archive_is_refused_naming_it() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let path = dir.path().join("iraq.pmtiles");
    std::fs::write(&path, b"<html>not tiles</html>").expect("written");
    let error = TileExtract::open(&path).expect_err("refused");
    assert!(error.contains("iraq.pmtiles"), "{error}");
    let zooms = TileExtract::open(Path::new(STREETS)).expect("opens").zooms;
    assert_eq!((zooms.min, zooms.max), (12, 16));
}

#[tokio::test]
async fn the_map_script_and_its_library_come_from_this_server() {
    let app = app(None);
    for (path, kind) in [
        ("/assets/maplibre/maplibre-gl.js", "text/javascript"),
        ("/assets/maplibre/maplibre-gl-worker.js", "text/javascript"),
        ("/assets/maplibre/pmtiles.js", "text/javascript"),
        ("/assets/maplibre/mapbox-gl-rtl-text.js", "text/javascript"),
        ("/assets/map.js", "text/javascript"),
        ("/assets/maplibre/maplibre-gl.css", "text/css"),
        ("/assets/map.css", "text/css"),
    ] {
        let (status, headers, body) = app.get(path, None, false).await;
        assert_eq!(status, StatusCode::OK, "{path}");
        assert!(
            headers[header::CONTENT_TYPE]
                .to_str()
                .unwrap()
                .starts_with(kind),
            "{path}"
        );
        assert!(!body.is_empty());
    }
    // The policy lets the map's worker load from this server, and from nowhere else.
    let (_, headers, _) = app.get("/login", None, false).await;
    let csp = headers[header::CONTENT_SECURITY_POLICY].to_str().unwrap();
    assert!(csp.contains("worker-src 'self'"), "{csp}");
    assert!(
        !csp.contains("blob:") && !csp.contains("unsafe-eval"),
        "{csp}"
    );
}
