// Builds the vector tile archives (PMTiles version 3, Mapbox Vector Tiles inside) that Custodia
// ships, from pinned npm packages alone, so that the same inputs give the same bytes:
//
// - the world basemap, `crates/custodia-server/assets/world/world.pmtiles`: land and the borders
//   between countries from Natural Earth's public-domain 1:50 million data (by way of the npm
//   package `world-atlas`), zoom 0 to 6;
// - the end-to-end test's street-level extract, `e2e/fixtures/streets.pmtiles`: a small made-up
//   street grid around Kocho (Sinjar district), zoom 12 to 16, in the layer names of the
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
  const bounds = [-180, -85.0511, 180, 85.0511];
  writePmtiles(join(root, "crates/custodia-server/assets/world/world.pmtiles"), tiles(layers, 0, 6, bounds), {
    minZoom: 0, maxZoom: 6, bounds, center: [0, 20, 1],
    metadata: {
      name: "Custodia world basemap",
      attribution: "Natural Earth (public domain)",
      vector_layers: [
        { id: "land", fields: {}, minzoom: 0, maxzoom: 6 },
        { id: "boundaries", fields: {}, minzoom: 0, maxzoom: 6 },
      ],
    },
  });
}

function streets() {
  // A made-up grid of streets and blocks around Kocho (36.2175 N, 41.7436 E), about 1.2 km
  // across: enough for a map to show streets at zoom 16.
  const [lon0, lat0] = [41.7436, 36.2175];
  const step = 0.0015;
  const features = { earth: [], roads: [], buildings: [] };
  const bounds = [lon0 - 8 * step, lat0 - 6 * step, lon0 + 8 * step, lat0 + 6 * step];
  features.earth.push({ type: "Feature", properties: { kind: "earth" }, geometry: { type: "Polygon", coordinates: [[
    [bounds[0], bounds[1]], [bounds[2], bounds[1]], [bounds[2], bounds[3]], [bounds[0], bounds[3]], [bounds[0], bounds[1]],
  ]] } });
  for (let i = -6; i <= 6; i++) {
    const kind = i === 0 ? "major_road" : "minor_road";
    features.roads.push({ type: "Feature", properties: { kind }, geometry: { type: "LineString", coordinates: [
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
      vector_layers: ["earth", "roads", "buildings"].map((id) => ({ id, fields: { kind: "String" }, minzoom: 12, maxzoom: 16 })),
    },
  });
}

world();
streets();
