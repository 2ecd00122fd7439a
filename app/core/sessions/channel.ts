import type { ClickIdKey } from "~/core/events/pixel-payload.schema";
import { CHECKOUT_RETURN_DOMAINS, PLATFORMS, siteForHost, siteForSource, tokens, type Platform, type Site } from "./known-sites";
import { parseUrlLoose, readQueryParams } from "./url";

/**
 * Marketing channel of one landing (the first event of a session).
 *
 * The rules follow GA4's default channel grouping
 * (https://support.google.com/analytics/answer/9756891) folded into the eleven
 * channels Trueline reports, with these deliberate differences:
 * - Click ids win over everything: they are appended by the ad platform itself,
 *   so they cannot be mistyped the way UTMs are.
 * - The UTM medium is read before the source ("utm_source=facebook&utm_medium=email"
 *   is an email, not organic social as GA4 would say).
 * - GA4's Paid Shopping/Video/Other fold into paid_search/paid_social/display;
 *   Organic Shopping/Video fold into referral/organic_social; tagged traffic GA4
 *   leaves "Unassigned" becomes referral (a tagged link is never direct).
 * - Web-mail referrers (mail.google.com, outlook.live.com, the Gmail app) are email.
 * - Payment and checkout hosts (PayPal, Klarna, Shop Pay, ...) are internal: the buyer
 *   is coming back from a checkout step, like GA4's "unwanted referrals" list.
 */
export const CHANNELS = [
  "paid_social",
  "paid_search",
  "organic_social",
  "organic_search",
  "email",
  "sms",
  "affiliate",
  "referral",
  "display",
  "direct",
  "internal",
] as const;
export type Channel = (typeof CHANNELS)[number];

// PLATFORMS lives with the sites that name them (known-sites.ts); re-exported for callers.
export { PLATFORMS, type Platform };

export interface UtmInput {
  source?: string;
  medium?: string;
  campaign?: string;
  term?: string;
  content?: string;
  id?: string;
}

export interface ChannelInput {
  /** Landing page URL; its utm_* / click id / campaign id params are read too. */
  url?: string;
  referrer?: string;
  /** UTMs already extracted by the pixel; they win over the same params in `url`. */
  utm?: UtmInput;
  /**
   * Click ids that arrived WITH this landing; they win over the same params in `url`.
   * Do not pass ids remembered from an earlier visit, or every later session is
   * credited to that old click.
   */
  clickIds?: Partial<Record<ClickIdKey, string>>;
  /** The shop's own hosts (primary domain, myshopify domain, ...). */
  shopDomains?: readonly string[];
}

/** What decided the channel. Only "click_id" and "utm" carry a campaign. */
export type ChannelBasis = "click_id" | "utm" | "referrer" | "none";

export interface ChannelResult {
  channel: Channel;
  /** Lower-cased utm_source, else a name derived from the click id or referrer host. */
  source: string | null;
  /** Lower-cased utm_medium, else "cpc" / "social" / "organic" / "referral" / "email". */
  medium: string | null;
  campaign: string | null;
  adSet: string | null;
  ad: string | null;
  platform: Platform | null;
  /** The click id that decided the channel (values are case-sensitive: never altered). */
  clickId: { key: ClickIdKey; value: string } | null;
  basis: ChannelBasis;
  /** Short human-readable explanation, shown in the UI. */
  reason: string;
}

const PLATFORM_LABEL: Record<Platform, string> = {
  google: "Google",
  microsoft: "Microsoft",
  meta: "Meta",
  tiktok: "TikTok",
  snapchat: "Snapchat",
  pinterest: "Pinterest",
  x: "X",
  linkedin: "LinkedIn",
  reddit: "Reddit",
  yahoo: "Yahoo",
  duckduckgo: "DuckDuckGo",
  baidu: "Baidu",
  yandex: "Yandex",
  ecosia: "Ecosia",
  naver: "Naver",
};

const CHANNEL_LABEL: Record<Channel, string> = {
  paid_social: "paid social",
  paid_search: "paid search",
  organic_social: "organic social",
  organic_search: "organic search",
  email: "email",
  sms: "SMS",
  affiliate: "affiliate",
  referral: "referral",
  display: "display",
  direct: "direct",
  internal: "internal",
};

// ---------------------------------------------------------------------------
// Click ids, in precedence order when a URL carries several (a test checks that
// every key of CLICK_ID_KEYS has a rule). Paid-only ids come
// first; fbclid comes last because Meta appends it to organic links too.
// Docs: gclid/gbraid/wbraid https://support.google.com/google-ads/answer/9744275 ,
// msclkid https://help.ads.microsoft.com/apex/index/3/en/60000 ,
// ttclid https://ads.tiktok.com/help/article/tiktok-click-id ,
// ScCid https://businesshelp.snapchat.com/s/article/pixel-direct-implementation ,
// epik https://help.pinterest.com/en/business/article/enhanced-match ,
// twclid https://business.x.com/en/help/campaign-measurement-and-analytics/conversion-tracking-for-websites ,
// li_fat_id https://www.linkedin.com/help/lms/answer/a427660 ,
// rdt_cid https://business.reddithelp.com/s/article/Conversions-API
// ---------------------------------------------------------------------------
export interface ClickIdRule {
  key: ClickIdKey;
  channel: "paid_search" | "paid_social" | "meta";
  platform: Platform;
  source: string;
}
export const CLICK_ID_RULES: readonly ClickIdRule[] = [
  { key: "gclid", channel: "paid_search", platform: "google", source: "google" },
  { key: "gbraid", channel: "paid_search", platform: "google", source: "google" },
  { key: "wbraid", channel: "paid_search", platform: "google", source: "google" },
  { key: "msclkid", channel: "paid_search", platform: "microsoft", source: "bing" },
  { key: "ttclid", channel: "paid_social", platform: "tiktok", source: "tiktok" },
  { key: "ScCid", channel: "paid_social", platform: "snapchat", source: "snapchat" },
  { key: "epik", channel: "paid_social", platform: "pinterest", source: "pinterest" },
  { key: "twclid", channel: "paid_social", platform: "x", source: "x" },
  { key: "li_fat_id", channel: "paid_social", platform: "linkedin", source: "linkedin" },
  { key: "rdt_cid", channel: "paid_social", platform: "reddit", source: "reddit" },
  { key: "fbclid", channel: "meta", platform: "meta", source: "facebook" },
];

// GA4 lists (https://support.google.com/analytics/answer/9756891), extended with common
// real-world spellings.
const EMAIL_WORDS = new Set(["email", "e-mail", "e_mail", "e mail", "newsletter", "mail"]);
const SMS_WORDS = new Set(["sms", "mms", "text"]);
const AFFILIATE_MEDIUMS = new Set(["affiliate", "affiliates", "partner", "partners"]);
const DISPLAY_MEDIUMS = new Set(["display", "banner", "expandable", "interstitial", "cpm"]);
const SOCIAL_MEDIUMS = new Set(["social", "social-network", "social-media", "sm", "social network", "social media", "social_media", "organic_social"]);
const ORGANIC_SEARCH_MEDIUMS = new Set(["organic", "seo", "organic_search"]);
const REFERRAL_MEDIUMS = new Set(["referral", "app", "link"]);
/** GA4's paid-medium regex. */
const GA4_PAID_MEDIUM = /^(.*cp.*|ppc|retargeting|paid.*)$/;
/** Tokens that mark a medium (or a medium-less source such as "facebook_ads") as paid. */
const PAID_TOKENS = new Set(["cpc", "ppc", "cpm", "cpv", "cpa", "paid", "ads", "ad", "sponsored", "retargeting", "paidsocial", "paidsearch"]);
const SEARCHY_MEDIUM_TOKENS = new Set(["cpc", "ppc", "search", "sem", "paidsearch"]);

/** Params ad platforms fill in besides UTMs (Meta/TikTok templates, Google's gad_campaignid, HubSpot's hsa_*). */
const CAMPAIGN_PARAMS = ["utm_campaign", "utm_id", "campaign_id", "gad_campaignid", "hsa_cam"] as const;
const AD_SET_PARAMS = ["utm_term", "adset_id", "adgroup_id", "ad_group_id", "hsa_grp"] as const;
const AD_PARAMS = ["utm_content", "ad_id", "creative_id", "hsa_ad"] as const;

/**
 * Classify one landing. Never throws: unparseable URLs are treated as absent.
 *
 * Precedence: click id → UTM medium/source → referrer → direct.
 * - adSet comes from utm_term and ad from utm_content: that is the convention of
 *   Meta's and TikTok's URL-parameter templates (utm_term={{adset.name}},
 *   utm_content={{ad.name}}). For search ads utm_term is the keyword.
 * - fbclid: Meta appends it to every outbound link from Facebook/Instagram, organic
 *   posts included, so alone it proves only that the visitor came from Meta. It counts
 *   as paid_social only when utm_medium says paid (cpc, ppc, paid*, ads, ...), which is
 *   what Meta's own URL-parameter builder sets for ads.
 * - gclid/gbraid/wbraid are paid_search even for Display/YouTube/PMax clicks: the
 *   campaign type is not visible from the URL.
 */
export function classifyChannel(input: ChannelInput): ChannelResult {
  const landing = parseUrlLoose(input.url);
  const params = readQueryParams(landing);
  const param = (name: string): string | null => clean(params.get(name));

  const utm = {
    source: clean(input.utm?.source) ?? param("utm_source"),
    medium: clean(input.utm?.medium) ?? param("utm_medium"),
    campaign: clean(input.utm?.campaign) ?? clean(input.utm?.id),
    term: clean(input.utm?.term),
    content: clean(input.utm?.content),
  };
  const firstParam = (names: readonly string[]): string | null => {
    for (const n of names) {
      const v = param(n);
      if (v !== null) return v;
    }
    return null;
  };
  const campaign = utm.campaign ?? firstParam(CAMPAIGN_PARAMS);
  const adSet = utm.term ?? firstParam(AD_SET_PARAMS);
  const ad = utm.content ?? firstParam(AD_PARAMS);
  const source = utm.source?.toLowerCase() ?? null;
  const medium = utm.medium?.toLowerCase() ?? null;

  const base = { campaign, adSet, ad };
  const referrerSite = classifyReferrer(input.referrer, landing?.host ?? null, input.shopDomains ?? []);

  // 1. Click ids.
  for (const rule of CLICK_ID_RULES) {
    const value = clean(input.clickIds?.[rule.key]) ?? param(rule.key.toLowerCase());
    if (value === null) continue;
    const clickId = { key: rule.key, value };
    const label = PLATFORM_LABEL[rule.platform];
    if (rule.channel === "meta") {
      const paid = medium !== null && isPaidMedium(medium);
      const derivedSource =
        referrerSite?.kind === "site" && referrerSite.site.platform === "meta" ? referrerSite.site.name : rule.source;
      return {
        ...base,
        channel: paid ? "paid_social" : "organic_social",
        source: source ?? derivedSource,
        medium: medium ?? "social",
        platform: "meta",
        clickId,
        basis: "click_id",
        reason: paid
          ? `fbclid with paid utm_medium "${medium}" → paid social (Meta)`
          : "fbclid without a paid utm_medium → organic social (Meta adds fbclid to organic links too)",
      };
    }
    return {
      ...base,
      channel: rule.channel,
      source: source ?? rule.source,
      medium: medium ?? "cpc",
      platform: rule.platform,
      clickId,
      basis: "click_id",
      reason: `${rule.key} present → ${CHANNEL_LABEL[rule.channel]} (${label})`,
    };
  }

  // 2. UTMs.
  if (source !== null || medium !== null) {
    const { channel, platform, reason } = classifyUtm(source, medium);
    return { ...base, channel, source, medium, platform, clickId: null, basis: "utm", reason };
  }

  // 3. Referrer.
  if (referrerSite !== null) {
    const common = { ...base, clickId: null, basis: "referrer" as const };
    if (referrerSite.kind === "internal") {
      return { ...common, channel: "internal", source: null, medium: null, platform: null, reason: referrerSite.reason };
    }
    if (referrerSite.kind === "other") {
      return {
        ...common,
        channel: "referral",
        source: referrerSite.host.replace(/^www\./, ""),
        medium: "referral",
        platform: null,
        reason: `referrer ${referrerSite.host} → referral`,
      };
    }
    const { site, host } = referrerSite;
    const channel: Channel = site.kind === "search" ? "organic_search" : site.kind === "social" ? "organic_social" : "email";
    const what = site.kind === "search" ? "a search engine" : site.kind === "social" ? "a social network" : "a web-mail client";
    return {
      ...common,
      channel,
      source: site.name,
      medium: site.kind === "search" ? "organic" : site.kind === "social" ? "social" : "email",
      platform: site.platform,
      reason: `referrer ${host} is ${what} → ${CHANNEL_LABEL[channel]}${site.platform ? ` (${PLATFORM_LABEL[site.platform]})` : ""}`,
    };
  }

  // 4. Nothing.
  return {
    ...base,
    channel: "direct",
    source: null,
    medium: null,
    platform: null,
    clickId: null,
    basis: "none",
    reason: "no click id, UTM or referrer → direct",
  };
}

export type StampedOrPlain = string | { value: string; at?: number };

/** Click ids as the pixel stores them ({ value, at }) → plain values for ChannelInput.clickIds. */
export function clickIdValues(ids: Partial<Record<ClickIdKey, StampedOrPlain>> | undefined): Partial<Record<ClickIdKey, string>> | undefined {
  if (!ids) return undefined;
  const out: Partial<Record<ClickIdKey, string>> = {};
  for (const [key, v] of Object.entries(ids) as Array<[ClickIdKey, StampedOrPlain | undefined]>) {
    if (v !== undefined) out[key] = typeof v === "string" ? v : v.value;
  }
  return out;
}

/** Medium says the click was bought (GA4 regex plus common tokens such as "paid_social", "facebook_ads"). */
export function isPaidMedium(medium: string): boolean {
  const m = medium.trim().toLowerCase();
  return GA4_PAID_MEDIUM.test(m) || tokens(m).some((t) => PAID_TOKENS.has(t));
}

function classifyUtm(source: string | null, medium: string | null): { channel: Channel; platform: Platform | null; reason: string } {
  const s = source ?? "";
  const m = medium ?? "";
  const site = source === null ? null : siteForSource(source);
  const platform = site?.platform ?? null;
  const src = `utm_source "${s}"`;
  const med = `utm_medium "${m}"`;

  const paid = medium !== null ? isPaidMedium(m) : tokens(s).some((t) => PAID_TOKENS.has(t));
  if (paid) {
    const paidWhat = medium !== null ? `paid ${med}` : `paid-looking ${src}`;
    if (site?.kind === "social") return { channel: "paid_social", platform, reason: `${src} is a social network with ${paidWhat} → paid social` };
    if (site?.kind === "search") return { channel: "paid_search", platform, reason: `${src} is a search engine with ${paidWhat} → paid search` };
    const mt = tokens(m);
    if (mt.some((t) => t.includes("social"))) return { channel: "paid_social", platform, reason: `${med} names social → paid social` };
    if (DISPLAY_MEDIUMS.has(m) || mt.some((t) => DISPLAY_MEDIUMS.has(t))) return { channel: "display", platform, reason: `${med} → display` };
    if (mt.some((t) => SEARCHY_MEDIUM_TOKENS.has(t))) return { channel: "paid_search", platform, reason: `${med} with an unknown source → paid search` };
    return { channel: "display", platform, reason: `${paidWhat} with an unknown source → display (other paid placement)` };
  }
  if (medium !== null) {
    if (DISPLAY_MEDIUMS.has(m)) return { channel: "display", platform, reason: `${med} → display` };
    if (EMAIL_WORDS.has(m)) return { channel: "email", platform: null, reason: `${med} → email` };
    if (SMS_WORDS.has(m)) return { channel: "sms", platform: null, reason: `${med} → SMS` };
    if (AFFILIATE_MEDIUMS.has(m)) return { channel: "affiliate", platform: null, reason: `${med} → affiliate` };
    if (SOCIAL_MEDIUMS.has(m)) return { channel: "organic_social", platform, reason: `${med} → organic social` };
    if (ORGANIC_SEARCH_MEDIUMS.has(m)) return { channel: "organic_search", platform, reason: `${med} → organic search` };
    if (REFERRAL_MEDIUMS.has(m)) return { channel: "referral", platform, reason: `${med} → referral` };
  }
  if (source !== null) {
    const first = tokens(s)[0] ?? "";
    if (EMAIL_WORDS.has(s) || EMAIL_WORDS.has(first)) return { channel: "email", platform: null, reason: `${src} → email` };
    if (SMS_WORDS.has(s) || SMS_WORDS.has(first)) return { channel: "sms", platform: null, reason: `${src} → SMS` };
    if (site?.kind === "social") return { channel: "organic_social", platform, reason: `${src} is a social network → organic social` };
    if (site?.kind === "search") return { channel: "organic_search", platform, reason: `${src} is a search engine → organic search` };
    if (site?.kind === "email") return { channel: "email", platform: null, reason: `${src} is a web-mail client → email` };
  }
  const what = [source !== null ? src : null, medium !== null ? med : null].filter(Boolean).join(" / ");
  return { channel: "referral", platform, reason: `${what} not recognised → referral (tagged traffic is never direct)` };
}

type ReferrerClass =
  | { kind: "internal"; reason: string }
  | { kind: "site"; site: Site; host: string }
  | { kind: "other"; host: string };

function classifyReferrer(referrer: string | undefined, landingHost: string | null, shopDomains: readonly string[]): ReferrerClass | null {
  const ref = parseUrlLoose(referrer);
  // Browsers always send absolute referrers; a relative or host-less one (about:blank) is noise.
  if (ref === null || ref.host === null) return null;
  if (!["http:", "https:", "android-app:"].includes(ref.protocol)) return null;
  const host = ref.host;
  const own = [...shopDomains, ...(landingHost ? [landingHost] : [])].map(normalizeHost).filter((d) => d !== "");
  if (own.some((d) => hostWithin(host, d))) {
    return { kind: "internal", reason: `referrer ${host} is the shop's own domain → internal` };
  }
  if (CHECKOUT_RETURN_DOMAINS.some((d) => hostWithin(host, d))) {
    return { kind: "internal", reason: `referrer ${host} is a checkout/payment step → internal` };
  }
  const site = siteForHost(host);
  return site ? { kind: "site", site, host } : { kind: "other", host };
}

function hostWithin(host: string, domain: string): boolean {
  return host === domain || host.endsWith(`.${domain}`);
}

/** "https://WWW.Shop.com:443/" or "www.shop.com." → "shop.com". */
export function normalizeHost(raw: string): string {
  const parsed = parseUrlLoose(raw.includes("://") ? raw : `https://${raw.trim()}`);
  return (parsed?.host ?? "").replace(/^www\./, "");
}

function clean(v: string | null | undefined): string | null {
  if (typeof v !== "string") return null;
  const t = v.trim();
  return t === "" ? null : t;
}
