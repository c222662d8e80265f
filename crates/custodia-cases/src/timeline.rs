//! The case's timeline: incidents and linked items in date order.

use std::collections::{HashMap, HashSet};

use serde::{Deserialize, Serialize};

use crate::case::{Case, ItemHash};
use crate::date::PartialDate;
use crate::matrix::Visibility;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum EventKind {
    Incident,
    Item,
}

/// One dated entry of the timeline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Event {
    pub date: PartialDate,
    /// An incident's end, when it lasted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to: Option<PartialDate>,
    pub kind: EventKind,
    /// The incident's reference or the item's SHA-256.
    pub id: String,
    pub title: String,
}

/// `custodia case timeline REF --json`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Timeline {
    pub case: String,
    pub events: Vec<Event>,
    /// Incidents and linked items without a date, which a timeline cannot place.
    pub undated: usize,
    /// True when items the reader may not see were left out.
    pub withheld: bool,
}

impl Case {
    /// Incidents (by their start) and the linked items the reader may see (by the date they
    /// were made), in date order. Ties keep the input order, incidents before items, so the
    /// same case always gives the same timeline.
    pub fn timeline(&self, visible: impl Fn(&ItemHash) -> bool) -> Timeline {
        let mut access = Visibility::new(visible);
        let linked: HashSet<&ItemHash> = self
            .links
            .iter()
            .filter(|l| access.check(&l.item))
            .map(|l| &l.item)
            .collect();
        let mut events = Vec::with_capacity(self.incidents.len() + linked.len());
        let mut undated = 0;
        for incident in &self.incidents {
            match incident.from.or(incident.to) {
                Some(date) => events.push(Event {
                    date,
                    to: incident.to.filter(|_| incident.from.is_some()),
                    kind: EventKind::Incident,
                    id: incident.incident.clone(),
                    title: incident.title.clone(),
                }),
                None => undated += 1,
            }
        }
        // An item described twice is placed once.
        let mut placed: HashMap<&ItemHash, ()> = HashMap::new();
        for item in &self.items {
            if !linked.contains(&item.item) || placed.insert(&item.item, ()).is_some() {
                continue;
            }
            match item.date {
                Some(date) => events.push(Event {
                    date,
                    to: None,
                    kind: EventKind::Item,
                    id: item.item.to_string(),
                    title: item.title.clone(),
                }),
                None => undated += 1,
            }
        }
        undated += linked.len() - placed.len();
        // `sort_by_key` is stable, so equal dates keep the order above.
        events.sort_by_key(|event| event.date);
        Timeline {
            case: self.case.clone(),
            events,
            undated,
            withheld: access.withheld,
        }
    }
}
