"use client";

import { Monitor, Moon, Sun, type LucideIcon } from "lucide-react";
import { useId, useSyncExternalStore } from "react";
import { THEME_CHOICE_EVENT, readThemeChoice, type ThemeChoice } from "@/components/layout/theme";
import { cn } from "@/components/ui/cn";

const OPTIONS: { value: ThemeChoice; label: string; icon: LucideIcon }[] = [
  { value: "system", label: "System", icon: Monitor },
  { value: "light", label: "Light", icon: Sun },
  { value: "dark", label: "Dark", icon: Moon },
];

// The choice lives on <html> (components/layout/theme.ts), where the inline theme script keeps it;
// its listeners were added first, so by the time these run the attribute is up to date.
function subscribeToChoice(onChange: () => void) {
  window.addEventListener(THEME_CHOICE_EVENT, onChange);
  window.addEventListener("storage", onChange);
  return () => {
    window.removeEventListener(THEME_CHOICE_EVENT, onChange);
    window.removeEventListener("storage", onChange);
  };
}
const readChoice = () => readThemeChoice(document.documentElement);
// The server cannot know the choice: no option is checked until hydration.
const readServerChoice = () => null;

function choose(choice: ThemeChoice) {
  window.dispatchEvent(new CustomEvent(THEME_CHOICE_EVENT, { detail: choice }));
}

/** System / Light / Dark as a radio group, for the sidebar's dark background. */
export function ThemeToggle() {
  const choice = useSyncExternalStore(subscribeToChoice, readChoice, readServerChoice);
  const name = useId();
  return (
    <fieldset className="flex w-full items-center justify-between gap-3">
      <legend className="float-left text-xs text-slate-400">Theme</legend>
      <div className="flex rounded-md bg-slate-800 p-0.5">
        {OPTIONS.map(({ value, label, icon: Icon }) => (
          <label
            key={value}
            title={label}
            className={cn(
              "flex cursor-pointer items-center justify-center rounded px-2 py-1 text-slate-400 transition-colors hover:text-white",
              "has-[:checked]:bg-slate-600 has-[:checked]:text-white",
              "has-[:focus-visible]:outline-2 has-[:focus-visible]:outline-offset-1 has-[:focus-visible]:outline-brand-400",
            )}
          >
            <input type="radio" name={name} value={value} checked={choice === value} onChange={() => choose(value)} className="sr-only" />
            <Icon aria-hidden className="size-3.5" />
            <span className="sr-only">{label}</span>
          </label>
        ))}
      </div>
    </fieldset>
  );
}
