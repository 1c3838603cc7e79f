import { expect, type Locator, type Page } from "@playwright/test";

/** The event explorer: filters, the events table and its exports, as an analyst sees them. */
export class EventsPage {
  readonly filters: Locator;
  readonly search: Locator;
  readonly source: Locator;
  readonly table: Locator;
  readonly rowButtons: Locator;

  constructor(readonly page: Page) {
    this.filters = page.getByRole("form", { name: "Filter events" });
    this.search = this.filters.getByLabel("IP address, email or username");
    this.source = this.filters.getByLabel("Source", { exact: true });
    this.table = page.getByRole("table", { name: /Events matching the filters/ });
    // Each event row's disclosure button is named after its time ("Event at 2026-12-01 10:00:00.000").
    this.rowButtons = this.table.getByRole("button", { name: /^Event at / });
  }

  async open(query = "") {
    await this.page.goto(`/events${query ? `?${query}` : ""}`);
    await expect(this.page.getByRole("heading", { level: 1, name: "Events" })).toBeVisible();
  }

  async applyFilters() {
    await this.filters.getByRole("button", { name: "Apply filters" }).click();
  }

  /** The disclosure button of the event at this time. */
  rowAt(eventTime: Date): Locator {
    return this.table.getByRole("button", { name: eventLabel(eventTime) });
  }

  /** The whole row of the event at this time. */
  rowOf(eventTime: Date): Locator {
    // A `has` locator is resolved inside the row, so it must not start from the table.
    return this.table.getByRole("row").filter({ has: this.page.getByRole("button", { name: eventLabel(eventTime) }) });
  }

  /** Where an export link points, with the filters applied at the moment. */
  async exportUrl(format: "NDJSON" | "CSV"): Promise<string> {
    const link = this.page.getByRole("link", { name: `Export ${format}` });
    await expect(link).toBeVisible();
    return (await link.getAttribute("href"))!;
  }
}

const eventLabel = (eventTime: Date) => `Event at ${eventTime.toISOString().replace("T", " ").replace(/Z$/, "")}`;
