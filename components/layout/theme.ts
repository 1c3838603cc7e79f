// The console's colour theme. The stylesheet keys off data-theme on <html> ("light" | "dark");
// data-theme-choice records what the person picked, "system" meaning "follow the OS".
//
// THEME_SCRIPT runs inline in <head> before the first paint (app/layout.tsx), so a dark-mode user
// never sees a white flash, and stays the only code that reads or writes the stored choice: the
// toggle just announces a new choice with THEME_CHOICE_EVENT. It also follows an OS switch while
// "system" is picked and a choice made in another tab.

export const THEME_CHOICES = ["system", "light", "dark"] as const;
export type ThemeChoice = (typeof THEME_CHOICES)[number];

export const THEME_STORAGE_KEY = "tributary:theme";
export const THEME_CHOICE_EVENT = "tributary:theme-choice";

export function readThemeChoice(root: HTMLElement): ThemeChoice {
  const choice = root.dataset.themeChoice;
  return choice === "light" || choice === "dark" ? choice : "system";
}

// Kept to syntax every supported browser runs as written: it is not bundled or transpiled. localStorage can throw (storage disabled), and then
// the choice still applies to this page.
export const THEME_SCRIPT = `(() => {
  const key = ${JSON.stringify(THEME_STORAGE_KEY)};
  const root = document.documentElement;
  const media = window.matchMedia("(prefers-color-scheme: dark)");
  const read = () => { try { return localStorage.getItem(key); } catch { return null; } };
  const apply = (choice) => {
    const picked = choice === "light" || choice === "dark" ? choice : "system";
    root.dataset.themeChoice = picked;
    root.dataset.theme = picked === "system" ? (media.matches ? "dark" : "light") : picked;
  };
  apply(read());
  media.addEventListener("change", () => apply(root.dataset.themeChoice));
  window.addEventListener("storage", (event) => { if (event.key === key || event.key === null) apply(read()); });
  window.addEventListener(${JSON.stringify(THEME_CHOICE_EVENT)}, (event) => {
    try {
      if (event.detail === "system") localStorage.removeItem(key);
      else localStorage.setItem(key, event.detail);
    } catch {}
    apply(event.detail);
  });
})();`;
