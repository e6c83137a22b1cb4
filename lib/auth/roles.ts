import { HttpError, UnauthorizedError } from '../errors';

/** Who may do what: viewers read, engineers also triage, admins also change settings and tokens. */
export const ROLES = ['viewer', 'engineer', 'admin'] as const;
export type Role = (typeof ROLES)[number];
export type AuthUser = { id: number; email: string; name: string; role: Role };

export class ForbiddenError extends HttpError {
  constructor(message = 'you are not allowed to do this') {
    super(403, message);
  }
}

export function isRole(value: string): value is Role {
  return (ROLES as readonly string[]).includes(value);
}

export function hasRole(user: Pick<AuthUser, 'role'> | null, needed: Role): boolean {
  return user !== null && ROLES.indexOf(user.role) >= ROLES.indexOf(needed);
}

/** Throws UnauthorizedError without a user, ForbiddenError when the user's role is below `needed`. */
export function assertRole(user: Pick<AuthUser, 'role'> | null, needed: Role): void {
  if (!user) throw new UnauthorizedError('sign in first', false);
  if (!hasRole(user, needed)) throw new ForbiddenError(`this needs the ${needed} role; you are a ${user.role}`);
}
