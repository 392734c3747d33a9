// Screenshots and files before upload: picked with the file dialog,
// dropped on the zone, or pasted from the clipboard anywhere on the form
// (image items become "pasted-screenshot-1.png", ...). Images get a
// thumbnail from a blob: URL (the CSP allows them), every file a remove
// button; the server takes up to 10 files per request and 20 MB each.

import { useEffect, useId, useRef, useState } from "preact/hooks";
import { api } from "../lib/api";
import { t } from "../lib/i18n";
import type { Attachment } from "../lib/types";

export const MAX_FILE_BYTES = 20 * 1024 * 1024;
const BATCH = 10;

export interface PendingFile {
  key: number;
  file: File;
  /** A blob: URL for an image's thumbnail. */
  url: string | null;
}

export interface PendingFiles {
  items: PendingFile[];
  rejected: string[];
  announce: string;
  add(files: File[], how?: "pasted" | "added"): void;
  remove(key: number): void;
  clear(): void;
  /** A paste handler for the form: takes the clipboard's images, leaves text alone. */
  onPaste(e: ClipboardEvent): void;
}

let nextKey = 1;

export function sizeText(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${Math.round(n / 1024)} KB`;
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}

const EXT: Record<string, string> = {
  "image/png": "png",
  "image/jpeg": "jpg",
  "image/gif": "gif",
  "image/webp": "webp",
  "image/bmp": "bmp",
};

/** The files the user means to attach; revokes thumbnails when they go. */
export function useFileList(): PendingFiles {
  const [items, setItems] = useState<PendingFile[]>([]);
  const [rejected, setRejected] = useState<string[]>([]);
  const [announce, setAnnounce] = useState("");
  const pasted = useRef(0);
  const live = useRef<PendingFile[]>([]);
  live.current = items;
  useEffect(
    () => () => {
      for (const p of live.current) if (p.url) URL.revokeObjectURL(p.url);
    },
    [],
  );

  function add(files: File[], how: "pasted" | "added" = "added") {
    const ok: PendingFile[] = [];
    const bad: string[] = [];
    for (const file of files) {
      if (file.size > MAX_FILE_BYTES) {
        bad.push(t("portal.files.too_big", { name: file.name, max: "20 MB" }));
        continue;
      }
      const url = file.type.startsWith("image/") ? URL.createObjectURL(file) : null;
      ok.push({ key: nextKey++, file, url });
    }
    setRejected(bad);
    if (ok.length === 0) return;
    setItems((cur) => [...cur, ...ok]);
    const names = ok.map((p) => p.file.name).join(", ");
    setAnnounce(t(how === "pasted" ? "portal.files.pasted" : "portal.files.added", { names, count: ok.length }));
  }

  function remove(key: number) {
    const gone = items.find((p) => p.key === key);
    if (gone?.url) URL.revokeObjectURL(gone.url);
    setItems((cur) => cur.filter((p) => p.key !== key));
    if (gone) setAnnounce(t("portal.files.removed", { name: gone.file.name }));
  }

  function clear() {
    for (const p of items) if (p.url) URL.revokeObjectURL(p.url);
    setItems([]);
    setRejected([]);
  }

  function onPaste(e: ClipboardEvent) {
    const data = e.clipboardData;
    if (!data) return;
    const images: File[] = [];
    const fromItems = Array.from(data.items ?? []).filter((i) => i.kind === "file" && i.type.startsWith("image/"));
    const raw = fromItems.length
      ? fromItems.map((i) => i.getAsFile()).filter((f): f is File => !!f)
      : Array.from(data.files ?? []).filter((f) => f.type.startsWith("image/"));
    for (const f of raw) {
      pasted.current += 1;
      const ext = EXT[f.type] ?? "png";
      images.push(new File([f], `pasted-screenshot-${pasted.current}.${ext}`, { type: f.type || "image/png" }));
    }
    if (images.length === 0) return;
    // Text pasted with the image (some apps put both) still lands in the field.
    if (!data.types.includes("text/plain")) e.preventDefault();
    add(images, "pasted");
  }

  return { items, rejected, announce, add, remove, clear, onPaste };
}

/** Uploads FILES to the ticket in batches of ten (parts named "file"). */
/**
 * The request BODY with the first batch of FILES as one multipart body
 * (the fields as JSON in the part "ticket"): the ticket and its screenshots
 * are stored together, and the screenshots count for the type's rules.
 */
export function withFiles(body: object, files: File[]): FormData {
  const form = new FormData();
  form.append("ticket", JSON.stringify(body));
  for (const f of files.slice(0, BATCH)) form.append("file", f, f.name);
  return form;
}

/** How many files a filing carries; the rest are uploaded after it. */
export const FILES_WITH_TICKET = BATCH;

export async function uploadFiles(ticketId: number, files: File[]): Promise<Attachment[]> {
  const out: Attachment[] = [];
  for (let i = 0; i < files.length; i += BATCH) {
    const form = new FormData();
    for (const f of files.slice(i, i + BATCH)) form.append("file", f, f.name);
    const { data } = await api.post<{ items: Attachment[] }>(`/tickets/${ticketId}/attachments`, form);
    out.push(...data.items);
  }
  return out;
}

/**
 * The zone: a legend, the "Choose files" button, drop target, the list of
 * files with thumbnails and remove buttons, and a live announcement.
 */
export function FileZone(props: {
  files: PendingFiles;
  legend: string;
  level?: "required" | "recommended" | "optional";
  error?: string;
  disabled?: boolean;
  /** Marks the group for focusing from an error summary. */
  field?: string;
}) {
  const { files } = props;
  const input = useRef<HTMLInputElement>(null);
  const [over, setOver] = useState(false);
  const uid = useId();
  const hintId = uid + "-hint";
  const errId = uid + "-err";

  function onDrop(e: DragEvent) {
    e.preventDefault();
    setOver(false);
    const dropped = Array.from(e.dataTransfer?.files ?? []);
    if (dropped.length) files.add(dropped);
  }

  return (
    <fieldset class={"filezone" + (props.error ? " field-invalid" : "")} data-field={props.field}>
      <legend>
        {props.legend}
        {props.level === "required" && <span class="tag tag-required"> {t("common.required")}</span>}
        {props.level === "recommended" && <span class="tag tag-recommended"> {t("common.recommended")}</span>}
      </legend>
      <div
        class={"dropzone" + (over ? " dropzone-over" : "")}
        onDragEnter={(e) => {
          e.preventDefault();
          setOver(true);
        }}
        onDragOver={(e) => {
          e.preventDefault();
          if (e.dataTransfer) e.dataTransfer.dropEffect = "copy";
        }}
        onDragLeave={(e) => {
          if (!(e.currentTarget as HTMLElement).contains(e.relatedTarget as Node)) setOver(false);
        }}
        onDrop={onDrop}
      >
        <input
          ref={input}
          type="file"
          multiple
          hidden
          tabIndex={-1}
          onChange={(e) => {
            const el = e.currentTarget;
            files.add(Array.from(el.files ?? []));
            el.value = "";
          }}
        />
        <button
          type="button"
          class="button"
          disabled={props.disabled}
          aria-describedby={[hintId, props.error ? errId : ""].filter(Boolean).join(" ")}
          onClick={() => input.current?.click()}
        >
          {t("portal.files.choose")}
        </button>
        <p class="hint" id={hintId}>
          {t("portal.files.hint")}
        </p>
      </div>
      {props.error && (
        <p class="error" id={errId}>
          {props.error}
        </p>
      )}
      {files.rejected.map((r) => (
        <p class="error" key={r}>
          {r}
        </p>
      ))}
      {files.items.length > 0 && (
        <ul class="thumbs" aria-label={t("portal.files.list")}>
          {files.items.map((p) => (
            <li key={p.key} class="thumb">
              {p.url ? <img src={p.url} alt="" /> : <span class="thumb-icon" aria-hidden="true">📄</span>}
              <span class="thumb-name">{p.file.name}</span>
              <span class="muted thumb-size">{sizeText(p.file.size)}</span>
              <button
                type="button"
                class="button-quiet thumb-remove"
                disabled={props.disabled}
                aria-label={t("portal.files.remove_named", { name: p.file.name })}
                onClick={() => files.remove(p.key)}
              >
                {t("portal.files.remove")}
              </button>
            </li>
          ))}
        </ul>
      )}
      <p class="visually-hidden" role="status">
        {files.announce}
      </p>
    </fieldset>
  );
}
