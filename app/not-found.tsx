import { Compass } from "lucide-react";
import Link from "next/link";
import { buttonClassName } from "@/components/ui/button";
import { EmptyState } from "@/components/ui/empty-state";

export default function NotFound() {
  return (
    <main className="flex min-h-screen items-center justify-center">
      <EmptyState
        icon={Compass}
        title="Page not found"
        actions={
          <Link href="/sources" className={buttonClassName("primary")}>
            Go to sources
          </Link>
        }
      >
        The address may be mistyped, or the page has moved.
      </EmptyState>
    </main>
  );
}
