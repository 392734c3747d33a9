// A ticket's conversation, shared by the portal and the workspace: the
// request itself first, then every comment in order. Internal notes (only
// staff ever receive them) are set apart in colour, border and label, so no
// one mistakes a note for something the customer saw.

import { t } from "../lib/i18n";
import { formatDateTime } from "../lib/time";
import type { Attachment, Comment } from "../lib/types";
import "./strings";

function kindLabel(c: Comment): string {
  if (c.visibility === "internal") return t("conv.note");
  if (c.kind === "question") return t("conv.question");
  if (c.author.role === "contact") return t("conv.customer");
  return t("conv.reply");
}

function kindClass(c: Comment): string {
  if (c.visibility === "internal") return "message message-note";
  if (c.kind === "question") return "message message-question";
  return c.author.role === "contact" ? "message" : "message message-staff";
}

export function Conversation(props: { comments: Comment[] }) {
  if (props.comments.length === 0) return <p class="muted">{t("conv.empty")}</p>;
  return (
    <ol class="conversation" aria-label={t("conv.title")}>
      {props.comments.map((c) => (
        <li key={c.id} class={kindClass(c)} data-kind={c.visibility === "internal" ? "note" : c.kind}>
          <div class="message-head">
            <strong>{c.author.name}</strong>
            <span class="badge">{kindLabel(c)}</span>
            <time dateTime={c.created_at}>{formatDateTime(c.created_at)}</time>
          </div>
          <div class="message-body">{c.body}</div>
        </li>
      ))}
    </ol>
  );
}

function size(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(0)} KB`;
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}

export function Attachments(props: { items: Attachment[] }) {
  if (props.items.length === 0) return null;
  return (
    <ul class="attachments" aria-label={t("conv.attachments")}>
      {props.items.map((a) => (
        <li key={a.id}>
          {a.content_type.startsWith("image/") && (
            <a href={a.url} target="_blank" rel="noopener">
              <img src={a.url} alt={a.filename} loading="lazy" />
            </a>
          )}
          <a href={a.url} target="_blank" rel="noopener">
            {a.filename}
          </a>{" "}
          <span class="muted">({size(a.size)})</span>
        </li>
      ))}
    </ul>
  );
}
