import { Bell, Inbox, Mail, Settings, Waves } from "lucide-react";
import type { ReactNode } from "react";
import { Header } from "@/components/layout/header";
import { Sidebar, type NavItem } from "@/components/layout/sidebar";
import { SignOutButton } from "@/features/auth/components/sign-out-button";
import { can, type Permission } from "@/features/auth/permissions";
import { ROLE_LABELS } from "@/features/auth/schema";
import { requireUser } from "@/features/auth/session";
import { getEnv } from "@/lib/env";
import { APP_VERSION } from "@/lib/version";

// Each page checks its own permission; this only hides links a role could not use.
const NAVIGATION: (NavItem & { permission: Permission })[] = [
  { href: "/sources", label: "Sources", icon: <Waves className="size-4" />, permission: "console:read" },
  { href: "/events", label: "Events", icon: <Inbox className="size-4" />, permission: "console:read" },
  { href: "/alarms", label: "Alarms", icon: <Bell className="size-4" />, permission: "console:read" },
  { href: "/settings", label: "Settings", icon: <Settings className="size-4" />, permission: "settings:read" },
];

export default async function ConsoleLayout({ children }: { children: ReactNode }) {
  const user = await requireUser();
  // Only `npm run demo` sets it: a new user can watch the alarm emails arrive in the local mail catcher.
  const mailInboxUrl = getEnv().DEMO_MAIL_INBOX_URL;
  const footer = (
    <>
      <span>Tributary {APP_VERSION}</span>
      {mailInboxUrl ? (
        <a href={mailInboxUrl} target="_blank" rel="noreferrer" className="flex items-center gap-1.5 rounded-sm transition-colors hover:text-slate-300">
          <Mail aria-hidden className="size-3.5" />
          Mail inbox (demo)
        </a>
      ) : null}
    </>
  );
  return (
    <div className="flex min-h-screen">
      <Sidebar productName="Tributary" items={NAVIGATION.filter((item) => can(user, item.permission)).map(({ permission: _permission, ...item }) => item)} footer={footer} />
      <div className="flex min-w-0 flex-1 flex-col">
        <Header user={{ name: user.name, email: user.email, roleLabel: ROLE_LABELS[user.role] }} actions={<SignOutButton />} />
        <main className="min-w-0 flex-1 px-6 py-6 xl:px-8 xl:py-8">
          <div className="mx-auto max-w-6xl">{children}</div>
        </main>
      </div>
    </div>
  );
}
