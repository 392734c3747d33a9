// Who files requests for the organization. The seed: "Customers are
// expected to identify a Single Point of Contact who is authorized to
// create tickets on the customer's behalf." A contact who is not the SPOC
// learns who is, and how to reach them.

import { t } from "../lib/i18n";
import type { Org, Person, User } from "../lib/types";

function mailto(p: Person, subject: string): string {
  return `mailto:${encodeURIComponent(p.email).replace(/%40/g, "@")}?subject=${encodeURIComponent(subject)}`;
}

export function PersonLine({ person, subject }: { person: Person; subject: string }) {
  return (
    <p class="person">
      <span class="person-avatar" aria-hidden="true">
        {initials(person.name)}
      </span>
      <span class="person-text">
        <strong class="person-name">{person.name}</strong>
        <a href={mailto(person, subject)} class="person-email">
          {person.email}
        </a>
      </span>
    </p>
  );
}

export function initials(name: string): string {
  const parts = name.trim().split(/\s+/).filter(Boolean);
  return ((parts[0]?.[0] ?? "") + (parts.length > 1 ? parts[parts.length - 1][0] : "")).toUpperCase();
}

/** The explanation and the SPOC's name and email, for a contact who may not file. */
export function SpocCard({ org, user, headingLevel }: { org: Org; user: User; headingLevel: 2 | 3 }) {
  const H = headingLevel === 2 ? "h2" : "h3";
  const subject = t("portal.spoc.mail_subject", { org: org.name });
  if (!org.spoc)
    return (
      <div class="card spoc-card" data-testid="spoc-card">
        <H>{t("portal.spoc.none_title")}</H>
        <p>{t("portal.spoc.none", { org: org.name })}</p>
        {org.account_rep && <PersonLine person={org.account_rep} subject={subject} />}
      </div>
    );
  return (
    <div class="card spoc-card" data-testid="spoc-card">
      <H>{t("portal.spoc.title", { name: org.spoc.name })}</H>
      <p>{t("portal.spoc.why", { org: org.name })}</p>
      <PersonLine person={org.spoc} subject={subject} />
      <p>{t("portal.spoc.how", { name: org.spoc.name })}</p>
      <div class="actions">
        <a class="button button-primary" href={mailto(org.spoc, subject)}>
          {t("portal.spoc.email", { name: org.spoc.name })}
        </a>
      </div>
      {user.id !== org.spoc.id && <p class="hint">{t("portal.spoc.you_can")}</p>}
    </div>
  );
}
