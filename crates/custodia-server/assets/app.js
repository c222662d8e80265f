// Custodia's one script: light enhancements of server-rendered pages, and resumable uploads.
// Everything else works without it.
"use strict";

const CHUNK = 4 * 1024 * 1024;
const HASH_LIMIT = 512 * 1024 * 1024; // files up to this size are hashed here and checked on arrival

// The page's token (bound to the session); the cookie's as a fallback.
function csrfToken() {
  const meta = document.querySelector('meta[name="csrf-token"]');
  if (meta && meta.content) return meta.content;
  const m = document.cookie.match(/(?:^|;\s*)(?:__Host-)?custodia_csrf=([^;]+)/);
  return m ? decodeURIComponent(m[1]) : "";
}

async function api(method, path, body, headers) {
  const init = { method, headers: Object.assign({ "X-CSRF-Token": csrfToken() }, headers || {}), credentials: "same-origin" };
  if (body !== undefined) init.body = body;
  const response = await fetch(path, init);
  let json = null;
  try { json = await response.json(); } catch (_) { json = null; }
  if (!response.ok) {
    const message = (json && json.error) || (response.status + " " + response.statusText);
    const error = new Error(message);
    error.status = response.status;
    throw error;
  }
  return json;
}

function sleep(ms) { return new Promise((resolve) => setTimeout(resolve, ms)); }

async function sha256Hex(file) {
  if (!window.crypto || !crypto.subtle || file.size > HASH_LIMIT) return null;
  const digest = await crypto.subtle.digest("SHA-256", await file.arrayBuffer());
  return Array.from(new Uint8Array(digest)).map((b) => b.toString(16).padStart(2, "0")).join("");
}

async function upload(form) {
  const file = form.querySelector("input[type=file]").files[0];
  const status = form.querySelector("#u-status");
  const progress = form.querySelector("#u-progress");
  const button = form.querySelector("button[type=submit]");
  if (!file) return;
  button.disabled = true;
  progress.hidden = false;
  // The messages come from the page, in its language; {name} marks a value filled in here.
  const say = (key, values) => {
    let text = form.dataset["say" + key] || "";
    for (const [name, value] of Object.entries(values || {})) text = text.replace("{" + name + "}", value);
    status.textContent = text;
  };
  try {
    // An upload of the same file that was interrupted (page closed, connection lost) resumes.
    const key = "custodia-upload:" + [file.name, file.size, file.lastModified].join(":");
    let id = localStorage.getItem(key);
    let offset = 0;
    if (id) {
      try { offset = (await api("GET", "/api/v1/uploads/" + id)).offset; } catch (_) { id = null; }
    }
    if (!id) {
      say("Hashing");
      const sha256 = await sha256Hex(file);
      const plan = {
        name: file.name, size: file.size, sha256,
        originator: form.originator.value, case_ref: form.case_ref.value,
        collection_note: form.collection_note.value,
      };
      const begun = await api("POST", "/api/v1/uploads", JSON.stringify(plan), { "Content-Type": "application/json" });
      id = begun.id;
      offset = begun.offset;
      localStorage.setItem(key, id);
    }
    let failures = 0;
    while (offset < file.size) {
      progress.value = Math.floor((offset / file.size) * 100);
      say("Sending", { percent: progress.value });
      const chunk = file.slice(offset, Math.min(offset + CHUNK, file.size));
      try {
        const sent = await api("PATCH", "/api/v1/uploads/" + id, chunk, {
          "Upload-Offset": String(offset), "Content-Type": "application/offset+octet-stream",
        });
        offset = sent.offset;
        failures = 0;
      } catch (e) {
        failures += 1;
        if (failures > 8 || (e.status && e.status !== 409 && e.status < 500)) throw e;
        say("Resuming");
        await sleep(Math.min(30000, 500 * 2 ** failures));
        offset = (await api("GET", "/api/v1/uploads/" + id)).offset;
      }
    }
    progress.value = 100;
    say("Storing");
    const report = await api("POST", "/api/v1/uploads/" + id + "/finish");
    localStorage.removeItem(key);
    const item = report.items && report.items[0];
    if (item) {
      say("Stored", { sha256: item.sha256 });
      window.location.assign("/items/" + item.sha256);
    } else {
      say("Nothing");
    }
  } catch (e) {
    say("Failed", { error: e.message });
    button.disabled = false;
  }
}

// The buttons that copy an item's full hash (the page shows its first digits): to the
// clipboard where the browser allows it (pages served over HTTPS or from this machine), else
// the hash is put in a field of its own and selected, for the person to copy. The buttons are
// hidden until this script shows them, since nothing else makes them work.
async function copyHash(button) {
  const text = button.dataset.copy;
  const say = (message) => {
    let status = button.parentElement.querySelector(".copy-status");
    if (!status) {
      status = document.createElement("span");
      status.className = "copy-status note";
      status.setAttribute("role", "status");
      button.parentElement.append(status);
    }
    status.textContent = message;
  };
  if (window.isSecureContext && navigator.clipboard) {
    try {
      await navigator.clipboard.writeText(text);
      say(button.dataset.done);
      return;
    } catch (_) { /* refused: select it instead */ }
  }
  let field = button.parentElement.querySelector("input.copy-field");
  if (!field) {
    field = document.createElement("input");
    field.className = "copy-field mono";
    field.readOnly = true;
    field.dir = "ltr";
    field.setAttribute("aria-label", button.title);
    field.value = text;
    field.size = text.length;
    button.after(field);
  }
  field.focus();
  field.select();
  // The older way to copy a selection still works on pages without a clipboard.
  let copied = false;
  try { copied = document.execCommand("copy"); } catch (_) { copied = false; }
  say(copied ? button.dataset.done : button.dataset.select);
}

document.addEventListener("DOMContentLoaded", () => {
  for (const button of document.querySelectorAll("button[data-copy]")) {
    button.hidden = false;
    button.addEventListener("click", () => copyHash(button));
  }
  for (const select of document.querySelectorAll("select[data-autosubmit]")) {
    select.addEventListener("change", () => select.form.submit());
  }
  const form = document.querySelector("form[data-upload]");
  if (form) {
    form.addEventListener("submit", (event) => { event.preventDefault(); upload(form); });
  }
});
