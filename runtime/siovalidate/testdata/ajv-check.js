// Validates the samples of samples.json with ajv (JSON Schema 2020-12,
// formats asserted by ajv-formats) against the documents under a
// directory, printing one JSON line per sample for crosscheck_test.go.
//
// usage: node ajv-check.js DOCS_DIR BASE_ID SAMPLES_JSON
"use strict";
const fs = require("fs");
const path = require("path");
const Ajv2020 = require("ajv/dist/2020").default;
const addFormats = require("ajv-formats").default;

const [docsDir, baseID, samplesFile] = process.argv.slice(2);
const warnings = [];
const ajv = new Ajv2020({
  allErrors: true,
  strict: true,
  logger: { log() {}, warn: (...a) => warnings.push(a.join(" ")), error: (...a) => warnings.push(a.join(" ")) },
});
addFormats(ajv);

function walk(dir) {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? walk(path.join(dir, e.name)) : e.name.endsWith(".json") ? [path.join(dir, e.name)] : []);
}

let documents = 0;
for (const file of walk(docsDir)) {
  ajv.addSchema(JSON.parse(fs.readFileSync(file, "utf8")));
  documents++;
}
// Compile every document, so a document no sample reaches is checked too.
for (const file of walk(docsDir)) {
  const id = JSON.parse(fs.readFileSync(file, "utf8")).$id;
  ajv.getSchema(id);
}
console.log(JSON.stringify({ event: "compiled", documents, warnings }));

for (const s of JSON.parse(fs.readFileSync(samplesFile, "utf8"))) {
  const validate = ajv.getSchema(baseID + s.doc);
  if (!validate) {
    console.log(JSON.stringify({ event: "result", name: s.name, error: "no schema " + s.doc }));
    continue;
  }
  const valid = validate(s.data);
  const errors = (validate.errors || []).map((e) => `${e.instancePath} ${e.message}`);
  console.log(JSON.stringify({ event: "result", name: s.name, valid, errors }));
}
console.log(JSON.stringify({ event: "done" }));
