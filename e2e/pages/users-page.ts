import { expect, type Locator, type Page } from "@playwright/test";

/** Settings → Users, as an admin sees it. */
export class UsersPage {
  readonly feedback: Locator;
  readonly oneTimeLink: Locator;

  constructor(readonly page: Page) {
    this.feedback = page.getByRole("main").getByRole("status").or(page.getByRole("main").getByRole("alert")).first();
    this.oneTimeLink = page.getByLabel("One-time link");
  }

  async open() {
    await this.page.goto("/settings/users");
    await expect(this.page.getByRole("heading", { name: "Users", level: 2 })).toBeVisible();
  }

  row(email: string): Locator {
    return this.page.getByRole("row").filter({ hasText: email });
  }

  /** Invites a user and returns the one-time link the console shows. */
  async invite(user: { name: string; email: string; role: "Admin" | "Analyst" }): Promise<string> {
    await this.page.getByRole("button", { name: "Invite user" }).click();
    const form = this.page.getByRole("form", { name: "Invite a user" });
    await form.getByLabel("Name").fill(user.name);
    await form.getByLabel("Email").fill(user.email);
    await form.getByLabel("Role").selectOption(user.role === "Admin" ? "ADMIN" : "ANALYST");
    await form.getByRole("button", { name: "Create invitation" }).click();
    await expect(this.oneTimeLink).toBeVisible();
    return (await this.oneTimeLink.textContent())!.trim();
  }

  async confirmNextDialog() {
    this.page.once("dialog", (dialog) => void dialog.accept());
  }
}
