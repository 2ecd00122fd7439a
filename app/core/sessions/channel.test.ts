import { describe, expect, test } from "vitest";
import fc from "fast-check";
import { CLICK_ID_KEYS } from "~/core/events/pixel-payload.schema";
import { CHANNELS, CLICK_ID_RULES, classifyChannel, clickIdValues, isPaidMedium, normalizeHost, type ChannelInput, type ChannelResult } from "./channel";

/** A whole expected result: every field not given is null. */
function expected(r: Pick<ChannelResult, "channel" | "basis" | "reason"> & Partial<ChannelResult>): ChannelResult {
  return { source: null, medium: null, campaign: null, adSet: null, ad: null, platform: null, clickId: null, ...r };
}

const SHOP = "https://shop.example.com/products/tee";

const cases: Array<{ name: string; input: ChannelInput; want: ChannelResult }> = [
  // --- click ids ---------------------------------------------------------
  {
    name: "gclid in the URL → paid search (Google)",
    input: { url: `${SHOP}?gclid=EAIaIQobChMI` },
    want: expected({ channel: "paid_search", basis: "click_id", source: "google", medium: "cpc", platform: "google", clickId: { key: "gclid", value: "EAIaIQobChMI" }, reason: "gclid present → paid search (Google)" }),
  },
  {
    name: "gbraid (iOS) → paid search (Google)",
    input: { url: `${SHOP}?gbraid=0AAAAA` },
    want: expected({ channel: "paid_search", basis: "click_id", source: "google", medium: "cpc", platform: "google", clickId: { key: "gbraid", value: "0AAAAA" }, reason: "gbraid present → paid search (Google)" }),
  },
  {
    name: "wbraid passed explicitly → paid search (Google)",
    input: { url: SHOP, clickIds: { wbraid: "Wb1" } },
    want: expected({ channel: "paid_search", basis: "click_id", source: "google", medium: "cpc", platform: "google", clickId: { key: "wbraid", value: "Wb1" }, reason: "wbraid present → paid search (Google)" }),
  },
  {
    name: "msclkid → paid search (Microsoft), source bing",
    input: { url: `${SHOP}?msclkid=abc123` },
    want: expected({ channel: "paid_search", basis: "click_id", source: "bing", medium: "cpc", platform: "microsoft", clickId: { key: "msclkid", value: "abc123" }, reason: "msclkid present → paid search (Microsoft)" }),
  },
  {
    name: "ttclid → paid social (TikTok)",
    input: { url: `${SHOP}?ttclid=E.C.P.xyz` },
    want: expected({ channel: "paid_social", basis: "click_id", source: "tiktok", medium: "cpc", platform: "tiktok", clickId: { key: "ttclid", value: "E.C.P.xyz" }, reason: "ttclid present → paid social (TikTok)" }),
  },
  {
    name: "ScCid read case-insensitively from the URL → paid social (Snapchat)",
    input: { url: `${SHOP}?sccid=Snap-1` },
    want: expected({ channel: "paid_social", basis: "click_id", source: "snapchat", medium: "cpc", platform: "snapchat", clickId: { key: "ScCid", value: "Snap-1" }, reason: "ScCid present → paid social (Snapchat)" }),
  },
  {
    name: "epik → paid social (Pinterest)",
    input: { clickIds: { epik: "dj0yJnU9" } },
    want: expected({ channel: "paid_social", basis: "click_id", source: "pinterest", medium: "cpc", platform: "pinterest", clickId: { key: "epik", value: "dj0yJnU9" }, reason: "epik present → paid social (Pinterest)" }),
  },
  {
    name: "twclid → paid social (X)",
    input: { url: `${SHOP}?twclid=2-abc` },
    want: expected({ channel: "paid_social", basis: "click_id", source: "x", medium: "cpc", platform: "x", clickId: { key: "twclid", value: "2-abc" }, reason: "twclid present → paid social (X)" }),
  },
  {
    name: "li_fat_id → paid social (LinkedIn)",
    input: { url: `${SHOP}?li_fat_id=1234-abcd` },
    want: expected({ channel: "paid_social", basis: "click_id", source: "linkedin", medium: "cpc", platform: "linkedin", clickId: { key: "li_fat_id", value: "1234-abcd" }, reason: "li_fat_id present → paid social (LinkedIn)" }),
  },
  {
    name: "rdt_cid → paid social (Reddit)",
    input: { url: `${SHOP}?rdt_cid=AQAAAZWuiA0D` },
    want: expected({ channel: "paid_social", basis: "click_id", source: "reddit", medium: "cpc", platform: "reddit", clickId: { key: "rdt_cid", value: "AQAAAZWuiA0D" }, reason: "rdt_cid present → paid social (Reddit)" }),
  },
  {
    name: "fbclid alone → organic social (Meta appends it to organic links)",
    input: { url: `${SHOP}?fbclid=IwAR2F4-dbP0l7Mn1`, referrer: "https://l.facebook.com/" },
    want: expected({ channel: "organic_social", basis: "click_id", source: "facebook", medium: "social", platform: "meta", clickId: { key: "fbclid", value: "IwAR2F4-dbP0l7Mn1" }, reason: "fbclid without a paid utm_medium → organic social (Meta adds fbclid to organic links too)" }),
  },
  {
    name: "fbclid from Instagram's link shim → source instagram",
    input: { url: `${SHOP}?fbclid=PAZXh0bgNhZW0`, referrer: "https://l.instagram.com/" },
    want: expected({ channel: "organic_social", basis: "click_id", source: "instagram", medium: "social", platform: "meta", clickId: { key: "fbclid", value: "PAZXh0bgNhZW0" }, reason: "fbclid without a paid utm_medium → organic social (Meta adds fbclid to organic links too)" }),
  },
  {
    name: "fbclid + Meta's URL-parameter template (utm_medium=paid) → paid social with campaign/adSet/ad",
    input: { url: `${SHOP}?fbclid=IwAR&utm_source=facebook&utm_medium=paid&utm_campaign=Spring%20Sale&utm_term=Lookalike%201%25&utm_content=Video%20A` },
    want: expected({ channel: "paid_social", basis: "click_id", source: "facebook", medium: "paid", campaign: "Spring Sale", adSet: "Lookalike 1%", ad: "Video A", platform: "meta", clickId: { key: "fbclid", value: "IwAR" }, reason: 'fbclid with paid utm_medium "paid" → paid social (Meta)' }),
  },
  {
    name: "fbclid + utm_medium=cpc (upper case) → paid social",
    input: { url: `${SHOP}?fbclid=X1`, utm: { source: "Instagram", medium: "CPC" } },
    want: expected({ channel: "paid_social", basis: "click_id", source: "instagram", medium: "cpc", platform: "meta", clickId: { key: "fbclid", value: "X1" }, reason: 'fbclid with paid utm_medium "cpc" → paid social (Meta)' }),
  },
  {
    name: "fbclid + utm_medium=social → still organic social",
    input: { url: `${SHOP}?fbclid=X2&utm_source=facebook&utm_medium=social` },
    want: expected({ channel: "organic_social", basis: "click_id", source: "facebook", medium: "social", platform: "meta", clickId: { key: "fbclid", value: "X2" }, reason: "fbclid without a paid utm_medium → organic social (Meta adds fbclid to organic links too)" }),
  },
  {
    name: "gclid beats fbclid when both are present (fbclid can ride along on a shared link)",
    input: { url: `${SHOP}?fbclid=F1&gclid=G1` },
    want: expected({ channel: "paid_search", basis: "click_id", source: "google", medium: "cpc", platform: "google", clickId: { key: "gclid", value: "G1" }, reason: "gclid present → paid search (Google)" }),
  },
  {
    name: "click id beats a UTM medium that says email",
    input: { url: `${SHOP}?gclid=G2&utm_source=newsletter&utm_medium=email&utm_campaign=april` },
    want: expected({ channel: "paid_search", basis: "click_id", source: "newsletter", medium: "email", campaign: "april", platform: "google", clickId: { key: "gclid", value: "G2" }, reason: "gclid present → paid search (Google)" }),
  },
  {
    name: "explicit click id wins over the URL param; its case is kept",
    input: { url: `${SHOP}?gclid=FromUrl`, clickIds: { gclid: "  FromPixel-AbC " } },
    want: expected({ channel: "paid_search", basis: "click_id", source: "google", medium: "cpc", platform: "google", clickId: { key: "gclid", value: "FromPixel-AbC" }, reason: "gclid present → paid search (Google)" }),
  },
  {
    name: "empty click id values are ignored",
    input: { url: `${SHOP}?gclid=&fbclid=%20`, clickIds: { ttclid: "  " } },
    want: expected({ channel: "direct", basis: "none", reason: "no click id, UTM or referrer → direct" }),
  },
  {
    name: "gclid with Google's gad_campaignid and no UTMs → campaign from the platform param",
    input: { url: `${SHOP}?gad_source=1&gad_campaignid=2071234567&gclid=Cj0K` },
    want: expected({ channel: "paid_search", basis: "click_id", source: "google", medium: "cpc", campaign: "2071234567", platform: "google", clickId: { key: "gclid", value: "Cj0K" }, reason: "gclid present → paid search (Google)" }),
  },
  {
    name: "ttclid with TikTok id params → campaign/adSet/ad ids",
    input: { url: `${SHOP}?ttclid=E.C.P.1&campaign_id=111&adgroup_id=222&ad_id=333` },
    want: expected({ channel: "paid_social", basis: "click_id", source: "tiktok", medium: "cpc", campaign: "111", adSet: "222", ad: "333", platform: "tiktok", clickId: { key: "ttclid", value: "E.C.P.1" }, reason: "ttclid present → paid social (TikTok)" }),
  },

  // --- UTMs --------------------------------------------------------------
  {
    name: "utm_medium=email → email (Klaviyo)",
    input: { url: `${SHOP}?utm_source=Klaviyo&utm_medium=email&utm_campaign=Welcome%20Flow` },
    want: expected({ channel: "email", basis: "utm", source: "klaviyo", medium: "email", campaign: "Welcome Flow", reason: 'utm_medium "email" → email' }),
  },
  {
    name: "utm_medium=e-mail → email",
    input: { utm: { source: "crm", medium: "e-mail" } },
    want: expected({ channel: "email", basis: "utm", source: "crm", medium: "e-mail", reason: 'utm_medium "e-mail" → email' }),
  },
  {
    name: "utm_source=newsletter without medium → email",
    input: { utm: { source: "newsletter" } },
    want: expected({ channel: "email", basis: "utm", source: "newsletter", reason: 'utm_source "newsletter" → email' }),
  },
  {
    name: "medium beats source: utm_source=facebook&utm_medium=email → email",
    input: { utm: { source: "facebook", medium: "email" } },
    want: expected({ channel: "email", basis: "utm", source: "facebook", medium: "email", reason: 'utm_medium "email" → email' }),
  },
  {
    name: "utm_medium=sms (Attentive) → SMS",
    input: { url: `${SHOP}?utm_source=attentive&utm_medium=sms&utm_campaign=drop` },
    want: expected({ channel: "sms", basis: "utm", source: "attentive", medium: "sms", campaign: "drop", reason: 'utm_medium "sms" → SMS' }),
  },
  {
    name: "utm_source=sms without medium → SMS",
    input: { utm: { source: "SMS" } },
    want: expected({ channel: "sms", basis: "utm", source: "sms", reason: 'utm_source "sms" → SMS' }),
  },
  {
    name: "utm_medium=affiliate → affiliate",
    input: { utm: { source: "impact", medium: "affiliate", campaign: "partner-42" } },
    want: expected({ channel: "affiliate", basis: "utm", source: "impact", medium: "affiliate", campaign: "partner-42", reason: 'utm_medium "affiliate" → affiliate' }),
  },
  {
    name: "utm_medium=display → display",
    input: { utm: { source: "criteo", medium: "display" } },
    want: expected({ channel: "display", basis: "utm", source: "criteo", medium: "display", reason: 'utm_medium "display" → display' }),
  },
  {
    name: "utm_medium=banner → display",
    input: { utm: { source: "partner-site", medium: "banner" } },
    want: expected({ channel: "display", basis: "utm", source: "partner-site", medium: "banner", reason: 'utm_medium "banner" → display' }),
  },
  {
    name: "utm_medium=cpm with unknown source → display (GA4's Display rule)",
    input: { utm: { source: "dv360", medium: "cpm" } },
    want: expected({ channel: "display", basis: "utm", source: "dv360", medium: "cpm", reason: 'utm_medium "cpm" → display' }),
  },
  {
    name: "utm_medium=cpm with a social source → paid social (GA4's Paid Social comes before Display)",
    input: { utm: { source: "facebook", medium: "cpm" } },
    want: expected({ channel: "paid_social", basis: "utm", source: "facebook", medium: "cpm", platform: "meta", reason: 'utm_source "facebook" is a social network with paid utm_medium "cpm" → paid social' }),
  },
  {
    name: "google / cpc without gclid → paid search",
    input: { utm: { source: "google", medium: "cpc", campaign: "Brand", term: "blue tee" } },
    want: expected({ channel: "paid_search", basis: "utm", source: "google", medium: "cpc", campaign: "Brand", adSet: "blue tee", platform: "google", reason: 'utm_source "google" is a search engine with paid utm_medium "cpc" → paid search' }),
  },
  {
    name: "bing / ppc → paid search (Microsoft)",
    input: { utm: { source: "bing", medium: "ppc" } },
    want: expected({ channel: "paid_search", basis: "utm", source: "bing", medium: "ppc", platform: "microsoft", reason: 'utm_source "bing" is a search engine with paid utm_medium "ppc" → paid search' }),
  },
  {
    name: "tiktok / paid_social → paid social",
    input: { utm: { source: "tiktok", medium: "paid_social", id: "1789" } },
    want: expected({ channel: "paid_social", basis: "utm", source: "tiktok", medium: "paid_social", campaign: "1789", platform: "tiktok", reason: 'utm_source "tiktok" is a social network with paid utm_medium "paid_social" → paid social' }),
  },
  {
    name: "ig / social_paid → paid social (token match)",
    input: { utm: { source: "ig", medium: "social_paid" } },
    want: expected({ channel: "paid_social", basis: "utm", source: "ig", medium: "social_paid", platform: "meta", reason: 'utm_source "ig" is a social network with paid utm_medium "social_paid" → paid social' }),
  },
  {
    name: "source facebook_ads without medium → paid social",
    input: { utm: { source: "facebook_ads" } },
    want: expected({ channel: "paid_social", basis: "utm", source: "facebook_ads", platform: "meta", reason: 'utm_source "facebook_ads" is a social network with paid-looking utm_source "facebook_ads" → paid social' }),
  },
  {
    name: "unknown source, medium paid-social → paid social",
    input: { utm: { source: "creator-network", medium: "paid-social" } },
    want: expected({ channel: "paid_social", basis: "utm", source: "creator-network", medium: "paid-social", reason: 'utm_medium "paid-social" names social → paid social' }),
  },
  {
    name: "first token of the source names the site (duckduckgo-ads-partner / cpc → paid search)",
    input: { utm: { source: "duckduckgo-ads-partner", medium: "cpc" } },
    want: expected({ channel: "paid_search", basis: "utm", source: "duckduckgo-ads-partner", medium: "cpc", platform: "duckduckgo", reason: 'utm_source "duckduckgo-ads-partner" is a search engine with paid utm_medium "cpc" → paid search' }),
  },
  {
    name: "unknown source, medium cpc → paid search (GA4 Paid Other folded in)",
    input: { utm: { source: "some-network", medium: "cpc" } },
    want: expected({ channel: "paid_search", basis: "utm", source: "some-network", medium: "cpc", reason: 'utm_medium "cpc" with an unknown source → paid search' }),
  },
  {
    name: "unknown source, medium paid → display (other paid placement)",
    input: { utm: { source: "podcast", medium: "paid" } },
    want: expected({ channel: "display", basis: "utm", source: "podcast", medium: "paid", reason: 'paid utm_medium "paid" with an unknown source → display (other paid placement)' }),
  },
  {
    name: "facebook / social → organic social",
    input: { utm: { source: "facebook", medium: "social" } },
    want: expected({ channel: "organic_social", basis: "utm", source: "facebook", medium: "social", platform: "meta", reason: 'utm_medium "social" → organic social' }),
  },
  {
    name: "source instagram without medium → organic social",
    input: { url: `${SHOP}?utm_source=Instagram&utm_campaign=bio` },
    want: expected({ channel: "organic_social", basis: "utm", source: "instagram", campaign: "bio", platform: "meta", reason: 'utm_source "instagram" is a social network → organic social' }),
  },
  {
    name: "m.facebook.com / referral → referral (medium first), platform still read from the source host",
    input: { utm: { source: "m.facebook.com", medium: "referral" } },
    want: expected({ channel: "referral", basis: "utm", source: "m.facebook.com", medium: "referral", platform: "meta", reason: 'utm_medium "referral" → referral' }),
  },
  {
    name: "source given as a host (l.instagram.com) without medium → organic social",
    input: { utm: { source: "l.instagram.com" } },
    want: expected({ channel: "organic_social", basis: "utm", source: "l.instagram.com", platform: "meta", reason: 'utm_source "l.instagram.com" is a social network → organic social' }),
  },
  {
    name: "source google.com without medium → organic search",
    input: { utm: { source: "google.com" } },
    want: expected({ channel: "organic_search", basis: "utm", source: "google.com", platform: "google", reason: 'utm_source "google.com" is a search engine → organic search' }),
  },
  {
    name: "utm_medium=organic → organic search",
    input: { utm: { source: "google", medium: "organic" } },
    want: expected({ channel: "organic_search", basis: "utm", source: "google", medium: "organic", platform: "google", reason: 'utm_medium "organic" → organic search' }),
  },
  {
    name: "unrecognised UTMs → referral (tagged traffic is never direct)",
    input: { utm: { source: "spring-flyer", medium: "qr" } },
    want: expected({ channel: "referral", basis: "utm", source: "spring-flyer", medium: "qr", reason: 'utm_source "spring-flyer" / utm_medium "qr" not recognised → referral (tagged traffic is never direct)' }),
  },
  {
    name: "medium only, unrecognised → referral",
    input: { utm: { medium: "qr" } },
    want: expected({ channel: "referral", basis: "utm", medium: "qr", reason: 'utm_medium "qr" not recognised → referral (tagged traffic is never direct)' }),
  },
  {
    name: "UTMs beat the referrer",
    input: { url: `${SHOP}?utm_source=klaviyo&utm_medium=email`, referrer: "https://www.google.com/" },
    want: expected({ channel: "email", basis: "utm", source: "klaviyo", medium: "email", reason: 'utm_medium "email" → email' }),
  },
  {
    name: "explicit utm wins over URL params; URL fills the rest",
    input: { url: `${SHOP}?utm_source=url-src&utm_medium=url-med&utm_content=url-ad`, utm: { source: "Pixel-Src", medium: " email " } },
    want: expected({ channel: "email", basis: "utm", source: "pixel-src", medium: "email", ad: "url-ad", reason: 'utm_medium "email" → email' }),
  },
  {
    name: "upper-case UTM param names are read",
    input: { url: `${SHOP}?UTM_SOURCE=Newsletter&Utm_Medium=EMAIL` },
    want: expected({ channel: "email", basis: "utm", source: "newsletter", medium: "email", reason: 'utm_medium "email" → email' }),
  },
  {
    name: "utm_campaign alone does not classify; referrer decides, campaign kept",
    input: { url: `${SHOP}?utm_campaign=summer`, referrer: "https://www.bing.com/search?q=tee" },
    want: expected({ channel: "organic_search", basis: "referrer", source: "bing", medium: "organic", campaign: "summer", platform: "microsoft", reason: "referrer www.bing.com is a search engine → organic search (Microsoft)" }),
  },
  {
    name: "HubSpot hsa_* params fill campaign/adSet/ad",
    input: { url: `${SHOP}?utm_source=linkedin&utm_medium=paid&hsa_cam=9&hsa_grp=8&hsa_ad=7` },
    want: expected({ channel: "paid_social", basis: "utm", source: "linkedin", medium: "paid", campaign: "9", adSet: "8", ad: "7", platform: "linkedin", reason: 'utm_source "linkedin" is a social network with paid utm_medium "paid" → paid social' }),
  },

  // --- referrers ---------------------------------------------------------
  {
    name: "google.co.uk referrer → organic search",
    input: { url: SHOP, referrer: "https://www.google.co.uk/" },
    want: expected({ channel: "organic_search", basis: "referrer", source: "google", medium: "organic", platform: "google", reason: "referrer www.google.co.uk is a search engine → organic search (Google)" }),
  },
  {
    name: "google.de referrer → organic search",
    input: { referrer: "https://google.de/" },
    want: expected({ channel: "organic_search", basis: "referrer", source: "google", medium: "organic", platform: "google", reason: "referrer google.de is a search engine → organic search (Google)" }),
  },
  {
    name: "Google app (android-app://) → organic search",
    input: { referrer: "android-app://com.google.android.googlequicksearchbox/" },
    want: expected({ channel: "organic_search", basis: "referrer", source: "google", medium: "organic", platform: "google", reason: "referrer com.google.android.googlequicksearchbox is a search engine → organic search (Google)" }),
  },
  {
    name: "DuckDuckGo → organic search",
    input: { referrer: "https://duckduckgo.com/" },
    want: expected({ channel: "organic_search", basis: "referrer", source: "duckduckgo", medium: "organic", platform: "duckduckgo", reason: "referrer duckduckgo.com is a search engine → organic search (DuckDuckGo)" }),
  },
  {
    name: "Yahoo regional search → organic search",
    input: { referrer: "https://uk.search.yahoo.com/" },
    want: expected({ channel: "organic_search", basis: "referrer", source: "yahoo", medium: "organic", platform: "yahoo", reason: "referrer uk.search.yahoo.com is a search engine → organic search (Yahoo)" }),
  },
  {
    name: "Seznam (no platform) → organic search",
    input: { referrer: "https://search.seznam.cz/?q=x" },
    want: expected({ channel: "organic_search", basis: "referrer", source: "seznam", medium: "organic", reason: "referrer search.seznam.cz is a search engine → organic search" }),
  },
  {
    name: "mail.google.com is Gmail, not Google search → email",
    input: { referrer: "https://mail.google.com/" },
    want: expected({ channel: "email", basis: "referrer", source: "gmail", medium: "email", reason: "referrer mail.google.com is a web-mail client → email" }),
  },
  {
    name: "Gmail app → email",
    input: { referrer: "android-app://com.google.android.gm/" },
    want: expected({ channel: "email", basis: "referrer", source: "gmail", medium: "email", reason: "referrer com.google.android.gm is a web-mail client → email" }),
  },
  {
    name: "l.facebook.com (link shim) → organic social",
    input: { referrer: "https://l.facebook.com/" },
    want: expected({ channel: "organic_social", basis: "referrer", source: "facebook", medium: "social", platform: "meta", reason: "referrer l.facebook.com is a social network → organic social (Meta)" }),
  },
  {
    name: "t.co → organic social (X)",
    input: { referrer: "https://t.co/AbCdE" },
    want: expected({ channel: "organic_social", basis: "referrer", source: "x", medium: "social", platform: "x", reason: "referrer t.co is a social network → organic social (X)" }),
  },
  {
    name: "lnkd.in → organic social (LinkedIn)",
    input: { referrer: "https://lnkd.in/eXyZ" },
    want: expected({ channel: "organic_social", basis: "referrer", source: "linkedin", medium: "social", platform: "linkedin", reason: "referrer lnkd.in is a social network → organic social (LinkedIn)" }),
  },
  {
    name: "pinterest.co.uk → organic social",
    input: { referrer: "https://www.pinterest.co.uk/" },
    want: expected({ channel: "organic_social", basis: "referrer", source: "pinterest", medium: "social", platform: "pinterest", reason: "referrer www.pinterest.co.uk is a social network → organic social (Pinterest)" }),
  },
  {
    name: "Instagram Android app → organic social",
    input: { referrer: "android-app://com.instagram.android/" },
    want: expected({ channel: "organic_social", basis: "referrer", source: "instagram", medium: "social", platform: "meta", reason: "referrer com.instagram.android is a social network → organic social (Meta)" }),
  },
  {
    name: "out.reddit.com → organic social",
    input: { referrer: "https://out.reddit.com/t3_abc" },
    want: expected({ channel: "organic_social", basis: "referrer", source: "reddit", medium: "social", platform: "reddit", reason: "referrer out.reddit.com is a social network → organic social (Reddit)" }),
  },
  {
    name: "YouTube → organic social (Google)",
    input: { referrer: "https://m.youtube.com/" },
    want: expected({ channel: "organic_social", basis: "referrer", source: "youtube", medium: "social", platform: "google", reason: "referrer m.youtube.com is a social network → organic social (Google)" }),
  },
  {
    name: "shop's own domain → internal",
    input: { url: "https://www.shop.example.com/cart", referrer: "https://shop.example.com/products/tee", shopDomains: ["shop.example.com"] },
    want: expected({ channel: "internal", basis: "referrer", reason: "referrer shop.example.com is the shop's own domain → internal" }),
  },
  {
    name: "myshopify domain listed in shopDomains → internal",
    input: { referrer: "https://acme.myshopify.com/", shopDomains: ["acme.com", "https://ACME.myshopify.com/"] },
    want: expected({ channel: "internal", basis: "referrer", reason: "referrer acme.myshopify.com is the shop's own domain → internal" }),
  },
  {
    name: "same host as the landing URL → internal even without shopDomains",
    input: { url: "https://store.test/cart", referrer: "https://store.test/" },
    want: expected({ channel: "internal", basis: "referrer", reason: "referrer store.test is the shop's own domain → internal" }),
  },
  {
    name: "another store on myshopify.com is a referral, not internal",
    input: { url: "https://acme.myshopify.com/", referrer: "https://other.myshopify.com/" },
    want: expected({ channel: "referral", basis: "referrer", source: "other.myshopify.com", medium: "referral", reason: "referrer other.myshopify.com → referral" }),
  },
  {
    name: "PayPal return → internal (checkout step)",
    input: { url: `${SHOP}`, referrer: "https://www.paypal.com/checkoutnow?token=1" },
    want: expected({ channel: "internal", basis: "referrer", reason: "referrer www.paypal.com is a checkout/payment step → internal" }),
  },
  {
    name: "Shop Pay → internal",
    input: { referrer: "https://shop.app/pay/abc" },
    want: expected({ channel: "internal", basis: "referrer", reason: "referrer shop.app is a checkout/payment step → internal" }),
  },
  {
    name: "unknown site → referral with host as source (www. dropped)",
    input: { url: SHOP, referrer: "https://www.blog.example.org/best-tees?x=1" },
    want: expected({ channel: "referral", basis: "referrer", source: "blog.example.org", medium: "referral", reason: "referrer www.blog.example.org → referral" }),
  },
  {
    name: "a site merely containing 'google' is a referral",
    input: { referrer: "https://notgoogle.com/" },
    want: expected({ channel: "referral", basis: "referrer", source: "notgoogle.com", medium: "referral", reason: "referrer notgoogle.com → referral" }),
  },
  {
    name: "facebook.com.evil.test is not Facebook",
    input: { referrer: "https://facebook.com.evil.test/" },
    want: expected({ channel: "referral", basis: "referrer", source: "facebook.com.evil.test", medium: "referral", reason: "referrer facebook.com.evil.test → referral" }),
  },
  {
    name: "referrer host with upper case, port and trailing dot",
    input: { referrer: "HTTPS://WWW.Google.COM.:443/search" },
    want: expected({ channel: "organic_search", basis: "referrer", source: "google", medium: "organic", platform: "google", reason: "referrer www.google.com is a search engine → organic search (Google)" }),
  },
  {
    name: "scheme-less referrer is still read",
    input: { referrer: "www.bing.com/search?q=tee" },
    want: expected({ channel: "organic_search", basis: "referrer", source: "bing", medium: "organic", platform: "microsoft", reason: "referrer www.bing.com is a search engine → organic search (Microsoft)" }),
  },

  // --- direct and garbage -----------------------------------------------
  {
    name: "nothing → direct",
    input: {},
    want: expected({ channel: "direct", basis: "none", reason: "no click id, UTM or referrer → direct" }),
  },
  {
    name: "landing URL without params and no referrer → direct",
    input: { url: SHOP, referrer: "" },
    want: expected({ channel: "direct", basis: "none", reason: "no click id, UTM or referrer → direct" }),
  },
  {
    name: "about:blank referrer → direct",
    input: { url: SHOP, referrer: "about:blank" },
    want: expected({ channel: "direct", basis: "none", reason: "no click id, UTM or referrer → direct" }),
  },
  {
    name: "relative referrer is ignored → direct",
    input: { url: SHOP, referrer: "/collections/all" },
    want: expected({ channel: "direct", basis: "none", reason: "no click id, UTM or referrer → direct" }),
  },
  {
    name: "chrome-extension referrer is ignored → direct",
    input: { referrer: "chrome-extension://abcdef/popup.html" },
    want: expected({ channel: "direct", basis: "none", reason: "no click id, UTM or referrer → direct" }),
  },
  {
    name: "garbage URL and referrer → direct, no throw",
    input: { url: "%%%:://??", referrer: "::::" },
    want: expected({ channel: "direct", basis: "none", reason: "no click id, UTM or referrer → direct" }),
  },
  {
    name: "relative landing URL still yields its params",
    input: { url: "/products/tee?utm_source=newsletter&utm_medium=email&utm_campaign=may" },
    want: expected({ channel: "email", basis: "utm", source: "newsletter", medium: "email", campaign: "may", reason: 'utm_medium "email" → email' }),
  },
  {
    name: "query-only landing URL with a click id",
    input: { url: "?gclid=Q1" },
    want: expected({ channel: "paid_search", basis: "click_id", source: "google", medium: "cpc", platform: "google", clickId: { key: "gclid", value: "Q1" }, reason: "gclid present → paid search (Google)" }),
  },
  {
    name: "malformed percent-encoding does not throw",
    input: { url: `${SHOP}?utm_source=news%zzletter&utm_medium=email` },
    want: expected({ channel: "email", basis: "utm", source: "news%zzletter", medium: "email", reason: 'utm_medium "email" → email' }),
  },
  {
    name: "repeated param: the first non-empty value wins",
    input: { url: `${SHOP}?utm_source=&utm_source=first&utm_source=second&utm_medium=email` },
    want: expected({ channel: "email", basis: "utm", source: "first", medium: "email", reason: 'utm_medium "email" → email' }),
  },
];

describe("classifyChannel", () => {
  test.each(cases)("$name", ({ input, want }) => {
    expect(classifyChannel(input)).toEqual(want);
  });

  test("every click id the pixel collects has exactly one rule", () => {
    expect(CLICK_ID_RULES.map((r) => r.key).sort()).toEqual([...CLICK_ID_KEYS].sort());
  });

  test("never throws and always returns a known channel (arbitrary strings)", () => {
    fc.assert(
      fc.property(
        fc.record({ url: fc.option(fc.string(), { nil: undefined }), referrer: fc.option(fc.webUrl(), { nil: undefined }), medium: fc.option(fc.string(), { nil: undefined }), source: fc.option(fc.string(), { nil: undefined }) }),
        ({ url, referrer, medium, source }) => {
          const r = classifyChannel({ url, referrer, utm: { medium, source }, shopDomains: ["shop.example.com"] });
          expect(CHANNELS).toContain(r.channel);
          expect(r.reason.length).toBeGreaterThan(0);
        },
      ),
    );
  });
});

describe("isPaidMedium", () => {
  test.each([
    ["cpc", true],
    ["CPC", true],
    ["ppc", true],
    ["paid", true],
    ["paid_social", true],
    ["paidsearch", true],
    ["social-paid", true],
    ["ads", true],
    ["retargeting", true],
    ["cpm", true],
    ["email", false],
    ["social", false],
    ["organic", false],
    ["referral", false],
    ["", false],
  ] as const)("%s → %s", (medium, paid) => {
    expect(isPaidMedium(medium)).toBe(paid);
  });
});

describe("clickIdValues", () => {
  test("stamped and plain values → plain values; undefined entries dropped", () => {
    expect(clickIdValues({ fbclid: { value: "IwAR", at: 1 }, gclid: "G", ttclid: undefined })).toEqual({ fbclid: "IwAR", gclid: "G" });
  });
  test("undefined → undefined", () => {
    expect(clickIdValues(undefined)).toBeUndefined();
  });
});

describe("normalizeHost", () => {
  test.each([
    ["shop.example.com", "shop.example.com"],
    ["www.Shop.Example.com", "shop.example.com"],
    ["https://WWW.shop.example.com:8443/path", "shop.example.com"],
    ["shop.example.com.", "shop.example.com"],
    ["", ""],
    ["%%%", ""],
  ])("%s → %s", (raw, host) => {
    expect(normalizeHost(raw)).toBe(host);
  });
});
