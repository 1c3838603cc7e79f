import { cn } from "@/components/ui/cn";

/** The product mark: two streams joining. Decorative; the product name is always shown beside it. */
export function LogoMark({ className }: { className?: string }) {
  return (
    <svg aria-hidden viewBox="0 0 32 32" className={cn("size-7", className)}>
      <rect width="32" height="32" rx="8" className="fill-brand-500" />
      {/* Literal white: in the dark theme the `white` utilities are the dark card surface (app/globals.css). */}
      <path d="M7 11c4 0 5 4 9 4s5-4 9-4M7 17c4 0 5 4 9 4s5-4 9-4" fill="none" stroke="#fff" strokeWidth="2.5" strokeLinecap="round" />
    </svg>
  );
}
