// Builds the vector tile archives (PMTiles version 3, Mapbox Vector Tiles inside) that Custodia
// ships, from pinned npm packages alone, so that the same inputs give the same bytes:
//
// - the world basemap, `crates/custodia-server/assets/world/world.pmtiles`: land and the borders
//   between countries from Natural Earth's public-domain 1:50 million data (by way of the npm
//   package `world-atlas`), zoom 0 to 6, and a point per country to write its name at, with its
//   name in each interface language from the Unicode CLDR (`cldr-localenames-full`);
// - the end-to-end test's street-level extract, `e2e/fixtures/streets.pmtiles`: a small made-up
//   street grid around Kocho (Sinjar district) with the village's and a road's names, zoom 12 to
//   16, in the layer names of the
//   Protomaps basemap that docs/DEPLOY.md tells holders to extract from, so that the pages'
//   style draws a real extract and this one alike.
//
// Usage (from the repository): scripts/make-basemap

import { readFileSync, writeFileSync } from "node:fs";
import { gzipSync } from "node:zlib";
import { createHash } from "node:crypto";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { createRequire } from "node:module";
import GeoJSONVT from "geojson-vt";
import { feature, mesh } from "topojson-client";
import { zxyToTileId } from "pmtiles";
import polylabel from "polylabel";

const require = createRequire(import.meta.url);
const vtpbf = require("vt-pbf");
const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, "../..");

const EXTENT = 4096;

/// Cuts each named layer (a GeoJSON FeatureCollection) into tiles from `minZoom` to `maxZoom`
/// and encodes every tile that holds something; returns [{z, x, y, data}] (gzipped MVT).
function tiles(layers, minZoom, maxZoom, bounds) {
  const indexes = Object.fromEntries(Object.entries(layers).map(([name, collection]) => [
    name,
    new GeoJSONVT(collection, { maxZoom, indexMaxZoom: maxZoom, indexMaxPoints: 0, extent: EXTENT, buffer: 64, tolerance: 3 }),
  ]));
  const out = [];
  const lonToX = (lon, n) => Math.floor(((lon + 180) / 360) * n);
  const latToY = (lat, n) => {
    const r = (lat * Math.PI) / 180;
    return Math.floor(((1 - Math.log(Math.tan(r) + 1 / Math.cos(r)) / Math.PI) / 2) * n);
  };
  for (let z = minZoom; z <= maxZoom; z++) {
    const n = 2 ** z;
    const [x0, x1] = [Math.max(0, lonToX(bounds[0], n)), Math.min(n - 1, lonToX(bounds[2], n))];
    const [y0, y1] = [Math.max(0, latToY(bounds[3], n)), Math.min(n - 1, latToY(bounds[1], n))];
    for (let x = x0; x <= x1; x++) {
      for (let y = y0; y <= y1; y++) {
        const found = {};
        for (const [name, index] of Object.entries(indexes)) {
          const tile = index.getTile(z, x, y);
          if (tile && tile.features.length > 0) found[name] = tile;
        }
        if (Object.keys(found).length === 0) continue;
        const pbf = vtpbf.fromGeojsonVt(found, { version: 2, extent: EXTENT });
        // mtime 0 and no file name: the same tile, the same bytes.
        out.push({ z, x, y, data: gzipSync(Buffer.from(pbf), { level: 9 }) });
      }
    }
  }
  return out;
}

function varint(bytes, value) {
  while (value >= 0x80) {
    bytes.push((value % 0x80) | 0x80);
    value = Math.floor(value / 0x80);
  }
  bytes.push(value);
}

/// A PMTiles directory: entry count, then each column delta- or run-encoded (spec, section 4).
function directory(entries) {
  const bytes = [];
  varint(bytes, entries.length);
  let last = 0;
  for (const e of entries) { varint(bytes, e.tileId - last); last = e.tileId; }
  for (const e of entries) varint(bytes, e.runLength);
  for (const e of entries) varint(bytes, e.length);
  entries.forEach((e, i) => {
    const previous = entries[i - 1];
    varint(bytes, i > 0 && e.offset === previous.offset + previous.length ? 0 : e.offset + 1);
  });
  return gzipSync(Buffer.from(bytes), { level: 9 });
}

/// Writes a PMTiles v3 archive: header, root directory (leaf directories if the root would not
/// fit the first 16 KiB a reader fetches), metadata, tile data (identical tiles stored once).
function writePmtiles(path, list, { minZoom, maxZoom, bounds, center, metadata }) {
  const sorted = list
    .map((t) => ({ ...t, tileId: zxyToTileId(t.z, t.x, t.y) }))
    .sort((a, b) => a.tileId - b.tileId);
  const seen = new Map();
  const chunks = [];
  let dataLength = 0;
  const entries = [];
  for (const t of sorted) {
    const key = createHash("sha256").update(t.data).digest("hex");
    let offset = seen.get(key);
    if (offset === undefined) {
      offset = dataLength;
      seen.set(key, offset);
      chunks.push(t.data);
      dataLength += t.data.length;
    }
    const prev = entries[entries.length - 1];
    if (prev && prev.tileId + prev.runLength === t.tileId && prev.offset === offset) {
      prev.runLength += 1;
    } else {
      entries.push({ tileId: t.tileId, offset, length: t.data.length, runLength: 1 });
    }
  }
  let root = directory(entries);
  let leaves = Buffer.alloc(0);
  if (127 + root.length > 16384) {
    const leafParts = [];
    const rootEntries = [];
    let leafOffset = 0;
    for (let i = 0; i < entries.length; i += 4096) {
      const part = entries.slice(i, i + 4096);
      const leaf = directory(part);
      rootEntries.push({ tileId: part[0].tileId, offset: leafOffset, length: leaf.length, runLength: 0 });
      leafParts.push(leaf);
      leafOffset += leaf.length;
    }
    root = directory(rootEntries);
    leaves = Buffer.concat(leafParts);
  }
  const meta = gzipSync(Buffer.from(JSON.stringify(metadata)), { level: 9 });
  const header = Buffer.alloc(127);
  header.write("PMTiles", 0, "ascii");
  header.writeUInt8(3, 7);
  const rootOffset = 127;
  const metaOffset = rootOffset + root.length;
  const leafOffset = metaOffset + meta.length;
  const dataOffset = leafOffset + leaves.length;
  const u64 = (value, at) => header.writeBigUInt64LE(BigInt(value), at);
  u64(rootOffset, 8); u64(root.length, 16);
  u64(metaOffset, 24); u64(meta.length, 32);
  u64(leafOffset, 40); u64(leaves.length, 48);
  u64(dataOffset, 56); u64(dataLength, 64);
  u64(sorted.length, 72); u64(entries.length, 80); u64(seen.size, 88);
  header.writeUInt8(1, 96); // clustered: tile data in tile id order
  header.writeUInt8(2, 97); // directories and metadata gzipped
  header.writeUInt8(2, 98); // tiles gzipped
  header.writeUInt8(1, 99); // Mapbox Vector Tiles
  header.writeUInt8(minZoom, 100);
  header.writeUInt8(maxZoom, 101);
  const e7 = (v) => Math.round(v * 1e7);
  header.writeInt32LE(e7(bounds[0]), 102);
  header.writeInt32LE(e7(bounds[1]), 106);
  header.writeInt32LE(e7(bounds[2]), 110);
  header.writeInt32LE(e7(bounds[3]), 114);
  header.writeUInt8(center[2], 118);
  header.writeInt32LE(e7(center[0]), 119);
  header.writeInt32LE(e7(center[1]), 123);
  writeFileSync(path, Buffer.concat([header, root, meta, leaves, ...chunks]));
  console.log(`${path}: ${sorted.length} tiles (${seen.size} distinct), z${minZoom}-z${maxZoom}, ${127 + root.length + meta.length + leaves.length + dataLength} bytes`);
}

// The interface's languages (crates/custodia-server/locales; Kurmanji is `kmr` there, `ku` in
// the CLDR): each country label carries its name in each, `name_<code>`, as the CLDR writes it.
const LANGUAGES = ["en", "ar", "ckb", "kmr", "nl", "fr"];
const CLDR_LOCALE = { kmr: "ku" };

/// A point per country where its name is written: the pole of inaccessibility of its largest
/// polygon (inside it, away from its edges), with its names from the CLDR and the zoom from
/// which a country of its size is labelled. A country the CLDR names in not every language
/// gets no label (the pages show no text in another language than the reader's).
function countryLabels(countries) {
  const cldr = (path) => JSON.parse(readFileSync(join(here, "node_modules", path), "utf8"));
  const names = Object.fromEntries(LANGUAGES.map((l) => {
    const locale = CLDR_LOCALE[l] ?? l;
    return [l, cldr(`cldr-localenames-full/main/${locale}/territories.json`).main[locale].localeDisplayNames.territories];
  }));
  // A numeric code may stand for a current and a former code (180: CD and ZR, 626: TL and TP):
  // the one the CLDR names.
  const alpha2 = {};
  for (const [code, m] of Object.entries(cldr("cldr-core/supplemental/codeMappings.json").supplemental.codeMappings)) {
    if (m._numeric && /^[A-Z]{2}$/.test(code) && names.en[code]) alpha2[m._numeric] = code;
  }
  // Planar area in square degrees, scaled by the latitude's cosine: enough to rank sizes.
  const ringArea = (ring) => {
    let a = 0;
    for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
      a += (ring[j][0] - ring[i][0]) * (ring[j][1] + ring[i][1]);
    }
    return Math.abs(a / 2) * Math.cos((ring[0][1] * Math.PI) / 180);
  };
  const out = [];
  for (const country of feature(countries, countries.objects.countries).features) {
    const code = alpha2[country.id];
    if (!code || !country.geometry) continue;
    const label = Object.fromEntries(LANGUAGES.map((l) => [`name_${l}`, names[l][code]]));
    if (Object.values(label).some((n) => typeof n !== "string" || n === "")) continue;
    const polygons = country.geometry.type === "Polygon" ? [country.geometry.coordinates] : country.geometry.coordinates;
    const largest = polygons.reduce((best, p) => (ringArea(p[0]) > ringArea(best[0]) ? p : best));
    const area = ringArea(largest[0]);
    const [lon, lat] = polylabel(largest, 0.05);
    // Large countries from zoom 1, the smallest only from zoom 5 (their names would hide
    // their neighbours').
    const min_zoom = area > 150 ? 1 : area > 20 ? 2 : area > 3 ? 3 : area > 0.5 ? 4 : 5;
    out.push({
      type: "Feature",
      properties: { ...label, min_zoom },
      geometry: { type: "Point", coordinates: [Math.round(lon * 1e4) / 1e4, Math.round(lat * 1e4) / 1e4] },
    });
  }
  return out;
}

function world() {
  const atlas = (name) => JSON.parse(readFileSync(join(here, "node_modules/world-atlas", name), "utf8"));
  const countries = atlas("countries-50m.json");
  const land = atlas("land-50m.json");
  const strip = (f) => ({ type: "Feature", properties: {}, geometry: f.geometry });
  const landCollection = feature(land, land.objects.land);
  const layers = {
    land: { type: "FeatureCollection", features: (landCollection.features ?? [landCollection]).map(strip) },
    // Borders between two countries only: coasts are the land's edge.
    boundaries: {
      type: "FeatureCollection",
      features: [{ type: "Feature", properties: {}, geometry: mesh(countries, countries.objects.countries, (a, b) => a !== b) }],
    },
  };
  layers.country_labels = { type: "FeatureCollection", features: countryLabels(countries) };
  const bounds = [-180, -85.0511, 180, 85.0511];
  writePmtiles(join(root, "crates/custodia-server/assets/world/world.pmtiles"), tiles(layers, 0, 6, bounds), {
    minZoom: 0, maxZoom: 6, bounds, center: [0, 20, 1],
    metadata: {
      name: "Custodia world basemap",
      attribution: "Natural Earth (public domain); names: Unicode CLDR",
      vector_layers: [
        { id: "land", fields: {}, minzoom: 0, maxzoom: 6 },
        { id: "boundaries", fields: {}, minzoom: 0, maxzoom: 6 },
        { id: "country_labels", fields: { ...Object.fromEntries(LANGUAGES.map((l) => [`name_${l}`, "String"])), min_zoom: "Number" }, minzoom: 0, maxzoom: 6 },
      ],
    },
  });
}

function streets() {
  // A made-up grid of streets and blocks around Kocho (36.2175 N, 41.7436 E), about 1.2 km
  // across: enough for a map to show streets at zoom 16.
  const [lon0, lat0] = [41.7436, 36.2175];
  const step = 0.0015;
  const features = { earth: [], roads: [], buildings: [], places: [] };
  // The village's name, as a Protomaps extract carries it: the local name and others by language.
  features.places.push({ type: "Feature", properties: { kind: "locality", name: "Kocho", "name:ar": "كوجو", "name:ckb": "کۆچۆ" },
    geometry: { type: "Point", coordinates: [lon0 + 0.5 * step, lat0 + 0.4 * step] } });
  const bounds = [lon0 - 8 * step, lat0 - 6 * step, lon0 + 8 * step, lat0 + 6 * step];
  features.earth.push({ type: "Feature", properties: { kind: "earth" }, geometry: { type: "Polygon", coordinates: [[
    [bounds[0], bounds[1]], [bounds[2], bounds[1]], [bounds[2], bounds[3]], [bounds[0], bounds[3]], [bounds[0], bounds[1]],
  ]] } });
  for (let i = -6; i <= 6; i++) {
    const kind = i === 0 ? "major_road" : "minor_road";
    const named = i === 0 ? { name: "Sinjar Road", "name:ar": "طريق سنجار" } : {};
    features.roads.push({ type: "Feature", properties: { kind, ...named }, geometry: { type: "LineString", coordinates: [
      [lon0 - 7 * step, lat0 + i * step * 0.8], [lon0 + 7 * step, lat0 + i * step * 0.8]] } });
    features.roads.push({ type: "Feature", properties: { kind }, geometry: { type: "LineString", coordinates: [
      [lon0 + i * step, lat0 - 5 * step], [lon0 + i * step, lat0 + 5 * step]] } });
  }
  for (let i = -5; i < 5; i++) {
    for (let j = -5; j < 5; j++) {
      const [x, y] = [lon0 + (i + 0.25) * step, lat0 + (j + 0.25) * step * 0.8];
      const [w, h] = [step * 0.5, step * 0.4];
      features.buildings.push({ type: "Feature", properties: { kind: "building" }, geometry: { type: "Polygon", coordinates: [[
        [x, y], [x + w, y], [x + w, y + h], [x, y + h], [x, y]]] } });
    }
  }
  const layers = Object.fromEntries(Object.entries(features).map(([k, v]) => [k, { type: "FeatureCollection", features: v }]));
  writePmtiles(join(root, "e2e/fixtures/streets.pmtiles"), tiles(layers, 12, 16, bounds), {
    minZoom: 12, maxZoom: 16, bounds, center: [lon0, lat0, 15],
    metadata: {
      name: "Custodia test streets (made up)",
      attribution: "Custodia test data",
      vector_layers: ["earth", "roads", "buildings", "places"].map((id) => ({
        id, fields: { kind: "String", ...(id === "roads" || id === "places" ? { name: "String" } : {}) }, minzoom: 12, maxzoom: 16,
      })),
    },
  });
}

world();
streets();
