import { saveGrant } from "~/data/oauth-grants.server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Db } from "~/db.server";
import { DESTINATION_KINDS, type DestinationAdapter, type DestinationKind } from "~/destinations/destination";
import { configFields } from "~/destinations/form-fields";
import { destinations } from "~/destinations/registry";
import {
  listDestinationsForAdmin,
  loadDestinationForm,
  redactHeaders,
  redactUrl,
  saveDestinationForm,
  sendTestEvent,
  setDestinationPaused,
  type DestinationAdminDeps,
} from "~/services/destination-admin.server";
import { createTestDatabase } from "../support/databases";
import { TEST_SHOP } from "../support/env";
import { openDb, testKey } from "../support/seed";
import { GOOGLE_OAUTH_CREDENTIALS, googleOAuth, startStandins, type Standins } from "../standins";

/**
 * The destinations admin service against a real database and every platform stand-in:
 * the form of each adapter, saving through its configSchema, secrets write-only, and
 * "send test event" through the worker's sender for every platform, good and bad token.
 */
const OTHER_SHOP = "trueline-other.myshopify.com";
/** Platforms without a test mode: the test event is a real one and the caveat says what happens to it. */
const NO_TEST_MODE: ReadonlySet<DestinationKind> = new Set(["microsoft", "x", "linkedin", "klaviyo"]);
const adapterOf = (kind: DestinationKind) => (destinations as Record<DestinationKind, DestinationAdapter<unknown>>)[kind];

describe("destination form fields come from the adapter", () => {
  it.each(DESTINATION_KINDS)("%s: every config key has a label, secrets are secret inputs", (kind) => {
    const adapter = adapterOf(kind);
    const fields = configFields(adapter);
    expect(fields.length).toBeGreaterThan(0);
    for (const f of fields) {
      expect(adapter.formText[f.key], `${kind}.${f.key} has no label`).toBeDefined();
      expect(f.control.type === "secret").toBe(adapter.secretFields.includes(f.key));
    }
    // An empty form is refused by the schema for exactly the required fields.
    const required = fields.filter((f) => f.required).map((f) => f.key).sort();
    const issues = adapter.configSchema.safeParse({}).error?.issues.map((i) => String(i.path[0])) ?? [];
    expect([...new Set(issues)].sort()).toEqual(required);
  });

  it("derives select options and checkboxes from zod", () => {
    const ga4 = configFields(adapterOf("ga4"));
    expect(ga4.find((f) => f.key === "region")?.control).toEqual({ type: "select", options: ["global", "eu"] });
    const ads = configFields(adapterOf("google-ads"));
    expect(ads.find((f) => f.key === "enhancedConversions")?.control).toEqual({ type: "checkbox" });
    expect(ads.find((f) => f.key === "loginCustomerId")?.required).toBe(false);
    // The access and developer tokens are the app's (OAuth grant, app config), never the merchant's input.
    expect(ads.map((f) => f.key)).not.toContain("accessToken");
    expect(ads.map((f) => f.key)).not.toContain("developerToken");
    expect(configFields(adapterOf("meta")).find((f) => f.key === "testEventCode")?.testOnly).toBe(true);
  });
});

describe("redaction of what the test event shows", () => {
  it("hides credentials in the URL and headers, keeps the rest", () => {
    expect(redactUrl("https://graph.facebook.com/v24.0/1/events?access_token=EAAB123&x=1")).toBe("https://graph.facebook.com/v24.0/1/events?access_token=[secret]&x=1");
    expect(redactUrl("https://www.google-analytics.com/mp/collect?measurement_id=G-1&api_secret=s3cr3t")).toBe(
      "https://www.google-analytics.com/mp/collect?measurement_id=G-1&api_secret=[secret]",
    );
    expect(redactHeaders({ Authorization: "Bearer abc", "Access-Token": "t", "developer-token": "d", "content-type": "application/json" })).toEqual({
      Authorization: "Bearer [secret]",
      "Access-Token": "[secret]",
      "developer-token": "[secret]",
      "content-type": "application/json",
    });
  });
});

describe("destinations admin service against the stand-ins", () => {
  let db: Db;
  let drop: () => Promise<void>;
  let standins: Standins;
  let deps: DestinationAdminDeps;

  beforeAll(async () => {
    const database = await createTestDatabase();
    drop = database.drop;
    db = await openDb(database.url);
    standins = await startStandins();
    deps = { db, key: testKey(), now: () => Date.now(), baseUrls: standins.urls };
  });
  afterAll(async () => {
    await standins?.close();
    await db?.$disconnect();
    await drop?.();
  });

  const formFor = (kind: DestinationKind, overrides: Record<string, string> = {}) => {
    const creds = standins.credentials[kind];
    const form: Record<string, string> = { "event.purchase": "on", "orderKind.online": "on", "consent.declined": "skip", "consent.noConsentInfo": "send", currency: "presentment" };
    for (const f of configFields(adapterOf(kind))) {
      const v = creds[f.key];
      if (v !== undefined) form[`config.${f.key}`] = v;
    }
    return { ...form, ...overrides };
  };
  const secretKeys = (kind: DestinationKind) => adapterOf(kind).secretFields;

  it("google-ads: without a grant the test event asks to connect; with one it refreshes the hourly token and delivers", async () => {
    const kind = "google-ads" as const;
    const google = {
      oauth: {
        clientId: GOOGLE_OAUTH_CREDENTIALS.clientId,
        clientSecret: GOOGLE_OAUTH_CREDENTIALS.clientSecret,
        redirectUri: "https://trueline.test/oauth/google-ads/callback",
        baseUrlOverride: standins.urls[kind],
      },
    };
    const shop = TEST_SHOP;
    const withGoogle = { ...deps, google };
    expect(await saveDestinationForm(withGoogle, shop, kind, formFor(kind))).toMatchObject({ kind: "saved", created: true });
    expect(await sendTestEvent(withGoogle, shop, kind)).toEqual({ kind: "invalid-settings", message: "Reconnect Google Ads: Google Ads is not connected" });
    // A grant whose access token ran out an hour ago: the test event refreshes it first.
    await saveGrant(db, testKey(), {
      shop,
      provider: "google",
      refreshToken: GOOGLE_OAUTH_CREDENTIALS.refreshToken,
      accessToken: "ya29.expired",
      accessExpiresAt: new Date(Date.now() - 3_600_000),
      scope: GOOGLE_OAUTH_CREDENTIALS.scope,
      at: new Date(),
    });
    const refreshes = googleOAuth.counts.refreshes;
    const before = standins.received(kind).length;
    const ok = await sendTestEvent(withGoogle, shop, kind);
    if (ok.kind !== "sent") throw new Error(`expected a request, got ${JSON.stringify(ok)}`);
    expect(ok.outcome.kind, `${ok.summary}\n${ok.response?.body}`).toBe("delivered");
    expect(googleOAuth.counts.refreshes).toBe(refreshes + 1);
    expect(standins.received(kind).length).toBe(before + 1);
    expect(JSON.stringify(ok)).not.toContain("ya29.standin-");
  });

  it.each(DESTINATION_KINDS.filter((k) => k !== "google-ads"))("%s: a wrong token is refused (GA4: accepted, with the caveat), the right one delivers", async (kind) => {
    const wrong = Object.fromEntries(secretKeys(kind).map((k) => [`config.${k}`, "wrong-token-000000000000000000"]));
    expect(await saveDestinationForm(deps, TEST_SHOP, kind, formFor(kind, wrong))).toMatchObject({ kind: "saved", created: true });
    const bad = await sendTestEvent(deps, TEST_SHOP, kind);
    if (bad.kind !== "sent") throw new Error(`expected a request, got ${JSON.stringify(bad)}`);
    if (kind === "ga4") {
      expect(bad.caveat).toContain("checks the event, not the Measurement ID or API secret");
    } else {
      expect(bad.outcome.kind, bad.summary).toBe("config-error");
      expect(bad.summary).toContain("refused the settings");
    }
    expect(JSON.stringify(bad)).not.toContain("wrong-token-000000000000000000");

    const before = standins.received(kind).length;
    const good: Record<string, string> = Object.fromEntries(secretKeys(kind).map((k) => [`config.${k}`, standins.credentials[kind][k]!]));
    // Meta and TikTok keep test events out of reports only with a test event code.
    if (kind === "meta" || kind === "tiktok") {
      expect(bad.caveat).toContain("No test event code is saved");
      good["config.testEventCode"] = "TEST12345";
    }
    // Reddit likewise, with the test id of its Events Manager.
    if (kind === "reddit") {
      expect(bad.caveat).toContain("No test id is set");
      good["config.testEventCode"] = "t2_test_123";
    }
    expect(await saveDestinationForm(deps, TEST_SHOP, kind, formFor(kind, good))).toMatchObject({ kind: "saved", created: false });
    const ok = await sendTestEvent(deps, TEST_SHOP, kind);
    if (ok.kind !== "sent") throw new Error(`expected a request, got ${JSON.stringify(ok)}`);
    expect(ok.outcome.kind, `${ok.summary}\n${ok.response?.body}`).toBe("delivered");
    expect(standins.received(kind).length).toBe(before + 1);
    if (NO_TEST_MODE.has(kind)) {
      expect(ok.caveat).toContain("has no test mode");
    } else {
      expect(standins.received(kind).at(-1)?.test).toBe(true);
      if (kind !== "ga4") expect(ok.caveat).toBeNull();
    }
    for (const k of secretKeys(kind)) expect(JSON.stringify(ok)).not.toContain(standins.credentials[kind][k]!);
    expect(JSON.stringify(ok)).not.toContain("test.buyer@example.com");
  });

  it("an empty secret input keeps the stored secret; an empty one with nothing stored is a field error", async () => {
    const kind = "pinterest" as const;
    const saved = await saveDestinationForm(deps, TEST_SHOP, kind, formFor(kind, { "config.accessToken": "" }));
    expect(saved.kind).toBe("saved");
    const form = await loadDestinationForm(deps, TEST_SHOP, kind);
    expect(form.secretsSet).toEqual(["accessToken"]);
    expect(JSON.stringify(form)).not.toContain(standins.credentials.pinterest.accessToken!);
    expect((await sendTestEvent(deps, TEST_SHOP, kind)).kind === "sent").toBe(true);

    const other = await saveDestinationForm(deps, OTHER_SHOP, kind, formFor(kind, { "config.accessToken": "" }));
    expect(other).toEqual({ kind: "invalid", fieldErrors: { "config.accessToken": "Paste the conversion access token from Ads Manager" } });
  });

  it("LinkedIn: the pasted token is required without a LinkedIn app and app-supplied with one (ADR 0045)", async () => {
    const kind = "linkedin" as const;
    const LI_SHOP = "linkedin-oauth-form.myshopify.com";
    const noToken = formFor(kind, { "config.accessToken": "" });
    expect(await saveDestinationForm(deps, LI_SHOP, kind, noToken)).toEqual({
      kind: "invalid",
      fieldErrors: { "config.accessToken": "Paste the LinkedIn access token (scopes rw_conversions, r_ads)" },
    });
    expect((await loadDestinationForm(deps, LI_SHOP, kind)).fields.find((f) => f.key === "accessToken")?.required).toBe(true);
    const withApp = { ...deps, linkedin: { oauth: { clientId: "cid", clientSecret: "secret", redirectUri: "https://trueline.test/oauth/linkedin/callback" } } };
    expect((await loadDestinationForm(withApp, LI_SHOP, kind)).fields.map((f) => f.key)).not.toContain("accessToken");
    const saved = await saveDestinationForm(withApp, LI_SHOP, kind, noToken);
    expect(saved.kind).toBe("saved");
  });

  it("reports policy and config problems by input name", async () => {
    const result = await saveDestinationForm(deps, OTHER_SHOP, "meta", formFor("meta", { "config.pixelId": "abc", currency: "bitcoin" }));
    expect(result.kind).toBe("invalid");
    if (result.kind !== "invalid") return;
    expect(result.fieldErrors["config.pixelId"]).toBe("The pixel (dataset) id is the number shown in Events Manager");
    expect(result.fieldErrors.currency).toBeDefined();
    expect(await db.destination.count({ where: { shop: OTHER_SHOP } })).toBe(0);
  });

  it("saves custom goals from the form, offers only the goals the platform names, and reports bad rows by input name", async () => {
    const kind = "snapchat" as const;
    const saved = await saveDestinationForm(deps, TEST_SHOP, kind, formFor(kind, {
      "goal.customers/create": "sign_up",
      "goal.source.0": "newsletter_signup",
      "goal.name.0": "subscribe",
      "goal.source.1": "",
      "goal.name.1": "",
    }));
    expect(saved.kind).toBe("saved");
    const form = await loadDestinationForm(deps, TEST_SHOP, kind);
    expect(form.goals.customerCreated).toBe("sign_up");
    expect(form.goals.rows).toEqual([{ source: "newsletter_signup", goal: "subscribe" }]);
    expect(form.goals.options).toEqual([
      { goal: "lead", platformName: null },
      { goal: "sign_up", platformName: "SIGN_UP" },
      { goal: "subscribe", platformName: "SUBSCRIBE" },
      { goal: "contact", platformName: null },
    ]);
    // Goals are not event switches.
    expect(form.events.map((e) => e.name)).not.toContain("lead");
    expect(form.events.map((e) => e.name)).toContain("view_item_list");

    const bad = await saveDestinationForm(deps, TEST_SHOP, kind, formFor(kind, {
      "goal.source.0": "has spaces",
      "goal.name.0": "lead",
      "goal.source.1": "quiz",
      "goal.name.1": "",
      "goal.source.2": "",
      "goal.name.2": "lead",
      "goal.source.3": "customers/create",
      "goal.name.3": "lead",
    }));
    expect(bad).toEqual({
      kind: "invalid",
      fieldErrors: {
        "goal.source.0": '"has spaces" is not a custom event name (letters, digits, _ . : - up to 64)',
        "goal.name.1": "Choose what this event is sent as",
        "goal.source.2": "Enter the custom event's name, or clear the goal",
        "goal.source.3": '"customers/create" is not a custom event name (letters, digits, _ . : - up to 64)',
      },
    });
    // The refused form changed nothing.
    expect((await loadDestinationForm(deps, TEST_SHOP, kind)).goals.rows).toEqual([{ source: "newsletter_signup", goal: "subscribe" }]);
  });

  it("lists every platform per shop and pauses only the shop's own rows", async () => {
    const ours = await listDestinationsForAdmin(deps, TEST_SHOP);
    expect(ours.map((d) => d.kind)).toEqual([...DESTINATION_KINDS]);
    expect(ours.every((d) => d.status.kind === "active")).toBe(true);
    const theirs = await listDestinationsForAdmin(deps, OTHER_SHOP);
    expect(theirs.every((d) => d.status.kind === "not-connected")).toBe(true);

    const meta = ours.find((d) => d.kind === "meta")!;
    expect(await setDestinationPaused(deps, OTHER_SHOP, meta.id!, true)).toEqual({ kind: "not-found" });
    expect(await setDestinationPaused(deps, OTHER_SHOP, meta.id!, false)).toEqual({ kind: "not-found" });
    expect((await db.destination.findUniqueOrThrow({ where: { id: meta.id! } })).pausedAt).toBeNull();
    expect(await setDestinationPaused(deps, TEST_SHOP, meta.id!, true)).toEqual({ kind: "paused" });
    expect((await listDestinationsForAdmin(deps, TEST_SHOP)).find((d) => d.kind === "meta")?.status).toMatchObject({ kind: "paused", reason: "Paused by you in Trueline" });
    expect(await setDestinationPaused(deps, TEST_SHOP, meta.id!, false)).toEqual({ kind: "resumed" });
  });
});
