/** Ad/network platforms a landing can be credited to (null when none applies). */
export const PLATFORMS = [
  "google",
  "microsoft",
  "meta",
  "tiktok",
  "snapchat",
  "pinterest",
  "x",
  "linkedin",
  "reddit",
  "yahoo",
  "duckduckgo",
  "baidu",
  "yandex",
  "ecosia",
  "naver",
] as const;
export type Platform = (typeof PLATFORMS)[number];

/**
 * Sites the channel rules recognise. `name` becomes the derived source, `kind` drives
 * the channel, `platform` names the ad platform that owns the site.
 * Lists follow GA4's source categories (https://support.google.com/analytics/answer/9756891),
 * trimmed to sites that matter for Shopify stores, plus Android app ids seen in
 * android-app:// referrers.
 */
export type SiteKind = "search" | "social" | "email";
export interface Site {
  name: string;
  kind: SiteKind;
  platform: Platform | null;
}

/** Exact or parent-domain host matches (also Android app package ids from android-app:// referrers). */
const SITE_BY_DOMAIN: Readonly<Record<string, Site>> = {
  // search engines
  "bing.com": { name: "bing", kind: "search", platform: "microsoft" },
  "duckduckgo.com": { name: "duckduckgo", kind: "search", platform: "duckduckgo" },
  "baidu.com": { name: "baidu", kind: "search", platform: "baidu" },
  "ecosia.org": { name: "ecosia", kind: "search", platform: "ecosia" },
  "search.naver.com": { name: "naver", kind: "search", platform: "naver" },
  "seznam.cz": { name: "seznam", kind: "search", platform: null },
  "qwant.com": { name: "qwant", kind: "search", platform: null },
  "startpage.com": { name: "startpage", kind: "search", platform: null },
  "search.brave.com": { name: "brave", kind: "search", platform: null },
  "ask.com": { name: "ask", kind: "search", platform: null },
  "search.aol.com": { name: "aol", kind: "search", platform: null },
  "sogou.com": { name: "sogou", kind: "search", platform: null },
  "com.google.android.googlequicksearchbox": { name: "google", kind: "search", platform: "google" },
  // social networks (incl. link shims l.facebook.com, l.instagram.com, t.co, lnkd.in)
  "facebook.com": { name: "facebook", kind: "social", platform: "meta" },
  "fb.com": { name: "facebook", kind: "social", platform: "meta" },
  "fb.me": { name: "facebook", kind: "social", platform: "meta" },
  "messenger.com": { name: "messenger", kind: "social", platform: "meta" },
  "instagram.com": { name: "instagram", kind: "social", platform: "meta" },
  "threads.net": { name: "threads", kind: "social", platform: "meta" },
  "threads.com": { name: "threads", kind: "social", platform: "meta" },
  "whatsapp.com": { name: "whatsapp", kind: "social", platform: "meta" },
  "wa.me": { name: "whatsapp", kind: "social", platform: "meta" },
  "tiktok.com": { name: "tiktok", kind: "social", platform: "tiktok" },
  "twitter.com": { name: "x", kind: "social", platform: "x" },
  "x.com": { name: "x", kind: "social", platform: "x" },
  "t.co": { name: "x", kind: "social", platform: "x" },
  "linkedin.com": { name: "linkedin", kind: "social", platform: "linkedin" },
  "lnkd.in": { name: "linkedin", kind: "social", platform: "linkedin" },
  "pin.it": { name: "pinterest", kind: "social", platform: "pinterest" },
  "reddit.com": { name: "reddit", kind: "social", platform: "reddit" },
  "snapchat.com": { name: "snapchat", kind: "social", platform: "snapchat" },
  "youtube.com": { name: "youtube", kind: "social", platform: "google" },
  "youtu.be": { name: "youtube", kind: "social", platform: "google" },
  "tumblr.com": { name: "tumblr", kind: "social", platform: null },
  "quora.com": { name: "quora", kind: "social", platform: null },
  "discord.com": { name: "discord", kind: "social", platform: null },
  "discord.gg": { name: "discord", kind: "social", platform: null },
  "t.me": { name: "telegram", kind: "social", platform: null },
  "vk.com": { name: "vk", kind: "social", platform: null },
  "weibo.com": { name: "weibo", kind: "social", platform: null },
  "bsky.app": { name: "bluesky", kind: "social", platform: null },
  "mastodon.social": { name: "mastodon", kind: "social", platform: null },
  "nextdoor.com": { name: "nextdoor", kind: "social", platform: null },
  "com.facebook.katana": { name: "facebook", kind: "social", platform: "meta" },
  "com.facebook.orca": { name: "messenger", kind: "social", platform: "meta" },
  "com.instagram.android": { name: "instagram", kind: "social", platform: "meta" },
  "com.zhiliaoapp.musically": { name: "tiktok", kind: "social", platform: "tiktok" },
  "com.ss.android.ugc.trill": { name: "tiktok", kind: "social", platform: "tiktok" },
  "com.twitter.android": { name: "x", kind: "social", platform: "x" },
  "com.linkedin.android": { name: "linkedin", kind: "social", platform: "linkedin" },
  "com.pinterest": { name: "pinterest", kind: "social", platform: "pinterest" },
  "com.reddit.frontpage": { name: "reddit", kind: "social", platform: "reddit" },
  "com.snapchat.android": { name: "snapchat", kind: "social", platform: "snapchat" },
  "com.google.android.youtube": { name: "youtube", kind: "social", platform: "google" },
  // web mail: a click in a newsletter read in the browser
  "mail.google.com": { name: "gmail", kind: "email", platform: null },
  "com.google.android.gm": { name: "gmail", kind: "email", platform: null },
  "outlook.live.com": { name: "outlook", kind: "email", platform: null },
  "outlook.office.com": { name: "outlook", kind: "email", platform: null },
  "outlook.office365.com": { name: "outlook", kind: "email", platform: null },
  "mail.yahoo.com": { name: "yahoo mail", kind: "email", platform: null },
};

/** Hosts with a country TLD family: google.de, google.co.uk, search.yahoo.co.jp, yandex.com.tr, pinterest.fr. */
const SITE_BY_PATTERN: ReadonlyArray<{ re: RegExp; site: Site }> = [
  { re: /^(www\.)?google\.(com?\.)?[a-z]{2,3}$/, site: { name: "google", kind: "search", platform: "google" } },
  { re: /(^|\.)search\.yahoo\.(com?\.)?[a-z]{2,3}$/, site: { name: "yahoo", kind: "search", platform: "yahoo" } },
  { re: /^(www\.)?yandex\.(com?\.)?[a-z]{2,3}$/, site: { name: "yandex", kind: "search", platform: "yandex" } },
  { re: /(^|\.)pinterest\.(com?\.)?[a-z]{2,3}$/, site: { name: "pinterest", kind: "social", platform: "pinterest" } },
];

/** Source names (first token of utm_source) → site. */
const SITE_BY_NAME: Readonly<Record<string, Site>> = {
  google: { name: "google", kind: "search", platform: "google" },
  bing: { name: "bing", kind: "search", platform: "microsoft" },
  yahoo: { name: "yahoo", kind: "search", platform: "yahoo" },
  duckduckgo: { name: "duckduckgo", kind: "search", platform: "duckduckgo" },
  baidu: { name: "baidu", kind: "search", platform: "baidu" },
  yandex: { name: "yandex", kind: "search", platform: "yandex" },
  ecosia: { name: "ecosia", kind: "search", platform: "ecosia" },
  naver: { name: "naver", kind: "search", platform: "naver" },
  seznam: { name: "seznam", kind: "search", platform: null },
  qwant: { name: "qwant", kind: "search", platform: null },
  startpage: { name: "startpage", kind: "search", platform: null },
  facebook: { name: "facebook", kind: "social", platform: "meta" },
  fb: { name: "facebook", kind: "social", platform: "meta" },
  meta: { name: "meta", kind: "social", platform: "meta" },
  instagram: { name: "instagram", kind: "social", platform: "meta" },
  ig: { name: "instagram", kind: "social", platform: "meta" },
  messenger: { name: "messenger", kind: "social", platform: "meta" },
  threads: { name: "threads", kind: "social", platform: "meta" },
  whatsapp: { name: "whatsapp", kind: "social", platform: "meta" },
  tiktok: { name: "tiktok", kind: "social", platform: "tiktok" },
  twitter: { name: "twitter", kind: "social", platform: "x" },
  x: { name: "x", kind: "social", platform: "x" },
  linkedin: { name: "linkedin", kind: "social", platform: "linkedin" },
  pinterest: { name: "pinterest", kind: "social", platform: "pinterest" },
  reddit: { name: "reddit", kind: "social", platform: "reddit" },
  snapchat: { name: "snapchat", kind: "social", platform: "snapchat" },
  snap: { name: "snapchat", kind: "social", platform: "snapchat" },
  youtube: { name: "youtube", kind: "social", platform: "google" },
  tumblr: { name: "tumblr", kind: "social", platform: null },
  quora: { name: "quora", kind: "social", platform: null },
  discord: { name: "discord", kind: "social", platform: null },
  telegram: { name: "telegram", kind: "social", platform: null },
  bluesky: { name: "bluesky", kind: "social", platform: null },
  mastodon: { name: "mastodon", kind: "social", platform: null },
};

/**
 * Checkout and payment steps the buyer returns from (GA4's "unwanted referrals").
 * Without this, a PayPal return to the thank-you page would look like a referral.
 */
export const CHECKOUT_RETURN_DOMAINS = [
  "checkout.shopify.com",
  "pay.shopify.com",
  "shop.app",
  "paypal.com",
  "klarna.com",
  "afterpay.com",
  "clearpay.co.uk",
  "affirm.com",
  "sezzle.com",
  "checkout.stripe.com",
  "hooks.stripe.com",
] as const;

/** Site for a lower-cased host or Android package id ("l.facebook.com", "com.instagram.android"). */
export function siteForHost(host: string): Site | null {
  for (const { re, site } of SITE_BY_PATTERN) if (re.test(host)) return site;
  // Walk up the labels: l.facebook.com → facebook.com.
  const labels = host.split(".");
  for (let i = 0; i < labels.length - 1; i++) {
    const site = SITE_BY_DOMAIN[labels.slice(i).join(".")];
    if (site) return site;
  }
  return null;
}

/** Site named by a lower-cased utm_source (a name such as "facebook_ads" or a host such as "m.facebook.com"). */
export function siteForSource(source: string): Site | null {
  // "m.facebook.com", "google.com" used as a source: match like a referrer host.
  if (/^[a-z0-9-]+(\.[a-z0-9-]+)+$/.test(source)) {
    const byHost = siteForHost(source);
    if (byHost) return byHost;
  }
  // "facebook_ads", "Instagram-Stories", "google ads": the first token names the site.
  const first = tokens(source)[0];
  return (first !== undefined ? SITE_BY_NAME[first] : undefined) ?? SITE_BY_NAME[source] ?? null;
}

/** Lower-case alphanumeric tokens: "paid-social" → ["paid", "social"]. */
export function tokens(s: string): string[] {
  return s.split(/[^a-z0-9]+/).filter((t) => t !== "");
}
