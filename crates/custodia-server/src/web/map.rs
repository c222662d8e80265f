//! The world outline as SVG, drawn once from the bundled TopoJSON (see `assets/world/`), in an
//! equirectangular projection: x = longitude + 180, y = 90 − latitude, on a 360 × 180 canvas.
//! Every arc of the topology (coasts and borders) becomes one polyline; that is all an outline
//! needs, and it keeps the drawing independent of how polygons share arcs.

use std::fmt::Write as _;
use std::sync::OnceLock;

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
