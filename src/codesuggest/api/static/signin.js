// Signing in with a key (and loading what the page needs from it), signing out, and resuming
// the tab's last view after a reload.
import { api, errorMessage } from "./client.js";
import { loadCodeSystems } from "./code-systems.js";
import { ui } from "./elements.js";
import { loadModel } from "./model.js";
import { restoreNote, showEditor } from "./note.js";
import { clearSuggestions, runSuggest } from "./review.js";
import { signedOut } from "./session.js";
import { SAVED, state } from "./state.js";
import { setStatus } from "./status.js";
import { loadVocabulary, systemKinds } from "./vocabulary.js";

async function signIn(key) {
  state.key = key;
  const res = await api("GET", "/v1/me");
  if (!res.ok || !res.data) {
    state.key = null;
    sessionStorage.removeItem(SAVED.key);
    if (res.status === 401) {
      setStatus("That API key was not accepted. Check it and try again.", "error");
      ui.keyInput.focus();
    } else {
      setStatus(errorMessage(res, "sign in"), "error");
    }
    return false;
  }
  state.user = { name: String(res.data.name), role: String(res.data.role) };
  sessionStorage.setItem(SAVED.key, key);
  ui.keyInput.value = "";
  ui.userName.textContent = `${state.user.name} (${state.user.role})`;
  ui.signinForm.hidden = true;
  ui.userBox.hidden = false;
  ui.empty.textContent = "Paste a note and press Suggest.";
  loadModel();
  if (await loadVocabulary(api)) state.kinds = systemKinds();
  await loadCodeSystems(); // before a restored note is suggested with its saved filter
  return true;
}

// The sign-in form.
export function submitSignIn(event) {
  event.preventDefault();
  const key = ui.keyInput.value.trim();
  if (!key) {
    setStatus("Paste your API key, then sign in.", "error");
    ui.keyInput.focus();
    return;
  }
  signIn(key).then((ok) => {
    if (ok) {
      setStatus(`Signed in as ${state.user.name}.`, "ok");
      // to the note, unless the coder is already typing in a field: signing in ends after the
      // page shows the note form, and a keystroke must not land in another field
      const at = document.activeElement;
      const idle = !at || at === document.body || ui.signinForm.contains(at);
      if (idle) (ui.noteText.value.trim() ? ui.suggest : ui.noteText).focus();
    }
  });
}

// Signing out also clears the note from the page and the tab: the next person starts afresh.
export function signOut() {
  signedOut();
  for (const name of Object.values(SAVED)) sessionStorage.removeItem(name);
  ui.noteForm.reset();
  clearSuggestions();
  showEditor();
  ui.empty.textContent = "Sign in, paste a note and press Suggest.";
  setStatus("Signed out; the note was cleared from this page.", "info");
  ui.keyInput.focus();
}

// Restore the last view: fields, then the key, then the suggestions.
export function resume() {
  restoreNote();
  const key = sessionStorage.getItem(SAVED.key);
  if (!key) {
    setStatus("Sign in with your API key to start.", "info");
    return;
  }
  signIn(key).then((ok) => {
    if (!ok) return;
    if (ui.noteText.value.trim() && ui.noteId.value.trim()) runSuggest();
    else setStatus(`Signed in as ${state.user.name}.`, "ok");
  });
}
