import type { TableHTMLAttributes } from "react";
import { cn } from "@/components/ui/cn";

/**
 * A data table that scrolls sideways inside its card when the window is too narrow for its columns
 * (a laptop at 1024 px, say), rather than widening the page. Give the table a min-w-[…] when its
 * columns should not squeeze below a readable width. A scroll box clips what pokes out of it, so a
 * popover in a cell must not be position: absolute (it would be cut off at the last rows).
 */
export function Table({ className, ...props }: TableHTMLAttributes<HTMLTableElement>) {
  return (
    <div className="overflow-x-auto">
      <table className={cn("w-full text-left text-sm", className)} {...props} />
    </div>
  );
}

// The header row every data table shares, so tables look alike and each column header is a real
// <th scope="col">. `isDense` is for long lists inside a card (history, audit trail): tighter rows,
// padding only where a column meets the card's edge. Columns of figures are right-aligned, header
// included, so digits line up under their label.

export function TableHead({ columns, isDense = false, numeric = [] }: { columns: readonly string[]; isDense?: boolean; numeric?: readonly string[] }) {
  return (
    <thead className={cn("border-b text-xs tracking-wide text-slate-500 uppercase", isDense ? "border-slate-100" : "border-slate-200")}>
      <tr>
        {columns.map((label, index) => (
          <th
            key={label}
            scope="col"
            className={cn(
              "font-medium",
              numeric.includes(label) && "text-right",
              isDense ? "py-2.5" : "px-5 py-3",
              isDense && (index === 0 ? "px-5" : index === columns.length - 1 ? "pr-5" : "pr-4"),
            )}
          >
            {label}
          </th>
        ))}
      </tr>
    </thead>
  );
}
