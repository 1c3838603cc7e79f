import { describe, expect, it } from "vitest";
import { parseRawRecords } from "@/features/events/records";

describe("parseRawRecords", () => {
  it("reads a JSON array of records", () => {
    expect(parseRawRecords('[{"id": "a"}, {"id": "b"}]')).toEqual({ ok: true, records: [{ id: "a" }, { id: "b" }] });
  });

  it("reads NDJSON, skipping blank lines", () => {
    expect(parseRawRecords('{"id": "a"}\r\n\n{"id": "b"}\n')).toEqual({ ok: true, records: [{ id: "a" }, { id: "b" }] });
  });

  it("names the NDJSON line that is not JSON", () => {
    expect(parseRawRecords('{"id": "a"}\n\n{"id": "b"\n{"id": "c"}')).toEqual({ ok: false, reason: "line 3: not valid JSON" });
  });

  it("takes the records out of the three Slack API response bodies", () => {
    const audit = '{"entries": [{"id": "e1"}], "response_metadata": {"next_cursor": ""}}';
    const access = '{"ok": true, "logins": [{"user_id": "U1"}, {"user_id": "U2"}], "paging": {"page": 1}}';
    const integration = '{"ok": true, "logs": [{"user_id": "U3"}], "paging": {"page": 1}}';
    expect(parseRawRecords(audit)).toEqual({ ok: true, records: [{ id: "e1" }] });
    expect(parseRawRecords(access)).toEqual({ ok: true, records: [{ user_id: "U1" }, { user_id: "U2" }] });
    expect(parseRawRecords(integration)).toEqual({ ok: true, records: [{ user_id: "U3" }] });
  });

  it("reads a single pretty-printed object as one record", () => {
    expect(parseRawRecords('\uFEFF{\n  "user_id": "U1",\n  "logs": "not an array"\n}\n')).toEqual({ ok: true, records: [{ user_id: "U1", logs: "not an array" }] });
  });

  it("reports a saved Slack error body instead of importing it", () => {
    expect(parseRawRecords('{"ok": false, "error": "paid_only"}')).toEqual({ ok: false, reason: "Slack returned an error response: paid_only" });
  });

  it("reads empty input as zero records", () => {
    expect(parseRawRecords("")).toEqual({ ok: true, records: [] });
    expect(parseRawRecords(" \n\n ")).toEqual({ ok: true, records: [] });
  });
});
