"use client";

import { Area, AreaChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";

export type TimeSeries = { key: string; label: string };
export type TimePoint = { at: string; values: Record<string, number> };

const SERIES_COLORS = ["var(--chart-1, #1b6ef5)", "var(--chart-2, #059669)", "var(--chart-3, #d97706)"];

function formatTick(at: string, spanMinutes: number): string {
  const iso = new Date(at).toISOString();
  // Times are UTC everywhere in the console, like the logs themselves.
  return spanMinutes > 24 * 60 ? `${iso.slice(5, 10)} ${iso.slice(11, 13)}h` : iso.slice(11, 16);
}

/**
 * Stacked areas over time, in UTC. Not animated: it redraws every few seconds with live data, and
 * an animation would make every refresh look like a change.
 */
export function TimeSeriesChart({ points, series, unit, spanMinutes, height = 240 }: { points: readonly TimePoint[]; series: readonly TimeSeries[]; unit: string; spanMinutes: number; height?: number }) {
  const data = points.map((point) => ({ at: point.at, ...point.values }));
  return (
    <div style={{ height }} className="w-full text-xs">
      <ResponsiveContainer width="100%" height="100%">
        <AreaChart data={data} margin={{ top: 8, right: 12, bottom: 0, left: 0 }}>
          <CartesianGrid stroke="var(--chart-grid, #e2e8f0)" strokeDasharray="3 3" vertical={false} />
          <XAxis
            dataKey="at"
            tickFormatter={(at: string) => formatTick(at, spanMinutes)}
            stroke="var(--chart-axis, #64748b)"
            tick={{ fill: "var(--chart-axis, #64748b)" }}
            minTickGap={32}
            tickLine={false}
          />
          <YAxis stroke="var(--chart-axis, #64748b)" tick={{ fill: "var(--chart-axis, #64748b)" }} width={48} tickLine={false} allowDecimals={false} />
          <Tooltip
            labelFormatter={(at) => `${new Date(String(at)).toISOString().replace("T", " ").slice(0, 16)} UTC`}
            formatter={(value, name) => [`${Number(value).toLocaleString("en")} ${unit}`, series.find((entry) => entry.key === name)?.label ?? String(name)]}
            contentStyle={{ background: "var(--chart-tooltip-bg, #ffffff)", border: "1px solid var(--chart-grid, #e2e8f0)", borderRadius: 8 }}
            labelStyle={{ color: "var(--chart-axis, #64748b)" }}
          />
          <Legend formatter={(name: string) => series.find((entry) => entry.key === name)?.label ?? name} />
          {series.map((entry, index) => (
            <Area
              key={entry.key}
              type="monotone"
              dataKey={entry.key}
              name={entry.key}
              stackId="total"
              stroke={SERIES_COLORS[index % SERIES_COLORS.length]}
              fill={SERIES_COLORS[index % SERIES_COLORS.length]}
              fillOpacity={0.2}
              strokeWidth={1.5}
              isAnimationActive={false}
              dot={false}
            />
          ))}
        </AreaChart>
      </ResponsiveContainer>
    </div>
  );
}
