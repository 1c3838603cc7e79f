import { expect, type Locator, type Page } from "@playwright/test";

export const SECTIONS = ["Sources", "Events", "Alarms", "Settings"] as const;
export type Section = (typeof SECTIONS)[number];

/** The signed-in console: sidebar, header and the current page, as a person sees them. */
export class ConsolePage {
  readonly navigation: Locator;
  readonly signedInUser: Locator;

  constructor(readonly page: Page) {
    this.navigation = page.getByRole("navigation", { name: "Main" });
    this.signedInUser = page.getByLabel("Signed-in user");
  }

  navLink(section: Section): Locator {
    return this.navigation.getByRole("link", { name: section });
  }

  heading(text: string): Locator {
    return this.page.getByRole("heading", { level: 1, name: text });
  }

  async open(section: Section) {
    await this.navLink(section).click();
    await expect(this.heading(section)).toBeVisible();
    await expect(this.navLink(section)).toHaveAttribute("aria-current", "page");
  }

  async signOut() {
    await this.page.getByRole("button", { name: "Sign out" }).click();
  }
}
