import type { ReactNode } from "react";
import { PageHeader } from "@/components/layout/page-header";
import { TabNav } from "@/components/layout/tab-nav";

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
          { href: "/settings/audit", label: "Audit trail" },
        ]}
      />
      {children}
    </>
  );
}
