// Positions in the scenario text for the page's JSON editor: which characters a validation error
// names. The generator reports errors by JSON path (`front_configs[0].casualty_rate`) or, for a
// syntax error, by serde_json's line and column; this module turns either into a text range so the
// editor can mark it. Pure functions, no DOM (tested in Node: tests/js/page-json.test.mjs).

/** The 1-based line of an offset in a text. */
export function lineOf(text, offset) {
  let n = 1;
  for (let i = text.indexOf("\n"); i !== -1 && i < offset; i = text.indexOf("\n", i + 1)) n++;
  return n;
}

/**
 * The [start, end) offsets in `text` of what a validation error ({path, message}) names, or null.
 * `tree` is jsonTree(text) (null when the text is not JSON: then a syntax error's position is used).
 */
export function errorRange(text, err, tree) {
  const at = /at line (\d+) column (\d+)/.exec(err.message);
  if (!tree && at) {
    // A JSON syntax error (serde_json's position: 1-based line and column).
    let off = 0;
    for (let l = 1; l < Number(at[1]); l++) off = text.indexOf("\n", off) + 1;
    off = Math.min(text.length, off + Math.max(0, Number(at[2]) - 1));
    if (text.length === 0) return null;
    const a = Math.max(0, Math.min(off, text.length - 1));
    const eol = text.indexOf("\n", a);
    const b = Math.max(a + 1, eol === -1 ? text.length : eol);
    return [a, Math.min(b, text.length)];
  }
  if (!tree || !err.path) return null;
  return locatePath(tree, err.path);
}

/**
 * The source positions of a JSON text's values: {start, end, keys?: Map(key → {keyStart, node}),
 * items?: [node]}; null when the text is not JSON.
 */
export function jsonTree(text) {
  let i = 0;
  const LITERAL = /-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?|true|false|null/y;
  const ws = () => {
    while (i < text.length && (text[i] === " " || text[i] === "\n" || text[i] === "\r" || text[i] === "\t")) i++;
  };
  const string = () => {
    if (text[i] !== '"') throw new SyntaxError("string expected");
    const s0 = i++;
    while (i < text.length && text[i] !== '"') i += text[i] === "\\" ? 2 : 1;
    i++;
    return JSON.parse(text.slice(s0, i));
  };
  const value = (depth) => {
    if (depth > 200) throw new SyntaxError("too deep");
    ws();
    const start = i;
    if (text[i] === "{") {
      i++;
      const keys = new Map();
      ws();
      if (text[i] === "}") return { start, end: ++i, keys };
      for (;;) {
        ws();
        const keyStart = i;
        const key = string();
        ws();
        if (text[i++] !== ":") throw new SyntaxError("colon expected");
        keys.set(key, { keyStart, node: value(depth + 1) });
        ws();
        const c = text[i++];
        if (c === "}") return { start, end: i, keys };
        if (c !== ",") throw new SyntaxError("comma expected");
      }
    }
    if (text[i] === "[") {
      i++;
      const items = [];
      ws();
      if (text[i] === "]") return { start, end: ++i, items };
      for (;;) {
        items.push(value(depth + 1));
        ws();
        const c = text[i++];
        if (c === "]") return { start, end: i, items };
        if (c !== ",") throw new SyntaxError("comma expected");
      }
    }
    if (text[i] === '"') {
      string();
      return { start, end: i };
    }
    LITERAL.lastIndex = i;
    const m = LITERAL.exec(text);
    if (!m) throw new SyntaxError("value expected");
    i += m[0].length;
    return { start, end: i };
  };
  try {
    return value(0);
  } catch {
    return null;
  }
}

/**
 * The text range of an error path such as `front_configs[0].nationality_distribution[1].percentage`
 * (keys may contain dots or spaces: the longest key that fits is taken): the key and value it names,
 * or, for a key that is missing, the key of the deepest object the path reaches.
 */
export function locatePath(tree, path) {
  let node = tree;
  let rest = path;
  let hit = null;
  while (rest) {
    const idx = /^\[(\d+)\]\.?/.exec(rest);
    if (idx) {
      const item = node.items?.[Number(idx[1])];
      if (!item) break;
      node = item;
      hit = [item.start, item.end];
      rest = rest.slice(idx[0].length);
      continue;
    }
    if (!node.keys) break;
    let found = null;
    for (const [k, entry] of node.keys) {
      const fits = rest === k || rest.startsWith(`${k}.`) || rest.startsWith(`${k}[`);
      if (fits && (!found || k.length > found[0].length)) found = [k, entry];
    }
    if (!found) break;
    const [k, entry] = found;
    rest = rest.slice(k.length).replace(/^\./, "");
    node = entry.node;
    hit = [entry.keyStart, rest ? entry.keyStart + JSON.stringify(k).length : node.end];
  }
  return hit; // with `rest` left over (a missing key): the key of the deepest object reached
}
