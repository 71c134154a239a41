// Loading the note from a text file (the "Load file" button): its text, and its name as the
// note ID when none is entered.
import { ui } from "./elements.js";
import { showEditor } from "./note.js";
import { clearSuggestions } from "./review.js";
import { state } from "./state.js";
import { setStatus } from "./status.js";

const MAX_FILE_BYTES = 5 * 1024 * 1024;

export function loadNoteFile() {
  const file = ui.fileInput.files && ui.fileInput.files[0];
  ui.fileInput.value = "";
  if (!file) return;
  if (file.size > MAX_FILE_BYTES) {
    setStatus(`${file.name} is larger than 5 MB; load a single note.`, "error");
    return;
  }
  const reader = new FileReader();
  reader.addEventListener("load", () => {
    ui.noteText.value = String(reader.result).replace(/^\uFEFF/, "");
    if (!ui.noteId.value.trim()) ui.noteId.value = file.name.replace(/\.[^.]*$/, "");
    if (state.result) clearSuggestions(); // another note: the old suggestions are not its
    showEditor();
    setStatus(`Loaded ${file.name}. Press Suggest (Ctrl+Enter).`, "info");
  });
  reader.addEventListener("error", () => setStatus(`Could not read ${file.name}.`, "error"));
  reader.readAsText(file, "utf-8");
}
