import { expect, type Locator, type Page } from "@playwright/test";

export type PlanChoice = "Enterprise Grid" | "Pro or Business+";

/** The Slack source wizard and Slack's consent page, as an admin walks through them. */
export class WizardPage {
  readonly progress: Locator;

  constructor(readonly page: Page) {
    this.progress = page.getByRole("navigation", { name: "Setup progress" });
  }

  async expectStep(label: string) {
    await expect(this.progress.locator('[aria-current="step"]')).toContainText(label);
  }

  /** Sources → Create New → Slack → Start Source Setup. */
  async start() {
    await this.page.goto("/sources");
    await this.page.getByRole("link", { name: "Create New" }).click();
    await this.page.getByRole("link", { name: "Start Source Setup" }).click();
    await this.expectStep("Configure");
  }

  async configure(name: string, plan: PlanChoice, logs?: "Audit logs" | "Access and integration logs") {
    const form = this.page.getByRole("form", { name: "Configure the source" });
    await form.getByLabel("Name").fill(name);
    await form.getByRole("radio", { name: new RegExp(`^${plan}`) }).check();
    if (logs) await form.getByRole("radio", { name: new RegExp(`^${logs}`) }).check();
    await form.getByRole("button", { name: "Continue Setup" }).click();
    await this.expectStep("Set credentials");
  }

  async redirectUrl(): Promise<string> {
    return this.page.getByLabel("Redirect URL").inputValue();
  }

  async enterCredentials(clientId: string, clientSecret: string) {
    const form = this.page.getByRole("form", { name: "App credentials" });
    await form.getByLabel("Client ID").fill(clientId);
    await form.getByLabel("Client Secret").fill(clientSecret);
    await form.getByRole("button", { name: "Continue Setup" }).click();
  }

  async saveSource() {
    await this.page.getByRole("button", { name: "Save Source" }).click();
    await this.expectStep("Verify setup");
  }

  /** Grant Access, then answer Slack's consent page. Returns the callback URL Slack sent the browser to. */
  async grantAccess(consent: { installOn: "organization" | string; decision?: "Allow" | "Cancel"; beforeDecision?: (page: Page) => Promise<void> }): Promise<string> {
    await this.page.getByRole("button", { name: "Grant Access" }).click();
    await expect(this.page.getByRole("heading", { level: 1 })).toContainText("is requesting permission to access Slack");
    await this.answerConsent(consent);
    return this.callbackUrl;
  }

  private callbackUrl = "";

  async answerConsent(consent: { installOn: "organization" | string; decision?: "Allow" | "Cancel"; beforeDecision?: (page: Page) => Promise<void> }) {
    if (consent.installOn === "organization") await this.page.getByLabel(/The organization Northwind/).check();
    else {
      await this.page.getByLabel("One workspace").check();
      const select = this.page.getByLabel("Workspace", { exact: true });
      const value = await select.locator("option", { hasText: `${consent.installOn} (` }).first().getAttribute("value");
      await select.selectOption(value!);
    }
    await consent.beforeDecision?.(this.page);
    const callback = this.page.waitForRequest((request) => request.url().includes("/api/oauth/slack/callback"));
    await this.page.getByRole("button", { name: consent.decision ?? "Allow" }).click();
    this.callbackUrl = (await callback).url();
    await this.page.waitForURL((url) => !url.pathname.startsWith("/api/"));
  }

  failure(): Locator {
    return this.page.getByRole("main").getByRole("alert");
  }
}
