import { expect, type Locator, type Page } from "@playwright/test";

/** Settings → API tokens, as an admin sees it. */
export class ApiTokensPage {
  readonly newToken: Locator;

  constructor(readonly page: Page) {
    this.newToken = page.getByLabel("New API token");
  }

  async open() {
    await this.page.goto("/settings/api-tokens");
    await expect(this.page.getByRole("heading", { name: "API tokens", level: 2 })).toBeVisible();
  }

  row(name: string): Locator {
    return this.page.getByRole("row").filter({ hasText: name });
  }

  /** Creates a token and returns it as the console shows it, the one time it does. */
  async create(token: { name: string; access: "Read" | "Read and write"; expiresAfter: string }): Promise<string> {
    await this.page.getByRole("button", { name: "Create token" }).click();
    const form = this.page.getByRole("form", { name: "Create an API token" });
    await form.getByLabel("Name").fill(token.name);
    await form.getByLabel("Access").selectOption(token.access === "Read" ? "READ" : "WRITE");
    await form.getByLabel("Expires after").selectOption({ label: token.expiresAfter });
    await form.getByRole("button", { name: "Create token" }).click();
    await expect(this.newToken).toBeVisible();
    return (await this.newToken.textContent())!.trim();
  }

  async revoke(name: string) {
    this.page.once("dialog", (dialog) => void dialog.accept());
    await this.row(name).getByRole("button", { name: `Revoke ${name}` }).click();
  }
}
