"use client";

import { useSyncExternalStore } from "react";

const TICK_MS = 5000;

const UNITS: [Intl.RelativeTimeFormatUnit, number][] = [
  ["day", 86_400_000],
  ["hour", 3_600_000],
  ["minute", 60_000],
  ["second", 1000],
];

function formatRelative(from: Date, now: Date): string {
  // The shared clock below runs up to one tick behind, so something that just happened can look a
  // few seconds in the future: that is "now", not "in 2 sec.".
  const difference = from.getTime() - now.getTime();
  const elapsed = difference > 0 && difference <= TICK_MS * 2 ? 0 : difference;
  const format = new Intl.RelativeTimeFormat("en", { numeric: "auto", style: "short" });
  for (const [unit, size] of UNITS) {
    if (Math.abs(elapsed) >= size || unit === "second") return format.format(Math.round(elapsed / size), unit);
  }
  return "";
}


// A shared clock that ticks every few seconds; the server has no "now" to agree with, so it renders
// the exact time and the browser switches to relative wording after hydration.
function subscribeToClock(onTick: () => void) {
  const timer = setInterval(onTick, TICK_MS);
  return () => clearInterval(timer);
}
const readClock = () => Math.floor(Date.now() / TICK_MS) * TICK_MS;
const readServerClock = () => null;

/** "3 min ago", with the exact UTC time on hover. */
export function RelativeTime({ value }: { value: string }) {
  const date = new Date(value);
  const now = useSyncExternalStore(subscribeToClock, readClock, readServerClock);
  const exact = date.toISOString().replace("T", " ").replace(/\.\d+Z$/, " UTC");
  return (
    <time dateTime={value} title={exact}>
      {now === null ? exact : formatRelative(date, new Date(now))}
    </time>
  );
}
