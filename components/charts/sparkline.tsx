"use client";

import { Area, AreaChart } from "recharts";

/** A tiny trend line for a table cell; the numbers themselves are in the label for screen readers and on hover. */
export function Sparkline({ values, label, width = 96, height = 24 }: { values: readonly number[]; label: string; width?: number; height?: number }) {
  const data = values.map((value, index) => ({ index, value }));
  const isFlat = values.every((value) => value === 0);
  return (
    <div role="img" aria-label={label} title={label} className="inline-block align-middle" style={{ width, height }}>
      <AreaChart width={width} height={height} data={data} margin={{ top: 2, right: 0, bottom: 2, left: 0 }}>
        <Area
          type="monotone"
          dataKey="value"
          stroke={isFlat ? "var(--chart-axis, #94a3b8)" : "var(--chart-1, #1b6ef5)"}
          fill={isFlat ? "transparent" : "var(--chart-1, #1b6ef5)"}
          fillOpacity={0.15}
          strokeWidth={1.5}
          isAnimationActive={false}
          dot={false}
        />
      </AreaChart>
    </div>
  );
}
