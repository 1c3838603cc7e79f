import { z } from "zod";
import { API_TOKEN_PREFIX } from "@/features/api-tokens/schema";
import {
  apiErrorSchema,
  apiSourceSchema,
  authorizeResultSchema,
  credentialsResultSchema,
  deletionResultSchema,
  sourceCreateSchema,
  sourceCredentialsSchema,
  sourceDeleteQuerySchema,
  sourcePatchSchema,
} from "@/features/api/schema";
import { eventPageSchema, eventQuerySchema } from "@/features/events/schema";
import { pullHistoryPageSchema, pullHistoryQuerySchema, sourceListPageSchema, sourceListQuerySchema } from "@/features/sources/schema";

// The OpenAPI 3.1 document of /api/v1, generated from the very zod schemas the route handlers parse
// and answer with, so the document cannot drift from what the server accepts. (Refinements such as
// "audit logs need Enterprise Grid" have no JSON Schema form; they are described in prose and
// answered with 422 and the field's message.) A test checks it with an OpenAPI validator and
// against the route files under app/api/v1 (features/api/api.test.ts).

type Scope = "read" | "write";
type Method = "get" | "post" | "put" | "patch" | "delete";
type ErrorStatus = 400 | 404 | 409 | 413 | 415 | 422;

type Operation = {
  method: Method;
  path: string;
  operationId: string;
  summary: string;
  description?: string;
  /** null: public, no token. */
  scope: Scope | null;
  query?: z.ZodType;
  body?: z.ZodType;
  response: { status: 200 | 201; description: string; schema: string };
  errors: ErrorStatus[];
};

/** Named schemas, referenced from the operations. Request bodies are described as sent (zod input), responses as answered. */
const REQUEST_SCHEMAS = { SourceCreate: sourceCreateSchema, SourcePatch: sourcePatchSchema, SourceCredentials: sourceCredentialsSchema } as const;
const RESPONSE_SCHEMAS = {
  Error: apiErrorSchema,
  Source: apiSourceSchema,
  SourceList: sourceListPageSchema,
  CredentialsResult: credentialsResultSchema,
  AuthorizeResult: authorizeResultSchema,
  DeletionResult: deletionResultSchema,
  PullRunPage: pullHistoryPageSchema,
  EventPage: eventPageSchema,
} as const;

const SOURCE_ID = { name: "id", in: "path", required: true, description: "The source's ID.", schema: { type: "string", pattern: "^[a-z0-9]{20,32}$" } } as const;

const BODY_ERRORS: ErrorStatus[] = [400, 413, 415];

const OPERATIONS: Operation[] = [
  {
    method: "get",
    path: "/api/v1/openapi.json",
    operationId: "getOpenApiDocument",
    summary: "This document",
    description: "Public: it holds no secrets.",
    scope: null,
    response: { status: 200, description: "The OpenAPI 3.1 document.", schema: "" },
    errors: [],
  },
  {
    method: "get",
    path: "/api/v1/sources",
    operationId: "listSources",
    summary: "List sources",
    description: "The console's sources list: filters, sort and pages of 50.",
    scope: "read",
    query: sourceListQuerySchema,
    response: { status: 200, description: "One page of sources.", schema: "SourceList" },
    errors: [400],
  },
  {
    method: "post",
    path: "/api/v1/sources",
    operationId: "createSource",
    summary: "Create a source",
    description:
      "The wizard's first step: a draft source. Rules beyond the schema: the FREE plan has no log APIs; at least one log type; audit logs need ENTERPRISE_GRID and a source of their own. Continue with PUT …/credentials, POST …/authorize, then PATCH status ACTIVE.",
    scope: "write",
    body: sourceCreateSchema,
    response: { status: 201, description: "The draft source; `Location` names it.", schema: "Source" },
    errors: [...BODY_ERRORS, 409],
  },
  {
    method: "get",
    path: "/api/v1/sources/{id}",
    operationId: "getSource",
    summary: "Get a source",
    scope: "read",
    response: { status: 200, description: "The source, its setup step and its health.", schema: "Source" },
    errors: [404],
  },
  {
    method: "patch",
    path: "/api/v1/sources/{id}",
    operationId: "updateSource",
    summary: "Configure, pause, resume or finish setting up a source",
    description:
      "Fields are applied in this order, each as the console applies it: name, plan and log types (until access is granted), backfill window, alarm, status. When one is refused (409, 422) the ones before it stay applied. Alarm threshold: 15 minutes (or the deployment's ALARM_MIN_THRESHOLD_MINUTES) to 30 days; at most 20 recipients, required while the alarm is on. Finishing setup (status ACTIVE after the grant) alarms the token's creator unless recipients are given.",
    scope: "write",
    body: sourcePatchSchema,
    response: { status: 200, description: "The source after the change.", schema: "Source" },
    errors: [...BODY_ERRORS, 404, 409, 422],
  },
  {
    method: "delete",
    path: "/api/v1/sources/{id}",
    operationId: "deleteSource",
    summary: "Delete a source",
    description: "As its Settings tab does: schedules removed, the Slack token revoked unless another source uses the same app, secrets erased, events kept or erased as asked.",
    scope: "write",
    query: sourceDeleteQuerySchema,
    response: { status: 200, description: "What was deleted, and what happened to the Slack token.", schema: "DeletionResult" },
    errors: [400, 404, 409],
  },
  {
    method: "put",
    path: "/api/v1/sources/{id}/credentials",
    operationId: "setSourceCredentials",
    summary: "Save the Slack app's client ID and secret",
    description:
      "Checked with Slack when it answers (422 wrong_client_id or wrong_secret when Slack says no), stored encrypted, never returned. A source in setup then waits for access to be granted; an active one keeps pulling with its token until it is re-granted.",
    scope: "write",
    body: sourceCredentialsSchema,
    response: { status: 200, description: "Whether Slack confirmed the pair, and the source.", schema: "CredentialsResult" },
    errors: [...BODY_ERRORS, 404, 422],
  },
  {
    method: "post",
    path: "/api/v1/sources/{id}/authorize",
    operationId: "authorizeSource",
    summary: "Start the Slack grant: the URL to open",
    description:
      "The one step a program cannot take: a person approves the install on Slack's page. The URL carries a single-use state valid for 10 minutes and bound to the token's creator: open it in a browser signed in to Tributary as that person. Slack then returns to Tributary, which stores the token; PATCH status ACTIVE finishes setup.",
    scope: "write",
    response: { status: 200, description: "Slack's install URL.", schema: "AuthorizeResult" },
    errors: [404, 409],
  },
  {
    method: "get",
    path: "/api/v1/sources/{id}/runs",
    operationId: "listSourceRuns",
    summary: "List a source's pull runs",
    description: "Newest first, 25 a page, like the source's Pull history tab.",
    scope: "read",
    query: pullHistoryQuerySchema,
    response: { status: 200, description: "One page of pull runs and the total.", schema: "PullRunPage" },
    errors: [400, 404],
  },
  {
    method: "get",
    path: "/api/v1/events",
    operationId: "searchEvents",
    summary: "Search events",
    description:
      "The event explorer's query: `from` inclusive, `to` exclusive (neither: the last 24 hours), source, log type, action, and `q`, one IP address, email or username matched against the events' indicators. Newest first; pass `nextCursor` back as `cursor` for the next page.",
    scope: "read",
    query: eventQuerySchema,
    response: { status: 200, description: "One page of events.", schema: "EventPage" },
    errors: [400],
  },
];

const ERROR_RESPONSES: Record<ErrorStatus | 401 | 403 | 500, { name: string; description: string }> = {
  400: { name: "BadRequest", description: "The request did not validate: `issues` names each field." },
  401: { name: "Unauthorized", description: "No API token, or one that is malformed, unknown, revoked, expired, or whose creator is disabled. `WWW-Authenticate` says which scheme to use." },
  403: { name: "Forbidden", description: "A read token calling a write operation (`insufficient_scope`), or a token whose creator's role no longer allows it." },
  404: { name: "NotFound", description: "No source has this ID." },
  409: { name: "Conflict", description: "The source's state or another source's name does not allow this." },
  413: { name: "PayloadTooLarge", description: "The body is larger than 64 KiB." },
  415: { name: "UnsupportedMediaType", description: "The body is not sent as application/json." },
  422: { name: "UnprocessableEntity", description: "The change does not fit the source (or Slack refused the credentials): `issues` names the field." },
  500: { name: "InternalError", description: "Tributary failed unexpectedly (its database or Redis unreachable, or a bug). The message gives the request ID under which the cause is logged; the `x-request-id` header carries it too." },
};

function jsonSchema(schema: z.ZodType, io: "input" | "output"): Record<string, unknown> {
  // `unrepresentable: "any"`: a transform or a custom check becomes "anything" rather than an error;
  // what it enforces is stated in the operation's description.
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: "any" }) as Record<string, unknown>;
  return rest;
}

/** An object schema's fields as query parameters, as the handlers read them (strings, coerced). */
function queryParameters(schema: z.ZodType) {
  const object = jsonSchema(schema, "input") as { properties?: Record<string, Record<string, unknown>>; required?: string[] };
  return Object.entries(object.properties ?? {}).map(([name, property]) => ({
    name,
    in: "query",
    required: object.required?.includes(name) ?? false,
    ...(typeof property.description === "string" ? { description: property.description } : {}),
    schema: property,
  }));
}

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });

function operationObject(operation: Operation) {
  const parameters = [...(operation.path.includes("{id}") ? [SOURCE_ID] : []), ...(operation.query ? queryParameters(operation.query) : [])];
  const requestName = operation.body ? Object.entries(REQUEST_SCHEMAS).find(([, schema]) => schema === operation.body)?.[0] : undefined;
  const responses: Record<string, unknown> = {
    [operation.response.status]: {
      description: operation.response.description,
      content: { "application/json": { schema: operation.response.schema ? ref(operation.response.schema) : { type: "object" } } },
    },
  };
  if (operation.scope) {
    for (const status of [401, 403] as const) responses[status] = { $ref: `#/components/responses/${ERROR_RESPONSES[status].name}` };
  }
  for (const status of operation.errors) responses[status] = { $ref: `#/components/responses/${ERROR_RESPONSES[status].name}` };
  if (operation.scope) responses[500] = { $ref: `#/components/responses/${ERROR_RESPONSES[500].name}` };
  return {
    operationId: operation.operationId,
    summary: operation.summary,
    ...(operation.description ? { description: operation.description } : {}),
    // Role names in a security requirement of an http scheme are allowed from OpenAPI 3.1 on.
    security: operation.scope ? [{ apiToken: [operation.scope] }] : [],
    ...(operation.scope ? { "x-required-scope": operation.scope } : {}),
    ...(parameters.length ? { parameters } : {}),
    ...(requestName ? { requestBody: { required: true, content: { "application/json": { schema: ref(requestName) } } } } : {}),
    responses,
  };
}

/** The documented operations as "GET /api/v1/sources/{id}", for the test that matches them to route files. */
export function documentedOperations(): string[] {
  return OPERATIONS.map((operation) => `${operation.method.toUpperCase()} ${operation.path}`).sort();
}

export function buildOpenApiDocument(publicUrl: string) {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const operation of OPERATIONS) (paths[operation.path] ??= {})[operation.method] = operationObject(operation);
  const schemas: Record<string, unknown> = {};
  for (const [name, schema] of Object.entries(REQUEST_SCHEMAS)) schemas[name] = jsonSchema(schema, "input");
  for (const [name, schema] of Object.entries(RESPONSE_SCHEMAS)) schemas[name] = jsonSchema(schema, "output");
  const responses = Object.fromEntries(
    Object.values(ERROR_RESPONSES).map(({ name, description }) => [name, { description, content: { "application/json": { schema: ref("Error") } } }]),
  );
  return {
    openapi: "3.1.0",
    info: {
      title: "Tributary API",
      version: "1",
      description:
        "Automation for Tributary: create and configure Slack log sources, read their pull runs, search events. Authenticate with an API token an admin creates under Settings → API tokens: `Authorization: Bearer trb_…`. Read tokens may call GET operations; read and write tokens all of them. Session cookies are not accepted. Every error is JSON: `{ \"error\": { \"code\", \"message\", \"issues\"? } }`.",
    },
    servers: [{ url: publicUrl }],
    security: [{ apiToken: [] }],
    paths,
    components: {
      securitySchemes: {
        apiToken: { type: "http", scheme: "bearer", bearerFormat: `${API_TOKEN_PREFIX}…`, description: "An API token from Settings → API tokens." },
      },
      schemas,
      responses,
    },
  };
}
