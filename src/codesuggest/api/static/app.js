// The coder's review page: paste a note, review ranked codes with their evidence, record
// decisions. Plain DOM APIs only: note text and API data are always set with textContent.
// ES modules (no build step), each named for what it does; the names the API uses come from
// vocabulary.js, which reads them from the server. This entry point connects the page's
// controls to the modules that act on them, then resumes the tab's last view.
import { onDecideCode } from "./added-codes.js";
import { decide, decideCode } from "./decisions.js";
import { ui } from "./elements.js";
import { shortcut } from "./keyboard.js";
import { loadNoteFile } from "./note-file.js";
import { remember, showEditor } from "./note.js";
import { noteEdited, runSuggest } from "./review.js";
import { clickOutsideSearch, resultsKeydown, scheduleSearch, searchKeydown } from "./search.js";
import { selectMarked } from "./selection.js";
import { resume, signOut, submitSignIn } from "./signin.js";
import { onDecide } from "./suggestion-row.js";

// The rows' buttons decide through decisions.js, which redraws the rows: connected here, so that
// no module imports one that imports it back.
onDecide(decide);
onDecideCode(decideCode);

// "Add a code"
ui.search.addEventListener("input", scheduleSearch);
ui.search.addEventListener("keydown", searchKeydown);
ui.results.addEventListener("keydown", resultsKeydown);
document.addEventListener("click", clickOutsideSearch);

// The shortcuts: j / k, a / r, /, ?, Esc, Ctrl+Enter
document.addEventListener("keydown", shortcut);

// Signing in and out
ui.signinForm.addEventListener("submit", submitSignIn);
ui.signout.addEventListener("click", signOut);

// The note
ui.noteForm.addEventListener("submit", (event) => {
  event.preventDefault();
  runSuggest();
});
ui.editNote.addEventListener("click", () => showEditor());
for (const field of [ui.noteId, ui.noteText, ui.age, ui.sex, ui.top, ui.systems]) {
  field.addEventListener("change", remember);
}
for (const field of [ui.noteId, ui.noteText, ui.age, ui.sex]) {
  field.addEventListener("input", noteEdited);
}
ui.loadFile.addEventListener("click", () => ui.fileInput.click());
ui.fileInput.addEventListener("change", loadNoteFile);
ui.noteView.addEventListener("click", selectMarked);

// The shortcuts' help
ui.helpOpen.addEventListener("click", () => ui.help.showModal());
ui.helpClose.addEventListener("click", () => ui.help.close());

resume();
