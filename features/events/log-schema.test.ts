import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { getLogSchema, listLogSchemaNames, loadLogSchemas, parseLogSchema } from "@/features/events/log-schema";
import { normalizeRecord } from "@/features/events/normalize";

const SHIPPED_DIRECTORY = fileURLToPath(new URL("./log-types/", import.meta.url));

const schemaYaml = (fields: string, name = "Test.Logs") => `schema: ${name}\nversion: 0\nfields:\n${fields}`;

describe("shipped log types", () => {
  it("loads the three Slack schemas with their event time fields", () => {
    expect(listLogSchemaNames()).toEqual(["Slack.AccessLogs", "Slack.AuditLogs", "Slack.IntegrationLogs"]);
    expect(getLogSchema("Slack.AuditLogs")?.eventTimePath).toEqual(["date_create"]);
    expect(getLogSchema("Slack.AccessLogs")?.eventTimePath).toEqual(["date_last"]);
    expect(getLogSchema("Slack.IntegrationLogs")?.eventTimePath).toEqual(["date"]);
  });

  it("keeps the seed's metadata and nested fields", () => {
    const audit = getLogSchema("Slack.AuditLogs");
    expect(audit?.referenceURL).toBe("https://api.slack.com/enterprise/audit-logs");
    const entity = audit?.fields.find((field) => field.name === "entity");
    expect(entity?.type === "object" && entity.fields.map((field) => field.name)).toEqual([
      "type",
      "user",
      "channel",
      "file",
      "app",
      "workspace",
      "enterprise",
      "workflow",
      "message",
    ]);
    expect(getLogSchema("Slack.AccessLogs")?.description).toContain("Due to Slack's rate limits");
  });

  it("answers null for a log type it does not know", () => {
    expect(getLogSchema("Slack.Nope")).toBeNull();
  });
});

describe("parseLogSchema", () => {
  it("rejects a typo'd key and names the field path", () => {
    const yaml = schemaYaml(`  - name: actor
    type: object
    fields:
      - name: when
        type: timestamp
        timeFormat: unix
        isEventtime: true
`);
    expect(() => parseLogSchema(yaml, "Typo.yml")).toThrow('Invalid log schema Typo.yml: field actor.when: unknown key "isEventtime" (did you mean "isEventTime"?)');
  });

  it("rejects an unknown top-level key", () => {
    expect(() => parseLogSchema(`schemaa: X\n${schemaYaml("  - name: a\n    type: string\n")}`, "Top.yml")).toThrow(/Top\.yml: unknown key "schemaa"/);
  });

  it("rejects two fields with the same name at one level", () => {
    const yaml = schemaYaml(`  - name: context
    type: object
    fields:
      - name: ip
        type: string
      - name: ip
        type: string
`);
    expect(() => parseLogSchema(yaml, "Dup.yml")).toThrow("Invalid log schema Dup.yml: field context.ip: duplicate field name at this level");
  });

  it("allows the same name at different levels", () => {
    const yaml = schemaYaml(`  - name: id
    type: string
  - name: user
    type: object
    fields:
      - name: id
        type: string
`);
    expect(parseLogSchema(yaml, "Ok.yml").fields.map((field) => field.name)).toEqual(["id", "user"]);
  });

  it("rejects isEventTime on a string", () => {
    const yaml = schemaYaml(`  - name: created
    type: string
    isEventTime: true
`);
    expect(() => parseLogSchema(yaml, "Time.yml")).toThrow("Invalid log schema Time.yml: field created: isEventTime needs type timestamp, not string");
  });

  it("rejects timeFormat on a non-timestamp and a timestamp without one", () => {
    expect(() => parseLogSchema(schemaYaml("  - name: n\n    type: int\n    timeFormat: unix\n"), "A.yml")).toThrow("field n: timeFormat is only allowed on a timestamp, not on int");
    expect(() => parseLogSchema(schemaYaml("  - name: t\n    type: timestamp\n"), "B.yml")).toThrow("field t: a timestamp needs a timeFormat");
  });

  it("rejects unknown types, indicators and time formats", () => {
    expect(() => parseLogSchema(schemaYaml("  - name: n\n    type: integer\n"), "A.yml")).toThrow(/field n: type: "integer" is not one of string, timestamp/);
    expect(() => parseLogSchema(schemaYaml("  - name: n\n    type: string\n    indicators: [domain]\n"), "B.yml")).toThrow(
      'field n: indicators[0]: "domain" is not one of ip, email, username',
    );
    expect(() => parseLogSchema(schemaYaml("  - name: t\n    type: timestamp\n    timeFormat: iso8601\n"), "C.yml")).toThrow('field t: unknown timeFormat "iso8601"');
    expect(() => parseLogSchema(schemaYaml("  - name: t\n    type: timestamp\n    timeFormat: '%Y-%m-%d %I'\n"), "D.yml")).toThrow("unsupported directive %I");
  });

  it("names the element of an array in the path", () => {
    const yaml = schemaYaml(`  - name: apps
    type: array
    element:
      type: object
      fields:
        - name: id
          type: string
          requird: true
`);
    expect(() => parseLogSchema(yaml, "Arr.yml")).toThrow('field apps[].id: unknown key "requird"');
  });

  it("rejects isEventTime inside an array element and top-level p_* names", () => {
    const inArray = schemaYaml(`  - name: items
    type: array
    element:
      type: object
      fields:
        - name: at
          type: timestamp
          timeFormat: unix
          isEventTime: true
`);
    expect(() => parseLogSchema(inArray, "A.yml")).toThrow("field items[].at: isEventTime is not allowed inside an array");
    expect(() => parseLogSchema(schemaYaml("  - name: p_event_time\n    type: string\n"), "B.yml")).toThrow("field p_event_time: names starting with p_ are reserved");
  });

  it("reports YAML syntax errors on one line", () => {
    let message = "";
    try {
      parseLogSchema("schema: X\nfields: [\n", "Broken.yml");
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(/^Invalid log schema Broken\.yml: not valid YAML: /);
    expect(message).not.toContain("\n");
  });

  it("takes the first isEventTime field depth-first in schema order", () => {
    const yaml = schemaYaml(`  - name: meta
    type: object
    fields:
      - name: seen
        type: timestamp
        timeFormat: unix
        isEventTime: true
  - name: created
    type: timestamp
    timeFormat: unix
    isEventTime: true
`);
    expect(parseLogSchema(yaml, "Order.yml").eventTimePath).toEqual(["meta", "seen"]);
  });
});

describe("loadLogSchemas", () => {
  let directory: string | null = null;
  afterEach(() => {
    if (directory) rmSync(directory, { recursive: true, force: true });
    directory = null;
  });

  it("loads a fourth log type from a directory without engine changes", () => {
    directory = mkdtempSync(join(tmpdir(), "tributary-log-types-"));
    for (const file of ["Slack.AuditLogs.yml", "Slack.AccessLogs.yml", "Slack.IntegrationLogs.yml"]) {
      writeFileSync(join(directory, file), readFileSync(join(SHIPPED_DIRECTORY, file), "utf8"));
    }
    writeFileSync(
      join(directory, "Okta.SystemLog.yaml"),
      `schema: Okta.SystemLog
description: Okta system log events
version: 1
fields:
  - name: uuid
    required: true
    type: string
  - name: published
    required: true
    type: timestamp
    timeFormat: rfc3339
    isEventTime: true
  - name: client
    type: object
    fields:
      - name: ipAddress
        type: string
        indicators: [ip]
`,
    );
    writeFileSync(join(directory, "README.md"), "not a schema");

    const schemas = loadLogSchemas(directory);
    expect([...schemas.keys()].sort()).toEqual(["Okta.SystemLog", "Slack.AccessLogs", "Slack.AuditLogs", "Slack.IntegrationLogs"]);
    const okta = schemas.get("Okta.SystemLog");
    if (!okta) throw new Error("Okta.SystemLog did not load");
    const result = normalizeRecord(okta, { uuid: "u1", published: "2026-11-25T13:00:00.5+01:00", client: { ipAddress: "10.0.0.1" } }, { parseTime: new Date() });
    expect(result.ok && result.event.p_event_time).toBe("2026-11-25T12:00:00.5Z");
    expect(result.ok && result.event.p_any_ip_addresses).toEqual(["10.0.0.1"]);
  });

  it("rejects two files that define the same schema", () => {
    directory = mkdtempSync(join(tmpdir(), "tributary-log-types-"));
    writeFileSync(join(directory, "a.yml"), schemaYaml("  - name: id\n    type: string\n", "Same.Name"));
    writeFileSync(join(directory, "b.yml"), schemaYaml("  - name: id\n    type: string\n", "Same.Name"));
    expect(() => loadLogSchemas(directory ?? "")).toThrow('Invalid log schema b.yml: schema "Same.Name" is already defined in a.yml');
  });

  it("names the file that fails", () => {
    directory = mkdtempSync(join(tmpdir(), "tributary-log-types-"));
    writeFileSync(join(directory, "bad.yml"), schemaYaml("  - name: id\n    type: strin\n"));
    expect(() => loadLogSchemas(directory ?? "")).toThrow(/^Invalid log schema bad\.yml: field id: type: /);
  });
});
