import { z } from "zod";
import type { Db } from "~/db.server";
import { prisma } from "~/db.server";
import { decodeKey, env } from "~/env.server";
import { GOAL_EVENT_NAMES, SWITCHABLE_EVENT_NAMES, type CanonicalEventName, type GoalEventName, type SwitchableEventName } from "~/core/conversions/conversion";
import { CUSTOMER_CREATED_SOURCE, isGoalSource, MAX_GOAL_MAPPINGS } from "~/core/conversions/goals";
import { buildSampleConversion } from "~/core/conversions/sample-conversion";
import type { DestinationAdapter, DestinationKind, EventOutcome, HttpRequestSpec } from "~/destinations/destination";
import { DESTINATION_KINDS, trimForLog } from "~/destinations/destination";
import { configFields, type ConfigField } from "~/destinations/form-fields";
import { LINKEDIN_APP_SUPPLIED_FIELDS, LINKEDIN_PASTE_TOKEN_MESSAGE } from "~/destinations/linkedin/config";
import { DestinationPolicySchema, POLICY_ORDER_KINDS, defaultPolicy, type DestinationPolicy } from "~/destinations/policy";
import { destinations as registry } from "~/destinations/registry";
import {
  getDestinationByKind,
  listDestinations,
  pauseDestinationForShop,
  resumeDestination,
  saveDestination,
  destinationBelongsTo,
  type DestinationRecord,
} from "~/data/destinations.server";
import { deliveryStatsByDestination } from "~/data/destination-stats.server";
import { sendRequest } from "~/lib/http-sender.server";
import { redactHeaderSecrets, redactPayload, redactUrlSecrets, scrubSecrets } from "~/core/logs/redact";
import { prepareCredentials } from "./destination-credentials.server";
import { googleAppConfig, type GoogleAppConfig } from "./google-ads-auth.server";
import { linkedinAppConfig, type LinkedInAppConfig } from "./linkedin-auth.server";

/**
 * The admin's destinations pages: list every platform with its state, load and save
 * one platform's form (validation IS the adapter's configSchema), pause/resume, and
 * "send test event" through the same adapter + sender path the worker uses.
 * Every function takes the session's shop and never reads another shop's rows.
 */

export type { ConfigField };

export interface DestinationAdminDeps {
  db: Db;
  key: Buffer;
  now: () => number;
  baseUrls?: Partial<Record<DestinationKind, string>>;
  send?: typeof sendRequest;
  timeoutMs?: number;
  google?: GoogleAppConfig;
  linkedin?: LinkedInAppConfig;
}

export function destinationAdminDeps(): DestinationAdminDeps {
  const e = env();
  return { db: prisma(), key: decodeKey(e.ENCRYPTION_KEY)!, now: () => Date.now(), baseUrls: e.DESTINATION_BASE_URLS, google: googleAppConfig(e), linkedin: linkedinAppConfig(e) };
}

export const DestinationKindSchema = z.enum(DESTINATION_KINDS);

function adapterOf(kind: DestinationKind): DestinationAdapter<unknown> {
  return (registry as Record<DestinationKind, DestinationAdapter<unknown>>)[kind];
}

const DAY_MS = 86_400_000;

export type DestinationStatus =
  | { kind: "not-connected" }
  | { kind: "active"; testMode: boolean }
  | { kind: "paused"; reason: string; since: string; testMode: boolean }
  | { kind: "disabled"; testMode: boolean };

export interface DestinationListItem {
  kind: DestinationKind;
  displayName: string;
  id: string | null;
  status: DestinationStatus;
  lastDeliveredAt: string | null;
  delivered24h: number;
  failed24h: number;
}

/** Every platform in the registry, connected or not, with its 24 h numbers. */
export async function listDestinationsForAdmin(deps: DestinationAdminDeps, shop: string): Promise<DestinationListItem[]> {
  const now = deps.now();
  const [records, stats] = await Promise.all([
    listDestinations(deps.db, deps.key, shop),
    deliveryStatsByDestination(deps.db, shop, new Date(now - DAY_MS)),
  ]);
  return DESTINATION_KINDS.map((kind) => {
    const adapter = adapterOf(kind);
    const rec = records.find((r) => r.kind === kind);
    if (!rec) return { kind, displayName: adapter.displayName, id: null, status: { kind: "not-connected" }, lastDeliveredAt: null, delivered24h: 0, failed24h: 0 };
    const s = stats.get(rec.id);
    return {
      kind,
      displayName: adapter.displayName,
      id: rec.id,
      status: statusOf(rec),
      lastDeliveredAt: s?.lastDeliveredAt?.toISOString() ?? null,
      delivered24h: s?.delivered24h ?? 0,
      failed24h: s?.failed24h ?? 0,
    };
  });
}

function statusOf(rec: DestinationRecord): DestinationStatus {
  const testMode = rec.policy.testMode;
  if (rec.pausedAt) return { kind: "paused", reason: rec.pausedReason ?? "paused", since: rec.pausedAt.toISOString(), testMode };
  return rec.enabled ? { kind: "active", testMode } : { kind: "disabled", testMode };
}

export const PAUSED_BY_MERCHANT = "Paused by you in Trueline";

export type PauseResult = { kind: "paused" } | { kind: "resumed" } | { kind: "not-found" };

/** Pause or resume one of the shop's destinations (another shop's id is "not-found"). */
export async function setDestinationPaused(deps: DestinationAdminDeps, shop: string, id: string, paused: boolean): Promise<PauseResult> {
  const at = new Date(deps.now());
  if (paused) return (await pauseDestinationForShop(deps.db, shop, id, PAUSED_BY_MERCHANT, at)) ? { kind: "paused" } : { kind: "not-found" };
  if (!(await destinationBelongsTo(deps.db, shop, id))) return { kind: "not-found" };
  await resumeDestination(deps.db, shop, id, at);
  return { kind: "resumed" };
}

export interface EventSwitch {
  name: SwitchableEventName;
  /** The platform's event name, or null when the platform has none (never sent). */
  platformName: string | null;
}

export interface DestinationFormData {
  kind: DestinationKind;
  displayName: string;
  id: string | null;
  status: DestinationStatus;
  fields: ConfigField[];
  /** Current non-secret values as form strings (checkboxes "on" / ""). */
  values: Record<string, string>;
  /** Secret keys that have a stored value (never the value). */
  secretsSet: string[];
  policy: DestinationPolicy;
  events: EventSwitch[];
  orderKinds: readonly string[];
  /** Custom goals (ADR 0039): the goals this platform has a name for, and the saved mapping as rows. */
  /** Why "send without identifiers" cannot reach this platform, or null (ADR 0040). */
  refusesAnonymous: string | null;
  goals: { options: Array<{ goal: GoalEventName; platformName: string | null }>; customerCreated: GoalEventName | ""; rows: Array<{ source: string; goal: GoalEventName }> };
}

/** Form rows for custom event goals: the saved ones plus this many empty rows to add new ones. */
export const EMPTY_GOAL_ROWS = 3;

/**
 * The goal mapping as posted: "goal.customers/create" (a goal or ""), and rows
 * "goal.source.<i>" + "goal.name.<i>" (a custom event's name and its goal). A row with both
 * empty is ignored; a half-filled or repeated row is an error on that row.
 */
export function goalsFromForm(form: Record<string, string>): { goals: Record<string, string>; errors: Record<string, string> } {
  const goals: Record<string, string> = {};
  const errors: Record<string, string> = {};
  const created = form[`goal.${CUSTOMER_CREATED_SOURCE}`]?.trim() ?? "";
  if (created !== "") goals[CUSTOMER_CREATED_SOURCE] = created;
  for (let i = 0; i < MAX_GOAL_MAPPINGS + EMPTY_GOAL_ROWS; i++) {
    const source = form[`goal.source.${i}`]?.trim() ?? "";
    const goal = form[`goal.name.${i}`]?.trim() ?? "";
    if (source === "" && goal === "") continue;
    if (source === "") errors[`goal.source.${i}`] = "Enter the custom event's name, or clear the goal";
    else if (source === CUSTOMER_CREATED_SOURCE || !isGoalSource(source)) errors[`goal.source.${i}`] = `"${source}" is not a custom event name (letters, digits, _ . : - up to 64)`;
    else if (goal === "") errors[`goal.name.${i}`] = "Choose what this event is sent as";
    else if (goals[source] !== undefined) errors[`goal.source.${i}`] = `${source} is listed twice`;
    else goals[source] = goal;
  }
  return { goals, errors };
}

/**
 * The adapter's form fields for this server. LinkedIn's access token is app-supplied (from the
 * OAuth grant) when the server has a LinkedIn app, and a required pasted field when not (ADR 0045).
 */
function formFields(deps: Pick<DestinationAdminDeps, "linkedin">, adapter: DestinationAdapter<unknown>): ConfigField[] {
  const fields = configFields(adapter);
  if (adapter.kind !== "linkedin") return fields;
  const supplied = new Set<string>(LINKEDIN_APP_SUPPLIED_FIELDS);
  if (deps.linkedin?.oauth) return fields.filter((f) => !supplied.has(f.key));
  return fields.map((f) => (supplied.has(f.key) ? { ...f, required: true } : f));
}

/** What the form shows: derived from the adapter, filled with the shop's saved settings. No secret values. */
export async function loadDestinationForm(deps: DestinationAdminDeps, shop: string, kind: DestinationKind): Promise<DestinationFormData> {
  const adapter = adapterOf(kind);
  const rec = await getDestinationByKind(deps.db, deps.key, shop, kind);
  const fields = formFields(deps, adapter);
  const values: Record<string, string> = {};
  for (const f of fields) {
    if (f.control.type === "secret") continue;
    const v = rec?.publicConfig[f.key];
    if (f.control.type === "checkbox") {
      values[f.key] = (v ?? defaultOf(adapter, f.key)) === true ? "on" : "";
    } else if (v !== undefined && v !== null) values[f.key] = String(v);
    else if (f.control.type === "select") values[f.key] = String(defaultOf(adapter, f.key) ?? f.control.options[0] ?? "");
    else values[f.key] = "";
  }
  return {
    kind,
    displayName: adapter.displayName,
    id: rec?.id ?? null,
    status: rec ? statusOf(rec) : { kind: "not-connected" },
    fields,
    values,
    secretsSet: rec?.secretsSet ?? [],
    policy: rec?.policy ?? defaultPolicy(),
    events: SWITCHABLE_EVENT_NAMES.map((name) => ({ name, platformName: adapter.eventName(name) })),
    orderKinds: POLICY_ORDER_KINDS,
    goals: goalRows(adapter, rec?.policy ?? defaultPolicy()),
    refusesAnonymous: adapter.refusesAnonymous ?? null,
  };
}

function goalRows(adapter: DestinationAdapter<unknown>, policy: DestinationPolicy): DestinationFormData["goals"] {
  const { [CUSTOMER_CREATED_SOURCE]: created, ...custom } = policy.goals;
  return {
    options: GOAL_EVENT_NAMES.map((goal) => ({ goal, platformName: adapter.eventName(goal) })),
    customerCreated: created ?? "",
    rows: Object.entries(custom).map(([source, goal]) => ({ source, goal })),
  };
}

function defaultOf(adapter: DestinationAdapter<unknown>, key: string): unknown {
  const shape = (adapter.configSchema as unknown as { shape?: Record<string, z.ZodType> }).shape;
  const field = shape?.[key];
  if (!field) return undefined;
  const parsed = field.safeParse(undefined);
  return parsed.success ? parsed.data : undefined;
}

/** The posted form: flat "name → value" strings (what FormData gives). */
export const DestinationFormFieldsSchema = z.record(z.string(), z.string());

export type SaveResult =
  | { kind: "saved"; id: string; created: boolean }
  | { kind: "invalid"; fieldErrors: Record<string, string> };

/**
 * Validate with the adapter's configSchema and the policy schema; save (secrets
 * encrypted; an empty secret input keeps the stored one). Field error keys are
 * the form's input names ("config.pixelId", "consent.declined", …).
 */
export async function saveDestinationForm(
  deps: DestinationAdminDeps,
  shop: string,
  kind: DestinationKind,
  form: Record<string, string>,
): Promise<SaveResult> {
  const adapter = adapterOf(kind);
  const existing = await getDestinationByKind(deps.db, deps.key, shop, kind);
  const candidate: Record<string, unknown> = {};
  const fields = formFields(deps, adapter);
  for (const f of fields) {
    const raw = form[`config.${f.key}`];
    if (f.control.type === "secret") {
      const typed = raw?.trim() ?? "";
      const stored = existing?.config[f.key];
      if (typed !== "") candidate[f.key] = typed;
      else if (typeof stored === "string" && stored !== "") candidate[f.key] = stored;
      // "" (not absent) so the adapter's own "paste your token" message is the one shown.
      else if (f.required) candidate[f.key] = "";
    } else if (f.control.type === "checkbox") {
      candidate[f.key] = raw === "on";
    } else if (raw !== undefined) {
      candidate[f.key] = raw;
    } else if (f.required && f.control.type === "text") {
      candidate[f.key] = "";
    }
  }
  const fieldErrors: Record<string, string> = {};
  const config = adapter.configSchema.safeParse(candidate);
  if (!config.success) {
    for (const issue of config.error.issues) {
      const name = `config.${String(issue.path[0] ?? "")}`;
      fieldErrors[name] ??= issue.message;
    }
  }
  // A required app credential the schema leaves optional (LinkedIn without an OAuth app).
  for (const f of fields) {
    if (config.success && f.required && f.control.type === "secret" && !(config.data as Record<string, unknown>)[f.key]) {
      fieldErrors[`config.${f.key}`] ??= adapter.kind === "linkedin" ? LINKEDIN_PASTE_TOKEN_MESSAGE : "Required";
    }
  }
  const goals = goalsFromForm(form);
  Object.assign(fieldErrors, goals.errors);
  const policy = DestinationPolicySchema.safeParse({
    events: Object.fromEntries(SWITCHABLE_EVENT_NAMES.map((n) => [n, form[`event.${n}`] === "on"])),
    goals: goals.goals,
    orderKinds: Object.fromEntries(POLICY_ORDER_KINDS.map((k) => [k, form[`orderKind.${k}`] === "on"])),
    includeTestOrders: form.includeTestOrders === "on",
    consent: { noConsentInfo: form["consent.noConsentInfo"], declined: form["consent.declined"] },
    currency: form.currency,
    testMode: form.testMode === "on",
  });
  if (!policy.success) {
    for (const issue of policy.error.issues) fieldErrors[issue.path.join(".")] ??= issue.message;
  }
  if (!config.success || !policy.success || Object.keys(fieldErrors).length > 0) return { kind: "invalid", fieldErrors };
  const saved = await saveDestination(deps.db, deps.key, {
    shop,
    id: existing?.id,
    kind,
    label: existing?.label ?? adapter.displayName,
    config: config.data as Record<string, unknown>,
    secretFields: adapter.secretFields,
    policy: policy.data,
    enabled: existing?.enabled ?? true,
  });
  return { kind: "saved", id: saved.id, created: !existing };
}

export interface ShownRequest {
  method: string;
  /** Credentials in the query string replaced by [secret]. */
  url: string;
  headers: Record<string, string>;
  /** Pretty JSON; identity fields are the hashes the adapter computed. */
  body: string;
}

export type TestEventResult =
  | { kind: "not-connected"; message: string }
  | { kind: "invalid-settings"; message: string }
  | { kind: "skipped"; reason: string }
  | {
      kind: "sent";
      request: ShownRequest;
      response: { status: number; headers: Record<string, string>; body: string } | null;
      networkError: string | null;
      outcome: EventOutcome;
      durationMs: number;
      /** One line for the merchant: what happened and what to do. */
      summary: string;
      /** What this test cannot prove on this platform, when something. */
      caveat: string | null;
    };

/** Kept under these names for callers; the one implementation is in core/logs/redact.ts. */
export const redactUrl = redactUrlSecrets;
export const redactHeaders = redactHeaderSecrets;

function showRequest(spec: HttpRequestSpec): ShownRequest {
  return {
    method: spec.method,
    url: redactUrl(spec.url),
    headers: redactHeaders({ "content-type": "application/json", ...spec.headers }),
    // Personal data in clear (an email tool gets the profile as is) is hidden like in the logs; hashes stay.
    body: JSON.stringify(redactPayload(scrubSecrets(spec.body)), null, 2),
  };
}

function summarise(displayName: string, outcome: EventOutcome, status: number | null, networkError: string | null): string {
  if (networkError) return `${displayName} could not be reached: ${networkError}. Check your connection and try again.`;
  switch (outcome.kind) {
    case "delivered":
      return `${displayName} accepted the test event (HTTP ${status}).`;
    case "config-error":
      return `${displayName} refused the settings (HTTP ${status}): ${outcome.reason}. Check the ids and paste a fresh token, save, and send again.`;
    case "fail":
      return `${displayName} rejected the event (HTTP ${status}): ${outcome.reason}.`;
    case "retry":
      return `${displayName} asked to try later (HTTP ${status}): ${outcome.reason}. Live events would be retried automatically.`;
  }
}

/**
 * Build a test purchase, run it through the adapter in test mode and the shared
 * sender (the worker's I/O path), and return what was sent and what came back.
 * Nothing is recorded as a delivery.
 */
export async function sendTestEvent(deps: DestinationAdminDeps, shop: string, kind: DestinationKind): Promise<TestEventResult> {
  const adapter = adapterOf(kind);
  const rec = await getDestinationByKind(deps.db, deps.key, shop, kind);
  if (!rec) return { kind: "not-connected", message: `Save your ${adapter.displayName} settings first; the test uses the saved settings.` };
  const config = adapter.configSchema.safeParse(rec.config);
  if (!config.success) {
    return { kind: "invalid-settings", message: `The saved settings are incomplete: ${config.error.issues[0]?.message ?? "invalid"}. Fix them and save.` };
  }
  // App-supplied credentials (Google Ads' OAuth access token), as the worker gets them.
  const credentials = await prepareCredentials(deps, rec, config.data);
  if (credentials.kind !== "ready") return { kind: "invalid-settings", message: credentials.reason };
  const now = deps.now();
  const conversion = buildSampleConversion({ now, shopDomain: shop });
  const built = adapter.buildRequest([conversion], credentials.config, {
    now,
    testMode: true,
    baseUrlOverride: deps.baseUrls?.[kind],
    currency: rec.policy.currency,
  });
  if (built.kind === "skip") return { kind: "skipped", reason: built.reason };
  const send = deps.send ?? sendRequest;
  const result = await send(built.request, { timeoutMs: deps.timeoutMs ?? 10_000 });
  const request = showRequest(built.request);
  if (result.kind === "network-error") {
    const outcome: EventOutcome = { kind: "retry", reason: result.error };
    return {
      kind: "sent",
      request,
      response: null,
      networkError: result.error,
      outcome,
      durationMs: result.durationMs,
      summary: summarise(adapter.displayName, outcome, null, result.error),
      caveat: adapter.testEventCaveat(config.data),
    };
  }
  const classified = adapter.classifyResponse(result.response, 1);
  const outcome: EventOutcome =
    classified.kind === "per-event" ? (classified.outcomes[0] ?? { kind: "retry", reason: "the platform returned no result for the event" }) : classified;
  const body = typeof result.response.body === "string" ? result.response.body : JSON.stringify(scrubSecrets(result.response.body), null, 2);
  return {
    kind: "sent",
    request,
    response: { status: result.response.status, headers: result.response.headers, body: trimForLog(body, 8000) },
    networkError: null,
    outcome,
    durationMs: result.durationMs,
    summary: summarise(adapter.displayName, outcome, result.response.status, null),
    caveat: adapter.testEventCaveat(config.data),
  };
}
