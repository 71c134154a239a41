// What the page knows between events, one object every module reads and updates; and the keys
// under which the note's fields and the key survive a reload of the tab.

export const SAVED = {
  key: "codesuggest.key",
  noteId: "codesuggest.noteId",
  text: "codesuggest.text",
  age: "codesuggest.age",
  sex: "codesuggest.sex",
  top: "codesuggest.top",
  systems: "codesuggest.systems",
};

export const state = {
  key: null, // the signed-in API key
  user: null, // {name, role} from GET /v1/me
  model: null, // "name version" of the serving model, as last shown
  result: null, // the last POST /v1/suggest response
  text: "", // the text the result's evidence offsets point into
  textHash: "", // its SHA-256: earlier decisions are restored only when they judged this text
  decisions: new Map(), // "system|code" -> latest stored feedback record
  titles: new Map(), // "system|code" -> title, for codes added from the search
  rows: [], // one <li> per suggestion, in rank order
  order: [], // suggestion indices as shown: diagnoses, then procedures (j / k follow it)
  // code system -> "diagnosis" | "procedure" (GET /v1/codesets; the vocabulary's until it answers)
  kinds: new Map(),
  marks: [], // per suggestion: the <mark> elements of its evidence
  selected: -1,
  pending: new Set(), // "system|code" keys with a decision being saved
  suggestRun: 0,
  searchRun: 0,
  searchTimer: 0,
  searchAbort: null,
};
