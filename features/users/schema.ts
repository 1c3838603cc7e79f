import { z } from "zod";
import { emailSchema } from "@/features/auth/schema";
import { PASSWORD_MIN_LENGTH } from "@/lib/password-policy";

export const roleSchema = z.enum(["ADMIN", "ANALYST"], { error: "Choose Admin or Analyst" });

export const userNameSchema = z.string().trim().min(1, "Enter a name").max(100, "Use at most 100 characters");

export const newPasswordSchema = z
  .string()
  .min(PASSWORD_MIN_LENGTH, `Use at least ${PASSWORD_MIN_LENGTH} characters`)
  .max(1024, "Use at most 1024 characters")
  .refine((value) => value.trim().length >= PASSWORD_MIN_LENGTH, `Use at least ${PASSWORD_MIN_LENGTH} characters that are not spaces`);

const userIdSchema = z.string().trim().min(1).max(64);

export const inviteUserSchema = z.object({ email: emailSchema, name: userNameSchema, role: roleSchema });
export type InviteUserInput = z.infer<typeof inviteUserSchema>;

export const changeUserRoleSchema = z.object({ userId: userIdSchema, role: roleSchema });
export const userTargetSchema = z.object({ userId: userIdSchema });

export const passwordTokenSchema = z.string().trim().regex(/^[A-Za-z0-9_-]{20,200}$/, "This link is not valid");

export const setPasswordSchema = z
  .object({
    token: passwordTokenSchema,
    password: newPasswordSchema,
    confirmPassword: z.string(),
  })
  .refine((input) => input.password === input.confirmPassword, { message: "The two passwords are different", path: ["confirmPassword"] });

export const USER_STATUSES = {
  ACTIVE: "Active",
  INVITED: "Invitation pending",
  RESET_PENDING: "Password reset pending",
  NO_PASSWORD: "Link expired: reset to send a new one",
  DISABLED: "Disabled",
} as const;
export type UserStatus = keyof typeof USER_STATUSES;

export const userListItemSchema = z.object({
  id: z.string(),
  email: z.string(),
  name: z.string(),
  role: roleSchema,
  status: z.enum(Object.keys(USER_STATUSES) as [UserStatus, ...UserStatus[]]),
  lastSignInAt: z.string().nullable(),
  createdAt: z.string(),
});
export type UserListItem = z.infer<typeof userListItemSchema>;
export const userListSchema = z.object({ users: z.array(userListItemSchema) });

// Invitations last long enough to reach someone on leave; resets are answered the same day.
export const PASSWORD_TOKEN_LIFETIME_HOURS = { INVITE: 7 * 24, RESET: 24 } as const;

export const setPasswordPath = (token: string) => `/set-password/${token}`;
