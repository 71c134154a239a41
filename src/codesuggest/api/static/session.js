// A key the server no longer accepts signs the page out (signing in is signin.js).
import { errorMessage } from "./client.js";
import { ui } from "./elements.js";
import { clearModel } from "./model.js";
import { SAVED, state } from "./state.js";
import { setStatus } from "./status.js";

export function reportError(res, action) {
  if (res.status === 401) signedOut();
  setStatus(errorMessage(res, action), "error");
}

export function signedOut() {
  state.key = null;
  state.user = null;
  sessionStorage.removeItem(SAVED.key);
  ui.userBox.hidden = true;
  ui.signinForm.hidden = false;
  clearModel();
}
