// The names the API uses, as the server defines them (GET /v1/vocabulary): the code systems and
// the plain spellings read as them, and the assertions of evidence. Nothing here restates them;
// until the server answers, a system is shown as it is named.

const names = {
  systems: new Map(), // plain spelling ("icd10cm") -> {name, plain, kind}
  assertions: new Set(),
};

// A code system in one plain form: the API names systems as suggestions do ("ICD-10-CM"); older
// stores said "icd10cm".
export const systemId = (system) => String(system).toLowerCase().replace(/[^a-z0-9]/g, "");

export const systemLabel = (system) => names.systems.get(systemId(system))?.name || String(system);

// Decisions are matched on one plain form of the system and of the code (with or without its dot).
export const codeKey = (system, code) =>
  `${systemId(system)}|${String(code).toUpperCase().replace(/\./g, "")}`;

export const isAssertion = (value) => names.assertions.has(value);

// "accepted" -> "Accepted"
export const decisionLabel = (decision) => {
  const text = String(decision);
  return text ? text[0].toUpperCase() + text.slice(1) : text;
};

// Each system of the vocabulary -> "diagnosis" | "procedure".
export const systemKinds = () =>
  new Map(Array.from(names.systems.values(), (s) => [s.name, s.kind]));

// Read the vocabulary with ``api`` (the page's authenticated fetch); false when it did not answer.
export async function loadVocabulary(api) {
  const res = await api("GET", "/v1/vocabulary");
  const data = res.ok && res.data ? res.data : null;
  if (!data || !Array.isArray(data.systems)) return false;
  names.systems = new Map(
    data.systems
      .filter((s) => s && typeof s.name === "string")
      .map((s) => [systemId(s.name), { name: s.name, plain: String(s.plain), kind: s.kind === "procedure" ? "procedure" : "diagnosis" }]),
  );
  names.assertions = new Set(Array.isArray(data.assertions) ? data.assertions.map(String) : []);
  return true;
}
