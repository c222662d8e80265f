//! Case analysis: the crimes and their elements as data, and what follows from a case's links.
//!
//! An analyst charges a suspect with a crime of the Rome Statute, records incidents, and links
//! items of the vault to the elements of the crime: this item *supports* (or *contradicts*, or
//! gives *context* to) that element, weakly, moderately or strongly. From those statements the
//! crate computes:
//!
//! - the element matrix ([`Case::matrix`]): each element's status (unproven, weak, supported,
//!   contested) and the gaps, from the links to items the reader may see;
//! - the timeline ([`Case::timeline`]), with dates as precise as they are known
//!   ([`PartialDate`]);
//! - the map ([`Case::geojson`]), a GeoJSON FeatureCollection (RFC 7946) that keeps each
//!   point's precision in metres;
//! - FollowTheMoney entities ([`Case::ftm_entities`]) for OpenAleph.
//!
//! Beside the analysis, [`notices`] holds the rule that says when a victim or witness linked to a
//! case is owed a notice of its progress, and the notices' templates in six languages.
//!
//! The crimes are shipped as data ([`CrimeCatalogue::shipped`], `data/elements-of-crimes.json`):
//! every crime of articles 6, 7 and 8 of the Rome Statute with its numbered elements, in the
//! words of the International Criminal Court's Elements of Crimes (the edition the file names,
//! with the amendments of 2010, 2017 and 2019), and the modes of liability of articles 25(3)
//! and 28 as element sets written from the Statute and the Court's jurisprudence.
//!
//! The crate knows no database, network, vault or access policy: the caller stores cases and
//! passes, for each computation, the case and a predicate saying which items the reader may see.

#![forbid(unsafe_code)]

pub mod case;
pub mod catalogue;
pub mod date;
pub mod ftm;
pub mod geo;
pub mod matrix;
pub mod notices;
pub mod timeline;

pub use case::{
    Assessment, Case, CaseItem, Charge, Incident, InputError, ItemHash, Link, Location, Strength,
    TimeRange,
};
pub use catalogue::{
    CatalogueError, CatalogueFile, Category, Crime, CrimeCatalogue, Element, ElementKind,
    ImportReport,
};
pub use date::PartialDate;
pub use ftm::{to_json_lines, FtmEntity};
pub use geo::{Feature, FeatureCollection, Point};
pub use matrix::{ChargeRow, ElementRow, ElementStatus, Gap, LinkRow, Matrix};
pub use timeline::{Event, EventKind, Timeline};
