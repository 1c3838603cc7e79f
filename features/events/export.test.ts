import { describe, expect, it } from "vitest";
import { exportFileName, formatCsvRow, formatEventCsvRow } from "@/features/events/export";

describe("CSV rows", () => {
  it("quotes what RFC 4180 requires and nothing else", () => {
    expect(formatCsvRow(["plain", "", "a,b", 'say "hi"', "two\nlines", "cr\rlf"])).toBe('plain,,"a,b","say ""hi""","two\nlines","cr\rlf"\r\n');
  });

  it("defuses cells a spreadsheet would run as a formula", () => {
    expect(formatCsvRow(["=HYPERLINK(\"http://evil\")", "+1", "-2", "@SUM(A1)", "\tx", "\rx", "a=b", "1-2"])).toBe(
      `"'=HYPERLINK(""http://evil"")",'+1,'-2,'@SUM(A1),'\tx,"'\rx",a=b,1-2\r\n`,
    );
  });

  it("writes an event's columns, indicators joined by spaces and the event as JSON", () => {
    const row = formatEventCsvRow({
      eventTime: new Date("2026-11-20T10:00:00.123Z"),
      logType: "Slack.AuditLogs",
      sourceLabel: "=cmd|' /C calc'!A0",
      sourceId: "clsource0000000000000001",
      action: null,
      ipAddresses: ["198.51.100.7", "2001:db8::1"],
      emails: ["a@example.test"],
      usernames: [],
      rowId: "row-1",
      event: { action: "user_login", note: 'he said "hi", then\nleft' },
    });
    expect(row).toBe(
      `2026-11-20T10:00:00.123Z,Slack.AuditLogs,'=cmd|' /C calc'!A0,clsource0000000000000001,,198.51.100.7 2001:db8::1,a@example.test,,row-1,"{""action"":""user_login"",""note"":""he said \\""hi\\"", then\\nleft""}"\r\n`,
    );
  });
});

describe("export file names", () => {
  it("carry the UTC time and the format", () => {
    expect(exportFileName("csv", new Date("2026-12-01T10:30:05.789Z"))).toBe("tributary-events-20261201T103005Z.csv");
    expect(exportFileName("ndjson", new Date("2026-12-01T10:30:05.789Z"))).toBe("tributary-events-20261201T103005Z.ndjson");
  });
});
