import { ShieldAlert } from "lucide-react";
import Link from "next/link";
import { buttonClassName } from "@/components/ui/button";
import { EmptyState } from "@/components/ui/empty-state";

// Rendered with HTTP 403 when a signed-in user's role does not allow a page (features/auth/session.ts).
export default function Forbidden() {
  return (
    <main className="flex min-h-screen items-center justify-center bg-slate-50 px-4">
      <EmptyState
        icon={ShieldAlert}
        title="You don't have access to this page"
        actions={
          <Link href="/sources" className={buttonClassName("secondary")}>
            Back to sources
          </Link>
        }
      >
        Your role can read dashboards and events but not change settings, sources or users. Ask an admin if you need more access.
      </EmptyState>
    </main>
  );
}
