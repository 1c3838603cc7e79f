import type { Metadata } from "next";
import { requirePermission } from "@/features/auth/session";
import { UserManagement } from "@/features/users/components/user-management";

export const metadata: Metadata = { title: "Users" };

export default async function UsersPage() {
  const user = await requirePermission("users:manage");
  return <UserManagement currentUserId={user.id} />;
}
