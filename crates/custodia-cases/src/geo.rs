//! The case on a map: a GeoJSON FeatureCollection (RFC 7946).
//!
//! RFC 7946 fixes the coordinate reference system to WGS 84 and the order to longitude then
//! latitude (§3.1.1, §4), and forbids the old `crs` member; positions are written as stored,
//! without rounding, and each feature keeps its precision in metres as a property so that a
//! reader does not take a village for a courtyard.

use std::collections::HashSet;

use serde::Serialize;
use serde_json::{Map, Value};

use crate::case::{Case, ItemHash, Location};
use crate::matrix::Visibility;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FeatureCollection {
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub features: Vec<Feature>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Feature {
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub id: String,
    pub geometry: Point,
    pub properties: Map<String, Value>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Point {
    #[serde(rename = "type")]
    pub kind: &'static str,
    /// `[longitude, latitude]`.
    pub coordinates: [f64; 2],
}

impl Point {
    fn at(location: &Location) -> Point {
        Point {
            kind: "Point",
            coordinates: [location.lon(), location.lat()],
        }
    }
}

fn feature(id: String, location: &Location, mut properties: Map<String, Value>) -> Feature {
    properties.insert("precision_m".into(), location.precision_m().into());
    Feature {
        kind: "Feature",
        id,
        geometry: Point::at(location),
        properties,
    }
}

impl Case {
    /// Incidents with coordinates, and the linked items the reader may see that carry a
    /// capture place. Features without coordinates are left out rather than given a made-up
    /// point.
    pub fn geojson(&self, visible: impl Fn(&ItemHash) -> bool) -> FeatureCollection {
        let mut access = Visibility::new(visible);
        let mut features = Vec::new();
        for incident in &self.incidents {
            let Some(location) = &incident.location else {
                continue;
            };
            let mut properties = Map::new();
            properties.insert("kind".into(), "incident".into());
            properties.insert("case".into(), self.case.clone().into());
            properties.insert("incident".into(), incident.incident.clone().into());
            properties.insert("title".into(), incident.title.clone().into());
            if let Some(from) = incident.from {
                properties.insert("from".into(), from.to_string().into());
            }
            if let Some(to) = incident.to {
                properties.insert("to".into(), to.to_string().into());
            }
            if let Some(place) = &incident.place {
                properties.insert("place".into(), place.clone().into());
            }
            if let Some(description) = &incident.description {
                properties.insert("description".into(), description.clone().into());
            }
            features.push(feature(
                format!("incident:{}", incident.incident),
                location,
                properties,
            ));
        }
        let linked: HashSet<&ItemHash> = self
            .links
            .iter()
            .filter(|l| access.check(&l.item))
            .map(|l| &l.item)
            .collect();
        let mut placed = HashSet::new();
        for item in &self.items {
            let Some(location) = &item.location else {
                continue;
            };
            if !linked.contains(&item.item) || !placed.insert(&item.item) {
                continue;
            }
            let mut properties = Map::new();
            properties.insert("kind".into(), "item".into());
            properties.insert("case".into(), self.case.clone().into());
            properties.insert("item".into(), item.item.to_string().into());
            properties.insert("title".into(), item.title.clone().into());
            if let Some(date) = item.date {
                properties.insert("date".into(), date.to_string().into());
            }
            features.push(feature(format!("item:{}", item.item), location, properties));
        }
        FeatureCollection {
            kind: "FeatureCollection",
            features,
        }
    }
}
