import { z } from 'zod';
import { EpochMs, RegionCode } from './common';

/**
 * People who sign in. A role is a rank: each role may do what the ones below it may, and every
 * permission is further limited to the user's region (an operator of 海曙区 acts on 海曙区's cases
 * only). shared/access.ts says which role may do what.
 */
export const ROLES = ['viewer', 'operator', 'supervisor', 'admin'] as const;
export const Role = z.enum(ROLES);
export type Role = z.infer<typeof Role>;

/** A sign-in name: short, printable, no spaces, case-insensitive (stored lower-case). */
export const Username = z
  .string()
  .trim()
  .min(2, 'A user name has 2 to 40 characters.')
  .max(40, 'A user name has 2 to 40 characters.')
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'A user name may hold letters, digits and . _ - only, and starts with a letter or digit.')
  .transform((s) => s.toLowerCase());

/** Passwords: long enough to resist guessing; the hub never stores or logs them. */
export const Password = z.string().min(10, 'A password has at least 10 characters.').max(200, 'A password has at most 200 characters.');

/** A user as the hub shows it (never the password hash). */
export const User = z.object({
  username: z.string(),
  displayName: z.string(),
  role: Role,
  /** the region this user may see and act in (and everything below it) */
  regionCode: RegionCode,
  disabled: z.boolean(),
  createdAt: EpochMs,
  passwordChangedAt: EpochMs,
});
export type User = z.infer<typeof User>;

export const SignInRequest = z.strictObject({
  username: Username,
  password: z.string().min(1, 'Type your password.').max(200),
});
export type SignInRequest = z.input<typeof SignInRequest>;

/** Who the current request or connection acts as. */
export const Me = z.object({
  /** false when nobody is signed in (a read-only wall on localhost) */
  signedIn: z.boolean(),
  user: User.nullable(),
  /** when the session ends; null without one */
  expiresAt: EpochMs.nullable(),
  /** what this client may do without signing in: 'read' on localhost walls, 'none' elsewhere */
  anonymous: z.enum(['read', 'none']),
});
export type Me = z.infer<typeof Me>;

/** The answer to a sign-in: the cookie is set too; scripts send `token` as `Authorization: Bearer …`. */
export const SignInResult = z.object({ user: User, token: z.string(), expiresAt: EpochMs });
export type SignInResult = z.infer<typeof SignInResult>;

/** What an admin sends to add a user (npm run users -- add … does the same). */
export const NewUser = z.strictObject({
  username: Username,
  displayName: z.string().trim().min(1).max(40).optional(),
  role: Role,
  regionCode: RegionCode,
  /** omitted: the hub generates one and returns it once */
  password: Password.optional(),
});
export type NewUser = z.input<typeof NewUser>;

export const ChangePasswordRequest = z.strictObject({
  currentPassword: z.string().min(1).max(200),
  newPassword: Password,
});
