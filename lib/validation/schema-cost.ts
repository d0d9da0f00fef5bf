// What a custom event type's JSON Schema may cost to check an event against. Every incoming event
// of the type is validated on the web process's event loop, so constructs whose work grows faster
// than the event (ajv's security notes: uniqueItems on large arrays, slow formats; and $ref
// structures that fan out or never end) are refused when the schema is saved, and the work per
// request is bounded by the schema's size times the values checked.

/** uniqueItems compares every pair of items: Herald lets it compare at most this many. */
const MAX_UNIQUE_ITEMS = 100;
/** Subschemas (with each $ref followed, and enum values) a schema may hold. */
export const MAX_SCHEMA_SIZE = 500;
/** Schema size × values checked, summed over the events of one request. */
export const MAX_VALIDATION_WORK = 10_000_000;
/** ajv-formats patterns that recheck finds super-linear: they need a maxLength. */
const SLOW_FORMATS = new Set(["url"]);
/** JSON Herald accepts nests at most 32 levels: $ref recursion deeper than that checks nothing. */
const MAX_REF_DEPTH = 33;

type Schema = Record<string, unknown>;
export type SchemaIssue = { path: string; issue: string };

/** Keywords whose value is a schema, an array of schemas or a map of schemas. */
const SCHEMA_KEYWORDS = [
  "items",
  "additionalItems",
  "additionalProperties",
  "contains",
  "propertyNames",
  "not",
  "if",
  "then",
  "else",
  "unevaluatedItems",
  "unevaluatedProperties",
  "contentSchema",
];
const SCHEMA_LIST_KEYWORDS = ["allOf", "anyOf", "oneOf", "prefixItems", "items"];
const SCHEMA_MAP_KEYWORDS = ["properties", "patternProperties", "dependentSchemas", "dependencies"];
/** Applied to the same value as the schema holding them (no property or item in between). */
const IN_PLACE_KEYWORDS = new Set([
  "allOf",
  "anyOf",
  "oneOf",
  "not",
  "if",
  "then",
  "else",
  "dependentSchemas",
  "dependencies",
]);

const isSchema = (value: unknown): value is Schema =>
  typeof value === "object" && value !== null && !Array.isArray(value);

/** The schema's direct subschemas, with the keyword that holds each and its path. */
function subschemas(schema: Schema, path: string, withDefinitions: boolean) {
  const found: { keyword: string; path: string; schema: Schema }[] = [];
  for (const keyword of SCHEMA_KEYWORDS)
    if (isSchema(schema[keyword]))
      found.push({ keyword, path: `${path}/${keyword}`, schema: schema[keyword] });
  for (const keyword of SCHEMA_LIST_KEYWORDS) {
    const list = schema[keyword];
    if (Array.isArray(list))
      list.forEach((item, index) => {
        if (isSchema(item))
          found.push({ keyword, path: `${path}/${keyword}/${index}`, schema: item });
      });
  }
  const maps = withDefinitions
    ? [...SCHEMA_MAP_KEYWORDS, "definitions", "$defs"]
    : SCHEMA_MAP_KEYWORDS;
  for (const keyword of maps) {
    const map = schema[keyword];
    if (!isSchema(map)) continue;
    for (const [name, item] of Object.entries(map))
      if (isSchema(item)) found.push({ keyword, path: `${path}/${keyword}/${name}`, schema: item });
  }
  return found;
}

const SCALAR_TYPES = new Set(["string", "number", "integer", "boolean", "null"]);

/** ajv checks uniqueness in linear time when the items' type says they are scalars. */
function itemsAreScalar(schema: Schema): boolean {
  const items = schema.items;
  if (!isSchema(items)) return false;
  const types = Array.isArray(items.type) ? items.type : [items.type];
  return types.length > 0 && types.every((type) => SCALAR_TYPES.has(String(type)));
}

const hasUnboundedUniqueItems = (schema: Schema) =>
  schema.uniqueItems === true &&
  !itemsAreScalar(schema) &&
  !(typeof schema.maxItems === "number" && schema.maxItems <= MAX_UNIQUE_ITEMS);

/** Why this schema may cost more than Herald allows per event, if it may. */
export function schemaCostIssues(schema: Schema): SchemaIssue[] {
  const issues: SchemaIssue[] = [];
  const visit = (node: Schema, path: string) => {
    if (hasUnboundedUniqueItems(node))
      issues.push({
        path,
        issue: `uniqueItems compares every pair of items: add maxItems of at most ${MAX_UNIQUE_ITEMS} (or give items a scalar type)`,
      });
    if (
      typeof node.format === "string" &&
      SLOW_FORMATS.has(node.format) &&
      typeof node.maxLength !== "number"
    )
      issues.push({
        path,
        issue: `format '${node.format}' is slow on long strings: add a maxLength`,
      });
    for (const child of subschemas(node, path, true)) visit(child.schema, child.path);
  };
  visit(schema, "#");
  const size = schemaSize(schema);
  if (size === "endless")
    issues.push({
      path: "#",
      issue:
        "has a $ref that leads back to itself without going into a property or an item: checking a value against it would never finish",
    });
  else if (size > MAX_SCHEMA_SIZE)
    issues.push({
      path: "#",
      issue: `holds more than ${MAX_SCHEMA_SIZE} subschemas and enum values once each $ref is followed; every value may be checked against each of them, so simplify it`,
    });
  return issues;
}

/** The JSON Pointer target of a local $ref ("#/$defs/x"), or null. */
function resolveRef(root: Schema, ref: string): Schema | null {
  if (ref === "#") return root;
  if (!ref.startsWith("#/")) return null;
  let node: unknown = root;
  for (const raw of ref.slice(2).split("/")) {
    const key = decodeURIComponent(raw).replaceAll("~1", "/").replaceAll("~0", "~");
    node = isSchema(node) || Array.isArray(node) ? (node as Record<string, unknown>)[key] : null;
  }
  return isSchema(node) ? node : null;
}

/**
 * Subschemas (each $ref followed, recursion unrolled as deep as JSON Herald accepts nests) plus
 * enum values: a bound on the checks one value can meet. "endless" for a $ref cycle that stays on
 * the same value; counting stops past MAX_SCHEMA_SIZE.
 */
export function schemaSize(root: Schema): number | "endless" {
  let size = 0;
  const walk = (node: Schema, refDepth: number, inPlaceRefs: Set<Schema>): boolean => {
    size += 1 + (Array.isArray(node.enum) ? node.enum.length : 0);
    if (size > MAX_SCHEMA_SIZE) return true;
    if (typeof node.$ref === "string") {
      const target = resolveRef(root, node.$ref);
      if (target && refDepth < MAX_REF_DEPTH) {
        if (inPlaceRefs.has(target)) throw new EndlessRef();
        if (walk(target, refDepth + 1, new Set(inPlaceRefs).add(target))) return true;
      }
    }
    for (const child of subschemas(node, "", false)) {
      const next = IN_PLACE_KEYWORDS.has(child.keyword) ? inPlaceRefs : new Set<Schema>();
      if (walk(child.schema, refDepth, next)) return true;
    }
    return false;
  };
  try {
    walk(root, 0, new Set([root]));
  } catch (error) {
    if (error instanceof EndlessRef) return "endless";
    throw error;
  }
  return size;
}

class EndlessRef extends Error {}

/**
 * A schema saved before these limits, made safe to run: every unbounded uniqueItems gets maxItems
 * (MAX_UNIQUE_ITEMS), which ajv checks first and stops at.
 */
export function withBoundedUniqueItems(schema: Schema): Schema {
  const copy = structuredClone(schema);
  const visit = (node: Schema) => {
    if (hasUnboundedUniqueItems(node))
      node.maxItems = Math.min(Number(node.maxItems ?? MAX_UNIQUE_ITEMS), MAX_UNIQUE_ITEMS);
    for (const child of subschemas(node, "", true)) visit(child.schema);
  };
  visit(copy);
  return copy;
}

/** How many JSON values (objects, arrays and scalars) `value` holds, itself included. */
export function countValues(value: unknown): number {
  if (value === null || typeof value !== "object") return 1;
  let count = 1;
  for (const child of Object.values(value)) count += countValues(child);
  return count;
}
