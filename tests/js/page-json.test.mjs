// The page's JSON editor marks what a validation error names (www/json-positions.js): the errors
// come from the real validator (the npm package on Node), the ranges are checked as text.
import { test } from "node:test";
import assert from "node:assert/strict";
import { validateConfig } from "../../js/node.js";
import { errorRange, jsonTree, lineOf } from "../../www/json-positions.js";

/** Each error of `text` as [path, marked text, line]. */
function marked(text) {
  let errors = [];
  try {
    validateConfig(text);
  } catch (e) {
    errors = e.errors;
  }
  const tree = jsonTree(text);
  return errors.map((err) => {
    const r = errorRange(text, err, tree);
    return [err.path, r && text.slice(r[0], r[1]), r && lineOf(text, r[0])];
  });
}

test("a value error marks its key and value, on its line", () => {
  const text = JSON.stringify(
    {
      seed: 1,
      front_configs: [
        { name: "A", casualty_rate: 1, nationality_distribution: [{ nationality_code: "USA", percentage: 100 }] },
        { name: "B", casualty_rate: -2, nationality_distribution: [{ nationality_code: "XXX", percentage: 100 }] },
      ],
    },
    null,
    2,
  );
  assert.deepEqual(marked(text), [
    ["front_configs[1].casualty_rate", '"casualty_rate": -2', 16],
    ["front_configs[1].nationality_distribution[0].nationality_code", '"nationality_code": "XXX"', 19],
  ]);
});

test("a wrong type marks the whole value; a typo marks the key; nested under configuration", () => {
  assert.deepEqual(marked('{"front_configs": [{"name": "A", "casualty_rate": 1, "nationality_distribution": {"USA": 100}}]}'), [
    ["front_configs[0].nationality_distribution", '"nationality_distribution": {"USA": 100}', 1],
  ]);
  assert.deepEqual(marked('{"warfare_types": {"artilery": true}}'), [["warfare_types.artilery", '"artilery": true', 1]]);
  assert.deepEqual(marked('{"configuration": {\n  "days_of_fighting": 400\n}}'), [
    ["configuration.days_of_fighting", '"days_of_fighting": 400', 2],
  ]);
});

test("keys with spaces and dots are matched whole; a missing key marks its object's key", () => {
  assert.deepEqual(marked('{"injury_mix": {"Battle Injury": -1, "Disease": 1}}'), [
    ["injury_mix.Battle Injury", '"Battle Injury": -1', 1],
  ]);
  const missing = marked('{"front_configs": [{"name": "A",\n "casualty_rate": 1}]}');
  assert.deepEqual(missing, [["front_configs[0].nationality_distribution", '{"name": "A",\n "casualty_rate": 1}', 1]]);
});

test("a syntax error marks serde_json's line and column; no mark for an empty text", () => {
  assert.deepEqual(marked('{\n  "seed": 1,\n  "days_of_fighting": 3 x\n}'), [["", "x", 3]]);
  assert.deepEqual(marked('{"seed": 1,'), [["", ",", 1]]);
  assert.deepEqual(marked(""), [["", null, null]]);
  assert.equal(jsonTree('{"a": [1, 2'), null);
  assert.deepEqual(jsonTree('{"a": [1, true]}').keys.get("a").node.items.map((n) => [n.start, n.end]), [
    [7, 8],
    [10, 14],
  ]);
});
