// Small pieces every screen uses: building elements, showing messages, confirmations, times and durations.

/** An element with attributes (on* names become listeners) and children (strings become text, never HTML). */
export function el(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === null || value === false) {
      continue;
    }
    if (name.startsWith("on")) {
      element.addEventListener(name.slice(2), value);
    } else if (value === true) {
      element.setAttribute(name, "");
    } else {
      element.setAttribute(name, value);
    }
  }
  element.append(...children.flat().filter((c) => c !== null && c !== undefined && c !== false));
  return element;
}

export function showError(error) {
  show(error.message ?? String(error), "error");
}

export function showInfo(text) {
  show(text, "info");
}

export function clearMessage() {
  const message = document.getElementById("message");
  message.hidden = true;
  message.textContent = "";
}

function show(text, kind) {
  const message = document.getElementById("message");
  message.className = `message ${kind}`;
  message.textContent = text;
  message.hidden = false;
}

/**
 * Runs an action from a form or button: clears the last message, disables the control while the call runs, and shows
 * the API's refusal in words. Inputs keep what was typed, so a failed submit loses nothing.
 */
export async function attempt(control, action) {
  clearMessage();
  control.disabled = true;
  try {
    return await action();
  } catch (error) {
    showError(error);
    return undefined;
  } finally {
    control.disabled = false;
  }
}

let dialogs = 0;

/**
 * Asks before something that cannot be undone; resolves true only on the confirming button. The dialog is titled by
 * the action, Cancel is the quiet choice, and the action itself is the one filled (red) button.
 */
export function confirmAction(question, confirmLabel) {
  return new Promise((resolve) => {
    const title = `dialog-title-${++dialogs}`;
    const dialog = el("dialog", { class: "confirm", "aria-labelledby": title },
      el("h2", { id: title }, `${confirmLabel}?`),
      el("p", {}, question),
      el("form", { method: "dialog", class: "actions" },
        el("button", { value: "cancel", type: "submit", autofocus: true }, "Cancel"),
        el("button", { value: "confirm", type: "submit", class: "danger primary" }, confirmLabel)));
    dialog.addEventListener("close", () => {
      resolve(dialog.returnValue === "confirm");
      dialog.remove();
    });
    document.body.append(dialog);
    dialog.showModal();
  });
}

/**
 * Asks for one value before an action: resolves the control's value on the action's button, or null when the person
 * cancels. The action is the primary button, not a red one: what it does can be undone or replaced.
 */
export function valueDialog(question, confirmLabel, label, control) {
  return new Promise((resolve) => {
    const title = `dialog-title-${++dialogs}`;
    control.autofocus = true;
    const dialog = el("dialog", { class: "confirm", "aria-labelledby": title },
      el("h2", { id: title }, `${confirmLabel}?`),
      el("p", {}, question),
      el("form", { method: "dialog" },
        field(label, control),
        el("div", { class: "actions" },
          el("button", { value: "cancel", type: "submit", formnovalidate: true }, "Cancel"),
          el("button", { value: "confirm", type: "submit", class: "primary" }, confirmLabel))));
    dialog.addEventListener("close", () => {
      resolve(dialog.returnValue === "confirm" ? control.value : null);
      dialog.remove();
    });
    document.body.append(dialog);
    dialog.showModal();
  });
}

/** Asks before a reversible action that records why: the reason typed (empty when none), or null when cancelled. */
export async function reasonDialog(question, confirmLabel) {
  const reason = await valueDialog(question, confirmLabel, "Reason (optional, recorded in the event)",
    el("input", { name: "reason", maxlength: 256, size: 1 }));
  return reason === null ? null : reason.trim();
}

export function formatTime(text) {
  return text ? new Date(text).toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" }) : "never";
}

const relativeWords = new Intl.RelativeTimeFormat(undefined, { numeric: "auto" });

/** How far a time is from now, in the largest unit that fits: "3 minutes ago", "in 6 days". */
export function relativeTime(text, now = Date.now()) {
  const seconds = Math.round((new Date(text).getTime() - now) / 1000);
  for (const [unit, size] of [["year", 31536000], ["month", 2592000], ["day", 86400], ["hour", 3600], ["minute", 60]]) {
    if (Math.abs(seconds) >= size) {
      return relativeWords.format(Math.round(seconds / size), unit);
    }
  }
  return relativeWords.format(seconds, "second");
}

/** A time to the second, and how long ago (or until) it is: "Dec 2, 2026, 3:04:56 AM" and "3 minutes ago". */
export function timeAndDistance(text) {
  const exact = new Date(text).toLocaleString(undefined, { dateStyle: "medium", timeStyle: "medium" });
  return [el("time", { datetime: text, title: text }, exact), el("small", {}, relativeTime(text))];
}

/** A table cell for a time, the distance under it; "never" for none. */
export function timeCell(label, text) {
  return el("td", { "data-label": label, class: "when" }, text ? timeAndDistance(text) : "never");
}

/** Seconds in an ISO 8601 duration such as PT24H or P365D (a year as 365 days, a month as 30), for comparing only. */
export function durationSeconds(text) {
  const match = /^P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?$/.exec(text ?? "");
  if (!match) {
    return NaN;
  }
  const [years, months, weeks, days, hours, minutes, seconds] = match.slice(1).map((part) => Number(part ?? 0));
  return ((((years * 365 + months * 30 + weeks * 7 + days) * 24 + hours) * 60 + minutes) * 60) + seconds;
}

/** An ISO 8601 duration in words: P30D → "30 days". */
export function durationWords(text) {
  const seconds = durationSeconds(text);
  if (Number.isNaN(seconds)) {
    return text;
  }
  for (const [unit, size] of [["day", 86400], ["hour", 3600], ["minute", 60]]) {
    if (seconds >= size && seconds % size === 0) {
      const count = seconds / size;
      return `${count} ${unit}${count === 1 ? "" : "s"}`;
    }
  }
  return `${seconds} seconds`;
}

const durationUnits = { s: "S", m: "M", h: "H", d: "D", w: "W" };
const durationPart = /\s*(\d+)\s*(seconds?|secs?|s|minutes?|mins?|m|hours?|hrs?|h|days?|d|weeks?|w)(?![a-z])\s*(?:,|and)?/y;

/**
 * A duration as a person or ISO 8601 writes it ("30 days", "12h", "1 day 12 hours", "P30D", "PT24H"), in ISO 8601;
 * null when it is none.
 */
export function parseDuration(text) {
  const value = (text ?? "").trim().toLowerCase();
  if (/^p(?=\d|t\d)(\d+y)?(\d+m)?(\d+w)?(\d+d)?(t(?=\d)(\d+h)?(\d+m)?(\d+s)?)?$/.test(value)) {
    return value.toUpperCase();
  }
  const totals = { D: 0, H: 0, M: 0, S: 0 };
  durationPart.lastIndex = 0;
  let found = false;
  while (durationPart.lastIndex < value.length) {
    const match = durationPart.exec(value);
    if (!match) {
      return null;
    }
    found = true;
    const unit = durationUnits[match[2] === "mins" || match[2].startsWith("min") ? "m" : match[2][0]];
    totals[unit === "W" ? "D" : unit] += Number(match[1]) * (unit === "W" ? 7 : 1);
  }
  if (!found || Object.values(totals).every((n) => n === 0)) {
    return null;
  }
  const time = ["H", "M", "S"].filter((u) => totals[u] > 0).map((u) => `${totals[u]}${u}`).join("");
  return `P${totals.D > 0 ? `${totals.D}D` : ""}${time ? `T${time}` : ""}`;
}

/**
 * A duration input: typed as "30 days", "12h" or ISO 8601, with suggestions, and beside it what the text means. Read
 * the ISO form with <c>parseDuration(input.value)</c>.
 */
export function durationInput(name, value, presets) {
  const list = `${name}-presets`;
  const input = el("input", { name, value, required: true, autocomplete: "off", list, spellcheck: "false" });
  const meaning = el("output", { for: name, class: "hint" });
  const explain = () => {
    const parsed = parseDuration(input.value);
    meaning.textContent = parsed ? `= ${durationWords(parsed)} (${parsed})` : "not a duration yet";
  };
  input.addEventListener("input", explain);
  explain();
  return {
    input,
    meaning,
    suggestions: el("datalist", { id: list }, presets.map((p) => el("option", { value: durationWords(p) }))),
  };
}

/** The list's own parameters among <c>given</c> (the hash's, a form's, or an API link's query), empty ones left out. */
export function listParameters(given, names) {
  const all = typeof given === "string" ? new URL(given, location.origin).searchParams : given;
  return new URLSearchParams([...all].filter(([name, value]) => names.includes(name) && value !== ""));
}

/**
 * Shows a screen's list for these parameters by putting them in the location hash (which draws the screen again),
 * or, when the hash says so already, by loading at once with them.
 */
export function showInHash(path, given, names, loadNow) {
  const params = listParameters(given, names);
  const hash = `${path}${params.size > 0 ? `?${params}` : ""}`;
  if (location.hash === hash) {
    return loadNow(params);
  }
  location.hash = hash;
  return undefined;
}

let fields = 0;

/** A form field: its label names the control, and its hint describes it (read after the name by screen readers). */
export function field(label, control, hint) {
  const id = control.id || `field-${++fields}`;
  control.id = id;
  const hintElement = hint ? el("small", { id: `${id}-hint` }, hint) : null;
  if (hintElement) {
    control.setAttribute("aria-describedby", hintElement.id);
  }
  return el("div", { class: "field" }, el("label", { for: id }, label), control, hintElement);
}

/** A status as a badge. */
export function status(value) {
  return el("span", { class: `status ${value}` }, value);
}

/** A button that copies the text, and beside it the word that it did (announced to screen readers). */
export function copyButton(text, label) {
  const copied = el("span", { role: "status", class: "copied" });
  const button = el("button", {
    type: "button",
    onclick: async () => {
      await navigator.clipboard.writeText(text);
      copied.textContent = "Copied.";
    },
  }, label);
  return [button, copied];
}
