import { describe, expect, it } from "vitest";
import { MONTHS_AHEAD, monthOfPartition, partitionNameOf, planEventPartitions } from "@/features/events/partitions";

// Which months the partition job creates and drops, from the clock and the retention alone.

const utc = (text: string) => new Date(`${text}T00:00:00.000Z`);

describe("the event partition plan", () => {
  it("creates every month from the retention cutoff to three months ahead that has no partition", () => {
    const plan = planEventPartitions({ now: new Date("2027-06-15T12:00:00Z"), retentionDays: 90, existing: ["events_default", "events_2027_03", "events_2027_06"] });
    expect(plan.cutoff.toISOString()).toBe("2027-03-17T12:00:00.000Z");
    expect(plan.create.map(partitionNameOf)).toEqual(["events_2027_04", "events_2027_05", "events_2027_07", "events_2027_08", "events_2027_09"]);
    expect(MONTHS_AHEAD).toBe(3);
  });

  it("drops a month only once all of it is older than the cutoff, and never the default partition", () => {
    const existing = ["events_default", "events_2027_01", "events_2027_02", "events_2027_03", "events_2027_04"];
    // Cutoff 2027-03-01 exactly: February has just passed out of the retention, March has not.
    expect(planEventPartitions({ now: new Date("2027-05-30T00:00:00Z"), retentionDays: 90, existing }).drop).toEqual(["events_2027_01", "events_2027_02"]);
    expect(planEventPartitions({ now: new Date("2027-05-29T23:59:59Z"), retentionDays: 90, existing }).drop).toEqual(["events_2027_01"]);
  });

  it("leaves tables it did not name alone and crosses year ends", () => {
    const plan = planEventPartitions({ now: new Date("2027-12-31T23:00:00Z"), retentionDays: 31, existing: ["events_default", "events_archive", "events_2027_13", "events_2026_12"] });
    expect(plan.drop).toEqual(["events_2026_12"]);
    expect(plan.create.map(partitionNameOf)).toEqual(["events_2027_11", "events_2027_12", "events_2028_01", "events_2028_02", "events_2028_03"]);
  });

  it("reads a partition's month back from its name", () => {
    expect(monthOfPartition("events_2027_02")).toEqual(utc("2027-02-01"));
    expect(monthOfPartition(partitionNameOf(utc("2031-10-01")))).toEqual(utc("2031-10-01"));
    for (const name of ["events_default", "events_2027_00", "events_2027_13", "events_27_01", "other_2027_01"]) expect(monthOfPartition(name)).toBeNull();
  });
});
