// The note input: its fields read as a request, kept for a reload of the tab, and the note
// shown either as the editor or as the view with its evidence.
import { ui } from "./elements.js";
import { SAVED, state } from "./state.js";

export function readNoteForm() {
  const noteId = ui.noteId.value.trim();
  const text = ui.noteText.value;
  if (!state.key) return { error: "Sign in with your API key first.", focus: ui.keyInput };
  if (!noteId) return { error: "Enter a note ID.", focus: ui.noteId };
  if (!text.trim()) return { error: "Paste or load a note first.", focus: ui.noteText };
  const body = { note_id: noteId, text };
  const age = ui.age.value.trim();
  if (age !== "") {
    const years = Number(age);
    if (!Number.isInteger(years) || years < 0 || years > 130) {
      return { error: "Age must be a whole number from 0 to 130.", focus: ui.age };
    }
    body.age = years;
  }
  if (ui.sex.value) body.sex = ui.sex.value;
  return { body };
}

// The note's fields survive a reload of the tab (sessionStorage: this tab only).
export function remember() {
  try {
    sessionStorage.setItem(SAVED.noteId, ui.noteId.value);
    sessionStorage.setItem(SAVED.text, ui.noteText.value);
    sessionStorage.setItem(SAVED.age, ui.age.value);
    sessionStorage.setItem(SAVED.sex, ui.sex.value);
    sessionStorage.setItem(SAVED.top, ui.top.value);
    sessionStorage.setItem(SAVED.systems, ui.systems.value);
  } catch {
    // over the storage quota: the note is just not restored after a reload
  }
}

export function showView() {
  ui.editor.hidden = true;
  ui.noteView.hidden = false;
  ui.editNote.hidden = false;
}

export function showEditor({ focus = true } = {}) {
  ui.noteView.hidden = true;
  ui.editor.hidden = false;
  ui.editNote.hidden = true;
  if (focus) ui.noteText.focus();
}

// The fields as the tab last had them.
export function restoreNote() {
  ui.noteId.value = sessionStorage.getItem(SAVED.noteId) || "";
  ui.noteText.value = sessionStorage.getItem(SAVED.text) || "";
  ui.age.value = sessionStorage.getItem(SAVED.age) || "";
  ui.sex.value = sessionStorage.getItem(SAVED.sex) || "";
  ui.top.value = sessionStorage.getItem(SAVED.top) || "15";
  if (!ui.top.value) ui.top.value = "15";
}
