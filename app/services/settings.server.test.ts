import { describe, expect, it } from "vitest";
import { parseSettingsForm } from "./settings.server";

const valid = {
  attributionLookbackDays: "30",
  sessionTimeoutMinutes: "30",
  retentionDays: "180",
  deliveryThresholdPercent: "95",
  proxySubpath: "trueline",
  botFiltering: "on",
};

describe("settings form", () => {
  it("parses a valid form into ShopSettings (checkbox absent = off)", () => {
    expect(parseSettingsForm(valid)).toEqual({
      kind: "saved",
      settings: { attributionLookbackDays: 30, sessionTimeoutMinutes: 30, retentionDays: 180, deliveryThresholdPercent: 95, proxySubpath: "trueline", botFiltering: true, upsellAppIds: [], renewalAttribution: "unattributed" },
    });
    const { botFiltering: _off, ...noBots } = valid;
    const r = parseSettingsForm({ ...noBots, deliveryThresholdPercent: "97.5" });
    expect(r.kind === "saved" && r.settings).toMatchObject({ botFiltering: false, deliveryThresholdPercent: 97.5 });
  });

  it("subscription renewals: the merchant's choice is kept; anything else is refused", () => {
    const r = parseSettingsForm({ ...valid, renewalAttribution: "acquiring_channel" });
    expect(r.kind === "saved" && r.settings.renewalAttribution).toBe("acquiring_channel");
    expect(parseSettingsForm({ ...valid, renewalAttribution: "everything" })).toEqual({ kind: "invalid", fieldErrors: { renewalAttribution: "Enter one of the listed choices" } });
  });

  it.each([
    ["attributionLookbackDays", "500", "Enter a whole number of days from 1 to 90"],
    ["attributionLookbackDays", "2.5", "Enter a whole number of days from 1 to 90"],
    ["sessionTimeoutMinutes", "", "Enter a whole number of minutes from 5 to 240"],
    ["retentionDays", "12abc", "Enter a whole number of days from 7 to 730"],
    ["deliveryThresholdPercent", "101", "Enter a percentage from 0 to 100"],
    ["proxySubpath", "Apps/Trueline", "Enter 1 to 30 lowercase letters, digits or hyphens"],
  ])("%s = %j → field error", (field, value, message) => {
    expect(parseSettingsForm({ ...valid, [field]: value })).toEqual({ kind: "invalid", fieldErrors: { [field]: message } });
  });

  it("reads upsell app ids separated by commas, spaces or new lines (repeats once)", () => {
    const r = parseSettingsForm({ ...valid, upsellAppIds: " 2329312, 4383523\n2329312 " });
    expect(r.kind === "saved" && r.settings.upsellAppIds).toEqual(["2329312", "4383523"]);
    expect(parseSettingsForm({ ...valid, upsellAppIds: "2329312, ReConvert" })).toEqual({
      kind: "invalid",
      fieldErrors: { upsellAppIds: "Enter app ids as whole numbers (at most 50), separated by commas" },
    });
  });

  it("reports every bad field at once", () => {
    const r = parseSettingsForm({ ...valid, attributionLookbackDays: "0", retentionDays: "1" });
    expect(r.kind === "invalid" && Object.keys(r.fieldErrors).sort()).toEqual(["attributionLookbackDays", "retentionDays"]);
  });
});
