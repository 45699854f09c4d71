import type { Format } from "./query.ts";

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => !!v && typeof v === "object" && !Array.isArray(v);

/** An agent or group reduced to what identifies it (an anonymous group: its members'). */
function idsOfAgent(agent: unknown): unknown {
  if (!isObject(agent)) return agent;
  const out: Json = {};
  if (agent.objectType) out.objectType = agent.objectType;
  for (const key of ["mbox", "mbox_sha1sum", "openid", "account"]) {
    if (agent[key] !== undefined) {
      out[key] = agent[key];
      return out;
    }
  }
  if (Array.isArray(agent.member)) out.member = agent.member.map(idsOfAgent);
  return out;
}

function idsOfObject(object: unknown): unknown {
  if (!isObject(object)) return object;
  const type = object.objectType ?? "Activity";
  if (type === "Activity") return { id: object.id };
  if (type === "Agent" || type === "Group") return idsOfAgent(object);
  if (type === "SubStatement") return idsOfStatement(object);
  return object;
}

function idsOfContext(context: unknown): unknown {
  if (!isObject(context)) return context;
  const out: Json = { ...context };
  if (context.instructor) out.instructor = idsOfAgent(context.instructor);
  if (context.team) out.team = idsOfAgent(context.team);
  if (isObject(context.contextActivities)) {
    out.contextActivities = Object.fromEntries(
      Object.entries(context.contextActivities).map(([k, list]) => [
        k,
        Array.isArray(list) ? list.map((a) => ({ id: (a as Json).id })) : list,
      ]),
    );
  }
  return out;
}

function idsOfStatement(statement: Json): Json {
  const out: Json = { ...statement };
  out.actor = idsOfAgent(statement.actor);
  if (isObject(statement.verb)) out.verb = { id: statement.verb.id };
  out.object = idsOfObject(statement.object);
  if (statement.authority) out.authority = idsOfAgent(statement.authority);
  if (statement.context) out.context = idsOfContext(statement.context);
  return out;
}

/** A language map reduced to the one language the reader prefers, else its first. */
function pick(map: Json, languages: string[]): Json {
  const tags = Object.keys(map);
  for (const wanted of languages) {
    const exact = tags.find((t) => t.toLowerCase() === wanted);
    const partial = tags.find((t) => t.toLowerCase().split("-")[0] === wanted.split("-")[0]);
    const tag = exact ?? partial;
    if (tag) return { [tag]: map[tag] };
  }
  const first = tags[0];
  return first ? { [first]: map[first] } : map;
}

const LANGUAGE_MAPS = new Set(["display", "name", "description"]);

function canonical(value: unknown, languages: string[]): unknown {
  if (Array.isArray(value)) return value.map((v) => canonical(v, languages));
  if (!isObject(value)) return value;
  return Object.fromEntries(
    Object.entries(value).map(([k, v]) => [
      k,
      LANGUAGE_MAPS.has(k) && isObject(v) ? pick(v, languages) : canonical(v, languages),
    ]),
  );
}

/** Languages from an Accept-Language header, most wanted first. */
export function acceptedLanguages(header: string | undefined): string[] {
  return (header ?? "")
    .split(",")
    .map((part) => {
      const [tag = "", ...params] = part.trim().split(";");
      const q = params.find((p) => p.trim().startsWith("q="));
      return { tag: tag.trim().toLowerCase(), q: q ? Number(q.trim().slice(2)) : 1 };
    })
    .filter((l) => l.tag && l.tag !== "*" && l.q > 0)
    .sort((a, b) => b.q - a.q)
    .map((l) => l.tag);
}

/**
 * A stored statement in the format a GET asks for: as stored, identifiers only, or with each
 * language map cut to the reader's language.
 */
export function formatStatement(statement: unknown, format: Format, languages: string[]): unknown {
  if (!isObject(statement) || format === "exact") return statement;
  return format === "ids" ? idsOfStatement(statement) : canonical(statement, languages);
}
