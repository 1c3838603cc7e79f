import type { ReactNode } from "react";
import { PageHeader } from "@/components/layout/page-header";
import { TabNav } from "@/components/layout/tab-nav";
import { QUEUE_BOARD_PATH } from "@/features/queues/schema";

// Only chrome: every page below checks its own permission, because a layout does not re-render on
// client navigation between its pages.
export default function SettingsLayout({ children }: { children: ReactNode }) {
  return (
    <>
      <PageHeader title="Settings" description="How this Tributary installation runs, who can use it, and what they changed." />
      <TabNav
        label="Settings sections"
        items={[
          { href: "/settings", label: "General" },
          { href: "/settings/users", label: "Users" },
          { href: "/settings/api-tokens", label: "API tokens" },
          { href: "/settings/audit", label: "Audit trail" },
          // Bull Board, outside the console's chrome (app/admin/queues): following it loads a whole page.
          { href: QUEUE_BOARD_PATH, label: "Queues", isDocument: true },
        ]}
      />
      {children}
    </>
  );
}
