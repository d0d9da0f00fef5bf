import { readFileSync } from "node:fs";
import path from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { testEnv } from "../helpers/test-env";

// The migrations are hand-written SQL (Prisma's schema engine cannot be downloaded here), so this
// test compares the migrated herald_test database with schema.prisma, read through Prisma's own
// schema parser (the prisma_schema_build wasm shipped in the prisma package).

type DmmfField = {
  name: string;
  dbName?: string | null;
  kind: "scalar" | "enum" | "object" | "unsupported";
  type: string;
  isList: boolean;
  isRequired: boolean;
  nativeType?: [string, string[]] | null;
};
type DmmfModel = { name: string; dbName: string | null; fields: DmmfField[] };
type Dmmf = {
  datamodel: {
    models: DmmfModel[];
    enums: Array<{
      name: string;
      dbName?: string | null;
      values: Array<{ name: string; dbName?: string | null }>;
    }>;
  };
};

type Column = { table: string; column: string; dataType: string; nullable: boolean };
type ExpectedColumn = Column & { field: string };

/** Calls get_dmmf in Prisma's schema wasm with the minimal wasm-bindgen glue it needs. */
async function loadDmmf(schema: string): Promise<Dmmf> {
  const bytes = readFileSync(
    path.join(process.cwd(), "node_modules", "prisma", "build", "prisma_schema_build_bg.wasm"),
  );
  let wasm: any; // the wasm-bindgen exports; untyped by nature
  const text = (ptr: number, len: number) =>
    new TextDecoder().decode(new Uint8Array(wasm.memory.buffer, ptr, len));
  const module = await WebAssembly.compile(bytes);
  const glue: Record<string, (...args: any[]) => unknown> = {
    __wbindgen_init_externref_table: () => {
      const table = wasm.__wbindgen_externrefs as WebAssembly.Table;
      const offset = table.grow(4);
      table.set(0, undefined);
      [undefined, null, true, false].forEach((value, index) => table.set(offset + index, value));
    },
  };
  // Import names carry a build hash; match them by their stable part.
  const imports = Object.fromEntries(
    WebAssembly.Module.imports(module).map(({ name }) => {
      if (name.includes("init_externref_table"))
        return [name, glue.__wbindgen_init_externref_table];
      if (name.includes("wbindgen_throw"))
        return [
          name,
          (ptr: number, len: number) => {
            throw new Error(text(ptr, len));
          },
        ];
      if (name.includes("_Error_"))
        return [name, (ptr: number, len: number) => new Error(text(ptr, len))];
      return [name, () => undefined];
    }),
  );
  const instance = await WebAssembly.instantiate(module, { __wbindgen_placeholder__: imports });
  wasm = instance.exports;
  wasm.__wbindgen_start();
  const input = new TextEncoder().encode(JSON.stringify({ prismaSchema: schema }));
  const inputPtr = wasm.__wbindgen_malloc(input.length, 1);
  new Uint8Array(wasm.memory.buffer, inputPtr, input.length).set(input);
  const [outputPtr, outputLen, errorRef, failed] = wasm.get_dmmf(
    inputPtr,
    input.length,
  ) as number[];
  if (failed) throw wasm.__wbindgen_externrefs.get(errorRef);
  const output = text(outputPtr!, outputLen!);
  wasm.__wbindgen_free(outputPtr, outputLen, 1);
  return JSON.parse(output) as Dmmf;
}

const SCALAR_TYPES: Record<string, string> = {
  String: "text",
  Int: "integer",
  BigInt: "bigint",
  Boolean: "boolean",
  DateTime: "timestamp without time zone",
  Json: "jsonb",
  Float: "double precision",
  Decimal: "numeric",
  Bytes: "bytea",
};
const NATIVE_TYPES: Record<string, string> = {
  Uuid: "uuid",
  Text: "text",
  Timestamptz: "timestamp with time zone",
  VarChar: "character varying",
};

function expectedColumns(dmmf: Dmmf): ExpectedColumn[] {
  return dmmf.datamodel.models.flatMap((model) =>
    model.fields
      .filter((field) => field.kind === "scalar" || field.kind === "enum")
      .map((field) => ({
        field: `${model.name}.${field.name}`,
        table: model.dbName ?? model.name,
        column: field.dbName ?? field.name,
        dataType: field.isList
          ? "ARRAY"
          : field.kind === "enum"
            ? "USER-DEFINED"
            : field.nativeType
              ? (NATIVE_TYPES[field.nativeType[0]] ?? field.nativeType[0].toLowerCase())
              : SCALAR_TYPES[field.type]!,
        // Prisma itself creates scalar lists as plain TEXT[] etc. without NOT NULL.
        nullable: field.isList ? true : !field.isRequired,
      })),
  );
}

/** Differences between what schema.prisma describes and what the database has, one line each. */
function driftBetween(expected: ExpectedColumn[], actual: Column[]): string[] {
  const byKey = new Map(actual.map((column) => [`${column.table}.${column.column}`, column]));
  return expected.flatMap((want) => {
    const have = byKey.get(`${want.table}.${want.column}`);
    if (!have) return [`${want.field}: column ${want.table}.${want.column} is missing`];
    const problems: string[] = [];
    if (have.dataType !== want.dataType)
      problems.push(
        `${want.field}: ${want.table}.${want.column} is ${have.dataType}, schema.prisma says ${want.dataType}`,
      );
    if (have.nullable !== want.nullable)
      problems.push(
        `${want.field}: ${want.table}.${want.column} is ${have.nullable ? "nullable" : "NOT NULL"}, schema.prisma says ${want.nullable ? "optional" : "required"}`,
      );
    return problems;
  });
}

/** DateTime columns must be timestamp(3), as Prisma creates them. */
function precisionDrift(
  expected: ExpectedColumn[],
  precision: Map<string, number | null>,
): string[] {
  return expected
    .filter((want) => want.dataType.startsWith("timestamp"))
    .flatMap((want) => {
      const have = precision.get(`${want.table}.${want.column}`);
      return have === undefined || have === 3
        ? []
        : [`${want.field}: ${want.table}.${want.column} has precision ${have}, expected 3`];
    });
}

describe("schema drift: migrations vs schema.prisma", () => {
  const client = new pg.Client({ connectionString: testEnv.DATABASE_URL });
  let dmmf: Dmmf;
  let actual: Column[];
  let precision: Map<string, number | null>;

  beforeAll(async () => {
    dmmf = await loadDmmf(
      readFileSync(path.join(process.cwd(), "prisma", "schema.prisma"), "utf8"),
    );
    await client.connect();
    const { rows } = await client.query<{
      table_name: string;
      column_name: string;
      data_type: string;
      is_nullable: string;
      datetime_precision: number | null;
    }>(
      `SELECT table_name, column_name, data_type, is_nullable, datetime_precision FROM information_schema.columns WHERE table_schema = 'public'`,
    );
    actual = rows.map((row) => ({
      table: row.table_name,
      column: row.column_name,
      dataType: row.data_type,
      nullable: row.is_nullable === "YES",
    }));
    precision = new Map(
      rows.map((row) => [`${row.table_name}.${row.column_name}`, row.datetime_precision]),
    );
  });

  afterAll(() => client.end());

  it("reads every model from schema.prisma", () => {
    const models = dmmf.datamodel.models.map((model) => model.name);
    expect(models).toEqual(
      expect.arrayContaining([
        "App",
        "Endpoint",
        "EventType",
        "Event",
        "Delivery",
        "Attempt",
        "ApiToken",
        "BackgroundJob",
        "AuditLog",
      ]),
    );
  });

  it("has a table for every model and a column of the right type and nullability for every field", () => {
    const expected = expectedColumns(dmmf);
    const tables = new Set(actual.map((column) => column.table));
    expect(
      dmmf.datamodel.models
        .map((model) => model.dbName ?? model.name)
        .filter((table) => !tables.has(table)),
    ).toEqual([]);
    expect(driftBetween(expected, actual)).toEqual([]);
    expect(precisionDrift(expected, precision)).toEqual([]);
  });

  it("has every enum with the same values", async () => {
    const { rows } = await client.query<{ name: string; values: string[] }>(
      `SELECT t.typname AS name, array_agg(e.enumlabel ORDER BY e.enumsortorder)::text[] AS values
       FROM pg_type t JOIN pg_enum e ON e.enumtypid = t.oid JOIN pg_namespace n ON n.oid = t.typnamespace
       WHERE n.nspname = 'public' GROUP BY t.typname`,
    );
    const inDatabase = new Map(rows.map((row) => [row.name, row.values]));
    for (const enumType of dmmf.datamodel.enums) {
      expect(inDatabase.get(enumType.dbName ?? enumType.name), enumType.name).toEqual(
        enumType.values.map((value) => value.dbName ?? value.name),
      );
    }
  });

  it("would notice a missing column, a changed type or changed nullability", () => {
    const expected = expectedColumns(dmmf);
    const endpointId = actual.find(
      (column) => column.table === "endpoints" && column.column === "id",
    )!;
    const withoutUrl = actual.filter(
      (column) => !(column.table === "endpoints" && column.column === "url"),
    );
    const retyped = actual.map((column) =>
      column === endpointId ? { ...column, dataType: "text" } : column,
    );
    const tightened = actual.map((column) =>
      column.table === "endpoints" && column.column === "url"
        ? { ...column, nullable: false }
        : column,
    );
    expect(driftBetween(expected, withoutUrl)).toEqual([
      "Endpoint.url: column endpoints.url is missing",
    ]);
    expect(driftBetween(expected, retyped)).toEqual([
      "Endpoint.id: endpoints.id is text, schema.prisma says uuid",
    ]);
    expect(driftBetween(expected, tightened)).toEqual([
      "Endpoint.url: endpoints.url is NOT NULL, schema.prisma says optional",
    ]);
  });
});
