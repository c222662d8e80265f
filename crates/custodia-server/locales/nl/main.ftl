# Custodia: de interface in het Nederlands. Precies de berichten van de Engelse catalogus.

## Toepassing en navigatie

nav-reports = Rapportages
app = Custodia
skip = Naar de inhoud
nav-dashboard = Overzicht
nav-items = Stukken
nav-upload = Uploaden
nav-search = Zoeken
nav-requests = Verzoeken
nav-witnesses = Getuigen
nav-admin = Beheer
signout = Afmelden
signin = Aanmelden
signin-title = Aanmelden bij Custodia
user = Gebruikersnaam
password = Wachtwoord
totp = Code van de tweede factor (als u die hebt)
signin-failed = Aanmelden mislukt. Controleer de gebruikersnaam, het wachtwoord en de code.
nav-cases = Zaken
forbidden = U mag deze pagina niet zien.
nav-victims = Slachtofferondersteuning
language = Taal
col-id = Kenmerk
col-time = Tijdstip
col-who = Wie
col-action = Handeling
col-item = Stuk
col-log = Lognummer
log-pending = wordt vastgelegd
col-name = Naam
col-size = Grootte
col-stored = Opgeslagen
col-details = Details
pages-label = Pagina's
pages-previous = ← Vorige
pages-next = Volgende →
language-title = Taal van de interface
language-note = De pagina's worden getoond in de taal die u hier kiest; die wordt bij uw account en in deze browser bewaard.
language-choose = Kiezen
language-saved = Taal opgeslagen.
nav-language = Taal
nav-label = Hoofdmenu
error = Fout
error-bad_request = Ongeldig verzoek
error-forbidden = Niet toegestaan
error-not_found = Niet gevonden
error-conflict = Conflict
error-server = Serverfout
error-language = Onbekende taal.
error-not_sha256 = Dat is geen SHA-256.
error-strength = Kies zwak, gemiddeld of sterk.
error-page_number = De pagina is geen getal.
error-decision = Kies toestaan of weigeren.
error-org_kind = Onbekende soort organisatie.
error-role = Onbekende rol.
error-precision = De nauwkeurigheid is geen getal.
error-lat_lon = Geef breedte- en lengtegraad allebei als getal, of geen van beide.
error-assessment = Kies ondersteunt, weerspreekt of context.

## Overzicht

dash-holdings = Bestand
dash-by_originator = Per herkomst
dash-by_kind = Per soort
dash-open_requests = Openstaande verzoeken
dash-activity = Recente activiteit
dash-none = Nog niets.
dash-truncated = Geteld over de eerste 100.000 stukken.

## Stukken

items-title = Stukken
items-filter = Filteren
items-originator = Herkomst
items-kind = Soort
items-path = Naam bevat
items-any = alle
items-none = Geen stuk dat u mag zien komt overeen.
items-count =
    { $count ->
        [one] { $count } stuk
       *[other] { $count } stukken
    }
item-facts = Gegevens
item-preview = Voorbeeld
item-metadata = Metadata
item-place = Opnameplaats
item-history = Bewaringsgeschiedenis
item-provenance = Herkomstgegevens
item-download = Downloaden
item-purpose = Doel (vastgelegd in het bewaringslogboek)
item-verified = Geverifieerd
item-not_rehashed = Log bewezen; inhoud niet opnieuw gehasht
item-failed = Verificatie mislukt
item-deep = De inhoud nu opnieuw hashen
item-text = Geëxtraheerde tekst
item-no_preview = Geen voorbeeld voor deze soort; download het stuk om het te bekijken.
item-regime = Deelregime
item-path = Pad
item-collected_by = Verzameld door
item-collected_at = Verzameld op
item-inside = Onderdeel van
item-truncated = Alleen het begin wordt getoond.
item-extraction_failed = Extractie mislukt:
item-redact = Onleesbaar maken
item-redact_texts = Weg te lakken tekst (één per regel)
item-redact_button = Een gelakte kopie maken
item-rehashed = SHA-256 van de inhoud opnieuw berekend
item-preview_of = Voorbeeld van { $name }
item-first_page = Eerste pagina van { $name }
item-bytes =
    { $count ->
        [one] { $count } byte
       *[other] { $count } bytes
    }
item-proven =
    { $count ->
        [one] { $count } bewaringsregel bewezen in het ondertekende log van { $size } regels
       *[other] { $count } bewaringsregels bewezen in het ondertekende log van { $size } regels
    }

## Zoeken

search-title = Zoeken
search-query = Zoekvraag
search-help = Woorden, "woordgroepen", AND / OR / NOT, voorvoegsel*, ongeveer~1, veld:waarde (language, type, originator, case).
search-results =
    { $count ->
        [one] { $count } resultaat
       *[other] { $count } resultaten
    }
search-cross_script = gevonden in een ander schrift
search-facets = Verfijnen
search-sort = Sorteren
search-relevance = Relevantie
search-newest = Nieuwste
search-oldest = Oudste
search-none = Niets gevonden.

## Rechtshulpverzoeken

req-title = Rechtshulpverzoeken
req-new = Een verzoek indienen
req-authority = Verzoekende autoriteit
req-legal_basis = Rechtsgrondslag
req-case = Zaaknummer
req-suspects = Verdachten (één per regel)
req-crimes = Misdrijven (één per regel)
req-places = Plaatsen (één per regel)
req-period = Periode
req-text = Wat wordt gevraagd
req-deadline = Termijn (JJJJ-MM-DD)
req-file = Het verzoek indienen
req-state = Stand
req-waiting = Wacht op
req-items = Stukken
req-scope = Stukken toevoegen (SHA-256, één per regel)
req-scope-button = Aan het verzoek toevoegen
req-decide = Besluit over toestemming
req-grant = Toestaan
req-refuse = Weigeren
req-reason = Reden
req-finalise = Het verstrekkingspakket samenstellen
req-packages = Pakketten
req-none = Geen verzoek waarbij u betrokken bent.
req-filed = Ingediend
req-states = Verloop
req-reason-awaiting = wacht op toestemming van
req-reason-refused = geweigerd door
req-reason-restricted = alleen voor de bewaarders, bepaald door
req-reason-witness = de eigen toestemming van de getuige geldt niet voor deze ontvanger
req-reason-no_item = geen zodanig stuk
state-filed = ingediend
state-awaiting_consent = wacht op toestemming
state-ready = gereed
state-refused = geweigerd
state-withheld = achtergehouden
state-released = verstrekt
state-withdrawn = ingetrokken
state-finalised = afgerond
waiting-holder = de bewaarder
waiting-originators = de herkomstpartijen
waiting-nobody = niemand
req-filed_by = { $at } door { $by }
req-finalise_note = Stelt een BagIt-pakket samen van alle stukken die klaar zijn voor verstrekking, met bewijzen, voor { $authority }.
days-left =
    { $count ->
        [one] nog { $count } dag
       *[other] nog { $count } dagen
    }

## Uploaden

upload-title = Bewijsmateriaal uploaden
upload-file = Bestand
upload-originator = Herkomst
upload-case = Zaaknummer (optioneel)
upload-note = Verzamelnotitie (optioneel)
upload-start = Uploaden
upload-needs_js = Uploaden vraagt JavaScript (het bestand wordt in hervatbare delen verzonden). Gebruik zonder JavaScript `custodia ingest` op de server.
upload-hashing = SHA-256 van het bestand wordt berekend…
upload-sending = Verzenden… { $percent }%
upload-resuming = Verbinding verbroken; hervatten…
upload-storing = Controleren en opslaan…
upload-stored = Opgeslagen als item { $sha256 }.
upload-nothing = Er is niets opgeslagen.
upload-failed = Uploaden mislukt: { $error }

## Getuigen

wit-title = Getuigen en beschermingsmaatregelen
wit-none = Geen persoon vastgelegd.
wit-identity = Identiteit
wit-measures = Beschermingsmaatregelen
wit-scope = Reikwijdte van delen
wit-statements = Verklaringen
wit-withheld = afgeschermd

## Beheer

admin-title = Beheer
admin-orgs = Organisaties
admin-users = Gebruikers
admin-cases = Zaken
admin-keys = Sleutels en controlepunten
admin-sign = Nu een controlepunt ondertekenen
admin-kind = Soort
admin-approved = Erkende verzoeker
admin-added = Toegevoegd
admin-organisation = Organisatie
admin-roles = Rollen
admin-add_org = Een organisatie toevoegen
admin-add_user = Een gebruiker toevoegen
admin-add = Toevoegen
admin-password_note = De gebruiker kan zich aanmelden zodra een wachtwoord is ingesteld met `custodia user password` op de server.
admin-cli_note = Rollen, zaken en erkenningen worden ook beheerd met `custodia user`, `custodia case` en `custodia org` op de server.
admin-origin = Oorsprong van het log
admin-entries = Regels
admin-vkey = Verificatiesleutel
admin-checkpoint = Laatste ondertekende controlepunt
admin-vkey_text = Verificatiesleutel (tekst)

## Zaken

case-title = Zaak
cases-title = Zaken
cases-none = Geen zaak waarvan u de analyse mag lezen.
case-file = Zaakdossier
case-report_note = De analyse zoals haar lezer die mag zien: de bewijsmatrix, de tijdlijn, de kaart en elk gekoppeld stuk met de regel in het bewaringslogboek die de bewaring ervan bewijst (te controleren met `custodia log prove`, of `custodia-verify` op een verstrekkingspakket).
case-matrix = Bewijsmatrix
case-gaps = Leemten
case-no_gaps = Elk bestanddeel wordt ondersteund.
case-no_charges = Nog geen tenlastelegging.
case-timeline = Tijdlijn
case-map = Kaart
case-items = Stukken
case-item = Stuk
case-incident = Feit
case-incidents = Feiten
case-events =
    { $count ->
        [one] { $count } gebeurtenis
       *[other] { $count } gebeurtenissen
    }
case-undated =
    { $count ->
        [one] { $count } zonder datum
       *[other] { $count } zonder datum
    }
case-more =
    { $count ->
        [one] en nog { $count }
       *[other] en nog { $count }
    }
case-places =
    { $count ->
        [one] { $count } plaats
       *[other] { $count } plaatsen
    }
case-proof = Bewaringsbewijs
case-links = Koppelingen
case-element = Bestanddeel
case-text = Wat bewezen moet worden
case-status = Stand
case-evidence = Bewijs
case-status-unproven = Onbewezen
case-status-weak = Zwak
case-status-supported = Ondersteund
case-status-contested = Betwist
case-kind-material = materieel
case-kind-mental = subjectief
case-kind-contextual = contextueel
case-supports = ondersteunt
case-contradicts = weerspreekt
case-context = context
case-weak = zwak
case-medium = gemiddeld
case-strong = sterk
case-withheld = Koppelingen naar stukken die u niet mag zien zijn weggelaten: standen en leemten tellen alleen de getoonde koppelingen.
case-add_charge = Een feit ten laste leggen
case-crime = Misdrijf
case-mode = Deelnemingsvorm (optioneel)
case-suspect = Verdachte
case-add_incident = Een feit toevoegen
case-incident_title = Titel
case-from = Van (JJJJ, JJJJ-MM of JJJJ-MM-DD)
case-to = Tot (optioneel)
case-place = Plaats
case-lat = Breedtegraad
case-lon = Lengtegraad
case-precision = Nauwkeurigheid (meter)
case-description = Omschrijving
case-link_item = Koppelen aan een bestanddeel van een zaak
case-case = Zaak
case-element_id = Bestanddeel (bijv. 7(1)(a)/1)
case-assessment = Beoordeling
case-strength = Bewijskracht
case-excerpt = Fragment
case-page = Pagina
case-note = Notitie
case-unlink = Ontkoppelen
case-save = Opslaan
case-export_ftm = FollowTheMoney-export
case-report = Afdrukbaar zaakdossier
case-geojson = GeoJSON

## Rapportages

reports-from = Van
reports-to = Tot
reports-show = Tonen
reports-period = Periode:
reports-authorities = Verzoeken per verzoekende autoriteit
reports-consent = Toestemming per herkomst
reports-holdings = Bestand per herkomst
reports-types = Bestand per soort
reports-stages = Zaken per fase
reports-authority = Autoriteit
reports-originator = Herkomst
reports-filed = Ingediende verzoeken
reports-finalised = Afgerond
reports-open = Open
reports-withdrawn = Ingetrokken
reports-median_days = Mediaan dagen tot afronding
reports-granted = Toegestaan
reports-refused = Geweigerd
reports-conditional = Onder voorwaarden
reports-median_days_decide = Mediaan dagen tot besluit
reports-items = Stukken
reports-bytes = Bytes
reports-type = Soort
reports-stage = Fase
reports-count = Zaken
reports-none = Niets in deze periode.
reports-csv = Downloaden als CSV
reports-by_month = Verzoeken per maand
reports-month = Maand
reports-finalised_in_month = Afgerond

## Slachtofferondersteuning

victims-title = Slachtofferondersteuning
victims-due = Verschuldigde berichten
victims-as_of = Per
victims-show = Tonen
victims-none = Er is geen bericht verschuldigd.
victims-status = Stand
victims-overdue = Te laat
victims-overdue_count =
    { $count ->
        [one] { $count } te laat
       *[other] { $count } te laat
    }
victims-pending = Verschuldigd
victims-pseudonym = Pseudoniem
victims-case = Zaak
victims-reason = Reden
victims-since = Sinds
victims-due_by = Uiterlijk
victims-language = Taal
victims-channel = Kanaal
victims-draft = Opstellen
victims-reason-milestone = Mijlpaal
victims-reason-information_request = Verzoek om informatie
victims-reason-periodic = Periodieke stand van zaken
victims-channel-letter = Brief
victims-channel-email = E-mail
victims-channel-phone = Telefoon
victims-channel-in_person = Persoonlijk
victims-channel-via_intermediary = Via een tussenpersoon
victims-lang-nl = Nederlands
victims-lang-en = Engels
victims-lang-ar = Arabisch
victims-lang-fr = Frans
victims-lang-ckb = Koerdisch (Sorani)
victims-lang-kmr = Koerdisch (Kurmanji)
victims-unknown = niet vastgelegd
victims-draft_title = Conceptbericht
victims-draft_note = Het concept is in de taal van de persoon. Dat het is opgesteld wordt vastgelegd in het bewaringslogboek, zonder de inhoud.
victims-covers = Wat het afdoet
victims-covers_note = Niets aangevinkt: elke reden die op die dag verschuldigd is.
victims-milestones = Meegedeelde mijlpalen
victims-record = Het bericht als verzonden vastleggen
victims-sent_at = Verzonden op
victims-back = Terug naar de verschuldigde berichten
victims-person = Contactlogboek
victims-contact = Contactgegevens
victims-no_contact = Geen contactgegevens vastgelegd.
victims-email = E-mailadres
victims-address = Postadres
victims-phone = Telefoonnummer
victims-intermediary = Tussenpersoon
victims-updates = Wil op de hoogte worden gehouden
victims-yes = Ja
victims-no = Nee
victims-interval = Maanden tussen berichten
victims-cases = Zaken
victims-role = Hoedanigheid
victims-linked_on = Berichten verschuldigd sinds
victims-role-victim = Slachtoffer
victims-role-witness = Getuige
victims-role-victim_witness = Slachtoffer en getuige
victims-entries = Contacten
victims-no_entries = Nog geen contact.
victims-date = Datum
victims-kind = Soort
victims-kind-notice = Bericht
victims-via = Hoe
victims-via-recorded = met de hand vastgelegd
victims-via-smtp = door de kluis gemaild
victims-letter_kept = brief bewaard
victims-text = Wat werd gevraagd
victims-recorded = Vastgelegd

## Het openbare meldformulier

report-title = Schade aan burgers melden
report-intro = Vertel ons wat er is gebeurd. Elke melding wordt gelezen en beoordeeld. We bewaren alleen wat u hier schrijft: niet uw adres, niet uw browser. Laat alleen een contact achter als u wilt dat we u bereiken.
report-date = Datum
report-place = Plaats
report-lat = Breedtegraad (optioneel)
report-lon = Lengtegraad (optioneel)
report-description = Wat is er gebeurd
report-killed = Gedode personen
report-injured = Gewonde personen
report-contact = Hoe we u kunnen bereiken (optioneel)
report-attachments = Foto's, video's of documenten (tot 5 bestanden van elk 25 MiB)
report-send = De melding versturen
report-received = Uw melding is ontvangen
report-reference = Het kenmerk, te vermelden als u ons erover schrijft:
report-another = Iets anders melden
report-problem = De melding is niet verstuurd:

## Web capture
nav-capture = Vastleggen
capture-title = Een webpagina vastleggen
capture-url = Adres van de pagina (http of https)
capture-originator = Herkomst
capture-case = Zaaknummer (optioneel)
capture-note = Waarom en hoe de pagina wordt vastgelegd (optioneel)
capture-media = Ook video en geluid van de pagina bewaren
capture-start = Pagina vastleggen
capture-busy_note = Vastleggen duurt van enkele seconden tot een of twee minuten; houd deze pagina open tot het klaar is.
capture-private_note = Pagina's binnen het eigen netwerk van de beheerder worden hier niet vastgelegd.
capture-failed = De pagina is niet vastgelegd
capture-view_title = Webvastlegging
capture-url_asked = Gevraagd adres
capture-final_url = Eindadres
capture-http_status = HTTP-status
capture-page_title = Paginatitel
capture-started = Begonnen
capture-ended = Beëindigd
capture-operator = Vastgelegd door
capture-tools = Hulpmiddelen
capture-redirects = Doorverwijzingen
capture-record = Vastleggingsverslag
capture-timestamps = Betrouwbare tijdstempels
capture-tsa = Instantie
capture-tsa_status = Controle
capture-gen_time = Tijd
capture-verified = Gecontroleerd
capture-not_verified = Niet gecontroleerd
capture-no_timestamps = Geen tijdstempelinstantie heeft voor deze vastlegging geantwoord.
capture-errors = Problemen
capture-screenshot = Schermafbeelding
capture-text = Zichtbare tekst
capture-certificate = Servercertificaat
capture-no_certificate = Geen certificaat (de pagina kwam niet via HTTPS).
capture-artefacts = Bestanden van de vastlegging
capture-replay = De gearchiveerde pagina, opnieuw afgespeeld
capture-replay_note = Afgespeeld uit de WACZ van de vastlegging door ReplayWeb.page, dat deze server vanaf een apart adres aanbiedt; er wordt niets van het live web opgehaald. De koppeling blijft een uur geldig: laad deze pagina opnieuw om weer af te spelen.
capture-replay_frame = Weergave van de gearchiveerde pagina

## Formatting and relative times
time-now = zojuist
time-ago-minutes =
    { $count ->
        [one] { $count } minuut geleden
       *[other] { $count } minuten geleden
    }
time-in-minutes =
    { $count ->
        [one] over { $count } minuut
       *[other] over { $count } minuten
    }
time-ago-hours =
    { $count ->
        [one] { $count } uur geleden
       *[other] { $count } uur geleden
    }
time-in-hours =
    { $count ->
        [one] over { $count } uur
       *[other] over { $count } uur
    }
time-ago-days =
    { $count ->
        [one] { $count } dag geleden
       *[other] { $count } dagen geleden
    }
time-in-days =
    { $count ->
        [one] over { $count } dag
       *[other] over { $count } dagen
    }
copy-hash = Kopiëren
copy-hash_label = De volledige SHA-256-hash kopiëren
copy-done = Gekopieerd
copy-selected = Geselecteerd: druk op Ctrl+C om te kopiëren
zone-title = Tijdzone
zone-note = Tijden worden in UTC bewaard; deze keuze verandert alleen hoe deze browser ze toont.
zone-choose = Tijden in deze zone tonen
error-zone = Die tijdzone bestaat niet.

## Map
map-label = Interactieve kaart: zoom met de knoppen, het muiswiel of de toetsen + en −
map-zoom_in = Inzoomen
map-zoom_out = Uitzoomen
map-reset_north = Noorden boven
map-close = Sluiten
map-open = Openen

## Civilian-harm reports
nav-harm = Schademeldingen
harm-title = Meldingen van schade aan burgers
harm-filter = Uitkomst
harm-all = Alle
harm-status-pending = Nog niet beoordeeld
harm-status-credible = Geloofwaardig
harm-status-not_credible = Niet geloofwaardig
harm-status-duplicate = Dubbel
harm-status-insufficient_information = Onvoldoende informatie
harm-map = Gemelde plaatsen
harm-unplaced =
    { $count ->
        [one] { $count } melding gaf geen positie en staat niet op de kaart.
       *[other] { $count } meldingen gaven geen positie en staan niet op de kaart.
    }
harm-list = Meldingen
harm-none = Geen meldingen.
harm-reference = Kenmerk
harm-received = Ontvangen
harm-attachments = Bijlagen
harm-pages = Pagina's met meldingen
harm-previous = Vorige
harm-next = Volgende
harm-report = Melding
harm-position = Opgegeven positie
harm-no_position = niet opgegeven
harm-contact = Contact van de melder
harm-no_contact = niet opgegeven
harm-item = De melding zoals bewaard
harm-no_attachments = geen
harm-assessments = Beoordelingen
harm-not_assessed = Nog niet beoordeeld.
harm-assessed_at = Beoordeeld
harm-assessed_by = Door
harm-outcome = Uitkomst
harm-area = Gebied
harm-area_hint = Het gebied dat het openbare overzicht noemt; nooit de precieze plaats.
harm-public_summary = Openbare samenvatting
harm-note = Notitie van de beoordelaar
harm-note_hint = Blijft verzegeld en wordt nooit gepubliceerd; het bewaarlogboek houdt alleen de hash bij.
harm-assess = Een beoordeling vastleggen
harm-duplicate_of = Dubbel van (kenmerk)
harm-record = Beoordeling vastleggen
harm-back = Terug naar de meldingen
harm-not_a_count = is geen geheel aantal mensen
