/** Demo identities offered by the dev sign-in (shared by the sign-in page and the session route). */
export const ROLES = ['viewer', 'requester', 'approver', 'admin'] as const;
export type Role = (typeof ROLES)[number];

export interface DemoUser {
  sub: string;
  name: string;
  /** The role the user has by default on every project. */
  role: Role;
  blurb: string;
}

export const DEMO_USERS: DemoUser[] = [
  { sub: 'rita.requester', name: 'Rita (requester)', role: 'requester', blurb: 'requests releases; cannot approve' },
  { sub: 'arno.approver', name: 'Arno (approver)', role: 'approver', blurb: 'approves releases' },
  { sub: 'beth.approver', name: 'Beth (approver)', role: 'approver', blurb: 'second approver (four-eyes)' },
  { sub: 'ada.admin', name: 'Ada (admin)', role: 'admin', blurb: 'policies and gate overrides' },
  { sub: 'vic.viewer', name: 'Vic (viewer)', role: 'viewer', blurb: 'read-only' },
];

export const SESSION_COOKIE = 'mlops_session';

export function isRole(x: unknown): x is Role {
  return typeof x === 'string' && (ROLES as readonly string[]).includes(x);
}
