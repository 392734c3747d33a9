// The shapes the API returns (docs/api.md, docs/api/openapi.json).

export type Role = "admin" | "lead" | "agent" | "account-rep" | "contact";
export type Language = "en" | "es";

export interface User {
  id: number;
  email: string;
  name: string;
  role: Role;
  org_id: number | null;
  teams: string[];
  language: Language;
  /** Notifications this user chose not to receive by mail (docs/mail.md). */
  muted?: string[];
}

export interface Person {
  id: number;
  name: string;
  email: string;
}

export interface Org {
  id: number;
  name: string;
  member_id: string;
  bidder_ids: string[];
  spoc: Person | null;
  account_rep: Person | null;
  language: Language;
  created_at: string;
}

export interface Team {
  key: string;
  name_en: string;
  name_es: string;
  /** Alerted of the team's emergencies; null: the team's leads are. */
  on_call_id?: number | null;
}

export type FieldLevel = "required" | "recommended" | "optional";

export interface RequestType {
  key: string;
  kind: "routed" | "account";
  team: string | null;
  name_en: string;
  name_es: string;
  hint_en: string;
  hint_es: string;
  /** subject, description, impact, object_ids, steps, urls, browser, os, screenshot... */
  fields: Record<string, FieldLevel>;
  required_object_type: string | null;
  position: number;
}

export type Status =
  | "new"
  | "open"
  | "awaiting_customer"
  | "pending_engineering"
  | "resolved"
  | "closed";

export type Priority = "standard" | "emergency";

export interface Ticket {
  id: number;
  org_id: number;
  request_type: string;
  kind: string;
  priority: Priority;
  status: Status;
  team: string | null;
  assignee_id: number | null;
  requester_id: number;
  subject: string;
  description: string;
  impact: string | null;
  steps: string | null;
  urls: string[];
  browser: string | null;
  os: string | null;
  business_justification: string | null;
  emergency_criteria: string[];
  emergency_phone: string | null;
  member_id: string | null;
  object_ids: { type: string; id: string }[];
  completeness: { percent: number; missing: string[] };
  created_at: string;
  updated_at: string;
  first_response_due_at: string | null;
  first_response_at: string | null;
  response_business_seconds: number | null;
  response_clock_seconds: number | null;
  /** When 75% of the business time to the due time has passed (amber). */
  sla_warn_at?: string | null;
  resolved_at: string | null;
  closed_at: string | null;
  version: number;
  [extra: string]: unknown;
}

export interface Page<T> {
  items: T[];
  next_cursor: string | null;
}

export type CommentKind = "reply" | "note" | "question" | "customer";

export interface Comment {
  id: number;
  ticket_id: number;
  /** reply (staff, public), note (staff, internal), question (staff, public: waits for the customer), or the customer's own. */
  kind: string;
  body: string;
  author: { id: number; name: string; role: Role | "" };
  created_at: string;
  visibility: "public" | "internal";
}

export interface Attachment {
  id: number;
  ticket_id: number;
  filename: string;
  content_type: string;
  size: number;
  sha256: string;
  uploader_id: number;
  created_at: string;
  url: string;
}

export interface HistoryEntry {
  id: number;
  actor_id: number | null;
  at: string;
  field: string;
  from: string | null;
  to: string | null;
  [extra: string]: unknown;
}
