import { MessageSquare } from "lucide-react";
import type { Metadata } from "next";
import Link from "next/link";
import { PageHeader } from "@/components/layout/page-header";
import { buttonClassName } from "@/components/ui/button";
import { Card, CardBody } from "@/components/ui/card";
import { requirePermission } from "@/features/auth/session";
import { LOG_TYPE_INFO, LOG_TYPES } from "@/features/sources/schema";

export const metadata: Metadata = { title: "Create a source" };

export default async function NewSourcePage() {
  await requirePermission("sources:manage");
  return (
    <>
      <PageHeader title="Create a source" description="Choose where the logs come from." />
      <Card className="max-w-xl">
        <CardBody className="space-y-4">
          <div className="flex items-center gap-3">
            <MessageSquare aria-hidden className="size-8 text-brand-600" />
            <div>
              <h2 className="text-base font-semibold text-slate-900">Slack</h2>
              <p className="text-sm text-slate-500">Pulled every minute through a Slack app you create and install.</p>
            </div>
          </div>
          <ul className="space-y-1 text-sm text-slate-600">
            {LOG_TYPES.map((type) => (
              <li key={type}>
                <span className="font-mono text-xs">{type}</span>: {LOG_TYPE_INFO[type].description}
              </li>
            ))}
          </ul>
          <Link href="/sources/new/slack" className={buttonClassName()}>
            Start Source Setup
          </Link>
        </CardBody>
      </Card>
    </>
  );
}
