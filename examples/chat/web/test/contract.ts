// validateWithSchemas compiles the published JSON Schema documents of the
// contracts (examples/generated/jsonschema) with ajv, for the mocks'
// contract checks.

import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import Ajv2020 from "ajv/dist/2020.js";
import addFormats from "ajv-formats";
import type { Validate } from "../../../generated/ts/siogen.mock.js";

function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? walk(join(dir, e.name)) : e.name.endsWith(".json") ? [join(dir, e.name)] : [],
  );
}

/** validateWithSchemas returns a Validate over the documents under dir, whose $ids start with baseID. */
export function validateWithSchemas(dir: string, baseID: string): Validate {
  const ajv = new Ajv2020({ allErrors: true, strict: false, logger: false });
  addFormats(ajv);
  for (const file of walk(dir)) ajv.addSchema(JSON.parse(readFileSync(file, "utf8")));
  return (schema, value) => {
    const check = ajv.getSchema(baseID + schema);
    if (!check) return [`no schema ${schema}`];
    if (check(value)) return [];
    return (check.errors ?? []).map((e) => `${e.instancePath || "(payload)"} ${e.message}`);
  };
}
