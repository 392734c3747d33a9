// The shell: sign-in, the header with the areas the user may use and the
// language switch, and the area for the current path. Contacts get the
// portal; staff the workspace; admins the workspace and admin.

import type { FunctionComponent } from "preact";
import { useEffect, useState } from "preact/hooks";
import { ApiError } from "./lib/api";
import { t, useLanguage } from "./lib/i18n";
import { navigate, useLocation } from "./lib/router";
import { chooseLanguage, isStaff, signIn, signOut, useSession } from "./lib/session";
import type { Language, User } from "./lib/types";
import { Alert, Field, errorText, useTitle } from "./ui/components";

type AreaProps = { path: string; query: URLSearchParams };
type Area = FunctionComponent<AreaProps>;

// Each area is its own chunk, loaded when first shown: a customer never
// downloads the workspace or admin, nor an agent the portal.
const areas: Record<string, () => Promise<Area>> = {
  portal: () => import("./portal/portal").then((m) => m.PortalApp),
  agent: () => import("./agent/agent").then((m) => m.AgentApp),
  admin: () => import("./admin/admin").then((m) => m.AdminApp),
};
const loaded: Partial<Record<string, Area>> = {};

function AreaView(props: AreaProps & { area: string }) {
  const [, setReady] = useState(0);
  const [failed, setFailed] = useState("");
  const Comp = loaded[props.area];
  useEffect(() => {
    if (Comp) return;
    areas[props.area]()
      .then((c) => {
        loaded[props.area] = c;
        setReady((n) => n + 1);
      })
      .catch((e) => setFailed(errorText(e)));
  }, [props.area, Comp]);
  if (failed)
    return (
      <div class="page">
        <Alert kind="error">{t("common.error", { message: failed })}</Alert>
      </div>
    );
  if (!Comp) return <p class="muted page">{t("common.loading")}</p>;
  return <Comp path={props.path} query={props.query} />;
}

function home(u: User): string {
  return isStaff(u) ? "/agent" : "/portal";
}

export function App() {
  const { user, loaded } = useSession();
  const lang = useLanguage();
  const loc = useLocation();
  useEffect(() => {
    document.documentElement.lang = lang;
  }, [lang]);

  if (!loaded) return <p class="muted page">{t("common.loading")}</p>;
  if (!user) return <SignIn />;

  const area = loc.path.split("/")[1];
  let main;
  const allowed =
    (area === "portal" && !isStaff(user)) ||
    (area === "agent" && isStaff(user)) ||
    (area === "admin" && user.role === "admin");
  if (allowed) main = <AreaView area={area} path={loc.path} query={loc.query} />;
  else {
    queueMicrotask(() => navigate(home(user), true));
    main = null;
  }
  return (
    <>
      <a class="skip" href="#main">
        {t("app.skip")}
      </a>
      <Header user={user} area={area} />
      <main id="main" tabIndex={-1}>
        {main}
      </main>
    </>
  );
}

function Header({ user, area }: { user: User; area: string }) {
  const links: [string, string][] = [];
  if (!isStaff(user)) links.push(["portal", t("nav.portal")]);
  else links.push(["agent", t("nav.agent")]);
  if (user.role === "admin") links.push(["admin", t("nav.admin")]);
  return (
    <header class="topbar">
      <a class="brand" href={home(user)}>
        {t("app.name")}
      </a>
      <nav aria-label={t("nav.main")}>
        <ul>
          {links.map(([k, label]) => (
            <li key={k}>
              <a href={"/" + k} aria-current={area === k ? "page" : undefined}>
                {label}
              </a>
            </li>
          ))}
        </ul>
      </nav>
      <div class="topbar-end">
        <LanguageSwitch />
        <span class="who" title={user.email}>
          {user.name}
        </span>
        {isStaff(user) && <a href="/agent/settings">{t("nav.notifications")}</a>}
        <button type="button" class="button-quiet" onClick={() => signOut()}>
          {t("nav.signout")}
        </button>
      </div>
    </header>
  );
}

function LanguageSwitch() {
  const lang = useLanguage();
  return (
    <label class="lang">
      <span class="visually-hidden">{t("nav.language")}</span>
      <select
        value={lang}
        onChange={(e) => chooseLanguage((e.currentTarget as HTMLSelectElement).value as Language)}
      >
        <option value="en" lang="en">
          {t("lang.en")}
        </option>
        <option value="es" lang="es">
          {t("lang.es")}
        </option>
      </select>
    </label>
  );
}

function SignIn() {
  useTitle(t("signin.title"));
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [error, setError] = useState("");
  const [busy, setBusy] = useState(false);
  async function submit(e: Event) {
    e.preventDefault();
    setBusy(true);
    setError("");
    try {
      await signIn(email.trim(), password);
      const p = location.pathname;
      if (p === "/" || p === "/signin") navigate("/", true);
    } catch (err) {
      setError(err instanceof ApiError && (err.status === 401 || err.status === 422) ? t("signin.failed") : errorText(err));
    } finally {
      setBusy(false);
    }
  }
  return (
    <main id="main" class="signin">
      <form class="card" onSubmit={submit} aria-labelledby="signin-title">
        <div class="signin-head">
          <h1 id="signin-title">{t("signin.title")}</h1>
          <LanguageSwitch />
        </div>
        {error && <Alert kind="error">{error}</Alert>}
        <Field label={t("signin.email")}>
          {({ id }) => (
            <input
              id={id}
              type="email"
              name="email"
              autoComplete="username"
              required
              value={email}
              onInput={(e) => setEmail(e.currentTarget.value)}
            />
          )}
        </Field>
        <Field label={t("signin.password")}>
          {({ id }) => (
            <input
              id={id}
              type="password"
              name="password"
              autoComplete="current-password"
              required
              value={password}
              onInput={(e) => setPassword(e.currentTarget.value)}
            />
          )}
        </Field>
        <button type="submit" class="button-primary" disabled={busy}>
          {t("signin.submit")}
        </button>
      </form>
    </main>
  );
}
