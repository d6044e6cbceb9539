// The scenario's vocabulary (the keys and values the form shows) and raw access to a scenario
// object: a key may sit at top level or under `configuration`, possibly as an alias.

// Canonical orders (as the generator parses and reports them: src/config/).
export const WARFARE = ["conventional", "artillery", "urban", "guerrilla", "drone", "naval", "cbrn", "peacekeeping"];
export const SPECIAL = ["mass_casualty", "ambush", "major_offensive"];
export const ENVIRONMENT = [
  "rain",
  "fog",
  "storm",
  "extreme_heat",
  "extreme_cold",
  "dust_storm",
  "night_operations",
  "mountainous_terrain",
  "urban_debris",
];
export const INJURY = ["Battle Injury", "Non-Battle Injury", "Disease"];
export const NATIONS = {
  ALB: "Albania", BEL: "Belgium", BGR: "Bulgaria", CAN: "Canada", HRV: "Croatia", CZE: "Czechia", DNK: "Denmark",
  EST: "Estonia", FIN: "Finland", FRA: "France", DEU: "Germany", GRC: "Greece", HUN: "Hungary", ISL: "Iceland",
  ITA: "Italy", LVA: "Latvia", LTU: "Lithuania", LUX: "Luxembourg", MNE: "Montenegro", NLD: "Netherlands",
  MKD: "North Macedonia", NOR: "Norway", POL: "Poland", PRT: "Portugal", ROU: "Romania", SVK: "Slovakia",
  SVN: "Slovenia", ESP: "Spain", SWE: "Sweden", TUR: "Türkiye", GBR: "United Kingdom", USA: "United States",
  AUS: "Australia", NZL: "New Zealand",
};
// Labels that are not the key with its first letter capitalised.
export const LABELS = { cbrn: "CBRN" };
export const label = (k) => LABELS[k] ?? k.replace(/_/g, " ").replace(/^./, (c) => c.toUpperCase());

// Scenario keys the form edits, with the aliases that name the same value (src/config/parse.rs).
export const ALIASES = {
  total_patients: ["count"],
  days_of_fighting: ["duration_days"],
  warfare_types: ["warfare_type"],
  injury_mix: ["injury_distribution"],
  front_configs: ["fronts"],
  intensity: [],
  tempo: [],
  base_date: [],
  flow_model: [],
  evacuation_capability: [],
  seed: [],
  special_events: [],
  environmental_conditions: [],
  demographics: [],
};
// Error paths naming an alias are shown at the canonical key's field.
export const PATH_ALIAS = {
  count: "total_patients",
  duration_days: "days_of_fighting",
  warfare_type: "warfare_types",
  injury_distribution: "injury_mix",
  fronts: "front_configs",
  difficulty: "intensity",
};

export const isObject = (v) => v !== null && typeof v === "object" && !Array.isArray(v);

export function rawGet(obj, key) {
  if (!isObject(obj)) return undefined;
  const names = [key, ...(ALIASES[key] ?? [])];
  for (const level of [obj, isObject(obj.configuration) ? obj.configuration : null]) {
    if (!level) continue;
    for (const n of names) if (Object.hasOwn(level, n)) return level[n];
  }
  return undefined;
}

export function rawSet(obj, key, value) {
  const names = [key, ...(ALIASES[key] ?? [])];
  let level = obj;
  if (key !== "total_patients" && key !== "seed" && isObject(obj.configuration)) {
    const nested = obj.configuration;
    if (names.some((n) => Object.hasOwn(nested, n)) && !names.some((n) => Object.hasOwn(obj, n))) level = nested;
  }
  for (const a of ALIASES[key] ?? []) delete level[a];
  if (value === undefined) delete level[key];
  else level[key] = value;
}
