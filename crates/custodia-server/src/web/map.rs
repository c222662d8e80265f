//! Maps. In the browser, MapLibre GL JS (bundled, `assets/maplibre/`) draws vector tiles this
//! server serves itself: the bundled world basemap (`assets/world/world.pmtiles`, zoom 0 to 6)
//! and, when the holder configured one (`serve --tiles PATH`), a detailed extract that zooms to
//! street level. The browser reads both with HTTP range requests (PMTiles), so no request of a
//! map leaves this server.
//!
//! Without script, and in files that must open alone, the world outline as SVG, drawn once from
//! the bundled TopoJSON (see `assets/world/`), in an equirectangular projection:
//! x = longitude + 180, y = 90 − latitude, on a 360 × 180 canvas. Every arc of the topology
//! (coasts and borders) becomes one polyline; that is all an outline needs, and it keeps the
//! drawing independent of how polygons share arcs.

use std::fmt::Write as _;
use std::io::Read as _;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use axum::extract::State;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};

use crate::AppState;

/// The bundled world basemap (scripts/make-basemap).
pub(crate) const WORLD_PMTILES: &[u8] = include_bytes!("../../assets/world/world.pmtiles");

pub(crate) const MAPLIBRE_JS: &[u8] = include_bytes!("../../assets/maplibre/maplibre-gl-csp.js");
pub(crate) const MAPLIBRE_WORKER_JS: &[u8] =
    include_bytes!("../../assets/maplibre/maplibre-gl-csp-worker.js");
pub(crate) const MAPLIBRE_CSS: &[u8] = include_bytes!("../../assets/maplibre/maplibre-gl.css");
pub(crate) const MAPLIBRE_LICENSE: &[u8] =
    include_bytes!("../../assets/maplibre/LICENSE-maplibre.txt");
pub(crate) const PMTILES_JS: &[u8] = include_bytes!("../../assets/maplibre/pmtiles.js");
pub(crate) const PMTILES_LICENSE: &[u8] =
    include_bytes!("../../assets/maplibre/LICENSE-pmtiles.txt");
/// MapLibre's right-to-left text plugin: Arabic-script labels shaped and in reading order.
pub(crate) const RTL_TEXT_JS: &[u8] = include_bytes!("../../assets/maplibre/mapbox-gl-rtl-text.js");
pub(crate) const RTL_TEXT_LICENSE: &[u8] =
    include_bytes!("../../assets/maplibre/LICENSE-mapbox-gl-rtl-text.md");
/// The pages' own map script: the style, the places, the precision discs.
pub(crate) const MAP_JS: &[u8] = include_bytes!("../../assets/map.js");
pub(crate) const MAP_CSS: &[u8] = include_bytes!("../../assets/map.css");

/// The content type of a PMTiles archive.
const PMTILES_TYPE: &str = "application/vnd.pmtiles";

/// What the pages need to know of a tile archive: its zoom range.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TileZooms {
    pub min: u8,
    pub max: u8,
}

/// Reads the zoom range from a PMTiles version 3 header (127 bytes: the magic `PMTiles`, the
/// version, …, the tile type at byte 99, the zooms at 100 and 101), refusing what is not an
/// archive of vector tiles.
pub fn pmtiles_zooms(header: &[u8]) -> Result<TileZooms, String> {
    if header.len() < 127 || &header[..7] != b"PMTiles" {
        return Err("not a PMTiles archive (no `PMTiles` header)".into());
    }
    if header[7] != 3 {
        return Err(format!(
            "PMTiles version {} (this server reads version 3)",
            header[7]
        ));
    }
    if header[99] != 1 {
        return Err(format!(
            "tile type {} (the maps draw vector tiles, type 1 (MVT))",
            header[99]
        ));
    }
    let (min, max) = (header[100], header[101]);
    if min > max || max > 30 {
        return Err(format!("zoom range {min} to {max} is not possible"));
    }
    Ok(TileZooms { min, max })
}

/// The zooms of the bundled world basemap.
pub fn world_zooms() -> TileZooms {
    pmtiles_zooms(WORLD_PMTILES).unwrap_or(TileZooms { min: 0, max: 0 })
}

/// The holder's detailed extract (`serve --tiles PATH`), checked when the server starts.
#[derive(Debug)]
pub struct TileExtract {
    pub path: PathBuf,
    pub zooms: TileZooms,
}

impl TileExtract {
    /// Opens `path` and reads its header; the error names the file.
    pub fn open(path: &Path) -> Result<Self, String> {
        let mut header = [0u8; 127];
        std::fs::File::open(path)
            .and_then(|mut f| f.read_exact(&mut header))
            .map_err(|e| format!("map tiles {}: {e}", path.display()))?;
        let zooms =
            pmtiles_zooms(&header).map_err(|e| format!("map tiles {}: {e}", path.display()))?;
        Ok(Self {
            path: path.to_owned(),
            zooms,
        })
    }
}

/// How far past the deepest tiles a map zooms in: vector tiles are redrawn, not enlarged, so
/// two steps more stay sharp.
const OVERZOOM: u8 = 2;

/// The interactive map of `places` (a GeoJSON FeatureCollection whose features have a `title`,
/// `precision_m` where the precision is known, and `href`, a page of this server, where the
/// place has one), drawn by `assets/map.js`; hidden until drawn, so that the SVG map placed
/// right after it serves readers without script or WebGL. `extract`: the holder's detailed
/// tiles, if configured.
pub(crate) fn live(
    lang: super::Lang,
    places: &serde_json::Value,
    extract: Option<&TileExtract>,
) -> maud::Markup {
    let world = world_zooms();
    let deepest = extract.map_or(world.max, |e| e.zooms.max.max(world.max));
    maud::html! {
        link rel="stylesheet" href="/assets/maplibre/maplibre-gl.css";
        link rel="stylesheet" href="/assets/map.css";
        script src="/assets/maplibre/maplibre-gl.js" defer {}
        script src="/assets/maplibre/pmtiles.js" defer {}
        script src="/assets/map.js" defer {}
        // MapLibre makes its canvas a labelled region (`data-label`): one landmark, not two.
        div class="map-live" hidden
            data-features=(places.to_string())
            data-max-zoom=(deepest.saturating_add(OVERZOOM))
            data-detail=[extract.map(|_| "/tiles/detail.pmtiles")]
            data-label=(lang.t("map-label"))
            data-zoom-in=(lang.t("map-zoom_in"))
            data-zoom-out=(lang.t("map-zoom_out"))
            data-reset-north=(lang.t("map-reset_north"))
            data-close=(lang.t("map-close"))
            data-open=(lang.t("map-open")) {}
    }
}

fn range_of(headers: &HeaderMap) -> Option<String> {
    headers
        .get(header::RANGE)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
}

/// `/tiles/world.pmtiles`: the bundled basemap, with ranges, to signed-in people (the map's
/// pages are theirs).
pub(crate) async fn world_tiles(_v: super::Viewer, headers: HeaderMap) -> Response {
    let bytes = std::io::Cursor::new(WORLD_PMTILES);
    crate::stream::stream_bytes(
        bytes,
        WORLD_PMTILES.len() as u64,
        range_of(&headers),
        PMTILES_TYPE,
        "inline",
        TILE_CACHE,
    )
    .unwrap_or_else(IntoResponse::into_response)
}

/// Tiles do not change while the server runs; a browser keeps them for an hour.
const TILE_CACHE: &str = "private, max-age=3600";

/// `/tiles/detail.pmtiles`: the holder's extract, if one is configured (404 if not).
pub(crate) async fn detail_tiles(
    State(state): State<AppState>,
    _v: super::Viewer,
    headers: HeaderMap,
) -> Response {
    let Some(extract) = state.tiles.clone() else {
        return (StatusCode::NOT_FOUND, "no map extract is configured").into_response();
    };
    let opened = std::fs::File::open(&extract.path).and_then(|f| Ok((f.metadata()?.len(), f)));
    match opened {
        Ok((size, file)) => crate::stream::stream_bytes(
            file,
            size,
            range_of(&headers),
            PMTILES_TYPE,
            "inline",
            TILE_CACHE,
        )
        .unwrap_or_else(IntoResponse::into_response),
        Err(e) => {
            tracing::error!(path = %extract.path.display(), error = %e, "map tiles unreadable");
            (StatusCode::NOT_FOUND, "the map extract cannot be read").into_response()
        }
    }
}

const TOPOLOGY: &str = include_str!("../../assets/world/countries-110m.json");

/// The outline as a standalone SVG document.
pub fn world_svg() -> &'static str {
    static SVG: OnceLock<String> = OnceLock::new();
    SVG.get_or_init(|| render(TOPOLOGY).unwrap_or_else(|| empty_svg().to_owned()))
}

fn empty_svg() -> &'static str {
    "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 360 180\"></svg>"
}

/// Where a position falls on the 360 × 180 canvas.
pub fn project(latitude: f64, longitude: f64) -> (f64, f64) {
    (longitude + 180.0, 90.0 - latitude)
}

fn render(topojson: &str) -> Option<String> {
    let topology: serde_json::Value = serde_json::from_str(topojson).ok()?;
    let scale = topology["transform"]["scale"].as_array()?;
    let translate = topology["transform"]["translate"].as_array()?;
    let (sx, sy) = (scale.first()?.as_f64()?, scale.get(1)?.as_f64()?);
    let (tx, ty) = (translate.first()?.as_f64()?, translate.get(1)?.as_f64()?);
    let mut path = String::new();
    for arc in topology["arcs"].as_array()? {
        // Arcs are delta-encoded quantised positions.
        let (mut qx, mut qy) = (0i64, 0i64);
        let mut last_x: Option<f64> = None;
        for point in arc.as_array()? {
            let p = point.as_array()?;
            qx += p.first()?.as_i64()?;
            qy += p.get(1)?.as_i64()?;
            let (lon, lat) = (qx as f64 * sx + tx, qy as f64 * sy + ty);
            let (x, y) = project(lat, lon);
            // A step across the antimeridian would draw a line across the whole map: the
            // outline is lifted there instead.
            let pen = match last_x {
                Some(previous) if (x - previous).abs() < 180.0 => "L",
                _ => "M",
            };
            let _ = write!(path, "{pen}{x:.2} {y:.2}");
            last_x = Some(x);
        }
    }
    Some(format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 360 180\">\
         <rect width=\"360\" height=\"180\" fill=\"#eef4f8\"/>\
         <path d=\"{path}\" fill=\"none\" stroke=\"#5b6b78\" stroke-width=\"0.3\"/></svg>"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bundled_files_are_those_of_source_md() {
        use sha2::Digest as _;
        let source = include_str!("../../assets/maplibre/SOURCE.md");
        for (name, bytes) in [
            ("maplibre-gl-csp.js", MAPLIBRE_JS),
            ("maplibre-gl-csp-worker.js", MAPLIBRE_WORKER_JS),
            ("maplibre-gl.css", MAPLIBRE_CSS),
            ("LICENSE-maplibre.txt", MAPLIBRE_LICENSE),
            ("pmtiles.js", PMTILES_JS),
            ("LICENSE-pmtiles.txt", PMTILES_LICENSE),
            ("mapbox-gl-rtl-text.js", RTL_TEXT_JS),
            ("LICENSE-mapbox-gl-rtl-text.md", RTL_TEXT_LICENSE),
        ] {
            let line = format!("| {name} | {} |", hex::encode(sha2::Sha256::digest(bytes)));
            assert!(
                source.contains(&line),
                "SOURCE.md does not name {name} with its SHA-256 (`{line}`)"
            );
        }
        assert!(source.contains("- maplibre-gl integrity: sha512-"));
        assert!(source.contains("- pmtiles integrity: sha512-"));
        assert!(source.contains("- mapbox-gl-rtl-text integrity: sha512-"));
    }

    #[test]
    fn the_world_basemap_is_a_small_vector_archive() {
        assert_eq!(world_zooms(), TileZooms { min: 0, max: 6 });
        assert!(
            WORLD_PMTILES.len() < 4 << 20,
            "{} bytes",
            WORLD_PMTILES.len()
        );
    }

    #[test]
    fn headers_that_are_no_vector_archive_are_refused() {
        assert!(pmtiles_zooms(b"PMTiles")
            .unwrap_err()
            .contains("no `PMTiles` header"));
        let mut header = WORLD_PMTILES[..127].to_vec();
        header[7] = 2;
        assert!(pmtiles_zooms(&header).unwrap_err().contains("version 2"));
        header[7] = 3;
        header[99] = 2;
        assert!(pmtiles_zooms(&header).unwrap_err().contains("tile type 2"));
        let missing = TileExtract::open(Path::new("/nonexistent/iraq.pmtiles")).unwrap_err();
        assert!(missing.contains("/nonexistent/iraq.pmtiles"), "{missing}");
    }

    #[test]
    fn the_bundled_outline_renders() {
        let svg = world_svg();
        assert!(svg.starts_with("<svg"));
        // Hundreds of arcs, thousands of points.
        assert!(svg.matches('M').count() > 500, "{}", &svg[..200]);
        assert!(svg.len() > 50_000);
    }

    #[test]
    fn no_stroke_crosses_the_whole_map() {
        // Every drawn segment is shorter than half the map's width.
        for sub in world_svg().split('M').skip(1) {
            let xs: Vec<f64> = sub
                .split('L')
                .filter_map(|p| p.split_whitespace().next()?.parse().ok())
                .collect();
            for pair in xs.windows(2) {
                assert!((pair[1] - pair[0]).abs() < 180.0, "{pair:?}");
            }
        }
    }

    #[test]
    fn projection() {
        assert_eq!(project(0.0, 0.0), (180.0, 90.0));
        // Sinjar, Iraq: north-east of the centre.
        let (x, y) = project(36.32, 41.87);
        assert!(x > 180.0 && y < 90.0);
    }
}
