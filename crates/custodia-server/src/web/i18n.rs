//! The web application's interface languages. English is complete; Arabic and French carry the
//! navigation and the most used labels, and fall back to English for the rest, so that a
//! translator adds lines to one table and nothing else. Arabic switches the layout to
//! right-to-left (`dir="rtl"` on the document; the style sheet uses logical properties).

/// An interface language.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    En,
    Ar,
    Fr,
}

impl Lang {
    pub const ALL: [Lang; 3] = [Lang::En, Lang::Ar, Lang::Fr];

    pub fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Ar => "ar",
            Lang::Fr => "fr",
        }
    }

    /// The language's own name, for the language menu.
    pub fn name(self) -> &'static str {
        match self {
            Lang::En => "English",
            Lang::Ar => "العربية",
            Lang::Fr => "Français",
        }
    }

    pub fn from_code(code: &str) -> Option<Lang> {
        Lang::ALL
            .into_iter()
            .find(|l| l.code().eq_ignore_ascii_case(code.trim()))
    }

    /// The first supported language of an `Accept-Language` header.
    pub fn from_accept_language(header: &str) -> Option<Lang> {
        header
            .split(',')
            .filter_map(|part| part.split(';').next())
            .filter_map(|tag| tag.trim().split('-').next())
            .find_map(Lang::from_code)
    }

    pub fn dir(self) -> &'static str {
        match self {
            Lang::Ar => "rtl",
            _ => "ltr",
        }
    }

    /// The interface text for `key`; English when this language has no translation yet, and
    /// the key itself when English has none either (a missing text shows, never panics).
    pub fn t(self, key: &'static str) -> &'static str {
        let table: &[(&str, &str)] = match self {
            Lang::En => EN,
            Lang::Ar => AR,
            Lang::Fr => FR,
        };
        lookup(table, key)
            .or_else(|| lookup(EN, key))
            .unwrap_or(key)
    }
}

fn lookup(table: &[(&'static str, &'static str)], key: &str) -> Option<&'static str> {
    table.iter().find(|(k, _)| *k == key).map(|(_, v)| *v)
}

const EN: &[(&str, &str)] = &[
    ("app", "Custodia"),
    ("skip", "Skip to content"),
    ("nav.dashboard", "Dashboard"),
    ("nav.items", "Items"),
    ("nav.upload", "Upload"),
    ("nav.search", "Search"),
    ("nav.requests", "Requests"),
    ("nav.witnesses", "Witnesses"),
    ("nav.admin", "Administration"),
    ("signout", "Sign out"),
    ("signin", "Sign in"),
    ("signin.title", "Sign in to Custodia"),
    ("user", "User name"),
    ("password", "Password"),
    ("totp", "Second-factor code (if you have one)"),
    ("signin.failed", "Sign-in failed. Check the user name, the password and the code."),
    ("dash.holdings", "Holdings"),
    ("dash.by_originator", "By originator"),
    ("dash.by_kind", "By type"),
    ("dash.open_requests", "Open requests"),
    ("dash.activity", "Recent activity"),
    ("dash.none", "Nothing yet."),
    ("items.title", "Items"),
    ("items.filter", "Filter"),
    ("items.originator", "Originator"),
    ("items.kind", "Type"),
    ("items.path", "Name contains"),
    ("items.any", "any"),
    ("items.none", "No item you may see matches."),
    ("items.count", "items"),
    ("item.facts", "Facts"),
    ("item.preview", "Preview"),
    ("item.metadata", "Metadata"),
    ("item.place", "Capture place"),
    ("item.history", "Custody history"),
    ("item.provenance", "Provenance"),
    ("item.download", "Download"),
    ("item.purpose", "Purpose (recorded in the custody log)"),
    ("item.verified", "Verified"),
    ("item.not_rehashed", "Log proven; content not re-hashed"),
    ("item.failed", "Verification failed"),
    ("item.deep", "Re-hash the content now"),
    ("item.text", "Extracted text"),
    ("item.no_preview", "No preview for this type; download it to view it."),
    ("search.title", "Search"),
    ("search.query", "Query"),
    ("search.help", "Words, \"phrases\", AND / OR / NOT, prefix*, fuzzy~1, field:value (language, type, originator, case)."),
    ("search.results", "results"),
    ("search.cross_script", "found across scripts"),
    ("search.facets", "Refine"),
    ("search.sort", "Sort"),
    ("search.relevance", "Relevance"),
    ("search.newest", "Newest"),
    ("search.oldest", "Oldest"),
    ("search.none", "Nothing found."),
    ("req.title", "Requests for assistance"),
    ("req.new", "File a request"),
    ("req.authority", "Requesting authority"),
    ("req.legal_basis", "Legal basis"),
    ("req.case", "Case reference"),
    ("req.suspects", "Suspects (one per line)"),
    ("req.crimes", "Crimes (one per line)"),
    ("req.places", "Places (one per line)"),
    ("req.period", "Period"),
    ("req.text", "What is asked"),
    ("req.deadline", "Deadline (YYYY-MM-DD)"),
    ("req.file", "File the request"),
    ("req.state", "State"),
    ("req.waiting", "Waits on"),
    ("req.items", "Items"),
    ("req.scope", "Add items (SHA-256, one per line)"),
    ("req.scope.button", "Add to the request"),
    ("req.decide", "Consent decision"),
    ("req.grant", "Grant"),
    ("req.refuse", "Refuse"),
    ("req.reason", "Reason"),
    ("req.finalise", "Build the disclosure package"),
    ("req.packages", "Packages"),
    ("req.none", "No request you have a part in."),
    ("upload.title", "Upload evidence"),
    ("upload.file", "File"),
    ("upload.originator", "Originator"),
    ("upload.case", "Case reference (optional)"),
    ("upload.note", "Collection note (optional)"),
    ("upload.start", "Upload"),
    ("upload.needs_js", "Uploading needs JavaScript (the file is sent in resumable chunks). Without it, use `custodia ingest` on the server."),
    ("wit.title", "Witnesses and protective measures"),
    ("wit.none", "No person recorded."),
    ("admin.title", "Administration"),
    ("admin.orgs", "Organisations"),
    ("admin.users", "Users"),
    ("admin.cases", "Cases"),
    ("admin.keys", "Keys and checkpoints"),
    ("admin.sign", "Sign a checkpoint now"),
    ("nav.cases", "Cases"),
    ("case.title", "Case"),
    ("cases.title", "Cases"),
    ("cases.none", "No case whose analysis you may read."),
    ("case.file", "Case file"),
    ("case.report_note", "The analysis as its reader may see it: the proof matrix, the timeline, the map, and each linked item with the custody log entry that proves its preservation (check it with `custodia log prove`, or `custodia-verify` on a disclosure package)."),
    ("case.matrix", "Proof matrix"),
    ("case.gaps", "Gaps"),
    ("case.no_gaps", "Every element has support."),
    ("case.no_charges", "No charge laid yet."),
    ("case.timeline", "Timeline"),
    ("case.map", "Map"),
    ("case.items", "Items"),
    ("case.item", "Item"),
    ("case.incident", "Incident"),
    ("case.incidents", "Incidents"),
    ("case.events", "events"),
    ("case.undated", "without a date"),
    ("case.more", "more"),
    ("case.places", "places"),
    ("case.proof", "Custody proof"),
    ("case.links", "Links"),
    ("case.element", "Element"),
    ("case.text", "What must be proved"),
    ("case.status", "Status"),
    ("case.evidence", "Evidence"),
    ("case.status.unproven", "Unproven"),
    ("case.status.weak", "Weak"),
    ("case.status.supported", "Supported"),
    ("case.status.contested", "Contested"),
    ("case.supports", "supports"),
    ("case.contradicts", "contradicts"),
    ("case.context", "context"),
    ("case.weak", "weak"),
    ("case.medium", "medium"),
    ("case.strong", "strong"),
    ("case.withheld", "Links to items you may not see are left out: the statuses and gaps count only the links shown."),
    ("case.add_charge", "Lay a charge"),
    ("case.crime", "Crime"),
    ("case.mode", "Mode of liability (optional)"),
    ("case.suspect", "Suspect"),
    ("case.add_incident", "Add an incident"),
    ("case.incident_title", "Title"),
    ("case.from", "From (YYYY, YYYY-MM or YYYY-MM-DD)"),
    ("case.to", "To (optional)"),
    ("case.place", "Place"),
    ("case.lat", "Latitude"),
    ("case.lon", "Longitude"),
    ("case.precision", "Precision (metres)"),
    ("case.description", "Description"),
    ("case.link_item", "Link to an element of a case"),
    ("case.case", "Case"),
    ("case.element_id", "Element (e.g. 7(1)(a)/1)"),
    ("case.assessment", "Assessment"),
    ("case.strength", "Strength"),
    ("case.excerpt", "Excerpt"),
    ("case.page", "Page"),
    ("case.note", "Note"),
    ("case.unlink", "Unlink"),
    ("case.save", "Save"),
    ("case.export_ftm", "FollowTheMoney export"),
    ("case.report", "Printable case file"),
    ("case.geojson", "GeoJSON"),
    ("forbidden", "You may not see this page."),
    ("language", "Language"),
];

const AR: &[(&str, &str)] = &[
    ("app", "كستوديا"),
    ("skip", "انتقل إلى المحتوى"),
    ("nav.dashboard", "لوحة المعلومات"),
    ("nav.items", "المواد"),
    ("nav.upload", "رفع"),
    ("nav.search", "بحث"),
    ("nav.requests", "الطلبات"),
    ("nav.witnesses", "الشهود"),
    ("nav.admin", "الإدارة"),
    ("signout", "تسجيل الخروج"),
    ("signin", "تسجيل الدخول"),
    ("user", "اسم المستخدم"),
    ("password", "كلمة المرور"),
    ("search.title", "بحث"),
    ("search.query", "عبارة البحث"),
    ("search.none", "لم يُعثر على شيء."),
    ("nav.cases", "القضايا"),
    ("cases.title", "القضايا"),
    ("case.matrix", "مصفوفة الإثبات"),
    ("case.gaps", "الثغرات"),
    ("case.timeline", "التسلسل الزمني"),
    ("case.map", "الخريطة"),
    ("case.status.unproven", "غير مثبت"),
    ("case.status.weak", "ضعيف"),
    ("case.status.supported", "مدعوم"),
    ("case.status.contested", "متنازع عليه"),
    ("language", "اللغة"),
];

const FR: &[(&str, &str)] = &[
    ("skip", "Aller au contenu"),
    ("nav.dashboard", "Tableau de bord"),
    ("nav.items", "Pièces"),
    ("nav.upload", "Téléverser"),
    ("nav.search", "Recherche"),
    ("nav.requests", "Demandes"),
    ("nav.witnesses", "Témoins"),
    ("nav.admin", "Administration"),
    ("signout", "Se déconnecter"),
    ("signin", "Se connecter"),
    ("user", "Nom d'utilisateur"),
    ("password", "Mot de passe"),
    ("search.title", "Recherche"),
    ("search.query", "Requête"),
    ("search.none", "Aucun résultat."),
    ("nav.cases", "Affaires"),
    ("cases.title", "Affaires"),
    ("case.matrix", "Matrice de preuve"),
    ("case.gaps", "Lacunes"),
    ("case.timeline", "Chronologie"),
    ("case.map", "Carte"),
    ("case.status.unproven", "Non prouvé"),
    ("case.status.weak", "Faible"),
    ("case.status.supported", "Étayé"),
    ("case.status.contested", "Contesté"),
    ("language", "Langue"),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn languages_fall_back_to_english_and_arabic_is_rtl() {
        assert_eq!(Lang::Fr.t("nav.search"), "Recherche");
        assert_eq!(Lang::Fr.t("req.legal_basis"), "Legal basis");
        assert_eq!(Lang::En.t("no.such.key"), "no.such.key");
        assert_eq!(Lang::Ar.dir(), "rtl");
        assert_eq!(
            Lang::from_accept_language("de-DE,fr;q=0.8,en;q=0.5"),
            Some(Lang::Fr)
        );
        assert_eq!(Lang::from_accept_language("de"), None);
    }

    #[test]
    fn every_translated_key_exists_in_english() {
        for (key, _) in AR.iter().chain(FR) {
            assert!(lookup(EN, key).is_some(), "`{key}` has no English text");
        }
    }
}
