import { spawnSync } from "node:child_process";
import { mkdirSync, renameSync, writeFileSync } from "node:fs";
import { cpus, freemem, loadavg, release, totalmem, type as osType } from "node:os";
import { dirname } from "node:path";
import type { EndpointResult } from "@/bench/measure";

// What a reader of the figures needs to judge them: the machine, the software, the commit, and the
// table itself, printed and written as JSON under bench/results/.

export type MachineFacts = {
  cpuModel: string;
  cores: number;
  memoryGiB: number;
  os: string;
  node: string;
  /** Load average when the run started: figures taken on a busy machine say so. */
  loadAverage: number[];
  freeMemoryGiB: number;
};

export function readMachineFacts(): MachineFacts {
  const cpuList = cpus();
  const gib = (bytes: number) => Math.round((bytes / 1024 ** 3) * 10) / 10;
  return {
    cpuModel: cpuList[0]?.model.trim() ?? "unknown",
    cores: cpuList.length,
    memoryGiB: gib(totalmem()),
    os: `${osType()} ${release()}`,
    node: process.version,
    loadAverage: loadavg().map((value) => Math.round(value * 100) / 100),
    freeMemoryGiB: gib(freemem()),
  };
}

export function readGitFacts(): { commit: string; isDirty: boolean } {
  const head = spawnSync("git", ["rev-parse", "HEAD"], { encoding: "utf8" });
  const status = spawnSync("git", ["status", "--porcelain"], { encoding: "utf8" });
  return { commit: head.status === 0 ? head.stdout.trim() : "unknown", isDirty: status.status === 0 && status.stdout.trim() !== "" };
}

const VERDICTS: Record<EndpointResult["outcome"], string> = { ok: "ok", slow: "SLOW", errors: "ERRORS", missing: "missing" };

function verdict(result: EndpointResult): string {
  if (result.outcome !== "errors") return VERDICTS[result.outcome];
  const counts = Object.entries(result.errors).map(([status, count]) => `${count}× HTTP ${status}`);
  return `${VERDICTS.errors} (${counts.join(", ")})`;
}

const formatMs = (value: number | undefined) => (value === undefined ? "—" : value.toFixed(1));

/** Rows as plain text with aligned columns: the first and last left-aligned, the rest right-aligned. */
export function formatRows(rows: readonly string[][]): string {
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
  const line = (row: readonly string[]) => row.map((cell, column) => (column === 0 || column === row.length - 1 ? cell.padEnd(widths[column]!) : cell.padStart(widths[column]!))).join("  ").trimEnd();
  return [line(rows[0]!), widths.map((width) => "-".repeat(width)).join("  "), ...rows.slice(1).map(line)].join("\n");
}

/** endpoint | p50 ms | p95 ms | target | verdict, as plain text with aligned columns. */
export function formatTable(results: readonly EndpointResult[]): string {
  return formatRows([
    ["endpoint", "p50 ms", "p95 ms", "p99 ms", "target", "verdict"],
    ...results.map((result) => [
      result.name,
      formatMs(result.latencyMs?.p50),
      formatMs(result.latencyMs?.p95),
      formatMs(result.latencyMs?.p99),
      `< ${result.targetMs} ms`,
      verdict(result),
    ]),
  ]);
}

/** Written whole or not at all: a run interrupted while writing leaves the previous figures. */
export function writeResultFile(path: string, content: unknown): void {
  mkdirSync(dirname(path), { recursive: true });
  const temporary = `${path}.tmp`;
  writeFileSync(temporary, `${JSON.stringify(content, null, 2)}\n`);
  renameSync(temporary, path);
}
