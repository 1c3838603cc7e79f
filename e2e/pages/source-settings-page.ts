import { expect, type Locator, type Page } from "@playwright/test";

/** A source's Settings tab, as an admin or an analyst sees it. */
export class SourceSettingsPage {
  readonly renameForm: Locator;
  readonly backfillForm: Locator;
  readonly replayForm: Locator;
  readonly replays: Locator;

  constructor(readonly page: Page) {
    this.renameForm = page.getByRole("form", { name: "Rename the source" });
    this.backfillForm = page.getByRole("form", { name: "Backfill window" });
    this.replayForm = page.getByRole("form", { name: "Replay a time window" });
    this.replays = page.getByRole("table", { name: "Replays of this source, newest first" });
  }

  /** Through the source's tabs, as a person gets there. */
  async open(sourceId: string) {
    await this.page.goto(`/sources/${sourceId}`);
    await this.page.getByRole("navigation", { name: "Source sections" }).getByRole("link", { name: "Settings" }).click();
    await expect(this.page).toHaveURL(new RegExp(`/sources/${sourceId}/settings$`));
  }

  async rename(name: string) {
    await this.renameForm.getByLabel("Name").fill(name);
    await this.renameForm.getByRole("button", { name: "Rename" }).click();
  }

  /** Times as datetime-local values, in UTC. */
  async replay(logType: string, window?: { from: string; to: string }) {
    await this.replayForm.getByLabel("Log type").selectOption({ label: logType });
    if (window) {
      await this.replayForm.getByLabel("From (UTC)").fill(window.from);
      await this.replayForm.getByLabel("To (UTC)").fill(window.to);
    }
    await this.replayForm.getByRole("button", { name: "Replay window" }).click();
  }

  deleteForm(name: string): Locator {
    return this.page.getByRole("form", { name: `Delete ${name}` });
  }

  /** Opens the danger zone, chooses what becomes of the events, types the name and confirms. */
  async deleteSource(name: string, options: { events?: "Keep" | "Delete"; typedName?: string }) {
    const opener = this.page.getByRole("button", { name: "Delete source…" });
    if (await opener.isVisible()) await opener.click();
    const form = this.deleteForm(name);
    if (options.events) await form.getByRole("radio", { name: new RegExp(`^${options.events} its`) }).check();
    await form.getByLabel("To confirm, type the source's name").fill(options.typedName ?? name);
    await form.getByRole("button", { name: "Delete this source" }).click();
    return form;
  }
}
