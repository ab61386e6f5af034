// Parses AsyncAPI documents with the official @asyncapi/parser and prints
// one JSON line per document with its diagnostics, and checks every
// message example against the message's payload schema with ajv (draft 07,
// the AsyncAPI Schema format). Run by parser_test.go:
//
//	node parse.mjs FILE.asyncapi.json...
import { Parser } from "@asyncapi/parser";
import Ajv from "ajv";
import addFormats from "ajv-formats";
import { readFile } from "node:fs/promises";

const severities = ["error", "warning", "info", "hint"];
const parser = new Parser();
for (const file of process.argv.slice(2)) {
  const text = await readFile(file, "utf8");
  const { document, diagnostics } = await parser.parse(text, { source: file });
  const out = {
    event: "doc",
    file,
    parsed: document !== undefined,
    diagnostics: diagnostics.map((d) => ({
      severity: severities[d.severity] ?? String(d.severity),
      code: String(d.code),
      message: d.message,
      path: d.path.join("/"),
    })),
  };
  if (document) {
    out.channels = document.channels().length;
    out.operations = document.operations().length;
    out.messages = document.messages().length;
    out.replies = document.operations().filterBy((op) => op.reply() !== undefined).length;
    out.actions = document.operations().all().map((op) => `${op.id()}=${op.action()}`);
    out.examples = 0;
    out.badExamples = [];
    const raw = JSON.parse(text);
    const ajv = new Ajv({ strict: false, allErrors: true });
    addFormats(ajv);
    ajv.addSchema({ ...raw, $id: "asyncapi" });
    for (const [chName, ch] of Object.entries(raw.channels)) {
      for (const [name, msg] of Object.entries(ch.messages)) {
        if (!msg.payload) continue;
        const validate = ajv.compile({ $ref: "asyncapi" + msg.payload.$ref });
        for (const ex of msg.examples ?? []) {
          out.examples++;
          if (!validate(ex.payload)) {
            out.badExamples.push({ message: `${chName}/${name}/${ex.name}`, errors: validate.errors });
          }
        }
      }
    }
  }
  process.stdout.write(JSON.stringify(out) + "\n");
}
