// The pages' interactive maps: MapLibre GL JS (bundled) over vector tiles this server serves
// (PMTiles read with range requests: the world basemap, and the holder's detailed extract if
// one is configured). Every request goes to this server: the style names no other host, no
// glyph files (MapLibre draws the labels' letters in the browser, from the reader's own fonts)
// and no icons (which would need sprites). Labels are in the page's language: the countries'
// names the world basemap carries for each interface language (CLDR), the extract's own names
// in that language where it has them, else the local name; Arabic-script labels are shaped and
// ordered by MapLibre's right-to-left plugin, bundled and loaded from this server when a label
// needs it.
//
// Each `div.map-live` carries its places as a GeoJSON FeatureCollection (`data-features`), the
// tile archives and the zoom they allow. Until the map is drawn, the server's SVG map beside it
// is shown; where the browser has no WebGL, it stays.
"use strict";

(function () {
  const containers = document.querySelectorAll("div.map-live");
  if (containers.length === 0 || typeof maplibregl === "undefined" || typeof pmtiles === "undefined") {
    return;
  }
  // MapLibre's CSP build: its worker is a file of this server, not a `blob:`.
  maplibregl.setWorkerUrl("/assets/maplibre/maplibre-gl-worker.js");
  if (maplibregl.getRTLTextPluginStatus() === "unavailable") {
    maplibregl.setRTLTextPlugin("/assets/maplibre/mapbox-gl-rtl-text.js", true)
      .catch((e) => console.warn("the right-to-left text plugin did not load:", e));
  }
  // The interface language (the page's `lang`): the basemap's labels follow it. OpenStreetMap
  // tags Kurmanji `name:ku`; the interface calls it `kmr`.
  const lang = document.documentElement.lang || "en";
  const osmLang = lang === "kmr" ? "ku" : lang;
  // The pages' fonts (app.css): MapLibre draws the labels' letters with them in the browser.
  const LABEL_FONT = ["Noto Sans", "Noto Naskh Arabic", "DejaVu Sans"];
  const halo = { "text-halo-color": "#ffffff", "text-halo-width": 1.5 };
  const protocol = new pmtiles.Protocol();
  maplibregl.addProtocol("pmtiles", protocol.tile);

  // The open maps, for the browser test and the console.
  window.custodiaMaps = [];

  // Metres per pixel at zoom 0 on the equator (512-pixel tiles).
  const METRES_PER_PIXEL_Z0 = 40075016.686 / 512;
  const RED = "#b3261e";

  function style(el, places) {
    const origin = window.location.origin;
    const sources = {
      world: { type: "vector", url: `pmtiles://${origin}/tiles/world.pmtiles`, attribution: "Natural Earth · Unicode CLDR" },
      places: { type: "geojson", data: places },
    };
    const layers = [
      { id: "water", type: "background", paint: { "background-color": "#cfe2ee" } },
      { id: "land", type: "fill", source: "world", "source-layer": "land", paint: { "fill-color": "#f3f0e8" } },
      { id: "coast", type: "line", source: "world", "source-layer": "land", paint: { "line-color": "#7f97a8", "line-width": 0.7 } },
    ];
    if (el.dataset.detail) {
      // The layers of a Protomaps basemap extract (docs/DEPLOY.md).
      sources.detail = { type: "vector", url: `pmtiles://${origin}${el.dataset.detail}` };
      layers.push(
        { id: "detail-earth", type: "fill", source: "detail", "source-layer": "earth", paint: { "fill-color": "#f3f0e8" } },
        { id: "detail-landuse", type: "fill", source: "detail", "source-layer": "landuse", paint: { "fill-color": "#e4eadb" } },
        { id: "detail-water", type: "fill", source: "detail", "source-layer": "water", paint: { "fill-color": "#cfe2ee" } },
        { id: "detail-buildings", type: "fill", source: "detail", "source-layer": "buildings", paint: { "fill-color": "#dcd5ca", "fill-outline-color": "#c4bbae" } },
        { id: "detail-roads-casing", type: "line", source: "detail", "source-layer": "roads",
          paint: { "line-color": "#c4bbae", "line-width": ["interpolate", ["exponential", 1.6], ["zoom"], 12, 1.5, 18, 18] } },
        { id: "detail-roads", type: "line", source: "detail", "source-layer": "roads",
          paint: { "line-color": "#ffffff", "line-width": ["interpolate", ["exponential", 1.6], ["zoom"], 12, 0.8, 18, 14] } },
        { id: "detail-boundaries", type: "line", source: "detail", "source-layer": "boundaries", paint: { "line-color": "#7d6f86", "line-width": 1, "line-dasharray": [3, 2] } },
      );
    }
    layers.push(
      { id: "borders", type: "line", source: "world", "source-layer": "boundaries", maxzoom: el.dataset.detail ? 12 : 24,
        paint: { "line-color": "#7d6f86", "line-width": 1, "line-dasharray": [3, 2] } },
      // Labels above every line and fill. Countries' names in the page's language, the larger
      // ones placed first; where an extract names places, from zoom 10 on, only its names.
      { id: "country-labels", type: "symbol", source: "world", "source-layer": "country_labels",
        maxzoom: el.dataset.detail ? 10 : 24,
        filter: [">=", ["zoom"], ["get", "min_zoom"]],
        layout: { "text-field": ["get", `name_${lang}`], "text-font": LABEL_FONT, "text-size": 12,
          "text-max-width": 8, "text-padding": 4, "symbol-sort-key": ["get", "min_zoom"] },
        paint: { "text-color": "#5b4f63", ...halo } },
    );
    if (el.dataset.detail) {
      // Names of streets and places: in the page's language where the extract has it, else
      // the local name (data, as written there).
      const name = ["coalesce", ["get", `name:${osmLang}`], ["get", "name"]];
      layers.push(
        { id: "detail-road-names", type: "symbol", source: "detail", "source-layer": "roads", minzoom: 14,
          layout: { "symbol-placement": "line", "text-field": name, "text-font": LABEL_FONT, "text-size": 12 },
          paint: { "text-color": "#4a4a4a", ...halo } },
        { id: "detail-places", type: "symbol", source: "detail", "source-layer": "places", minzoom: 10,
          layout: { "text-field": name, "text-font": LABEL_FONT, "text-size": 14 },
          paint: { "text-color": "#2b2b2b", ...halo } },
      );
    }
    layers.push(
      // The precision of each place as a disc of its radius in metres, at every zoom.
      { id: "precision", type: "circle", source: "places",
        paint: {
          "circle-radius": ["interpolate", ["exponential", 2], ["zoom"], 0, ["get", "disc_px_z0"], 24, ["*", ["get", "disc_px_z0"], 16777216]],
          "circle-color": RED, "circle-opacity": 0.18, "circle-stroke-color": RED, "circle-stroke-width": 1, "circle-stroke-opacity": 0.5,
          "circle-pitch-alignment": "map",
        } },
      { id: "pins", type: "circle", source: "places",
        paint: { "circle-radius": 6, "circle-color": RED, "circle-stroke-color": "#ffffff", "circle-stroke-width": 2 } },
    );
    return { version: 8, sources, layers };
  }

  for (const el of containers) {
    let places;
    try {
      places = JSON.parse(el.dataset.features || "");
    } catch (e) {
      continue;
    }
    for (const f of places.features) {
      const [lon, lat] = f.geometry.coordinates;
      // A place without a stated precision (a reporter's position) gets no disc and no ±.
      const known = f.properties.precision_m !== undefined && f.properties.precision_m !== null;
      const metres = known ? Number(f.properties.precision_m) || 0 : 0;
      f.properties.disc_px_z0 = metres / (METRES_PER_PIXEL_Z0 * Math.cos((lat * Math.PI) / 180));
      const where = `${lat.toFixed(5)}, ${lon.toFixed(5)}`;
      f.properties.label = `${f.properties.title ?? f.id} · ${known ? `${where} · ± ${metres} m` : where}`;
    }
    el.hidden = false;
    let map;
    try {
      map = new maplibregl.Map({
        container: el,
        style: style(el, places),
        center: [0, 20],
        zoom: 1,
        maxZoom: Number(el.dataset.maxZoom) || 8,
        dragRotate: false,
        pitchWithRotate: false,
        attributionControl: { compact: false },
        locale: {
          "Map.Title": el.dataset.label,
          "NavigationControl.ZoomIn": el.dataset.zoomIn,
          "NavigationControl.ZoomOut": el.dataset.zoomOut,
          "NavigationControl.ResetBearing": el.dataset.resetNorth,
          "Popup.Close": el.dataset.close,
        },
      });
    } catch (e) {
      // No WebGL: the SVG map stays.
      el.hidden = true;
      continue;
    }
    map.touchZoomRotate.disableRotation();
    map.keyboard.disableRotation();
    map.addControl(new maplibregl.NavigationControl({ showCompass: false }));
    map.addControl(new maplibregl.ScaleControl({ unit: "metric" }));
    // The SVG map right after this one is for readers without script; it gives way.
    const fallback = el.nextElementSibling && el.nextElementSibling.querySelector("svg");
    if (fallback) fallback.style.display = "none";

    // The view: the places, with a margin; one place with the region around it (zoom 6, the
    // world basemap's deepest).
    const points = places.features.map((f) => f.geometry.coordinates);
    if (points.length > 0) {
      const bounds = points.reduce((b, p) => b.extend(p), new maplibregl.LngLatBounds(points[0], points[0]));
      map.fitBounds(bounds, { padding: 48, maxZoom: 6, animate: false });
    }
    map.on("click", "pins", (event) => {
      const f = event.features && event.features[0];
      if (!f) return;
      // The label as text (never as HTML: it holds what people typed), and a link to the
      // place's page where it has one on this server.
      const content = document.createElement("div");
      const label = document.createElement("bdi");
      label.textContent = f.properties.label;
      content.append(label);
      const href = f.properties.href;
      if (typeof href === "string" && href.startsWith("/") && !href.startsWith("//")) {
        const link = document.createElement("a");
        link.href = href;
        link.textContent = el.dataset.open;
        content.append(document.createElement("br"), link);
      }
      new maplibregl.Popup({ closeButton: true })
        .setLngLat(f.geometry.coordinates)
        .setDOMContent(content)
        .addTo(map);
    });
    map.on("mouseenter", "pins", () => { map.getCanvas().style.cursor = "pointer"; });
    map.on("mouseleave", "pins", () => { map.getCanvas().style.cursor = ""; });
    window.custodiaMaps.push(map);
  }
})();
