// The API as the signed-in coder (api.js): every call sends the key, and a failure reads as one
// sentence that names the key's role.
import { failure, request } from "./api.js";
import { state } from "./state.js";

export const api = (method, path, options = {}) => request(method, path, { ...options, key: state.key });
export const errorMessage = (res, action) => failure(res, action, state.user ? state.user.role : null);
