import { createRequire } from "node:module";
import type { ErrorObject, ValidateFunction } from "ajv";
import { Duration } from "luxon";

/** The verbs Stackup acts on; every other verb is stored and otherwise left alone. */
export const VERBS = {
  voided: "http://adlnet.gov/expapi/verbs/voided",
  completed: "http://adlnet.gov/expapi/verbs/completed",
  passed: "http://adlnet.gov/expapi/verbs/passed",
  progressed: "http://adlnet.gov/expapi/verbs/progressed",
  experienced: "http://adlnet.gov/expapi/verbs/experienced",
} as const;

const UUID = "^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$";
// ISO 8601 duration with at least one component, as xAPI's result.duration.
const DURATION =
  "^(P\\d+(\\.\\d+)?W|P(?=\\d|T\\d)(\\d+(\\.\\d+)?Y)?(\\d+(\\.\\d+)?M)?(\\d+(\\.\\d+)?D)?(T(?=\\d)(\\d+(\\.\\d+)?H)?(\\d+(\\.\\d+)?M)?(\\d+(\\.\\d+)?S)?)?)$";
// RFC 3339 date-time; xAPI forbids the "unknown local offset" -00:00 (and its short forms).
const timestamp = { type: "string", format: "date-time", not: { pattern: "-00(:?00)?$" } };
const LANGUAGE_TAG = "^[A-Za-z]{1,8}(-[A-Za-z0-9]{1,8})*$";

const iri = { type: "string", format: "iri" };
const languageMap = {
  type: "object",
  propertyNames: { pattern: LANGUAGE_TAG },
  additionalProperties: { type: "string" },
};
const extensions = {
  type: "object",
  propertyNames: { format: "iri" },
};
/** xAPI 2.0's context agents and groups: who else took part, and as what (relevantTypes). */
const contextMember = (objectType: string, key: "agent" | "group") => ({
  type: "object",
  required: ["objectType", key],
  additionalProperties: false,
  properties: {
    objectType: { const: objectType },
    [key]: { $ref: `#/definitions/${key}` },
    relevantTypes: { type: "array", minItems: 1, items: iri },
  },
});
const interactionComponents = {
  type: "array",
  items: {
    type: "object",
    required: ["id"],
    additionalProperties: false,
    properties: { id: { type: "string", minLength: 1 }, description: languageMap },
  },
};

const definitions = {
  agent: {
    type: "object",
    additionalProperties: false,
    properties: {
      objectType: { const: "Agent" },
      name: { type: "string" },
      mbox: { type: "string", pattern: "^mailto:[^@\\s]+@[^@\\s]+$" },
      mbox_sha1sum: { type: "string", pattern: "^[0-9a-fA-F]{40}$" },
      openid: { type: "string", format: "iri" },
      account: { $ref: "#/definitions/account" },
    },
    oneOf: [
      { required: ["mbox"] },
      { required: ["mbox_sha1sum"] },
      { required: ["openid"] },
      { required: ["account"] },
    ],
  },
  account: {
    type: "object",
    required: ["homePage", "name"],
    additionalProperties: false,
    properties: { homePage: { type: "string", format: "iri" }, name: { type: "string" } },
  },
  group: {
    type: "object",
    required: ["objectType"],
    additionalProperties: false,
    properties: {
      objectType: { const: "Group" },
      name: { type: "string" },
      member: { type: "array", items: { $ref: "#/definitions/agent" } },
      mbox: { type: "string", pattern: "^mailto:[^@\\s]+@[^@\\s]+$" },
      mbox_sha1sum: { type: "string", pattern: "^[0-9a-fA-F]{40}$" },
      openid: { type: "string", format: "iri" },
      account: { $ref: "#/definitions/account" },
    },
    // An anonymous group lists its members; an identified one has exactly one identifier.
    oneOf: [
      {
        required: ["member"],
        not: {
          anyOf: [
            { required: ["mbox"] },
            { required: ["mbox_sha1sum"] },
            { required: ["openid"] },
            { required: ["account"] },
          ],
        },
      },
      { required: ["mbox"] },
      { required: ["mbox_sha1sum"] },
      { required: ["openid"] },
      { required: ["account"] },
    ],
  },
  actor: {
    type: "object",
    allOf: [
      objectTypeCase("Group", "group"),
      { if: { not: objectTypeIs("Group") }, ...thenRef("agent") },
    ],
  },
  verb: {
    type: "object",
    required: ["id"],
    additionalProperties: false,
    properties: { id: iri, display: languageMap },
  },
  activity: {
    type: "object",
    required: ["id"],
    additionalProperties: false,
    properties: {
      objectType: { const: "Activity" },
      id: iri,
      definition: {
        type: "object",
        additionalProperties: false,
        properties: {
          name: languageMap,
          description: languageMap,
          type: iri,
          moreInfo: { type: "string", format: "iri" },
          extensions,
          interactionType: {
            enum: [
              "true-false",
              "choice",
              "fill-in",
              "long-fill-in",
              "matching",
              "performance",
              "sequencing",
              "likert",
              "numeric",
              "other",
            ],
          },
          correctResponsesPattern: { type: "array", items: { type: "string" } },
          choices: interactionComponents,
          scale: interactionComponents,
          source: interactionComponents,
          target: interactionComponents,
          steps: interactionComponents,
        },
        // An interaction's details mean nothing without its type.
        dependencies: Object.fromEntries(
          ["correctResponsesPattern", "choices", "scale", "source", "target", "steps"].map((k) => [
            k,
            ["interactionType"],
          ]),
        ),
      },
    },
  },
  statementRef: {
    type: "object",
    required: ["objectType", "id"],
    additionalProperties: false,
    properties: { objectType: { const: "StatementRef" }, id: { type: "string", pattern: UUID } },
  },
  object: {
    type: "object",
    properties: {
      objectType: { enum: ["Activity", "Agent", "Group", "StatementRef", "SubStatement"] },
    },
    allOf: [
      { if: { not: { required: ["objectType"] } }, ...thenRef("activity") },
      objectTypeCase("Activity", "activity"),
      objectTypeCase("Agent", "agent"),
      objectTypeCase("Group", "group"),
      objectTypeCase("StatementRef", "statementRef"),
      objectTypeCase("SubStatement", "subStatement"),
    ],
  },
  subObject: {
    type: "object",
    properties: { objectType: { enum: ["Activity", "Agent", "Group", "StatementRef"] } },
    allOf: [
      { if: { not: { required: ["objectType"] } }, ...thenRef("activity") },
      objectTypeCase("Activity", "activity"),
      objectTypeCase("Agent", "agent"),
      objectTypeCase("Group", "group"),
      objectTypeCase("StatementRef", "statementRef"),
    ],
  },
  result: {
    type: "object",
    additionalProperties: false,
    properties: {
      score: {
        type: "object",
        additionalProperties: false,
        properties: {
          scaled: { type: "number", minimum: -1, maximum: 1 },
          raw: { type: "number" },
          min: { type: "number" },
          max: { type: "number" },
        },
      },
      success: { type: "boolean" },
      completion: { type: "boolean" },
      response: { type: "string" },
      duration: { type: "string", pattern: DURATION },
      extensions,
    },
  },
  contextActivities: {
    type: "object",
    additionalProperties: false,
    properties: Object.fromEntries(
      ["parent", "grouping", "category", "other"].map((k) => [
        k,
        {
          anyOf: [
            { $ref: "#/definitions/activity" },
            { type: "array", items: { $ref: "#/definitions/activity" } },
          ],
        },
      ]),
    ),
  },
  context: {
    type: "object",
    additionalProperties: false,
    properties: {
      registration: { type: "string", pattern: UUID },
      instructor: { $ref: "#/definitions/actor" },
      team: { $ref: "#/definitions/group" },
      contextActivities: { $ref: "#/definitions/contextActivities" },
      contextAgents: { type: "array", items: contextMember("contextAgent", "agent") },
      contextGroups: { type: "array", items: contextMember("contextGroup", "group") },
      revision: { type: "string" },
      platform: { type: "string" },
      language: { type: "string", pattern: LANGUAGE_TAG },
      statement: { $ref: "#/definitions/statementRef" },
      extensions,
    },
  },
  attachment: {
    type: "object",
    required: ["usageType", "display", "contentType", "length", "sha2"],
    additionalProperties: false,
    properties: {
      usageType: iri,
      display: languageMap,
      description: languageMap,
      contentType: { type: "string" },
      length: { type: "integer", minimum: 0 },
      sha2: { type: "string" },
      fileUrl: { type: "string", format: "iri" },
    },
  },
  subStatement: {
    type: "object",
    required: ["objectType", "actor", "verb", "object"],
    additionalProperties: false,
    properties: {
      objectType: { const: "SubStatement" },
      actor: { $ref: "#/definitions/actor" },
      verb: { $ref: "#/definitions/verb" },
      object: { $ref: "#/definitions/subObject" },
      result: { $ref: "#/definitions/result" },
      context: { $ref: "#/definitions/context" },
      timestamp,
      attachments: { type: "array", items: { $ref: "#/definitions/attachment" } },
    },
  },
};

function objectTypeIs(objectType: string) {
  return { required: ["objectType"], properties: { objectType: { const: objectType } } };
}

// JSON Schema's "then"; these schema objects are never awaited.
function thenRef(definition: string): Record<string, unknown> {
  // biome-ignore lint/suspicious/noThenProperty: a JSON Schema keyword
  return { then: { $ref: `#/definitions/${definition}` } };
}

function objectTypeCase(objectType: string, definition: string) {
  return { if: objectTypeIs(objectType), ...thenRef(definition) };
}

const statementSchema = {
  type: "object",
  required: ["actor", "verb", "object"],
  additionalProperties: false,
  properties: {
    id: { type: "string", pattern: UUID },
    actor: { $ref: "#/definitions/actor" },
    verb: { $ref: "#/definitions/verb" },
    object: { $ref: "#/definitions/object" },
    result: { $ref: "#/definitions/result" },
    context: { $ref: "#/definitions/context" },
    timestamp,
    stored: { type: "string", format: "date-time" },
    authority: { $ref: "#/definitions/actor" },
    version: { type: "string", pattern: "^(1\\.0|2\\.0)(\\.\\d+)?$" },
    attachments: { type: "array", items: { $ref: "#/definitions/attachment" } },
  },
  definitions,
};

/**
 * An absolute IRI: a scheme, then anything but white space (ajv-formats knows only ASCII URIs).
 */
export const IRI = /^[A-Za-z][A-Za-z0-9+.-]*:\S+$/;

let compiled: ValidateFunction | undefined;

/**
 * The statement schema, compiled with the first statement: compiling it costs about half a
 * second of CPU and tens of megabytes at start-up, which a service that receives no xAPI
 * statements should not pay.
 */
function validateSchema(): ValidateFunction {
  if (compiled) return compiled;
  const require = createRequire(import.meta.url);
  const { Ajv } = require("ajv") as typeof import("ajv");
  const addFormats = require("ajv-formats") as typeof import("ajv-formats");
  const ajv = new Ajv({ strict: false, allErrors: false });
  addFormats.default(ajv);
  ajv.addFormat("iri", IRI);
  compiled = ajv.compile(statementSchema);
  return compiled;
}

/** A statement that passed validation; only the parts Stackup reads are typed. */
export interface Statement {
  id?: string;
  actor: Actor;
  verb: { id: string; display?: Record<string, string> };
  object: {
    objectType?: string;
    id?: string;
    definition?: { name?: Record<string, string> };
  } & Record<string, unknown>;
  result?: { duration?: string; success?: boolean; completion?: boolean };
  context?: { revision?: string; platform?: string };
  timestamp?: string;
  stored?: string;
  authority?: unknown;
  version?: string;
  attachments?: { fileUrl?: string }[];
}

export interface Actor {
  objectType?: string;
  name?: string;
  mbox?: string;
  mbox_sha1sum?: string;
  openid?: string;
  account?: { homePage: string; name: string };
  member?: Actor[];
}

export type Validation = { ok: true; statement: Statement } | { ok: false; reason: string };

function describe(error: ErrorObject | undefined): string {
  if (!error) return "the statement is not valid";
  const where = error.instancePath ? error.instancePath.replace(/^\//, "").replace(/\//g, ".") : "";
  const extra =
    error.keyword === "additionalProperties"
      ? ` (${String((error.params as { additionalProperty?: string }).additionalProperty)})`
      : error.keyword === "const"
        ? ` (${JSON.stringify((error.params as { allowedValue?: unknown }).allowedValue)})`
        : "";
  const message =
    error.keyword === "format" && (error.params as { format?: string }).format === "iri"
      ? "must be an absolute IRI, such as https://example.com/…"
      : (error.message ?? "is not valid");
  return `${where || "statement"} ${message}${extra}`;
}

/** Checks one statement against the xAPI rules Stackup enforces; the reason names the field. */
export function validateStatement(input: unknown): Validation {
  const validate = validateSchema();
  if (!validate(input)) return { ok: false, reason: describe(validate.errors?.[0]) };
  const statement = input as unknown as Statement;
  if (statement.verb.id === VERBS.voided && statement.object.objectType !== "StatementRef") {
    return { ok: false, reason: "a voiding statement's object must be a StatementRef" };
  }
  const authority = statement.authority as Actor | undefined;
  if (authority?.objectType === "Group") {
    const identified =
      authority.mbox || authority.mbox_sha1sum || authority.openid || authority.account;
    if (identified || authority.member?.length !== 2)
      return { ok: false, reason: "a group as authority is anonymous with exactly two members" };
  }
  for (const a of statement.attachments ?? []) {
    if (!a.fileUrl) {
      return {
        ok: false,
        reason: "attachments must be given by fileUrl; Stackup does not accept attachment content",
      };
    }
  }
  const reason =
    rulesOf(statement, "") ??
    (statement.object.objectType === "SubStatement"
      ? rulesOf(statement.object as unknown as Statement, "object.")
      : null);
  return reason ? { ok: false, reason } : { ok: true, statement };
}

/** The rules a schema cannot say, for a statement or a sub-statement (`at` prefixes fields). */
function rulesOf(statement: Statement, at: string): string | null {
  const objectType = statement.object.objectType ?? "Activity";
  if (
    objectType !== "Activity" &&
    (statement.context?.revision !== undefined || statement.context?.platform !== undefined)
  ) {
    return `${at}context.revision and ${at}context.platform apply to activities only`;
  }
  const duration = statement.result?.duration;
  if (duration !== undefined && !Duration.fromISO(duration).isValid) {
    return `${at}result.duration is not an ISO 8601 duration`;
  }
  const score = (statement as { result?: { score?: { raw?: number; min?: number; max?: number } } })
    .result?.score;
  if (score) {
    const { raw, min, max } = score;
    if (min !== undefined && max !== undefined && min >= max)
      return `${at}result.score.min must be less than ${at}result.score.max`;
    if (raw !== undefined && ((min !== undefined && raw < min) || (max !== undefined && raw > max)))
      return `${at}result.score.raw must lie between min and max`;
  }
  return null;
}

/** Context activities as an LRS returns them: always lists, also where one was sent alone. */
export function withListedContextActivities<T extends Record<string, unknown>>(statement: T): T {
  const list = (context: unknown) => {
    const c = context as { contextActivities?: Record<string, unknown> } | undefined;
    if (!c?.contextActivities) return context;
    const activities = Object.fromEntries(
      Object.entries(c.contextActivities).map(([k, v]) => [k, Array.isArray(v) ? v : [v]]),
    );
    return { ...c, contextActivities: activities };
  };
  const object = statement.object as { objectType?: string; context?: unknown } | undefined;
  return {
    ...statement,
    ...(statement.context ? { context: list(statement.context) } : {}),
    ...(object?.objectType === "SubStatement" && object.context
      ? { object: { ...object, context: list(object.context) } }
      : {}),
  };
}

/** Hours of a statement's result.duration, or null when it has none. */
export function durationHours(statement: Statement): number | null {
  const text = statement.result?.duration;
  if (!text) return null;
  const duration = Duration.fromISO(text);
  return duration.isValid ? duration.as("hours") : null;
}
